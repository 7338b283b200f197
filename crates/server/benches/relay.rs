//! Server benchmarks, run by `cargo xtask bench` (not timed assertions: figures to read).
//!
//! - handoff → visible to an online agent: p50/p99 over sequential handoffs;
//! - durable relay throughput (visitor → server store → agent) against a bare
//!   tokio-tungstenite echo measured in the same run, as a ratio;
//! - idle visitor sockets held by a `baton serve` process, and its memory per socket.
//!
//! `BATON_BENCH_SOCKETS` sets how many idle sockets to open (default 19000); each needs a
//! file descriptor on both sides, within the process limit (`ulimit -n`, 20000 here).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

use baton_core::protocol::{AgentFrame, Frame, ServerToAgent, ServerToVisitor, VisitorFrame};
use baton_server::live::limits::Limits;
use baton_server::live::serve::{ServeOptions, serve, state};
use baton_server::live::state::AppState;
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpSocket};
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message;

mod support;

use support::{Baton, Ws, config, handoff, hello_then_handoff, next_frame, send};

async fn start(data: &Path, limits: Limits) -> (SocketAddr, AppState) {
    let state = state(ServeOptions {
        limits,
        ..ServeOptions::new(config(), data)
    })
    .await
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = state.clone();
    tokio::spawn(async move {
        serve(listener, served, std::future::pending())
            .await
            .unwrap()
    });
    (addr, state)
}

async fn ws(addr: SocketAddr, path: &str) -> Ws {
    tokio_tungstenite::connect_async(format!("ws://{addr}{path}"))
        .await
        .unwrap()
        .0
}

async fn next_agent(ws: &mut Ws) -> ServerToAgent {
    loop {
        if let Some(Ok(Message::Text(t))) = ws.next().await {
            return serde_json::from_str::<Frame<ServerToAgent>>(&t)
                .unwrap()
                .body;
        }
    }
}

async fn agent(addr: SocketAddr, state: &AppState) -> Ws {
    let hash = baton_server::live::auth::hash_password("bench-password").unwrap();
    let row = baton_server::store::AgentRow {
        id: "a_bench".into(),
        name: "bench".into(),
        password_hash: hash,
    };
    let _ = state.store.add_agent(row, 0).await;
    let token = baton_server::live::secret::random_token(32).unwrap();
    state
        .store
        .add_session(
            &baton_server::live::secret::token_hash(&token),
            "a_bench",
            0,
            u64::MAX / 2,
        )
        .await
        .unwrap();
    let mut ws = ws(addr, "/ws/agent").await;
    send(&mut ws, AgentFrame::Login { token }).await;
    assert!(matches!(
        next_agent(&mut ws).await,
        ServerToAgent::Welcome { .. }
    ));
    assert!(matches!(
        next_agent(&mut ws).await,
        ServerToAgent::QueueSnapshot { .. }
    ));
    ws
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn handoff_latency(addr: SocketAddr, state: &AppState) {
    let mut agent = agent(addr, state).await;
    let payload = handoff("bench-visitor");
    let mut samples = Vec::new();
    for i in 0..300 {
        let mut visitor = ws(addr, "/ws/visitor").await;
        let started = hello_then_handoff(&mut visitor, &format!("h{i}"), payload.clone()).await;
        loop {
            // Past the head the workspace is shown, a new ticket changes only the count.
            if let ServerToAgent::QueueUpdate { .. } | ServerToAgent::QueueCount { .. } =
                next_agent(&mut agent).await
            {
                break;
            }
        }
        samples.push(started.elapsed());
    }
    samples.sort();
    println!(
        "handoff → visible to agent ({} handoffs): p50 {:.2} ms, p99 {:.2} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3
    );
}

const RELAY_MESSAGES: usize = 2_000;

/// Rounds of relay and echo, alternating, so both see the same machine; medians reported.
const ROUNDS: usize = 7;

async fn relay_throughput(addr: SocketAddr, state: &AppState, round: usize) -> f64 {
    let mut agent = agent(addr, state).await;
    let mut visitor = ws(addr, "/ws/visitor").await;
    send(
        &mut visitor,
        VisitorFrame::Hello {
            site: "demo-shop".into(),
            resume: None,
            last_seq: 0,
        },
    )
    .await;
    send(
        &mut visitor,
        VisitorFrame::Handoff {
            id: format!("relay-{round}"),
            handoff: Box::new(handoff(&format!("relay-visitor-{round}"))),
        },
    )
    .await;
    // The ticket's id from the visitor's welcome: behind a long queue the agent's view
    // lists only its head, so the agent claims by id.
    let ticket = loop {
        match next_frame::<ServerToVisitor>(&mut visitor).await {
            Some(ServerToVisitor::Welcome { conversation, .. }) => break conversation,
            Some(_) => continue,
            None => panic!("the visitor socket closed before its welcome"),
        }
    };
    send(&mut agent, AgentFrame::Claim { ticket }).await;
    loop {
        if let ServerToAgent::Ticket { .. } = next_agent(&mut agent).await {
            break;
        }
    }
    let (mut tx, mut rx) = visitor.split();
    // Drain the visitor's acknowledgements so its socket never backs up.
    tokio::spawn(async move { while rx.next().await.is_some() {} });
    let commits_before = state
        .metrics
        .visitor_commits
        .load(std::sync::atomic::Ordering::Relaxed);
    let started = Instant::now();
    let sender = tokio::spawn(async move {
        for i in 0..RELAY_MESSAGES {
            let frame = Frame::new(VisitorFrame::Message {
                id: format!("m{i}"),
                text: format!("relay message number {i}"),
            });
            tx.send(Message::text(serde_json::to_string(&frame).unwrap()))
                .await
                .unwrap();
        }
        tx
    });
    let mut received = 0;
    while received < RELAY_MESSAGES {
        if let ServerToAgent::Message { .. } = next_agent(&mut agent).await {
            received += 1;
        }
    }
    let _tx = sender.await.unwrap();
    let rate = RELAY_MESSAGES as f64 / started.elapsed().as_secs_f64();
    let commits = state
        .metrics
        .visitor_commits
        .load(std::sync::atomic::Ordering::Relaxed)
        - commits_before;
    println!(
        "durable relay visitor → store → agent: {RELAY_MESSAGES} messages, {rate:.0} msg/s, {commits} commits"
    );
    rate
}

async fn echo_throughput() -> f64 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        while let Some(Ok(message)) = ws.next().await {
            if message.is_text() && ws.send(message).await.is_err() {
                break;
            }
        }
    });
    let client = ws(addr, "/").await;
    let (mut tx, mut rx) = client.split();
    let started = Instant::now();
    let sender = tokio::spawn(async move {
        for i in 0..RELAY_MESSAGES {
            let frame = Frame::new(VisitorFrame::Message {
                id: format!("m{i}"),
                text: format!("relay message number {i}"),
            });
            tx.send(Message::text(serde_json::to_string(&frame).unwrap()))
                .await
                .unwrap();
        }
        tx
    });
    let mut received = 0;
    while received < RELAY_MESSAGES {
        if let Some(Ok(Message::Text(_))) = rx.next().await {
            received += 1;
        }
    }
    let _tx = sender.await.unwrap();
    let rate = RELAY_MESSAGES as f64 / started.elapsed().as_secs_f64();
    println!("bare tokio-tungstenite echo: {RELAY_MESSAGES} messages, {rate:.0} msg/s");
    rate
}

