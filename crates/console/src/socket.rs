//! The agent socket: a gloo-net `WebSocket` that logs in with the session token, feeds every
//! server frame to [`Workspace::apply`], sends what that returns, and reconnects with backoff
//! (1 s, 2 s, 4 s … 15 s) until stopped. One per workspace: the app starts it and hands the
//! [`Socket`] handle to the components in `Ctx`.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use baton_core::protocol::{AgentFrame, Frame, ServerToAgent};
use futures_core::Stream;
use futures_sink::Sink;
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::format::backoff_ms;
use crate::state::{Conn, Workspace};

/// The handle: cheap to copy, owned by the workspace that started it (logging out drops the
/// connection with it).
#[derive(Debug, Clone, Copy)]
pub struct Socket {
    link: StoredValue<Link, LocalStorage>,
}

struct Link {
    token: String,
    state: RwSignal<Workspace>,
    ws: Option<WebSocket>,
    /// Logged in on the current socket: frames may go out.
    ready: bool,
    attempt: u32,
    /// Bumped by every new socket and by [`Socket::stop`], so the reading task and reconnect
    /// timer of an earlier socket do nothing.
    generation: u32,
}

impl Socket {
    /// Connects with `token`, feeding frames into `state`.
    pub fn start(token: String, state: RwSignal<Workspace>) -> Socket {
        let socket = Socket {
            link: StoredValue::new_local(Link {
                token,
                state,
                ws: None,
                ready: false,
                attempt: 0,
                generation: 0,
            }),
        };
        socket.open();
        socket
    }

    /// Closes the connection for good (logging out).
    pub fn stop(self) {
        let ws = self
            .link
            .try_update_value(|link| {
                link.generation = link.generation.wrapping_add(1);
                link.ready = false;
                link.ws.take()
            })
            .flatten();
        if let Some(ws) = ws {
            let _ = ws.close(None, None);
        }
    }

    /// Sends a frame if logged in on a live socket; `false` otherwise (replies stay pending and
    /// go out again after the reconnect).
    pub fn send(self, frame: &AgentFrame) -> bool {
        let Ok(text) = serde_json::to_string(&Frame::new(frame)) else {
            return false;
        };
        self.link
            .try_update_value(|link| match link.ws.as_mut() {
                Some(ws) if link.ready => send_now(ws, text),
                _ => false,
            })
            .unwrap_or(false)
    }

    /// Opens a new socket in place of the last one and starts reading it.
    fn open(self) {
        let ws = api::socket_url().and_then(|url| WebSocket::open(&url).ok());
        let opened = ws.is_some();
        let Some((state, generation, old)) = self.link.try_update_value(|link| {
            link.generation = link.generation.wrapping_add(1);
            link.ready = false;
            let old = std::mem::replace(&mut link.ws, ws);
            (link.state, link.generation, old)
        }) else {
            return;
        };
        drop(old);
        if opened {
            state.update(|w| w.conn = Conn::Connecting);
            spawn_local(self.read(generation));
        } else {
            self.retry(generation);
        }
    }

    /// Logs in once the socket opens, applies every frame until it closes, then reconnects.
    async fn read(self, generation: u32) {
        let login = self
            .link
            .try_with_value(|link| {
                serde_json::to_string(&Frame::new(AgentFrame::Login {
                    token: link.token.clone(),
                }))
            })
            .and_then(Result::ok);
        // Ready once open, or failed (then nothing is sent, and the close ends the loop below).
        let ready =
            std::future::poll_fn(|cx| self.poll(generation, |ws| Pin::new(ws).poll_ready(cx)))
                .await;
        if let (Some(Ok(())), Some(login)) = (ready, login) {
            let _ = self.link.try_update_value(|link| match link.ws.as_mut() {
                Some(ws) if link.generation == generation => send_now(ws, login),
                _ => false,
            });
        }
        loop {
            let next =
                std::future::poll_fn(|cx| self.poll(generation, |ws| Pin::new(ws).poll_next(cx)))
                    .await;
            match next {
                Some(Some(Ok(Message::Text(text)))) => self.received(&text),
                // Binary frames are not part of the protocol; an error event is followed by
                // the close, which ends the stream.
                Some(Some(_)) => {}
                Some(None) | None => break,
            }
        }
        self.retry(generation);
    }

    /// Polls this generation's socket with `f`; `Ready(None)` once it has been replaced or
    /// stopped.
    fn poll<T>(
        self,
        generation: u32,
        f: impl FnOnce(&mut WebSocket) -> Poll<T>,
    ) -> Poll<Option<T>> {
        self.link
            .try_update_value(|link| match link.ws.as_mut() {
                Some(ws) if link.generation == generation => f(ws).map(Some),
                _ => Poll::Ready(None),
            })
            .unwrap_or(Poll::Ready(None))
    }

    fn received(self, text: &str) {
        let frame = match serde_json::from_str::<Frame<ServerToAgent>>(text) {
            Ok(frame) => frame.body,
            Err(e) => {
                leptos::logging::warn!("ignored a frame this workspace does not understand: {e}");
                return;
            }
        };
        let welcome = matches!(frame, ServerToAgent::Welcome { .. });
        let Some(state) = self.link.try_update_value(|link| {
            if welcome {
                link.ready = true;
                link.attempt = 0;
            }
            link.state
        }) else {
            return;
        };
        let now = api::now();
        let out = state
            .try_update(|w| w.apply(frame, now))
            .unwrap_or_default();
        for frame in &out {
            self.send(frame);
        }
    }

    /// Schedules the next attempt, backing off, unless this socket has been replaced or
    /// stopped.
    fn retry(self, generation: u32) {
        let Some((state, delay)) = self
            .link
            .try_update_value(|link| {
                if link.generation != generation {
                    return None;
                }
                link.ready = false;
                let delay = backoff_ms(link.attempt);
                link.attempt = link.attempt.saturating_add(1);
                Some((link.state, delay))
            })
            .flatten()
        else {
            return;
        };
        // A refused session does not come back by retrying: the app logs out.
        if state.with_untracked(|w| w.session_refused) {
            return;
        }
        state.update(|w| w.conn = Conn::Reconnecting { in_ms: delay });
        set_timeout(
            move || {
                if self.link.try_with_value(|link| link.generation) == Some(generation) {
                    self.open();
                }
            },
            Duration::from_millis(u64::from(delay)),
        );
    }
}

/// Sends `text` if the socket is open, without waiting: `true` if the browser took it.
fn send_now(ws: &mut WebSocket, text: String) -> bool {
    if !matches!(ws.state(), State::Open) {
        return false;
    }
    let mut cx = Context::from_waker(Waker::noop());
    match Pin::new(&mut *ws).poll_ready(&mut cx) {
        Poll::Ready(Ok(())) => Pin::new(ws).start_send(Message::Text(text)).is_ok(),
        _ => false,
    }
}
