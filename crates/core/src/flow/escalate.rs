//! `escalate`: hand the conversation to a person.

use crate::queue::Priority;
use crate::template::Template;

use super::{Bot, Next};

/// Hands over.
#[derive(Debug, Clone)]
pub struct Escalate {
    /// Said before handing over.
    pub text: Template,
    /// Target queue.
    pub queue: String,
    /// Ticket priority.
    pub priority: Priority,
}

impl Escalate {
    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        turn.say(&self.text, &[]);
        Next::Escalate {
            queue: self.queue.clone(),
            priority: self.priority,
        }
    }
}
