#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use baton_core::conversation::{Conversation, Event};
use baton_core::protocol::{
    AgentFrame, ErrorCode, Handoff, MessageView, ServerToAgent, TicketView,
};
use baton_core::queue::Priority;
use baton_core::transcript::Author;

use super::Workspace;

/// A real handoff from the engine on the demo site.
pub(super) fn handoff(lines: &[&str]) -> Handoff {
    let site = baton_core::compile(include_str!("../../../../static/demo-shop.json")).unwrap();
    let mut chat = Conversation::new(Arc::new(site), "v-1");
    chat.handle(Event::Start { page: None }, 1_000);
    for (i, line) in lines.iter().enumerate() {
        chat.handle(
            Event::Text {
                text: (*line).to_owned(),
            },
            2_000 + i as u64 * 1_000,
        );
    }
    Handoff::of(&chat, None).unwrap()
}

pub(super) use baton_core::fixtures::queue_item as item;

pub(super) fn view(ticket: &str) -> TicketView {
    let handoff = handoff(&["talk to a human"]);
    let messages = handoff
        .transcript
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| MessageView {
            seq: i as u64 + 1,
            from: e.from,
            text: e.text.clone(),
            at: e.at,
            sentiment: e.sentiment,
            id: None,
            unconfirmed: e.unconfirmed,
        })
        .collect();
    TicketView {
        ticket: ticket.into(),
        queue: "general".into(),
        priority: Priority::High,
        created_at: 5_000,
        reason: handoff.escalation.reason.explain(),
        handoff,
        verified: false,
        server_trace: Vec::new(),
        disagreement: None,
        messages,
        scripts: Vec::new(),
        kb: Vec::new(),
        brand_voice: None,
    }
}

pub(super) fn message(
    ticket: &str,
    seq: u64,
    from: Author,
    text: &str,
    id: Option<&str>,
) -> ServerToAgent {
    ServerToAgent::Message {
        ticket: ticket.into(),
        seq,
        from,
        text: text.into(),
        id: id.map(str::to_owned),
        at: 9_000,
        sentiment: (from == Author::Visitor).then_some(-0.5),
    }
}

/// A workspace holding ticket `t1`, claimed through the socket.
pub(super) fn holding() -> Workspace {
    let mut ws = Workspace::new(Vec::new());
    ws.apply(ServerToAgent::Welcome { name: "ana".into() }, 0);
    ws.claim("t1");
    ws.apply(
        ServerToAgent::Ticket {
            view: Box::new(view("t1")),
        },
        0,
    );
    ws
}

pub(super) fn seqs(ws: &Workspace) -> Vec<u64> {
    ws.held("t1")
        .unwrap()
        .view
        .messages
        .iter()
        .map(|m| m.seq)
        .collect()
}

#[test]
fn the_queue_follows_snapshot_update_and_remove() {
    let mut ws = Workspace::new(Vec::new());
    let snapshot = vec![
        item("a", Priority::Urgent, 100),
        item("b", Priority::Normal, 50),
    ];
    ws.apply(
        ServerToAgent::QueueSnapshot {
            items: snapshot,
            waiting: 2,
        },
        0,
    );
    assert_eq!(ws.queue.len(), 2);
    // High, a little later than b: ahead of the normal one, behind the urgent one.
    ws.apply(
        ServerToAgent::QueueUpdate {
            item: item("c", Priority::High, 200),
            waiting: 3,
        },
        0,
    );
    // Low and old: last.
    ws.apply(
        ServerToAgent::QueueUpdate {
            item: item("d", Priority::Low, 10),
            waiting: 4,
        },
        0,
    );
    let order: Vec<&str> = ws.queue.iter().map(|i| i.ticket.as_str()).collect();
    assert_eq!(order, ["a", "c", "b", "d"]);
    // An update replaces in place (no duplicate) and re-sorts.
    ws.apply(
        ServerToAgent::QueueUpdate {
            item: item("d", Priority::Urgent, 10),
            waiting: 4,
        },
        0,
    );
    let order: Vec<&str> = ws.queue.iter().map(|i| i.ticket.as_str()).collect();
    assert_eq!(order, ["d", "a", "c", "b"]);
    ws.apply(
        ServerToAgent::QueueRemove {
            ticket: "a".into(),
            waiting: 3,
        },
        0,
    );
    ws.apply(
        ServerToAgent::QueueRemove {
            ticket: "nope".into(),
            waiting: 3,
        },
        0,
    );
    assert_eq!(ws.queue.len(), 3);
    assert_eq!(ws.waiting(), 3);
    // Tickets beyond the head the server sends change only the count.
    ws.apply(ServerToAgent::QueueCount { waiting: 40 }, 0);
    assert_eq!((ws.queue.len(), ws.waiting()), (3, 40));
    ws.apply(
        ServerToAgent::QueueSnapshot {
            items: Vec::new(),
            waiting: 0,
        },
        0,
    );
    assert!(ws.queue.is_empty());
    assert_eq!(ws.waiting(), 0);
}

