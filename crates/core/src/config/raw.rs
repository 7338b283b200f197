//! The config as it is written: serde types that mirror the JSON one to one.
//!
//! Nothing here is validated beyond its JSON shape; [`super::compile`] turns a [`RawConfig`]
//! into a [`crate::Site`] or reports every problem it finds. Every struct denies unknown
//! fields so a typo is an error instead of a silently ignored setting.

use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

mod flow;
mod triggers;

pub use flow::*;
pub use triggers::*;

/// The whole site config file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Editor hint pointing at the JSON Schema; ignored by Baton.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Config format version; must be `1`.
    pub version: u32,
    /// Who the site is and where the widget may run.
    pub site: RawSite,
    /// How the widget looks.
    #[serde(default)]
    pub appearance: RawAppearance,
    /// The bot journey.
    pub flow: RawFlow,
    /// Questions the bot can answer from free text.
    #[serde(default)]
    pub faq: Vec<RawFaqEntry>,
    /// When to hand the visitor to a person, and how.
    #[serde(default)]
    pub triggers: Vec<RawTrigger>,
    /// What the agent workspace offers the agent who takes over.
    #[serde(default)]
    pub agent_aids: RawAgentAids,
    /// Extra patterns removed from the transcript before it leaves the browser.
    #[serde(default)]
    pub redaction: RawRedaction,
    /// A/B tests of trigger thresholds and keyword lists.
    #[serde(default)]
    pub experiments: Vec<RawExperiment>,
    /// Drift alerts on trigger rates. Read by the server only: `baton serve` leaves this
    /// section out of the config it serves to widgets (the webhook URL may hold a secret).
    #[serde(default)]
    pub drift: RawDrift,
}

/// Site identity.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Stable id used in the embed snippet (`data-site`) and as the JWT audience;
    /// 1–64 characters of `a-z`, `0-9`, `-`, `_`.
    pub id: String,
    /// Display name shown to visitors and agents.
    pub name: String,
    /// Page origins allowed to embed the widget, e.g. `https://shop.example`; empty allows none
    /// but the server's own origin.
    #[serde(default)]
    pub origins: Vec<String>,
    /// First bot message when a conversation starts (plain text). Default: `Hi! How can I help?`
    #[serde(default)]
    pub greeting: Option<String>,
    /// Said when the bot does not understand (plain text, no placeholders). Default:
    /// `Sorry, I didn't understand that.`
    #[serde(default)]
    pub fallback_text: Option<String>,
    /// When the team answers. Outside these hours (and whenever no agent is online) a handoff
    /// waits as offline and the visitor may leave an email. Default: always open.
    #[serde(default)]
    pub hours: Option<RawHours>,
    /// Said when a trigger hands the conversation to a person, and the default text of
    /// `escalate` nodes (plain text). Default: `I'm bringing in a person from our team. They
    /// will see our conversation so far.`
    #[serde(default)]
    pub handoff_text: Option<String>,
    /// How long a visitor's browser keeps a conversation after its last change, in hours,
    /// 1–720: a conversation idle longer starts afresh on the next page view and nothing of
    /// it is read back. Default: 24.
    #[serde(default)]
    pub remember_hours: Option<u32>,
}

/// When a trigger's daily rate counts as drifting, and where alerts go.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawDrift {
    /// How readily an alert is raised: `low` (p < 0.0001), `medium` (p < 0.001, the
    /// default) or `high` (p < 0.01).
    #[serde(default)]
    pub sensitivity: Option<Sensitivity>,
    /// Days before the tested day that make the baseline, 7–90. Default: 28.
    #[serde(default)]
    pub baseline_days: Option<u32>,
    /// Firings a day must be expected to have before a drop can be called "too rarely",
    /// 1–1000. Default: 5.
    #[serde(default)]
    pub min_expected: Option<f64>,
    /// `https://` (or `http://`) URL that receives a JSON POST for each new alert.
    #[serde(default)]
    pub webhook: Option<String>,
}

/// How readily drift alerts are raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Alert when p < 0.0001: only the plainest changes.
    Low,
    /// Alert when p < 0.001 (the default).
    Medium,
    /// Alert when p < 0.01: sooner, with more false alarms.
    High,
}

/// Business hours in one UTC offset.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawHours {
    /// Offset from UTC the times are in, `+HH:MM` or `-HH:MM`. Default: `+00:00`.
    #[serde(default)]
    pub utc_offset: Option<String>,
    /// Open windows; at least one.
    pub open: Vec<RawWindow>,
}

