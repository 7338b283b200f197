//! The human-chat server end to end: a real `serve` on port 0, real websocket clients.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

#[tokio::test]
async fn health_config_and_login() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let (status, body) = request(&server.state, "GET", "/healthz", None, &[]).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, body) = request(&server.state, "GET", "/api/config", None, &[]).await;
    assert_eq!(status, 200);
    let config: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(config["site"]["id"], "demo-shop");
    assert!(
        config.get("agent_aids").is_none(),
        "agent aids are not public"
    );
    assert!(
        config.get("drift").is_none(),
        "drift settings (a webhook URL) are not public"
    );
    server.add_agent("ana", "correct horse").await;
    assert!(server.login("ana", "correct horse").await.is_some());
    assert!(server.login("ana", "wrong").await.is_none());
    assert!(server.login("bob", "correct horse").await.is_none());
    server.stop().await;
}

use baton_core::protocol::{AgentFrame, ErrorCode, ServerToAgent, ServerToVisitor, VisitorFrame};
use baton_core::queue::Priority;
use baton_core::transcript::Author;

#[tokio::test]
async fn handoff_claim_chat_close_and_rate() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    server.add_agent("ana", "correct horse").await;
    let token = server.login("ana", "correct horse").await.unwrap();
    let (mut agent, queue) = agent_socket(server.addr, &token).await;
    assert!(queue.is_empty());

    let payload = handoff(
        "v-1",
        &["where is my parcel", "I want to talk to a human"],
        None,
    );
    let (mut visitor, conversation, _resume, len) = hand_over(server.addr, "h-1", payload).await;

    // The ticket reaches the online agent's queue.
    let item = until(&mut agent, |f: ServerToAgent| match f {
        ServerToAgent::QueueUpdate { item, .. } => Some(item),
        _ => None,
    })
    .await;
    assert_eq!(item.ticket, conversation);
    assert!(item.reason.contains("ask-for-human"), "{}", item.reason);

    send_agent(
        &mut agent,
        AgentFrame::Claim {
            ticket: conversation.clone(),
        },
    )
    .await;
    let view = until(&mut agent, |f: ServerToAgent| match f {
        ServerToAgent::Ticket { view } => Some(view),
        _ => None,
    })
    .await;
    assert_eq!(
        view.messages.len() as u64,
        len,
        "the whole transcript is there"
    );
    assert!(
        view.messages
            .iter()
            .any(|m| m.text == "where is my parcel" && m.sentiment.is_some())
    );
    assert_eq!(
        view.server_trace.len(),
        1,
        "the server re-ran the triggers: {:?}",
        view.server_trace
    );
    assert_eq!(view.disagreement, None);
    assert!(!view.scripts.is_empty() && view.brand_voice.is_some());
    assert!(
        matches!(recv_visitor(&mut visitor).await, ServerToVisitor::AgentJoined { name } if name == "ana")
    );

    // Agent → visitor.
    send_agent(
        &mut agent,
        AgentFrame::Message {
            ticket: conversation.clone(),
            id: "a1".into(),
            text: "Hi, I'm Ana".into(),
        },
    )
    .await;
    let seq = until(&mut visitor, |f: ServerToVisitor| match f {
        ServerToVisitor::Message {
            seq,
            from: Author::Agent,
            text,
            ..
        } if text == "Hi, I'm Ana" => Some(seq),
        _ => None,
    })
    .await;
    assert_eq!(seq, len + 1);
    // Visitor → agent, acknowledged to the visitor with its id.
    send_visitor(
        &mut visitor,
        VisitorFrame::Message {
            id: "v1".into(),
            text: "thanks, it's order AB123456".into(),
        },
    )
    .await;
    let ack = until(&mut visitor, |f: ServerToVisitor| match f {
        ServerToVisitor::Message {
            seq, id: Some(id), ..
        } if id == "v1" => Some(seq),
        _ => None,
    })
    .await;
    assert_eq!(ack, len + 2);
    let got = until(&mut agent, |f: ServerToAgent| match f {
        ServerToAgent::Message {
            text,
            from: Author::Visitor,
            seq,
            ..
        } => Some((text, seq)),
        _ => None,
    })
    .await;
    assert_eq!(got, ("thanks, it's order AB123456".to_owned(), len + 2));

    send_agent(
        &mut agent,
        AgentFrame::Close {
            ticket: conversation.clone(),
            resolution: "order located".into(),
        },
    )
    .await;
    until(&mut visitor, |f: ServerToVisitor| {
        matches!(f, ServerToVisitor::Closed).then_some(())
    })
    .await;
    send_visitor(
        &mut visitor,
        VisitorFrame::Csat {
            id: Some("c1".into()),
            score: 5,
            comment: Some("great".into()),
        },
    )
    .await;
    send_agent(
        &mut agent,
        AgentFrame::FlagMisfire {
            ticket: conversation.clone(),
            kind: baton_core::protocol::Misfire::Needless,
        },
    )
    .await;
    // Everything is stored.
    let stored = wait_for(|| async {
        let t = server
            .state
            .store
            .ticket(&conversation)
            .await
            .unwrap()
            .unwrap();
        (t.csat.is_some() && t.misfire.is_some()).then_some(t)
    })
    .await;
    assert_eq!(stored.resolution.as_deref(), Some("order located"));
    assert_eq!(stored.csat, Some(5));
    assert!(
        stored.claimed_at.is_some()
            && stored.first_reply_at.is_some()
            && stored.closed_at.is_some()
    );
    server.stop().await;
}

