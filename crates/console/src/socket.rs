//! The agent socket: a `web_sys::WebSocket` that logs in with the session token, feeds every
//! server frame to [`Workspace::apply`], sends what that returns, and reconnects with backoff
//! (1 s, 2 s, 4 s … 15 s) until stopped. One per tab, kept in a thread-local.

use std::cell::RefCell;
use std::time::Duration;

use baton_core::protocol::{AgentFrame, Frame, ServerToAgent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use crate::api;
use crate::format::backoff_ms;
use crate::state::{Conn, Workspace};

struct Link {
    token: String,
    state: RwSignal<Workspace>,
    ws: Option<WebSocket>,
    /// Logged in on the current socket: frames may go out.
    ready: bool,
    attempt: u32,
    /// Bumped by [`stop`], so a reconnect timer from before does nothing.
    generation: u32,
    on_open: Closure<dyn FnMut(Event)>,
    on_message: Closure<dyn FnMut(MessageEvent)>,
    on_close: Closure<dyn FnMut(CloseEvent)>,
}

thread_local! {
    static LINK: RefCell<Option<Link>> = const { RefCell::new(None) };
    static GENERATION: RefCell<u32> = const { RefCell::new(0) };
}

/// Connects with `token`, feeding frames into `state`; replaces any earlier connection.
pub fn start(token: String, state: RwSignal<Workspace>) {
    stop();
    let generation = GENERATION.with(|g| *g.borrow());
    let link = Link {
        token,
        state,
        ws: None,
        ready: false,
        attempt: 0,
        generation,
        on_open: Closure::new(|_: Event| opened()),
        on_message: Closure::new(received),
        on_close: Closure::new(closed),
    };
    LINK.with(|l| *l.borrow_mut() = Some(link));
    open();
}

/// Closes the connection for good (logging out).
pub fn stop() {
    GENERATION.with(|g| *g.borrow_mut() += 1);
    let Some(link) = LINK.with(|l| l.borrow_mut().take()) else {
        return;
    };
    if let Some(ws) = &link.ws {
        detach(ws);
        let _ = ws.close();
    }
    // Dropped on a later turn, never inside one of its own callbacks.
    set_timeout(move || drop(link), Duration::ZERO);
}

/// Sends a frame if logged in on a live socket; `false` otherwise (replies stay pending and
/// go out again after the reconnect).
pub fn send(frame: &AgentFrame) -> bool {
    let Ok(text) = serde_json::to_string(&Frame::new(frame)) else {
        return false;
    };
    LINK.with(|l| {
        let link = l.borrow();
        match link
            .as_ref()
            .filter(|k| k.ready)
            .and_then(|k| k.ws.as_ref())
        {
            Some(ws) if ws.ready_state() == WebSocket::OPEN => ws.send_with_str(&text).is_ok(),
            _ => false,
        }
    })
}

fn detach(ws: &WebSocket) {
    ws.set_onopen(None);
    ws.set_onmessage(None);
    ws.set_onclose(None);
}

fn open() {
    let state = LINK.with(|l| {
        let mut link = l.borrow_mut();
        let link = link.as_mut()?;
        if let Some(old) = link.ws.take() {
            detach(&old);
        }
        link.ready = false;
        let ws = api::socket_url().and_then(|url| WebSocket::new(&url).ok());
        if let Some(ws) = &ws {
            ws.set_onopen(Some(link.on_open.as_ref().unchecked_ref()));
            ws.set_onmessage(Some(link.on_message.as_ref().unchecked_ref()));
            ws.set_onclose(Some(link.on_close.as_ref().unchecked_ref()));
        }
        let failed = ws.is_none();
        link.ws = ws;
        Some((link.state, failed))
    });
    match state {
        Some((_, true)) => retry(),
        Some((state, false)) => state.update(|w| w.conn = Conn::Connecting),
        None => {}
    }
}

fn opened() {
    let login = LINK.with(|l| {
        let link = l.borrow();
        let link = link.as_ref()?;
        let text = serde_json::to_string(&Frame::new(AgentFrame::Login {
            token: link.token.clone(),
        }));
        Some((link.ws.clone()?, text.ok()?))
    });
    if let Some((ws, text)) = login {
        let _ = ws.send_with_str(&text);
    }
}

fn received(event: MessageEvent) {
    let Some(text) = event.data().as_string() else {
        return;
    };
    let frame = match serde_json::from_str::<Frame<ServerToAgent>>(&text) {
        Ok(frame) => frame.body,
        Err(e) => {
            leptos::logging::warn!("ignored a frame this workspace does not understand: {e}");
            return;
        }
    };
    let welcome = matches!(frame, ServerToAgent::Welcome { .. });
    let Some(state) = LINK.with(|l| {
        let mut link = l.borrow_mut();
        let link = link.as_mut()?;
        if welcome {
            link.ready = true;
            link.attempt = 0;
        }
        Some(link.state)
    }) else {
        return;
    };
    let now = api::now();
    let out = state
        .try_update(|w| w.apply(frame, now))
        .unwrap_or_default();
    for frame in &out {
        send(frame);
    }
}

fn closed(_: CloseEvent) {
    retry();
}

/// Schedules the next attempt, backing off.
fn retry() {
    let Some((state, generation, delay)) = LINK.with(|l| {
        let mut link = l.borrow_mut();
        let link = link.as_mut()?;
        link.ready = false;
        let delay = backoff_ms(link.attempt);
        link.attempt = link.attempt.saturating_add(1);
        Some((link.state, link.generation, delay))
    }) else {
        return;
    };
    // A refused session does not come back by retrying: the app logs out.
    if state.with_untracked(|w| w.session_refused) {
        return;
    }
    state.update(|w| w.conn = Conn::Reconnecting { in_ms: delay });
    set_timeout(
        move || {
            if GENERATION.with(|g| *g.borrow()) == generation {
                open();
            }
        },
        Duration::from_millis(u64::from(delay)),
    );
}
