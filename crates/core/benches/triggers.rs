//! Per-message costs of the escalation engine: keyword triggers with 1,000 terms, sentiment,
//! matcher build time, and a whole visitor message through the demo config.
//!
//! Run with `cargo xtask bench`; results go in BENCHMARKS.md.

#![allow(missing_docs)]
// A benchmark fixture that fails to build should stop the run loudly.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use baton_core::matcher::PhraseMatcher;
use baton_core::profile::Profile;
use baton_core::text::fold;
use baton_core::trigger::{Action, Condition, Facts, Keywords, MessageFacts, Rule, Trigger};
use baton_core::{Conversation, Event};
use criterion::{Criterion, criterion_group, criterion_main};

/// 1,000 distinct pseudo-words and two-word phrases, deterministic.
fn keywords() -> Vec<String> {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mer", "tin", "zu", "rab", "vel", "cor", "nis", "po", "dra", "fen", "gul",
        "hex", "ist", "jor",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let mut words = std::collections::BTreeSet::new();
    while words.len() < 1_000 {
        let syllables = 2 + next() % 3;
        let mut word: String = (0..syllables)
            .map(|_| SYLLABLES[next() % SYLLABLES.len()])
            .collect();
        if next() % 4 == 0 {
            word.push(' ');
            word.push_str(SYLLABLES[next() % SYLLABLES.len()]);
            word.push_str("ment");
        }
        words.insert(word);
    }
    words.into_iter().collect()
}

/// A 200-byte support message that contains none of the keywords (the full scan).
const MESSAGE: &str = "Hi, I ordered a blue jacket last Tuesday and the tracking page still says the parcel is \
                       at the depot. Could you tell me when it will arrive? I really need it before Friday, thanks a lot in advance!!!!";

fn keyword_trigger(terms: &[String]) -> Trigger {
    Trigger {
        id: "bench".into(),
        description: None,
        condition: Condition::Rule(Rule::Keywords(Keywords {
            matcher: PhraseMatcher::new(terms).expect("bench keywords build"),
        })),
        action: Action::Escalate {
            queue: "general".into(),
            priority: baton_core::config::raw::Priority::Normal,
        },
    }
}

fn benches(c: &mut Criterion) {
    let terms = keywords();
    assert_eq!(
        MESSAGE.len(),
        200,
        "the message is the 200 bytes the budget names"
    );
    let trigger = keyword_trigger(&terms);
    let profile = Profile::default();

    c.bench_function(
        "keywords/1000 terms, 200-byte message (fold + evaluate)",
        |b| {
            b.iter(|| {
                let folded = fold(black_box(MESSAGE));
                let facts = Facts {
                    message: Some(MessageFacts {
                        index: 3,
                        folded: &folded,
                        score: 0.0,
                    }),
                    scores: &[],
                    profile: &profile,
                    bot_turns: 0,
                    steps: 0,
                    fallbacks: 0,
                    fallbacks_in_a_row: 0,
                    elapsed_ms: 0,
                };
                black_box(trigger.evaluate(&facts, 0))
            })
        },
    );

    let folded = fold(MESSAGE);
    c.bench_function(
        "keywords/1000 terms, 200-byte message (evaluate only)",
        |b| {
            b.iter(|| {
                let facts = Facts {
                    message: Some(MessageFacts {
                        index: 3,
                        folded: black_box(&folded),
                        score: 0.0,
                    }),
                    scores: &[],
                    profile: &profile,
                    bot_turns: 0,
                    steps: 0,
                    fallbacks: 0,
                    fallbacks_in_a_row: 0,
                    elapsed_ms: 0,
                };
                black_box(trigger.evaluate(&facts, 0))
            })
        },
    );

    c.bench_function("sentiment/200-byte message", |b| {
        b.iter(|| black_box(baton_core::sentiment::score(black_box(MESSAGE))))
    });

    c.bench_function("matcher build/1000 terms", |b| {
        b.iter(|| black_box(PhraseMatcher::new(black_box(&terms)).expect("builds")))
    });

    let source = include_str!("../../../static/demo-shop.json");
    let site = Arc::new(baton_core::compile(source).expect("the example config compiles"));
    c.bench_function("engine/visitor message through the demo config", |b| {
        b.iter_batched(
            || {
                let mut chat = Conversation::new(Arc::clone(&site), "bench-visitor");
                chat.handle(Event::Start { page: None }, 0);
                chat
            },
            |mut chat| {
                black_box(chat.handle(
                    Event::Text {
                        text: MESSAGE.into(),
                    },
                    1_000,
                ))
            },
            criterion::BatchSize::SmallInput,
        )
    });

    c.bench_function("config/compile the demo config", |b| {
        b.iter(|| black_box(baton_core::compile(black_box(source)).is_ok()))
    });
}

criterion_group!(triggers, benches);
criterion_main!(triggers);
