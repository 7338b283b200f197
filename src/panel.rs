//! The chat panel: header, the conversation as a `role=log` live region, the bot's buttons,
//! what the handover needs (queue, offline email, rating) and the message box. Every
//! message is rendered as text.

use baton_core::transcript::Author;
use leptos::html::Ol;
use leptos::prelude::*;

use crate::chat::{Chat, Shown, Stage};
use crate::host;
use crate::widget::{Boot, Conn, Widget, now, random_id};

/// The page: loading, unavailable, or the panel.
#[component]
pub fn Root(boot: RwSignal<Boot>) -> impl IntoView {
    move || match boot.get() {
        Boot::Loading => view! { <p class="note" role="status">"Loading the chat…"</p> }.into_any(),
        Boot::Unavailable => view! {
            <div class="note unavailable" role="status">
                <p><strong>"Chat is unavailable right now."</strong></p>
                <p>"Please try again later."</p>
            </div>
        }
        .into_any(),
        Boot::Ready(widget) => view! { <Panel widget /> }.into_any(),
    }
}

#[component]
fn Panel(widget: Widget) -> impl IntoView {
    let (title, accent, avatar) = widget.chat.with_untracked(|c| {
        let a = &c.site().appearance;
        (a.title.clone(), a.accent.clone(), a.avatar.clone())
    });
    let chat = widget.chat;
    let log = NodeRef::<Ol>::new();
    Effect::new(move |_| {
        chat.with(|c| c.shown().len());
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    let stage = move || chat.with(|c| c.handover().map(|h| h.stage.clone()));
    let label = title.clone();
    view! {
        <main class="panel" style=format!("--accent: {accent}") aria-label=label>
            <header class="bar">
                {avatar.map(|src| view! { <img class="avatar" src=src alt="" /> })}
                <div class="heading">
                    <h1>{title}</h1>
                    <p class="who">{move || subtitle(stage())}</p>
                </div>
                <button type="button" class="close" aria-label="Close chat" on:click=move |_| host::close()>
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" fill="none" stroke-linecap="round" />
                    </svg>
                </button>
            </header>
            <p class="conn" role="status">{move || connection(widget.conn.get())}</p>
            <ol class="log" role="log" aria-live="polite" aria-label="Conversation" node_ref=log>
                <For each=move || chat.with(Chat::shown) key=|s| format!("{}{}", s.key, s.pending) let(line)>
                    <Message line />
                </For>
            </ol>
            <Show when=move || chat.with(Chat::agent_typing)>
                <p class="typing" aria-live="polite">"Typing…"</p>
            </Show>
            <Choices widget />
            <StageBox widget />
            <Composer widget />
        </main>
    }
}

#[component]
fn Message(line: Shown) -> impl IntoView {
    let (class, who) = match line.from {
        Author::Visitor => ("msg visitor", "You"),
        Author::Bot => ("msg bot", "Assistant"),
        Author::Agent => ("msg agent", "Agent"),
        Author::System => ("msg system", "Note"),
    };
    view! {
        <li class=class data-from=who.to_lowercase()>
            <span class="sr-only">{who}": "</span>
            <span class="text">{line.text}</span>
            {line.pending.then(|| view! { <span class="pending">" · sending…"</span> })}
        </li>
    }
}

#[component]
fn Choices(widget: Widget) -> impl IntoView {
    let choices = move || {
        widget
            .chat
            .with(|c| c.choices().iter().cloned().enumerate().collect::<Vec<_>>())
    };
    view! {
        <Show when=move || !choices().is_empty()>
            <div class="choices" role="group" aria-label="Suggested answers">
                <For each=choices key=|(i, label)| format!("{i}{label}") let((index, label))>
                    <button type="button" class="choice" on:click=move |_| {
                        widget.act(|chat, now| chat.choose(index, now))
                    }>{label}</button>
                </For>
            </div>
        </Show>
    }
}

#[component]
fn StageBox(widget: Widget) -> impl IntoView {
    let chat = widget.chat;
    move || {
        let (stage, rated, email_left) = chat.with(|c| match c.handover() {
            Some(h) => (Some(h.stage.clone()), h.rated, h.email_left),
            None => (None, false, false),
        });
        let (bot_asks, bot_rated) = chat.with(|c| (c.wants_bot_rating(), c.bot_rated()));
        match stage {
            None if bot_asks => view! { <Rating widget /> }.into_any(),
            None if bot_rated => {
                view! { <p class="stage" role="status">"Thank you for your rating."</p> }.into_any()
            }
            Some(Stage::Offline) if !email_left => view! { <EmailForm widget /> }.into_any(),
            Some(Stage::Closed) if !rated => view! { <Rating widget /> }.into_any(),
            Some(Stage::Queued { position }) => view! {
                <p class="stage" role="status">
                    {format!("You are number {position} in the queue. A person will be with you shortly.")}
                </p>
            }
            .into_any(),
            Some(Stage::Handing) => {
                view! { <p class="stage" role="status">"Connecting you with a person…"</p> }.into_any()
            }
            _ => ().into_any(),
        }
    }
}

#[component]
fn EmailForm(widget: Widget) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked();
        let mut ok = false;
        widget.act(|chat, _| ok = chat.leave_email(&address));
        problem.set((!ok).then_some("That does not look like an email address."));
    };
    view! {
        <form class="stage offline" on:submit=submit>
            <p>"Nobody from the team is available right now. Leave your email address and we will reply."</p>
            <label for="baton-email">"Email address"</label>
            <div class="row">
                <input id="baton-email" type="email" autocomplete="email" required
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev)) />
                <button type="submit">"Send"</button>
            </div>
            <p class="problem" role="alert">{move || problem.get()}</p>
        </form>
    }
}

