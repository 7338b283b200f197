//! Exactly-once delivery across dropped sockets: a proptest drops the visitor's or the
//! agent's socket at random points (often right after a send, before its acknowledgement)
//! and checks that in the end both sides hold every message exactly once and the store holds
//! each message once.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use baton_core::protocol::{AgentFrame, ServerToAgent, ServerToVisitor, VisitorFrame};
use baton_core::transcript::Author;
use common::*;
use futures_util::StreamExt;
use proptest::prelude::*;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Clone, Copy)]
enum Step {
    VisitorSays,
    AgentSays,
    DropVisitor,
    DropAgent,
    Read,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::VisitorSays),
        3 => Just(Step::AgentSays),
        1 => Just(Step::DropVisitor),
        1 => Just(Step::DropAgent),
        2 => Just(Step::Read),
    ]
}

/// One side's view: messages by seq, and sent messages not yet acknowledged.
#[derive(Default)]
struct Side {
    seen: BTreeMap<u64, (Author, String)>,
    duplicates: Vec<u64>,
    outbox: Vec<(String, String)>,
}

impl Side {
    fn record(&mut self, seq: u64, from: Author, text: String, id: Option<String>, strict: bool) {
        if self.seen.insert(seq, (from, text)).is_some() && strict {
            self.duplicates.push(seq);
        }
        if let Some(id) = id {
            self.outbox.retain(|(pending, _)| *pending != id);
        }
    }

    fn last(&self) -> u64 {
        self.seen.keys().next_back().copied().unwrap_or(0)
    }
}

struct Visitor {
    ws: Option<Ws>,
    resume: String,
    side: Side,
}

struct Agent {
    ws: Option<Ws>,
    token: String,
    ticket: String,
    side: Side,
}

impl Visitor {
    async fn ensure(&mut self, addr: std::net::SocketAddr) {
        if self.ws.is_some() {
            return;
        }
        let mut ws = connect(addr, "/ws/visitor").await;
        send_visitor(
            &mut ws,
            VisitorFrame::Hello {
                site: "demo-shop".into(),
                resume: Some(self.resume.clone()),
                last_seq: self.side.last(),
            },
        )
        .await;
        for (id, text) in self.side.outbox.clone() {
            send_visitor(&mut ws, VisitorFrame::Message { id, text }).await;
        }
        self.ws = Some(ws);
    }

    /// Reads what has arrived; the server must never resend a seq this side already holds.
    async fn read(&mut self) {
        let Some(ws) = self.ws.as_mut() else { return };
        while let Ok(Some(Ok(message))) =
            tokio::time::timeout(Duration::from_millis(30), ws.next()).await
        {
            let Message::Text(text) = message else {
                continue;
            };
            let frame: baton_core::protocol::Frame<ServerToVisitor> =
                serde_json::from_str(&text).unwrap();
            if let ServerToVisitor::Message {
                seq,
                from,
                text,
                id,
                ..
            } = frame.body
            {
                self.side.record(seq, from, text, id, true);
            }
        }
    }
}

impl Agent {
    async fn ensure(&mut self, addr: std::net::SocketAddr) {
        if self.ws.is_some() {
            return;
        }
        let (mut ws, _) = agent_socket(addr, &self.token).await;
        send_agent(
            &mut ws,
            AgentFrame::Claim {
                ticket: self.ticket.clone(),
            },
        )
        .await;
        for (id, text) in self.side.outbox.clone() {
            send_agent(
                &mut ws,
                AgentFrame::Message {
                    ticket: self.ticket.clone(),
                    id,
                    text,
                },
            )
            .await;
        }
        self.ws = Some(ws);
    }

    /// Reads what has arrived. A claim resends the whole ticket by design (the workspace
    /// rebuilds its view from it), so only live messages count as duplicates.
    async fn read(&mut self) {
        let Some(ws) = self.ws.as_mut() else { return };
        while let Ok(Some(Ok(message))) =
            tokio::time::timeout(Duration::from_millis(30), ws.next()).await
        {
            let Message::Text(text) = message else {
                continue;
            };
            let frame: baton_core::protocol::Frame<ServerToAgent> =
                serde_json::from_str(&text).unwrap();
            match frame.body {
                ServerToAgent::Ticket { view } => {
                    for m in view.messages {
                        self.side.record(m.seq, m.from, m.text, m.id, false);
                    }
                }
                ServerToAgent::Message {
                    seq,
                    from,
                    text,
                    id,
                    ..
                } => self.side.record(seq, from, text, id, true),
                _ => {}
            }
        }
    }
}

