//! `say`: the bot says something and moves on.

use crate::template::Template;

use super::{Bot, Next, NodeId};

/// Says `text`, then goes to `next` (or goes idle).
#[derive(Debug, Clone)]
pub struct Say {
    /// What the bot says.
    pub text: Template,
    /// Where to go next.
    pub next: Option<NodeId>,
}

impl Say {
    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        turn.say(&self.text, &[]);
        self.next.map_or(Next::Idle, Next::Go)
    }
}