fn median(mut rates: Vec<f64>) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

async fn idle_sockets(count: usize) {
    // Every socket comes from a handful of loopback addresses: no per-address limits.
    let baton = Baton::start(&["--demo"]);
    let addr = baton.addr;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = baton.rss_kib();
    let mut sockets = Vec::with_capacity(count);
    let started = Instant::now();
    for i in 0..count {
        // Spread clients over loopback addresses: one source address has ~28k ports.
        let source = IpAddr::V4(Ipv4Addr::new(127, 0, 1 + (i / 20_000) as u8, 1));
        let socket = TcpSocket::new_v4().unwrap();
        if socket.bind(SocketAddr::new(source, 0)).is_err() {
            println!("idle sockets: could not bind a client address after {i} sockets");
            break;
        }
        let Ok(stream) = socket.connect(addr).await else {
            println!("idle sockets: connect failed after {i} sockets");
            break;
        };
        let Ok((ws, _)) = tokio_tungstenite::client_async(
            format!("ws://{addr}/ws/visitor"),
            MaybeTlsStream::Plain(stream),
        )
        .await
        else {
            println!("idle sockets: handshake failed after {i} sockets");
            break;
        };
        sockets.push(ws);
    }
    let held = sockets.len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = baton.rss_kib();
    let per_socket = (after.saturating_sub(before) as f64 * 1024.0) / held.max(1) as f64;
    println!(
        "idle visitor sockets: {held} held open in {:.1} s; server RSS {before} KiB → {after} KiB, {:.1} KB per socket",
        started.elapsed().as_secs_f64(),
        per_socket / 1000.0
    );
    drop(sockets);
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        // Every simulated client comes from 127.0.0.1: no per-address limits.
        let limits = Limits {
            burst: 1_000_000,
            per_second: 1_000_000.0,
            agent_burst: 5_000_000,
            agent_per_second: 5_000_000.0,
            ..Limits::default()
        }
        .without_address_limits();
        let (addr, state) = start(dir.path(), limits).await;
        handoff_latency(addr, &state).await;
        let mut relay = Vec::new();
        let mut echo = Vec::new();
        for round in 0..ROUNDS {
            relay.push(relay_throughput(addr, &state, round).await);
            echo.push(echo_throughput().await);
        }
        let (relay, echo) = (median(relay), median(echo));
        println!(
            "median of {ROUNDS} rounds: relay {relay:.0} msg/s, echo {echo:.0} msg/s, relay / echo ratio: {:.2}",
            relay / echo
        );
        let count = std::env::var("BATON_BENCH_SOCKETS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(19_000);
        idle_sockets(count).await;
    });
}
