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
    Upsert(QueueItem),
    /// Claimed or closed.
    Remove(String),
}

/// The relay.
#[derive(Debug)]
pub struct Hub {
    rooms: Mutex<HashMap<String, broadcast::Sender<Live>>>,
    queue: broadcast::Sender<QueueEvent>,
    agents_online: AtomicUsize,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            rooms: Mutex::new(HashMap::new()),
            queue: broadcast::channel(QUEUE_CAPACITY).0,
            agents_online: AtomicUsize::new(0),
        }
    }
}

impl Hub {
    fn room(&self, ticket: &str) -> broadcast::Sender<Live> {
        let mut rooms = self
            .rooms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Rooms nobody listens to any more are dropped here, so the map stays as small as the
        // set of live conversations.
        rooms.retain(|_, sender| sender.receiver_count() > 0);
        rooms
            .entry(ticket.to_owned())
            .or_insert_with(|| broadcast::channel(ROOM_CAPACITY).0)
            .clone()
    }

    /// Listens to a ticket's room.
    pub fn subscribe(&self, ticket: &str) -> broadcast::Receiver<Live> {
        self.room(ticket).subscribe()
    }

    /// Tells everyone in a ticket's room (no one listening is fine).
    pub fn publish(&self, ticket: &str, event: Live) {
        let _ = self.room(ticket).send(event);
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
