//! What the widget keeps in the browser: no card number in any form, never the signed token,
//! and nothing older than the site's `remember_hours`.

use super::*;

/// Card numbers as visitors type them, in the formats the redactor must catch.
const CARDS: [&str; 4] = [
    "4111 1111 1111 1111",
    "4111.1111.1111.1111",
    "4111\u{a0}1111\u{a0}1111\u{a0}1111",
    "٤١١١١١١١١١١١١١١١",
];

/// Every form a card number in `text` could take once saved: as typed, digits only.
fn holds_card(text: &str) -> bool {
    let ascii: String = text
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            // Arabic-Indic digits, the other script the cards above use.
            '\u{660}'..='\u{669}' => char::from_u32(u32::from(c) - 0x660 + u32::from('0')),
            _ => None,
        })
        .collect();
    ascii.contains("4111111111111111")
}

fn saved_text(chat: &Chat) -> String {
    serde_json::to_string(chat.saved()).expect("serialises")
}

#[test]
fn a_card_typed_to_the_bot_or_the_person_is_never_saved() {
    for card in CARDS {
        let mut chat = fresh();
        chat.say(
            &format!("my card is {card} thanks"),
            "m0".into(),
            START + 500,
        );
        chat.identify(
            BTreeMap::from([
                ("note".into(), Value::from(card)),
                ("pan".into(), 4111111111111111u64.into()),
            ]),
            None,
            START + 600,
        );
        chat.page(format!("/pay/{card}"), START + 700);
        assert!(
            !holds_card(&saved_text(&chat)),
            "{card}: {}",
            saved_text(&chat)
        );
        // The engine still saw what was typed: only the saved copy is redacted.
        assert!(chat.shown().iter().any(|s| s.text.contains(card)));

        chat.say("I want to talk to a human", "m1".into(), START + 1_000);
        assert!(chat.handover().is_some());
        chat.say(&format!("it is {card}"), "m2".into(), START + 2_000);
        chat.on_frame(ServerToVisitor::Closed);
        assert!(chat.rate(
            2,
            Some(format!("card {card} was charged twice")),
            "c".into()
        ));
        let sent: Vec<String> = on_open(&mut chat)
            .iter()
            .map(|f| serde_json::to_string(f).expect("encodes"))
            .collect();
        for text in sent.iter().chain([&saved_text(&chat)]) {
            assert!(!holds_card(text), "{card}: {text}");
        }
    }
}

#[test]
fn an_email_typed_to_the_bot_is_kept_so_a_reload_can_call_the_site_again() {
    let mut chat = fresh();
    chat.choose(1, START + 1_000);
    chat.say("vera@example.com", "m1".into(), START + 2_000);
    assert!(saved_text(&chat).contains("vera@example.com"));
}

#[test]
fn the_signed_token_goes_with_the_handoff_and_is_never_saved() {
    let mut chat = fresh();
    let attributes = BTreeMap::from([("plan".into(), Value::from("gold"))]);
    chat.identify(
        attributes.clone(),
        Some("eyJ.signed.token".into()),
        START + 500,
    );
    chat.say("I want to talk to a human", "m1".into(), START + 1_000);
    assert!(!saved_text(&chat).contains("eyJ.signed.token"));
    let handoff = |frames: Vec<VisitorFrame>| {
        frames.into_iter().find_map(|f| match f {
            VisitorFrame::Handoff { handoff, .. } => Some(handoff.token),
            _ => None,
        })
    };
    assert_eq!(
        handoff(on_open(&mut chat)),
        Some(Some("eyJ.signed.token".into()))
    );
    chat.on_close();

    // A reload before the welcome: the saved frame has no token, so it goes unsigned until
    // the host page identifies the visitor again, as it does on every page view.
    let saved = chat.saved().clone();
    let mut again = Chat::restore(site(), "v-test", "h-secret".into(), saved.clone(), START);
    effects(&mut again);
    assert_eq!(handoff(on_open(&mut again)), Some(None));
    again.on_close();
    again.identify(attributes, Some("eyJ.signed.token".into()), START + 2_000);
    assert_eq!(
        handoff(on_open(&mut again)),
        Some(Some("eyJ.signed.token".into()))
    );
    assert!(!saved_text(&again).contains("eyJ.signed.token"));
}

#[test]
fn a_record_idle_longer_than_the_site_remembers_starts_afresh() {
    let mut chat = fresh();
    chat.say("hello there", "m1".into(), START + 1_000);
    let saved = chat.saved().clone();
    assert_eq!(saved.saved_at, START + 1_000);
    let keep = site().remember_for;
    assert_eq!(keep, 24 * 3_600_000, "the default is a day");
    let within = Chat::restore(
        site(),
        "v-new",
        "h".into(),
        saved.clone(),
        START + 1_000 + keep,
    );
    assert_eq!(within.shown(), chat.shown());
    let past = Chat::restore(site(), "v-new", "h".into(), saved, START + 1_001 + keep);
    assert!(past.shown().is_empty());
    assert_eq!(past.saved().visitor, "v-new", "nothing of it is read back");
}
