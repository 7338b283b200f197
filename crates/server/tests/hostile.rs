//! The server against a hostile client (issue 12's findings): a real server on port 0, real
//! sockets. Each test is one thing a stranger could send, and the safe outcome.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use baton_core::conversation::{Conversation, Event};
use baton_core::protocol::{Handoff, ServerToVisitor, VisitorFrame};
use baton_core::queue::Priority;
use baton_core::transcript::{Author, Entry};
use common::*;
use serde_json::json;

/// A handoff the demo's VIP trigger made in a widget that was told, unsigned, that the
/// visitor is VIP (what any page script can do).
fn claimed_vip(visitor: &str) -> Handoff {
    let source = include_str!("../../../static/demo-shop.json");
    let site = Arc::new(baton_core::compile(source).unwrap());
    let mut chat = Conversation::new(site, visitor);
    let start = baton_server::clock::now();
    chat.handle(Event::Start { page: None }, start);
    let attributes = [("tier".to_owned(), json!("vip"))].into_iter().collect();
    chat.handle(
        Event::Profile {
            attributes,
            verified: true,
        },
        start + 1,
    );
    Handoff::of(&chat, None).expect("the VIP rule escalates")
}

#[tokio::test]
async fn a_claimed_reason_does_not_route_a_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let mut forged = claimed_vip("v-forger");
    assert!(forged.escalation.reason.explain().contains("`vip`"));
    // Nothing the server could check: no token, no lines, no trace; only the claimed reason.
    forged.transcript.entries.clear();
    forged.trace.clear();
    let (_ws, id, _, _) = hand_over(server.addr, "h-forged", forged).await;
    let ticket = server.state.store.ticket(&id).await.unwrap().unwrap();
    assert_ne!(ticket.queue, "vip");
    assert!(ticket.priority < Priority::Urgent, "{:?}", ticket.priority);
    let note = ticket
        .disagreement
        .expect("the unreproduced reason is a disagreement");
    assert!(note.contains("`vip`") && note.contains("did not"), "{note}");
    // The claim is kept as the widget's, for the agent to see.
    assert!(ticket.handoff.escalation.reason.explain().contains("`vip`"));
    server.stop().await;
}

#[tokio::test]
async fn an_honest_handoff_routes_as_the_config_says() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let payload = handoff("v-honest", &["I will call my lawyer"], None);
    let (_ws, id, _, _) = hand_over(server.addr, "h-honest", payload).await;
    let ticket = server.state.store.ticket(&id).await.unwrap().unwrap();
    assert_eq!(
        (ticket.queue.as_str(), ticket.priority),
        ("escalations", Priority::High)
    );
    assert_eq!(ticket.disagreement, None);
    server.stop().await;
}

#[tokio::test]
async fn handoff_lines_cannot_speak_for_baton_or_an_agent() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    for (n, from) in [Author::System, Author::Agent].into_iter().enumerate() {
        let mut payload = handoff(&format!("v-lines-{n}"), &["talk to a human"], None);
        let at = payload.transcript.entries[0].at;
        payload.transcript.entries.insert(
            0,
            Entry {
                from,
                text: "Identity verified. Refund approved.".into(),
                at,
                sentiment: None,
                unconfirmed: false,
            },
        );
        let mut ws = send_handoff(server.addr, &format!("h-lines-{n}"), payload).await;
        match recv_visitor(&mut ws).await {
            ServerToVisitor::Error { code, message } => {
                assert_eq!(code, baton_core::protocol::ErrorCode::BadHandoff);
                assert!(message.contains("visitor and bot"), "{message}");
            }
            other => panic!("a handoff with a {from:?} line was taken: {other:?}"),
        }
    }
    let tickets = server.state.store.open_tickets().await.unwrap();
    assert!(tickets.is_empty(), "no ticket was stored");
    server.stop().await;
}

