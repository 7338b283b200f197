//! Baton's agent workspace: log in, watch the queue, claim tickets, see why they escalated,
//! reply. `state`, `format` and `explain` are plain Rust (tested natively with `cargo test`);
//! the rest exists only in the browser: `app` composes the views, `ctx` is what they share
//! (including the `socket` handle), `api` the browser around them.

// Natively only the tests use the state; the UI that uses it is wasm32-only.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod explain;
mod format;
mod state;

#[cfg(target_arch = "wasm32")]
mod actions;
#[cfg(target_arch = "wasm32")]
mod aids;
#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod badge;
#[cfg(target_arch = "wasm32")]
mod ctx;
#[cfg(target_arch = "wasm32")]
mod insights;
#[cfg(target_arch = "wasm32")]
mod login;
#[cfg(target_arch = "wasm32")]
mod queue;
#[cfg(target_arch = "wasm32")]
mod socket;
#[cfg(target_arch = "wasm32")]
mod status;
#[cfg(target_arch = "wasm32")]
mod thread;
#[cfg(target_arch = "wasm32")]
mod ticket;
#[cfg(target_arch = "wasm32")]
mod why;

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(app::App);
    }
}
