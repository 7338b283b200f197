//! What visitor and agent sockets share: the shared writing half, frame encoding, closing with a
//! code, the idle/ping loop and a token-bucket rate limit.

use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use baton_core::protocol::Frame;
use std::sync::Arc;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::live::limits::Limits;

/// Close codes used (RFC 6455).
pub mod close {
    /// Going away (idle, server shutting down).
    pub const GOING_AWAY: u16 = 1001;
    /// Unsupported data (binary frames).
    pub const UNSUPPORTED: u16 = 1003;
    /// Policy violation (rate limit, login, wrong site).
    pub const POLICY: u16 = 1008;
    /// Message too big.
    pub const TOO_BIG: u16 = 1009;
}

/// The sending half of a socket, shared by whoever writes to it (the read loop's replies and
/// pings, the delivery pumps). Each sender writes the frame to the socket itself, under a
/// lock: no writer task and no queue between a relayed message and the kernel, so a relay
/// costs one task wake-up less per follower. A slow reader makes the writer wait (the
/// write buffer is bounded by the socket's `max_write_buffer_size`); a pump that falls behind
/// its room catches up from the store (see [`crate::live::hub::pump`]). A write that cannot finish
/// within [`WRITE_WITHIN`] (the peer stopped reading) ends the sending side, so the lock is
/// never held for longer; the read loop then sees its next ping fail and stops.
#[derive(Clone)]
pub struct Outbox(Arc<Mutex<Writer>>);

struct Writer {
    sink: SplitSink<WebSocket, Message>,
    open: bool,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").finish_non_exhaustive()
    }
}

/// The longest a write may wait for the peer to read.
pub const WRITE_WITHIN: Duration = Duration::from_secs(10);

/// Whether a write finished, and in time.
async fn within<T, E>(write: impl std::future::Future<Output = Result<T, E>>) -> bool {
    matches!(tokio::time::timeout(WRITE_WITHIN, write).await, Ok(Ok(_)))
}

impl Outbox {
    /// Serialises and sends a version-1 frame; `false` once the socket is gone.
    pub async fn send<T: Serialize>(&self, body: T) -> bool {
        match serde_json::to_string(&Frame::new(body)) {
            Ok(text) => self.raw(Message::Text(Utf8Bytes::from(text))).await,
            Err(_) => false,
        }
    }

    /// Sends a raw websocket message; `false` once the socket is gone.
    pub async fn raw(&self, message: Message) -> bool {
        let mut writer = self.0.lock().await;
        if !writer.open {
            return false;
        }
        if !within(writer.sink.send(message)).await {
            writer.open = false;
        }
        writer.open
    }

    /// Serialises and sends version-1 frames with one flush at the end (the socket's write
    /// buffer coalesces them into fewer writes); `false` once the socket is gone, or if a
    /// frame could not be encoded (the caller stops rather than skip it).
    pub async fn send_all<T: Serialize>(&self, bodies: impl IntoIterator<Item = T>) -> bool {
        let mut writer = self.0.lock().await;
        if !writer.open {
            return false;
        }
        for body in bodies {
            let Ok(text) = serde_json::to_string(&Frame::new(body)) else {
                return false;
            };
            if !within(writer.sink.feed(Message::Text(Utf8Bytes::from(text)))).await {
                writer.open = false;
                return false;
            }
        }
        if !within(writer.sink.flush()).await {
            writer.open = false;
        }
        writer.open
    }

    /// Sends a close frame; nothing is sent after it.
    pub async fn close(&self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from(reason.to_owned()),
        };
        let mut writer = self.0.lock().await;
        if writer.open {
            writer.open = false;
            if within(writer.sink.send(Message::Close(Some(frame)))).await {
                within(writer.sink.close()).await;
            }
        }
    }

    /// Ends the socket's sending side (a normal close unless [`Outbox::close`] already sent
    /// one).
    pub async fn finish(&self) {
        let mut writer = self.0.lock().await;
        if writer.open {
            writer.open = false;
            within(writer.sink.close()).await;
        }
    }
}

/// Bytes of outgoing frames a socket collects before writing them out: a burst of relayed
/// messages leaves in a few writes ([`Outbox::send_all`]), single frames still go at once.
/// The buffer keeps its allocation after a burst (up to this plus the largest frame).
const WRITE_BUFFER: usize = 4 * 1024;

/// Sets a socket's buffers and limits: a 1 KB read buffer (tungstenite's defaults cost about
/// 130 KB a socket), a 4 KB write buffer bounded at one frame more, and `frame_bytes`, the
/// largest frame read at all.
pub fn sized(ws: WebSocketUpgrade, limits: &Limits, frame_bytes: usize) -> WebSocketUpgrade {
    ws.read_buffer_size(1024)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(WRITE_BUFFER + limits.frame_bytes)
        .max_message_size(frame_bytes)
        .max_frame_size(frame_bytes)
}

