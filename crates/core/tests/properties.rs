//! Properties of the engine on arbitrary input: it never panics, it is deterministic, and a
//! handoff never carries a card number.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use baton_core::conversation::{Conversation, Event, Output};
use baton_core::protocol::Handoff;
use baton_core::redact::luhn_valid;
use baton_core::{Millis, Site};
use proptest::prelude::*;
use serde_json::Value;

/// The demo site, compiled once for all cases.
fn demo() -> Arc<Site> {
    static SITE: OnceLock<Arc<Site>> = OnceLock::new();
    let site = SITE.get_or_init(|| {
        let source = include_str!("../../../static/demo-shop.json");
        Arc::new(baton_core::compile(source).unwrap())
    });
    Arc::clone(site)
}

/// Words that steer the demo journey and its triggers, mixed with arbitrary text.
fn text() -> impl Strategy<Value = String> {
    let vocabulary = prop::sample::select(vec![
        "where is my order",
        "AB123456",
        "password",
        "ana@example.com",
        "lawyer",
        "I want a refund",
        "this is terrible!!!",
        "talk to a human",
        "yes",
        "no",
        "something else",
        "😡",
        "",
        "   ",
        "4111 1111 1111 1111",
    ]);
    prop_oneof![
        3 => vocabulary.prop_map(str::to_owned),
        1 => any::<String>(),
        1 => "[a-zA-Z0-9 ,.!?'éü]{0,200}",
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        6 => text().prop_map(|text| Event::Text { text }),
        3 => (0usize..6).prop_map(|index| Event::Choice { index }),
        1 => Just(Event::Timer),
        1 => "/[a-z/*]{0,12}".prop_map(|path| Event::Page { path }),
        1 => (prop::sample::select(vec!["vip", "gold", "basic"]), any::<bool>()).prop_map(|(tier, verified)| {
            Event::Profile {
                attributes: BTreeMap::from([("tier".to_owned(), Value::from(tier))]),
                verified,
            }
        }),
        1 => (0u32..4, any::<bool>()).prop_map(|(id, ok)| Event::FetchResult {
            id,
            outcome: if ok {
                Ok(serde_json::json!({"status": "shipped", "eta": "Monday", "expires_in_minutes": 30}))
            } else {
                Err("timeout".to_owned())
            },
        }),
        1 => prop::option::of("/[a-z]{0,8}").prop_map(|page| Event::Start { page }),
    ]
}

/// Events with the time each happens at: increasing, with gaps up to 20 minutes.
fn timeline() -> impl Strategy<Value = Vec<(Event, Millis)>> {
    prop::collection::vec((event(), 0u64..1_200_000), 0..40).prop_map(|steps| {
        let mut now = 1_700_000_000_000;
        steps
            .into_iter()
            .map(|(event, gap)| {
                now += gap;
                (event, now)
            })
            .collect()
    })
}

fn play(
    site: &Arc<Site>,
    visitor: &str,
    events: &[(Event, Millis)],
) -> (Conversation, Vec<Vec<Output>>) {
    let mut chat = Conversation::new(Arc::clone(site), visitor);
    let mut all = vec![chat.handle(Event::Start { page: None }, 1_700_000_000_000)];
    for (event, at) in events {
        all.push(chat.handle(event.clone(), *at));
    }
    (chat, all)
}

/// Every run of 13–19 digits (single spaces or dashes between digits allowed) that passes Luhn.
fn card_windows(text: &str) -> Vec<String> {
    let mut runs: Vec<Vec<u8>> = vec![Vec::new()];
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let separator_between_digits = matches!(c, ' ' | '-')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() {
            runs.last_mut().unwrap().push(c as u8);
        } else if !separator_between_digits {
            runs.push(Vec::new());
        }
    }
    let mut found = Vec::new();
    for run in runs {
        for len in 13..=19 {
            for window in run.windows(len) {
                if luhn_valid(window) {
                    found.push(String::from_utf8_lossy(window).into_owned());
                }
            }
        }
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn engine_never_panics_and_is_deterministic(events in timeline(), visitor in "[a-z0-9-]{1,12}") {
        let site = demo();
        let (first_chat, first) = play(&site, &visitor, &events);
        let (second_chat, second) = play(&site, &visitor, &events);
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(first_chat.transcript(), second_chat.transcript());
        prop_assert_eq!(first_chat.firings(), second_chat.firings());
    }

    #[test]
    fn outputs_stay_within_the_rules(events in timeline()) {
        let site = demo();
        let (chat, all) = play(&site, "visitor-1", &events);
        let escalations = all.iter().flatten().filter(|o| matches!(o, Output::Escalate(_))).count();
        prop_assert!(escalations <= 1, "a conversation escalates at most once");
        let mut fired: Vec<&str> = chat.firings().iter().map(|f| f.trigger.as_str()).collect();
        let count = fired.len();
        fired.sort_unstable();
        fired.dedup();
        prop_assert_eq!(fired.len(), count, "each trigger fires at most once");
        for entry in &chat.transcript().entries {
            if let Some(s) = entry.sentiment {
                prop_assert!((-1.0..=1.0).contains(&s));
            }
        }
    }

    #[test]
    fn handoff_carries_no_card_number(
        prefix in "[a-z ]{0,20}",
        card in prop::sample::select(vec!["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "6011111111111117"]),
        suffix in "[a-z ]{0,20}",
    ) {
        let site = demo();
        let mut chat = Conversation::new(Arc::clone(&site), "visitor-1");
        chat.handle(Event::Start { page: None }, 0);
        chat.handle(Event::Text { text: format!("{prefix} my card is {card} {suffix}") }, 1_000);
        chat.handle(Event::Text { text: "talk to a human".into() }, 2_000);
        let handoff = Handoff::of(&chat, None).expect("escalated");
        let json = serde_json::to_string(&handoff).unwrap();
        prop_assert!(card_windows(&json).is_empty(), "card digits in {json}");
        prop_assert!(json.contains("[card]"));
    }
}

#[test]
fn card_window_checker_finds_cards() {
    // The checker above must be able to fail, or the property proves nothing.
    assert_eq!(
        card_windows("pay 4111 1111 1111 1111 now"),
        vec!["4111111111111111".to_owned()]
    );
    assert!(card_windows("order AB123456, call 555-1234").is_empty());
}
