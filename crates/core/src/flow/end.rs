//! `end`: the bot's journey is complete.

use crate::template::Template;

use super::{Bot, Next};

/// Finishes.
#[derive(Debug, Clone)]
pub struct End {
    /// Closing words.
    pub text: Option<Template>,
    /// Whether to ask for a rating.
    pub csat: bool,
}

impl End {
    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        if let Some(text) = &self.text {
            turn.say(text, &[]);
        }
        Next::End { csat: self.csat }
    }
}
