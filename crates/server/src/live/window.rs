//! What one agent's workspace is shown of the queue: the most urgent waiting tickets, at
//! most [`Limits::queue_shown`](crate::live::limits::Limits::queue_shown) of them, and how
//! many wait in all. However long the queue grows, an agent's connect and every change after
//! it cost the same: a flood of tickets changes a count, not the list an agent reads.
//!
//! The window is pure: each queue event goes in, the frames to send come out, and it says
//! when its list has run short of the head and must be read again from the store.

use baton_core::protocol::{QueueItem, ServerToAgent};
use baton_core::queue::queue_key;

use crate::live::hub::QueueEvent;

/// One agent's view of the queue.
#[derive(Debug, Clone)]
pub struct Window {
    limit: usize,
    shown: Vec<QueueItem>,
    waiting: u64,
}

/// What to do after an event.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// Frames for the workspace, in order.
    pub frames: Vec<ServerToAgent>,
    /// The list is shorter than the head of the queue: read it again
    /// ([`Window::reset`]) and send that instead of waiting for the next event.
    pub reread: bool,
}

/// The queue's order, as the store reads it: the queue key, then the older, then the id.
fn key(item: &QueueItem) -> (i64, u64, &str) {
    (
        queue_key(item.priority, item.created_at),
        item.created_at,
        &item.ticket,
    )
}

impl Window {
    /// An empty window showing at most `limit` tickets (at least one).
    pub fn new(limit: usize) -> Window {
        Window {
            limit: limit.max(1),
            shown: Vec::new(),
            waiting: 0,
        }
    }

    /// The tickets shown, most urgent first.
    pub fn shown(&self) -> &[QueueItem] {
        &self.shown
    }

    /// How many tickets this window can show.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// A fresh read of the head of the queue (`head` in any order; more than the limit is
    /// cut) and the count of waiting tickets: the snapshot to send.
    pub fn reset(&mut self, mut head: Vec<QueueItem>, waiting: u64) -> ServerToAgent {
        head.sort_by(|a, b| key(a).cmp(&key(b)));
        head.truncate(self.limit);
        self.waiting = waiting.max(head.len() as u64);
        self.shown = head;
        ServerToAgent::QueueSnapshot {
            items: self.shown.clone(),
            waiting: self.waiting,
        }
    }

    /// Folds in one queue event.
    pub fn apply(&mut self, event: QueueEvent) -> Changes {
        let mut frames = Vec::new();
        match event {
            QueueEvent::Upsert { item, waiting } => {
                let known = self.shown.iter().position(|i| i.ticket == item.ticket);
                if let Some(at) = known {
                    self.shown.remove(at);
                }
                let fits = known.is_some()
                    || self.shown.len() < self.limit
                    || self.shown.last().is_some_and(|last| key(&item) < key(last));
                self.waiting = waiting;
                if fits {
                    let at = self.shown.partition_point(|i| key(i) < key(&item));
                    self.shown.insert(at, item.clone());
                    frames.push(ServerToAgent::QueueUpdate {
                        item,
                        waiting: self.count(),
                    });
                    if self.shown.len() > self.limit
                        && let Some(out) = self.shown.pop()
                    {
                        frames.push(ServerToAgent::QueueRemove {
                            ticket: out.ticket,
                            waiting: self.count(),
                        });
                    }
                } else {
                    frames.push(ServerToAgent::QueueCount {
                        waiting: self.count(),
                    });
                }
            }
            QueueEvent::Remove { ticket, waiting } => {
                self.waiting = waiting;
                match self.shown.iter().position(|i| i.ticket == ticket) {
                    Some(at) => {
                        self.shown.remove(at);
                        frames.push(ServerToAgent::QueueRemove {
                            ticket,
                            waiting: self.count(),
                        });
                    }
                    None => frames.push(ServerToAgent::QueueCount {
                        waiting: self.count(),
                    }),
                }
            }
        }
        // Fewer shown than the limit while more wait: tickets beyond the old head belong in
        // the list now (the ones shown were claimed), and only the store knows which.
        let reread = self.shown.len() < self.limit && self.waiting > self.shown.len() as u64;
        Changes { frames, reread }
    }

    /// The count as the workspace should show it: never fewer than the tickets it lists.
    fn count(&self) -> u64 {
        self.waiting.max(self.shown.len() as u64)
    }
}

#[cfg(test)]
mod tests;
