//! Drift settings checks behind [`super::compile_raw`].

use super::compile::Compiler;
use super::path::JsonPath;
use super::raw::{RawDrift, Sensitivity};
use crate::site::Drift;

impl Compiler {
    pub(crate) fn drift(&mut self, raw: &RawDrift, path: &JsonPath) -> Drift {
        let defaults = Drift::default();
        let alpha = match raw.sensitivity {
            Some(Sensitivity::Low) => 0.0001,
            Some(Sensitivity::High) => 0.01,
            Some(Sensitivity::Medium) | None => defaults.alpha,
        };
        let baseline_days = raw.baseline_days.unwrap_or(defaults.baseline_days);
        if !(7..=90).contains(&baseline_days) {
            self.problem(
                path.key("baseline_days"),
                format!("{baseline_days} days: the baseline is 7 to 90 days"),
            );
        }
        let min_expected = raw.min_expected.unwrap_or(defaults.min_expected);
        if !(1.0..=1000.0).contains(&min_expected) {
            self.problem(
                path.key("min_expected"),
                format!("{min_expected}: give 1 to 1000 firings a day"),
            );
        }
        if let Some(url) = &raw.webhook {
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.len() > 2048 || url.chars().any(char::is_whitespace) {
                self.problem(
                    path.key("webhook"),
                    "the webhook must be an `https://` or `http://` URL without spaces, at most 2048 bytes",
                );
            }
        }
        Drift {
            alpha,
            baseline_days,
            min_expected,
            webhook: raw.webhook.clone(),
        }
    }
}
