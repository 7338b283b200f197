#![allow(clippy::unwrap_used)]

use baton_core::queue::PRIORITY_STEP_MS;

use super::*;
use crate::store::sqlite::SqliteStore;

#[test]
fn the_key_is_queue_key_written_out_and_the_index_is_built_on_it() {
    assert_eq!(KEY, format!("created_at - priority * {PRIORITY_STEP_MS}"));
    let migration = include_str!("../../../../migrations/0008_waiting_index_by_key.sql");
    assert!(
        migration.contains(&format!("ON tickets ({KEY}, ")),
        "{migration}"
    );
    assert!(
        migration.contains(&format!("WHERE {WAITING};")),
        "{migration}"
    );
}

/// Every query of the queue reads the waiting (or offline) index alone and none sorts: what
/// they cost does not grow with the tickets ever stored, and the head's not with the queue.
#[tokio::test]
async fn every_queue_query_reads_only_the_waiting_index_in_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    for sql in [head_sql(), count_sql(), ahead_sql(), any_offline_sql()] {
        // id, parent, (unused), what the step does
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(&store.read)
                .await
                .unwrap();
        let steps: Vec<&str> = plan.iter().map(|(.., step)| step.as_str()).collect();
        let reads: Vec<&&str> = steps
            .iter()
            .filter(|s| s.starts_with("SCAN tickets") || s.starts_with("SEARCH tickets"))
            .collect();
        assert!(!reads.is_empty(), "{sql}: {steps:?}");
        for read in reads {
            assert!(
                ["tickets_waiting", "tickets_offline"]
                    .iter()
                    .any(|index| read.contains(&format!("USING COVERING INDEX {index}"))),
                "{sql}: {steps:?}"
            );
        }
        assert!(
            !steps.iter().any(|s| s.contains("TEMP B-TREE")),
            "{sql} sorts: {steps:?}"
        );
    }
}
