//! The outcome beacon and `baton report` against a real server and its database: what was
//! handed over, reported by beacon, answered, rated and flagged comes back in the report.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_core::conversation::Reason;
use baton_core::protocol::Misfire;
use baton_core::transcript::Author;
use baton_server::clock::now;
use baton_server::store::NewMessage;
use common::{DEMO_CONFIG, Server, baton, hand_over, handoff, request};
use serde_json::{Value, json};

fn beacon(visitor: &str, started_at: u64, outcome: &str) -> String {
    rated(visitor, started_at, outcome, None)
}

fn rated(visitor: &str, started_at: u64, outcome: &str, csat: Option<u8>) -> String {
    let mut body = json!({
        "v": 1, "site": "demo-shop", "visitor": visitor, "started_at": started_at,
        "outcome": outcome, "variants": [], "trace": [],
        "transcript": [{"from": "visitor", "text": "where is my parcel", "at": started_at + 1_000}]
    });
    if let Some(score) = csat {
        body["csat"] = score.into();
    }
    body.to_string()
}

fn report(data: &std::path::Path) -> Value {
    let data = data.to_str().unwrap();
    let args = [
        "report",
        "--config",
        DEMO_CONFIG,
        "--data",
        data,
        "--since",
        "1d",
        "--json",
    ];
    let (code, out, err) = baton(&args);
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[tokio::test]
async fn the_report_counts_what_the_server_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let escalated = handoff("v-human", &["talk to a human"], None);
    let (Reason::Trigger { firing } | Reason::AcceptedOffer { firing }) =
        &escalated.escalation.reason
    else {
        panic!("a trigger escalates `talk to a human`");
    };
    let cause = firing.trigger.clone();
    let (_visitor, ticket, _, _) = hand_over(server.addr, "h-1", escalated).await;

    let start = now() - 60_000;
    // `v-bot` is resolved and rated 5; a later rating and a later `open` change neither.
    let beacons = [
        rated("v-bot", start, "resolved", Some(5)),
        beacon("v-open", start, "open"),
        beacon("v-bot", start, "open"),
        rated("v-bot", start, "resolved", Some(1)),
    ];
    for body in &beacons {
        let (status, answer) =
            request(&server.state, "POST", "/api/outcome", Some(body), &[]).await;
        assert_eq!(status, 204, "{answer}");
    }
    // A beacon cannot claim an escalation, and says why.
    let (status, body) = request(
        &server.state,
        "POST",
        "/api/outcome",
        Some(&beacon("v-x", start, "escalated")),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("escalations arrive as handoffs"), "{body}");
    let (status, body) = request(&server.state, "POST", "/api/outcome", Some("{"), &[]).await;
    assert_eq!(status, 400);
    assert!(body.contains("not an outcome report"), "{body}");

    // The agent's side of the ticket.
    let store = &server.state.store;
    store.claim(&ticket, "agent-1", now()).await.unwrap();
    store
        .append_message(NewMessage {
            ticket: &ticket,
            client_id: "a-1",
            author: Author::Agent,
            text: "Hello, I'm here",
            at: now(),
            sentiment: None,
        })
        .await
        .unwrap();
    assert!(
        store
            .close(&ticket, "agent-1", "done", now())
            .await
            .unwrap()
    );
    assert!(store.rate(&ticket, 4, None).await.unwrap());
    assert!(
        store
            .flag_misfire(&ticket, Misfire::Needless)
            .await
            .unwrap()
    );
    server.stop().await;

    // The command owns a runtime, so it runs off this one.
    let data = dir.path().to_owned();
    let report = tokio::task::spawn_blocking(move || report(&data))
        .await
        .unwrap();
    let overview = &report["overview"];
    assert_eq!(overview["conversations"], 3);
    // `v-bot` stays resolved although an `open` beacon came after.
    assert_eq!(
        overview["outcomes"],
        json!({"escalated": 1, "resolved": 1, "abandoned": 0, "open": 1})
    );
    assert_eq!(overview["escalation_rate"]["count"], 1);
    assert_eq!(overview["escalation_rate"]["of"], 2);
    assert_eq!(overview["escalation_success_rate"]["value"], 1.0);
    // The ticket's 4 and the bot conversation's first rating, 5.
    assert_eq!(overview["csat"]["ratings"], 2);
    assert_eq!(overview["csat"]["from_bot"], 1);
    assert_eq!(overview["csat"]["mean"], 4.5);
    assert_eq!(overview["first_reply"]["count"], 1);
    assert_eq!(overview["resolution"]["count"], 1);
    let trigger = report["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == cause.as_str())
        .unwrap();
    assert_eq!(trigger["escalations"], 1);
    assert_eq!(trigger["needless"], 1);
    assert_eq!(trigger["precision"]["value"], 0.0);
    assert_eq!(trigger["fire_rate"]["count"], 1);
}

#[test]
fn report_without_a_database_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let data = missing.to_str().unwrap();
    let (code, _, err) = baton(&["report", "--config", DEMO_CONFIG, "--data", data]);
    assert_eq!(code, std::process::ExitCode::from(2));
    assert!(err.contains("no database in"), "{err}");
    assert!(!missing.exists(), "the report created nothing");
}
