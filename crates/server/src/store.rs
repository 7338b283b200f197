//! Durable storage of tickets, messages, agents and sessions, behind one small trait.
//!
//! [`Store`] is what the server needs and nothing more; [`sqlite::SqliteStore`] implements it
//! (WAL, `synchronous=FULL`, embedded migrations). Every write that the server acknowledges
//! to a client has been committed first. Message delivery is exactly-once because a
//! message's client-generated id is unique per ticket and author: a retry finds the stored
//! row and gets the same sequence number back instead of a second copy.

mod alert;
pub mod sqlite;

pub use alert::{Alert, Direction, Signal, Test};

use async_trait::async_trait;
use baton_core::Millis;
use baton_core::experiment::Assignment;
use baton_core::outcome::{Outcome, OutcomeReport};
use baton_core::protocol::{Handoff, Misfire};
use baton_core::queue::Priority;
use baton_core::transcript::{Author, Transcript};
use baton_core::trigger::Firing;
use serde::{Deserialize, Serialize};

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for an agent while agents are online.
    Queued,
    /// Created while no agent was online; waits for the next agent.
    Offline,
    /// An agent has it.
    Claimed,
    /// Finished.
    Closed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Offline => "offline",
            Status::Claimed => "claimed",
            Status::Closed => "closed",
        }
    }

    fn parse(s: &str) -> Status {
        match s {
            "offline" => Status::Offline,
            "claimed" => Status::Claimed,
            "closed" => Status::Closed,
            _ => Status::Queued,
        }
    }
}

/// A ticket to create from a handoff.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// New ticket id.
    pub id: String,
    /// Site id.
    pub site: String,
    /// The widget's idempotency key for the handoff.
    pub handoff_id: String,
    /// Bearer token the visitor resumes with.
    pub resume_token: String,
    /// Target queue.
    pub queue: String,
    /// Priority the server computed.
    pub priority: Priority,
    /// Queued or offline.
    pub status: Status,
    /// The payload as received.
    pub handoff: Handoff,
    /// Whether the profile token verified.
    pub verified: bool,
    /// The server's own re-run of the triggers.
    pub server_trace: Vec<Firing>,
    /// Set when the widget's claim and the server's re-run differ.
    pub disagreement: Option<String>,
    /// Creation time.
    pub created_at: Millis,
    /// Sentiment of each transcript entry as the server scored it.
    pub sentiments: Vec<Option<f32>>,
}

/// A waiting ticket as the agents' queue lists it: read without its handoff.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    /// Ticket id.
    pub id: String,
    /// Queue.
    pub queue: String,
    /// The server's priority.
    pub priority: Priority,
    /// Queued, or offline.
    pub status: Status,
    /// Why the widget says it handed over (`None` only for a row whose handoff held none).
    pub reason: Option<baton_core::conversation::Reason>,
    /// The visitor's name from the profile, when it gives one as text.
    pub name: Option<String>,
    /// Whether the profile token verified.
    pub verified: bool,
    /// When the ticket was created.
    pub created_at: Millis,
}

/// The head of the queue and what an agent's connect needs with it, read at once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Waiting {
    /// The most urgent waiting tickets, in the queue's order.
    pub head: Vec<QueueRow>,
    /// How many wait in all.
    pub count: u64,
    /// Whether any of them waits offline (none was answering when it came).
    pub any_offline: bool,
}

/// A stored ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// Ticket id (also the conversation id).
    pub id: String,
    /// Site id.
    pub site: String,
    /// Resume token.
    #[serde(skip)]
    pub resume_token: String,
    /// Queue.
    pub queue: String,
    /// Priority.
    pub priority: Priority,
    /// Status.
    pub status: Status,
    /// The handoff payload.
    pub handoff: Handoff,
    /// Profile verified by token.
    pub verified: bool,
    /// Server re-run.
    pub server_trace: Vec<Firing>,
    /// Widget/server disagreement.
    pub disagreement: Option<String>,
    /// Created.
    pub created_at: Millis,
    /// Claimed.
    pub claimed_at: Option<Millis>,
    /// The name of the agent holding it (tickets are held by agent name: two sockets of one
    /// agent hold the same tickets).
    pub claimed_by: Option<String>,
    /// First agent message.
    pub first_reply_at: Option<Millis>,
    /// Closed.
    pub closed_at: Option<Millis>,
    /// Resolution text.
    pub resolution: Option<String>,
    /// Rating 1–5.
    pub csat: Option<u8>,
    /// Rating comment.
    pub csat_comment: Option<String>,
    /// Misfire flag.
    pub misfire: Option<Misfire>,
    /// Address left while offline.
    pub email: Option<String>,
}

