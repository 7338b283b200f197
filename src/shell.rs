//! The browser side of the widget: loads the site config, keeps the [`Chat`] in a signal,
//! and after every change carries out what it asks for, one [`Effect`] at a time — saving to
//! browser storage, the outcome beacon, notices to the host page, the socket, site API calls,
//! timers for the time-based triggers.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use baton_core::conversation::FetchRequest;
use gloo_net::http::Request;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::chat::{Chat, Effect, Saved};
use crate::widget::{Boot, Conn, Widget, now, random_id, warn};
use crate::{host, link, panel};

thread_local! {
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    static TYPING: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
}

/// Starts the widget: reads the page's query, mounts the panel, loads the config.
pub fn boot() {
    let query = Query::read();
    let boot = RwSignal::new(Boot::Loading);
    leptos::mount::mount_to_body(move || panel::Root(panel::RootProps { boot }));
    spawn_local(async move {
        match load_site(&query.site).await {
            Ok(site) => {
                let site = Arc::new(site);
                let host = checked_host(&site, &query);
                let saved = load_saved(&site.id, host.as_deref()).await;
                let widget = start(site, &query, host, saved);
                boot.set(Boot::Ready(widget));
            }
            Err(reason) => {
                warn(&format!("Baton chat unavailable: {reason}"));
                host::adopt(query.host.clone());
                host::post(&serde_json::json!({"type": "unavailable", "reason": reason}));
                boot.set(Boot::Unavailable);
            }
        }
    });
}

/// `?site=…&host=…&page=…` from the loader.
struct Query {
    site: String,
    host: Option<String>,
    page: Option<String>,
}

impl Query {
    fn read() -> Query {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let mut query = Query {
            site: String::new(),
            host: None,
            page: None,
        };
        for pair in search.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = js_sys::decode_uri_component(&value.replace('+', " "))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            match key {
                "site" => query.site = value,
                "host" => query.host = Some(value),
                "page" => query.page = Some(value),
                _ => {}
            }
        }
        query
    }
}

async fn load_site(site: &str) -> Result<baton_core::Site, String> {
    if site.is_empty() {
        return Err("the page has no `site` parameter (check data-site on the script tag)".into());
    }
    let url = format!("/api/sites/{}/config", encode(site));
    let text = fetch(&url, false, None).await?;
    baton_core::config::compile(&text).map_err(|e| format!("the site config is invalid: {e}"))
}

/// The host page's origin, if the widget may talk to it: only one of the site's origins (the
/// server's frame-ancestors policy says the same to the browser), or the server's own.
fn checked_host(site: &baton_core::Site, query: &Query) -> Option<String> {
    let own = web_sys::window().and_then(|w| w.location().origin().ok());
    let host = query
        .host
        .clone()
        .filter(|h| site.origins.iter().any(|o| o == h) || own.as_deref() == Some(h));
    if query.host.is_some() && host.is_none() {
        warn("Baton: this page's origin is not among the site's origins; the page API is off");
    }
    host
}

/// The widget for `site`: the chat restored from `saved`, the host page told and listened
/// to.
fn start(site: Arc<baton_core::Site>, query: &Query, host: Option<String>, saved: Saved) -> Widget {
    let widget = Widget {
        chat: RwSignal::new(Chat::restore(
            Arc::clone(&site),
            &random_id("v"),
            random_id("h"),
            saved,
            now(),
        )),
        conn: RwSignal::new(Conn::Idle),
        page: RwSignal::new(query.page.clone()),
        effects: carry_out,
    };
    let standalone = host.is_none();
    host::adopt(host);
    host::listen(widget);
    let appearance = &site.appearance;
    let side = match appearance.position {
        baton_core::config::raw::Position::BottomLeft => "left",
        baton_core::config::raw::Position::BottomRight => "right",
    };
    host::post(&serde_json::json!({"type": "theme", "accent": appearance.accent}));
    host::post(&serde_json::json!({"type": "position", "position": side}));
    host::post(&serde_json::json!({"type": "title", "title": appearance.title}));
    host::post(&serde_json::json!({"type": "ready"}));
    if standalone {
        widget.open_panel();
    }
    report_on_leaving(widget);
    widget.sync();
    widget
}

/// Sends the `open` outcome beacon whenever the page hides mid-conversation (closed, left,
/// or put in the background, where a phone may discard it), so a conversation the visitor
/// walks away from is counted as abandoned rather than lost.
fn report_on_leaving(widget: Widget) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_hide = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
        move |event: web_sys::Event| {
            let hidden = event.type_() == "pagehide"
                || web_sys::window()
                    .and_then(|w| w.document())
                    .is_none_or(|d| d.hidden());
            if hidden && let Some(body) = widget.chat.try_update_untracked(Chat::leaving).flatten()
            {
                beacon(&body);
            }
        },
    );
    let callback = on_hide.as_ref().unchecked_ref();
    let _ = window.add_event_listener_with_callback("pagehide", callback);
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback("visibilitychange", callback);
    }
    // The widget lives as long as the page.
    on_hide.forget();
}