#[tokio::test]
async fn bot_lines_the_server_cannot_reproduce_are_shown_as_the_widgets_claim() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let mut payload = handoff("v-claims", &["where is my order", "talk to a human"], None);
    let honest = payload.transcript.entries.len();
    let at = payload.transcript.entries[1].at;
    // A bot line no journey of this config says, and one that claims to be "confirmed".
    for (i, text) in [
        "Your refund of $500 was approved.",
        "Hi! I'm the Demo Shop assistant.",
    ]
    .into_iter()
    .enumerate()
    {
        payload.transcript.entries.insert(
            2 + i,
            Entry {
                from: Author::Bot,
                text: text.into(),
                at,
                sentiment: None,
                unconfirmed: false,
            },
        );
    }
    let mut ws = send_handoff(server.addr, "h-claims", payload).await;
    assert!(matches!(
        recv_visitor(&mut ws).await,
        ServerToVisitor::Welcome { .. }
    ));
    let ticket = server.state.store.open_tickets().await.unwrap().remove(0);
    let site = &server.state.site.site;
    let view =
        baton_server::live::views::ticket_view(server.state.store.as_ref(), site, &ticket.id)
            .await
            .unwrap()
            .unwrap();
    let unconfirmed: Vec<&str> = view
        .messages
        .iter()
        .filter(|m| m.unconfirmed)
        .map(|m| m.text.as_str())
        .collect();
    // The made-up line, and the greeting said a second time (the replay says it once).
    assert_eq!(
        unconfirmed,
        [
            "Your refund of $500 was approved.",
            "Hi! I'm the Demo Shop assistant."
        ]
    );
    assert_eq!(view.messages.len(), honest + 2);
    assert!(
        view.messages
            .iter()
            .all(|m| m.from == Author::Bot || !m.unconfirmed)
    );
    server.stop().await;
}

#[tokio::test]
async fn a_rating_comment_and_an_offline_email_are_redacted_before_they_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let payload = handoff("v-card", &["talk to a human"], None);
    let (mut ws, id, _, _) = hand_over(server.addr, "h-card", payload).await;
    // A rating comes after the agent closes.
    let at = baton_server::clock::now();
    server.state.store.claim(&id, "ana", at).await.unwrap();
    assert!(
        server
            .state
            .store
            .close(&id, "ana", "refunded", at)
            .await
            .unwrap()
    );
    send_visitor(
        &mut ws,
        VisitorFrame::LeaveEmail {
            email: "4111 1111 1111 1111@example.com".into(),
        },
    )
    .await;
    send_visitor(
        &mut ws,
        VisitorFrame::Csat {
            id: None,
            score: 2,
            comment: Some("charged twice on 4111 1111 1111 1111, call me".into()),
        },
    )
    .await;
    let ticket = wait_for(|| async {
        let t = server.state.store.ticket(&id).await.unwrap().unwrap();
        (t.csat.is_some() && t.email.is_some()).then_some(t)
    })
    .await;
    let stored = format!("{ticket:?}");
    assert!(!stored.contains("4111 1111 1111 1111"), "{stored}");
    assert!(
        stored.contains("charged twice"),
        "the rest of the comment is kept"
    );
    // The address stays an address (an agent answers there), without the card number.
    assert_eq!(ticket.email.as_deref(), Some("[card]@example.com"));
    server.stop().await;
}

#[tokio::test]
async fn an_empty_or_short_token_secret_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = std::path::Path::new(DEMO_CONFIG);
    for secret in ["", "\n", "short-secret"] {
        let file = dir.path().join("secret");
        std::fs::write(&file, secret).unwrap();
        let options = baton_server::live::serve::ServeOptions {
            jwt_secret_file: Some(file),
            ..baton_server::live::serve::ServeOptions::new(config, dir.path().join("data"))
        };
        let error = baton_server::live::serve::state(options)
            .await
            .expect_err("a weak secret is refused");
        let message = error.to_string();
        assert!(message.contains("at least 32"), "{secret:?}: {message}");
    }
}

/// An outcome beacon as the widget sends it, for the demo site.
fn beacon(visitor: &str, started_at: u64, trace: serde_json::Value) -> String {
    json!({
        "v": 1, "site": "demo-shop", "visitor": visitor, "started_at": started_at,
        "outcome": "open", "variants": [], "trace": trace,
        "transcript": [{"from": "visitor", "text": "where is my parcel", "at": started_at + 1_000}]
    })
    .to_string()
}

#[tokio::test]
async fn beacons_come_from_the_sites_pages_about_today_and_their_trace_is_not_believed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let now = baton_server::clock::now();
    let post = |body: String, origin: &'static str| {
        let state = server.state.clone();
        async move {
            request(
                &state,
                "POST",
                "/api/outcome",
                Some(&body),
                &[("origin", origin)],
            )
            .await
        }
    };
    // Another site's page cannot report for this one.
    let (status, body) = post(beacon("v-1", now, json!([])), "https://evil.example").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("origin"), "{body}");
    // Last month cannot be backfilled (it would move the drift baselines).
    let month_ago = now - 30 * 24 * 3600 * 1000;
    let (status, body) = post(beacon("v-2", month_ago, json!([])), "http://localhost:8080").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("more than a day ago"), "{body}");
    // A claimed firing counts for nothing: the server re-runs the lines itself.
    let handoff = claimed_vip("v-3");
    let claimed = serde_json::to_value(&handoff.escalation.reason).unwrap();
    let firing = claimed["firing"].clone();
    let (status, body) = post(beacon("v-3", now, json!([firing])), "http://localhost:8080").await;
    assert_eq!(status, 204, "{body}");
    let stored = server
        .state
        .store
        .conversations("demo-shop", now - 60_000, now + 60_000)
        .await
        .unwrap();
    let record = stored.iter().find(|c| c.visitor == "v-3").unwrap();
    assert!(
        record.trace.iter().all(|f| f.trigger != "vip"),
        "{:?}",
        record.trace
    );
    server.stop().await;
}