/// A conversation, escalated or not: what its outcome beacon or its handoff said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationRecord {
    /// Site id.
    pub site: String,
    /// The widget's visitor id.
    pub visitor: String,
    /// Start time; with the visitor it names the conversation.
    pub started_at: Millis,
    /// Its last activity: the last message a beacon reported, or the handoff.
    pub last_seen_at: Millis,
    /// Where it stands; see [`Outcome`].
    pub outcome: Outcome,
    /// The ticket, once escalated.
    pub ticket: Option<String>,
    /// Experiment variants it ran.
    pub variants: Vec<Assignment>,
    /// Every trigger that fired.
    pub trace: Vec<Firing>,
    /// The redacted thread as last reported.
    pub transcript: Transcript,
    /// The visitor's rating of a conversation the bot resolved (tickets keep their own).
    pub csat: Option<u8>,
    /// Their words with it.
    pub csat_comment: Option<String>,
}

impl ConversationRecord {
    /// The record an outcome beacon makes, received at `now`. The conversation was last
    /// seen at its last message (the widget's clock, kept between its start and `now`).
    pub fn reported(report: OutcomeReport, now: Millis) -> ConversationRecord {
        let last = report.transcript.entries.iter().map(|e| e.at).max();
        ConversationRecord {
            site: report.site,
            visitor: report.visitor,
            started_at: report.started_at,
            last_seen_at: last
                .unwrap_or(report.started_at)
                .clamp(report.started_at, now.max(report.started_at)),
            outcome: report.outcome,
            ticket: None,
            variants: report.variants,
            trace: report.trace,
            transcript: report.transcript,
            csat: report.csat,
            csat_comment: report.csat_comment,
        }
    }

    /// The record a ticket makes: escalated, as its handoff describes it.
    pub fn escalated(ticket: &NewTicket) -> ConversationRecord {
        let handoff = &ticket.handoff;
        ConversationRecord {
            site: ticket.site.clone(),
            visitor: handoff.visitor.clone(),
            started_at: handoff.started_at,
            last_seen_at: ticket.created_at,
            outcome: Outcome::Escalated,
            ticket: Some(ticket.id.clone()),
            variants: handoff.variants.clone(),
            // What the server's re-run fired: the widget's trace is its claim, kept on the
            // ticket, and counts for no figure.
            trace: ticket.server_trace.clone(),
            transcript: handoff.transcript.clone(),
            csat: None,
            csat_comment: None,
        }
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// Ticket id.
    pub ticket: String,
    /// Sequence number, from 1, gapless per ticket.
    pub seq: u64,
    /// Client-generated id.
    pub client_id: String,
    /// Author.
    pub author: Author,
    /// Text.
    pub text: String,
    /// Time.
    pub at: Millis,
    /// Sentiment (visitor text only).
    pub sentiment: Option<f32>,
}

/// An agent account.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentRow {
    /// Id.
    pub id: String,
    /// Login and display name.
    pub name: String,
    /// argon2 PHC string.
    pub password_hash: String,
}

/// Result of a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// Now yours.
    Claimed,
    /// Already yours.
    AlreadyYours,
    /// Another agent has it.
    Taken,
    /// Closed or missing.
    Unavailable,
}

/// A storage failure. Details are for logs, not for clients.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored JSON column did not parse.
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A write returned no row.
    #[error("the store returned no row")]
    Missing,
    /// A name that must be unique is taken.
    #[error("`{0}` already exists")]
    Exists(String),
}

