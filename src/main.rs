//! The Baton widget: the bot and its escalation triggers in the visitor's browser, and the
//! live chat with a person after the handover.
//!
//! It runs in an iframe that `baton.js` (the loader on the host page) injects from the chat
//! server's origin. `chat` is the conversation as plain data, tested natively; `shell`
//! carries out what it asks for in the browser (storage, timers, site API calls, the
//! socket through `link`, the host page through `host`) and `panel` draws it. They share
//! the `widget` handle, which depends on none of them.

// Natively only the tests use the chat state; the browser side is wasm32-only.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod chat;

#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod link;
#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
mod shell;
#[cfg(target_arch = "wasm32")]
mod widget;

fn main() {
    #[cfg(target_arch = "wasm32")]
    shell::boot();
}
