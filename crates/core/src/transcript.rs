//! The conversation as the agent will read it.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::redact::Redactor;

/// Who wrote a transcript entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// The visitor.
    Visitor,
    /// The bot.
    Bot,
    /// A human agent.
    Agent,
    /// Baton itself (e.g. "Ana joined").
    System,
}

impl Author {
    /// The author as the wire and the store spell it: `visitor`, `bot`, `agent`, `system`.
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Visitor => "visitor",
            Author::Bot => "bot",
            Author::Agent => "agent",
            Author::System => "system",
        }
    }

    /// The author [`Author::as_str`] spells `s`, if any.
    pub fn parse(s: &str) -> Option<Author> {
        [Author::Visitor, Author::Bot, Author::Agent, Author::System]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Author.
    pub from: Author,
    /// Text, always shown as plain text.
    pub text: String,
    /// Ms since the Unix epoch.
    pub at: Millis,
    /// Sentiment score of visitor free text (-1..1); absent for buttons and other authors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f32>,
    /// Set by the server on a bot line its own replay of the visitor's lines did not
    /// produce (an answer from the site's API, or a line the client made up): the widget's
    /// claim, shown as such. Whatever a client sends here is replaced.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

/// The whole thread, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Transcript {
    /// Entries; their index is the message number used in trigger evidence.
    pub entries: Vec<Entry>,
}

impl Transcript {
    /// Appends an entry and returns its index.
    pub fn push(&mut self, from: Author, text: &str, at: Millis, sentiment: Option<f32>) -> usize {
        self.entries.push(Entry {
            from,
            text: text.to_owned(),
            at,
            sentiment,
            unconfirmed: false,
        });
        self.entries.len() - 1
    }

    /// A copy with every text passed through `redactor`.
    pub fn redacted(&self, redactor: &Redactor) -> Transcript {
        Transcript {
            entries: self
                .entries
                .iter()
                .map(|e| Entry {
                    text: redactor.redact(&e.text).into(),
                    ..e.clone()
                })
                .collect(),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
