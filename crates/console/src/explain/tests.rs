use baton_core::queue::Priority;
use baton_core::summary::{Direction, Trend};
use baton_core::trigger::{Action, Counter, Evidence};

use super::*;
use crate::format::value_text;

#[test]
fn evidence_is_explained_in_words_with_thread_numbers() {
    let keyword = Evidence::Keyword {
        term: "lawyer".into(),
        message: 8,
    };
    assert_eq!(
        evidence_text(&keyword, Source::Widget),
        "the term “lawyer” appeared in message #8"
    );
    assert_eq!(
        evidence_text(&keyword, Source::Server),
        "the term “lawyer” appeared in message 8 of the server's replay"
    );
    assert_eq!(evidence_message(&keyword), Some(8));
    // The thread numbers messages like the evidence does: seq 9 is message #8.
    assert_eq!(message_number(9), 8);
    let profile = Evidence::Profile {
        attribute: "plan".into(),
        value: serde_json::json!("vip"),
        verified: false,
    };
    assert_eq!(
        evidence_text(&profile, Source::Widget),
        "the profile's “plan” is vip (not verified)"
    );
    let count = Evidence::Count {
        counter: Counter::FallbacksInARow,
        count: 3,
        limit: 2,
    };
    assert!(evidence_text(&count, Source::Widget).starts_with("3 messages in a row"));
    let low = Evidence::Sentiment {
        score: -0.7,
        threshold: -0.5,
        message: 0,
    };
    assert!(
        evidence_text(&low, Source::Widget).contains("message #0 scored sentiment \u{2212}0.70")
    );
    assert_eq!(evidence_message(&count), None);
    let action = Action::Escalate {
        queue: "vip".into(),
        priority: Priority::Urgent,
    };
    assert_eq!(action_text(&action), "hand over to vip (urgent)");
}

#[test]
fn trends_and_values_read_as_text() {
    let trend = Trend {
        messages: 3,
        first: Some(0.2),
        last: Some(-0.6),
        min: Some(-0.6),
        mean: Some(-0.2),
        direction: Direction::Worsening,
    };
    assert_eq!(
        trend_text(&trend),
        "worsening over 3 messages, first +0.20, last \u{2212}0.60, lowest \u{2212}0.60"
    );
    assert_eq!(value_text(&serde_json::json!("Ana")), "Ana");
    assert_eq!(value_text(&serde_json::json!(42)), "42");
}
