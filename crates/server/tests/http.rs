//! The HTTP routes of `http::app(state)`, one request each through `tower::ServiceExt::oneshot`:
//! no socket, the real router, store and handlers.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_server::live::serve::{ServeOptions, state};
use baton_server::live::state::AppState;
use common::{DEMO_CONFIG, request};

async fn app_state(data: &std::path::Path) -> AppState {
    state(ServeOptions::new(DEMO_CONFIG, data)).await.unwrap()
}

#[tokio::test]
async fn the_schema_route_serves_what_baton_schema_prints() {
    let dir = tempfile::tempdir().unwrap();
    let state = app_state(dir.path()).await;
    let (status, body) = request(&state, "GET", "/schema.json", None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body, baton_core::config::schema_json());
    let schema: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(schema["properties"]["triggers"].is_object());
}

#[tokio::test]
async fn a_site_config_is_served_for_this_site_only_and_without_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let state = app_state(dir.path()).await;
    let (status, body) = request(&state, "GET", "/api/sites/demo-shop/config", None, &[]).await;
    assert_eq!(status, 200);
    let config: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(config["site"]["id"], "demo-shop");
    assert!(config.get("agent_aids").is_none() && config.get("drift").is_none());
    let (status, _) = request(&state, "GET", "/api/sites/another-shop/config", None, &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn insights_need_a_session_and_a_known_format() {
    let dir = tempfile::tempdir().unwrap();
    let state = app_state(dir.path()).await;
    let (status, body) = request(&state, "GET", "/api/insights", None, &[]).await;
    assert_eq!(status, 401);
    assert!(body.contains("sign in again"), "{body}");
    let forged = [("authorization", "Bearer not-a-session")];
    let (status, _) = request(&state, "GET", "/api/insights", None, &forged).await;
    assert_eq!(status, 401);

    let hash = baton_server::live::auth::hash_password("correct horse").unwrap();
    let agent = baton_server::store::AgentRow {
        id: "a_ana".into(),
        name: "ana".into(),
        password_hash: hash,
    };
    state.store.add_agent(agent, 0).await.unwrap();
    let login = serde_json::json!({"name": "ana", "password": "correct horse"}).to_string();
    let (status, session) = request(&state, "POST", "/api/login", Some(&login), &[]).await;
    assert_eq!(status, 200);
    let token = serde_json::from_str::<serde_json::Value>(&session).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bearer = format!("Bearer {token}");
    let signed_in = [("authorization", bearer.as_str())];
    let (status, body) = request(&state, "GET", "/api/insights?since=7d", None, &signed_in).await;
    assert_eq!(status, 200);
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(report.is_object());
    let (status, body) =
        request(&state, "GET", "/api/insights?format=html", None, &signed_in).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("<!doctype html>") || body.starts_with("<!DOCTYPE html>"));
    let (status, body) = request(&state, "GET", "/api/insights?format=xml", None, &signed_in).await;
    assert_eq!(status, 400);
    assert!(body.contains("unknown format `xml`"), "{body}");
    let (status, _) = request(&state, "GET", "/api/insights?since=soon", None, &signed_in).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unbuilt_widget_and_workspace_say_how_to_build_them() {
    let dir = tempfile::tempdir().unwrap();
    let state = app_state(dir.path()).await;
    for path in [
        "/widget",
        "/widget/index.html",
        "/console",
        "/console/tickets",
    ] {
        let (status, body) = request(&state, "GET", path, None, &[]).await;
        assert_eq!(status, 503, "{path}");
        assert!(body.contains("cargo xtask demo"), "{path}: {body}");
    }
}

#[tokio::test]
async fn the_loader_is_served_as_a_compact_script() {
    let dir = tempfile::tempdir().unwrap();
    let state = app_state(dir.path()).await;
    let (status, body) = request(&state, "GET", "/baton.js", None, &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains("postMessage"));
    assert!(
        body.lines()
            .all(|l| !l.trim_start().starts_with("//") && !l.starts_with(' '))
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = app_state(dir.path()).await;
    let huge = format!(
        r#"{{"name":"ana","password":"{}"}}"#,
        "x".repeat(128 * 1024)
    );
    let (status, _) = request(&state, "POST", "/api/login", Some(&huge), &[]).await;
    assert_eq!(status, 413);
}
