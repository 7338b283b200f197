//! Any config file: compiled or refused with its problems, never a panic; a config that
//! compiles runs a conversation without one.
#![no_main]

use std::sync::Arc;

use baton_core::conversation::{Conversation, Event};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|source: &str| {
    let Ok(site) = baton_core::config::compile(source) else {
        return;
    };
    let mut chat = Conversation::new(Arc::new(site), "fuzz");
    chat.handle(
        Event::Start {
            page: Some("/".into()),
        },
        1_000,
    );
    for (i, text) in [
        "hello",
        "I want to talk to a human",
        "yes",
        "4111 1111 1111 1111",
    ]
    .into_iter()
    .enumerate()
    {
        chat.handle(Event::Text { text: text.into() }, 2_000 + i as u64 * 1_000);
        chat.handle(Event::Choice { index: i }, 2_500 + i as u64 * 1_000);
    }
});
