use baton_core::protocol::{ErrorCode, ServerToVisitor};

use super::*;

const START: Millis = 1_767_225_600_000;

fn site() -> Arc<Site> {
    let source = include_str!("../../static/demo-shop.json");
    match baton_core::config::compile(source) {
        Ok(site) => Arc::new(site),
        Err(e) => panic!("the demo config compiles: {e}"),
    }
}

fn fresh() -> Chat {
    let mut chat = Chat::restore(site(), "v-test", "h-secret".into(), Saved::default(), START);
    chat.open(None, START);
    chat
}

/// Everything the chat asks for now, in order, as the shell's loop takes it.
fn effects(chat: &mut Chat) -> Vec<Effect> {
    let mut effects = Vec::new();
    while let Some(effect) = chat.poll() {
        effects.push(effect);
        assert!(effects.len() < 100, "poll ends: {effects:?}");
    }
    effects
}

/// A frame as the server reads it (the widget itself only encodes).
fn decode(wire: &Wire) -> VisitorFrame {
    match serde_json::from_str::<baton_core::protocol::Frame<VisitorFrame>>(wire.text()) {
        Ok(frame) => frame.body,
        Err(e) => panic!("an encoded frame parses ({e}): {}", wire.text()),
    }
}

/// The frames among the effects the chat asks for now.
fn wires(chat: &mut Chat) -> Vec<Wire> {
    effects(chat)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Send(wire) => Some(wire),
            _ => None,
        })
        .collect()
}

/// What a socket opening now sends, decoded.
fn on_open(chat: &mut Chat) -> Vec<VisitorFrame> {
    chat.on_open();
    wires(chat).iter().map(decode).collect()
}

/// The site API call the chat asks for now, if any.
fn fetch(chat: &mut Chat) -> Option<FetchRequest> {
    effects(chat).into_iter().find_map(|e| match e {
        Effect::Fetch(request) => Some(request),
        _ => None,
    })
}

/// What the host page hears now.
fn notices(chat: &mut Chat) -> Vec<Notice> {
    effects(chat)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Notify(notice) => Some(notice),
            _ => None,
        })
        .collect()
}

/// The outcome beacon the chat sends now (while the page stays), if any.
fn beacon(chat: &mut Chat) -> Option<String> {
    effects(chat).into_iter().find_map(|e| match e {
        Effect::Beacon(body) => Some(body),
        _ => None,
    })
}

fn texts(chat: &Chat) -> Vec<String> {
    chat.shown().into_iter().map(|s| s.text).collect()
}

/// The server's answer to a handoff: welcome, then the queue (or nobody online).
fn welcomed(chat: &mut Chat, agents_online: bool) {
    chat.on_frame(ServerToVisitor::Welcome {
        conversation: "t1".into(),
        resume: "r1".into(),
    });
    chat.on_frame(ServerToVisitor::Queued {
        position: 2,
        agents_online,
    });
}

/// Drives a chat into the handover with an explicit request for a person.
fn handed_over() -> Chat {
    let mut chat = fresh();
    chat.say("can I talk to a human please", "m1".into(), START + 1_000);
    assert!(chat.handover().is_some(), "asking for a person hands over");
    chat
}

#[test]
fn greets_once_and_offers_the_menu() {
    let mut chat = fresh();
    chat.open(None, START + 5);
    let shown = texts(&chat);
    assert_eq!(shown[0], "Hi! I'm the Demo Shop assistant.");
    assert_eq!(
        shown.len(),
        2,
        "a second open does not greet again: {shown:?}"
    );
    assert_eq!(chat.choices().len(), 3);
}

