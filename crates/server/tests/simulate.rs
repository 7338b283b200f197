//! `baton simulate` against a real server: the figures the server computes from what it
//! stored match what the generator sent, and the same seed sends the same mix.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use baton_server::clock::now;
use baton_server::review::insights::{Window, compute, load};
use baton_server::review::simulate::{Plan, Tally, run};
use common::{DEMO_CONFIG, Server};

async fn simulate(server: &Server, seed: u64) -> Tally {
    let source = std::fs::read_to_string(DEMO_CONFIG).unwrap();
    let site = Arc::new(baton_core::compile(&source).unwrap());
    let plan = Plan {
        url: server.url(""),
        conversations: 80,
        days: 10,
        seed,
        agent: "sim".into(),
        password: "simulated agent".into(),
    };
    tokio::task::spawn_blocking(move || run(&site, &plan, now(), |_, _| {}))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_counts_what_the_generator_sent() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path()).await;
    server.add_agent("sim", "simulated agent").await;
    let tally = simulate(&server, 7).await;
    assert_eq!(tally.resolved + tally.open + tally.escalated, 80);
    assert!(
        tally.resolved > 0 && tally.open > 0 && tally.escalated > 0,
        "{tally:?}"
    );

    let site = &server.state.site.site;
    let window = Window {
        since: now() - 11 * baton_server::review::insights::DAY,
        until: now(),
    };
    // Ratings and flags arrive without an acknowledgement: wait until all are stored.
    let mut report = None;
    for _ in 0..100 {
        let facts = load(server.state.store.as_ref(), &site.id, window)
            .await
            .unwrap();
        let r = compute(site, &facts, window);
        if r.overview.csat.ratings == tally.rated {
            report = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let report = report.expect("every rating stored");
    let o = &report.overview;
    assert_eq!(o.conversations, 80);
    assert_eq!(o.outcomes.escalated, tally.escalated);
    assert_eq!(o.outcomes.resolved, tally.resolved);
    // Every start is at least an hour old: an open conversation is abandoned.
    assert_eq!(o.outcomes.abandoned, tally.open);
    assert_eq!(
        o.escalation_success_rate.count, tally.escalated,
        "every ticket answered"
    );
    // Flags on escalations a trigger caused are counted per trigger.
    let needless: u64 = report.triggers.iter().map(|t| t.needless).sum();
    assert!(needless <= tally.flagged, "{needless} of {}", tally.flagged);
    // Both variants of the demo experiment got conversations.
    let variants = &report.experiments[0].variants;
    assert!(variants.iter().all(|v| v.figures.conversations > 0));
    server.stop().await;

    // The same seed on a fresh server: the same mix.
    let dir = tempfile::tempdir().unwrap();
    let again = Server::start_demo(dir.path()).await;
    again.add_agent("sim", "simulated agent").await;
    assert_eq!(simulate(&again, 7).await, tally);
    again.stop().await;
}
