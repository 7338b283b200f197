//! The workspace's state without the browser: the queue, the tickets this agent holds and the
//! replies on their way. [`Workspace::apply`] folds in one server frame and returns the frames
//! to send in answer (re-claims after a reconnect, re-sent replies); the user's actions return
//! the frame to send. Components only render this; `cargo test` exercises it natively.

use std::collections::VecDeque;

use baton_core::Millis;
use baton_core::protocol::{
    AgentFrame, MessageView, Misfire, QueueItem, ServerToAgent, TicketView,
};
use baton_core::transcript::Author;

use crate::format::{queue_rank, short_id, valid_queue};

/// How long one `typing` frame keeps the indicator up.
pub const TYPING_MS: Millis = 6_000;

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
    /// Waiting tickets, most urgent first.
    pub queue: Vec<QueueItem>,
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

    /// Folds in one server frame; returns the frames to send in answer.
    pub fn apply(&mut self, frame: ServerToAgent, now: Millis) -> Vec<AgentFrame> {
        match frame {
            ServerToAgent::Welcome { name } => return self.welcome(name),
            ServerToAgent::QueueSnapshot { items } => self.queue = items,
            ServerToAgent::QueueUpdate { item } => self.queue_update(item),
            ServerToAgent::QueueRemove { ticket } => self.queue.retain(|i| i.ticket != ticket),
            ServerToAgent::Ticket { view } => return self.ticket(*view),
            ServerToAgent::Message {
                ticket,
                seq,
                from,
                text,
                id,
                at,
                sentiment,
            } => {
                let message = MessageView {
                    seq,
                    from,
                    text,
                    at,
                    sentiment,
                    id,
                };
                self.message(&ticket, message);
            }
            ServerToAgent::Typing { ticket } => {
                if let Some(held) = self.held_mut(&ticket) {
                    held.typing_at = Some(now);
                }
            }
            ServerToAgent::Closed { ticket } => {
                if let Some(held) = self.held_mut(&ticket) {
                    held.closed = true;
                    held.typing_at = None;
                }
                self.queue.retain(|i| i.ticket != ticket);
            }
            ServerToAgent::Error { code, message } => self.error(&code, message),
        }
        Vec::new()
    }

    fn welcome(&mut self, name: String) -> Vec<AgentFrame> {
        self.agent = Some(name);
        self.conn = Conn::Connected;
        self.claiming.clear();
        let mut ids: Vec<String> = self.open_ids();
        for id in std::mem::take(&mut self.rejoin) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids.into_iter().map(|id| self.claim(&id)).collect()
    }

    fn queue_update(&mut self, item: QueueItem) {
        // The server publishes an update for a ticket it no longer counts as ours only after a
        // transfer: the ticket went back to a queue.
        if let Some(held) = self
            .held
            .iter()
            .position(|h| h.view.ticket == item.ticket && !h.closed)
        {
            self.held.remove(held);
            self.notice = Some(Notice {
                text: format!("Ticket moved to the {} queue.", item.queue),
                error: false,
            });
            self.fix_active();
        }
        self.queue.retain(|i| i.ticket != item.ticket);
        let rank = queue_rank(&item);
        let at = self
            .queue
            .iter()
            .position(|i| queue_rank(i) < rank)
            .unwrap_or(self.queue.len());
        self.queue.insert(at, item);
    }

    fn ticket(&mut self, mut view: TicketView) -> Vec<AgentFrame> {
        if let Some(at) = self.claiming.iter().position(|t| *t == view.ticket) {
            self.claiming.remove(at);
        }
        self.queue.retain(|i| i.ticket != view.ticket);
        view.messages.sort_by_key(|m| m.seq);
        view.messages.dedup_by_key(|m| m.seq);
        let id = view.ticket.clone();
        let Some(held) = self.held_mut(&id) else {
            self.held.push(Held {
                view,
                pending: Vec::new(),
                closed: false,
                typing_at: None,
                flagged: None,
            });
            self.active = Some(id);
            return Vec::new();
        };
        held.view = view;
        held.closed = false;
        let stored = &held.view.messages;
        held.pending
            .retain(|p| !stored.iter().any(|m| m.id.as_deref() == Some(&p.id)));
        held.pending
            .iter()
            .map(|p| AgentFrame::Message {
                ticket: id.clone(),
                id: p.id.clone(),
                text: p.text.clone(),
            })
            .collect()
    }

    fn message(&mut self, ticket: &str, message: MessageView) {
        let Some(held) = self.held_mut(ticket) else {
            return;
        };
        if let Some(id) = &message.id {
            held.pending.retain(|p| p.id != *id);
        }
        if message.from == Author::Visitor {
            held.typing_at = None;
        }
        let messages = &mut held.view.messages;
        if let Err(at) = messages.binary_search_by_key(&message.seq, |m| m.seq) {
            messages.insert(at, message);
        }
    }

    fn error(&mut self, code: &str, message: String) {
        match code {
            "login" => self.session_refused = true,
            // Only a claim is answered with these, and claims are answered in order.
            "taken" | "unavailable" => {
                if let Some(ticket) = self.claiming.pop_front() {
                    self.queue.retain(|i| i.ticket != ticket);
                    if let Some(held) = self.held_mut(&ticket) {
                        held.closed = true;
                    }
                    let text = format!("Could not open ticket {}: {message}", short_id(&ticket));
                    self.notice = Some(Notice { text, error: true });
                    return;
                }
            }
            _ => {}
        }
        self.notice = Some(Notice {
            text: message,
            error: true,
        });
    }

    /// Claims a ticket from the queue (or again, after a reconnect).
    pub fn claim(&mut self, ticket: &str) -> AgentFrame {
        self.claiming.push_back(ticket.to_owned());
        AgentFrame::Claim {
            ticket: ticket.to_owned(),
        }
    }

    /// Whether a claim of `ticket` awaits its answer.
    pub fn is_claiming(&self, ticket: &str) -> bool {
        self.claiming.iter().any(|t| t == ticket)
    }

    /// Queues a reply; `None` when there is nothing to send or nowhere to send it.
    pub fn send(&mut self, ticket: &str, id: String, text: &str) -> Option<AgentFrame> {
        let text = text.trim();
        let held = self
            .held_mut(ticket)
            .filter(|h| !h.closed && !text.is_empty())?;
        held.pending.push(Pending {
            id: id.clone(),
            text: text.to_owned(),
        });
        Some(AgentFrame::Message {
            ticket: ticket.to_owned(),
            id,
            text: text.to_owned(),
        })
    }

    /// Closes a ticket with a resolution (which must say something).
    pub fn close(&self, ticket: &str, resolution: &str) -> Option<AgentFrame> {
        let resolution = resolution.trim();
        let open = self.held(ticket).is_some_and(|h| !h.closed);
        (open && !resolution.is_empty()).then(|| AgentFrame::Close {
            ticket: ticket.to_owned(),
            resolution: resolution.to_owned(),
        })
    }

    /// Flags the escalation as a misfire.
    pub fn flag(&mut self, ticket: &str, kind: Misfire) -> Option<AgentFrame> {
        self.held_mut(ticket)?.flagged = Some(kind);
        Some(AgentFrame::FlagMisfire {
            ticket: ticket.to_owned(),
            kind,
        })
    }

    /// Moves a ticket to another queue; `Err` explains a queue name the server would refuse.
    pub fn transfer(&self, ticket: &str, queue: &str) -> Result<AgentFrame, &'static str> {
        let queue = queue.trim();
        if !valid_queue(queue) {
            return Err("A queue name is 1–64 characters of a–z, 0–9, “-” and “_”.");
        }
        if self.held(ticket).is_none_or(|h| h.closed) {
            return Err("Only an open ticket you hold can be transferred.");
        }
        Ok(AgentFrame::Transfer {
            ticket: ticket.to_owned(),
            queue: queue.to_owned(),
        })
    }

    /// Drops a closed ticket from the list.
    pub fn dismiss(&mut self, ticket: &str) {
        self.held.retain(|h| h.view.ticket != ticket || !h.closed);
        self.fix_active();
    }

    /// Ids of the open tickets held, to keep across a reload.
    pub fn open_ids(&self) -> Vec<String> {
        self.held
            .iter()
            .filter(|h| !h.closed)
            .map(|h| h.view.ticket.clone())
            .collect()
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
mod tests;
