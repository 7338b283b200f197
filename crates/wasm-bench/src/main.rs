//! The escalation engine's per-message costs measured in a browser: the same baton-core the
//! widget ships, built by Trunk with the widget's release settings (opt-level z, LTO, one
//! codegen unit, wasm-opt -Oz), so the figures are what a visitor's browser pays.
//!
//! Each export runs in its own task when `tests/bench/wasm.mjs` calls it through
//! `window.wasmBindings`, so long-task observers see each one separately.

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::hint::black_box;
    use std::sync::Arc;

    use baton_core::fixtures::{MESSAGE, fold_and_evaluate, keyword_trigger, keywords};
    use baton_core::matcher::PhraseMatcher;
    use baton_core::profile::Profile;
    use baton_core::text::fold;
    use baton_core::{Conversation, Event};
    use wasm_bindgen::prelude::*;

    const DEMO: &str = include_str!("../../../static/demo-shop.json");

    fn now_ms() -> f64 {
        js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| {
                let now = js_sys::Reflect::get(&p, &"now".into()).ok()?;
                js_sys::Function::from(now).call0(&p).ok()?.as_f64()
            })
            .unwrap_or_else(js_sys::Date::now)
    }

    /// Median over `rounds` of the nanoseconds one call of `f` takes, each round `calls`
    /// calls long (the browser's clock is coarse: a round must last milliseconds).
    fn median_ns(rounds: u32, calls: u32, mut f: impl FnMut()) -> f64 {
        let mut per_call: Vec<f64> = (0..rounds.max(1))
            .map(|_| {
                let started = now_ms();
                for _ in 0..calls {
                    f();
                }
                (now_ms() - started) * 1e6 / f64::from(calls)
            })
            .collect();
        per_call.sort_by(f64::total_cmp);
        per_call[per_call.len() / 2]
    }

    /// A visitor message checked against a keyword trigger of 1,000 terms: folding the
    /// message plus evaluating the trigger, in ns (budget 1.5 µs).
    #[wasm_bindgen]
    pub fn keywords_ns(rounds: u32, calls: u32) -> Result<f64, JsError> {
        let trigger = keyword_trigger(&keywords(1_000))?;
        let profile = Profile::default();
        Ok(median_ns(rounds, calls, || {
            black_box(fold_and_evaluate(&trigger, black_box(MESSAGE), &profile));
        }))
    }

    /// Folding the 200-byte message alone, in ns (part of [`keywords_ns`]).
    #[wasm_bindgen]
    pub fn fold_ns(rounds: u32, calls: u32) -> f64 {
        median_ns(rounds, calls, || {
            black_box(fold(black_box(MESSAGE)));
        })
    }

    /// Sentiment of the 200-byte message, in ns (budget 10 µs).
    #[wasm_bindgen]
    pub fn sentiment_ns(rounds: u32, calls: u32) -> f64 {
        median_ns(rounds, calls, || {
            black_box(baton_core::sentiment::score(black_box(MESSAGE)));
        })
    }

    /// One visitor message through the demo config's whole engine (11 triggers, the FAQ,
    /// the flow), in ns; the conversations are copied before each round, outside the clock.
    #[wasm_bindgen]
    pub fn engine_ns(rounds: u32, calls: u32) -> Result<f64, JsError> {
        let site = Arc::new(baton_core::compile(DEMO)?);
        let mut chat = Conversation::new(site, "bench-visitor");
        chat.handle(Event::Start { page: None }, 0);
        let mut per_call: Vec<f64> = (0..rounds.max(1))
            .map(|_| {
                let mut chats = vec![chat.clone(); calls as usize];
                let started = now_ms();
                for chat in &mut chats {
                    black_box(chat.handle(
                        Event::Text {
                            text: MESSAGE.into(),
                        },
                        1_000,
                    ));
                }
                (now_ms() - started) * 1e6 / f64::from(calls)
            })
            .collect();
        per_call.sort_by(f64::total_cmp);
        Ok(per_call[per_call.len() / 2])
    }

    /// Builds the 1,000-term matcher once, in ms (one task: the long-task budget).
    #[wasm_bindgen]
    pub fn build_matcher_ms() -> Result<f64, JsError> {
        let terms = keywords(1_000);
        let started = now_ms();
        black_box(PhraseMatcher::new(&terms)?);
        Ok(now_ms() - started)
    }

    /// Compiles the demo config (parse, validate, build every matcher) once, in ms: what the
    /// widget does when it boots.
    #[wasm_bindgen]
    pub fn compile_demo_ms() -> Result<f64, JsError> {
        let started = now_ms();
        black_box(baton_core::compile(DEMO)?);
        Ok(now_ms() - started)
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    println!("baton-wasm-bench runs in a browser: cargo xtask bench");
}
