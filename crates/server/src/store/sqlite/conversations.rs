//! Conversation records: the upsert that lets outcomes only move forward, and the reads the
//! reports make.

use baton_core::Millis;
use baton_core::outcome::Outcome;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::{i64_of, millis_at};
use crate::store::{ConversationRecord, StoreError};

/// The rank of a stored outcome, as SQL over the column `col` (see [`Outcome`]'s order).
fn rank(col: &str) -> String {
    format!("(CASE {col} WHEN 'escalated' THEN 2 WHEN 'resolved' THEN 1 ELSE 0 END)")
}

/// Inserts `record` or merges it into the stored one: the higher outcome wins, a report of
/// the same or a higher outcome replaces the thread, the trace and the variants, the ticket and
/// the first rating are kept once set, and the last-seen time only grows. (In an `UPDATE`, every expression reads
/// the row as it was, so the order of the assignments does not matter.)
pub(super) async fn upsert(
    conn: &mut SqliteConnection,
    record: &ConversationRecord,
) -> Result<(), StoreError> {
    let (old, new) = (rank("outcome"), rank("excluded.outcome"));
    let newer = format!("{new} >= {old}");
    let sql = format!(
        "INSERT INTO conversations (site, visitor, started_at, last_seen_at, outcome, ticket, variants, trace, transcript, csat, csat_comment) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (site, visitor, started_at) DO UPDATE SET \
         last_seen_at = MAX(last_seen_at, excluded.last_seen_at), \
         outcome = CASE WHEN {newer} THEN excluded.outcome ELSE outcome END, \
         ticket = COALESCE(ticket, excluded.ticket), \
         variants = CASE WHEN {newer} THEN excluded.variants ELSE variants END, \
         trace = CASE WHEN {newer} THEN excluded.trace ELSE trace END, \
         transcript = CASE WHEN {newer} THEN excluded.transcript ELSE transcript END, \
         csat_comment = CASE WHEN csat IS NULL THEN excluded.csat_comment ELSE csat_comment END, \
         csat = COALESCE(csat, excluded.csat)"
    );
    sqlx::query(&sql)
        .bind(&record.site)
        .bind(&record.visitor)
        .bind(i64_of(record.started_at))
        .bind(i64_of(record.last_seen_at))
        .bind(record.outcome.as_str())
        .bind(&record.ticket)
        .bind(serde_json::to_string(&record.variants)?)
        .bind(serde_json::to_string(&record.trace)?)
        .bind(serde_json::to_string(&record.transcript)?)
        .bind(record.csat.map(i64::from))
        .bind(&record.csat_comment)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Conversations of `site` started in `since..until`, oldest first.
pub(super) async fn started_between(
    conn: &mut SqliteConnection,
    site: &str,
    since: Millis,
    until: Millis,
) -> Result<Vec<ConversationRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT site, visitor, started_at, last_seen_at, outcome, ticket, variants, trace, transcript, csat, csat_comment \
         FROM conversations WHERE site = ? AND started_at >= ? AND started_at < ? \
         ORDER BY started_at, visitor",
    )
    .bind(site)
    .bind(i64_of(since))
    .bind(i64_of(until))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(record_from_row).collect()
}

fn record_from_row(row: &SqliteRow) -> Result<ConversationRecord, StoreError> {
    let millis = |name: &str| millis_at(row, name);
    Ok(ConversationRecord {
        site: row.try_get("site")?,
        visitor: row.try_get("visitor")?,
        started_at: millis("started_at")?,
        last_seen_at: millis("last_seen_at")?,
        outcome: Outcome::parse(row.try_get::<&str, _>("outcome")?),
        ticket: row.try_get("ticket")?,
        variants: serde_json::from_str(row.try_get::<&str, _>("variants")?)?,
        trace: serde_json::from_str(row.try_get::<&str, _>("trace")?)?,
        transcript: serde_json::from_str(row.try_get::<&str, _>("transcript")?)?,
        csat: row
            .try_get::<Option<i64>, _>("csat")?
            .map(|v| v.clamp(0, 255) as u8),
        csat_comment: row.try_get("csat_comment")?,
    })
}
