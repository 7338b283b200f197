//! What the chat asks the browser for, one effect at a time and in order, and the life of a
//! handover: its secret id, the socket it needs, and starting over once it ended.

use super::*;

#[test]
fn poll_hands_out_what_the_visitor_notices_in_order_then_nothing() {
    let mut chat = Chat::restore(site(), "v-test", "h-secret".into(), Saved::default(), START);
    // Restored: save the fresh record (its visitor id), set the timers, nothing else.
    assert_eq!(effects(&mut chat), vec![Effect::Save, Effect::WakeAt(None)]);
    chat.open(None, START);
    let greeting = |text: &str| {
        Effect::Notify(Notice::Message {
            from: Author::Bot,
            text: text.into(),
        })
    };
    assert_eq!(
        effects(&mut chat),
        vec![
            Effect::Save,
            greeting("Hi! I'm the Demo Shop assistant."),
            greeting("What can I help you with?"),
            // The demo's "taking a while" trigger: just past ten minutes after the start.
            Effect::WakeAt(Some(START + 600_001)),
        ]
    );
    assert_eq!(chat.poll(), None);
    assert_eq!(
        chat.poll(),
        None,
        "and nothing more until something happens"
    );
}

#[test]
fn a_handover_is_saved_before_the_host_page_hears_of_it_then_the_socket_opens() {
    let mut chat = fresh();
    effects(&mut chat);
    chat.say("can I talk to a human please", "m1".into(), START + 1_000);
    let asked = effects(&mut chat);
    assert_eq!(asked.first(), Some(&Effect::Save), "{asked:?}");
    let escalate = asked
        .iter()
        .position(|e| matches!(e, Effect::Notify(Notice::Escalate(_))));
    let connect = asked.iter().position(|e| *e == Effect::Connect);
    assert!(
        matches!((escalate, connect), (Some(e), Some(c)) if e < c),
        "{asked:?}"
    );
    assert_eq!(
        asked.last(),
        Some(&Effect::WakeAt(None)),
        "no bot timers after the handover"
    );
    // Connecting: asked again after each change until the socket opens, then not.
    chat.page("/cart".into(), START + 2_000);
    assert!(effects(&mut chat).contains(&Effect::Connect));
    chat.on_open();
    chat.page("/help".into(), START + 3_000);
    assert!(!effects(&mut chat).contains(&Effect::Connect));
    chat.on_close();
    chat.page("/".into(), START + 4_000);
    assert!(effects(&mut chat).contains(&Effect::Connect));
}

#[test]
fn frames_go_out_in_order_and_one_taken_from_later_is_saved_after() {
    let mut chat = handed_over();
    assert!(chat.leave_email("vera@example.com"));
    effects(&mut chat);
    chat.say("are you there?", "m2".into(), START + 2_000);
    assert!(
        wires(&mut chat).is_empty(),
        "not connected: the message waits in the outbox"
    );
    chat.on_open();
    let asked = effects(&mut chat);
    let kinds: Vec<&str> = asked
        .iter()
        .map(|e| match e {
            Effect::Save => "save",
            Effect::Send(wire) => match decode(wire) {
                VisitorFrame::Hello { .. } => "hello",
                VisitorFrame::Handoff { .. } => "handoff",
                VisitorFrame::Message { .. } => "message",
                VisitorFrame::LeaveEmail { .. } => "email",
                _ => "other frame",
            },
            Effect::WakeAt(_) => "wake",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "save", "hello", "handoff", "message", "email", "save", "wake"
        ]
    );
    assert!(
        chat.handover().is_some_and(|h| h.later.is_empty()),
        "the saved record no longer holds the email frame"
    );
    // Connected, a message goes at once (and stays in the outbox until acknowledged).
    chat.say("hello?", "m3".into(), START + 3_000);
    let sent: Vec<VisitorFrame> = wires(&mut chat).iter().map(decode).collect();
    assert!(
        matches!(&sent[..], [VisitorFrame::Message { id, .. }] if id == "m3"),
        "{sent:?}"
    );
    assert!(chat.handover().is_some_and(|h| h.outbox.len() == 2));
}

#[test]
fn the_resolved_beacon_is_saved_with_the_record_that_it_went() {
    let mut chat = fresh();
    finish_order_status(&mut chat);
    let asked = effects(&mut chat);
    assert!(
        matches!(&asked[..], [Effect::Beacon(_), Effect::Save, ..]),
        "{asked:?}"
    );
    assert!(chat.saved().resolved_sent);
}

/// Something that happens to a chat, for tests that go through many.
type Change = &'static dyn Fn(&mut Chat);

