//! What visitor and agent sockets share: the writer task, frame encoding, closing with a
//! code, the idle/ping loop and a token-bucket rate limit.

use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use baton_core::protocol::Frame;
use futures_util::stream::SplitStream;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Frames queued for one socket before the socket counts as too slow.
pub const OUTBOX: usize = 64;

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

/// The sending half of a socket: frames go through a bounded queue to a writer task.
#[derive(Debug, Clone)]
pub struct Outbox(mpsc::Sender<Message>);

impl Outbox {
    /// Serialises and queues a version-1 frame; `false` once the socket is gone.
    pub async fn send<T: Serialize>(&self, body: T) -> bool {
        match serde_json::to_string(&Frame::new(body)) {
            Ok(text) => self
                .0
                .send(Message::Text(Utf8Bytes::from(text)))
                .await
                .is_ok(),
            Err(_) => false,
        }
    }

    /// Queues a raw websocket message.
    pub async fn raw(&self, message: Message) -> bool {
        self.0.send(message).await.is_ok()
    }

    /// Queues a close frame.
    pub async fn close(&self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from(reason.to_owned()),
        };
        let _ = self.0.send(Message::Close(Some(frame))).await;
    }
}

/// Splits a socket into an [`Outbox`] (with its writer task) and the incoming stream.
pub fn split(socket: WebSocket) -> (Outbox, SplitStream<WebSocket>, JoinHandle<()>) {
    let (mut sink, stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Message>(OUTBOX);
    let writer = tokio::spawn(async move {
        while let Some(message) = rx.recv().await {
            let closing = matches!(message, Message::Close(_));
            if sink.send(message).await.is_err() || closing {
                break;
            }
        }
        let _ = sink.close().await;
    });
    (Outbox(tx), stream, writer)
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
pub type Refusal = (u16, &'static str);

/// A socket's handler of text frames; [`serve_frames`] runs the read loop around it.
pub trait Frames {
    /// Handles one text frame; `Err` closes the socket with that code.
    fn frame(
        &mut self,
        text: &str,
    ) -> impl std::future::Future<Output = Result<(), Refusal>> + Send;
}

/// The read loop both sockets share: frames to `handler` until the peer leaves, goes idle
/// (closed with 1001) or is refused (closed with the refusal's code, counted in `rejected`).
pub async fn serve_frames(
    handler: &mut impl Frames,
    stream: &mut SplitStream<WebSocket>,
    out: &Outbox,
    ping: Duration,
    idle: Duration,
    rejected: &std::sync::atomic::AtomicU64,
) {
    loop {
        match next(stream, out, ping, idle).await {
            Incoming::Text(text) => {
                // Boxed: a frame's handling (store calls, trigger re-runs) needs kilobytes of
                // future state that an idle socket should not carry between frames.
                if let Err((code, reason)) = Box::pin(handler.frame(&text)).await {
                    rejected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    out.close(code, reason).await;
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
