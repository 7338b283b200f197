//! `ask`: the bot asks for a value, checks it and keeps it in a named field.

use regex_lite::Regex;

use crate::template::Template;

use super::{Bot, Next, NodeId};

/// Asks for a value.
#[derive(Debug, Clone)]
pub struct Ask {
    /// The question.
    pub text: Template,
    /// Field the answer goes into.
    pub field: String,
    /// How the answer is checked.
    pub validate: Validation,
    /// Said when the answer is invalid.
    pub retry_text: Template,
    /// Where to go once answered.
    pub next: NodeId,
}

/// Answer checks.
#[derive(Debug, Clone)]
pub enum Validation {
    /// Any non-empty text.
    Any,
    /// An email address.
    Email,
    /// A number within optional bounds.
    Number {
        /// Inclusive lower bound.
        min: Option<f64>,
        /// Inclusive upper bound.
        max: Option<f64>,
    },
    /// A regular expression the whole trimmed answer must match (compiled anchored).
    Pattern(Regex),
}

impl Validation {
    /// Whether `answer` (already trimmed) is acceptable.
    pub fn accepts(&self, answer: &str) -> bool {
        if answer.is_empty() {
            return false;
        }
        match self {
            Validation::Any => true,
            Validation::Email => looks_like_email(answer),
            Validation::Number { min, max } => {
                answer.replace(',', "").parse::<f64>().is_ok_and(|n| {
                    n.is_finite() && min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
                })
            }
            // Compiled anchored (`^(?:…)$`), so a match is a whole-answer match.
            Validation::Pattern(re) => re.is_match(answer),
        }
    }
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty() && !local.contains(char::is_whitespace);
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    local_ok && domain_ok
}

impl Ask {
    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        turn.say(&self.text, &[]);
        Next::Stay
    }

    pub(crate) fn on_text(&self, turn: &mut impl Bot, text: &str) -> Next {
        let answer = text.trim();
        // An answer that is one redaction marker whole is read back from a redacted log
        // (the widget's saved conversation, a handoff's transcript): what was typed is gone,
        // and the redactor only ever takes the kind of value a question asks for (an email,
        // a number, an id), so it is taken as the answer the browser accepted. The field
        // holds the marker, as the redacted handoff would have sent it.
        if self.validate.accepts(answer) || turn.is_redaction_marker(answer) {
            turn.capture(&self.field, answer);
            Next::Go(self.next)
        } else {
            turn.count_fallback();
            turn.say(&self.retry_text, &[]);
            Next::Stay
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validations() {
        assert!(Validation::Email.accepts("ana@example.com"));
        assert!(!Validation::Email.accepts("ana@example"));
        assert!(!Validation::Email.accepts("ana example.com"));
        let n = Validation::Number {
            min: Some(1.0),
            max: Some(10.0),
        };
        assert!(n.accepts("7") && !n.accepts("11") && !n.accepts("seven") && !n.accepts("NaN"));
        let p = Validation::Pattern(Regex::new("^(?:(?i)[a-z]{2}[0-9]{6})$").unwrap());
        assert!(p.accepts("ab123456") && !p.accepts("ab1234567") && !p.accepts("xab123456"));
        assert!(!Validation::Any.accepts(""));
    }
}
