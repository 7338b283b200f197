//! Drift alerts: opening, extending and closing them as days are checked.

use baton_core::Millis;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::{i64_of, millis_at};
use crate::store::StoreError;
use crate::store::{Alert, Direction, Test};

const COLUMNS: &str =
    "id, trigger, direction, opened_day, last_day, observed, expected, p, closed_day";

/// Applies one day's test results (see [`crate::store::Store::record_drift`]).
pub(super) async fn record(
    conn: &mut SqliteConnection,
    site: &str,
    day: Millis,
    results: &[(String, Direction, Test)],
) -> Result<Vec<Alert>, StoreError> {
    let mut opened = Vec::new();
    for (trigger, direction, test) in results {
        match test {
            Test::Untestable => {}
            Test::Normal => {
                sqlx::query(
                    "UPDATE alerts SET closed_day = ? \
                     WHERE site = ? AND trigger = ? AND direction = ? AND closed_day IS NULL",
                )
                .bind(i64_of(day))
                .bind(site)
                .bind(trigger)
                .bind(direction.as_str())
                .execute(&mut *conn)
                .await?;
            }
            Test::Drift(signal) => {
                let extended = sqlx::query(
                    "UPDATE alerts SET last_day = ?, observed = ?, expected = ?, p = ? \
                     WHERE site = ? AND trigger = ? AND direction = ? AND closed_day IS NULL",
                )
                .bind(i64_of(day))
                .bind(i64_of(signal.observed))
                .bind(signal.expected)
                .bind(signal.p)
                .bind(site)
                .bind(trigger)
                .bind(direction.as_str())
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if extended == 0 {
                    let sql = format!(
                        "INSERT INTO alerts (site, trigger, direction, opened_day, last_day, observed, expected, p) \
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
                    );
                    let row = sqlx::query(&sql)
                        .bind(site)
                        .bind(trigger)
                        .bind(direction.as_str())
                        .bind(i64_of(day))
                        .bind(i64_of(day))
                        .bind(i64_of(signal.observed))
                        .bind(signal.expected)
                        .bind(signal.p)
                        .fetch_one(&mut *conn)
                        .await?;
                    opened.push(alert_from_row(&row)?);
                }
            }
        }
    }
    sqlx::query(
        "INSERT INTO drift_checks (site, last_day) VALUES (?, ?) \
         ON CONFLICT (site) DO UPDATE SET last_day = MAX(last_day, excluded.last_day)",
    )
    .bind(site)
    .bind(i64_of(day))
    .execute(&mut *conn)
    .await?;
    Ok(opened)
}

/// The last day checked for `site`.
pub(super) async fn last_day(
    conn: &mut SqliteConnection,
    site: &str,
) -> Result<Option<Millis>, StoreError> {
    let row = sqlx::query("SELECT last_day FROM drift_checks WHERE site = ?")
        .bind(site)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64, _>("last_day"))
        .transpose()?
        .map(|d| d.max(0) as Millis))
}

/// Alerts open now or drifting on a day at or after `since`, newest first.
pub(super) async fn since(
    conn: &mut SqliteConnection,
    site: &str,
    since: Millis,
) -> Result<Vec<Alert>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM alerts WHERE site = ? AND (closed_day IS NULL OR last_day >= ?) \
         ORDER BY last_day DESC, id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(site)
        .bind(i64_of(since))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(alert_from_row).collect()
}

fn alert_from_row(row: &SqliteRow) -> Result<Alert, StoreError> {
    let millis = |name: &str| millis_at(row, name);
    Ok(Alert {
        id: row.try_get("id")?,
        trigger: row.try_get("trigger")?,
        direction: Direction::parse(row.try_get::<&str, _>("direction")?),
        opened_day: millis("opened_day")?,
        last_day: millis("last_day")?,
        observed: millis("observed")?,
        expected: row.try_get("expected")?,
        p: row.try_get("p")?,
        closed_day: row
            .try_get::<Option<i64>, _>("closed_day")?
            .map(|d| d.max(0) as Millis),
    })
}
