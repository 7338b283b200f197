//! Deterministic inputs the benchmarks share, so the native (criterion) and in-browser (wasm)
//! figures measure the same work; and the queue item the server's and the workspace's tests
//! both build.

use crate::matcher::{MatcherError, PhraseMatcher};
use crate::profile::Profile;
use crate::text::fold;
use crate::trigger::{Action, Condition, Facts, Firing, Keywords, MessageFacts, Rule, Trigger};

/// A 200-byte support message that contains none of [`keywords`] (the full scan).
pub const MESSAGE: &str = "Hi, I ordered a blue jacket last Tuesday and the tracking page still says the parcel is \
                           at the depot. Could you tell me when it will arrive? I really need it before Friday, thanks a lot in advance!!!!";

/// `count` distinct pseudo-words and two-word phrases (a quarter of them), deterministic.
pub fn keywords(count: usize) -> Vec<String> {
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
    while words.len() < count {
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

/// A keyword trigger over `terms` that escalates to the general queue.
pub fn keyword_trigger(terms: &[String]) -> Result<Trigger, MatcherError> {
    Ok(Trigger {
        id: "bench".into(),
        description: None,
        condition: Condition::Rule(Rule::Keywords(Keywords {
            matcher: PhraseMatcher::new(terms)?,
        })),
        action: Action::Escalate {
            queue: "general".into(),
            priority: crate::queue::Priority::Normal,
        },
    })
}

/// What a trigger costs one visitor message: fold the message, then evaluate.
pub fn fold_and_evaluate(trigger: &Trigger, message: &str, profile: &Profile) -> Option<Firing> {
    evaluate_folded(trigger, &fold(message), profile)
}

/// Evaluates `trigger` on an already folded message: the facts of a fourth visitor message
/// with nothing else going on.
pub fn evaluate_folded(trigger: &Trigger, folded: &str, profile: &Profile) -> Option<Firing> {
    let facts = Facts {
        message: Some(MessageFacts {
            index: 3,
            folded,
            score: 0.0,
        }),
        scores: &[],
        profile,
        bot_turns: 0,
        steps: 0,
        fallbacks: 0,
        fallbacks_in_a_row: 0,
        elapsed_ms: 0,
    };
    trigger.evaluate(&facts, 0)
}

/// A waiting ticket as the queue lists it: in `general`, unnamed, unverified, online.
pub fn queue_item(
    ticket: &str,
    priority: crate::queue::Priority,
    created_at: crate::Millis,
) -> crate::protocol::QueueItem {
    crate::protocol::QueueItem {
        ticket: ticket.into(),
        queue: "general".into(),
        priority,
        reason: "asked for a person".into(),
        created_at,
        name: None,
        verified: false,
        offline: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixtures_are_what_the_budgets_name() {
        assert_eq!(MESSAGE.len(), 200);
        let terms = keywords(1_000);
        assert_eq!(terms.len(), 1_000);
        assert_eq!(terms, keywords(1_000), "deterministic");
        let folded = crate::text::fold(MESSAGE);
        assert!(terms.iter().all(|t| !folded.contains(t.as_str())));
    }
}
