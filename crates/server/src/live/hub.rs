//! Live relay between the sockets of one server: a broadcast room per ticket, and one queue
//! feed for all agents.
//!
//! The hub carries only what was already committed to the store, so a socket that misses a
//! broadcast (it lagged, or was not connected) loses nothing: it catches up from the store by
//! sequence number. See [`pump`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use baton_core::protocol::QueueItem;
use baton_core::transcript::Author;
use tokio::sync::broadcast;

use crate::live::socket::Outbox;
use crate::store::{Store, StoreError, StoredMessage};

/// Room and queue buffer sizes: a subscriber further behind than this re-reads the store.
/// A room holds a whole batch of the visitor writer (256 messages per commit), so a fast
/// sender's batch reaches its followers live instead of through a re-read of the store.
/// Rooms exist only for conversations someone follows; idle sockets have none.
const ROOM_CAPACITY: usize = 256;
const QUEUE_CAPACITY: usize = 256;

/// Something that happened in a ticket's conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum Live {
    /// A message was stored.
    Message(StoredMessage),
    /// An agent claimed the ticket.
    AgentJoined {
        /// Agent name.
        name: String,
    },
    /// The agent let go (transfer).
    AgentLeft,
    /// The ticket was closed.
    Closed,
    /// Someone is typing.
    Typing {
        /// Who.
        from: Author,
    },
}

/// A change to the queue agents see.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueEvent {
    /// Added or changed.
    Upsert {
        /// The ticket.
        item: QueueItem,
        /// Waiting tickets after the change.
        waiting: u64,
    },
    /// Claimed or closed.
    Remove {
        /// Ticket id.
        ticket: String,
        /// Waiting tickets after the change.
        waiting: u64,
    },
}

/// The relay.
#[derive(Debug)]
pub struct Hub {
    rooms: Mutex<Rooms>,
    queue: broadcast::Sender<QueueEvent>,
    agents_online: AtomicUsize,
}

/// The rooms by ticket id, and the size at which rooms nobody follows any more are swept.
#[derive(Debug, Default)]
struct Rooms {
    by_ticket: HashMap<String, broadcast::Sender<Live>>,
    sweep_at: usize,
}

/// Fewest rooms before a sweep: below it, dead rooms cost less than looking for them.
const SWEEP_MIN: usize = 64;

impl Default for Hub {
    fn default() -> Self {
        Hub {
            rooms: Mutex::new(Rooms::default()),
            queue: broadcast::channel(QUEUE_CAPACITY).0,
            agents_online: AtomicUsize::new(0),
        }
    }
}

impl Hub {
    fn rooms(&self) -> std::sync::MutexGuard<'_, Rooms> {
        self.rooms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Listens to a ticket's room, opening it if nobody follows the ticket yet.
    pub fn subscribe(&self, ticket: &str) -> broadcast::Receiver<Live> {
        let mut rooms = self.rooms();
        // Rooms nobody listens to any more are swept when the map has doubled since the last
        // sweep: the map stays within twice the set of live conversations, and the sweep's
        // cost is spread over the subscriptions that grew it (no scan per message).
        if rooms.by_ticket.len() >= rooms.sweep_at {
            rooms
                .by_ticket
                .retain(|_, sender| sender.receiver_count() > 0);
            rooms.sweep_at = (rooms.by_ticket.len() * 2).max(SWEEP_MIN);
        }
        rooms
            .by_ticket
            .entry(ticket.to_owned())
            .or_insert_with(|| broadcast::channel(ROOM_CAPACITY).0)
            .subscribe()
    }

    /// Tells everyone in a ticket's room: one lookup. With no one listening there is no
    /// room (or a dead one, dropped here), and nothing to tell.
    pub fn publish(&self, ticket: &str, event: Live) {
        let mut rooms = self.rooms();
        let Some(sender) = rooms.by_ticket.get(ticket) else {
            return;
        };
        if sender.send(event).is_err() {
            rooms.by_ticket.remove(ticket);
        }
    }

    /// Rooms open now (live or not yet swept).
    pub fn rooms_open(&self) -> usize {
        self.rooms().by_ticket.len()
    }

