//! The bot's summary for the agent: extractive, built from what the conversation recorded.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::conversation::Conversation;

/// What the agent reads before the thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// What the visitor came for: their first button or the FAQ question they asked, else
    /// their first message (shortened).
    pub intent: Option<String>,
    /// Flow node ids in the order visited.
    pub path: Vec<String>,
    /// Captured fields.
    pub fields: BTreeMap<String, String>,
    /// One line per trigger that fired.
    pub triggers: Vec<String>,
    /// How the visitor's mood went.
    pub sentiment: Trend,
}

/// Sentiment over the visitor's free-text messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// Scored messages.
    pub messages: usize,
    /// First score.
    pub first: Option<f32>,
    /// Last score.
    pub last: Option<f32>,
    /// Lowest score.
    pub min: Option<f32>,
    /// Mean score.
    pub mean: Option<f32>,
    /// Direction from the first half of the messages to the second.
    pub direction: Direction,
}

/// Which way sentiment moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Fewer than two scored messages.
    Unknown,
    /// Mean of the later half is higher by more than 0.15.
    Improving,
    /// Within 0.15.
    Steady,
    /// Mean of the later half is lower by more than 0.15.
    Worsening,
}

/// Longest intent quoted from a visitor message, in characters.
const INTENT_CHARS: usize = 120;

impl Summary {
    /// Summarises a conversation.
    pub fn of(conversation: &Conversation) -> Summary {
        let scores: Vec<f32> = conversation
            .transcript()
            .entries
            .iter()
            .filter_map(|e| e.sentiment)
            .collect();
        let intent = conversation.intent().map(str::to_owned).or_else(|| {
            conversation
                .transcript()
                .entries
                .iter()
                .find(|e| e.sentiment.is_some())
                .map(|e| shorten(&e.text, INTENT_CHARS))
        });
        Summary {
            intent,
            path: conversation.path().to_vec(),
            fields: conversation.fields().clone(),
            triggers: conversation.firings().iter().map(|f| f.explain()).collect(),
            sentiment: Trend::of(&scores),
        }
    }

    /// The summary as short plain-text lines.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(intent) = &self.intent {
            lines.push(format!("Wants: {intent}"));
        }
        if !self.path.is_empty() {
            lines.push(format!("Path: {}", self.path.join(" → ")));
        }
        if !self.fields.is_empty() {
            let fields: Vec<String> = self
                .fields
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            lines.push(format!("Collected: {}", fields.join(", ")));
        }
        for t in &self.triggers {
            lines.push(format!("Fired: {t}"));
        }
        if let (Some(first), Some(last), Some(min)) = (
            self.sentiment.first,
            self.sentiment.last,
            self.sentiment.min,
        ) {
            lines.push(format!(
                "Sentiment: {first:+.2} → {last:+.2} (lowest {min:+.2}, {:?})",
                self.sentiment.direction
            ));
        }
        lines
    }
}

impl Trend {
    /// The trend of `scores`, oldest first.
    pub fn of(scores: &[f32]) -> Trend {
        let n = scores.len();
        let mean_of = |s: &[f32]| (!s.is_empty()).then(|| s.iter().sum::<f32>() / s.len() as f32);
        let direction = if n < 2 {
            Direction::Unknown
        } else {
            let (early, late) = scores.split_at(n / 2);
            match (mean_of(early), mean_of(late)) {
                (Some(a), Some(b)) if b - a > 0.15 => Direction::Improving,
                (Some(a), Some(b)) if a - b > 0.15 => Direction::Worsening,
                _ => Direction::Steady,
            }
        };
        Trend {
            messages: n,
            first: scores.first().copied(),
            last: scores.last().copied(),
            min: scores.iter().copied().reduce(f32::min),
            mean: mean_of(scores),
            direction,
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let short: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_directions() {
        assert_eq!(Trend::of(&[]).direction, Direction::Unknown);
        assert_eq!(
            Trend::of(&[0.5, 0.1, -0.6, -0.8]).direction,
            Direction::Worsening
        );
        assert_eq!(Trend::of(&[-0.5, 0.4]).direction, Direction::Improving);
        assert_eq!(Trend::of(&[0.1, 0.12]).direction, Direction::Steady);
        assert_eq!(Trend::of(&[0.1, -0.3]).min, Some(-0.3));
    }
}