async fn run(steps: Vec<Step>) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    server.add_agent("ana", "correct horse").await;
    let token = server.login("ana", "correct horse").await.unwrap();
    let (ws, ticket, resume, len) =
        hand_over(server.addr, "h", handoff("v", &["talk to a human"], None)).await;
    let mut visitor = Visitor {
        ws: Some(ws),
        resume,
        side: Side::default(),
    };
    // The visitor holds the transcript it handed over.
    for seq in 1..=len {
        visitor
            .side
            .seen
            .insert(seq, (Author::System, String::new()));
    }
    let mut agent = Agent {
        ws: None,
        token,
        ticket,
        side: Side::default(),
    };
    agent.ensure(server.addr).await;
    let (mut from_visitor, mut from_agent) = (0, 0);
    for step in steps {
        match step {
            Step::VisitorSays => {
                visitor.ensure(server.addr).await;
                from_visitor += 1;
                let (id, text) = (
                    format!("v{from_visitor}"),
                    format!("visitor message {from_visitor}"),
                );
                visitor.side.outbox.push((id.clone(), text.clone()));
                send_visitor(
                    visitor.ws.as_mut().unwrap(),
                    VisitorFrame::Message { id, text },
                )
                .await;
            }
            Step::AgentSays => {
                agent.ensure(server.addr).await;
                from_agent += 1;
                let (id, text) = (
                    format!("a{from_agent}"),
                    format!("agent message {from_agent}"),
                );
                agent.side.outbox.push((id.clone(), text.clone()));
                let ticket = agent.ticket.clone();
                send_agent(
                    agent.ws.as_mut().unwrap(),
                    AgentFrame::Message { ticket, id, text },
                )
                .await;
            }
            // Dropped without reading: acknowledgements in flight are lost.
            Step::DropVisitor => visitor.ws = None,
            Step::DropAgent => agent.ws = None,
            Step::Read => {
                visitor.read().await;
                agent.read().await;
            }
        }
    }
    let expected = len + from_visitor + from_agent;
    for _ in 0..100 {
        visitor.ensure(server.addr).await;
        agent.ensure(server.addr).await;
        visitor.read().await;
        agent.read().await;
        if visitor.side.last() == expected && agent.side.seen.len() as u64 == expected {
            break;
        }
    }
    let stored = server
        .state
        .store
        .messages_after(&agent.ticket, 0)
        .await
        .unwrap();
    assert_eq!(
        stored.len() as u64,
        expected,
        "each message stored exactly once"
    );
    assert_eq!(
        visitor.side.seen.len() as u64,
        expected,
        "the visitor lost nothing"
    );
    assert_eq!(
        agent.side.seen.len() as u64,
        expected,
        "the agent lost nothing"
    );
    assert!(
        visitor.side.duplicates.is_empty(),
        "the visitor got seqs twice: {:?}",
        visitor.side.duplicates
    );
    assert!(
        agent.side.duplicates.is_empty(),
        "the agent got live seqs twice: {:?}",
        agent.side.duplicates
    );
    assert!(
        visitor.side.outbox.is_empty() && agent.side.outbox.is_empty(),
        "every send was acknowledged"
    );
    for m in &stored {
        let (author, text) = &agent.side.seen[&m.seq];
        assert_eq!((author, text), (&m.author, &m.text));
    }
    server.stop().await;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn no_message_is_lost_or_duplicated_across_drops(steps in prop::collection::vec(step(), 1..30)) {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(run(steps));
    }
}

