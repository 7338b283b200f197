//! Any text: redacting never panics, a second pass changes nothing, and what comes out holds
//! no card number the card rule alone would still find.
#![no_main]

use baton_core::redact::Redactor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let redactor = Redactor::builtin();
    let once = redactor.redact(text);
    assert_eq!(
        redactor.redact(&once),
        once,
        "redacting twice changes nothing"
    );
    assert_eq!(Redactor::cards_only(&once), once, "no card is left");
    let cards = Redactor::cards_only(text);
    assert_eq!(Redactor::cards_only(&cards), cards);
});
