//! The compiled config: everything the engine needs, validated, matchers built.

use std::sync::Arc;

use crate::aids::AgentAids;
use crate::config::raw::Position;
use crate::experiment::Experiment;
use crate::faq::Faq;
use crate::flow::Flow;
use crate::matcher::PhraseMatcher;
use crate::redact::Redactor;
use crate::trigger::Trigger;

/// A site's compiled config. Built only by [`crate::config::compile`], so every `Site` is
/// valid: ids resolve, thresholds are in range, patterns compile.
#[derive(Debug)]
pub struct Site {
    /// Site id (embed `data-site`, JWT audience).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Origins allowed to embed the widget.
    pub origins: Vec<String>,
    /// First bot message.
    pub greeting: String,
    /// Said when the bot does not understand.
    pub fallback_text: String,
    /// Said when a trigger hands the conversation over.
    pub handoff_text: String,
    /// When the team answers.
    pub hours: crate::hours::Hours,
    /// How long (ms) the widget keeps an idle conversation in the visitor's browser.
    pub remember_for: crate::Millis,
    /// Look of the widget.
    pub appearance: Appearance,
    /// The journey.
    pub flow: Flow,
    /// The FAQ.
    pub faq: Faq,
    /// Escalation rules in config order.
    pub triggers: Vec<Arc<Trigger>>,
    /// Help for agents.
    pub aids: AgentAids,
    /// Redaction of transcripts.
    pub redactor: Redactor,
    /// A/B tests.
    pub experiments: Vec<Experiment>,
    /// Drift alert settings (used by the server).
    pub drift: Drift,
    pub(crate) answers: YesNo,
}

/// Drift alert settings, defaults filled in; see `docs/metrics.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    /// Significance level of each one-sided test.
    pub alpha: f64,
    /// Days in the baseline.
    pub baseline_days: u32,
    /// Expected firings a day needed to test for "too rarely".
    pub min_expected: f64,
    /// Where new alerts are POSTed.
    pub webhook: Option<String>,
}

impl Default for Drift {
    fn default() -> Drift {
        Drift {
            alpha: 0.001,
            baseline_days: 28,
            min_expected: 5.0,
            webhook: None,
        }
    }
}

/// Look of the widget, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Appearance {
    /// Panel title.
    pub title: String,
    /// Accent colour `#rrggbb`.
    pub accent: String,
    /// Launcher corner.
    pub position: Position,
    /// Avatar URL.
    pub avatar: Option<String>,
    /// Launcher label.
    pub launcher_label: String,
}

/// Recognises "yes" and "no" typed in answer to an offer.
#[derive(Debug, Clone)]
pub(crate) struct YesNo {
    yes: PhraseMatcher,
    no: PhraseMatcher,
}

const YES: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "please",
    "connect me",
    "y",
    "oui",
    "si",
    "ja",
];
const NO: &[&str] = &[
    "no",
    "nope",
    "nah",
    "not now",
    "no thanks",
    "n",
    "non",
    "nein",
    "later",
];

impl YesNo {
    pub(crate) fn new() -> Result<YesNo, crate::matcher::MatcherError> {
        Ok(YesNo {
            yes: PhraseMatcher::new(YES)?,
            no: PhraseMatcher::new(NO)?,
        })
    }

    /// `Some(true)` for yes, `Some(false)` for no, `None` when unclear or both.
    pub(crate) fn read(&self, folded: &str) -> Option<bool> {
        match (
            self.yes.first_match(folded).is_some(),
            self.no.first_match(folded).is_some(),
        ) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    }
}
