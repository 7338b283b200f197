//! Floods against a real `baton serve` process with its default limits, run by
//! `cargo xtask bench` (figures to read, not timed assertions):
//!
//! - bad logins: 2,000 clients, each from a loopback address of its own, send wrong
//!   passwords for made-up names as fast as the server answers, for 10 s. Reported: the
//!   server's peak memory, what the clients were answered, and how long two real logins
//!   took during it (each trying every 200 ms): from an address the agent logged in from
//!   before, and from one never logged in from.
//! - handoffs: 100 clients, each from its own address, open sockets and send handoffs in a
//!   loop (reconnecting when refused), from a runtime of their own. Reported: the median
//!   time from a handoff to its queue position, and from an agent's `login` frame to its
//!   queue snapshot, unloaded, while the addresses spend their bursts, and once the flood is
//!   sustained, and their ratios.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use baton_core::protocol::{AgentFrame, ServerToAgent, ServerToVisitor};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::MaybeTlsStream;

mod support;

use support::{
    Baton, Ws, client_ip, connect_from, handoff, hello_then_handoff, median, next_frame, send,
};

const PASSWORD: &str = "correct horse battery";

/// Probes per median: each is a handoff and an agent's connect.
const SAMPLES: usize = 41;

/// One `POST /api/login` on its own connection from `source`: the status, if answered.
async fn login(
    source: IpAddr,
    addr: SocketAddr,
    name: &str,
    password: &str,
) -> Option<(u16, String)> {
    let mut stream = connect_from(source, addr).await.ok()?;
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    let request = format!(
        "POST /api/login HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    Some((status, body))
}

async fn bad_logins(attackers: usize, seconds: u64) {
    let baton = Baton::start(&[]);
    let addr = baton.addr;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The agent has logged in from the office before (yesterday, say); a new colleague has
    // not logged in from anywhere yet.
    let office = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9));
    let new_colleague = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10));
    assert_eq!(
        login(office, addr, "ana", PASSWORD).await.map(|(s, _)| s),
        Some(200)
    );
    let before = baton.rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let counts: Arc<[AtomicU64; 3]> = Arc::new(Default::default());
    let mut tasks = Vec::new();
    for n in 0..attackers {
        let (stop, counts) = (Arc::clone(&stop), Arc::clone(&counts));
        tasks.push(tokio::spawn(async move {
            let source = client_ip(n);
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let name = format!("guess-{n}-{i}");
                let slot = match login(source, addr, &name, "wrong").await {
                    Some((401, _)) => 0,
                    Some((429, _)) => 1,
                    _ => 2,
                };
                counts[slot].fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Memory sampled through the flood; both real agents try every 200 ms meanwhile, from
    // one second in (the flood at full strength).
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut peak = 0;
    let mut agents = [(office, None, 0u32), (new_colleague, None, 0u32)];
    while started.elapsed() < Duration::from_secs(seconds) {
        peak = peak.max(baton.rss_kib());
        for (from, logged_in, tries) in &mut agents {
            if logged_in.is_none() {
                *tries += 1;
                if let Some((200, _)) = login(*from, addr, "ana", PASSWORD).await {
                    *logged_in = Some(started.elapsed());
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let [wrong, busy, other] = &*counts;
    println!(
        "bad logins: {attackers} clients from {attackers} addresses for {seconds} s: {} answered 401, {} answered 429, {} not answered; server memory {} MiB before, peak {} MiB (VmHWM {} MiB)",
        wrong.load(Ordering::Relaxed),
        busy.load(Ordering::Relaxed),
        other.load(Ordering::Relaxed),
        before / 1024,
        peak / 1024,
        baton.peak_rss_kib() / 1024,
    );
    for ((_, logged_in, tries), who) in agents.into_iter().zip([
        "the agent, from an address it logged in from before,",
        "a new colleague, from an address never logged in from,",
    ]) {
        match logged_in {
            Some(after) => println!(
                "bad logins: {who} logged in {:.2} s into the flood ({tries} tries, one every 200 ms from 1 s in)",
                after.as_secs_f64()
            ),
            None => println!("bad logins: {who} did not log in within {seconds} s ({tries} tries)"),
        }
    }
}

/// A visitor socket from `source`: hello, then the handoff `id`; how long from sending the
/// handoff to its queue position, or `None` if refused.
async fn hand_over(source: IpAddr, addr: SocketAddr, id: &str) -> Option<Duration> {
    let stream = connect_from(source, addr).await.ok()?;
    let (mut ws, _): (Ws, _) = tokio_tungstenite::client_async(
        format!("ws://{addr}/ws/visitor"),
        MaybeTlsStream::Plain(stream),
    )
    .await
    .ok()?;
    let started = hello_then_handoff(&mut ws, id, handoff(&format!("v-{id}"))).await;
    loop {
        match next_frame::<ServerToVisitor>(&mut ws).await? {
            ServerToVisitor::Queued { .. } => return Some(started.elapsed()),
            _ => continue,
        }
    }
}

/// An agent's socket: from its `login` frame to the queue snapshot.
async fn agent_connect(addr: SocketAddr, token: &str) -> Duration {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws/agent"))
        .await
        .unwrap();
    let started = Instant::now();
    send(
        &mut ws,
        AgentFrame::Login {
            token: token.to_owned(),
        },
    )
    .await;
    loop {
        match next_frame::<ServerToAgent>(&mut ws).await {
            Some(ServerToAgent::QueueSnapshot { .. }) => return started.elapsed(),
            Some(_) => continue,
            None => panic!("the agent socket closed"),
        }
    }
}

/// Median handoff → position and agent connect times over `samples` tries, each handoff
/// from an address of its own starting at `first`.
async fn timings(
    addr: SocketAddr,
    token: &str,
    first: usize,
    samples: usize,
) -> (Duration, Duration) {
    let mut positions = Vec::new();
    let mut connects = Vec::new();
    for i in 0..samples {
        let id = format!("probe-{first}-{i}");
        if let Some(took) = hand_over(client_ip(first + i), addr, &id).await {
            positions.push(took);
        }
        connects.push(agent_connect(addr, token).await);
    }
    (median(&mut positions), median(&mut connects))
}

async fn handoff_flood(flooders: usize, seconds: u64) {
    let baton = Baton::start(&[]);
    let addr = baton.addr;
    let agent = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9));
    let (status, body) = login(agent, addr, "ana", PASSWORD).await.unwrap();
    assert_eq!(status, 200, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    // A queue that is not empty: 200 open tickets from 20 addresses.
    for i in 0..200 {
        hand_over(client_ip(50_000 + i / 10), addr, &format!("open-{i}")).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (position, connect) = timings(addr, &token, 60_000, SAMPLES).await;
    println!(
        "handoff flood: unloaded (200 open tickets): handoff → queue position median {:.2} ms, agent login → queue snapshot median {:.2} ms",
        position.as_secs_f64() * 1e3,
        connect.as_secs_f64() * 1e3
    );
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let taken = Arc::new(AtomicU64::new(0));
    // The flood's clients run on a runtime of their own, on threads of the lowest CPU
    // priority: an attacker is on other machines, and a probe queued behind a hundred busy
    // client tasks, or the server waiting for a core the flood's clients hold, would time
    // this machine's two cores rather than the server. The flood still takes every cycle
    // the server and the probes leave.
    let flood = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_start(lowest_priority)
        .enable_all()
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for n in 0..flooders {
        let (stop, sent, taken) = (Arc::clone(&stop), Arc::clone(&sent), Arc::clone(&taken));
        tasks.push(flood.spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                sent.fetch_add(1, Ordering::Relaxed);
                if hand_over(client_ip(n), addr, &format!("flood-{n}-{i}"))
                    .await
                    .is_some()
                {
                    taken.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    // Twice: one second in, while each address spends its burst of handoffs (~2,000 new
    // tickets), and again once only the refill (one per 5 s) is left to spend.
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (burst_position, burst_connect) = timings(addr, &token, 70_000, SAMPLES).await;
    tokio::time::sleep(Duration::from_secs(seconds / 2).saturating_sub(started.elapsed())).await;
    let (loaded_position, loaded_connect) = timings(addr, &token, 80_000, SAMPLES).await;
    tokio::time::sleep(Duration::from_secs(seconds).saturating_sub(started.elapsed())).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    flood.shutdown_background();
    println!(
        "handoff flood: {flooders} sockets from {flooders} addresses sent {} handoffs, {} taken (the rest refused by the per-address limit)",
        sent.load(Ordering::Relaxed),
        taken.load(Ordering::Relaxed),
    );
    for (phase, loaded_position, loaded_connect) in [
        ("during the bursts", burst_position, burst_connect),
        ("sustained", loaded_position, loaded_connect),
    ] {
        println!(
            "handoff flood: loaded, {phase}: handoff → queue position median {:.2} ms ({:.2}× unloaded), agent login → queue snapshot median {:.2} ms ({:.2}× unloaded)",
            loaded_position.as_secs_f64() * 1e3,
            loaded_position.as_secs_f64() / position.as_secs_f64(),
            loaded_connect.as_secs_f64() * 1e3,
            loaded_connect.as_secs_f64() / connect.as_secs_f64(),
        );
    }
}

/// Gives the calling thread the lowest CPU priority (Linux: a nice value is per thread;
/// `/proc/thread-self` names the thread as `PID/task/TID`). Without `renice` the thread
/// keeps its priority, and the bench says so.
fn lowest_priority() {
    let tid = std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|p| Some(p.file_name()?.to_string_lossy().into_owned()));
    let reniced = tid.is_some_and(|tid| {
        std::process::Command::new("renice")
            .args(["-n", "19", "-p", &tid])
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !reniced {
        eprintln!(
            "handoff flood: could not lower a flood thread's priority; the flood's clients compete with the server for the cores"
        );
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        bad_logins(2_000, 10).await;
        handoff_flood(100, 15).await;
    });
}
