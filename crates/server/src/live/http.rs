//! The HTTP side: routes, login, the public config, static files, metrics, and the demo
//! shop's pretend API.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

use crate::clock::now;
use crate::live::error::AppError;
use crate::live::state::AppState;
use crate::live::throttle::Busy;

/// Largest HTTP request body accepted (login, config).
const BODY_LIMIT: usize = 64 * 1024;

/// Every route of the server.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/config", get(public_config))
        .route("/api/sites/{site}/config", get(site_config))
        .route("/schema.json", get(schema))
        .route("/baton.js", get(loader))
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/outcome", post(crate::live::outcomes::receive))
        .route("/api/insights", get(insights))
        .route("/ws/visitor", get(crate::live::visitor::upgrade))
        .route("/ws/agent", get(crate::live::agent::upgrade));
    if state.demo {
        router = router
            .route("/demo/api/orders/{order}", get(demo_order))
            .route("/demo/api/password-reset", post(demo_reset));
    }
    // Counters reveal traffic: only with a token to read them, or in the demo.
    if state.demo || state.metrics_token.is_some() {
        router = router.route("/metrics", get(metrics));
    }
    router = match &state.console_dir {
        // The workspace runs only its own scripts and is never framed (clickjacking an
        // agent's clicks).
        Some(dir) => router.nest_service("/console", with_policy(dir, crate::live::csp::workspace)),
        None => router
            .route("/console", get(console_missing))
            .route("/console/{*rest}", get(console_missing)),
    };
    router = match &state.widget_dir {
        Some(dir) => {
            // The browser lets only the site's origins (and this server) frame the widget.
            let ancestors: Vec<&str> = std::iter::once("'self'")
                .chain(state.site.site.origins.iter().map(String::as_str))
                .collect();
            router.nest_service(
                "/widget",
                with_policy(dir, |index| crate::live::csp::widget(index, &ancestors)),
            )
        }
        None => router
            .route("/widget", get(widget_missing))
            .route("/widget/{*rest}", get(widget_missing)),
    };
    if let Some(dir) = &state.static_dir {
        router = router.nest_service("/static", ServeDir::new(dir));
    }
    router
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            header::HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            header::HeaderValue::from_static("no-referrer"),
        ))
        .with_state(state)
}

/// `?since=30d&format=html|json` of `GET /api/insights`.
#[derive(Debug, Deserialize)]
pub struct InsightsQuery {
    /// The period's start (see [`crate::review::insights::parse_since`]); 30 days by default.
    #[serde(default)]
    since: Option<String>,
    /// `html` (the review page) or `json` (its twin, the default).
    #[serde(default)]
    format: Option<String>,
}

/// The review of a period for a signed-in agent (`Authorization: Bearer <session token>`).
async fn insights(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(query): Query<InsightsQuery>,
) -> Result<Response, AppError> {
    let token = bearer(&headers).ok_or(AppError::NoSession)?;
    let at = now();
    state
        .store
        .session_agent(&crate::live::secret::token_hash(token), at)
        .await?
        .ok_or(AppError::NoSession)?;
    let since = crate::review::insights::parse_since(query.since.as_deref().unwrap_or("30d"), at)
        .map_err(AppError::BadRequest)?;
    let window = crate::review::insights::Window { since, until: at };
    let site = &state.site.site;
    let facts = crate::review::insights::load(state.store.as_ref(), &site.id, window).await?;
    let report = crate::review::insights::compute(site, &facts, window);
    Ok(match query.format.as_deref() {
        None | Some("json") => Json(report).into_response(),
        Some("html") => Html(crate::review::insights::html::render(&report)).into_response(),
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "unknown format `{other}`: give `html` or `json`"
            )));
        }
    })
}

/// The counters, for a scraper holding the metrics token (`Authorization: Bearer …`), or
/// for anyone in demo mode.
async fn metrics(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = &state.metrics_token {
        let given = bearer(&headers).ok_or(AppError::NoSession)?;
        // Compared as hashes: how long a comparison takes says nothing about the token.
        if crate::live::secret::token_hash(given) != *token {
            return Err(AppError::NoSession);
        }
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response())
}

/// The token of `Authorization: Bearer <token>`.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

async fn public_config(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-cache")],
        Json(state.site.public_config.clone()),
    )
}

async fn site_config(
    State(state): State<AppState>,
    Path(site): Path<String>,
) -> Result<Response, AppError> {
    if site != state.site.site.id {
        return Err(AppError::NotFound);
    }
    Ok(public_config(State(state)).await.into_response())
}

async fn schema() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        baton_core::config::schema_json(),
    )
}

/// The loader, built into the binary so every server has it. Served without indentation
/// and whole-line comments (the source stays readable; visitors download less).
static LOADER: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| compact_script(include_str!("../../../../static/baton.js")));

