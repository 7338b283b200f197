//! `offer_human`: ask whether the visitor wants a person.

use crate::template::Template;

use super::{Bot, Next, NodeId};

/// Offers a person.
#[derive(Debug, Clone)]
pub struct OfferHuman {
    /// The offer.
    pub text: Template,
    /// Where "yes" leads.
    pub yes: NodeId,
    /// Where "no" leads.
    pub no: NodeId,
}

impl OfferHuman {
    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        turn.offer(&self.text);
        Next::Stay
    }

    pub(crate) fn on_choice(&self, choice: usize) -> Next {
        match choice {
            0 => Next::Go(self.yes),
            1 => Next::Go(self.no),
            _ => Next::Stay,
        }
    }

    pub(crate) fn on_text(&self, turn: &mut impl Bot, folded: &str) -> Next {
        match turn.yes_or_no(folded) {
            Some(true) => Next::Go(self.yes),
            Some(false) => Next::Go(self.no),
            None => {
                turn.fallback();
                turn.offer(&self.text);
                Next::Stay
            }
        }
    }
}