#[test]
fn order_status_asks_validates_and_looks_up() {
    let mut chat = fresh();
    chat.choose(0, START + 1_000);
    chat.say("no idea", "m1".into(), START + 2_000);
    assert!(
        texts(&chat)
            .last()
            .is_some_and(|t| t.contains("two letters"))
    );
    chat.say("AB123456", "m2".into(), START + 3_000);
    let request = fetch(&mut chat).expect("a lookup is asked for");
    assert_eq!(request.url, "/demo/api/orders/AB123456");
    chat.page("/cart".into(), START + 3_100);
    assert!(fetch(&mut chat).is_none(), "handed out once");
    chat.fetched(
        request.id,
        Ok(serde_json::json!({"status": "shipped", "eta": "Friday"})),
        START + 3_500,
    );
    assert!(
        texts(&chat)
            .iter()
            .any(|t| t == "Order AB123456 is shipped. Expected delivery: Friday.")
    );
}

#[test]
fn a_reload_rebuilds_the_same_conversation() {
    let mut chat = fresh();
    chat.choose(1, START + 1_000);
    chat.say("vera@example.com", "m1".into(), START + 2_000);
    let before = chat.shown();
    let saved = serde_json::to_string(chat.saved()).expect("serialises");
    let saved: Saved = serde_json::from_str(&saved).expect("reads back");
    let mut again = Chat::restore(site(), "v-test", "h-secret".into(), saved, START);
    assert_eq!(again.shown(), before);
    // The password reset call was in flight: the rebuilt chat asks for it again.
    let asked = effects(&mut again);
    assert!(
        asked.iter().any(|e| matches!(e, Effect::Fetch(_))),
        "{asked:?}"
    );
    assert!(
        !asked.iter().any(|e| matches!(e, Effect::Notify(_))),
        "nothing is announced twice: {asked:?}"
    );
}

