//! What the agent can do with a held ticket: close it with a resolution, flag the escalation as
//! a misfire (needless / too late), transfer it to another queue. A closed ticket can still be
//! flagged, and removed from the list.

use baton_core::protocol::Misfire;
use leptos::prelude::*;

use crate::ctx::Ctx;
use crate::socket::Socket;
use crate::state::Conn;

/// Sends a frame, or explains that the socket is down.
fn send_or_explain(
    socket: Socket,
    frame: &baton_core::protocol::AgentFrame,
    error: RwSignal<Option<String>>,
) -> bool {
    let sent = socket.send(frame);
    error.set(
        (!sent).then(|| "Not connected: try again once the workspace has reconnected.".to_owned()),
    );
    sent
}

/// The actions under the reply box.
#[component]
pub fn Actions(id: String) -> impl IntoView {
    let ws = expect_context::<Ctx>().ws;
    let closed = {
        let id = id.clone();
        Memo::new(move |_| ws.with(|w| w.held(&id).is_none_or(|h| h.closed)))
    };
    move || {
        if closed.get() {
            let id = id.clone();
            let flag_id = id.clone();
            view! {
                <div class="closed-note" data-testid="closed">
                    <p>"This ticket is closed. The visitor has been asked to rate the conversation."</p>
                    <button type="button" class="secondary" on:click=move |_| ws.update(|w| w.dismiss(&id))>
                        "Remove from your tickets"
                    </button>
                </div>
                // The agent who took a ticket may still judge its escalation once it is closed.
                <div class="actions">
                    <Flag id=flag_id />
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="actions">
                    <CloseForm id=id.clone() />
                    <Flag id=id.clone() />
                    <Transfer id=id.clone() />
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn CloseForm(id: String) -> impl IntoView {
    let Ctx { ws, socket, .. } = expect_context::<Ctx>();
    let resolution = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match ws.with_untracked(|w| w.close(&id, &resolution.get_untracked())) {
            Some(frame) => {
                send_or_explain(socket, &frame, error);
            }
            None => error.set(Some("Say how it was resolved before closing.".to_owned())),
        }
    };
    view! {
        <form class="close-form" data-testid="close-form" on:submit=submit>
            <h3>"Close"</h3>
            <label for="resolution">"Resolution"</label>
            <input
                id="resolution"
                data-testid="resolution"
                type="text"
                required=true
                maxlength="2000"
                aria-describedby="close-error"
                prop:value=move || resolution.get()
                on:input=move |ev| resolution.set(event_target_value(&ev))
            />
            <p id="close-error" class="form-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="danger" data-testid="close">"Close ticket"</button>
        </form>
    }
}

#[component]
fn Flag(id: String) -> impl IntoView {
    let Ctx { ws, socket, .. } = expect_context::<Ctx>();
    let error = RwSignal::new(None::<String>);
    let online = move || ws.with(|w| w.conn == Conn::Connected);
    let flagged = {
        let id = id.clone();
        Memo::new(move |_| ws.with(|w| w.held(&id).and_then(|h| h.flagged)))
    };
    let button = move |kind: Misfire, label: &'static str, testid: &'static str| {
        let id = id.clone();
        let pressed = move || (flagged.get() == Some(kind)).to_string();
        let flag = move |_| {
            if !online() {
                error.set(Some(
                    "Not connected: try again once the workspace has reconnected.".to_owned(),
                ));
            } else if let Some(frame) = ws.try_update(|w| w.flag(&id, kind)).flatten() {
                send_or_explain(socket, &frame, error);
            }
        };
        view! {
            <button type="button" class="secondary" aria-pressed=pressed data-testid=testid on:click=flag>
                {label}
            </button>
        }
    };
    view! {
        <fieldset class="flag">
            <legend>"Flag misfire"</legend>
            <p class="hint">"Tell the team the bot handed over at the wrong moment."</p>
            {button(Misfire::Needless, "Needless: the bot could have handled it", "flag-needless")}
            {button(Misfire::TooLate, "Too late: it should have come sooner", "flag-too-late")}
            <p class="form-error" role="alert">{move || error.get()}</p>
            <p class="done" role="status">
                {move || flagged.get().map(|k| match k {
                    Misfire::Needless => "Flagged as needless.",
                    Misfire::TooLate => "Flagged as too late.",
                })}
            </p>
        </fieldset>
    }
}

#[component]
fn Transfer(id: String) -> impl IntoView {
    let Ctx { ws, socket, .. } = expect_context::<Ctx>();
    let queue = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match ws.with_untracked(|w| w.transfer(&id, &queue.get_untracked())) {
            Ok(frame) => {
                if send_or_explain(socket, &frame, error) {
                    queue.set(String::new());
                }
            }
            Err(why) => error.set(Some(why.to_owned())),
        }
    };
    view! {
        <form class="transfer-form" data-testid="transfer-form" on:submit=submit>
            <h3>"Transfer"</h3>
            <label for="transfer-queue">"Queue to transfer to"</label>
            <input
                id="transfer-queue"
                data-testid="transfer-queue"
                type="text"
                required=true
                autocomplete="off"
                aria-describedby="transfer-hint transfer-error"
                prop:value=move || queue.get()
                on:input=move |ev| queue.set(event_target_value(&ev))
            />
            <p id="transfer-hint" class="hint">"Lower-case letters, digits, “-” and “_”, e.g. billing."</p>
            <p id="transfer-error" class="form-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="secondary" data-testid="transfer">"Transfer"</button>
        </form>
    }
}
