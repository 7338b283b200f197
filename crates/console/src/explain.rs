//! Why a ticket escalated, in words: trigger evidence, actions and the sentiment trend, with
//! message numbers that match the thread. Pure functions, tested natively.

use baton_core::summary::{Direction, Trend};
use baton_core::trigger::{Action, Counter, Evidence};

use crate::format::{priority_label, score, value_text};

/// Whose trace a firing comes from: message numbers differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The widget's trace: message numbers are transcript indexes, the thread's `#` numbers.
    Widget,
    /// The server's re-run: message numbers count its own replay of the transcript.
    Server,
}

/// The thread's number for a message: its transcript index (seq − 1), the number trigger
/// evidence and the server's one-line reasons use.
pub fn message_number(seq: u64) -> u64 {
    seq.saturating_sub(1)
}

/// The transcript index a piece of evidence points at, if any.
pub fn evidence_message(evidence: &Evidence) -> Option<usize> {
    match evidence {
        Evidence::Keyword { message, .. }
        | Evidence::Sentiment { message, .. }
        | Evidence::HumanRequest { message, .. } => Some(*message),
        _ => None,
    }
}

/// One piece of trigger evidence in words.
pub fn evidence_text(evidence: &Evidence, source: Source) -> String {
    let at = |index: &usize| match source {
        Source::Widget => format!("message #{index}"),
        Source::Server => format!("message {index} of the server's replay"),
    };
    match evidence {
        Evidence::Profile {
            attribute,
            value,
            verified,
        } => {
            let trust = if *verified {
                "verified"
            } else {
                "not verified"
            };
            format!(
                "the profile's “{attribute}” is {} ({trust})",
                value_text(value)
            )
        }
        Evidence::Keyword { term, message } => {
            format!("the term “{term}” appeared in {}", at(message))
        }
        Evidence::Sentiment {
            score: s,
            threshold,
            message,
        } => format!(
            "{} scored sentiment {}, below the threshold {}",
            at(message),
            score(*s),
            score(*threshold)
        ),
        Evidence::RollingSentiment {
            mean,
            threshold,
            messages,
        } => format!(
            "the mean sentiment of the last {messages} messages was {}, below {}",
            score(*mean),
            score(*threshold)
        ),
        Evidence::Count {
            counter,
            count,
            limit,
        } => {
            let what = match counter {
                Counter::BotTurns => "bot replies",
                Counter::Seconds => "seconds in the conversation",
                Counter::Steps => "steps in the journey",
                Counter::Fallbacks => "messages the bot did not understand",
                Counter::FallbacksInARow => "messages in a row the bot did not understand",
            };
            format!("{count} {what} (limit {limit})")
        }
        Evidence::HumanRequest { phrase, message } => {
            format!(
                "the visitor asked for a person (“{phrase}”) in {}",
                at(message)
            )
        }
    }
}

/// What a trigger does, in words.
pub fn action_text(action: &Action) -> String {
    match action {
        Action::Escalate { queue, priority } => {
            format!(
                "hand over to {queue} ({})",
                priority_label(*priority).to_lowercase()
            )
        }
        Action::Offer {
            queue, priority, ..
        } => {
            format!(
                "offer a person from {queue} ({})",
                priority_label(*priority).to_lowercase()
            )
        }
    }
}

/// The sentiment trend in one line.
pub fn trend_text(trend: &Trend) -> String {
    if trend.messages == 0 {
        return "no scored messages".to_owned();
    }
    let direction = match trend.direction {
        Direction::Unknown => "too few messages for a trend",
        Direction::Improving => "improving",
        Direction::Steady => "steady",
        Direction::Worsening => "worsening",
    };
    let part = |name: &str, v: Option<f32>| v.map(|v| format!(", {name} {}", score(v)));
    let mut text = format!("{direction} over {} messages", trend.messages);
    for (name, value) in [
        ("first", trend.first),
        ("last", trend.last),
        ("lowest", trend.min),
    ] {
        text.push_str(&part(name, value).unwrap_or_default());
    }
    text
}

#[cfg(test)]
mod tests;
