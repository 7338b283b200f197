//! `faq`: answer a free-text question from the FAQ, or go to the fallback node.

use crate::template::Template;

use super::{Bot, Next, NodeId};

/// Answers from the FAQ.
#[derive(Debug, Clone)]
pub struct FaqStep {
    /// Prompt said on arrival.
    pub text: Template,
    /// Where to go after an answer.
    pub found: NodeId,
    /// Where to go when nothing matched.
    pub fallback: NodeId,
}

impl FaqStep {
    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        turn.say(&self.text, &[]);
        Next::Stay
    }

    pub(crate) fn on_text(&self, turn: &mut impl Bot, folded: &str) -> Next {
        if turn.answer_from_faq(folded, &[]) {
            Next::Go(self.found)
        } else {
            turn.fallback();
            Next::Go(self.fallback)
        }
    }
}
