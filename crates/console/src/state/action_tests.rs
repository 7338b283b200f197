#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The agent's actions: replies and their acknowledgement, re-sends after a reconnect, close,
//! transfer, errors.

use baton_core::protocol::{AgentFrame, ErrorCode, MessageView, ServerToAgent};
use baton_core::queue::Priority;
use baton_core::transcript::Author;

use super::Conn;
use super::tests::{holding, item, message, view};

#[test]
fn a_reply_is_pending_until_its_echo() {
    let mut ws = holding();
    let frame = ws.send("t1", "m-1".into(), "  On it!  ").unwrap();
    assert_eq!(
        frame,
        AgentFrame::Message {
            ticket: "t1".into(),
            id: "m-1".into(),
            text: "On it!".into()
        }
    );
    assert!(
        ws.send("t1", "m-2".into(), "   ").is_none(),
        "blank replies are not sent"
    );
    assert!(
        ws.send("zz", "m-3".into(), "hi").is_none(),
        "only held tickets"
    );
    let long = "x".repeat(super::MAX_TEXT_BYTES + 1);
    assert!(
        ws.send("t1", "m-4".into(), &long).is_none(),
        "never a reply the server refuses"
    );
    assert_eq!(ws.held("t1").unwrap().pending.len(), 1);
    // Someone else's message does not acknowledge ours.
    ws.apply(message("t1", 40, Author::Visitor, "hello?", None), 0);
    assert_eq!(ws.held("t1").unwrap().pending.len(), 1);
    ws.apply(message("t1", 41, Author::Agent, "On it!", Some("m-1")), 0);
    let held = ws.held("t1").unwrap();
    assert!(held.pending.is_empty());
    assert_eq!(
        held.view.messages.last().unwrap().id.as_deref(),
        Some("m-1")
    );
}

#[test]
fn a_reconnect_reclaims_and_resends_what_was_not_stored() {
    let mut ws = holding();
    ws.send("t1", "m-1".into(), "stored before the drop")
        .unwrap();
    ws.send("t1", "m-2".into(), "lost in the drop").unwrap();
    ws.conn = Conn::Reconnecting { in_ms: 1_000 };
    let out = ws.apply(ServerToAgent::Welcome { name: "ana".into() }, 0);
    assert_eq!(
        out,
        [AgentFrame::Claim {
            ticket: "t1".into()
        }]
    );
    assert_eq!(ws.conn, Conn::Connected);
    let mut again = view("t1");
    let seq = again.messages.len() as u64 + 1;
    again.messages.push(MessageView {
        seq,
        from: Author::Agent,
        text: "stored before the drop".into(),
        at: 1,
        sentiment: None,
        id: Some("m-1".into()),
        unconfirmed: false,
    });
    let out = ws.apply(
        ServerToAgent::Ticket {
            view: Box::new(again),
        },
        0,
    );
    assert_eq!(
        out,
        [AgentFrame::Message {
            ticket: "t1".into(),
            id: "m-2".into(),
            text: "lost in the drop".into()
        }]
    );
    assert_eq!(ws.held("t1").unwrap().pending.len(), 1);
}

#[test]
fn closed_tickets_take_no_replies_and_can_be_dismissed() {
    let mut ws = holding();
    ws.apply(
        ServerToAgent::Typing {
            ticket: "t1".into(),
        },
        77,
    );
    assert_eq!(ws.held("t1").unwrap().typing_at, Some(77));
    assert!(ws.close("t1", "   ").is_none(), "a resolution is required");
    assert_eq!(
        ws.close("t1", "refunded"),
        Some(AgentFrame::Close {
            ticket: "t1".into(),
            resolution: "refunded".into()
        })
    );
    ws.apply(
        ServerToAgent::Closed {
            ticket: "t1".into(),
        },
        0,
    );
    let held = ws.held("t1").unwrap();
    assert!(held.closed && held.typing_at.is_none());
    assert!(ws.send("t1", "m".into(), "still there?").is_none());
    assert!(ws.open_ids().is_empty());
    assert!(
        ws.apply(ServerToAgent::Welcome { name: "ana".into() }, 0)
            .is_empty()
    );
    ws.dismiss("t1");
    assert!(ws.held.is_empty());
    assert_eq!(ws.active, None);
}

#[test]
fn a_transfer_validates_the_queue_and_lets_the_ticket_go() {
    let mut ws = holding();
    assert!(ws.transfer("t1", "Billing!").is_err());
    assert_eq!(
        ws.transfer("t1", " billing "),
        Ok(AgentFrame::Transfer {
            ticket: "t1".into(),
            queue: "billing".into()
        })
    );
    let mut moved = item("t1", Priority::High, 5_000);
    moved.queue = "billing".into();
    ws.apply(
        ServerToAgent::QueueUpdate {
            item: moved,
            waiting: 1,
        },
        0,
    );
    assert!(ws.held.is_empty());
    assert_eq!(ws.active, None);
    assert_eq!(ws.queue.len(), 1);
    assert!(
        ws.notice
            .as_ref()
            .is_some_and(|n| !n.error && n.text.contains("billing"))
    );
}

#[test]
fn a_refused_session_is_reported_and_other_errors_are_notices() {
    let mut ws = holding();
    ws.apply(
        ServerToAgent::Error {
            code: ErrorCode::NotYours,
            message: "claim first".into(),
        },
        0,
    );
    assert!(!ws.session_refused);
    assert_eq!(ws.held.len(), 1, "an unrelated error closes nothing");
    assert_eq!(
        ws.notice.as_ref().map(|n| n.text.as_str()),
        Some("claim first")
    );
    ws.apply(
        ServerToAgent::Error {
            code: ErrorCode::Login,
            message: "log in first".into(),
        },
        0,
    );
    assert!(ws.session_refused);
}
