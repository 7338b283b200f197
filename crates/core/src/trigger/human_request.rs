//! Explicit requests for a person: `{"human_request": {}}`.

use crate::matcher::PhraseMatcher;

use super::{Evidence, Facts, Kind};

/// Phrases used when a `human_request` rule gives no `phrases` of its own. Kept to phrases
/// that mean "a person, please" in support chats; single words that are common in other
/// senses ("help", "someone") are left out on purpose.
pub const DEFAULT_HUMAN_PHRASES: &[&str] = &[
    "human",
    "a person",
    "real person",
    "live person",
    "actual person",
    "talk to someone",
    "speak to someone",
    "speak with someone",
    "talk to somebody",
    "speak to somebody",
    "agent",
    "live agent",
    "representative",
    "operator",
    "customer service",
    "customer support",
    "support team",
    "live chat",
    "staff member",
    "your manager",
    "a manager",
    "supervisor",
    "call me",
    "phone me",
];

/// Holds when the current message asks for a person.
#[derive(Debug, Clone)]
pub struct HumanRequest {
    /// The compiled phrases.
    pub matcher: PhraseMatcher,
}

impl HumanRequest {
    /// [`Kind::HumanRequest`].
    pub fn kind(&self) -> Kind {
        Kind::HumanRequest
    }

    /// Evidence naming the phrase and the message.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        let message = facts.message?;
        let id = self.matcher.first_match(message.folded)?;
        Some(Evidence::HumanRequest {
            phrase: self.matcher.term(id).to_owned(),
            message: message.index,
        })
    }
}
