//! Why the ticket reached a person: the reason, the widget's trigger trace and the server's own
//! re-run (with their disagreement, if any), the bot's summary and the visitor's profile.

use baton_core::protocol::TicketView;
use baton_core::trigger::Firing;
use leptos::prelude::*;

use crate::badge::Trust;
use crate::explain::{Source, action_text, evidence_message, evidence_text, trend_text};
use crate::format::value_text;

/// The "Why it escalated" panel.
#[component]
pub fn Why(view: TicketView) -> impl IntoView {
    let widget = view.handoff.trace.clone();
    let server = view.server_trace.clone();
    view! {
        <section class="panel why" data-testid="reason" aria-labelledby="why-h">
            <h3 id="why-h">"Why it escalated"</h3>
            <p class="reason" data-testid="reason-text">{view.reason.clone()}</p>
            {view.disagreement.clone().map(|text| view! {
                <div class="disagreement" data-testid="disagreement" role="note">
                    <strong>"The widget and the server disagree: "</strong>
                    {text}
                </div>
            })}
            <h4>"Triggers the widget reported"</h4>
            <Trace firings=widget source=Source::Widget empty="No trigger fired in the widget: the journey handed over." />
            <h4>"The server's re-run"</h4>
            <Trace firings=server source=Source::Server empty="The server's re-run of the triggers fired nothing." />
        </section>
    }
}

/// A list of trigger firings, each with its evidence in words.
#[component]
fn Trace(firings: Vec<Firing>, source: Source, empty: &'static str) -> impl IntoView {
    if firings.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let items = firings
        .into_iter()
        .map(|firing| {
            let evidence = firing
                .evidence
                .iter()
                .map(|e| {
                    // Only the widget's numbers are the thread's.
                    let jump = evidence_message(e).filter(|_| source == Source::Widget);
                    view! {
                        <li>
                            {evidence_text(e, source)}
                            {jump.map(|n| view! {
                                " " <a class="jump" href=format!("#msg-{n}")>"show message"</a>
                            })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <li data-testid="firing" data-trigger=firing.trigger.clone()>
                    <code>{firing.trigger.clone()}</code>
                    " — "
                    {action_text(&firing.action)}
                    <ul class="evidence">{evidence}</ul>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="trace">{items}</ul> }.into_any()
}

/// The bot's summary: intent, path, collected fields, triggers, sentiment trend.
#[component]
pub fn Summary(view: TicketView) -> impl IntoView {
    let summary = view.handoff.summary;
    let path = if summary.path.is_empty() {
        "—".to_owned()
    } else {
        summary.path.join(" → ")
    };
    let fields = summary.fields.clone();
    let triggers = summary.triggers.clone();
    view! {
        <section class="panel summary" aria-labelledby="summary-h" data-testid="summary">
            <h3 id="summary-h">"Bot summary"</h3>
            <dl>
                <dt>"Intent"</dt>
                <dd>{summary.intent.clone().unwrap_or_else(|| "unknown".to_owned())}</dd>
                <dt>"Path"</dt>
                <dd class="wrap">{path}</dd>
                <dt>"Collected"</dt>
                <dd>
                    {if fields.is_empty() {
                        view! { <span>"nothing"</span> }.into_any()
                    } else {
                        view! { <Pairs pairs=fields.into_iter().collect() /> }.into_any()
                    }}
                </dd>
                <dt>"Triggers"</dt>
                <dd>
                    {if triggers.is_empty() {
                        view! { <span>"none"</span> }.into_any()
                    } else {
                        view! {
                            <ul>{triggers.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                        }
                        .into_any()
                    }}
                </dd>
                <dt>"Sentiment"</dt>
                <dd>{trend_text(&summary.sentiment)}</dd>
            </dl>
        </section>
    }
}

/// Name/value pairs as a nested description list.
#[component]
fn Pairs(pairs: Vec<(String, String)>) -> impl IntoView {
    view! {
        <dl class="pairs">
            {pairs
                .into_iter()
                .map(|(k, v)| view! { <dt>{k}</dt> <dd class="wrap">{v}</dd> })
                .collect_view()}
        </dl>
    }
}

/// The profile attributes, marked unverified unless the server checked the signed token.
#[component]
pub fn Profile(view: TicketView) -> impl IntoView {
    let verified = view.verified;
    let pairs: Vec<(String, String)> = view
        .handoff
        .profile
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), value_text(v)))
        .collect();
    view! {
        <section class="panel profile" aria-labelledby="profile-h" data-testid="profile">
            <h3 id="profile-h">"Profile " <Trust verified /></h3>
            {(!verified).then(|| view! {
                <p class="caution">
                    "Not verified: the site did not sign these attributes, so the visitor could have set them. \
                     Check identity before acting on them."
                </p>
            })}
            {if pairs.is_empty() {
                view! { <p class="empty">"The site passed no attributes."</p> }.into_any()
            } else {
                view! { <Pairs pairs /> }.into_any()
            }}
        </section>
    }
}