#[tokio::test]
async fn a_retried_handoff_makes_one_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let payload = handoff("v-2", &["talk to a human"], None);
    let (_a, first, resume_a, _) = hand_over(server.addr, "same-id", payload.clone()).await;
    let (_b, second, resume_b, _) = hand_over(server.addr, "same-id", payload).await;
    assert_eq!(first, second);
    assert_eq!(resume_a, resume_b);
    assert_eq!(server.state.store.open_tickets().await.unwrap().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn only_a_valid_signed_profile_buys_vip_priority() {
    use baton_server::live::token::sign;
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let soon = baton_server::clock::now() / 1000 + 600;
    let vip = json!({"aud": "demo-shop", "exp": soon, "tier": "vip", "name": "Ana"});
    let cases = [
        ("valid", Some(sign(&vip, SECRET)), true),
        ("forged", Some(sign(&vip, b"not the secret")), false),
        (
            "expired",
            Some(sign(
                &json!({"aud": "demo-shop", "exp": 1, "tier": "vip"}),
                SECRET,
            )),
            false,
        ),
        (
            "wrong-audience",
            Some(sign(
                &json!({"aud": "other-shop", "exp": soon, "tier": "vip"}),
                SECRET,
            )),
            false,
        ),
        ("unsigned", None, false),
    ];
    for (name, token, verified) in cases {
        // The widget saw tier=vip in every case (unsigned attributes still reach it).
        let mut payload = handoff(&format!("v-{name}"), &["talk to a human"], token);
        payload
            .profile
            .attributes
            .insert("tier".into(), json!("vip"));
        let (_ws, id, _, _) = hand_over(server.addr, name, payload).await;
        let ticket = server.state.store.ticket(&id).await.unwrap().unwrap();
        assert_eq!(ticket.verified, verified, "{name}");
        let vip_fired = ticket.server_trace.iter().any(|f| f.trigger == "vip");
        assert_eq!(
            vip_fired, verified,
            "{name}: the server's VIP rule counts only signed attributes"
        );
        assert_eq!(
            ticket.priority == Priority::Urgent,
            verified,
            "{name}: priority {:?}",
            ticket.priority
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn a_claim_the_server_cannot_reproduce_is_shown_to_the_agent() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let mut payload = handoff("v-3", &["talk to a human"], None);
    let mut forged = payload.trace[0].clone();
    forged.trigger = "legal".into();
    payload.trace.push(forged);
    let (_ws, id, _, _) = hand_over(server.addr, "h-3", payload).await;
    let ticket = server.state.store.ticket(&id).await.unwrap().unwrap();
    let note = ticket.disagreement.expect("a disagreement is recorded");
    assert!(note.contains("`legal`"), "{note}");
    server.stop().await;
}

#[tokio::test]
async fn a_foreign_origin_is_refused() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::{Error, http::HeaderValue};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let with_origin = |origin: &'static str| {
        let mut request = format!("ws://{}/ws/visitor", server.addr)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("Origin", HeaderValue::from_static(origin));
        request
    };
    match tokio_tungstenite::connect_async(with_origin("https://evil.example")).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!(
            "a foreign origin must be refused, got {:?}",
            other.map(|_| ())
        ),
    }
    let allowed = tokio_tungstenite::connect_async(with_origin("http://localhost:8080")).await;
    assert!(allowed.is_ok(), "a configured origin may connect");
    server.stop().await;
}