/// `baton serve` as a child process.
struct Process {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Process {
    fn start(data: &std::path::Path) -> Process {
        use std::io::BufRead;
        let config =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/demo-shop.json");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(["serve", "--addr", "127.0.0.1:0", "--config"])
            .arg(&config)
            .arg("--data")
            .arg(data)
            .env("BATON_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .trim()
            .strip_prefix("baton: listening on http://")
            .unwrap()
            .parse()
            .unwrap();
        Process { child, addr }
    }

    /// SIGKILL: no graceful shutdown, no flush beyond what was committed.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

#[tokio::test]
async fn nothing_acknowledged_is_lost_when_the_server_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut add = std::process::Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["agent", "add", "ana", "--password-stdin", "--data"])
        .arg(&data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    add.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse\n")
        .unwrap();
    assert!(add.wait().unwrap().success());

    let server = Process::start(&data);
    // Another process: over HTTP with a real client.
    let login = format!("http://{}/api/login", server.addr);
    let (status, session) = tokio::task::spawn_blocking(move || {
        let body = serde_json::json!({"name": "ana", "password": "correct horse"}).to_string();
        let response = ureq::post(&login)
            .set("Content-Type", "application/json")
            .send_string(&body)
            .unwrap();
        (response.status(), response.into_string().unwrap())
    })
    .await
    .unwrap();
    assert_eq!(status, 200);
    let token = serde_json::from_str::<serde_json::Value>(&session).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (ws, ticket, resume, len) = hand_over(
        server.addr,
        "h-kill",
        handoff("v-kill", &["talk to a human"], None),
    )
    .await;
    let mut visitor = Visitor {
        ws: Some(ws),
        resume,
        side: Side::default(),
    };
    for seq in 1..=len {
        visitor
            .side
            .seen
            .insert(seq, (Author::System, String::new()));
    }
    let mut agent = Agent {
        ws: None,
        token,
        ticket,
        side: Side::default(),
    };
    agent.ensure(server.addr).await;
    // Acknowledged traffic both ways.
    for i in 1..=3 {
        visitor
            .side
            .outbox
            .push((format!("v{i}"), format!("before {i}")));
        send_visitor(
            visitor.ws.as_mut().unwrap(),
            VisitorFrame::Message {
                id: format!("v{i}"),
                text: format!("before {i}"),
            },
        )
        .await;
        agent
            .side
            .outbox
            .push((format!("a{i}"), format!("reply {i}")));
        let t = agent.ticket.clone();
        send_agent(
            agent.ws.as_mut().unwrap(),
            AgentFrame::Message {
                ticket: t,
                id: format!("a{i}"),
                text: format!("reply {i}"),
            },
        )
        .await;
    }
    for _ in 0..20 {
        visitor.read().await;
        agent.read().await;
    }
    assert!(
        visitor.side.outbox.is_empty() && agent.side.outbox.is_empty(),
        "acknowledged before the kill"
    );
    // In flight when the server dies: maybe stored, maybe not, never acknowledged yet.
    visitor.side.outbox.push(("v4".into(), "during".into()));
    send_visitor(
        visitor.ws.as_mut().unwrap(),
        VisitorFrame::Message {
            id: "v4".into(),
            text: "during".into(),
        },
    )
    .await;
    server.kill();
    visitor.ws = None;
    agent.ws = None;

    let restarted = Process::start(&data);
    for _ in 0..50 {
        visitor.ensure(restarted.addr).await;
        agent.ensure(restarted.addr).await;
        visitor.read().await;
        agent.read().await;
        if visitor.side.outbox.is_empty()
            && visitor.side.last() == len + 7
            && agent.side.seen.len() as u64 == len + 7
        {
            break;
        }
    }
    assert_eq!(
        visitor.side.last(),
        len + 7,
        "the visitor has every message"
    );
    assert_eq!(
        agent.side.seen.len() as u64,
        len + 7,
        "the agent has every message"
    );
    assert!(visitor.side.duplicates.is_empty() && agent.side.duplicates.is_empty());
    assert!(
        visitor.side.outbox.is_empty(),
        "the in-flight message was delivered after the restart"
    );
    let texts: Vec<&str> = agent.side.seen.values().map(|(_, t)| t.as_str()).collect();
    for text in ["before 1", "before 3", "reply 2", "reply 3", "during"] {
        assert_eq!(
            texts.iter().filter(|t| **t == text).count(),
            1,
            "`{text}` exactly once"
        );
    }
    restarted.kill();
}
