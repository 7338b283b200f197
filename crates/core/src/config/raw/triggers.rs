//! Escalation rules as written: conditions and what they do.

use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

use crate::queue::Priority;

/// An escalation rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawTrigger {
    /// Unique id, used in reports and experiment overrides.
    pub id: String,
    /// What this rule is for, shown to agents.
    #[serde(default)]
    pub description: Option<String>,
    /// The condition.
    pub when: RawCondition,
    /// What happens when it holds. Default: escalate to `general` at `normal` priority.
    #[serde(default)]
    pub action: Option<RawAction>,
}

/// A trigger condition: exactly one key.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawCondition {
    /// A profile attribute matches (e.g. a VIP tier).
    Profile(RawProfileMatch),
    /// A visitor message contains one of these words or phrases (whole words, case- and
    /// accent-insensitive, within one message).
    Keywords(Vec<String>),
    /// The visitor's message scores below this sentiment (-1..1).
    SentimentBelow(f64),
    /// The mean sentiment of the visitor's last `messages` messages is below `threshold`.
    RollingSentimentBelow(RawRolling),
    /// The bot has sent more than this many messages.
    BotTurnsOver(u32),
    /// More than this many seconds since the conversation started.
    SecondsOver(u32),
    /// The visitor has gone through more than this many flow nodes.
    StepsOver(u32),
    /// The bot failed to understand at least this many messages in all.
    FallbacksAtLeast(u32),
    /// The bot failed to understand at least this many messages in a row.
    FallbacksInARow(u32),
    /// The visitor asks for a person. The default phrases cover common English requests.
    HumanRequest(RawHumanRequest),
    /// Any of these holds.
    Any(Vec<RawCondition>),
    /// All of these hold.
    All(Vec<RawCondition>),
    /// This does not hold.
    Not(Box<RawCondition>),
}

/// Profile attribute test; give exactly one of `equals`, `one_of`, `at_least`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawProfileMatch {
    /// Attribute name, e.g. `tier`.
    pub attribute: String,
    /// The attribute equals this value (strings compare ignoring ASCII case and surrounding
    /// spaces).
    #[serde(default)]
    pub equals: Option<serde_json::Value>,
    /// The attribute equals one of these values.
    #[serde(default)]
    pub one_of: Option<Vec<serde_json::Value>>,
    /// The attribute is a number at least this large.
    #[serde(default)]
    pub at_least: Option<f64>,
}

/// Rolling sentiment window.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawRolling {
    /// Mean score below which the rule holds (-1..1).
    pub threshold: f64,
    /// How many of the visitor's latest messages are averaged (2–50); the rule waits until
    /// there are that many.
    pub messages: u32,
}

/// Phrases meaning "let me talk to a person".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawHumanRequest {
    /// Replaces the default phrases when given.
    #[serde(default)]
    pub phrases: Option<Vec<String>>,
    /// Added to the default (or given) phrases.
    #[serde(default)]
    pub extra: Vec<String>,
}

/// What a trigger does: exactly one key.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawAction {
    /// Hand over at once.
    Escalate(RawEscalate),
    /// Ask the visitor whether they want a person.
    Offer(RawOffer),
}

/// Escalation target.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawEscalate {
    /// Queue. Default: `general`.
    #[serde(default)]
    pub queue: Option<String>,
    /// Priority. Default: `normal`.
    #[serde(default)]
    pub priority: Option<Priority>,
}

/// Offer settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawOffer {
    /// The offer (plain text). Default: `Would you like to talk to a person?`
    #[serde(default)]
    pub text: Option<String>,
    /// Queue if accepted. Default: `general`.
    #[serde(default)]
    pub queue: Option<String>,
    /// Priority if accepted. Default: `normal`.
    #[serde(default)]
    pub priority: Option<Priority>,
}
