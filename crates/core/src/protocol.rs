//! Wire protocol between widget, server and agent workspace: JSON frames over websockets.
//!
//! Every frame is an object with `"v": 1` and a `"type"`. Visitor and agent frames are
//! separate enums so a socket can only say what its side may say. Messages carry a
//! client-generated id (for exactly-once delivery) and, once stored, a per-conversation
//! sequence number (for resume).

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::{Conversation, Escalation};
use crate::experiment::Assignment;
use crate::profile::Profile;
use crate::queue::Priority;
use crate::summary::Summary;
use crate::transcript::{Author, Transcript};
use crate::trigger::Firing;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u8 = 1;

/// The stable code of an `error` frame, on either socket (docs/protocol.md lists when each
/// is sent). The message beside it is for people and may change; the code does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, unknown `type`, missing or mistyped fields, or a field out of its limits.
    BadFrame,
    /// `v` is not [`PROTOCOL_VERSION`].
    Version,
    /// A visitor frame that needs a conversation came before a handoff or resume.
    NoConversation,
    /// A resume token the server does not know.
    UnknownConversation,
    /// A handoff the server will not take (another site, too long).
    BadHandoff,
    /// An implausible email address.
    BadEmail,
    /// The first agent frame was not a valid login.
    Login,
    /// Another agent holds the ticket.
    Taken,
    /// No open ticket has the id.
    Unavailable,
    /// The agent does not hold the ticket.
    NotYours,
    /// The server could not store something; retry (ids make retries safe).
    Internal,
    /// A code this build does not know (sent by a newer server).
    Unknown,
}

/// Read as a string and looked up in [`ErrorCode::ALL`], so a code this build does not know
/// is [`ErrorCode::Unknown`], not an error. By hand rather than derived: the widget reads
/// these frames, and the string it already knows how to read costs no bytes (the derived
/// reader cost 0.8 KB brotli).
impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(ErrorCode::ALL
            .into_iter()
            .find(|c| c.as_str() == code)
            .unwrap_or(ErrorCode::Unknown))
    }
}

impl ErrorCode {
    /// Every code this build sends.
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::BadFrame,
        ErrorCode::Version,
        ErrorCode::NoConversation,
        ErrorCode::UnknownConversation,
        ErrorCode::BadHandoff,
        ErrorCode::BadEmail,
        ErrorCode::Login,
        ErrorCode::Taken,
        ErrorCode::Unavailable,
        ErrorCode::NotYours,
        ErrorCode::Internal,
    ];

    /// The code as the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadFrame => "bad_frame",
            ErrorCode::Version => "version",
            ErrorCode::NoConversation => "no_conversation",
            ErrorCode::UnknownConversation => "unknown_conversation",
            ErrorCode::BadHandoff => "bad_handoff",
            ErrorCode::BadEmail => "bad_email",
            ErrorCode::Login => "login",
            ErrorCode::Taken => "taken",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::NotYours => "not_yours",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}

/// A frame: the version plus one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame<T> {
    /// Always [`PROTOCOL_VERSION`].
    pub v: u8,
    /// The message, tagged by `type`.
    #[serde(flatten)]
    pub body: T,
}

impl<T> Frame<T> {
    /// Wraps a message in a version-1 frame.
    pub fn new(body: T) -> Frame<T> {
        Frame {
            v: PROTOCOL_VERSION,
            body,
        }
    }
}

/// Everything the agent needs when the widget hands over, sent once in
/// [`VisitorFrame::Handoff`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    /// Site id.
    pub site: String,
    /// The widget's stable visitor id.
    pub visitor: String,
    /// The thread so far, redacted in the browser.
    pub transcript: Transcript,
    /// Profile attributes as the site gave them (`verified` is the widget's claim only).
    pub profile: Profile,
    /// The signed profile token, if the site gave one; the server verifies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Why and where to.
    pub escalation: Escalation,
    /// Every trigger that fired, in order.
    pub trace: Vec<Firing>,
    /// Captured fields (redacted).
    pub fields: std::collections::BTreeMap<String, String>,
    /// The bot's summary.
    pub summary: Summary,
    /// Experiment variants.
    pub variants: Vec<Assignment>,
    /// Page the visitor is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// When the conversation started (ms since the Unix epoch).
    pub started_at: Millis,
}

impl Handoff {
    /// The handoff for an escalated conversation (`None` before escalation), redacted with
    /// the site's redactor.
    pub fn of(conversation: &Conversation, token: Option<String>) -> Option<Handoff> {
        let escalation = conversation.escalation()?.clone();
        let site = conversation.site();
        let summary = Summary::of(conversation);
        let mut handoff = Handoff {
            site: site.id.clone(),
            visitor: conversation.visitor().to_owned(),
            transcript: conversation.transcript().clone(),
            profile: conversation.profile().clone(),
            token,
            escalation,
            trace: conversation.firings().to_vec(),
            fields: summary.fields.clone(),
            summary,
            variants: conversation.variants().to_vec(),
            page: conversation.page().map(str::to_owned),
            started_at: conversation.started_at().unwrap_or(0),
        };
        handoff.redact(&site.redactor);
        Some(handoff)
    }