/// An opening window.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    /// Days: `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`.
    pub days: Vec<String>,
    /// Opening time, `HH:MM`.
    pub from: String,
    /// Closing time, `HH:MM` (`24:00` for midnight), after `from`.
    pub to: String,
}

/// Look of the widget; every field has a default.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawAppearance {
    /// Panel title. Default: the site name.
    #[serde(default)]
    pub title: Option<String>,
    /// Accent colour as `#rrggbb`. Default: `#1f5fbf`.
    #[serde(default)]
    pub accent: Option<String>,
    /// Launcher corner. Default: `bottom-right`.
    #[serde(default)]
    pub position: Option<Position>,
    /// URL of the bot's avatar image.
    #[serde(default)]
    pub avatar: Option<String>,
    /// Accessible label of the launcher button. Default: `Chat with us`.
    #[serde(default)]
    pub launcher_label: Option<String>,
}

/// Corner of the page where the launcher sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Position {
    /// Bottom right corner (default).
    BottomRight,
    /// Bottom left corner.
    BottomLeft,
}

/// A question the bot can answer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawFaqEntry {
    /// Unique id.
    pub id: String,
    /// The question as a visitor would ask it (shown to agents and in reports).
    pub question: String,
    /// The bot's answer.
    pub answer: String,
    /// Words or phrases that point at this entry; the entry with the most (longest) matches wins.
    #[serde(rename = "match")]
    pub match_terms: Vec<String>,
}

/// Help for the agent who takes over.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawAgentAids {
    /// Reply templates.
    #[serde(default)]
    pub scripts: Vec<RawScript>,
    /// Knowledge-base articles.
    #[serde(default)]
    pub kb: Vec<RawKbLink>,
    /// How the brand speaks.
    #[serde(default)]
    pub brand_voice: Option<RawBrandVoice>,
}

/// A reply template.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawScript {
    /// Unique id.
    pub id: String,
    /// Short title shown in the list.
    pub title: String,
    /// Text with `{{field}}` / `{{profile.attr}}` placeholders.
    pub text: String,
    /// Suggest this script when one of these triggers fired (empty: always offered).
    #[serde(default)]
    pub triggers: Vec<String>,
}

/// A knowledge-base article.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawKbLink {
    /// Title.
    pub title: String,
    /// `https://` or site-relative URL.
    pub url: String,
    /// Words or phrases that make it relevant to a conversation.
    #[serde(rename = "match")]
    pub match_terms: Vec<String>,
}

/// Brand-voice guide.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawBrandVoice {
    /// One-line summary of the tone.
    pub tone: String,
    /// Things to do.
    #[serde(default, rename = "do")]
    pub dos: Vec<String>,
    /// Things to avoid.
    #[serde(default, rename = "dont")]
    pub donts: Vec<String>,
}

/// Configured redaction.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawRedaction {
    /// Patterns redacted in addition to the built-in card, email and phone rules.
    #[serde(default)]
    pub patterns: Vec<RawPattern>,
}

/// A named redaction pattern.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawPattern {
    /// Name; matches are replaced by `[name]`. 1–32 characters of `a-z`, `0-9`, `_`, `-`,
    /// with at most 6 digits (so a marker never looks like a phone or card number).
    pub name: String,
    /// Regular expression (linear-time dialect, at most 512 bytes).
    pub pattern: String,
}

/// An A/B test.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawExperiment {
    /// Unique id; part of the stable assignment hash.
    pub id: String,
    /// What is being tested.
    #[serde(default)]
    pub description: Option<String>,
    /// Variants; their weights must add up to 100.
    pub variants: Vec<RawVariant>,
}

/// One arm of an experiment.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    /// Unique within the experiment.
    pub id: String,
    /// Share of visitors, in percent.
    pub weight: u32,
    /// Trigger settings that differ in this variant.
    #[serde(default)]
    pub overrides: Vec<RawOverride>,
}

/// A trigger setting changed by a variant. The trigger's `when` must be a single condition of
/// a kind that has the overridden setting.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    /// Id of the trigger.
    pub trigger: String,
    /// New threshold (sentiment score, count or seconds, by the trigger's kind).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// New keyword list (for `keywords` triggers).
    #[serde(default)]
    pub keywords: Option<Vec<String>>,
}
