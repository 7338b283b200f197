//! The workspace's state without the browser: the queue, the tickets this agent holds and the
//! replies on their way. [`Workspace::apply`] folds in one server frame and returns the frames
//! to send in answer (re-claims after a reconnect, re-sent replies); the user's actions return
//! the frame to send. Components only render this; `cargo test` exercises it natively.

use std::collections::VecDeque;

use baton_core::Millis;
use baton_core::protocol::{Misfire, QueueItem, TicketView};

/// How long one `typing` frame keeps the indicator up.
pub const TYPING_MS: Millis = 6_000;

/// Longest reply the server takes; a longer one closes the socket, so it is never sent.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// Least time between two `typing` frames the agent sends.
pub const TYPING_EVERY_MS: Millis = 3_000;

/// The socket as the agent should see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Conn {
    /// Opening the socket or waiting for `welcome`.
    #[default]
    Connecting,
    /// Logged in on a live socket.
    Connected,
    /// The socket dropped; the next try is in `in_ms`.
    Reconnecting {
        /// Milliseconds until the next try.
        in_ms: u32,
    },
}

/// A line in the notice area; `error` ones are announced as alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// What happened, in words.
    pub text: String,
    /// Whether it is a failure.
    pub error: bool,
}

/// A reply sent but not yet stored (no echo with its id yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Client id; re-sent unchanged so the server stores it once.
    pub id: String,
    /// Text.
    pub text: String,
}

/// A ticket this agent holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// The server's view; `view.messages` stays sorted by seq without duplicates.
    pub view: TicketView,
    /// Replies waiting for their echo, oldest first.
    pub pending: Vec<Pending>,
    /// Closed: read-only until dismissed.
    pub closed: bool,
    /// When the visitor last said they were typing.
    pub typing_at: Option<Millis>,
    /// The misfire flag sent, if any.
    pub flagged: Option<Misfire>,
}

/// Everything the workspace shows.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The agent's name, once welcomed.
    pub agent: Option<String>,
    /// The socket's state.
    pub conn: Conn,
    /// The most urgent waiting tickets, most urgent first: the server sends the head of a
    /// long queue, not all of it.
    pub queue: Vec<QueueItem>,
    /// How many tickets wait in all, as the server last counted.
    waiting: u64,
    /// Claimed tickets, in claim order.
    pub held: Vec<Held>,
    /// The ticket on screen.
    pub active: Option<String>,
    /// The latest notice.
    pub notice: Option<Notice>,
    /// The server refused the session: log in again.
    pub session_refused: bool,
    /// Claims sent and not yet answered, in order (the server answers them in order).
    claiming: VecDeque<String>,
    /// Tickets held before a reload, claimed again after the first `welcome`.
    rejoin: Vec<String>,
}

impl Workspace {
    /// A workspace that re-claims `rejoin` (ticket ids kept across a reload) once welcomed.
    pub fn new(rejoin: Vec<String>) -> Workspace {
        Workspace {
            rejoin,
            ..Workspace::default()
        }
    }

    /// How many tickets wait in all: never fewer than the queue lists.
    pub fn waiting(&self) -> u64 {
        self.waiting.max(self.queue.len() as u64)
    }

    /// A held ticket.
    pub fn held(&self, ticket: &str) -> Option<&Held> {
        self.held.iter().find(|h| h.view.ticket == ticket)
    }

    fn held_mut(&mut self, ticket: &str) -> Option<&mut Held> {
        self.held.iter_mut().find(|h| h.view.ticket == ticket)
    }

    fn fix_active(&mut self) {
        let gone = self
            .active
            .as_deref()
            .is_none_or(|a| self.held(a).is_none());
        if gone {
            self.active = self.held.last().map(|h| h.view.ticket.clone());
        }
    }
}

#[cfg(test)]
mod action_tests;
mod actions;
mod apply;
#[cfg(test)]
mod tests;
