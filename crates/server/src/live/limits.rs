//! What clients may send and hold. Every limit a socket or a handler enforces comes from
//! here, and so does every number in the messages that explain a refusal.

use std::time::Duration;

/// Limits on what clients may send and hold.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest chat message, bytes. Longer ones close the socket with 1009.
    pub message_bytes: usize,
    /// Largest frame a visitor socket reads at all (a handoff carries a transcript), bytes;
    /// the agent socket reads at most [`Limits::chat_frame_bytes`].
    pub frame_bytes: usize,
    /// Frames a visitor may send in a burst.
    pub burst: u32,
    /// Frames per second a visitor may keep sending after the burst.
    pub per_second: f64,
    /// Frames an agent's workspace may send in a burst (claims, replies, typing in several
    /// tickets at once).
    pub agent_burst: u32,
    /// Frames per second an agent's workspace may keep sending after the burst.
    pub agent_per_second: f64,
    /// How long a new agent socket has to send its `login`.
    pub login_within: Duration,
    /// Ping interval.
    pub ping: Duration,
    /// A socket silent this long (no frame, no pong) is closed.
    pub idle: Duration,
    /// How long an agent session lasts.
    pub session: Duration,
    /// How often an open agent socket re-checks its session: one that has ended (expired,
    /// or logged out) closes its socket within this time.
    pub session_check: Duration,
    /// Password checks (argon2id, 19 MiB each) running at once; a login beyond them is
    /// answered 429 at once instead of queueing a thread.
    pub login_hashes: usize,
    /// Failed logins of one name within [`Limits::login_window`] after which that name waits
    /// for the rest of the window (429).
    pub login_failures: u32,
    /// The window of [`Limits::login_failures`].
    pub login_window: Duration,
    /// The longest a signed visitor profile (a JWT) may be valid, from its `iat` (or from
    /// now, without one) to its `exp`; a longer-lived token is refused.
    pub token_lifetime: Duration,
    /// How long a client has to send a request's headers, from connecting or from the
    /// previous response: a connection that sends nothing, or trickles (slowloris), is
    /// closed after it.
    pub header_read: Duration,
    /// TCP connections one address may hold at once (not counted behind a proxy).
    pub address_connections: u32,
    /// Visitor websockets one address may hold at once.
    pub address_sockets: u32,
    /// Handoffs one address may send: a burst, then so many a second.
    pub address_handoffs: (u32, f64),
    /// Outcome beacons one address may send: a burst, then so many a second.
    pub address_beacons: (u32, f64),
    /// Logins one address may try: a burst, then so many a second (the per-name pause and
    /// the bound on hashes at once come on top).
    pub address_logins: (u32, f64),
    /// Waiting tickets an agent's workspace is sent, most urgent first, with the count of
    /// the rest: what an agent's connect costs stays the same however long the queue.
    pub queue_shown: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            message_bytes: 16 * 1024,
            frame_bytes: 512 * 1024,
            burst: 20,
            per_second: 5.0,
            agent_burst: 100,
            agent_per_second: 25.0,
            login_within: Duration::from_secs(10),
            ping: Duration::from_secs(20),
            idle: Duration::from_secs(60),
            session: Duration::from_secs(12 * 3600),
            session_check: Duration::from_secs(30),
            login_hashes: 4,
            login_failures: 10,
            login_window: Duration::from_secs(15 * 60),
            token_lifetime: Duration::from_secs(24 * 3600),
            header_read: Duration::from_secs(10),
            // An office or a mobile carrier puts many visitors behind one address.
            address_connections: 256,
            address_sockets: 64,
            address_handoffs: (20, 0.2),
            address_beacons: (60, 2.0),
            address_logins: (20, 0.2),
            queue_shown: 50,
        }
    }
}

impl Limits {
    /// The largest frame a socket that carries no handoff reads at all (the agent's): a
    /// chat message of [`Limits::message_bytes`] with every character escaped twice over,
    /// plus its envelope. Between the message limit and this, the frame is read and refused
    /// with 1009; beyond it the socket is dropped before the frame is held.
    pub fn chat_frame_bytes(&self) -> usize {
        self.message_bytes.saturating_mul(2).saturating_add(1024)
    }

    /// These limits without the per-address ones: for `--demo`, where `baton simulate`
    /// plays many visitors from one machine.
    pub fn without_address_limits(self) -> Limits {
        let unlimited = (u32::MAX, f64::MAX);
        Limits {
            address_connections: u32::MAX,
            address_sockets: u32::MAX,
            address_handoffs: unlimited,
            address_beacons: unlimited,
            address_logins: unlimited,
            ..self
        }
    }
}
