//! The browser around the app: `POST /api/login`, `GET /api/insights`, sessionStorage, the socket's address, the
//! clock and client message ids.

use std::cell::Cell;

use baton_core::Millis;
use gloo_net::http::Request;
use wasm_bindgen::JsCast;

use crate::format::client_id;

/// sessionStorage keys.
pub const TOKEN_KEY: &str = "baton.console.token";
/// The agent's name, shown before the socket welcomes.
pub const NAME_KEY: &str = "baton.console.name";
/// The key for the open tickets an agent holds, re-claimed after a reload or the next login in
/// this tab (the server does not list them).
pub fn held_key(agent: &str) -> String {
    format!("baton.console.held.{agent}")
}

/// A logged-in agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Bearer token for `/ws/agent`.
    pub token: String,
    /// Agent name.
    pub name: String,
}

/// Moves the keyboard focus to the element with `id`, if it is there.
pub fn focus(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Milliseconds since the Unix epoch.
pub fn now() -> Millis {
    // Truncation intended: Date.now() is a whole, positive number of milliseconds.
    js_sys::Date::now().max(0.0) as Millis
}

thread_local! {
    static COUNTER: Cell<u64> = const { Cell::new(0) };
}

/// A fresh client message id.
pub fn new_id() -> String {
    let n = COUNTER.with(|c| {
        c.set(c.get().wrapping_add(1));
        c.get()
    });
    client_id(now(), js_sys::Math::random(), n)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reads a sessionStorage value.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Writes (`Some`) or removes (`None`) a sessionStorage value; storage may be unavailable.
pub fn store(key: &str, value: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// The session kept in this tab, if any.
pub fn saved_session() -> Option<Session> {
    let token = load(TOKEN_KEY).filter(|t| !t.is_empty())?;
    let name = load(NAME_KEY).unwrap_or_default();
    Some(Session { token, name })
}

/// Keeps (or, with `None`, forgets) the session. The tickets held stay, per agent.
pub fn save_session(session: Option<&Session>) {
    store(TOKEN_KEY, session.map(|s| s.token.as_str()));
    store(NAME_KEY, session.map(|s| s.name.as_str()));
}

/// `ws://host/ws/agent` or `wss://…`, on the page's own origin.
pub fn socket_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws/agent", location.host().ok()?))
}

/// `GET path?query` with the session token; the body, or a sentence saying what went wrong.
pub async fn get_text(path: &str, query: &[(&str, &str)], token: &str) -> Result<String, String> {
    let request = Request::get(path)
        .query(query.iter().copied())
        .header("Authorization", &format!("Bearer {token}"))
        .build();
    let (status, text) = fetch(request).await?;
    match status {
        200 => Ok(text),
        401 => Err("Your session has ended. Log out and in again to see insights.".to_owned()),
        status => {
            let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            Err(match json.get("error").and_then(|e| e.as_str()) {
                Some(e) => format!("The server could not make the review: {e}"),
                None => format!("The server could not make the review (HTTP {status})."),
            })
        }
    }
}

/// Sends `request`: the status and the body text, or a sentence for the page when the server
/// cannot be reached.
async fn fetch(request: Result<Request, gloo_net::Error>) -> Result<(u16, String), String> {
    let unreachable =
        |_| "Could not reach the server. Check the connection and try again.".to_owned();
    let response = request
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    let text = response.text().await.unwrap_or_default();
    Ok((response.status(), text))
}

/// Ends the session on the server, so the token stops working at once (best effort: the page
/// forgets the token either way).
pub async fn logout(token: &str) {
    let request = Request::post("/api/logout")
        .header("Authorization", &format!("Bearer {token}"))
        .build();
    let _ = fetch(request).await;
}

/// Logs in; `Err` is a sentence for the form.
pub async fn login(name: &str, password: &str) -> Result<Session, String> {
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    let request = Request::post("/api/login")
        .header("Content-Type", "application/json")
        .body(body);
    let (status, text) = fetch(request).await?;
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let field = |key: &str| json.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    match status {
        200 => match (field("token"), field("name")) {
            (Some(token), Some(name)) => Ok(Session { token, name }),
            _ => Err("The server answered in a way this page does not understand.".to_owned()),
        },
        401 => Err("Wrong name or password.".to_owned()),
        status => Err(field("error")
            .map(|e| format!("Login failed: {e}"))
            .unwrap_or_else(|| format!("Login failed (HTTP {status}). Please try again."))),
    }
}
