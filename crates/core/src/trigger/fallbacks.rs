//! Repeated misunderstanding: `{"fallbacks_at_least": 3}` counts every message the bot did
//! not understand, `{"fallbacks_in_a_row": 3}` only an unbroken run of them.

use super::{Counter, Evidence, Facts, Kind};

/// Holds when the bot failed to understand at least `limit` messages in all.
#[derive(Debug, Clone)]
pub struct FallbacksAtLeast {
    /// At least 1.
    pub limit: u32,
}

/// Holds when the bot failed to understand at least `limit` messages in a row.
#[derive(Debug, Clone)]
pub struct FallbacksInARow {
    /// At least 1.
    pub limit: u32,
}

impl FallbacksAtLeast {
    /// [`Kind::FallbacksAtLeast`].
    pub fn kind(&self) -> Kind {
        Kind::FallbacksAtLeast
    }

    /// Evidence with the count.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        at_least(facts.fallbacks, self.limit, Counter::Fallbacks)
    }
}

impl FallbacksInARow {
    /// [`Kind::FallbacksInARow`].
    pub fn kind(&self) -> Kind {
        Kind::FallbacksInARow
    }

    /// Evidence with the run length.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        at_least(
            facts.fallbacks_in_a_row,
            self.limit,
            Counter::FallbacksInARow,
        )
    }
}

fn at_least(count: u32, limit: u32, counter: Counter) -> Option<Evidence> {
    (count >= limit).then_some(Evidence::Count {
        counter,
        count: u64::from(count),
        limit: u64::from(limit),
    })
}
