//! Sensitive words and phrases: `{"keywords": ["lawyer", "legal action"]}`.

use crate::matcher::PhraseMatcher;

use super::{Evidence, Facts, Kind};

/// Holds when the current visitor message contains one of the terms as whole words.
#[derive(Debug, Clone)]
pub struct Keywords {
    /// The compiled terms.
    pub matcher: PhraseMatcher,
}

impl Keywords {
    /// [`Kind::Keywords`].
    pub fn kind(&self) -> Kind {
        Kind::Keywords
    }

    /// Evidence naming the first term found and the message.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        let message = facts.message?;
        let id = self.matcher.first_match(message.folded)?;
        Some(Evidence::Keyword {
            term: self.matcher.term(id).to_owned(),
            message: message.index,
        })
    }
}