#[component]
fn Rating(widget: Widget) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let rate = move |score: u8| {
        let words = Some(comment.get_untracked());
        widget.act(|chat, _| {
            chat.rate(score, words, random_id("c"));
        });
    };
    view! {
        <fieldset class="stage rating">
            <legend>"How was your chat?"</legend>
            <label for="baton-comment">"Anything to add? (optional)"</label>
            <input id="baton-comment" type="text"
                prop:value=move || comment.get()
                on:input=move |ev| comment.set(event_target_value(&ev)) />
            <div class="row" role="group" aria-label="Rating from 1 (bad) to 5 (great)">
                {(1..=5u8)
                    .map(|score| view! {
                        <button type="button" class="score" aria-label=format!("{score} out of 5")
                            on:click=move |_| rate(score)>{score.to_string()}</button>
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
fn Composer(widget: Widget) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        widget.act(|chat, now| chat.say(&text, random_id("m"), now));
        draft.set(String::new());
    };
    let input = move |ev: leptos::ev::Event| {
        draft.set(event_target_value(&ev));
        // Nothing on screen changes: no redraw.
        widget.chat.update_untracked(|chat| chat.typing(now()));
        widget.sync();
    };
    view! {
        <form class="composer" on:submit=submit>
            <label for="baton-input" class="sr-only">"Message"</label>
            <input id="baton-input" type="text" autocomplete="off" placeholder="Type a message"
                maxlength="4000"
                prop:value=move || draft.get() on:input=input />
            <button type="submit" aria-label="Send">
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" />
                </svg>
            </button>
        </form>
    }
}

fn subtitle(stage: Option<Stage>) -> String {
    match stage {
        Some(Stage::Live { agent }) => format!("Chatting with {agent}"),
        Some(Stage::Queued { .. } | Stage::Handing) => "Waiting for a person".into(),
        Some(Stage::Offline) => "Nobody is available right now".into(),
        Some(Stage::Closed | Stage::Lost) => "Chat ended".into(),
        None => "Assistant".into(),
    }
}

fn connection(conn: Conn) -> &'static str {
    match conn {
        Conn::Idle | Conn::Open => "",
        Conn::Connecting => "Connecting…",
        Conn::Retrying => "Connection lost. Reconnecting…",
    }
}
