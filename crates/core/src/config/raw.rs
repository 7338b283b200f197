//! The config as it is written: serde types that mirror the JSON one to one.
//!
//! Nothing here is validated beyond its JSON shape; [`super::compile`] turns a [`RawConfig`]
//! into a [`crate::Site`] or reports every problem it finds. Every struct denies unknown
//! fields so a typo is an error instead of a silently ignored setting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

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

/// The bot journey: nodes and where conversations start.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    /// Id of the node a conversation starts at when no entry matches the page.
    pub start: String,
    /// Page-specific starting nodes, tried in order.
    #[serde(default)]
    pub entries: Vec<RawEntry>,
    /// The nodes; ids must be unique.
    pub nodes: Vec<RawNode>,
}

/// A page-specific starting node.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    /// Page path the entry applies to; a trailing `*` matches any suffix (`/account/*`).
    pub page: String,
    /// Node to start at on that page.
    pub node: String,
}

/// One step of the journey, tagged by `type`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawNode {
    /// The bot says something and moves on.
    Say {
        /// Node id, unique in the flow.
        id: String,
        /// What the bot says; `{{field}}` and `{{profile.attr}}` are filled in.
        text: String,
        /// Node to go to next; none ends the bot's part of the journey quietly.
        #[serde(default)]
        next: Option<String>,
    },
    /// The bot offers buttons; free text is matched against them, then the FAQ.
    Choices {
        /// Node id.
        id: String,
        /// The question above the buttons.
        text: String,
        /// The buttons, at least one.
        options: Vec<RawOption>,
    },
    /// The bot asks for a value, validates it and keeps it in a named field.
    Ask {
        /// Node id.
        id: String,
        /// The question.
        text: String,
        /// Field the answer is stored in; `a-z`, `0-9`, `_`.
        field: String,
        /// How the answer is checked. Default: any non-empty text.
        #[serde(default)]
        validate: Option<RawValidation>,
        /// Said when the answer is invalid; placeholders are filled. Default: `That doesn't look
        /// right. Could you check it?`
        #[serde(default)]
        retry_text: Option<String>,
        /// Node to go to once a valid answer is stored.
        next: String,
    },
    /// The bot answers a free-text question from the FAQ.
    Faq {
        /// Node id.
        id: String,
        /// Prompt said on arrival. Default: `What would you like to know?`
        #[serde(default)]
        text: Option<String>,
        /// Node to go to after an answer was found.
        found: String,
        /// Node to go to when nothing matched.
        fallback: String,
    },
    /// The widget calls a site API and stores parts of the answer in fields.
    Fetch {
        /// Node id.
        id: String,
        /// URL template starting with `https://`, `/` (a path on the Baton server) or, for
        /// local testing, `http://localhost` or `http://127.0.0.1`;
        /// `{{field}}` values are percent-encoded.
        url: String,
        /// HTTP method. Default: `GET`.
        #[serde(default)]
        method: Option<Method>,
        /// Field name → JSON pointer into the answer (`/order/status`).
        #[serde(default)]
        map: BTreeMap<String, String>,
        /// Said while waiting. Default: none.
        #[serde(default)]
        text: Option<String>,
        /// Node to go to on success.
        next: String,
        /// Node to go to when the call fails, or a mapped value is missing, null, an object or
        /// an array.
        on_error: String,
    },
    /// The bot offers to bring in a person.
    OfferHuman {
        /// Node id.
        id: String,
        /// The offer. Default: `Would you like to talk to a person?`
        #[serde(default)]
        text: Option<String>,
        /// Node to go to when the visitor accepts (usually an `escalate` node).
        yes: String,
        /// Node to go to when the visitor declines.
        no: String,
    },
    /// Hand the conversation to a person.
    Escalate {
        /// Node id.
        id: String,
        /// Said before handing over. Default: the site's `handoff_text`.
        #[serde(default)]
        text: Option<String>,
        /// Queue the ticket goes to. Default: `general`.
        #[serde(default)]
        queue: Option<String>,
        /// Ticket priority. Default: `normal`.
        #[serde(default)]
        priority: Option<Priority>,
    },
    /// The bot's part of the journey is done.
    End {
        /// Node id.
        id: String,
        /// Closing words. Default: none.
        #[serde(default)]
        text: Option<String>,
        /// Ask the visitor to rate the conversation. Default: `true`.
        #[serde(default)]
        csat: Option<bool>,
    },
}

/// A button of a `choices` node.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    /// Button label.
    pub label: String,
    /// Node to go to.
    pub next: String,
    /// Words or phrases that pick this option when typed (besides the label itself).
    #[serde(default, rename = "match")]
    pub match_terms: Vec<String>,
}

/// How an `ask` node checks an answer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawValidation {
    /// Any non-empty text.
    Any,
    /// An email address.
    Email,
    /// A number, optionally bounded.
    Number {
        /// Smallest accepted value.
        #[serde(default)]
        min: Option<f64>,
        /// Largest accepted value.
        #[serde(default)]
        max: Option<f64>,
    },
    /// The whole answer (trimmed) must match a regular expression (linear-time dialect; use
    /// `(?i)` for case-insensitive).
    Pattern {
        /// The regular expression, at most 512 bytes.
        pattern: String,
    },
}

/// HTTP method of a `fetch` node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET (default).
    Get,
    /// POST with the captured fields as a JSON body.
    Post,
}

/// Ticket priority, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    Normal,
    /// Ahead of normal tickets.
    High,
    /// Ahead of everything.
    Urgent,
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
