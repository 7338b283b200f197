//! Per-message costs of the escalation engine: keyword triggers with 1,000 terms, sentiment,
//! matcher build time, and a whole visitor message through the demo config.
//!
//! Run with `cargo xtask bench`; results go in BENCHMARKS.md.

#![allow(missing_docs)]
// A benchmark fixture that fails to build should stop the run loudly.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use baton_core::fixtures::{
    MESSAGE, evaluate_folded, fold_and_evaluate, keyword_trigger, keywords,
};
use baton_core::matcher::PhraseMatcher;
use baton_core::profile::Profile;
use baton_core::text::fold;
use baton_core::{Conversation, Event};
use criterion::{Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let terms = keywords(1_000);
    let trigger = keyword_trigger(&terms).expect("bench keywords build");
    let profile = Profile::default();

    c.bench_function(
        "keywords/1000 terms, 200-byte message (fold + evaluate)",
        |b| b.iter(|| black_box(fold_and_evaluate(&trigger, black_box(MESSAGE), &profile))),
    );

    let folded = fold(MESSAGE);
    c.bench_function(
        "keywords/1000 terms, 200-byte message (evaluate only)",
        |b| b.iter(|| black_box(evaluate_folded(&trigger, black_box(&folded), &profile))),
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