#[test]
fn a_reload_before_the_welcome_sends_the_same_handoff_again() {
    let mut chat = handed_over();
    chat.leave_email("vera@example.com");
    let saved = serde_json::to_string(chat.saved()).expect("serialises");
    chat.on_open();
    let first = wires(&mut chat);
    let saved: Saved = serde_json::from_str(&saved).expect("reads back");
    let mut again = Chat::restore(site(), "v-test", "h-secret".into(), saved, START);
    effects(&mut again);
    again.on_open();
    let resent = wires(&mut again);
    // The same handoff frame, byte for byte (same id: the server makes no second ticket).
    assert_eq!(resent.get(1), first.get(1));
    assert!(resent[1].text().contains(r#""type":"handoff""#));
}

#[test]
fn an_old_or_foreign_record_starts_afresh() {
    let mut chat = fresh();
    chat.say("hello there", "m1".into(), START + 1_000);
    let mut saved = chat.saved().clone();
    saved.version = 99;
    let mut chat = Chat::restore(site(), "v-other", "h-secret".into(), saved, START);
    chat.open(None, START);
    assert_eq!(chat.shown().len(), 2);
    assert_eq!(chat.saved().visitor, "v-other");
    // The visitor id survives a reload.
    let again = Chat::restore(
        site(),
        "v-third",
        "h-secret".into(),
        chat.saved().clone(),
        START,
    );
    assert_eq!(again.saved().visitor, "v-other");
}

#[test]
fn a_card_number_never_leaves_in_a_frame() {
    let mut chat = fresh();
    chat.say(
        "my card 4111 1111 1111 1111 was charged",
        "m1".into(),
        START + 1_000,
    );
    chat.say("can I talk to a human please", "m2".into(), START + 2_000);
    chat.on_open();
    let frames: Vec<String> = wires(&mut chat)
        .iter()
        .map(|w| w.text().to_owned())
        .collect();
    let frames = frames.join("\n");
    assert!(
        frames.contains("was charged"),
        "the handoff carries the message: {frames}"
    );
    assert!(!frames.contains("4111"), "{frames}");
    chat.say("card 4111111111111111", "m3".into(), START + 3_000);
    let sent = wires(&mut chat);
    assert_eq!(sent.len(), 1, "sent after the handover: {sent:?}");
    assert!(!sent[0].text().contains("4111111111111111"), "{sent:?}");
    let saved = serde_json::to_string(chat.saved()).expect("serialises");
    assert!(!saved.contains("4111111111111111"), "nor in the outbox");
}

#[test]
fn the_handover_carries_the_transcript_and_reason() {
    let mut chat = handed_over();
    let notices = notices(&mut chat);
    assert!(
        notices
            .iter()
            .any(|n| matches!(n, Notice::Escalate(why) if why.contains("human"))),
        "{notices:?}"
    );
    let frames = on_open(&mut chat);
    assert!(
        matches!(&frames[0], VisitorFrame::Hello { resume: None, last_seq, .. } if *last_seq > 0)
    );
    let VisitorFrame::Handoff { handoff, .. } = &frames[1] else {
        panic!("the handoff follows hello: {frames:?}");
    };
    assert!(
        handoff
            .transcript
            .entries
            .iter()
            .any(|e| e.text == "can I talk to a human please")
    );
    assert!(chat.choices().is_empty());
}

#[test]
fn live_chat_acknowledges_and_never_duplicates() {
    let mut chat = handed_over();
    // Until the server acknowledges the handoff, the socket is opened for one (`?handoff`).
    assert!(chat.sends_handoff());
    let first = on_open(&mut chat);
    let VisitorFrame::Hello { last_seq, .. } = first[0] else {
        panic!("hello first");
    };
    welcomed(&mut chat, true);
    assert!(!chat.sends_handoff(), "after welcome, sockets are plain");
    assert_eq!(
        chat.handover().map(|h| h.stage.clone()),
        Some(Stage::Queued { position: 2 })
    );
    chat.on_frame(ServerToVisitor::AgentJoined { name: "Ana".into() });
    chat.say("hello?", "m2".into(), START + 5_000);
    // Reconnect before the acknowledgement: hello resumes, the message is sent again.
    let again = on_open(&mut chat);
    assert!(matches!(&again[0], VisitorFrame::Hello { resume: Some(r), .. } if r == "r1"));
    assert!(matches!(&again[1], VisitorFrame::Message { id, .. } if id == "m2"));
    assert_eq!(again.len(), 2, "no second handoff: {again:?}");
    let ack = ServerToVisitor::Message {
        seq: last_seq + 1,
        from: Author::Visitor,
        text: "hello?".into(),
        id: Some("m2".into()),
        at: START + 5_001,
    };
    chat.on_frame(ack.clone());
    chat.on_frame(ack);
    let reply = ServerToVisitor::Message {
        seq: last_seq + 2,
        from: Author::Agent,
        text: "Hi, Ana here.".into(),
        id: None,
        at: START + 6_000,
    };
    chat.on_frame(reply.clone());
    chat.on_frame(reply);
    let shown = chat.shown();
    assert_eq!(shown.iter().filter(|s| s.text == "hello?").count(), 1);
    assert_eq!(
        shown.iter().filter(|s| s.text == "Hi, Ana here.").count(),
        1
    );
    assert!(shown.iter().all(|s| !s.pending));
    assert!(chat.handover().is_some_and(|h| h.outbox.is_empty()));
}

#[test]
fn offline_then_email_then_rating() {
    let mut chat = handed_over();
    on_open(&mut chat);
    welcomed(&mut chat, false);
    assert_eq!(
        chat.handover().map(|h| h.stage.clone()),
        Some(Stage::Offline)
    );
    assert!(!chat.leave_email("not an address"));
    assert!(chat.leave_email("vera@example.com"));
    assert!(!chat.leave_email("vera@example.com"), "once");
    chat.on_frame(ServerToVisitor::Closed);
    assert!(!chat.rate(7, None, "c1".into()));
    assert!(chat.rate(5, Some("great".into()), "c1".into()));
    assert!(!chat.rate(4, None, "c2".into()), "rated once");
    // Both wait in `later` until a socket carries them.
    let frames = on_open(&mut chat);
    assert_eq!(
        frames
            .iter()
            .filter(|f| matches!(
                f,
                VisitorFrame::LeaveEmail { .. } | VisitorFrame::Csat { .. }
            ))
            .count(),
        2
    );
    assert!(on_open(&mut chat).len() == 1, "sent once");
}

#[test]
fn an_unknown_conversation_stops_the_socket() {
    let mut chat = handed_over();
    assert!(chat.wants_socket());
    chat.on_frame(ServerToVisitor::Error {
        code: ErrorCode::UnknownConversation,
        message: "gone".into(),
    });
    assert!(!chat.wants_socket());
}

#[test]
fn three_misunderstandings_hand_over() {
    let mut chat = fresh();
    for (i, text) in ["blorp", "zzzz qqq", "wibble wobble"].iter().enumerate() {
        chat.say(text, format!("m{i}"), START + 1_000 * (i as u64 + 1));
    }
    assert!(chat.handover().is_some(), "{:?}", texts(&chat));
}

#[test]
fn a_sensitive_keyword_hands_over() {
    let mut chat = fresh();
    chat.say("I will call my lawyer", "m1".into(), START + 1_000);
    assert!(chat.handover().is_some());
}

/// Order status, then "No, that's all": the journey ends at the goodbye.
fn finish_order_status(chat: &mut Chat) {
    chat.choose(0, START + 1_000);
    chat.say("AB123456", "m1".into(), START + 2_000);
    let request = fetch(chat).expect("a lookup");
    chat.fetched(
        request.id,
        Ok(serde_json::json!({"status": "shipped", "eta": "Friday"})),
        START + 2_500,
    );
    chat.choose(1, START + 3_000);
}

#[test]
fn the_outcome_beacon_says_open_on_leaving_and_resolved_once() {
    let mut chat = fresh();
    assert_eq!(beacon(&mut chat), None, "nothing to say while chatting");
    let open = chat.leaving().expect("leaving mid-conversation");
    let report: OutcomeReport = serde_json::from_str(&open).expect("a report");
    assert_eq!(report.outcome, Outcome::Open);
    assert_eq!(
        (report.visitor.as_str(), report.started_at),
        ("v-test", START)
    );

    finish_order_status(&mut chat);
    let done = beacon(&mut chat).expect("the journey ended");
    let report: OutcomeReport = serde_json::from_str(&done).expect("a report");
    assert_eq!(report.outcome, Outcome::Resolved);
    assert!(!report.transcript.is_empty());
    chat.page("/cart".into(), START + 4_000);
    assert_eq!(beacon(&mut chat), None, "sent once");
    assert_eq!(chat.leaving(), None, "and not again on leaving");
    let reloaded = Chat::restore(
        site(),
        "other",
        "h-secret".into(),
        chat.saved().clone(),
        START,
    );
    assert!(reloaded.saved().resolved_sent, "a reload remembers it went");
}

#[test]
fn a_journey_that_asks_for_a_rating_sends_it_with_the_beacon_once() {
    let mut chat = fresh();
    assert!(!chat.rate(5, None, "c0".into()), "nothing to rate yet");
    finish_order_status(&mut chat);
    assert!(
        chat.wants_bot_rating(),
        "the demo's goodbye asks for a rating"
    );
    let first = beacon(&mut chat).expect("resolved");
    let report: OutcomeReport = serde_json::from_str(&first).expect("a report");
    assert_eq!(report.csat, None);
    assert!(!chat.rate(9, None, "c1".into()), "1 to 5 only");
    assert!(chat.rate(4, Some("  ".into()), "c1".into()));
    assert!(!chat.wants_bot_rating() && chat.bot_rated());
    let rated = beacon(&mut chat).expect("again, with the rating");
    let report: OutcomeReport = serde_json::from_str(&rated).expect("a report");
    assert_eq!((report.csat, report.csat_comment), (Some(4), None));
    assert!(!chat.rate(5, None, "c2".into()), "once");
    assert_eq!(beacon(&mut chat), None);
    let reloaded = Chat::restore(
        site(),
        "other",
        "h-secret".into(),
        chat.saved().clone(),
        START,
    );
    assert!(reloaded.bot_rated() && !reloaded.wants_bot_rating());
}

#[test]
fn a_handed_over_chat_sends_no_beacon() {
    let mut chat = handed_over();
    assert_eq!(chat.leaving(), None);
    assert_eq!(beacon(&mut chat), None);
}

mod poll;
mod storage;