#[tokio::test]
async fn the_demo_shop_api_is_served_only_in_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let (status, _) = request(&server.state, "GET", "/demo/api/orders/12345", None, &[]).await;
    assert_eq!(status, 404);
    server.stop().await;
    let demo = Server::start_demo(&dir.path().join("demo")).await;
    let (status, _) = request(&demo.state, "GET", "/demo/api/orders/12345", None, &[]).await;
    assert_eq!(status, 200);
    demo.stop().await;
}

#[tokio::test]
async fn a_profile_token_is_checked_then_not_kept_and_must_be_short_lived() {
    use baton_server::live::token::sign;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let now = baton_server::clock::now() / 1000;
    let year = 365 * 24 * 3600;
    let cases = [
        (
            "fresh",
            json!({"aud": "demo-shop", "iat": now, "exp": now + 600}),
            true,
        ),
        (
            "for-a-year",
            json!({"aud": "demo-shop", "exp": now + year}),
            false,
        ),
        (
            "not-yet",
            json!({"aud": "demo-shop", "nbf": now + 3600, "exp": now + 7200}),
            false,
        ),
    ];
    for (name, claims, verified) in cases {
        let token = sign(&claims, SECRET);
        let payload = handoff(
            &format!("v-{name}"),
            &["talk to a human"],
            Some(token.clone()),
        );
        let (_ws, id, _, _) = hand_over(server.addr, name, payload).await;
        let ticket = server.state.store.ticket(&id).await.unwrap().unwrap();
        assert_eq!(ticket.verified, verified, "{name}");
        // Neither the store nor anything built from it for agents holds the raw token.
        assert!(!format!("{ticket:?}").contains(&token), "{name}");
        assert_eq!(ticket.handoff.token, None, "{name}");
    }
    server.stop().await;
}

#[tokio::test]
async fn responses_are_not_sniffed_leak_no_referrer_and_the_workspace_is_never_framed() {
    let dir = tempfile::tempdir().unwrap();
    let console = dir.path().join("console");
    std::fs::create_dir_all(&console).unwrap();
    // As Trunk builds it: an external module and the inline script that starts it.
    std::fs::write(
        console.join("index.html"),
        "<!doctype html><title>ws</title><script type=\"module\" src=\"/console/app.js\"></script>\
         <script type=\"module\">import init from '/console/app.js'; await init();</script>",
    )
    .unwrap();
    let state = baton_server::live::serve::state(baton_server::live::serve::ServeOptions {
        console: Some(console),
        ..baton_server::live::serve::ServeOptions::new(DEMO_CONFIG, dir.path().join("data"))
    })
    .await
    .unwrap();
    for path in [
        "/healthz",
        "/api/config",
        "/baton.js",
        "/console/",
        "/nowhere",
    ] {
        let response = raw_request(&state, "GET", path, &[]).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    // The workspace runs only this server's scripts and its own inline start (by hash), may
    // compile WebAssembly, and is never framed.
    let console = raw_request(&state, "GET", "/console/", &[]).await;
    let policy = console.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    let hashes = baton_server::live::csp::inline_script_hashes(
        "<script type=\"module\">import init from '/console/app.js'; await init();</script>",
    );
    assert_eq!(hashes.len(), 1);
    for directive in [
        "default-src 'self'",
        &format!("script-src 'self' 'wasm-unsafe-eval' {}", hashes[0]),
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
}

#[tokio::test]
async fn metrics_are_read_only_with_their_token() {
    let dir = tempfile::tempdir().unwrap();
    let options = |token: Option<std::path::PathBuf>| baton_server::live::serve::ServeOptions {
        metrics_token_file: token,
        ..baton_server::live::serve::ServeOptions::new(DEMO_CONFIG, dir.path().join("data"))
    };
    // Not served without a token (a real site's traffic is nobody's business).
    let state = baton_server::live::serve::state(options(None))
        .await
        .unwrap();
    let (status, _) = request(&state, "GET", "/metrics", None, &[]).await;
    assert_eq!(status, 404);
    drop(state);
    let file = dir.path().join("metrics-token");
    let token = "m".repeat(40);
    std::fs::write(&file, &token).unwrap();
    let state = baton_server::live::serve::state(options(Some(file)))
        .await
        .unwrap();
    let (status, _) = request(&state, "GET", "/metrics", None, &[]).await;
    assert_eq!(status, 401);
    let wrong = [("authorization", "Bearer not-the-token")];
    let (status, _) = request(&state, "GET", "/metrics", None, &wrong).await;
    assert_eq!(status, 401);
    let bearer = format!("Bearer {token}");
    let (status, body) = request(
        &state,
        "GET",
        "/metrics",
        None,
        &[("authorization", bearer.as_str())],
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("baton_handoffs_total"), "{body}");
}

#[tokio::test]
async fn logins_are_throttled_per_name_and_never_queue_a_hash() {
    use baton_server::live::limits::Limits;
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        login_failures: 3,
        ..Limits::default()
    };
    let server = Server::start_with(dir.path(), limits).await;
    server.add_agent("ana", "correct horse").await;
    server.add_agent("bob", "battery staple").await;
    for _ in 0..3 {
        assert_eq!(server.try_login("ana", "guess").await.0, 401);
    }
    // Even the right password waits now: guessing stops paying before the hash.
    let (status, body) = server.try_login("ana", "correct horse").await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("failed logins"), "{body}");
    // Another agent is not held up by it.
    assert!(server.login("bob", "battery staple").await.is_some());
    server.stop().await;

    // With no hash free, a login is answered at once with 429, never queued.
    let busy = Limits {
        login_hashes: 0,
        ..Limits::default()
    };
    let server = Server::start_with(&dir.path().join("busy"), busy).await;
    let (status, body) = server.try_login("ana", "correct horse").await;
    assert_eq!(status, 429, "{body}");
    server.stop().await;
}

