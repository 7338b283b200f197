//! The shell: the login form until there is a session, then the workspace — top bar with the
//! connection state, notices, the ticket lists and the ticket on screen. It only composes:
//! it starts the socket, provides [`Ctx`] and lays out the views, which live in their own
//! modules.

use std::collections::HashMap;
use std::time::Duration;

use leptos::prelude::*;

use crate::api::{self, Session};
use crate::ctx::Ctx;
use crate::insights::Insights;
use crate::login::Login;
use crate::queue::{HeldList, Queue};
use crate::socket::Socket;
use crate::state::Workspace;
use crate::status::{ConnState, Notices};
use crate::ticket::TicketPane;

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
    socket: Socket,
    session: RwSignal<Option<Session>>,
    message: RwSignal<Option<String>>,
    why: Option<&str>,
) {
    socket.stop();
    if why.is_none()
        && let Some(token) = session.get_untracked().map(|s| s.token)
    {
        // The agent chose to leave: end the session on the server too.
        leptos::task::spawn_local(async move { api::logout(&token).await });
    }
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
    let ws = RwSignal::new(Workspace::new(rejoin));
    let socket = Socket::start(token.clone(), ws);
    let ctx = Ctx {
        ws,
        now: RwSignal::new(api::now()),
        drafts: RwSignal::new(HashMap::new()),
        focus_ticket: StoredValue::new(false),
        socket,
    };
    provide_context(ctx);
    let tick =
        set_interval_with_handle(move || ctx.now.set(api::now()), Duration::from_secs(1)).ok();
    on_cleanup(move || {
        socket.stop();
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
                socket,
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
            <button type="button" id="logout" data-testid="logout" on:click=move |_| log_out(socket, session, message, None)>
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