/// Drops leading whitespace, empty lines and lines that are only a `//` comment. Safe for a
/// script whose template literals have no line starting with `//` or leading spaces that
/// matter (true of the loader; a test loads the result in Chromium).
fn compact_script(source: &str) -> String {
    source
        .lines()
        .map(str::trim_start)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn loader() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Short: a new release reaches every site within minutes.
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        LOADER.as_str(),
    )
}

/// A built app's files (`index.html` for any other path) with the Content-Security-Policy
/// `policy` makes of its `index.html` (read once, now: the inline script's hash changes only
/// with a rebuild). An unreadable or unsuitable index gets the policy of an empty page,
/// which runs no inline script: the app then fails closed.
fn with_policy(
    dir: &std::path::Path,
    policy: impl FnOnce(&str) -> String,
) -> SetResponseHeader<ServeDir<ServeFile>, header::HeaderValue> {
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index).unwrap_or_else(|e| {
        tracing::warn!(path = %index.display(), error = %e, "no index.html to take a policy from");
        String::new()
    });
    let value = header::HeaderValue::from_str(&policy(&html)).unwrap_or_else(|_| {
        header::HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'")
    });
    SetResponseHeader::overriding(
        ServeDir::new(dir).fallback(ServeFile::new(index)),
        header::CONTENT_SECURITY_POLICY,
        value,
    )
}

async fn widget_missing() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><title>Baton</title><p>The chat widget is not built. Run <code>cargo xtask demo</code>, or start <code>baton serve</code> with <code>--widget DIR</code>.</p>",
        ),
    )
}

async fn console_missing() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><title>Baton</title><p>The agent workspace is not built. Run <code>cargo xtask demo</code>, or start <code>baton serve</code> with <code>--console DIR</code>.</p>",
        ),
    )
}

/// Login form.
#[derive(Debug, Deserialize)]
pub struct Login {
    /// Agent name.
    pub name: String,
    /// Password.
    pub password: String,
}

/// Login answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct Session {
    /// Bearer token for `/ws/agent`.
    pub token: String,
    /// Agent name.
    pub name: String,
}

async fn login(
    State(state): State<AppState>,
    address: crate::live::addresses::Address,
    Json(form): Json<Login>,
) -> Result<Json<Session>, AppError> {
    let at = now();
    if !state
        .addresses
        .spend(address, crate::live::addresses::Spend::Login)
    {
        crate::live::metrics::Metrics::inc(&state.metrics.address_refusals);
        return Err(AppError::Busy(Busy::Address));
    }
    // Held until the hash is checked: a flood of logins gets 429 here, not a thread each.
    let _permit = state
        .logins
        .enter(&form.name, address, at)
        .map_err(AppError::Busy)?;
    let agent = state.store.agent_by_name(&form.name).await?;
    // Verify against a real hash even for unknown names, so timing does not reveal them.
    let hash = agent
        .as_ref()
        .map_or(crate::live::auth::DUMMY_HASH.to_owned(), |a| {
            a.password_hash.clone()
        });
    let ok = state.logins.verify(form.password, hash).await && agent.is_some();
    state.logins.record(&form.name, address, ok, at);
    let Some(agent) = agent.filter(|_| ok) else {
        tracing::info!("failed agent login");
        return Err(AppError::Unauthorized);
    };
    let token =
        crate::live::secret::random_token(32).map_err(|e| AppError::Internal(e.to_string()))?;
    let lasts = u64::try_from(state.limits.session.as_millis()).unwrap_or(u64::MAX);
    state
        .store
        .add_session(
            &crate::live::secret::token_hash(&token),
            &agent.id,
            at,
            at.saturating_add(lasts),
        )
        .await?;
    tracing::info!(agent = %agent.name, "agent logged in");
    Ok(Json(Session {
        token,
        name: agent.name,
    }))
}

/// Ends the session of `Authorization: Bearer <token>`: the token stops working at once, and
/// the agent sockets logged in with it close within `Limits::session_check`. Always `204`
/// (logging out twice is not an error).
async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, AppError> {
    if let Some(token) = bearer(&headers) {
        let hash = crate::live::secret::token_hash(token);
        if state.store.end_session(&hash).await? {
            tracing::info!("agent logged out");
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The demo shop's order API, for the example config's `fetch` node: orders whose number
/// ends in 0 do not exist; the rest are on their way.
async fn demo_order(Path(order): Path<String>) -> Result<Json<serde_json::Value>, AppError> {
    tokio::time::sleep(Duration::from_millis(150)).await;
    if order.ends_with('0') || order.len() > 32 {
        return Err(AppError::NotFound);
    }
    let status = if order.ends_with(['1', '2', '3']) {
        "delayed at the depot"
    } else {
        "out for delivery"
    };
    Ok(Json(
        json!({ "order": order, "status": status, "eta": "tomorrow before 6 pm" }),
    ))
}

/// The demo shop's password-reset API.
async fn demo_reset() -> Json<serde_json::Value> {
    Json(json!({ "sent": true, "expires_in_minutes": 30 }))
}