#[test]
fn a_ticket_then_messages_dedupe_by_seq() {
    let mut ws = holding();
    assert_eq!(ws.active.as_deref(), Some("t1"));
    assert!(!ws.is_claiming("t1"));
    let base = seqs(&ws);
    let next = base.len() as u64 + 1;
    ws.apply(message("t1", next + 1, Author::Visitor, "second", None), 0);
    ws.apply(message("t1", next, Author::Visitor, "first", None), 0);
    ws.apply(message("t1", next, Author::Visitor, "first", None), 0);
    ws.apply(message("other", 1, Author::Visitor, "not mine", None), 0);
    let got = seqs(&ws);
    assert_eq!(got.len(), base.len() + 2);
    assert!(
        got.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates: {got:?}"
    );
    // The full ticket again (after a reconnect) replaces the thread without duplicates.
    let mut again = view("t1");
    let held = ws.held("t1").unwrap();
    again.messages = held.view.messages.clone();
    again.messages.push(held.view.messages[0].clone());
    ws.apply(
        ServerToAgent::Ticket {
            view: Box::new(again),
        },
        0,
    );
    assert_eq!(seqs(&ws), got);
    assert_eq!(ws.held.len(), 1);
}

#[test]
fn tickets_from_before_a_reload_are_claimed_once_welcomed() {
    let mut ws = Workspace::new(vec!["t9".into()]);
    assert_eq!(ws.keep_ids(), ["t9"], "kept while waiting for the socket");
    let out = ws.apply(ServerToAgent::Welcome { name: "ana".into() }, 0);
    assert_eq!(
        out,
        [AgentFrame::Claim {
            ticket: "t9".into()
        }]
    );
    assert!(ws.is_claiming("t9"));
    assert_eq!(ws.keep_ids(), ["t9"], "kept while the claim is answered");
    // It was closed meanwhile: the claim is refused, and it is not asked for again.
    ws.apply(
        ServerToAgent::Error {
            code: ErrorCode::Unavailable,
            message: "gone".into(),
        },
        0,
    );
    assert!(!ws.is_claiming("t9"));
    assert!(ws.keep_ids().is_empty());
    assert!(
        ws.notice
            .as_ref()
            .is_some_and(|n| n.error && n.text.contains("t9"))
    );
    assert!(
        ws.apply(ServerToAgent::Welcome { name: "ana".into() }, 0)
            .is_empty()
    );
}

#[test]
fn server_frames_parse_from_the_wire() {
    let json = r#"{"v":1,"type":"message","ticket":"t1","seq":99,"from":"visitor",
        "text":"<img src=x onerror=alert(1)>","at":5,"sentiment":-0.62}"#;
    let frame: baton_core::protocol::Frame<ServerToAgent> = serde_json::from_str(json).unwrap();
    let mut ws = holding();
    let before = seqs(&ws).len();
    ws.apply(frame.body, 0);
    let held = ws.held("t1").unwrap();
    assert_eq!(held.view.messages.len(), before + 1);
    assert!(
        held.view
            .messages
            .iter()
            .any(|m| m.text == "<img src=x onerror=alert(1)>")
    );
}
