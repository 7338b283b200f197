//! The side column: the tickets this agent holds, and the live queue of waiting tickets (most
//! urgent first, as the server orders them) with a Claim button each. A long queue is listed
//! by its head (the server sends the most urgent and a count of all).

use baton_core::protocol::QueueItem;
use leptos::prelude::*;

use crate::badge::{PriorityBadge, Trust};
use crate::ctx::Ctx;
use crate::format::{short_id, waited};
use crate::state::Conn;

/// The tickets this agent holds; picking one puts it on screen.
#[component]
pub fn HeldList() -> impl IntoView {
    let ws = expect_context::<Ctx>().ws;
    let rows = move || {
        ws.with(|w| {
            w.held
                .iter()
                .map(|h| {
                    let who = h.view.handoff.profile.display_name();
                    let label = who.map_or_else(|| short_id(&h.view.ticket), str::to_owned);
                    (h.view.ticket.clone(), label, h.view.queue.clone(), h.closed)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="held" aria-labelledby="held-h">
            <h2 id="held-h">"Your tickets"</h2>
            <Show when=move || ws.with(|w| w.held.is_empty())>
                <p class="empty">"None yet: claim one from the queue."</p>
            </Show>
            <ul>
                <For each=rows key=|row| row.clone() let((ticket, label, queue, closed))>
                    {
                        let id = ticket.clone();
                        let current = move || ws.with(|w| w.active.as_deref() == Some(id.as_str()));
                        let pick = ticket.clone();
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="held-ticket"
                                    data-testid="held-ticket"
                                    data-ticket=ticket
                                    aria-current=move || current().then_some("true")
                                    on:click=move |_| ws.update(|w| w.active = Some(pick.clone()))
                                >
                                    <span class="name">{label}</span>
                                    <span class="meta">{queue}{closed.then_some(" · closed")}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}

/// The waiting tickets.
#[component]
pub fn Queue() -> impl IntoView {
    let ws = expect_context::<Ctx>().ws;
    let items = move || ws.with(|w| w.queue.clone());
    let count = move || ws.with(|w| w.waiting());
    let shown = move || ws.with(|w| w.queue.len() as u64);
    view! {
        <section class="queue" aria-labelledby="queue-h">
            <h2 id="queue-h">"Queue " <span class="count" data-testid="queue-count">{move || format!("({} waiting)", count())}</span></h2>
            <Show when=move || count() == 0>
                <p class="empty" data-testid="queue-empty">"Nobody is waiting."</p>
            </Show>
            <Show when=move || shown() < count()>
                <p class="more" data-testid="queue-more">
                    {move || format!("The {} most urgent are listed; the next ones appear as these are claimed.", shown())}
                </p>
            </Show>
            <ol class="queue-list">
                <For each=items key=|item| format!("{item:?}") let(item)>
                    <QueueRow item />
                </For>
            </ol>
        </section>
    }
}

#[component]
fn QueueRow(item: QueueItem) -> impl IntoView {
    let Ctx {
        ws,
        now,
        focus_ticket,
        socket,
        ..
    } = expect_context::<Ctx>();
    let ticket = item.ticket.clone();
    let created = item.created_at;
    let claiming = {
        let ticket = ticket.clone();
        Memo::new(move |_| ws.with(|w| w.is_claiming(&ticket)))
    };
    let online = move || ws.with(|w| w.conn == Conn::Connected);
    let claim = {
        let ticket = ticket.clone();
        move |_| {
            if let Some(frame) = ws.try_update(|w| w.claim(&ticket)) {
                focus_ticket.set_value(true);
                socket.send(&frame);
            }
        }
    };
    let who = item.name.clone().unwrap_or_else(|| "Visitor".to_owned());
    let button_ticket = ticket.clone();
    let claim_label = format!("Claim ticket from {who} in {}", item.queue);
    view! {
        <li class="queue-item" data-testid="queue-item" data-ticket=ticket.clone() data-offline=item.offline.to_string()>
            <div class="row">
                <PriorityBadge priority=item.priority />
                <span class="queue-name">{item.queue.clone()}</span>
                {item.offline.then(|| view! { <span class="badge offline">"arrived offline"</span> })}
            </div>
            <p class="who">
                {match item.name.clone() {
                    Some(name) => view! { <span class="name">{name}</span> " " <Trust verified=item.verified /> }.into_any(),
                    None => view! { <span class="name anonymous">"Anonymous visitor"</span> }.into_any(),
                }}
            </p>
            <p class="reason">{item.reason.clone()}</p>
            <p class="waited">"Waiting " {move || waited(now.get(), created)}</p>
            <button
                type="button"
                class="primary"
                data-testid="claim"
                data-ticket=button_ticket
                aria-label=claim_label
                disabled=move || claiming.get() || !online()
                on:click=claim
            >
                {move || if claiming.get() { "Claiming…" } else { "Claim" }}
            </button>
        </li>
    }
}
