//! The host page, through `postMessage` with the loader (`static/baton.js`). Messages are
//! objects `{baton: 1, type, …}`. The widget accepts them only from the host origin it was
//! given, after checking that origin against the site's origins, and posts only to that exact
//! origin. The protocol is documented in docs/embedding.md.

use std::cell::RefCell;
use std::collections::BTreeMap;

use leptos::prelude::Set;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use web_sys::{KeyboardEvent, MessageEvent};

use crate::chat::Notice;
use crate::widget::{Widget, warn};

thread_local! {
    static HOST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Sets the host origin (already checked) the widget talks to; `None` for no host page.
pub fn adopt(origin: Option<String>) {
    HOST.with(|h| *h.borrow_mut() = origin);
}

/// Whether the widget talks to a host page.
pub fn attached() -> bool {
    HOST.with(|h| h.borrow().is_some())
}

/// Posts `{baton: 1, …message}` to the host page, if there is one.
pub fn post(message: &serde_json::Value) {
    let Some(origin) = HOST.with(|h| h.borrow().clone()) else {
        return;
    };
    let mut message = message.clone();
    if let Some(object) = message.as_object_mut() {
        object.insert("baton".into(), 1.into());
    }
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let Ok(text) = serde_json::to_string(&message) else {
        return;
    };
    if let Ok(value) = js_sys::JSON::parse(&text) {
        let _ = parent.post_message(&value, &origin);
    }
}

/// The conversation the host page keeps for the widget: asks the loader (`load`) and waits
/// for its `state` answer from the parent window at `origin`, at most [`STATE_WITHIN_MS`]
/// (then `None`: a fresh conversation). Called before [`adopt`]: it posts to `origin`
/// itself.
pub async fn saved_state(origin: &str) -> Option<String> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    let wanted = origin.to_owned();
    let promise = js_sys::Promise::new(&mut |resolve: js_sys::Function, _reject| {
        let answer = resolve.clone();
        let parent_window = parent.clone();
        let wanted = wanted.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let from_parent = e
                .source()
                .is_some_and(|s| JsValue::from(s) == JsValue::from(parent_window.clone()));
            let data = e.data();
            let field = |name: &str| js_sys::Reflect::get(&data, &JsValue::from_str(name)).ok();
            if from_parent
                && e.origin() == wanted
                && field("baton").and_then(|v| v.as_f64()) == Some(1.0)
                && field("type").and_then(|v| v.as_string()).as_deref() == Some("state")
            {
                let state = field("state")
                    .filter(|s| s.is_string())
                    .unwrap_or(JsValue::NULL);
                let _ = answer.call1(&JsValue::NULL, &state);
            }
        });
        let _ = window.add_event_listener_with_callback(
            "message",
            wasm_bindgen::JsCast::unchecked_ref(on_message.as_ref()),
        );
        // Once answered it ignores what follows; one small closure for the page's life.
        on_message.forget();
        let on_timeout = Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        });
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            wasm_bindgen::JsCast::unchecked_ref(on_timeout.as_ref()),
            STATE_WITHIN_MS,
        );
        on_timeout.forget();
    });
    let ask = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&ask, &"baton".into(), &1.into());
    let _ = js_sys::Reflect::set(&ask, &"type".into(), &"load".into());
    let _ = parent.post_message(&ask, origin);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .as_string()
}

/// How long the widget waits for the loader's `state` before starting afresh (a loader that
/// does not answer is older than this protocol and gave the state in the URL instead).
const STATE_WITHIN_MS: i32 = 3_000;

/// The visitor closed the panel (the conversation goes on); the loader hides it.
pub fn close() {
    post(&serde_json::json!({"type": "close"}));
}

/// Tells the host page's `Baton.on` handlers.
pub fn notice(notice: Notice) {
    let (name, detail) = match notice {
        Notice::Escalate(reason) => ("escalate", serde_json::json!({ "reason": reason })),
        Notice::Message { from, text } => (
            "message",
            serde_json::json!({ "from": from.as_str(), "text": text }),
        ),
    };
    post(&serde_json::json!({"type": "event", "name": name, "detail": detail}));
}

/// Listens for the loader's messages and for Escape.
pub fn listen(widget: Widget) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let expected = HOST.with(|h| h.borrow().clone());
        let from_parent = match (
            e.source(),
            web_sys::window().and_then(|w| w.parent().ok().flatten()),
        ) {
            (Some(source), Some(parent)) => JsValue::from(source) == JsValue::from(parent),
            _ => false,
        };
        if !from_parent || expected.as_deref() != Some(e.origin().as_str()) {
            return;
        }
        handle(widget, &e.data());
    });
    let on_key = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
        if e.key() == "Escape" && HOST.with(|h| h.borrow().is_some()) {
            close();
        }
    });
    let _ = window.add_event_listener_with_callback(
        "message",
        wasm_bindgen::JsCast::unchecked_ref(on_message.as_ref()),
    );
    let _ = window.add_event_listener_with_callback(
        "keydown",
        wasm_bindgen::JsCast::unchecked_ref(on_key.as_ref()),
    );
    // Both live as long as the page.
    on_message.forget();
    on_key.forget();
}

fn handle(widget: Widget, data: &JsValue) {
    let field = |name: &str| js_sys::Reflect::get(data, &JsValue::from_str(name)).ok();
    if field("baton").and_then(|v| v.as_f64()) != Some(1.0) {
        return;
    }
    match field("type").and_then(|v| v.as_string()).as_deref() {
        Some("open") => widget.open_panel(),
        Some("identify") => {
            let attributes = field("profile")
                .and_then(|p| js_sys::JSON::stringify(&p).ok())
                .and_then(|s| s.as_string())
                .and_then(|s| serde_json::from_str::<BTreeMap<String, serde_json::Value>>(&s).ok());
            let token = field("token").and_then(|t| t.as_string());
            match attributes {
                Some(attributes) => {
                    widget.act(|chat, now| chat.identify(attributes, token, now));
                }
                None => warn("Baton.identify: the profile must be a plain object"),
            }
        }
        Some("track") => {
            if let Some(page) = field("page").and_then(|p| p.as_string()) {
                widget.page.set(Some(page.clone()));
                widget.act(|chat, now| chat.page(page, now));
            }
        }
        _ => {}
    }
}
