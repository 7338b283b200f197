//! `{"bot_turns_over": 8}`: holds once more than the limit of bot messages sent.

use super::{Counter, Evidence, Facts, Kind};

/// Holds when bot messages sent exceed `limit`.
#[derive(Debug, Clone)]
pub struct BotTurnsOver {
    /// The limit; the rule holds at `limit + 1`.
    pub limit: u32,
}

impl BotTurnsOver {
    /// [`Kind::BotTurnsOver`].
    pub fn kind(&self) -> Kind {
        Kind::BotTurnsOver
    }

    /// Evidence with the count.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        (facts.bot_turns > self.limit).then_some(Evidence::Count {
            counter: Counter::BotTurns,
            count: u64::from(facts.bot_turns),
            limit: u64::from(self.limit),
        })
    }
}
