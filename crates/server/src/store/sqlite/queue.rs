//! The waiting tickets, read from their partial covering index (migrations 0007, 0008): the
//! head of the queue with its count, the count alone, a ticket's place, whether any waits
//! offline. Each query says [`WAITING`] and [`KEY`] exactly as the index does, so SQLite
//! answers it from the index alone, never from the tickets' rows (which carry the handoffs)
//! or the closed ones, and walks the index in queue order instead of sorting: the head costs
//! the same however long the queue is.

use baton_core::Millis;
use baton_core::queue::{Priority, queue_key};
use sqlx::{Row, SqlitePool};

use crate::store::{QueueRow, Status, StoreError, Ticket, Waiting};

#[cfg(doc)]
use baton_core::queue::PRIORITY_STEP_MS;

/// The condition of the waiting index.
const WAITING: &str = "status IN ('queued', 'offline')";

/// [`queue_key`] in SQL, as the index is built on it: [`PRIORITY_STEP_MS`] written out, for
/// SQLite matches an index's expression by its text, and a bound parameter never matches.
const KEY: &str = "created_at - priority * 600000";

/// The head of the queue: its first `?` entries in queue order, each with the count of all
/// and whether any waits offline (scalar subqueries, each run once).
fn head_sql() -> String {
    format!(
        "SELECT id, queue, priority, status, reason, visitor_name, verified, created_at, \
         (SELECT COUNT(*) FROM tickets WHERE {WAITING}) AS waiting, ({}) AS any_offline \
         FROM tickets WHERE {WAITING} ORDER BY {KEY}, created_at, id LIMIT ?",
        any_offline_sql()
    )
}

fn count_sql() -> String {
    format!("SELECT COUNT(*) FROM tickets WHERE {WAITING}")
}

fn ahead_sql() -> String {
    format!("SELECT COUNT(*) FROM tickets WHERE {WAITING} AND id <> ? AND {KEY} < ?")
}

/// Answered from the small index of the offline tickets (0008).
fn any_offline_sql() -> String {
    "SELECT EXISTS (SELECT 1 FROM tickets WHERE status = 'offline')".to_owned()
}

/// See [`crate::store::Store::waiting`]: one round trip, reading `limit` index entries and
/// counting the rest.
pub(super) async fn head(read: &SqlitePool, limit: usize) -> Result<Waiting, StoreError> {
    let rows = sqlx::query(&head_sql())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(read)
        .await?;
    let (count, any_offline) = match rows.first() {
        Some(row) => (
            u64::try_from(row.try_get::<i64, _>("waiting")?).unwrap_or(0),
            row.try_get::<i64, _>("any_offline")? != 0,
        ),
        // No head: none wait, unless the limit is 0.
        None if limit == 0 => (self::count(read).await?, any_offline(read).await?),
        None => (0, false),
    };
    let head = rows
        .iter()
        .map(|row| {
            Ok(QueueRow {
                id: row.try_get("id")?,
                queue: row.try_get("queue")?,
                priority: Priority::from_rank(row.try_get("priority")?),
                status: Status::parse(row.try_get::<&str, _>("status")?),
                reason: row
                    .try_get::<Option<&str>, _>("reason")?
                    .map(serde_json::from_str)
                    .transpose()?,
                name: row.try_get("visitor_name")?,
                verified: row.try_get::<i64, _>("verified")? != 0,
                created_at: row.try_get::<i64, _>("created_at")?.max(0) as Millis,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Waiting {
        head,
        count,
        any_offline,
    })
}

/// How many tickets wait.
pub(super) async fn count(read: &SqlitePool) -> Result<u64, StoreError> {
    let waiting: i64 = sqlx::query_scalar(&count_sql()).fetch_one(read).await?;
    Ok(u64::try_from(waiting).unwrap_or(0))
}

/// How many waiting tickets other than `ticket` come before it.
pub(super) async fn ahead(read: &SqlitePool, ticket: &Ticket) -> Result<u64, StoreError> {
    let ahead: i64 = sqlx::query_scalar(&ahead_sql())
        .bind(&ticket.id)
        .bind(queue_key(ticket.priority, ticket.created_at))
        .fetch_one(read)
        .await?;
    Ok(u64::try_from(ahead).unwrap_or(0))
}

/// Whether any ticket waits offline.
pub(super) async fn any_offline(read: &SqlitePool) -> Result<bool, StoreError> {
    let any: i64 = sqlx::query_scalar(&any_offline_sql())
        .fetch_one(read)
        .await?;
    Ok(any != 0)
}

#[cfg(test)]
mod tests;
