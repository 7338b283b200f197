//! [`Store`] on SQLite: one file, WAL journal, `synchronous=FULL`, migrations embedded in
//! the binary.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use baton_core::Millis;
use baton_core::protocol::Misfire;
use baton_core::queue::Priority;
use baton_core::transcript::Author;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};

mod alerts;
mod conversations;
mod queue;

use super::{
    AgentRow, Claim, ConversationRecord, NewMessage, NewTicket, Status, Store, StoreError,
    StoredMessage, Ticket, Waiting, misfire_str, parse_misfire,
};

/// SQLite-backed store.
///
/// Two pools on the one file: every write goes through one connection, so writers queue
/// in the pool rather than holding connections while they wait for SQLite's write lock;
/// reads have connections of their own and, in WAL mode, never wait for a write. Under a
/// flood of handoffs an agent's connect and a visitor's position are reads, and stay as
/// fast as the disk lets the readers be.
///
/// Neither pool pings a connection before lending it (sqlx's default): a connection to a
/// local file does not go stale, and the ping is a round trip to the connection's thread,
/// which on a busy machine waits for a core as long as the query does.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// The one writing connection.
    pool: SqlitePool,
    /// Read-only connections.
    read: SqlitePool,
}

const TICKET_COLUMNS: &str = "id, site, resume_token, queue, priority, status, handoff, verified, server_trace, \
     disagreement, created_at, claimed_at, claimed_by, first_reply_at, closed_at, resolution, csat, \
     csat_comment, misfire, email";

impl SqliteStore {
    /// Opens (creating if needed) `dir/baton.db` and runs migrations.
    pub async fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(dir.join("baton.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        // Opened after the migrations, on the file they made (already in WAL mode).
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            // All open from the start: the first reads that come at once (an agent's
            // connect under load) do not wait for a connection to open.
            .min_connections(4)
            .test_before_acquire(false)
            .connect_with(options.create_if_missing(false).read_only(true))
            .await?;
        Ok(SqliteStore { pool, read })
    }

    async fn ticket_where(&self, clause: &str, value: &str) -> Result<Option<Ticket>, StoreError> {
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE {clause} = ?");
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| ticket_from_row(&r)).transpose()
    }
}

fn ticket_from_row(row: &SqliteRow) -> Result<Ticket, StoreError> {
    let millis = |name: &str| -> Result<Option<Millis>, sqlx::Error> {
        Ok(row
            .try_get::<Option<i64>, _>(name)?
            .map(|v| v.max(0) as Millis))
    };
    Ok(Ticket {
        id: row.try_get("id")?,
        site: row.try_get("site")?,
        resume_token: row.try_get("resume_token")?,
        queue: row.try_get("queue")?,
        priority: Priority::from_rank(row.try_get("priority")?),
        status: Status::parse(row.try_get::<&str, _>("status")?),
        handoff: serde_json::from_str(row.try_get::<&str, _>("handoff")?)?,
        verified: row.try_get::<i64, _>("verified")? != 0,
        server_trace: serde_json::from_str(row.try_get::<&str, _>("server_trace")?)?,
        disagreement: row.try_get("disagreement")?,
        created_at: row.try_get::<i64, _>("created_at")?.max(0) as Millis,
        claimed_at: millis("claimed_at")?,
        claimed_by: row.try_get("claimed_by")?,
        first_reply_at: millis("first_reply_at")?,
        closed_at: millis("closed_at")?,
        resolution: row.try_get("resolution")?,
        csat: row
            .try_get::<Option<i64>, _>("csat")?
            .map(|v| v.clamp(0, 255) as u8),
        csat_comment: row.try_get("csat_comment")?,
        misfire: row
            .try_get::<Option<&str>, _>("misfire")?
            .and_then(parse_misfire),
        email: row.try_get("email")?,
    })
}

fn message_from_row(row: &SqliteRow) -> Result<StoredMessage, StoreError> {
    Ok(StoredMessage {
        ticket: row.try_get("ticket")?,
        seq: row.try_get::<i64, _>("seq")?.max(0) as u64,
        client_id: row.try_get("client_id")?,
        author: Author::parse(row.try_get::<&str, _>("author")?).unwrap_or(Author::System),
        text: row.try_get("text")?,
        at: row.try_get::<i64, _>("at")?.max(0) as Millis,
        sentiment: row
            .try_get::<Option<f64>, _>("sentiment")?
            .map(|s| s as f32),
    })
}