    /// Redacts every text the visitor could have typed (the transcript, the intent and the
    /// captured fields) with the site's rules, and card numbers out of what the site gave
    /// (profile attributes, the page). Redacting twice changes nothing, so the server
    /// applies it again to what a widget sends.
    pub fn redact(&mut self, redactor: &crate::redact::Redactor) {
        use crate::redact::Redactor;
        self.profile
            .attributes
            .values_mut()
            .for_each(Redactor::cards_in_json);
        if let Some(page) = &mut self.page {
            *page = Redactor::cards_only(page).into_owned();
        }
        self.transcript = self.transcript.redacted(redactor);
        if let Some(intent) = &mut self.summary.intent {
            *intent = redactor.redact(intent).into_owned();
        }
        for value in self
            .summary
            .fields
            .values_mut()
            .chain(self.fields.values_mut())
        {
            *value = redactor.redact(value).into_owned();
        }
    }
}

/// Frames a visitor's widget sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitorFrame {
    /// First frame on a socket: a new conversation, or a resume with the token from
    /// [`ServerToVisitor::Welcome`] and the last sequence number seen.
    Hello {
        /// Site id.
        site: String,
        /// Resume token of an existing conversation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<String>,
        /// Last sequence number the widget holds.
        #[serde(default)]
        last_seq: u64,
    },
    /// Hand the conversation to a person (sent once; retries reuse `id`).
    Handoff {
        /// Client-generated id; a retry with the same id creates no second ticket.
        id: String,
        /// The payload.
        handoff: Box<Handoff>,
    },
    /// A visitor message after handover.
    Message {
        /// Client-generated id, unique among this visitor's messages in the conversation
        /// (ids starting with `transcript:` are reserved).
        id: String,
        /// Text, at most 16 KB.
        text: String,
    },
    /// The visitor is typing.
    Typing,
    /// The rating after the agent closed.
    Csat {
        /// Client-generated id (a retry is recorded once).
        #[serde(default)]
        id: Option<String>,
        /// 1 (bad) to 5 (great).
        score: u8,
        /// Optional words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// No agent is available: the visitor leaves an address for a reply.
    LeaveEmail {
        /// Email address.
        email: String,
    },
}

/// Frames the server sends a visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerToVisitor {
    /// The conversation exists; keep `resume` to come back to it.
    Welcome {
        /// Conversation id.
        conversation: String,
        /// Resume token.
        resume: String,
    },
    /// The handoff is stored; position in the queue.
    Queued {
        /// 1 is next.
        position: u32,
        /// Whether someone can answer now: an agent is online and it is within the site's
        /// business hours (false: the visitor may leave an email).
        agents_online: bool,
    },
    /// An agent took the conversation.
    AgentJoined {
        /// Agent display name.
        name: String,
    },
    /// A stored message (from either side, so every device sees the whole thread).
    Message {
        /// Sequence number in the conversation.
        seq: u64,
        /// Author.
        from: Author,
        /// Text.
        text: String,
        /// The client id, echoed for the sender's own messages (acknowledgement).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Ms since the Unix epoch.
        at: Millis,
    },
    /// The agent is typing.
    Typing,
    /// The agent handed the conversation back to the queue (transfer).
    AgentLeft,
    /// The agent closed the conversation; ask for a rating.
    Closed,
    /// Something went wrong.
    Error {
        /// Stable code, e.g. `bad_frame`, `no_conversation`, `internal` (limits close the
        /// socket instead: 1009 too big, 1008 too fast).
        code: ErrorCode,
        /// Human explanation.
        message: String,
    },
}

/// Frames an agent's workspace sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentFrame {
    /// First frame: the session token from logging in.
    Login {
        /// Session token.
        token: String,
    },
    /// Take a ticket.
    Claim {
        /// Ticket id.
        ticket: String,
    },
    /// Reply to the visitor.
    Message {
        /// Ticket id.
        ticket: String,
        /// Client-generated id.
        id: String,
        /// Text.
        text: String,
    },
    /// Close with a resolution.
    Close {
        /// Ticket id.
        ticket: String,
        /// What was done.
        resolution: String,
    },
    /// Flag the escalation as a misfire.
    FlagMisfire {
        /// Ticket id.
        ticket: String,
        /// Which kind.
        kind: Misfire,
    },
    /// Move the ticket to another queue.
    Transfer {
        /// Ticket id.
        ticket: String,
        /// Target queue.
        queue: String,
    },
    /// The agent is typing in a claimed ticket.
    Typing {
        /// Ticket id.
        ticket: String,
    },
}

/// How an escalation went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Misfire {
    /// The bot could have handled it.
    Needless,
    /// It should have escalated sooner.
    TooLate,
}

/// A ticket as a queue lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    /// Ticket id.
    pub ticket: String,
    /// Queue.
    pub queue: String,
    /// Priority the server computed.
    pub priority: Priority,
    /// One-line reason.
    pub reason: String,
    /// Ms since the Unix epoch.
    pub created_at: Millis,
    /// The visitor's name, if the profile has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the profile was verified.
    #[serde(default)]
    pub verified: bool,
    /// `true` when it arrived while no agent was online.
    #[serde(default)]
    pub offline: bool,
}

