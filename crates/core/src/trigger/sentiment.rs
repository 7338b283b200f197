//! Sentiment rules: `{"sentiment_below": -0.5}` on the current message and
//! `{"rolling_sentiment_below": {"threshold": -0.3, "messages": 3}}` over the latest messages.

use super::{Evidence, Facts, Kind};

/// Holds when the current visitor message scores below `threshold`.
#[derive(Debug, Clone)]
pub struct SentimentBelow {
    /// Score in -1..1.
    pub threshold: f32,
}

impl SentimentBelow {
    /// [`Kind::SentimentBelow`].
    pub fn kind(&self) -> Kind {
        Kind::SentimentBelow
    }

    /// Evidence with the message's score.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        let message = facts.message?;
        (message.score < self.threshold).then_some(Evidence::Sentiment {
            score: message.score,
            threshold: self.threshold,
            message: message.index,
        })
    }
}

/// Holds when the mean score of the latest `messages` visitor messages is below `threshold`.
#[derive(Debug, Clone)]
pub struct RollingSentimentBelow {
    /// Score in -1..1.
    pub threshold: f32,
    /// Window size, 2–50.
    pub messages: u32,
}

impl RollingSentimentBelow {
    /// [`Kind::RollingSentimentBelow`].
    pub fn kind(&self) -> Kind {
        Kind::RollingSentimentBelow
    }

    /// Evidence with the window's mean; waits until the window is full. Checked only when a
    /// visitor message arrives, so the window always ends at the newest message.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        facts.message?;
        let n = self.messages as usize;
        let start = facts.scores.len().checked_sub(n)?;
        let window = facts.scores.get(start..)?;
        if window.is_empty() {
            return None;
        }
        let mean = window.iter().sum::<f32>() / window.len() as f32;
        (mean < self.threshold).then_some(Evidence::RollingSentiment {
            mean,
            threshold: self.threshold,
            messages: self.messages,
        })
    }
}