/// Appends a run of messages of one ticket and author inside a write transaction, in two
/// statements however long the run (three for agents): which client ids are stored already,
/// one insert of the new ones with consecutive sequence numbers, and the first-reply time. Per
/// message round trips to SQLite's thread were the relay's largest cost.
async fn append_run(
    conn: &mut sqlx::SqliteConnection,
    run: &[NewMessage<'_>],
    stored: &mut Vec<(StoredMessage, bool)>,
) -> Result<(), StoreError> {
    let Some(first) = run.first() else {
        return Ok(());
    };
    let (ticket, author) = (first.ticket, first.author.as_str());
    let columns = "ticket, seq, client_id, author, text, at, sentiment";
    let marks = vec!["?"; run.len()].join(", ");
    let sql = format!(
        "SELECT {columns} FROM messages WHERE ticket = ? AND author = ? AND client_id IN ({marks})"
    );
    // Both statements' text depends on the batch length: not cached, so up to 256 shapes of
    // each do not crowd sqlx's per-connection statement cache.
    let mut query = sqlx::query(&sql)
        .persistent(false)
        .bind(ticket)
        .bind(author);
    for m in run {
        query = query.bind(m.client_id);
    }
    let mut known: HashMap<String, StoredMessage> = HashMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        let message = message_from_row(&row)?;
        known.insert(message.client_id.clone(), message);
    }
    // New messages, each client id once (a repeat inside the run is a retry of the first).
    let mut seen = HashSet::new();
    let new: Vec<&NewMessage<'_>> = run
        .iter()
        .filter(|m| !known.contains_key(m.client_id) && seen.insert(m.client_id))
        .collect();
    let mut inserted: HashMap<String, StoredMessage> = HashMap::new();
    if let Some(first_new) = new.first() {
        // The write transaction holds the lock, so MAX(seq) cannot move under us and the new
        // numbers follow it without a gap.
        let rows = vec!["(?, ?, ?, ?, ?)"; new.len()].join(", ");
        let sql = format!(
            "INSERT INTO messages ({columns}) \
             SELECT ?, last.seq + v.column1, v.column2, ?, v.column3, v.column4, v.column5 \
             FROM (VALUES {rows}) AS v, \
                  (SELECT COALESCE(MAX(seq), 0) AS seq FROM messages WHERE ticket = ?) AS last \
             ORDER BY v.column1 \
             RETURNING {columns}"
        );
        let mut query = sqlx::query(&sql)
            .persistent(false)
            .bind(ticket)
            .bind(author);
        for (k, m) in new.iter().enumerate() {
            query = query
                .bind(i64::try_from(k + 1).unwrap_or(i64::MAX))
                .bind(m.client_id)
                .bind(m.text)
                .bind(i64_of(m.at))
                .bind(m.sentiment.map(f64::from));
        }
        query = query.bind(ticket);
        for row in query.fetch_all(&mut *conn).await? {
            let message = message_from_row(&row)?;
            inserted.insert(message.client_id.clone(), message);
        }
        if first_new.author == baton_core::transcript::Author::Agent {
            sqlx::query(
                "UPDATE tickets SET first_reply_at = COALESCE(first_reply_at, ?) WHERE id = ?",
            )
            .bind(i64_of(first_new.at))
            .bind(ticket)
            .execute(&mut *conn)
            .await?;
        }
    }
    let mut reported = HashSet::new();
    for m in run {
        let result = match (known.get(m.client_id), inserted.get(m.client_id)) {
            (Some(old), _) => (old.clone(), false),
            (None, Some(new)) => (new.clone(), reported.insert(m.client_id)),
            (None, None) => return Err(StoreError::Missing),
        };
        stored.push(result);
    }
    Ok(())
}

fn agent_from_row(row: &SqliteRow) -> Result<AgentRow, sqlx::Error> {
    Ok(AgentRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        password_hash: row.try_get("password_hash")?,
    })
}

/// A stored time column (ms since the Unix epoch; a negative value reads as 0).
fn millis_at(row: &SqliteRow, name: &str) -> Result<Millis, sqlx::Error> {
    Ok(row.try_get::<i64, _>(name)?.max(0) as Millis)
}

