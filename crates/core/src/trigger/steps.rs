//! `{"steps_over": 12}`: holds once more than the limit of flow nodes entered.

use super::{Counter, Evidence, Facts, Kind};

/// Holds when flow nodes entered exceed `limit`.
#[derive(Debug, Clone)]
pub struct StepsOver {
    /// The limit; the rule holds at `limit + 1`.
    pub limit: u32,
}

impl StepsOver {
    /// [`Kind::StepsOver`].
    pub fn kind(&self) -> Kind {
        Kind::StepsOver
    }

    /// Evidence with the count.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        (facts.steps > self.limit).then_some(Evidence::Count {
            counter: Counter::Steps,
            count: u64::from(facts.steps),
            limit: u64::from(self.limit),
        })
    }
}
