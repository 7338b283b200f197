//! `{"seconds_over": 300}`: holds once the conversation is older than the limit. The engine
//! asks to be woken at [`SecondsOver::deadline_ms`] so the rule fires even if the visitor
//! says nothing.

use super::{Counter, Evidence, Facts, Kind};

/// Holds when more than `limit` seconds passed since the conversation started.
#[derive(Debug, Clone)]
pub struct SecondsOver {
    /// Seconds, at least 1.
    pub limit: u32,
}

impl SecondsOver {
    /// [`Kind::SecondsOver`].
    pub fn kind(&self) -> Kind {
        Kind::SecondsOver
    }

    /// Milliseconds after the start at which the rule first holds.
    pub fn deadline_ms(&self) -> u64 {
        u64::from(self.limit) * 1000 + 1
    }

    /// Evidence with the elapsed whole seconds.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        (facts.elapsed_ms >= self.deadline_ms()).then_some(Evidence::Count {
            counter: Counter::Seconds,
            count: facts.elapsed_ms / 1000,
            limit: u64::from(self.limit),
        })
    }
}