#[test]
fn every_change_is_saved() {
    let mut chat = fresh();
    let changes: [(&str, Change); 8] = [
        ("open", &|c| c.open(None, START + 10)),
        ("say", &|c| c.say("hello", "m1".into(), START + 20)),
        ("choose", &|c| c.choose(0, START + 30)),
        ("identify", &|c| {
            c.identify(BTreeMap::new(), Some("t".into()), START + 40);
        }),
        ("page", &|c| c.page("/cart".into(), START + 50)),
        ("tick", &|c| c.tick(START + 60)),
        ("fetched", &|c| c.fetched(7, Err("down".into()), START + 70)),
        ("say after the handover", &|c| {
            c.say("a human please", "m2".into(), START + 80);
        }),
    ];
    for (what, change) in changes {
        effects(&mut chat);
        change(&mut chat);
        assert!(effects(&mut chat).contains(&Effect::Save), "{what}");
    }
    let live: [(&str, Change); 4] = [
        ("a frame", &|c| c.on_frame(ServerToVisitor::Closed)),
        ("a rating", &|c| {
            c.rate(5, None, "c1".into());
        }),
        ("an email", &|c| {
            c.leave_email("vera@example.com");
        }),
        ("the socket opening", &|c| c.on_open()),
    ];
    for (what, change) in live {
        effects(&mut chat);
        change(&mut chat);
        assert!(effects(&mut chat).contains(&Effect::Save), "{what}");
    }
}

#[test]
fn the_typing_indicator_goes_both_ways_without_flooding() {
    let mut chat = handed_over();
    chat.on_open();
    chat.on_frame(ServerToVisitor::AgentJoined { name: "Ana".into() });
    effects(&mut chat);
    chat.on_frame(ServerToVisitor::Typing);
    assert!(effects(&mut chat).contains(&Effect::AgentTyping));
    chat.stop_typing();
    chat.page("/cart".into(), START + 2_000);
    assert!(!effects(&mut chat).contains(&Effect::AgentTyping));

    let typing_frames = |chat: &mut Chat| {
        wires(chat)
            .iter()
            .filter(|w| decode(w) == VisitorFrame::Typing)
            .count()
    };
    chat.typing(START + 10_000);
    assert_eq!(typing_frames(&mut chat), 1);
    chat.typing(START + 11_000);
    assert_eq!(typing_frames(&mut chat), 0, "at most one every 2 s");
    chat.typing(START + 12_500);
    assert_eq!(typing_frames(&mut chat), 1);
    chat.on_close();
    chat.typing(START + 20_000);
    assert_eq!(typing_frames(&mut chat), 0, "nothing to send it on");
}

#[test]
fn the_handoff_goes_out_with_the_secret_id_not_one_made_of_what_agents_see() {
    let mut chat = handed_over();
    effects(&mut chat);
    let sent = on_open(&mut chat);
    let id = sent
        .iter()
        .find_map(|f| match f {
            VisitorFrame::Handoff { id, .. } => Some(id.clone()),
            _ => None,
        })
        .expect("the handoff is sent on open");
    assert_eq!(id, "h-secret");
    // A reload resends the same id: the server knows a retry by it.
    let mut again = Chat::restore(
        site(),
        "v-other",
        "h-new".into(),
        chat.saved().clone(),
        START,
    );
    let resent = on_open(&mut again);
    assert!(
        resent
            .iter()
            .any(|f| matches!(f, VisitorFrame::Handoff { id, .. } if id == "h-secret")),
        "{resent:?}"
    );
}

#[test]
fn an_ended_chat_opens_no_socket_and_writing_again_starts_over() {
    let mut chat = handed_over();
    chat.on_frame(ServerToVisitor::Closed);
    assert!(chat.ended());
    assert!(
        !chat.wants_socket(),
        "a closed chat with nothing to send needs no socket"
    );
    chat.rate(5, None, "c1".into());
    assert!(chat.wants_socket(), "the rating still has to go out");
    effects(&mut chat);
    chat.on_open();
    effects(&mut chat);
    assert!(
        !chat.wants_socket(),
        "once it went, the socket is not needed again"
    );

    // Writing again begins a new conversation with the bot, which hands over on its own;
    // none of its lines is shown under an old line's key (the panel would keep the old text).
    let old: Vec<String> = chat.shown().into_iter().map(|s| s.key).collect();
    chat.say("can I talk to a human please", "m9".into(), START + 61_000);
    assert!(chat.shown().iter().all(|s| !old.contains(&s.key)));
    assert!(!chat.ended());
    let handover = chat.handover().expect("the new conversation handed over");
    assert_eq!(handover.id, "h-secret-1", "a handoff id of its own");
    let sent = on_open(&mut chat);
    assert!(
        sent.iter()
            .any(|f| matches!(f, VisitorFrame::Handoff { id, .. } if id == "h-secret-1")),
        "{sent:?}"
    );
}

#[test]
fn a_lost_conversation_starts_over_for_the_same_visitor() {
    let mut chat = handed_over();
    let visitor = chat.saved().visitor.clone();
    chat.on_frame(ServerToVisitor::Error {
        code: ErrorCode::UnknownConversation,
        message: "gone".into(),
    });
    chat.say("where is my order?", "m10".into(), START + 6_000);
    assert_eq!(chat.saved().visitor, visitor);
    assert!(
        chat.handover().is_none(),
        "the bot answers the new conversation"
    );
}
