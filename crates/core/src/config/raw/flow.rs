//! The bot journey as written: flow, nodes, buttons, answer validation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

use crate::queue::Priority;

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