#[tokio::test]
async fn card_numbers_in_any_common_format_are_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let cards = [
        "4111.1111.1111.1111",
        "4111 - 1111 - 1111 - 1111",
        "4111\u{A0}1111\u{A0}1111\u{A0}1111",
        "٤١١١ ١١١١ ١١١١ ١١١١",
    ];
    let mut payload = handoff("v-formats", &["talk to a human"], None);
    // A client that does not redact: the server does it again.
    payload.transcript.entries[0].text = format!("my card {}", cards[0]);
    let (mut ws, id, _, _) = hand_over(server.addr, "h-formats", payload).await;
    for (n, card) in cards.iter().enumerate().skip(1) {
        send_visitor(
            &mut ws,
            VisitorFrame::Message {
                id: format!("m{n}"),
                text: format!("it is {card} ok"),
            },
        )
        .await;
    }
    let stored = wait_for(|| async {
        let messages = server.state.store.messages_after(&id, 0).await.unwrap();
        (messages
            .iter()
            .filter(|m| m.text.contains("[card]"))
            .count()
            == cards.len())
        .then_some(messages)
    })
    .await;
    let all = format!("{stored:?}");
    for card in cards {
        assert!(!all.contains(card), "{card} stored: {all}");
    }
    server.stop().await;
}

#[tokio::test]
async fn logging_out_ends_the_session_and_closes_its_sockets() {
    use baton_server::live::limits::Limits;
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        session_check: std::time::Duration::from_millis(100),
        ..Limits::default()
    };
    let server = Server::start_with(dir.path(), limits).await;
    server.add_agent("ana", "correct horse").await;
    let token = server.login("ana", "correct horse").await.unwrap();
    let (mut ws, _) = agent_socket(server.addr, &token).await;
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let (status, _) = request(&server.state, "POST", "/api/logout", None, &auth).await;
    assert_eq!(status, 204);
    // The open socket is closed with 1008 soon after.
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("the socket closes after logout");
    assert_eq!(closed, Some(1008));
    // The token no longer logs a socket in, and logging out again is not an error.
    let mut again = connect(server.addr, "/ws/agent").await;
    send_agent(
        &mut again,
        baton_core::protocol::AgentFrame::Login {
            token: token.clone(),
        },
    )
    .await;
    assert!(matches!(
        recv_agent(&mut again).await,
        baton_core::protocol::ServerToAgent::Error {
            code: baton_core::protocol::ErrorCode::Login,
            ..
        }
    ));
    let (status, _) = request(&server.state, "POST", "/api/logout", None, &auth).await;
    assert_eq!(status, 204);
    server.stop().await;
}
