//! `baton replay` over stored conversations with known sentiment: lowering a sentiment
//! threshold reports exactly the conversations whose scores newly cross it, and raising it
//! back reports the same ones as no longer escalating.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use baton_core::outcome::Outcome;
use baton_core::sentiment;
use baton_core::transcript::{Author, Entry, Transcript};
use baton_server::clock::now;
use baton_server::store::sqlite::SqliteStore;
use baton_server::store::{ConversationRecord, Store};
use common::baton;

const MESSAGES: &[&str] = &[
    "this is terrible",
    "I am a bit annoyed",
    "not great",
    "awful, horrible service, I hate this",
    "fine thanks",
    "I'm disappointed",
    "very bad",
    "slightly bad",
    "where is my parcel",
    "this is frustrating",
    "thanks, that helps a lot",
    "worst experience ever",
    "I'm not happy",
    "meh",
    "the delivery is late again",
    "really annoying and useless",
];

fn config(threshold: f64) -> String {
    format!(
        r#"{{"version": 1, "site": {{"id": "shop", "name": "Shop"}},
        "flow": {{"start": "ask", "nodes": [
          {{"id": "ask", "type": "faq", "found": "ask", "fallback": "ask"}}
        ]}},
        "triggers": [{{"id": "upset", "when": {{"sentiment_below": {threshold}}}}}]}}"#
    )
}

fn replay(dir: &Path, proposed: f64, current: f64) -> serde_json::Value {
    let write = |name: &str, threshold| {
        let path = dir.join(name);
        std::fs::write(&path, config(threshold)).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (proposed, current) = (
        write("proposed.json", proposed),
        write("current.json", current),
    );
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    let args = [
        "replay",
        "--config",
        &proposed,
        "--current",
        &current,
        "--data",
        data,
        "--json",
    ];
    let (code, out, err) = baton(&args);
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{err}");
    assert!(
        err.contains("replaying") && err.contains("(100%)"),
        "a progress bar: {err}"
    );
    serde_json::from_str(&out).unwrap()
}

fn ids(change: &serde_json::Value, key: &str) -> BTreeSet<String> {
    change[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn lowering_a_threshold_reports_exactly_the_conversations_that_newly_cross_it() {
    let dir = tempfile::tempdir().unwrap();
    let start = now() - 3_600_000;
    // Ground truth from the scores themselves: fires below -0.6 now, below -0.3 proposed.
    let mut expected = BTreeSet::new();
    let mut below_both = 0;
    let records: Vec<ConversationRecord> = MESSAGES
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let started_at = start + i as u64 * 1_000;
            let score = sentiment::score(text);
            if (-0.6..-0.3).contains(&score) {
                expected.insert(format!("v{i}@{started_at}"));
            }
            below_both += usize::from(score < -0.6);
            ConversationRecord {
                site: "shop".into(),
                visitor: format!("v{i}"),
                started_at,
                last_seen_at: started_at + 500,
                outcome: Outcome::Resolved,
                ticket: None,
                variants: vec![],
                trace: vec![],
                transcript: Transcript {
                    entries: vec![Entry {
                        from: Author::Visitor,
                        text: (*text).to_owned(),
                        at: started_at + 500,
                        sentiment: Some(score),
                        unconfirmed: false,
                    }],
                },
                csat: None,
                csat_comment: None,
            }
        })
        .collect();
    assert!(
        !expected.is_empty() && below_both > 0,
        "the messages cover both sides of each threshold"
    );
    let data = dir.path().join("data");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = SqliteStore::open(&data).await.unwrap();
        for record in &records {
            store.record_conversation(record).await.unwrap();
        }
    });

    let lowered = replay(dir.path(), -0.3, -0.6);
    assert_eq!(lowered["conversations"], MESSAGES.len());
    let changes = lowered["triggers"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{lowered}");
    assert_eq!(changes[0]["trigger"], "upset");
    assert_eq!(ids(&changes[0], "newly_ids"), expected);
    assert!(ids(&changes[0], "no_longer_ids").is_empty());
    assert_eq!(lowered["escalated_before"], below_both);
    assert_eq!(lowered["escalated_after"], below_both + expected.len());
    let example = &changes[0]["newly_examples"][0];
    assert!(
        example["why"].as_str().unwrap().contains("sentiment"),
        "{example}"
    );

    // Back again: the same conversations no longer escalate.
    let raised = replay(dir.path(), -0.6, -0.3);
    let changes = raised["triggers"].as_array().unwrap();
    assert_eq!(ids(&changes[0], "no_longer_ids"), expected);
    assert!(ids(&changes[0], "newly_ids").is_empty());

    // The same config: nothing changes.
    let same = replay(dir.path(), -0.6, -0.6);
    assert_eq!(same["triggers"], serde_json::json!([]));
}
