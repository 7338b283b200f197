//! The shell: the login form until there is a session, then the workspace — top bar with the
//! connection state, notices, the ticket lists and the ticket on screen.

use std::collections::HashMap;
use std::time::Duration;

use baton_core::Millis;
use leptos::prelude::*;

use crate::api::{self, Session};
use crate::insights::Insights;
use crate::login::Login;
use crate::queue::{HeldList, Queue};
use crate::socket;
use crate::state::{Conn, Workspace};
use crate::ticket::TicketPane;

/// What every part of the workspace reads.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The state the socket feeds.
    pub ws: RwSignal<Workspace>,
    /// The clock, ticking every second (waiting times, the typing indicator).
    pub now: RwSignal<Millis>,
    /// Unsent replies per ticket, kept while another ticket is on screen.
    pub drafts: RwSignal<HashMap<String, String>>,
    /// Set by Claim: the next ticket to open takes the keyboard focus (the button is gone).
    pub focus_ticket: StoredValue<bool>,
}

/// The app: login or workspace.
#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(api::saved_session());
    let message = RwSignal::new(None::<String>);
    view! {
        <Show
            when=move || session.with(Option::is_some)
            fallback=move || view! { <Login session message /> }
        >
            <Console session message />
        </Show>
    }
}

/// Ends the session: closes the socket, forgets the token, shows the login form.
fn log_out(
    session: RwSignal<Option<Session>>,
    message: RwSignal<Option<String>>,
    why: Option<&str>,
) {
    socket::stop();
    api::save_session(None);
    message.set(why.map(str::to_owned));
    session.set(None);
}

#[component]
fn Console(session: RwSignal<Option<Session>>, message: RwSignal<Option<String>>) -> impl IntoView {
    let current = session.get_untracked();
    let token = current
        .as_ref()
        .map(|s| s.token.clone())
        .unwrap_or_default();
    let name = current.map(|s| s.name).unwrap_or_default();
    let held_key = api::held_key(&name);
    let rejoin: Vec<String> = api::load(&held_key)
        .map(|ids| {
            ids.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let ctx = Ctx {
        ws: RwSignal::new(Workspace::new(rejoin)),
        now: RwSignal::new(api::now()),
        drafts: RwSignal::new(HashMap::new()),
        focus_ticket: StoredValue::new(false),
    };
    provide_context(ctx);
    let ws = ctx.ws;
    socket::start(token.clone(), ws);
    let tick =
        set_interval_with_handle(move || ctx.now.set(api::now()), Duration::from_secs(1)).ok();
    on_cleanup(move || {
        socket::stop();
        if let Some(tick) = tick {
            tick.clear();
        }
    });
    // Keep the open tickets across a reload; a refused session goes back to the login form.
    Effect::new(move |_| {
        let ids = ws.with(|w| w.keep_ids()).join("\n");
        api::store(&held_key, Some(&ids));
    });
    Effect::new(move |_| {
        if ws.with(|w| w.session_refused) {
            log_out(
                session,
                message,
                Some("Your session has ended. Please log in again."),
            );
        }
    });
    let agent = move || ws.with(|w| w.agent.clone()).unwrap_or_else(|| name.clone());
    let insights = RwSignal::new(false);
    let view_button = move |label: &'static str, show_insights: bool| {
        view! {
            <button
                type="button"
                data-testid=format!("view-{}", label.to_lowercase())
                aria-pressed=move || (insights.get() == show_insights).to_string()
                on:click=move |_| insights.set(show_insights)
            >
                {label}
            </button>
        }
    };
    view! {
        <a class="skip" href="#main">"Skip to the ticket"</a>
        <header class="topbar">
            <h1>"Baton " <span class="sub">"agent workspace"</span></h1>
            <nav class="views" aria-label="Views">
                {view_button("Tickets", false)}
                {view_button("Insights", true)}
            </nav>
            <ConnState />
            <p class="who">"Signed in as " <strong data-testid="agent-name">{agent}</strong></p>
            <button type="button" id="logout" data-testid="logout" on:click=move |_| log_out(session, message, None)>
                "Log out"
            </button>
        </header>
        <Notices />
        <Show when=move || insights.get()>
            <main id="insights" class="main">
                <Insights token=token.clone() />
            </main>
        </Show>
        // The ticket view stays mounted under Insights, so drafts and focus survive a look.
        <div class="layout" hidden=move || insights.get()>
            <nav class="side" aria-label="Tickets">
                <HeldList />
                <Queue />
            </nav>
            <main id="main" class="main" tabindex="-1">
                <TicketPane />
            </main>
        </div>
    }
}

/// "Connected" / "Connecting…" / "Reconnecting…", announced politely.
#[component]
fn ConnState() -> impl IntoView {
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
fn Notices() -> impl IntoView {
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
