use baton_core::config::raw::Priority;
use baton_core::summary::{Direction, Trend};
use baton_core::trigger::{Action, Counter, Evidence};

use super::*;

#[test]
fn scores_use_a_real_minus_sign() {
    assert_eq!(sentiment_label(-0.624), "sentiment \u{2212}0.62");
    assert_eq!(sentiment_label(0.4), "sentiment +0.40");
    assert_eq!(score(-0.001), "0.00");
}

#[test]
fn waiting_times_read_naturally() {
    assert_eq!(waited(10_000, 20_000), "just now");
    assert_eq!(waited(59_000, 0), "just now");
    assert_eq!(waited(4 * 60_000 + 5, 0), "4 min");
    assert_eq!(waited(65 * 60_000, 0), "1 h 05 min");
}

#[test]
fn backoff_doubles_up_to_fifteen_seconds() {
    let delays: Vec<u32> = (0..7).map(backoff_ms).collect();
    assert_eq!(delays, [1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
    assert_eq!(backoff_ms(u32::MAX), 15_000);
}

#[test]
fn queue_names_follow_the_servers_rule() {
    assert!(valid_queue("billing"));
    assert!(valid_queue("tier-2_eu"));
    assert!(!valid_queue(""));
    assert!(!valid_queue("Billing"));
    assert!(!valid_queue("a b"));
    assert!(!valid_queue(&"a".repeat(65)));
}

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

#[test]
fn client_ids_differ_by_counter_and_random_part() {
    let a = client_id(1_700_000_000_000, 0.5, 1);
    assert_ne!(a, client_id(1_700_000_000_000, 0.5, 2));
    assert_ne!(a, client_id(1_700_000_000_000, 0.25, 1));
    assert!(a.len() <= 128);
    assert_eq!(short_id("0123456789abcdef"), "01234567");
}

#[test]
fn only_web_links_are_opened() {
    assert!(safe_url("https://shop.example/help/returns"));
    assert!(safe_url("HTTP://shop.example"));
    assert!(safe_url("/help/returns"));
    assert!(!safe_url("javascript:alert(1)"));
    assert!(!safe_url(" JavaScript:alert(1)"));
    assert!(!safe_url("data:text/html,<script>alert(1)</script>"));
    assert!(!safe_url("//evil.example"));
    assert!(!safe_url("/\\evil.example"));
}

#[test]
fn scripts_go_into_the_draft() {
    assert_eq!(insert_script("", "Hello!"), "Hello!");
    assert_eq!(
        insert_script("Hi Ana. ", "Let me check."),
        "Hi Ana. Let me check."
    );
}