/// Carries out what the chat asks for after a change, in the order it asks (see
/// `chat/effect.rs` for why the order is what it is).
fn carry_out(widget: Widget) {
    while let Some(effect) = widget.chat.try_update_untracked(Chat::poll).flatten() {
        match effect {
            Effect::Beacon(body) => beacon(&body),
            Effect::Save => widget
                .chat
                .with_untracked(|chat| save(chat.site(), chat.saved())),
            Effect::Notify(notice) => host::notice(notice),
            Effect::Send(frame) => {
                link::send(&frame);
            }
            Effect::Connect => link::ensure(widget),
            Effect::Fetch(request) => spawn_local(async move {
                let id = request.id;
                let outcome = call_site_api(&request).await;
                widget.act(|chat, now| chat.fetched(id, outcome, now));
            }),
            Effect::WakeAt(at) => {
                let handle = at.and_then(|at| {
                    set_timeout_with_handle(
                        move || widget.act(Chat::tick),
                        Duration::from_millis(at.saturating_sub(now())),
                    )
                    .ok()
                });
                replace_timer(&TIMER, handle);
            }
            Effect::AgentTyping => {
                let handle = set_timeout_with_handle(
                    move || widget.chat.update(Chat::stop_typing),
                    Duration::from_secs(5),
                )
                .ok();
                replace_timer(&TYPING, handle);
            }
        }
    }
}

/// Sets `timer` to `handle`, clearing the one it held.
fn replace_timer(
    timer: &'static std::thread::LocalKey<RefCell<Option<TimeoutHandle>>>,
    handle: Option<TimeoutHandle>,
) {
    timer.with(|t| {
        if let Some(old) = t.replace(handle) {
            old.clear();
        }
    });
}

/// Sends an outcome report to `/api/outcome` as a beacon (it survives the page going away).
fn beacon(body: &str) {
    let sent = web_sys::window().and_then(|w| {
        w.navigator()
            .send_beacon_with_opt_str("/api/outcome", Some(body))
            .ok()
    });
    if sent != Some(true) {
        warn("Baton: the browser refused the outcome report");
    }
}

/// Where the conversation is kept. Embedded, the host page keeps it in its own (first-party)
/// storage: a third-party iframe's storage may be blocked (Safari, incognito windows). The
/// loader hands it over when asked (`load` → `state`, by `postMessage` to and from the
/// checked `host` origin only: never in a URL, where the resume token would sit in the
/// browser's history) and stores what the widget posts back. A loader from before this
/// put it in the URL fragment: that is still read. Standalone, the widget's own storage.
async fn load_saved(site: &str, host: Option<&str>) -> Saved {
    let text = match host {
        Some(origin) => match fragment() {
            Some(text) => Some(text),
            None => host::saved_state(origin).await,
        },
        None => storage().and_then(|s| s.get_item(&storage_key(site)).ok().flatten()),
    };
    match text.filter(|t| !t.is_empty()) {
        None => Saved::default(),
        Some(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
            warn(&format!(
                "Baton: the saved conversation could not be read ({e}); starting afresh"
            ));
            Saved::default()
        }),
    }
}

/// Writes `saved`, stamped with the time of writing (the chat stamps its own changes; a
/// frame from the server counts too): a record idle past the site's `remember_hours` is not
/// read back.
/// The state an older loader put in the URL fragment, if any.
fn fragment() -> Option<String> {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|hash| hash.trim_start_matches('#').to_owned())
        .filter(|hash| !hash.is_empty())
        .and_then(|hash| js_sys::decode_uri_component(&hash).ok())
        .and_then(|text| text.as_string())
}

fn save(site: &baton_core::Site, saved: &Saved) {
    let stamped = Saved {
        saved_at: now(),
        ..saved.clone()
    };
    let Ok(text) = serde_json::to_string(&stamped) else {
        return;
    };
    if host::attached() {
        host::post(&serde_json::json!({"type": "save", "state": text}));
    } else if storage()
        .and_then(|s| s.set_item(&storage_key(&site.id), &text).ok())
        .is_none()
    {
        warn("Baton: browser storage is full or blocked; a reload will lose this conversation");
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn storage_key(site: &str) -> String {
    format!("baton:{site}")
}

async fn call_site_api(request: &FetchRequest) -> Result<serde_json::Value, String> {
    let body = request
        .body
        .as_ref()
        .map(|b| serde_json::to_string(b).unwrap_or_default());
    let post = request.method == baton_core::config::raw::Method::Post;
    let text = fetch(&request.url, post, body).await?;
    serde_json::from_str(&text).map_err(|e| format!("the answer is not JSON: {e}"))
}

/// The text of a successful answer to a GET (or a POST) of `url`, with `body` as JSON.
async fn fetch(url: &str, post: bool, body: Option<String>) -> Result<String, String> {
    let builder = if post {
        Request::post(url)
    } else {
        Request::get(url)
    };
    let request = match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(body),
        None => builder.build(),
    }
    .map_err(|_| format!("`{url}` is not a valid request"))?;
    let response = request
        .send()
        .await
        .map_err(|_| format!("could not reach {url}"))?;
    if !response.ok() {
        return Err(format!("{url} answered {}", response.status()));
    }
    response
        .text()
        .await
        .map_err(|_| "unreadable response".to_owned())
}

fn encode(component: &str) -> String {
    js_sys::encode_uri_component(component).into()
}
