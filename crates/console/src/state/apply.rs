//! Folding server frames into the workspace.

use baton_core::Millis;
use baton_core::protocol::{
    AgentFrame, ErrorCode, MessageView, QueueItem, ServerToAgent, TicketView,
};
use baton_core::queue::queue_key;
use baton_core::transcript::Author;

use super::{Conn, Held, Notice, Workspace};
use crate::format::short_id;

impl Workspace {
    /// Folds in one server frame; returns the frames to send in answer.
    pub fn apply(&mut self, frame: ServerToAgent, now: Millis) -> Vec<AgentFrame> {
        match frame {
            ServerToAgent::Welcome { name } => return self.welcome(name),
            ServerToAgent::QueueSnapshot { items, waiting } => {
                self.queue = items;
                self.waiting = waiting;
            }
            ServerToAgent::QueueUpdate { item, waiting } => {
                self.queue_update(item);
                self.waiting = waiting;
            }
            ServerToAgent::QueueRemove { ticket, waiting } => {
                self.queue.retain(|i| i.ticket != ticket);
                self.waiting = waiting;
            }
            ServerToAgent::QueueCount { waiting } => self.waiting = waiting,
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
                    // Live messages come after the handover: never part of the claim.
                    unconfirmed: false,
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
            ServerToAgent::Error { code, message } => self.error(code, message),
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
        let key = queue_key(item.priority, item.created_at);
        let at = self
            .queue
            .iter()
            .position(|i| queue_key(i.priority, i.created_at) > key)
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

    fn error(&mut self, code: ErrorCode, message: String) {
        match code {
            ErrorCode::Login => self.session_refused = true,
            // Only a claim is answered with these, and claims are answered in order.
            ErrorCode::Taken | ErrorCode::Unavailable => {
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
}
