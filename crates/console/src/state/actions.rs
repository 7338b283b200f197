//! What the agent does to the workspace: each action updates the state and returns the frame
//! to send (or why it cannot be sent).

use baton_core::protocol::{AgentFrame, Misfire};
use baton_core::queue::valid_queue_name;

use super::{MAX_TEXT_BYTES, Pending, Workspace};

impl Workspace {
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

    /// Queues a reply; `None` when there is nothing to send, it is too long (the server would
    /// close the socket, again at every resend), or there is nowhere to send it.
    pub fn send(&mut self, ticket: &str, id: String, text: &str) -> Option<AgentFrame> {
        let text = text.trim();
        let fits = !text.is_empty() && text.len() <= MAX_TEXT_BYTES;
        let held = self.held_mut(ticket).filter(|h| !h.closed && fits)?;
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
        if !valid_queue_name(queue) {
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

    /// Ids of the open tickets held.
    pub fn open_ids(&self) -> Vec<String> {
        self.held
            .iter()
            .filter(|h| !h.closed)
            .map(|h| h.view.ticket.clone())
            .collect()
    }

    /// Ids to keep across a reload: the open tickets held, and those still being (re)claimed,
    /// so a reload before the server answered loses none.
    pub fn keep_ids(&self) -> Vec<String> {
        let mut ids = self.open_ids();
        for id in self.rejoin.iter().chain(&self.claiming) {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        ids
    }
}
