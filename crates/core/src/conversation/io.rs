//! What goes into the engine and what comes out: [`Event`]s, [`Output`]s, the site calls it
//! asks for and the handover decision with its reason. Plain serde data, shared by the
//! widget, the server and `baton try`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Millis;
use crate::config::raw::Method;
use crate::queue::Priority;
use crate::trigger::Firing;

/// Something that happened, fed to [`Conversation::handle`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The chat opened on a page; the bot greets and enters the journey.
    Start {
        /// Page path, for page-specific entries.
        #[serde(default)]
        page: Option<String>,
    },
    /// The visitor typed something.
    Text {
        /// What they typed.
        text: String,
    },
    /// The visitor pressed button `index` of the buttons on offer.
    Choice {
        /// 0-based.
        index: usize,
    },
    /// The visitor moved to another page.
    Page {
        /// Page path.
        path: String,
    },
    /// The site identified the visitor.
    Profile {
        /// Attributes.
        attributes: BTreeMap<String, Value>,
        /// Whether they came in a verified token.
        #[serde(default)]
        verified: bool,
    },
    /// A timer asked for with [`Output::WakeAt`] went off.
    Timer,
    /// The answer to a [`Output::Fetch`].
    FetchResult {
        /// The request id.
        id: u32,
        /// The JSON answer, or why the call failed.
        outcome: Result<Value, String>,
    },
}

/// What the widget should do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Output {
    /// Show a bot message, with buttons if any.
    Say {
        /// Message text (plain text).
        text: String,
        /// Button labels.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        choices: Vec<String>,
    },
    /// Send [`Event::Timer`] at this time (ms since the Unix epoch).
    WakeAt {
        /// When.
        at: Millis,
    },
    /// A field was captured.
    Capture {
        /// Field name.
        field: String,
        /// Value.
        value: String,
    },
    /// Call a site API and answer with [`Event::FetchResult`].
    Fetch(FetchRequest),
    /// A trigger fired.
    Fired(Firing),
    /// A trigger with an offer action fired: the visitor was asked whether they want a person.
    Offer {
        /// Trigger id.
        trigger: String,
    },
    /// Hand the conversation to a person now.
    Escalate(Escalation),
    /// The journey is complete.
    End {
        /// Ask for a rating.
        csat: bool,
    },
    /// The event was not acted on.
    Ignored {
        /// Why.
        reason: String,
    },
}

/// A site API call for the widget to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchRequest {
    /// Request id to answer with.
    pub id: u32,
    /// HTTP method.
    pub method: Method,
    /// Full URL, values percent-encoded.
    pub url: String,
    /// JSON body for POST: the captured fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// The decision to hand over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    /// Why.
    pub reason: Reason,
    /// Target queue.
    pub queue: String,
    /// Ticket priority.
    pub priority: Priority,
}

/// Why a conversation was handed over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Reason {
    /// A trigger with an escalate action fired.
    Trigger {
        /// The firing.
        firing: Firing,
    },
    /// The visitor accepted a trigger's offer.
    AcceptedOffer {
        /// The firing that made the offer.
        firing: Firing,
    },
    /// The journey reached an `escalate` node.
    Flow {
        /// Node id.
        node: String,
    },
}

impl Reason {
    /// One line for agents and logs, e.g. "`legal`: keyword `lawyer` in message 3".
    pub fn explain(&self) -> String {
        match self {
            Reason::Trigger { firing } => firing.explain(),
            Reason::AcceptedOffer { firing } => {
                format!("accepted an offer after {}", firing.explain())
            }
            Reason::Flow { node } => format!("the journey reached `{node}`"),
        }
    }
}
