//! The Baton widget: the bot and its escalation triggers in the visitor's browser.
//!
//! This is the minimal shell that proves the widget builds for wasm32 with Leptos and
//! baton-core; the chat itself lands with the widget issue.

use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| {
        view! {
            <p>"Baton widget: "{baton_core::config::VERSION}</p>
        }
    });
}
