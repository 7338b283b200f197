//! How a conversation ended, as the widget reports it: the outcome beacon.
//!
//! Escalations reach the server as handoffs; the conversations the bot kept would be
//! invisible without this report, and every rate needs them as its denominator. The widget
//! sends an [`OutcomeReport`] with `navigator.sendBeacon` when the journey ends (`resolved`)
//! and whenever the page hides mid-conversation (`open`). The server calls a conversation
//! abandoned when it is `open` and its last message is [`ABANDONED_AFTER`] old.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::Conversation;
use crate::experiment::Assignment;
use crate::protocol::PROTOCOL_VERSION;
use crate::transcript::Transcript;
use crate::trigger::Firing;

/// A conversation still open this long after its last message is abandoned: 30 minutes.
pub const ABANDONED_AFTER: Millis = 30 * 60 * 1000;

/// Where a conversation stands. The order is the order of precedence: a later report never
/// moves a conversation back (an escalated conversation stays escalated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still going, as far as anyone knows.
    Open,
    /// The journey reached an `end` node without a person.
    Resolved,
    /// Handed to a person (only a handoff makes a conversation escalated).
    Escalated,
}

impl Outcome {
    /// The name stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Resolved => "resolved",
            Outcome::Escalated => "escalated",
        }
    }

    /// The outcome of a stored name, `Open` for anything else.
    pub fn parse(s: &str) -> Outcome {
        match s {
            "resolved" => Outcome::Resolved,
            "escalated" => Outcome::Escalated,
            _ => Outcome::Open,
        }
    }
}

/// The body of `POST /api/outcome`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeReport {
    /// Always [`PROTOCOL_VERSION`].
    pub v: u8,
    /// Site id.
    pub site: String,
    /// The widget's stable visitor id.
    pub visitor: String,
    /// When the conversation started; with the visitor id it names the conversation (a
    /// handoff of the same conversation carries the same two values).
    pub started_at: Millis,
    /// `open` or `resolved`; a beacon cannot claim `escalated`.
    pub outcome: Outcome,
    /// Experiment variants the conversation ran.
    pub variants: Vec<Assignment>,
    /// Every trigger that fired (offers the visitor declined included).
    pub trace: Vec<Firing>,
    /// The thread, redacted in the browser, so `baton replay` can re-run it.
    pub transcript: Transcript,
    /// The visitor's rating, 1–5, when the journey ended at an `end` node that asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<u8>,
    /// Their words with the rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_comment: Option<String>,
}

impl OutcomeReport {
    /// The report for a started conversation that has not been handed over; `None` before
    /// the start and after an escalation (the handoff reports those).
    pub fn of(conversation: &Conversation) -> Option<OutcomeReport> {
        if conversation.escalation().is_some() {
            return None;
        }
        let started_at = conversation.started_at()?;
        let site = conversation.site();
        Some(OutcomeReport {
            v: PROTOCOL_VERSION,
            site: site.id.clone(),
            visitor: conversation.visitor().to_owned(),
            started_at,
            outcome: if conversation.ended() {
                Outcome::Resolved
            } else {
                Outcome::Open
            },
            variants: conversation.variants().to_vec(),
            trace: conversation.firings().to_vec(),
            transcript: conversation.transcript().redacted(&site.redactor),
            csat: None,
            csat_comment: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::conversation::Event;

    fn site() -> Arc<crate::Site> {
        Arc::new(
            crate::config::compile(
                r#"{"version": 1, "site": {"id": "shop", "name": "Shop"},
                "flow": {"start": "ask", "nodes": [
                  {"id": "ask", "type": "ask", "field": "email", "text": "Email?", "next": "bye"},
                  {"id": "bye", "type": "end", "text": "Bye"}
                ]},
                "triggers": [{"id": "legal", "when": {"keywords": ["lawyer"]}}]}"#,
            )
            .expect("valid config"),
        )
    }

    #[test]
    fn reports_open_then_resolved_redacted_and_nothing_after_escalation() {
        let mut chat = Conversation::new(site(), "v1");
        assert_eq!(OutcomeReport::of(&chat), None, "not started");
        chat.handle(Event::Start { page: None }, 1_000);
        let open = OutcomeReport::of(&chat).expect("started");
        assert_eq!((open.outcome, open.started_at), (Outcome::Open, 1_000));
        chat.handle(
            Event::Text {
                text: "ana@example.com".into(),
            },
            2_000,
        );
        let done = OutcomeReport::of(&chat).expect("started");
        assert_eq!(done.outcome, Outcome::Resolved);
        let text: Vec<&str> = done
            .transcript
            .entries
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert!(
            !text.iter().any(|t| t.contains("ana@example.com")),
            "{text:?}"
        );

        let mut chat = Conversation::new(site(), "v2");
        chat.handle(Event::Start { page: None }, 1_000);
        chat.handle(
            Event::Text {
                text: "my lawyer".into(),
            },
            2_000,
        );
        assert_eq!(OutcomeReport::of(&chat), None, "escalated");
    }

    #[test]
    fn outcomes_only_move_forward() {
        assert!(Outcome::Open < Outcome::Resolved && Outcome::Resolved < Outcome::Escalated);
        for o in [Outcome::Open, Outcome::Resolved, Outcome::Escalated] {
            assert_eq!(Outcome::parse(o.as_str()), o);
        }
    }
}
