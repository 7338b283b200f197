//! The login form: name and password to `POST /api/login`; the token goes to sessionStorage
//! so a reload stays logged in.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Session};

/// The form. `message` says why the agent is here again (e.g. the session ended).
#[component]
pub fn Login(
    session: RwSignal<Option<Session>>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (n, p) = (name.get_untracked(), password.get_untracked());
        if n.trim().is_empty() || p.is_empty() {
            error.set(Some("Enter your name and password.".to_owned()));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::login(n.trim(), &p).await {
                Ok(s) => {
                    api::save_session(Some(&s));
                    message.set(None);
                    session.set(Some(s));
                }
                Err(e) => {
                    password.set(String::new());
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let shown = move || error.get().or_else(|| message.get());
    view! {
        <main id="main" class="login-page">
            <form class="login card" on:submit=submit novalidate=true aria-describedby="login-error">
                <h1>"Baton " <span class="sub">"agent workspace"</span></h1>
                <p class="hint">"Log in to take over conversations from the bot."</p>
                <label for="login-name">"Name"</label>
                <input
                    id="login-name"
                    name="name"
                    type="text"
                    autocomplete="username"
                    required=true
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required=true
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <p id="login-error" class="form-error" role="alert" data-testid="login-error">{shown}</p>
                <button id="login-submit" type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Logging in…" } else { "Log in" }}
                </button>
            </form>
        </main>
    }
}
