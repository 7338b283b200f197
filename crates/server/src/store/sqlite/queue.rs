//! The waiting tickets, read from their partial covering index (migration 0007): the head of
//! the queue with its count, the count alone, a ticket's place, whether any waits offline.
//! Each query says [`WAITING`] exactly as the index does, so SQLite answers it from the
//! index alone, never from the tickets' rows (which carry the handoffs) or the closed ones.

use baton_core::Millis;
use baton_core::queue::{PRIORITY_STEP_MS, Priority, queue_key};
use sqlx::{Row, SqlitePool};

use crate::store::{QueueRow, Status, StoreError, Ticket};

/// The condition of the waiting index.
const WAITING: &str = "status IN ('queued', 'offline')";

/// [`queue_key`] in SQL; its `?` is [`step`].
const KEY: &str = "created_at - priority * ?";

fn step() -> i64 {
    i64::try_from(PRIORITY_STEP_MS).unwrap_or(i64::MAX)
}

/// See [`crate::store::Store::waiting`]. SQLite keeps only the head while it scans; the
/// count of all comes with each row (the window is the whole result, before the limit), so
/// an agent's view is one round trip.
pub(super) async fn head(
    read: &SqlitePool,
    limit: usize,
) -> Result<(Vec<QueueRow>, u64), StoreError> {
    let sql = format!(
        "SELECT id, queue, priority, status, reason, visitor_name, verified, created_at, \
         COUNT(*) OVER () AS waiting FROM tickets WHERE {WAITING} \
         ORDER BY {KEY}, created_at, id LIMIT ?"
    );
    let rows = sqlx::query(&sql)
        .bind(step())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(read)
        .await?;
    let waiting = match rows.first() {
        Some(row) => u64::try_from(row.try_get::<i64, _>("waiting")?).unwrap_or(0),
        None => 0,
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
    Ok((head, waiting))
}

/// How many tickets wait.
pub(super) async fn count(read: &SqlitePool) -> Result<u64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM tickets WHERE {WAITING}");
    let waiting: i64 = sqlx::query_scalar(&sql).fetch_one(read).await?;
    Ok(u64::try_from(waiting).unwrap_or(0))
}

/// How many waiting tickets other than `ticket` come before it.
pub(super) async fn ahead(read: &SqlitePool, ticket: &Ticket) -> Result<u64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM tickets WHERE {WAITING} AND id <> ? AND {KEY} < ?");
    let ahead: i64 = sqlx::query_scalar(&sql)
        .bind(&ticket.id)
        .bind(step())
        .bind(queue_key(ticket.priority, ticket.created_at))
        .fetch_one(read)
        .await?;
    Ok(u64::try_from(ahead).unwrap_or(0))
}

/// Whether any ticket waits offline.
pub(super) async fn any_offline(read: &SqlitePool) -> Result<bool, StoreError> {
    let sql =
        format!("SELECT EXISTS (SELECT 1 FROM tickets WHERE {WAITING} AND status = 'offline')");
    let any: i64 = sqlx::query_scalar(&sql).fetch_one(read).await?;
    Ok(any != 0)
}
