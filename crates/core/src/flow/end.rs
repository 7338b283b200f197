//! `end`: the bot's journey is complete.

use crate::conversation::Turn;
use crate::template::Template;

use super::Next;

/// Finishes.
#[derive(Debug, Clone)]
pub struct End {
    /// Closing words.
    pub text: Option<Template>,
    /// Whether to ask for a rating.
    pub csat: bool,
}

impl End {
    pub(crate) fn enter(&self, turn: &mut Turn<'_>) -> Next {
        if let Some(text) = &self.text {
            turn.say(text, &[]);
        }
        Next::End { csat: self.csat }
    }
}
