//! `choices`: buttons, with free text matched against them and then against the FAQ.

use crate::matcher::PhraseMatcher;
use crate::template::Template;

use super::{Bot, Next, NodeId};

/// Offers buttons.
#[derive(Debug, Clone)]
pub struct Choices {
    /// The question above the buttons.
    pub text: Template,
    /// The buttons.
    pub options: Vec<ChoiceOption>,
    /// Labels and match terms of every option.
    pub matcher: PhraseMatcher,
    /// Matcher id → option index.
    pub option_of_term: Vec<usize>,
}

/// A button.
#[derive(Debug, Clone)]
pub struct ChoiceOption {
    /// Label.
    pub label: String,
    /// Where it leads.
    pub next: NodeId,
}

impl Choices {
    fn labels(&self) -> Vec<String> {
        self.options.iter().map(|o| o.label.clone()).collect()
    }

    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        turn.say(&self.text, &self.labels());
        Next::Stay
    }

    pub(crate) fn on_choice(&self, turn: &mut impl Bot, choice: usize) -> Next {
        match self.options.get(choice) {
            Some(option) => {
                turn.chose(&option.label);
                Next::Go(option.next)
            }
            None => Next::Stay,
        }
    }

    pub(crate) fn on_text(&self, turn: &mut impl Bot, folded: &str) -> Next {
        let picked = self
            .matcher
            .first_match(folded)
            .and_then(|id| self.option_of_term.get(id))
            .and_then(|&i| self.options.get(i));
        if let Some(option) = picked {
            turn.chose(&option.label);
            return Next::Go(option.next);
        }
        if turn.answer_from_faq(folded, &self.labels()) {
            return Next::Stay;
        }
        turn.fallback();
        turn.say(&self.text, &self.labels());
        Next::Stay
    }
}