/// Splits a socket into an [`Outbox`] and the incoming stream.
pub fn split(socket: WebSocket) -> (Outbox, SplitStream<WebSocket>) {
    let (sink, stream) = socket.split();
    (
        Outbox(Arc::new(Mutex::new(Writer { sink, open: true }))),
        stream,
    )
}

/// What the read loop got.
pub enum Incoming {
    /// A text frame.
    Text(String),
    /// Nothing arrived within the deadline (no frame, no pong).
    Idle,
    /// The peer closed or errored; stop.
    Gone,
    /// A frame to ignore (ping, pong).
    Nothing,
}

/// Reads the next frame, pinging every `ping` while waiting; [`Incoming::Idle`] after
/// `within` of silence. Binary frames are refused with 1003.
pub async fn next(
    stream: &mut SplitStream<WebSocket>,
    out: &Outbox,
    ping: Duration,
    within: Duration,
) -> Incoming {
    let deadline = tokio::time::Instant::now() + within;
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + ping, ping);
    loop {
        tokio::select! {
            frame = stream.next() => {
                return match frame {
                    Some(Ok(Message::Text(text))) => Incoming::Text(text.to_string()),
                    Some(Ok(Message::Binary(_))) => {
                        out.close(close::UNSUPPORTED, "text frames only").await;
                        Incoming::Gone
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => Incoming::Nothing,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => Incoming::Gone,
                };
            }
            () = tokio::time::sleep_until(deadline) => return Incoming::Idle,
            _ = ticker.tick() => {
                if !out.raw(Message::Ping(Default::default())).await {
                    return Incoming::Gone;
                }
            }
        }
    }
}

/// Why a socket is being closed: a close code and a short reason.
pub type Refusal = (u16, String);

/// A socket's handler of text frames; [`serve_frames`] runs the read loop around it.
pub trait Frames {
    /// Handles one text frame; `Err` closes the socket with that code.
    fn frame(
        &mut self,
        text: &str,
    ) -> impl std::future::Future<Output = Result<(), Refusal>> + Send;
}

/// Runs a socket's session: frames to `session` until the peer leaves, goes idle (closed
/// with 1001) or is refused (closed with the refusal's code, counted in `rejected`); then the
/// session ends (its pumps and writer with it) and the sending side is finished.
pub async fn serve_frames(
    mut session: impl Frames,
    mut stream: SplitStream<WebSocket>,
    out: &Outbox,
    limits: &Limits,
    rejected: &std::sync::atomic::AtomicU64,
) {
    read_loop(&mut session, &mut stream, out, limits, rejected).await;
    drop(session);
    out.finish().await;
}

async fn read_loop(
    handler: &mut impl Frames,
    stream: &mut SplitStream<WebSocket>,
    out: &Outbox,
    limits: &Limits,
    rejected: &std::sync::atomic::AtomicU64,
) {
    loop {
        match next(stream, out, limits.ping, limits.idle).await {
            Incoming::Text(text) => {
                // Boxed: a frame's handling (store calls, trigger re-runs) needs kilobytes of
                // future state that an idle socket should not carry between frames.
                if let Err((code, reason)) = Box::pin(handler.frame(&text)).await {
                    rejected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    out.close(code, &reason).await;
                    drain(stream).await;
                    return;
                }
            }
            Incoming::Nothing => {}
            Incoming::Idle => {
                out.close(close::GOING_AWAY, "idle").await;
                return;
            }
            Incoming::Gone => return,
        }
    }
}

/// After closing, reads (and drops) what the peer still sends until it closes too, for at
/// most two seconds: closing a TCP socket with unread data makes the kernel send a reset,
/// which can destroy the close frame (and its code) before the peer reads it.
pub async fn drain(stream: &mut SplitStream<WebSocket>) {
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(message)) = stream.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// A token bucket: `burst` frames at once, refilled at `per_second`.
#[derive(Debug)]
pub struct Bucket {
    tokens: f64,
    burst: f64,
    per_second: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(burst: u32, per_second: f64) -> Bucket {
        Bucket {
            tokens: f64::from(burst),
            burst: f64::from(burst),
            per_second,
            last: Instant::now(),
        }
    }

    /// Whether the bucket has refilled to its burst: the sender has spent nothing lately.
    pub fn full(&self) -> bool {
        let refill = self.last.elapsed().as_secs_f64() * self.per_second;
        self.tokens + refill >= self.burst
    }

    /// Takes a token; `false` when the sender is over the limit.
    pub fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Aborts a task when dropped, so a socket's helpers end with it.
#[derive(Debug)]
pub struct AbortOnDrop(pub JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
