//! The running widget as the browser-side pieces share it: the [`Widget`] handle (the chat
//! and the socket's state in signals), what the page shows ([`Boot`], [`Conn`]) and the
//! browser's clock, randomness and console. A leaf: `host`, `link`, `panel` and `shell` all
//! use it and it uses none of them — the shell plugs its effect loop in as
//! [`Widget::effects`].

use baton_core::Millis;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::chat::Chat;

/// What the page is showing.
#[derive(Clone, Copy)]
pub enum Boot {
    /// Fetching and compiling the config.
    Loading,
    /// The config could not be loaded; the reason went to the console.
    Unavailable,
    /// Chatting.
    Ready(Widget),
}

/// The socket's state, shown to the visitor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Conn {
    /// No socket needed (the bot is talking).
    Idle,
    /// Connecting for the first time.
    Connecting,
    /// Connected.
    Open,
    /// Lost; trying again.
    Retrying,
}

/// The running widget: signals and a function, so it is `Copy` into every closure.
#[derive(Clone, Copy)]
pub struct Widget {
    /// The conversation.
    pub chat: RwSignal<Chat>,
    /// The socket.
    pub conn: RwSignal<Conn>,
    /// Page path on the host site.
    pub page: RwSignal<Option<String>>,
    /// Carries out what the chat asks for ([`Chat::poll`] until `None`); the shell's loop,
    /// passed in so that the pieces it drives need not know the shell.
    pub effects: fn(Widget),
}

impl Widget {
    /// Changes the chat with `change` (given the time now), redraws, then carries out what
    /// the chat asks for.
    pub fn act(self, change: impl FnOnce(&mut Chat, Millis)) {
        self.chat.update(|chat| change(chat, now()));
        self.sync();
    }

    /// Carries out what the chat asks for after a change made without redrawing.
    pub fn sync(self) {
        (self.effects)(self);
    }

    /// The panel opened: the bot greets (once per conversation) and the message box takes
    /// the focus.
    pub fn open_panel(self) {
        let page = self.page.get_untracked();
        self.act(|chat, now| chat.open(page, now));
        focus_input();
    }
}

/// Moves focus to the panel's message box (`#baton-input`) once it has rendered.
fn focus_input() {
    request_animation_frame(|| {
        let input = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("baton-input"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(input) = input {
            let _ = input.focus();
        }
    });
}

/// Ms since the Unix epoch.
pub fn now() -> Millis {
    js_sys::Date::now() as Millis
}

/// A fresh random id with a prefix and 128 bits from the browser's cryptographic random
/// source, e.g. `h-9f0c…`: the handoff id is the secret that gets a conversation back, so it
/// must not be guessable from other ids (`Math.random` is a predictable generator). Where
/// `crypto` is missing (no browser Baton supports lacks it), `Math.random` stands in.
pub fn random_id(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    let mut id = String::with_capacity(prefix.len() + 33);
    id.push_str(prefix);
    id.push('-');
    for byte in bytes {
        id.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        id.push(char::from_digit(u32::from(byte & 15), 16).unwrap_or('0'));
    }
    id
}

/// Writes to the browser console (never message text: only reasons).
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}
