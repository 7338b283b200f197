//! `escalate`: hand the conversation to a person.

use crate::config::raw::Priority;
use crate::conversation::Turn;

use super::Next;

/// Hands over.
#[derive(Debug, Clone)]
pub struct Escalate {
    /// Said before handing over.
    pub text: String,
    /// Target queue.
    pub queue: String,
    /// Ticket priority.
    pub priority: Priority,
}

impl Escalate {
    pub(crate) fn enter(&self, turn: &mut Turn<'_>) -> Next {
        turn.say_plain(&self.text);
        Next::Escalate {
            queue: self.queue.clone(),
            priority: self.priority,
        }
    }
}