fn i64_of(value: Millis) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_ticket(&self, new: NewTicket) -> Result<(Ticket, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO tickets (id, site, handoff_id, resume_token, visitor, queue, priority, status, handoff, \
             verified, server_trace, disagreement, created_at, reason, visitor_name) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, handoff_id) DO NOTHING",
        )
        .bind(&new.id)
        .bind(&new.site)
        .bind(&new.handoff_id)
        .bind(&new.resume_token)
        .bind(&new.handoff.visitor)
        .bind(&new.queue)
        .bind(new.priority.rank())
        .bind(new.status.as_str())
        .bind(serde_json::to_string(&new.handoff)?)
        .bind(i64::from(new.verified))
        .bind(serde_json::to_string(&new.server_trace)?)
        .bind(&new.disagreement)
        .bind(i64_of(new.created_at))
        .bind(serde_json::to_string(&new.handoff.escalation.reason)?)
        .bind(new.handoff.profile.display_name())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            for (i, entry) in new.handoff.transcript.entries.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO messages (ticket, seq, client_id, author, text, at, sentiment) VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&new.id)
                .bind(i64::try_from(i + 1).unwrap_or(i64::MAX))
                .bind(format!("transcript:{i}"))
                .bind(entry.from.as_str())
                .bind(&entry.text)
                .bind(i64_of(entry.at))
                .bind(new.sentiments.get(i).copied().flatten().map(f64::from))
                .execute(&mut *tx)
                .await?;
            }
            conversations::upsert(&mut tx, &ConversationRecord::escalated(&new)).await?;
        }
        tx.commit().await?;
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE site = ? AND handoff_id = ?");
        let row = sqlx::query(&sql)
            .bind(&new.site)
            .bind(&new.handoff_id)
            .fetch_one(&self.read)
            .await?;
        Ok((ticket_from_row(&row)?, inserted))
    }

    async fn ticket(&self, id: &str) -> Result<Option<Ticket>, StoreError> {
        self.ticket_where("id", id).await
    }

    async fn ticket_by_resume(&self, token: &str) -> Result<Option<Ticket>, StoreError> {
        self.ticket_where("resume_token", token).await
    }

    async fn open_tickets(&self) -> Result<Vec<Ticket>, StoreError> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE status <> 'closed' ORDER BY created_at, id"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.read).await?;
        rows.iter().map(ticket_from_row).collect()
    }

    async fn waiting(&self, limit: usize) -> Result<Waiting, StoreError> {
        queue::head(&self.read, limit).await
    }

    async fn waiting_count(&self) -> Result<u64, StoreError> {
        queue::count(&self.read).await
    }

    async fn waiting_ahead(&self, ticket: &Ticket) -> Result<u64, StoreError> {
        queue::ahead(&self.read, ticket).await
    }

    async fn append_messages(
        &self,
        batch: &[NewMessage<'_>],
    ) -> Result<Vec<(StoredMessage, bool)>, StoreError> {
        // One transaction for the batch: one durable commit (one fsync) however many
        // messages were waiting.
        // `BEGIN IMMEDIATE` takes the write lock first, so the reads that decide sequence
        // numbers see what the insert will see.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut stored = Vec::with_capacity(batch.len());
        for run in batch.chunk_by(|a, b| a.ticket == b.ticket && a.author == b.author) {
            append_run(&mut tx, run, &mut stored).await?;
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn messages_after(
        &self,
        ticket: &str,
        after: u64,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT ticket, seq, client_id, author, text, at, sentiment FROM messages \
             WHERE ticket = ? AND seq > ? ORDER BY seq",
        )
        .bind(ticket)
        .bind(i64_of(after))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    async fn claim(&self, ticket: &str, agent: &str, at: Millis) -> Result<Claim, StoreError> {
        let claimed = sqlx::query(
            "UPDATE tickets SET status = 'claimed', claimed_by = ?, claimed_at = COALESCE(claimed_at, ?) \
             WHERE id = ? AND status IN ('queued', 'offline')",
        )
        .bind(agent)
        .bind(i64_of(at))
        .bind(ticket)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if claimed == 1 {
            return Ok(Claim::Claimed);
        }
        Ok(match self.ticket(ticket).await? {
            Some(t) if t.status == Status::Claimed && t.claimed_by.as_deref() == Some(agent) => {
                Claim::AlreadyYours
            }
            Some(t) if t.status == Status::Claimed => Claim::Taken,
            _ => Claim::Unavailable,
        })
    }

    async fn close(
        &self,
        ticket: &str,
        agent: &str,
        resolution: &str,
        at: Millis,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tickets SET status = 'closed', closed_at = ?, resolution = ? \
             WHERE id = ? AND status = 'claimed' AND claimed_by = ?",
        )
        .bind(i64_of(at))
        .bind(resolution)
        .bind(ticket)
        .bind(agent)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn transfer(&self, ticket: &str, agent: &str, queue: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tickets SET status = 'queued', queue = ?, claimed_by = NULL \
             WHERE id = ? AND status = 'claimed' AND claimed_by = ?",
        )
        .bind(queue)
        .bind(ticket)
        .bind(agent)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn rate(
        &self,
        ticket: &str,
        score: u8,
        comment: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tickets SET csat = ?, csat_comment = ? WHERE id = ? AND status = 'closed' AND csat IS NULL",
        )
        .bind(i64::from(score))
        .bind(comment)
        .bind(ticket)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn flag_misfire(&self, ticket: &str, misfire: Misfire) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE tickets SET misfire = ? WHERE id = ?")
            .bind(misfire_str(misfire))
            .bind(ticket)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn leave_email(&self, ticket: &str, email: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE tickets SET email = ? WHERE id = ?")
            .bind(email)
            .bind(ticket)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_conversation(&self, record: &ConversationRecord) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        conversations::upsert(&mut conn, record).await
    }

    async fn conversations(
        &self,
        site: &str,
        since: Millis,
        until: Millis,
    ) -> Result<Vec<ConversationRecord>, StoreError> {
        let mut conn = self.read.acquire().await?;
        conversations::started_between(&mut conn, site, since, until).await
    }

    async fn record_drift(
        &self,
        site: &str,
        day: Millis,
        results: &[(String, super::Direction, super::Test)],
    ) -> Result<Vec<super::Alert>, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let opened = alerts::record(&mut tx, site, day, results).await?;
        tx.commit().await?;
        Ok(opened)
    }

    async fn last_drift_day(&self, site: &str) -> Result<Option<Millis>, StoreError> {
        let mut conn = self.read.acquire().await?;
        alerts::last_day(&mut conn, site).await
    }

    async fn alerts(&self, site: &str, since: Millis) -> Result<Vec<super::Alert>, StoreError> {
        let mut conn = self.read.acquire().await?;
        alerts::since(&mut conn, site, since).await
    }

    async fn tickets_since(&self, site: &str, since: Millis) -> Result<Vec<Ticket>, StoreError> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE site = ? AND created_at >= ? ORDER BY created_at, id"
        );
        let rows = sqlx::query(&sql)
            .bind(site)
            .bind(i64_of(since))
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(ticket_from_row).collect()
    }

    async fn wake_offline(&self) -> Result<u64, StoreError> {
        // Usually there is nothing to wake: a read says so without queueing for the writer.
        if !queue::any_offline(&self.read).await? {
            return Ok(0);
        }
        let done = sqlx::query("UPDATE tickets SET status = 'queued' WHERE status = 'offline'")
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn add_agent(&self, agent: AgentRow, at: Millis) -> Result<(), StoreError> {
        let done = sqlx::query(
            "INSERT INTO agents (id, name, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&agent.id)
        .bind(&agent.name)
        .bind(&agent.password_hash)
        .bind(i64_of(at))
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Exists(agent.name));
        }
        Ok(())
    }

    async fn agent_by_name(&self, name: &str) -> Result<Option<AgentRow>, StoreError> {
        let row = sqlx::query("SELECT id, name, password_hash FROM agents WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.as_ref().map(agent_from_row).transpose()?)
    }

    async fn add_session(
        &self,
        token_hash: &str,
        agent: &str,
        at: Millis,
        expires: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, agent, created_at, expires_at) VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(agent)
        .bind(i64_of(at))
        .bind(i64_of(expires))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn end_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn session_agent(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<AgentRow>, StoreError> {
        let row = sqlx::query(
            "SELECT a.id, a.name, a.password_hash FROM sessions s JOIN agents a ON a.id = s.agent \
             WHERE s.token_hash = ? AND s.expires_at > ?",
        )
        .bind(token_hash)
        .bind(i64_of(now))
        .fetch_optional(&self.read)
        .await?;
        Ok(row.as_ref().map(agent_from_row).transpose()?)
    }
}
