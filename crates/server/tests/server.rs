//! The human-chat server end to end: a real `serve` on port 0, real websocket clients.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

#[tokio::test]
async fn health_config_and_login() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let (status, body) = http(server.addr, "GET", "/healthz", None, &[]).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, body) = http(server.addr, "GET", "/api/config", None, &[]).await;
    assert_eq!(status, 200);
    let config: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(config["site"]["id"], "demo-shop");
    assert!(
        config.get("agent_aids").is_none(),
        "agent aids are not public"
    );
    server.add_agent("ana", "correct horse").await;
    assert!(server.login("ana", "correct horse").await.is_some());
    assert!(server.login("ana", "wrong").await.is_none());
    assert!(server.login("bob", "correct horse").await.is_none());
    server.stop().await;
}