async fn close_code(ws: &mut Ws) -> Option<u16> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
            .await
            .ok()?
        {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            _ => return None,
        }
    }
}

#[tokio::test]
async fn an_oversized_message_closes_with_1009() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let (mut ws, _, _, _) = hand_over(
        server.addr,
        "h-big",
        handoff("v-big", &["talk to a human"], None),
    )
    .await;
    send_visitor(
        &mut ws,
        VisitorFrame::Message {
            id: "big".into(),
            text: "x".repeat(17 * 1024),
        },
    )
    .await;
    assert_eq!(close_code(&mut ws).await, Some(1009));
    server.stop().await;
}

#[tokio::test]
async fn a_flood_closes_with_1008() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let (mut ws, _, _, _) = hand_over(
        server.addr,
        "h-flood",
        handoff("v-flood", &["talk to a human"], None),
    )
    .await;
    for i in 0..200 {
        let frame = VisitorFrame::Message {
            id: format!("f{i}"),
            text: "spam".into(),
        };
        let text = serde_json::to_string(&baton_core::protocol::Frame::new(frame)).unwrap();
        use futures_util::SinkExt;
        if ws
            .send(tokio_tungstenite::tungstenite::Message::text(text))
            .await
            .is_err()
        {
            break;
        }
    }
    assert_eq!(close_code(&mut ws).await, Some(1008));
    server.stop().await;
}

#[tokio::test]
async fn an_agent_socket_needs_a_login() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let mut ws = connect(server.addr, "/ws/agent").await;
    send_agent(
        &mut ws,
        AgentFrame::Login {
            token: "made-up".into(),
        },
    )
    .await;
    assert!(
        matches!(recv_agent(&mut ws).await, ServerToAgent::Error { code, .. } if code == ErrorCode::Login)
    );
    assert_eq!(close_code(&mut ws).await, Some(1008));
    server.stop().await;
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_socket_stays() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let (mut ws, _, _, _) = hand_over(
        server.addr,
        "h-bad",
        handoff("v-bad", &["talk to a human"], None),
    )
    .await;
    use futures_util::SinkExt;
    for junk in [
        "not json",
        "{\"v\":1,\"type\":\"launch_missiles\"}",
        "{\"v\":9,\"type\":\"typing\"}",
    ] {
        ws.send(tokio_tungstenite::tungstenite::Message::text(junk))
            .await
            .unwrap();
        assert!(
            matches!(recv_visitor(&mut ws).await, ServerToVisitor::Error { .. }),
            "{junk}"
        );
    }
    send_visitor(
        &mut ws,
        VisitorFrame::Message {
            id: "ok".into(),
            text: "still here".into(),
        },
    )
    .await;
    until(&mut ws, |f: ServerToVisitor| {
        matches!(f, ServerToVisitor::Message { id: Some(id), .. } if id == "ok").then_some(())
    })
    .await;
    server.stop().await;
}

#[tokio::test]
async fn outside_business_hours_a_handoff_waits_offline_even_with_an_agent_online() {
    use baton_core::hours::{DAYS, Hours, Window};
    let now = baton_server::clock::now();
    let today = (0..7u8)
        .find(|&d| {
            Hours {
                offset_minutes: 0,
                windows: vec![Window {
                    days: vec![d],
                    from: 0,
                    to: 1440,
                }],
            }
            .is_open(now)
        })
        .unwrap();
    let closed_day = DAYS[usize::from((today + 3) % 7)];
    let dir = tempfile::tempdir().unwrap();
    let source = include_str!("../../../static/demo-shop.json");
    let mut config: serde_json::Value = serde_json::from_str(source).unwrap();
    config["site"]["hours"] = serde_json::json!({"utc_offset": "+00:00", "open": [{"days": [closed_day], "from": "00:00", "to": "24:00"}]});
    let path = dir.path().join("site.json");
    std::fs::write(&path, config.to_string()).unwrap();
    let server = Server::start_config(
        &dir.path().join("data"),
        &path,
        baton_server::live::limits::Limits::default(),
    )
    .await;
    server.add_agent("ana", "correct horse").await;
    let token = server.login("ana", "correct horse").await.unwrap();
    let (_agent, _) = agent_socket(server.addr, &token).await;

    let payload = handoff("v-night", &["talk to a human"], None);
    let mut ws = send_handoff(server.addr, "night", payload).await;
    let id = match recv_visitor(&mut ws).await {
        ServerToVisitor::Welcome { conversation, .. } => conversation,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        recv_visitor(&mut ws).await,
        ServerToVisitor::Queued {
            agents_online: false,
            ..
        }
    ));
    send_visitor(
        &mut ws,
        VisitorFrame::LeaveEmail {
            email: "vera@example.com".into(),
        },
    )
    .await;
    let ticket = wait_for(|| async {
        let t = server.state.store.ticket(&id).await.unwrap().unwrap();
        t.email.is_some().then_some(t)
    })
    .await;
    assert_eq!(ticket.status, baton_server::store::Status::Offline);
    assert_eq!(ticket.email.as_deref(), Some("vera@example.com"));
    server.stop().await;
}

