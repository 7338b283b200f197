//! Re-running a conversation from its transcript: the server's check of a handoff and
//! `baton replay` both type the visitor's side again into the same engine the widget ran.
//!
//! Only the visitor's side is replayed: each visitor entry of the (redacted) transcript is
//! typed again at its original time, timers first, as it happened in the browser. Buttons
//! the visitor pressed are stored as their labels and replayed as typed text.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::conversation::{Conversation, Event};
use crate::transcript::{Author, Transcript};
use crate::{Millis, Site};

/// Runs `visitor`'s side of `transcript` on `site`, from `started_at`, with the `trusted`
/// profile attributes; stops at the escalation, as the widget would have.
pub fn rerun(
    site: &Arc<Site>,
    visitor: &str,
    started_at: Millis,
    trusted: &BTreeMap<String, serde_json::Value>,
    transcript: &Transcript,
) -> Conversation {
    let mut chat = Conversation::new(Arc::clone(site), visitor);
    chat.handle(Event::Start { page: None }, started_at);
    if !trusted.is_empty() {
        chat.handle(
            Event::Profile {
                attributes: trusted.clone(),
                verified: true,
            },
            started_at,
        );
    }
    for entry in transcript
        .entries
        .iter()
        .filter(|e| e.from == Author::Visitor)
    {
        // Timers that fell due before this message fire first, as they did in the browser.
        chat.handle(Event::Timer, entry.at);
        chat.handle(
            Event::Text {
                text: entry.text.clone(),
            },
            entry.at,
        );
        if chat.escalation().is_some() {
            break;
        }
    }
    chat
}
