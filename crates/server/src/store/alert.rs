//! Drift alerts as the store keeps them: which way a trigger drifted, the evidence of one
//! day's test, and the alert opened, extended and closed from those tests (`review::drift`
//! runs the tests).

use baton_core::Millis;
use serde::{Deserialize, Serialize};

use crate::days::date;

/// Which way a trigger drifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More firings than the baseline predicts.
    TooOften,
    /// Fewer.
    TooRarely,
}

impl Direction {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::TooOften => "too_often",
            Direction::TooRarely => "too_rarely",
        }
    }

    /// From a stored name.
    pub fn parse(s: &str) -> Direction {
        if s == "too_rarely" {
            Direction::TooRarely
        } else {
            Direction::TooOften
        }
    }
}

/// A failed test: the evidence an alert carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// Trigger id.
    pub trigger: String,
    /// Which way.
    pub direction: Direction,
    /// The tested day (UTC midnight).
    pub day: Millis,
    /// Conversations it fired in that day.
    pub observed: u64,
    /// What the baseline predicts for that day's conversations.
    pub expected: f64,
    /// The one-sided Poisson p-value.
    pub p: f64,
}

/// The result of one direction's test on one day.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Too little data to say: an open alert stays as it is.
    Untestable,
    /// Within the baseline's range: an open alert closes.
    Normal,
    /// Drifting.
    Drift(Signal),
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Store id.
    pub id: i64,
    /// Trigger id.
    pub trigger: String,
    /// Which way.
    pub direction: Direction,
    /// First day that drifted (UTC midnight).
    pub opened_day: Millis,
    /// Latest day that drifted.
    pub last_day: Millis,
    /// Firings on the latest day that drifted.
    pub observed: u64,
    /// Expected on that day.
    pub expected: f64,
    /// Its p-value.
    pub p: f64,
    /// The day that tested normal again; `None` while open.
    pub closed_day: Option<Millis>,
}

impl Alert {
    /// One line for logs, webhooks and the report.
    pub fn describe(&self) -> String {
        let how = match self.direction {
            Direction::TooOften => "unusually often",
            Direction::TooRarely => "unusually rarely",
        };
        format!(
            "Trigger `{}` fired {how}: in {} conversations on {}, where {:.1} were expected (Poisson p = {:.2e}).",
            self.trigger,
            self.observed,
            date(self.last_day),
            self.expected,
            self.p
        )
    }
}
