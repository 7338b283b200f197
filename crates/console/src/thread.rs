//! The conversation: every stored message by seq, then the replies still on their way
//! ("sending…"), and the reply box (Enter sends, Shift+Enter starts a new line).

use baton_core::Millis;
use baton_core::protocol::AgentFrame;
use baton_core::transcript::Author;
use leptos::html::Div;
use leptos::prelude::*;
use web_sys::KeyboardEvent;

use crate::api;
use crate::ctx::Ctx;
use crate::explain::message_number;
use crate::format::{author_label, sentiment_label};
use crate::state::{MAX_TEXT_BYTES, TYPING_EVERY_MS, TYPING_MS};

/// One row of the thread.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    /// `s<seq>` once stored, `p<id>` while pending.
    key: String,
    seq: Option<u64>,
    from: Author,
    text: String,
    at: Option<Millis>,
    sentiment: Option<f32>,
    /// A bot line the server could not reproduce: the widget's claim.
    unconfirmed: bool,
}

/// "14:03" in the agent's time zone, and the ISO time for `<time datetime>`.
fn clock(at: Millis) -> (String, String) {
    // Precision loss impossible below 2^53 ms.
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    let iso = date.to_iso_string().as_string().unwrap_or_default();
    (
        format!("{:02}:{:02}", date.get_hours(), date.get_minutes()),
        iso,
    )
}

/// The thread as a polite live log.
#[component]
pub fn Thread(id: String) -> impl IntoView {
    let Ctx { ws, now, .. } = expect_context::<Ctx>();
    let lines = {
        let id = id.clone();
        Memo::new(move |_| {
            ws.with(|w| {
                let Some(held) = w.held(&id) else {
                    return Vec::new();
                };
                let stored = held.view.messages.iter().map(|m| Line {
                    key: format!("s{}", m.seq),
                    seq: Some(m.seq),
                    from: m.from,
                    text: m.text.clone(),
                    at: Some(m.at),
                    sentiment: m.sentiment,
                    unconfirmed: m.unconfirmed,
                });
                let pending = held.pending.iter().map(|p| Line {
                    key: format!("p{}", p.id),
                    seq: None,
                    from: Author::Agent,
                    text: p.text.clone(),
                    at: None,
                    sentiment: None,
                    unconfirmed: false,
                });
                stored.chain(pending).collect::<Vec<_>>()
            })
        })
    };
    let typing = move || {
        let at = ws.with(|w| w.held(&id).and_then(|h| h.typing_at));
        at.is_some_and(|at| now.get().saturating_sub(at) < TYPING_MS)
    };
    let log = NodeRef::<Div>::new();
    Effect::new(move |_| {
        lines.with(|_| ());
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    view! {
        <h3 class="visually-hidden" id="thread-h">"Messages"</h3>
        <div class="thread" role="log" aria-live="polite" aria-labelledby="thread-h" data-testid="thread" node_ref=log>
            <ol>
                <For each=move || lines.get() key=|line| line.key.clone() let(line)>
                    <Message line />
                </For>
            </ol>
        </div>
        <p class="typing" aria-live="polite">{move || typing().then_some("The visitor is typing…")}</p>
    }
}

#[component]
fn Message(line: Line) -> impl IntoView {
    let class = format!("message from-{}", line.from.as_str());
    let time = line.at.map(clock);
    view! {
        <li
            class=class
            data-testid="message"
            data-from=line.from.as_str()
            data-seq=line.seq.map(|s| s.to_string())
            data-pending=line.seq.is_none().then_some("true")
            id=line.seq.map(|s| format!("msg-{}", message_number(s)))
        >
            <div class="meta">
                <span class="author">{author_label(line.from)}</span>
                {line.seq.map(|s| view! { <span class="seq">{format!("#{}", message_number(s))}</span> })}
                {time.map(|(short, iso)| view! { <time datetime=iso>{short}</time> })}
                {line.sentiment.map(|s| view! {
                    <span class="badge sentiment" class:negative=s < 0.0 data-testid="sentiment">{sentiment_label(s)}</span>
                })}
                {line.unconfirmed.then(|| view! {
                    <span class="badge unconfirmed" data-testid="unconfirmed"
                        title="The server's replay of the visitor's messages did not produce this line: it is what the widget reports, for example an answer from the site's API, and cannot be checked">
                        "not confirmed"
                    </span>
                })}
                {line.seq.is_none().then(|| view! { <span class="sending">"sending…"</span> })}
            </div>
            <p class="text">{line.text}</p>
        </li>
    }
}

/// The reply box.
#[component]
pub fn Reply(id: String, draft: RwSignal<String>) -> impl IntoView {
    let Ctx { ws, socket, .. } = expect_context::<Ctx>();
    let closed = {
        let id = id.clone();
        Memo::new(move |_| ws.with(|w| w.held(&id).is_none_or(|h| h.closed)))
    };
    // Tell the visitor the agent is typing, at most every few seconds.
    let last_typing = StoredValue::new(0);
    let on_input = {
        let ticket = id.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            let now = api::now();
            if !text.trim().is_empty()
                && now.saturating_sub(last_typing.get_value()) >= TYPING_EVERY_MS
            {
                last_typing.set_value(now);
                socket.send(&AgentFrame::Typing {
                    ticket: ticket.clone(),
                });
            }
            draft.set(text);
        }
    };
    let error = RwSignal::new(None::<&'static str>);
    let send = move || {
        let text = draft.get_untracked();
        if text.len() > MAX_TEXT_BYTES {
            error.set(Some(
                "This reply is longer than 16 KB: shorten it or split it.",
            ));
            return;
        }
        error.set(None);
        if let Some(frame) = ws
            .try_update(|w| w.send(&id, api::new_id(), &text))
            .flatten()
        {
            // Offline, it stays "sending…" and goes out again after the reconnect.
            socket.send(&frame);
            draft.set(String::new());
        }
    };
    let on_key = {
        let send = send.clone();
        move |ev: KeyboardEvent| {
            if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                ev.prevent_default();
                send();
            }
        }
    };
    view! {
        <form class="reply" data-testid="reply-form" on:submit=move |ev| {
            ev.prevent_default();
            send();
        }>
            <label for="reply">"Reply to the visitor"</label>
            <textarea
                id="reply"
                data-testid="reply"
                rows="3"
                aria-describedby="reply-hint reply-error"
                disabled=move || closed.get()
                prop:value=move || draft.get()
                on:input=on_input
                on:keydown=on_key
            ></textarea>
            <p id="reply-error" class="form-error" role="alert">{move || error.get()}</p>
            <div class="reply-bar">
                <p id="reply-hint" class="hint">"Enter sends · Shift+Enter starts a new line"</p>
                <button type="submit" class="primary" data-testid="send" disabled=move || closed.get()>
                    "Send"
                </button>
            </div>
        </form>
    }
}
