//! The ticket on screen: a header, the conversation (thread, reply box, actions) and beside
//! it the context — why it escalated, the bot's summary, the profile and the agent aids.

use baton_core::protocol::TicketView;
use leptos::prelude::*;

use crate::actions::Actions;
use crate::aids::Aids;
use crate::api;
use crate::badge::{PriorityBadge, Trust};
use crate::ctx::Ctx;
use crate::format::{short_id, waited};
use crate::thread::{Reply, Thread};
use crate::why::{Profile, Summary, Why};

/// The active ticket, or a hint when there is none.
#[component]
pub fn TicketPane() -> impl IntoView {
    let ws = expect_context::<Ctx>().ws;
    let active = Memo::new(move |_| ws.with(|w| w.active.clone()));
    move || {
        match active.get() {
        Some(id) => view! { <Ticket id /> }.into_any(),
        None => view! {
            <div class="placeholder" data-testid="no-ticket">
                <h2>"No ticket open"</h2>
                <p>"Claim a ticket from the queue to see the conversation and why it came to a person."</p>
            </div>
        }
        .into_any(),
    }
    }
}

#[component]
fn Ticket(id: String) -> impl IntoView {
    let Ctx {
        ws,
        drafts,
        focus_ticket,
        ..
    } = expect_context::<Ctx>();
    // Opened by Claim: the button that had the focus is gone, so the ticket takes it.
    if focus_ticket.get_value() {
        focus_ticket.set_value(false);
        request_animation_frame(|| api::focus("ticket-h"));
    }
    // Everything but the thread, which changes with every message and renders on its own.
    let view = {
        let id = id.clone();
        Memo::new(move |_| {
            ws.with(|w| {
                w.held(&id).map(|h| {
                    let mut view = h.view.clone();
                    view.messages.clear();
                    view
                })
            })
        })
    };
    let draft = RwSignal::new(drafts.with_untracked(|d| d.get(&id).cloned().unwrap_or_default()));
    {
        let id = id.clone();
        on_cleanup(move || {
            let text = draft.try_get_untracked().unwrap_or_default();
            drafts.update(|d| {
                if text.is_empty() {
                    d.remove(&id);
                } else {
                    d.insert(id, text);
                }
            });
        });
    }
    view! {
        <article class="ticket" aria-labelledby="ticket-h" data-testid="ticket" data-ticket=id.clone()>
            {move || view.get().map(|v| view! { <Head view=v /> })}
            <div class="ticket-grid">
                <section class="conversation" aria-label="Conversation">
                    <Thread id=id.clone() />
                    <Reply id=id.clone() draft />
                    <Actions id=id.clone() />
                </section>
                <div class="context">
                    {move || {
                        view.get()
                            .map(|v| {
                                view! {
                                    <Why view=v.clone() />
                                    <Summary view=v.clone() />
                                    <Profile view=v.clone() />
                                    <Aids view=v draft />
                                }
                            })
                    }}
                </div>
            </div>
        </article>
    }
}

#[component]
fn Head(view: TicketView) -> impl IntoView {
    let now = expect_context::<Ctx>().now;
    let name = view.handoff.profile.display_name().map(str::to_owned);
    let created = view.created_at;
    let page = view.handoff.page.clone();
    view! {
        <header class="ticket-head">
            <h2 id="ticket-h" tabindex="-1">
                {name.unwrap_or_else(|| "Anonymous visitor".to_owned())}
                " "
                <Trust verified=view.verified />
            </h2>
            <dl class="facts">
                <div>
                    <dt>"Queue"</dt>
                    <dd data-testid="ticket-queue">{view.queue.clone()}</dd>
                </div>
                <div>
                    <dt>"Priority"</dt>
                    <dd><PriorityBadge priority=view.priority /></dd>
                </div>
                <div>
                    <dt>"Waited"</dt>
                    <dd>{move || waited(now.get(), created)}</dd>
                </div>
                <div>
                    <dt>"Ticket"</dt>
                    <dd><code title=view.ticket.clone()>{short_id(&view.ticket)}</code></dd>
                </div>
                {page.map(|page| view! {
                    <div>
                        <dt>"Page"</dt>
                        <dd class="wrap">{page}</dd>
                    </div>
                })}
            </dl>
        </header>
    }
}
