//! Insights: the review of a period (`GET /api/insights?format=html`) — the same page
//! `baton report` writes, with its SVG charts — shown in a sandboxed frame with a period
//! picker. The page is built by the server from escaped figures and runs no script; the
//! empty `sandbox` keeps it that way.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

/// Periods offered, as `--since` values with their labels.
const PERIODS: [(&str, &str); 3] = [
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
];

/// What the frame shows.
#[derive(Debug, Clone, PartialEq)]
enum Loaded {
    Loading,
    Page(String),
    Failed(String),
}

/// The Insights view for the agent with session `token`.
#[component]
pub fn Insights(token: String) -> impl IntoView {
    let period = RwSignal::new("30d".to_owned());
    let loaded = RwSignal::new(Loaded::Loading);
    Effect::new(move |_| {
        let since = period.get();
        let token = token.clone();
        loaded.set(Loaded::Loading);
        spawn_local(async move {
            let query = [("since", since.as_str()), ("format", "html")];
            let result = api::get_text("/api/insights", &query, &token).await;
            // A slower answer for a period no longer picked is dropped.
            if period.get_untracked() == since {
                loaded.set(match result {
                    Ok(page) => Loaded::Page(page),
                    Err(reason) => Loaded::Failed(reason),
                });
            }
        });
    });
    let label = move || {
        PERIODS
            .iter()
            .find(|(value, _)| *value == period.get())
            .map_or("", |(_, label)| label)
            .to_lowercase()
    };
    view! {
        <section class="insights" aria-labelledby="insights-title">
            <div class="insights-bar">
                <h2 id="insights-title">"Insights"</h2>
                <label>
                    "Period "
                    <select
                        data-testid="insights-period"
                        on:change=move |ev| period.set(event_target_value(&ev))
                        prop:value=move || period.get()
                    >
                        {PERIODS
                            .iter()
                            .map(|(value, text)| view! { <option value=*value>{*text}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            {move || match loaded.get() {
                Loaded::Loading => {
                    view! { <p role="status">"Loading the review…"</p> }.into_any()
                }
                Loaded::Failed(reason) => {
                    view! { <p class="notice error" role="alert">{reason}</p> }.into_any()
                }
                Loaded::Page(page) => {
                    view! {
                        <iframe
                            class="insights-frame"
                            data-testid="insights-frame"
                            title=move || format!("Review of the {}", label())
                            sandbox=""
                            srcdoc=page
                        ></iframe>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
