//! What the top of the workspace announces: the connection state and the latest notice.

use leptos::prelude::*;

use crate::ctx::Ctx;
use crate::state::Conn;

/// "Connected" / "Connecting…" / "Reconnecting…", announced politely.
#[component]
pub fn ConnState() -> impl IntoView {
    let ws = expect_context::<Ctx>().ws;
    let conn = move || ws.with(|w| w.conn);
    let label = move || match conn() {
        Conn::Connected => "Connected".to_owned(),
        Conn::Connecting => "Connecting…".to_owned(),
        Conn::Reconnecting { in_ms } => {
            format!("Reconnecting… (next try in {} s)", in_ms.div_ceil(1000))
        }
    };
    let state = move || match conn() {
        Conn::Connected => "connected",
        Conn::Connecting => "connecting",
        Conn::Reconnecting { .. } => "reconnecting",
    };
    view! {
        <p class="conn" role="status" data-testid="connection" data-state=state>
            <span class="dot" aria-hidden="true"></span>
            {label}
        </p>
    }
}

/// The latest notice: errors as an alert, the rest as a status.
#[component]
pub fn Notices() -> impl IntoView {
    let ws = expect_context::<Ctx>().ws;
    let text = move |error: bool| {
        ws.with(|w| {
            w.notice
                .as_ref()
                .filter(|n| n.error == error)
                .map(|n| n.text.clone())
        })
    };
    let shown = move || ws.with(|w| w.notice.is_some());
    view! {
        <div class="notices">
            <p class="notice error" role="alert" data-testid="error">{move || text(true)}</p>
            <p class="notice info" role="status">{move || text(false)}</p>
            <Show when=shown>
                <button type="button" class="link" on:click=move |_| ws.update(|w| w.notice = None)>
                    "Dismiss notice"
                </button>
            </Show>
        </div>
    }
}