/// A stored message as an agent sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    /// Sequence number in the conversation.
    pub seq: u64,
    /// Author.
    pub from: Author,
    /// Text (show as text, never as HTML).
    pub text: String,
    /// Ms since the Unix epoch.
    pub at: Millis,
    /// The server's sentiment score for visitor free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f32>,
    /// The sender's client id (lets a sender recognise its own message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A bot line of the handed-over transcript that the server's replay did not produce:
    /// the widget's claim (see [`crate::transcript::Entry::unconfirmed`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

/// Everything the agent workspace shows for a claimed ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    /// Ticket id.
    pub ticket: String,
    /// Queue.
    pub queue: String,
    /// Priority the server computed.
    pub priority: Priority,
    /// Created (ms since the Unix epoch).
    pub created_at: Millis,
    /// Why it escalated, in one line.
    pub reason: String,
    /// The widget's handoff: transcript, profile, trace, summary, fields, variants.
    pub handoff: Handoff,
    /// Whether the profile came in a valid signed token.
    pub verified: bool,
    /// The server's own re-run of the triggers over the transcript.
    pub server_trace: Vec<Firing>,
    /// How the widget's claim and the server's re-run differ, if they do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disagreement: Option<String>,
    /// The whole thread so far, transcript first.
    pub messages: Vec<MessageView>,
    /// Reply scripts with placeholders filled from the profile and fields.
    pub scripts: Vec<crate::aids::SuggestedScript>,
    /// Knowledge-base links matching the conversation.
    pub kb: Vec<KbLinkView>,
    /// The brand-voice guide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_voice: Option<BrandVoiceView>,
}

/// A knowledge-base link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KbLinkView {
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
}

/// The brand-voice guide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrandVoiceView {
    /// Tone.
    pub tone: String,
    /// Do.
    pub dos: Vec<String>,
    /// Don't.
    pub donts: Vec<String>,
}

/// Frames the server sends an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerToAgent {
    /// Login accepted.
    Welcome {
        /// The agent's name.
        name: String,
    },
    /// A claimed ticket, in full (sent on claim, and again on a repeated claim after a
    /// reconnect).
    Ticket {
        /// The ticket.
        view: Box<TicketView>,
    },
    /// The ticket was closed.
    Closed {
        /// Ticket id.
        ticket: String,
    },
    /// The visitor is typing.
    Typing {
        /// Ticket id.
        ticket: String,
    },
    /// The head of the queue, after login and whenever the agent's view is read again: the
    /// most urgent waiting tickets (at most the server's `queue_shown`), and how many wait.
    QueueSnapshot {
        /// The most urgent waiting tickets, most urgent first.
        items: Vec<QueueItem>,
        /// How many tickets wait in all (at least `items.len()`).
        #[serde(default)]
        waiting: u64,
    },
    /// A ticket entered the agent's view of the queue, or changed in it.
    QueueUpdate {
        /// The ticket.
        item: QueueItem,
        /// How many tickets wait in all.
        #[serde(default)]
        waiting: u64,
    },
    /// A ticket left the agent's view of the queue: claimed, or pushed out of the head by
    /// more urgent ones.
    QueueRemove {
        /// Ticket id.
        ticket: String,
        /// How many tickets wait in all.
        #[serde(default)]
        waiting: u64,
    },
    /// The queue changed outside the agent's view: only the count of waiting tickets.
    QueueCount {
        /// How many tickets wait in all.
        waiting: u64,
    },
    /// A stored message in a claimed ticket.
    Message {
        /// Ticket id.
        ticket: String,
        /// Sequence number.
        seq: u64,
        /// Author.
        from: Author,
        /// Text.
        text: String,
        /// Echoed client id for the agent's own messages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Ms since the Unix epoch.
        at: Millis,
        /// The server's sentiment score for visitor text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sentiment: Option<f32>,
    },
    /// Something went wrong.
    Error {
        /// Stable code.
        code: ErrorCode,
        /// Human explanation.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_read_back_and_unknown_ones_are_unknown() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).ok(), Some(code));
        }
        assert_eq!(
            serde_json::from_str::<ErrorCode>("\"too_soon\"").ok(),
            Some(ErrorCode::Unknown)
        );
        assert!(serde_json::from_str::<ErrorCode>("7").is_err());
    }

    #[test]
    fn frames_are_versioned_and_tagged() {
        let frame = Frame::new(VisitorFrame::Message {
            id: "m1".into(),
            text: "hi".into(),
        });
        let json = serde_json::to_value(&frame).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"v": 1, "type": "message", "id": "m1", "text": "hi"})
        );
        let back: Frame<VisitorFrame> = serde_json::from_value(json).unwrap();
        assert_eq!(back, frame);
        assert!(serde_json::from_str::<Frame<VisitorFrame>>(r#"{"v":1,"type":"nope"}"#).is_err());
    }
}