#[tokio::test]
async fn a_long_queue_is_shown_by_its_head_and_a_count() {
    use baton_core::protocol::{AgentFrame, ServerToAgent};
    let dir = tempfile::tempdir().unwrap();
    let limits = baton_server::live::limits::Limits {
        queue_shown: 2,
        ..Default::default()
    };
    let server = Server::start_with(dir.path(), limits).await;
    server.add_agent("ana", "correct horse").await;
    let token = server.login("ana", "correct horse").await.unwrap();
    let mut tickets = Vec::new();
    for n in 0..3 {
        let payload = handoff(&format!("v-{n}"), &["I want to talk to a human"], None);
        let (_visitor, conversation, _, _) =
            hand_over(server.addr, &format!("h-{n}"), payload).await;
        tickets.push(conversation);
        // Tickets of one millisecond tie on age and go by their random ids.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // Three wait; the agent is sent the two oldest and the count.
    let (mut agent, items) = agent_socket(server.addr, &token).await;
    let listed: Vec<&str> = items.iter().map(|i| i.ticket.as_str()).collect();
    assert_eq!(listed, [tickets[0].as_str(), tickets[1].as_str()]);
    // A fourth, behind the head: only the count changes.
    let payload = handoff("v-3", &["I want to talk to a human"], None);
    let (_visitor, fourth, _, _) = hand_over(server.addr, "h-3", payload).await;
    let count = until(&mut agent, |f: ServerToAgent| match f {
        ServerToAgent::QueueCount { waiting } => Some(waiting),
        ServerToAgent::QueueUpdate { item, .. } => panic!("{} entered a full head", item.ticket),
        _ => None,
    })
    .await;
    assert_eq!(count, 4);
    // Claiming the first leaves room: the head is read again and the third comes in.
    send_agent(
        &mut agent,
        AgentFrame::Claim {
            ticket: tickets[0].clone(),
        },
    )
    .await;
    let (items, waiting) = until(&mut agent, |f: ServerToAgent| match f {
        ServerToAgent::QueueSnapshot { items, waiting } => Some((items, waiting)),
        _ => None,
    })
    .await;
    let listed: Vec<&str> = items.iter().map(|i| i.ticket.as_str()).collect();
    assert_eq!(listed, [tickets[1].as_str(), tickets[2].as_str()]);
    assert_eq!(waiting, 3);
    assert_ne!(listed[1], fourth);
    server.stop().await;
}

#[tokio::test]
async fn a_ticket_that_waited_offline_is_queued_when_an_agent_logs_in() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    server.add_agent("ana", "correct horse").await;
    // Nobody online: the ticket waits offline.
    let payload = handoff("v-early", &["I want to talk to a human"], None);
    let (_visitor, conversation, _, _) = hand_over(server.addr, "h-early", payload).await;
    let stored = server.state.store.ticket(&conversation).await.unwrap();
    assert_eq!(
        stored.map(|t| t.status),
        Some(baton_server::store::Status::Offline)
    );
    // The agent's first view already shows it queued, not offline.
    let token = server.login("ana", "correct horse").await.unwrap();
    let (_agent, items) = agent_socket(server.addr, &token).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].ticket, conversation);
    assert!(!items[0].offline, "{:?}", items[0]);
}
