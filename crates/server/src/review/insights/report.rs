//! The report's types: what `baton report --json` writes and the page shows, field by field.

use serde::Serialize;

use super::{Standing, stats};
use crate::store::Alert;

use super::Window;

/// Everything the Insights page and `baton report` show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Site id.
    pub site: String,
    /// Site name.
    pub name: String,
    /// The period.
    pub window: Window,
    /// Whole-site figures.
    pub overview: Figures,
    /// Per UTC day, oldest first.
    pub days: Vec<Day>,
    /// Per trigger of the config, then any others seen in the data.
    pub triggers: Vec<TriggerReport>,
    /// Per experiment of the config.
    pub experiments: Vec<ExperimentReport>,
    /// Drift alerts open now or drifting within the window, newest first.
    pub alerts: Vec<Alert>,
}

/// The figures for a set of conversations (the site, or one experiment variant).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Conversations that started in the window.
    pub conversations: u64,
    /// How they stand.
    pub outcomes: Outcomes,
    /// Escalated ÷ finished.
    pub escalation_rate: Rate,
    /// Resolved by the bot ÷ finished.
    pub bot_resolution_rate: Rate,
    /// Escalations a person answered ÷ escalations decided.
    pub escalation_success_rate: Rate,
    /// Visitor ratings of closed tickets and of conversations the bot resolved.
    pub csat: Csat,
    /// Ticket created → first agent message.
    pub first_reply: Durations,
    /// Ticket created → closed.
    pub resolution: Durations,
    /// Finished conversations followed by another from the same visitor within 7 days.
    pub repeat_contacts: Rate,
}

/// Conversations by outcome. `finished` = escalated + resolved + abandoned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Outcomes {
    /// Handed to a person.
    pub escalated: u64,
    /// The bot's journey reached its end.
    pub resolved: u64,
    /// Open, and its last message is more than 30 minutes old.
    pub abandoned: u64,
    /// Open, with a message in the last 30 minutes: not counted in rates yet.
    pub open: u64,
}

impl Outcomes {
    /// Conversations with a known outcome: the denominator of the rates.
    pub fn finished(&self) -> u64 {
        self.escalated + self.resolved + self.abandoned
    }

    pub(super) fn add(&mut self, standing: Standing) {
        match standing {
            Standing::Escalated => self.escalated += 1,
            Standing::Resolved => self.resolved += 1,
            Standing::Abandoned => self.abandoned += 1,
            Standing::Open => self.open += 1,
        }
    }
}

/// A proportion with its 95% Wilson interval (absent when `of` is 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// Successes.
    pub count: u64,
    /// Trials.
    pub of: u64,
    /// `count / of`.
    pub value: Option<f64>,
    /// Interval, low end.
    pub low: Option<f64>,
    /// Interval, high end.
    pub high: Option<f64>,
}

impl Rate {
    /// `count` of `of`, with its interval.
    pub fn of(count: u64, of: u64) -> Rate {
        let interval = stats::wilson(count, of);
        Rate {
            count,
            of,
            value: (of > 0).then(|| count as f64 / of as f64),
            low: interval.map(|i| i.0),
            high: interval.map(|i| i.1),
        }
    }
}

/// Customer satisfaction: ratings 1–5.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Csat {
    /// Ratings given: of closed tickets, and of conversations the bot resolved.
    pub ratings: u64,
    /// Of those, ratings of conversations the bot resolved.
    pub from_bot: u64,
    /// Mean rating.
    pub mean: Option<f64>,
    /// 95% interval of the mean, low end (two ratings or more).
    pub low: Option<f64>,
    /// 95% interval of the mean, high end.
    pub high: Option<f64>,
    /// Ratings of 4 or 5 ÷ ratings.
    pub satisfied: Rate,
    /// How many of each score, 1 to 5.
    pub histogram: [u64; 5],
}

/// A set of durations: how many, the median and the 90th percentile (nearest rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Durations {
    /// How many.
    pub count: u64,
    /// Median, ms.
    pub median_ms: Option<u64>,
    /// 90th percentile, ms.
    pub p90_ms: Option<u64>,
}

/// One UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Conversations that started that day, by outcome.
    pub outcomes: Outcomes,
}

/// One trigger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerReport {
    /// Trigger id.
    pub id: String,
    /// Whether the current config has it.
    pub configured: bool,
    /// Conversations it fired in ÷ conversations.
    pub fire_rate: Rate,
    /// Escalations it caused (directly, or by an offer the visitor accepted).
    pub escalations: u64,
    /// Of those, flagged "needless" by an agent.
    pub needless: u64,
    /// Of those, flagged "too late".
    pub too_late: u64,
    /// (Escalations − needless) ÷ escalations.
    pub precision: Rate,
    /// Mean sentiment of the last scored visitor message at or before each firing.
    pub sentiment_at_fire: Option<f64>,
    /// Firings per UTC day, aligned with [`Report::days`].
    pub daily: Vec<u64>,
}

/// One experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExperimentReport {
    /// Experiment id.
    pub id: String,
    /// Description from the config.
    pub description: Option<String>,
    /// Per variant, in config order (the first is the control).
    pub variants: Vec<VariantReport>,
    /// Whether the escalation rates differ.
    pub verdict: Verdict,
}

/// One variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantReport {
    /// Variant id.
    pub id: String,
    /// Percent of visitors assigned.
    pub weight: u32,
    /// Its figures.
    pub figures: Figures,
}

/// The decision on an experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The metric compared.
    pub metric: String,
    /// The test, named.
    pub test: String,
    /// Whether any variant differs from the control at the corrected level.
    pub significant: bool,
    /// Each variant against the control.
    pub comparisons: Vec<Comparison>,
    /// One sentence.
    pub summary: String,
}

/// A variant against the control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The variant.
    pub variant: String,
    /// The control.
    pub control: String,
    /// Variant rate − control rate.
    pub difference: Option<f64>,
    /// z statistic.
    pub z: Option<f64>,
    /// Two-sided p-value.
    pub p: Option<f64>,
    /// `p` below α ÷ (variants − 1) with at least
    /// [`MIN_PER_ARM`](crate::review::insights::MIN_PER_ARM) finished per arm.
    pub significant: bool,
}