/// What the server needs from storage.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates a ticket with its transcript as messages 1..=n, or returns the ticket an
    /// earlier handoff with the same `(site, handoff_id)` created. `true` when created now.
    /// A new ticket also records its conversation as escalated.
    async fn create_ticket(&self, ticket: NewTicket) -> Result<(Ticket, bool), StoreError>;
    /// A ticket by id.
    async fn ticket(&self, id: &str) -> Result<Option<Ticket>, StoreError>;
    /// A ticket by resume token.
    async fn ticket_by_resume(&self, token: &str) -> Result<Option<Ticket>, StoreError>;
    /// Tickets not closed, oldest first.
    async fn open_tickets(&self) -> Result<Vec<Ticket>, StoreError>;
    /// The `limit` most urgent waiting (queued or offline) tickets in the queue's order
    /// ([`baton_core::queue::queue_key`]; on a tie the older, then the lower id), without
    /// their handoffs — the head of the queue agents are shown — with how many wait in all
    /// and whether any waits offline, in one read.
    async fn waiting(&self, limit: usize) -> Result<Waiting, StoreError>;
    /// How many tickets wait (queued or offline), counted without reading them.
    async fn waiting_count(&self) -> Result<u64, StoreError>;
    /// How many waiting (queued or offline) tickets other than `ticket` come before it in
    /// the queue's order ([`baton_core::queue::queue_key`]), counted without reading them.
    async fn waiting_ahead(&self, ticket: &Ticket) -> Result<u64, StoreError>;
    /// Appends messages in order in one transaction; each is stored now (`true`) or was
    /// stored earlier with the same author and client id (`false`, the stored row returned).
    async fn append_messages(
        &self,
        batch: &[NewMessage<'_>],
    ) -> Result<Vec<(StoredMessage, bool)>, StoreError>;
    /// Appends one message (see [`Store::append_messages`]).
    async fn append_message(
        &self,
        message: NewMessage<'_>,
    ) -> Result<(StoredMessage, bool), StoreError> {
        let mut stored = self.append_messages(&[message]).await?;
        stored.pop().ok_or(StoreError::Missing)
    }
    async fn messages_after(
        &self,
        ticket: &str,
        after: u64,
    ) -> Result<Vec<StoredMessage>, StoreError>;
    /// Gives a queued ticket to an agent.
    async fn claim(&self, ticket: &str, agent: &str, at: Millis) -> Result<Claim, StoreError>;
    /// Closes a ticket the agent holds; `false` if they do not hold it.
    async fn close(
        &self,
        ticket: &str,
        agent: &str,
        resolution: &str,
        at: Millis,
    ) -> Result<bool, StoreError>;
    /// Puts a ticket the agent holds back in the queue, in another queue.
    async fn transfer(&self, ticket: &str, agent: &str, queue: &str) -> Result<bool, StoreError>;
    /// Records the visitor's rating of a closed ticket (once).
    async fn rate(
        &self,
        ticket: &str,
        score: u8,
        comment: Option<&str>,
    ) -> Result<bool, StoreError>;
    /// Records an agent's misfire flag.
    async fn flag_misfire(&self, ticket: &str, misfire: Misfire) -> Result<bool, StoreError>;
    /// Records the address a visitor left while no agent was online.
    async fn leave_email(&self, ticket: &str, email: &str) -> Result<bool, StoreError>;
    /// Records what a beacon reported about a conversation. Outcomes only move forward
    /// (open → resolved → escalated); the thread and trace are replaced by a report of the
    /// same or a later outcome; the last-seen time only grows; the first rating stays.
    async fn record_conversation(&self, record: &ConversationRecord) -> Result<(), StoreError>;
    /// Conversations of `site` that started in `since..until`, oldest first.
    async fn conversations(
        &self,
        site: &str,
        since: Millis,
        until: Millis,
    ) -> Result<Vec<ConversationRecord>, StoreError>;
    /// Applies one day's drift tests for `site`: a drift extends the open alert of its
    /// trigger and direction or opens one; a normal result closes it; an untestable one
    /// leaves it. Remembers `day` as checked. Returns the alerts opened.
    async fn record_drift(
        &self,
        site: &str,
        day: Millis,
        results: &[(String, Direction, Test)],
    ) -> Result<Vec<Alert>, StoreError>;
    /// The last day drift was checked for `site`.
    async fn last_drift_day(&self, site: &str) -> Result<Option<Millis>, StoreError>;
    /// Alerts of `site` open now or drifting on a day at or after `since`, newest first.
    async fn alerts(&self, site: &str, since: Millis) -> Result<Vec<Alert>, StoreError>;
    /// Tickets of `site` created at or after `since`.
    async fn tickets_since(&self, site: &str, since: Millis) -> Result<Vec<Ticket>, StoreError>;
    /// Moves every offline ticket to the queue (an agent came online).
    async fn wake_offline(&self) -> Result<u64, StoreError>;
    /// Creates an agent; [`StoreError::Exists`] if the name is taken.
    async fn add_agent(&self, agent: AgentRow, at: Millis) -> Result<(), StoreError>;
    /// An agent by name.
    async fn agent_by_name(&self, name: &str) -> Result<Option<AgentRow>, StoreError>;
    /// Stores a session (by token hash).
    async fn add_session(
        &self,
        token_hash: &str,
        agent: &str,
        at: Millis,
        expires: Millis,
    ) -> Result<(), StoreError>;
    /// The agent of a live session.
    async fn session_agent(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<AgentRow>, StoreError>;
    /// Ends a session (logout); `true` if there was one.
    async fn end_session(&self, token_hash: &str) -> Result<bool, StoreError>;
}

/// A message to append.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    /// Ticket id.
    pub ticket: &'a str,
    /// Client-generated id.
    pub client_id: &'a str,
    /// Author.
    pub author: Author,
    /// Text.
    pub text: &'a str,
    /// Time.
    pub at: Millis,
    /// Sentiment.
    pub sentiment: Option<f32>,
}

fn misfire_str(m: Misfire) -> &'static str {
    match m {
        Misfire::Needless => "needless",
        Misfire::TooLate => "too_late",
    }
}

fn parse_misfire(s: &str) -> Option<Misfire> {
    match s {
        "needless" => Some(Misfire::Needless),
        "too_late" => Some(Misfire::TooLate),
        _ => None,
    }
}