    /// Listens to queue changes.
    pub fn subscribe_queue(&self) -> broadcast::Receiver<QueueEvent> {
        self.queue.subscribe()
    }

    /// Tells every agent.
    pub fn publish_queue(&self, event: QueueEvent) {
        let _ = self.queue.send(event);
    }

    /// Agents connected now.
    pub fn agents_online(&self) -> usize {
        self.agents_online.load(Ordering::SeqCst)
    }

    /// Counts an agent in until the guard drops.
    pub fn agent_online(self: &std::sync::Arc<Self>) -> OnlineGuard {
        self.agents_online.fetch_add(1, Ordering::SeqCst);
        OnlineGuard(std::sync::Arc::clone(self))
    }
}

/// Keeps an agent counted as online while alive.
#[derive(Debug)]
pub struct OnlineGuard(std::sync::Arc<Hub>);

impl Drop for OnlineGuard {
    fn drop(&mut self) {
        self.0.agents_online.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Most frames a pump writes before flushing the socket.
const FLUSH_EVERY: usize = 64;

/// Delivers a ticket's messages with `seq > after`, in order, exactly once, then follows the
/// room: stored backlog first, live messages after, and a re-read of the store whenever a
/// broadcast arrives out of order or the receiver lagged. Other events pass through. Each
/// event becomes a frame by `frame` (`None` skips it) and goes to `out`; whatever the room
/// has ready at once is written with one flush. Stops when the socket is gone.
pub async fn pump<T: serde::Serialize>(
    store: &dyn Store,
    mut room: broadcast::Receiver<Live>,
    ticket: &str,
    mut after: u64,
    out: &Outbox,
    frame: impl Fn(Live) -> Option<T>,
) -> Result<(), StoreError> {
    let mut frames = Vec::new();
    let mut catch_up = true;
    loop {
        if catch_up {
            for message in store.messages_after(ticket, after).await? {
                after = message.seq;
                frames.extend(frame(Live::Message(message)));
            }
            catch_up = false;
        }
        if !frames.is_empty() && !out.send_all(frames.drain(..)).await {
            return Ok(());
        }
        let mut next = room.recv().await;
        loop {
            match next {
                Ok(Live::Message(message)) if message.seq <= after => {}
                // The next one in sequence: deliver it directly.
                Ok(Live::Message(message)) if message.seq == after + 1 => {
                    after = message.seq;
                    frames.extend(frame(Live::Message(message)));
                }
                // A gap: an earlier message's broadcast is still on its way. Everything up to
                // this one is committed, so read it from the store in order.
                Ok(Live::Message(_)) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    catch_up = true;
                    break;
                }
                Ok(other) => frames.extend(frame(other)),
                Err(broadcast::error::RecvError::Closed) => {
                    out.send_all(frames.drain(..)).await;
                    return Ok(());
                }
            }
            if frames.len() >= FLUSH_EVERY {
                break;
            }
            next = match room.try_recv() {
                Ok(live) => Ok(live),
                Err(broadcast::error::TryRecvError::Empty) => break,
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    Err(broadcast::error::RecvError::Lagged(n))
                }
                Err(broadcast::error::TryRecvError::Closed) => {
                    Err(broadcast::error::RecvError::Closed)
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishing_reaches_followers_and_dead_rooms_do_not_pile_up() {
        let hub = Hub::default();
        let mut follower = hub.subscribe("t1");
        hub.publish("t1", Live::Closed);
        assert_eq!(follower.try_recv().ok(), Some(Live::Closed));
        // Nobody follows t2: publishing opens no room.
        hub.publish("t2", Live::Closed);
        assert_eq!(hub.rooms_open(), 1);
        drop(follower);
        // A room whose followers left is dropped by the next publish to it…
        hub.publish("t1", Live::AgentLeft);
        assert_eq!(hub.rooms_open(), 0);
        // …or swept once the map has grown: it stays within twice the live rooms.
        let mut live = Vec::new();
        for i in 0..1_000 {
            let receiver = hub.subscribe(&format!("t{i}"));
            if i % 10 == 0 {
                live.push(receiver);
            }
        }
        assert!(
            hub.rooms_open() <= 2 * live.len() + SWEEP_MIN,
            "{}",
            hub.rooms_open()
        );
    }
}
