//! What clients may send and hold. Every limit a socket or a handler enforces comes from
//! here, and so does every number in the messages that explain a refusal.

use std::time::Duration;

/// Limits on what clients may send and hold.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest chat message, bytes. Longer ones close the socket with 1009.
    pub message_bytes: usize,
    /// Largest websocket frame read at all (a handoff carries a transcript), bytes.
    pub frame_bytes: usize,
    /// Messages a visitor may send in a burst.
    pub burst: u32,
    /// Messages per second a visitor may keep sending after the burst.
    pub per_second: f64,
    /// Ping interval.
    pub ping: Duration,
    /// A socket silent this long (no frame, no pong) is closed.
    pub idle: Duration,
    /// How long an agent session lasts.
    pub session: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            message_bytes: 16 * 1024,
            frame_bytes: 512 * 1024,
            burst: 20,
            per_second: 5.0,
            ping: Duration::from_secs(20),
            idle: Duration::from_secs(60),
            session: Duration::from_secs(12 * 3600),
        }
    }
}
