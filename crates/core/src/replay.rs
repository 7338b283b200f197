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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_redacted_whole_replays_as_the_answer_the_browser_took() {
        let site = match crate::config::compile(include_str!("../../../static/demo-shop.json")) {
            Ok(site) => Arc::new(site),
            Err(e) => panic!("the demo config compiles: {e}"),
        };
        let mut chat = Conversation::new(Arc::clone(&site), "v1");
        chat.handle(Event::Start { page: None }, 1_000);
        chat.handle(Event::Choice { index: 1 }, 2_000);
        chat.handle(
            Event::Text {
                text: "ana@example.com".into(),
            },
            3_000,
        );
        let sent = chat.transcript().redacted(&site.redactor);
        assert!(sent.entries.iter().any(|e| e.text == "[email]"));
        let again = rerun(&site, "v1", 1_000, &BTreeMap::new(), &sent);
        let bot = |t: &Transcript| -> Vec<String> {
            t.entries
                .iter()
                .filter(|e| e.from == Author::Bot)
                .map(|e| e.text.clone())
                .collect()
        };
        // The re-run asked no retry: it took the journey the visitor took.
        assert_eq!(bot(again.transcript()), bot(&sent));
    }
}
