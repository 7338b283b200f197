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
