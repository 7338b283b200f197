//! What a chat keeps across reloads: the engine's event log and, after the handover, the
//! live part. Plain serde data; [`super::Chat`] owns the behaviour.

use baton_core::Millis;
use baton_core::conversation::Event;
use baton_core::protocol::{Frame, VisitorFrame};
use baton_core::redact::Redactor;
use baton_core::transcript::Author;
use serde::{Deserialize, Serialize};

/// What survives a reload, per site, in browser storage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// Format of this record; another number is discarded rather than misread.
    pub version: u32,
    /// The visitor's stable id (it picks experiment variants); empty until first saved.
    #[serde(default)]
    pub visitor: String,
    /// When this record was last written (ms since the Unix epoch); a record idle longer
    /// than the site's `remember_hours` is not read back.
    #[serde(default)]
    pub saved_at: Millis,
    /// Every event the engine has seen, with its time, card numbers taken out (see
    /// [`kept`]). The signed profile token is never saved: the host page gives it again on
    /// every page view.
    pub events: Vec<Logged>,
    /// The conversation with a person, once the bot handed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover: Option<Handover>,
    /// Whether the `resolved` outcome beacon (with the rating, once given) went out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resolved_sent: bool,
    /// The visitor's rating of a conversation the bot resolved, with their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_rating: Option<(u8, Option<String>)>,
}

/// The current [`Saved::version`]. 2: the handoff and `later` are kept as encoded frames.
/// 3: events redacted, no token, [`Saved::saved_at`] (a record of 2 may hold raw text and a
/// token: it is dropped, not read).
pub const SAVED_VERSION: u32 = 3;

/// An event with the time it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    /// The event.
    pub event: Event,
    /// When, ms since the Unix epoch.
    pub at: Millis,
}

/// The live part of a conversation: from the handoff on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    /// Client id of the handoff; a retry with it creates no second ticket.
    pub id: String,
    /// The `handoff` frame, encoded (see [`Wire`]), kept until the server acknowledges it
    /// with `welcome`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<Wire>,
    /// Resume token from `welcome`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<String>,
    /// Highest sequence number held (the handed-over transcript counts).
    pub last_seq: u64,
    /// Messages after the handover, as the visitor sees them.
    pub lines: Vec<Line>,
    /// Visitor messages not yet acknowledged, oldest first.
    pub outbox: Vec<Outgoing>,
    /// Frames without an acknowledgement of their own (rating, email), encoded, sent once
    /// connected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub later: Vec<Wire>,
    /// Where the handover is.
    pub stage: Stage,
    /// Whether the visitor rated the chat.
    #[serde(default)]
    pub rated: bool,
    /// Whether the visitor left an email address.
    #[serde(default)]
    pub email_left: bool,
}

/// A visitor frame encoded for the socket (`{"v":1,"type":…}`), stored as the text it is
/// sent as. The widget only ever writes these frames, so storing them encoded means it never
/// needs code to read a handoff back: that decoding code was a tenth of the widget's wasm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Wire(pub String);

impl Wire {
    /// Encodes a frame; serialising these plain types cannot fail, and if it ever did the
    /// empty text is skipped by the socket rather than sent.
    pub fn encode(frame: &VisitorFrame) -> Wire {
        Wire(serde_json::to_string(&Frame::new(frame)).unwrap_or_default())
    }

    /// The text to send.
    pub fn text(&self) -> &str {
        &self.0
    }
}

/// A visitor message waiting for its acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Client id.
    pub id: String,
    /// Text (redacted).
    pub text: String,
}

/// One message after the handover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Who wrote it.
    pub from: Author,
    /// Plain text.
    pub text: String,
    /// Sequence number once stored; `None` while a visitor message is on its way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// Client id of a visitor message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Where a handover is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// Sent, not yet acknowledged.
    Handing,
    /// In the queue.
    Queued {
        /// 1 is next.
        position: u32,
    },
    /// Nobody can answer now; the visitor may leave an email.
    Offline,
    /// A person is chatting.
    Live {
        /// Their name.
        agent: String,
    },
    /// The agent closed the conversation.
    Closed,
    /// The server no longer knows this conversation.
    Lost,
}

/// `event` as the saved log keeps it: without card numbers, in what the visitor typed and in
/// what the site gave (profile attributes, pages, site API answers). The rest stays as it
/// was: the widget sends typed answers to the site's own API (an email for a password
/// reset), and a reload must be able to make that call again and show the same lines.
pub(super) fn kept(event: &Event) -> Event {
    let cards = |text: &str| Redactor::cards_only(text).into_owned();
    match event {
        Event::Text { text } => Event::Text { text: cards(text) },
        Event::Start { page } => Event::Start {
            page: page.as_deref().map(cards),
        },
        Event::Page { path } => Event::Page { path: cards(path) },
        Event::Profile {
            attributes,
            verified,
        } => {
            let mut attributes = attributes.clone();
            attributes.values_mut().for_each(Redactor::cards_in_json);
            Event::Profile {
                attributes,
                verified: *verified,
            }
        }
        Event::FetchResult { id, outcome } => Event::FetchResult {
            id: *id,
            outcome: match outcome {
                Ok(value) => {
                    let mut value = value.clone();
                    Redactor::cards_in_json(&mut value);
                    Ok(value)
                }
                Err(reason) => Err(cards(reason)),
            },
        },
        Event::Choice { .. } | Event::Timer => event.clone(),
    }
}

/// A note from Baton itself in the conversation.
pub(super) fn system(text: String) -> Line {
    Line {
        from: Author::System,
        text,
        seq: None,
        id: None,
    }
}
