//! The visitor socket after the handover: one `WebSocket` to `/ws/visitor` on the widget's
//! own origin (`?handoff` while the handoff is not acknowledged: only such a socket may
//! send a frame that large). On open it tells [`Chat::on_open`], and the chat's effects
//! then send hello with the resume token and last sequence number, then everything
//! unacknowledged; every frame received goes to [`Chat::on_frame`]. A lost socket is retried with backoff (0.5 s doubling
//! to 4 s) for as long as the chat wants one.

use std::cell::RefCell;
use std::time::Duration;

use baton_core::protocol::{Frame, ServerToVisitor};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use crate::chat::{Chat, Wire};
use crate::widget::{Conn, Widget, warn};

#[derive(Default)]
struct Link {
    ws: Option<WebSocket>,
    open: bool,
    attempt: u32,
    retry: Option<TimeoutHandle>,
    // The callbacks of the current socket; replaced (not dropped mid-call) on reconnect.
    on_open: Option<Closure<dyn FnMut(Event)>>,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_close: Option<Closure<dyn FnMut(CloseEvent)>>,
}

thread_local! {
    static LINK: RefCell<Link> = RefCell::new(Link::default());
}

/// Connects unless connected, connecting or waiting to retry.
pub fn ensure(widget: Widget) {
    let idle = LINK.with(|l| {
        let l = l.borrow();
        l.ws.is_none() && l.retry.is_none()
    });
    if idle {
        connect(widget);
    }
}

/// Sends an encoded frame on the open socket; `false` if there is none (what matters is in
/// the outbox and goes out again on the next open).
pub fn send(frame: &Wire) -> bool {
    let text = frame.text();
    LINK.with(|l| {
        let l = l.borrow();
        l.open
            && !text.is_empty()
            && l.ws
                .as_ref()
                .is_some_and(|ws| ws.send_with_str(text).is_ok())
    })
}

fn connect(widget: Widget) {
    let for_handoff = widget.chat.with_untracked(Chat::sends_handoff);
    let Some(url) = socket_url(for_handoff) else {
        return;
    };
    let ws = match WebSocket::new(&url) {
        Ok(ws) => ws,
        Err(_) => {
            retry_later(widget);
            return;
        }
    };
    let first = LINK.with(|l| l.borrow().attempt == 0);
    widget.conn.set(if first {
        Conn::Connecting
    } else {
        Conn::Retrying
    });
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_| opened(widget));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        received(widget, &e);
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_| closed(widget));
    ws.set_onopen(Some(wasm_bindgen::JsCast::unchecked_ref(on_open.as_ref())));
    ws.set_onmessage(Some(wasm_bindgen::JsCast::unchecked_ref(
        on_message.as_ref(),
    )));
    ws.set_onclose(Some(wasm_bindgen::JsCast::unchecked_ref(on_close.as_ref())));
    LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.ws = Some(ws);
        l.open = false;
        l.on_open = Some(on_open);
        l.on_message = Some(on_message);
        l.on_close = Some(on_close);
    });
}

/// The socket's address; one that will carry the handoff asks for its frame allowance.
fn socket_url(for_handoff: bool) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = match location.protocol().ok()?.as_str() {
        "https:" => "wss",
        _ => "ws",
    };
    let query = if for_handoff { "?handoff" } else { "" };
    Some(format!(
        "{scheme}://{}/ws/visitor{query}",
        location.host().ok()?
    ))
}

fn opened(widget: Widget) {
    LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.open = true;
        l.attempt = 0;
    });
    widget.conn.set(Conn::Open);
    widget.chat.update_untracked(Chat::on_open);
    widget.sync();
}

fn received(widget: Widget, event: &MessageEvent) {
    let Some(text) = event.data().as_string() else {
        return;
    };
    match serde_json::from_str::<Frame<ServerToVisitor>>(&text) {
        Ok(frame) => widget.act(|chat, _| chat.on_frame(frame.body)),
        Err(e) => warn(&format!(
            "Baton: ignored a frame this widget does not understand: {e}"
        )),
    }
}

fn closed(widget: Widget) {
    LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.open = false;
        if let Some(ws) = l.ws.take() {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
        }
    });
    widget.chat.update_untracked(Chat::on_close);
    if widget.chat.with_untracked(Chat::wants_socket) {
        retry_later(widget);
    } else {
        widget.conn.set(Conn::Idle);
    }
}

fn retry_later(widget: Widget) {
    widget.conn.set(Conn::Retrying);
    let attempt = LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.attempt = l.attempt.saturating_add(1);
        l.attempt
    });
    let wait = 250u64 << attempt.min(4);
    let handle = set_timeout_with_handle(
        move || {
            LINK.with(|l| l.borrow_mut().retry = None);
            connect(widget);
        },
        Duration::from_millis(wait),
    )
    .ok();
    LINK.with(|l| l.borrow_mut().retry = handle);
}
