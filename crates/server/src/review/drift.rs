//! Drift alerts: a trigger firing unusually often or unusually rarely against its own
//! baseline. Each UTC day, for each trigger of the config, the number of conversations that
//! started that day in which it fired is compared with the count the baseline rate predicts,
//! by a one-sided Poisson test in each direction (`docs/metrics.md` has the details). An
//! alert opens when the test fails, stays open (one per trigger and direction, however many
//! days the drift lasts) and closes on the first day that tests normal again. New alerts are
//! logged and POSTed to the configured webhook.

use std::collections::BTreeMap;
use std::time::Duration;

use baton_core::site::Drift;
use baton_core::{Millis, Site};

use crate::days::{DAY, date, day_of};
pub use crate::store::{Alert, Direction, Signal, Test};
use crate::store::{ConversationRecord, Store, StoreError};

/// One UTC day: conversations that started, and per trigger the ones it fired in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayCounts {
    /// Conversations that started that day.
    pub conversations: u64,
    /// Trigger id → conversations it fired in.
    pub fires: BTreeMap<String, u64>,
}

/// Counts per day for `days` days from `first_day` (a UTC midnight).
pub fn count(
    conversations: &[ConversationRecord],
    first_day: Millis,
    days: usize,
) -> Vec<DayCounts> {
    let mut out = vec![DayCounts::default(); days];
    for c in conversations {
        let Some(index) = c
            .started_at
            .checked_sub(first_day)
            .and_then(|d| usize::try_from(d / DAY).ok())
        else {
            continue;
        };
        let Some(day) = out.get_mut(index) else {
            continue;
        };
        day.conversations += 1;
        let mut seen: Vec<&str> = Vec::new();
        for firing in &c.trace {
            if !seen.contains(&firing.trigger.as_str()) {
                seen.push(&firing.trigger);
                *day.fires.entry(firing.trigger.clone()).or_default() += 1;
            }
        }
    }
    out
}

/// Days of the baseline that must have conversations before anything is tested.
pub const MIN_BASELINE_DAYS: usize = 7;

/// Tests `trigger` on `today` (the day at `day`) against the days of `baseline`.
pub fn test(
    trigger: &str,
    baseline: &[DayCounts],
    today: &DayCounts,
    day: Millis,
    settings: &Drift,
) -> [(Direction, Test); 2] {
    let active: Vec<&DayCounts> = baseline.iter().filter(|d| d.conversations > 0).collect();
    let untestable = [
        (Direction::TooOften, Test::Untestable),
        (Direction::TooRarely, Test::Untestable),
    ];
    if active.len() < MIN_BASELINE_DAYS || today.conversations == 0 {
        return untestable;
    }
    let conversations: u64 = active.iter().map(|d| d.conversations).sum();
    let fires: u64 = active
        .iter()
        .map(|d| d.fires.get(trigger).copied().unwrap_or(0))
        .sum();
    // A trigger that never fired in the baseline counts as half a firing, so a sudden burst
    // of a rare trigger can still be called unusual.
    let rate = (fires as f64).max(0.5) / conversations as f64;
    let expected = rate * today.conversations as f64;
    let observed = today.fires.get(trigger).copied().unwrap_or(0);
    let signal = |direction, p| Signal {
        trigger: trigger.to_owned(),
        direction,
        day,
        observed,
        expected,
        p,
    };
    let often = poisson_at_least(observed, expected);
    let too_often = if often < settings.alpha {
        Test::Drift(signal(Direction::TooOften, often))
    } else {
        Test::Normal
    };
    let too_rarely = if expected < settings.min_expected {
        Test::Untestable
    } else {
        let rarely = poisson_at_most(observed, expected);
        if rarely < settings.alpha {
            Test::Drift(signal(Direction::TooRarely, rarely))
        } else {
            Test::Normal
        }
    };
    [
        (Direction::TooOften, too_often),
        (Direction::TooRarely, too_rarely),
    ]
}

/// ln(k!), exact by summation up to 256 and by Stirling's series above (error < 1e-10).
fn ln_factorial(k: u64) -> f64 {
    if k < 256 {
        return (2..=k).map(|i| (i as f64).ln()).sum();
    }
    let n = k as f64;
    n * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI * n).ln() + 1.0 / (12.0 * n)
        - 1.0 / (360.0 * n.powi(3))
}

/// P(X = k) for X ~ Poisson(λ), computed in logs so large counts do not underflow early.
fn poisson_pmf(k: u64, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    (-lambda + k as f64 * lambda.ln() - ln_factorial(k)).exp()
}

/// P(X ≤ k) for X ~ Poisson(λ).
pub fn poisson_at_most(k: u64, lambda: f64) -> f64 {
    (0..=k)
        .map(|i| poisson_pmf(i, lambda))
        .sum::<f64>()
        .min(1.0)
}

/// P(X ≥ k) for X ~ Poisson(λ): summed upwards from `k` when `k` is past the mean (where the
/// tail is small and a complement would lose it to rounding), else 1 − P(X ≤ k − 1).
pub fn poisson_at_least(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if (k as f64) <= lambda {
        return (1.0 - poisson_at_most(k - 1, lambda)).max(0.0);
    }
    let mut total = 0.0;
    let mut i = k;
    loop {
        let term = poisson_pmf(i, lambda);
        total += term;
        if term <= total * 1e-17 || term == 0.0 || i - k > 100_000 {
            break;
        }
        i += 1;
    }
    total.min(1.0)
}

/// Tests every trigger of `site` on the day starting at `day` and records the results;
/// returns the alerts this opened.
pub async fn check_day(
    store: &dyn Store,
    site: &Site,
    day: Millis,
) -> Result<Vec<Alert>, StoreError> {
    let settings = &site.drift;
    let first = day.saturating_sub(u64::from(settings.baseline_days) * DAY);
    let conversations = store.conversations(&site.id, first, day + DAY).await?;
    let days = usize::try_from((day + DAY - first) / DAY).unwrap_or(0);
    let counts = count(&conversations, first, days);
    let Some((today, baseline)) = counts.split_last() else {
        return Ok(Vec::new());
    };
    let alerts = store.alerts(&site.id, first).await?;
    let mut results = Vec::new();
    for trigger in &site.triggers {
        let clean = clean_baseline(&trigger.id, baseline, first, &alerts);
        for (direction, test) in test(&trigger.id, &clean, today, day, settings) {
            results.push((trigger.id.clone(), direction, test));
        }
    }
    store.record_drift(&site.id, day, &results).await
}

/// The baseline of `trigger` without the days it drifted on (the days of its alerts), so a
/// lasting change is not absorbed into the baseline while its alert is open. When fewer than
/// [`MIN_BASELINE_DAYS`] days with conversations would remain, the change has lasted long
/// enough to be the new normal, and the whole baseline is used.
pub fn clean_baseline(
    trigger: &str,
    baseline: &[DayCounts],
    first_day: Millis,
    alerts: &[Alert],
) -> Vec<DayCounts> {
    let drifted = |day: Millis| {
        alerts
            .iter()
            .any(|a| a.trigger == trigger && (a.opened_day..=a.last_day).contains(&day))
    };
    let clean: Vec<DayCounts> = baseline
        .iter()
        .enumerate()
        .filter(|(i, _)| !drifted(first_day + *i as u64 * DAY))
        .map(|(_, d)| d.clone())
        .collect();
    if clean.iter().filter(|d| d.conversations > 0).count() < MIN_BASELINE_DAYS {
        baseline.to_vec()
    } else {
        clean
    }
}

/// Checks every complete UTC day not checked yet, up to the day before `now`: the day
/// before `now` alone on the first run, and never more than a baseline's worth of days.
/// Returns the alerts opened.
pub async fn catch_up(
    store: &dyn Store,
    site: &Site,
    now: Millis,
) -> Result<Vec<Alert>, StoreError> {
    let Some(last_complete) = day_of(now).checked_sub(DAY) else {
        return Ok(Vec::new());
    };
    let earliest = last_complete.saturating_sub(u64::from(site.drift.baseline_days) * DAY);
    let mut day = match store.last_drift_day(&site.id).await? {
        Some(done) => (done + DAY).max(earliest),
        None => last_complete,
    };
    let mut opened = Vec::new();
    while day <= last_complete {
        opened.extend(check_day(store, site, day).await?);
        day += DAY;
    }
    Ok(opened)
}

/// Logs a new alert and POSTs it to the webhook, if one is configured.
pub async fn announce(site: &Site, alert: &Alert) {
    tracing::warn!(
        trigger = %alert.trigger,
        direction = alert.direction.as_str(),
        day = %date(alert.last_day),
        observed = alert.observed,
        expected = alert.expected,
        p = alert.p,
        "drift alert"
    );
    let Some(url) = site.drift.webhook.clone() else {
        return;
    };
    let body = webhook_body(site, alert);
    let sent = tokio::task::spawn_blocking(move || post(&url, &body, Duration::from_secs(1))).await;
    match sent {
        Ok(Ok(())) => {}
        // The URL may carry a secret: only the reason is logged.
        Ok(Err(reason)) => tracing::error!(reason = %reason, "the drift webhook failed"),
        Err(e) => tracing::error!(error = %e, "the drift webhook task failed"),
    }
}

/// The JSON a webhook receives; `text` makes chat tools (Slack, Mattermost) show it as is.
pub fn webhook_body(site: &Site, alert: &Alert) -> String {
    serde_json::json!({
        "type": "baton.drift_alert",
        "site": site.id,
        "trigger": alert.trigger,
        "direction": alert.direction,
        "day": date(alert.last_day),
        "observed": alert.observed,
        "expected": alert.expected,
        "p": alert.p,
        "baseline_days": site.drift.baseline_days,
        "text": format!("Baton ({}): {}", site.name, alert.describe()),
    })
    .to_string()
}

/// POSTs `body` as JSON: three tries, `pause` and then twice `pause` apart; each try times
/// out after 10 s.
pub fn post(url: &str, body: &str, pause: Duration) -> Result<(), String> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build();
    let mut last = String::new();
    for attempt in 0..3u32 {
        if attempt > 0 {
            std::thread::sleep(pause * attempt);
        }
        match agent
            .post(url)
            .set("Content-Type", "application/json")
            .send_string(body)
        {
            Ok(_) => return Ok(()),
            Err(ureq::Error::Status(code, _)) => last = format!("the webhook answered {code}"),
            Err(ureq::Error::Transport(t)) => last = format!("{}", t.kind()),
        }
    }
    Err(last)
}

/// Checks for drift now and then every hour until the server stops (the task is dropped).
pub async fn watch(store: std::sync::Arc<dyn Store>, site: std::sync::Arc<Site>) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        match catch_up(store.as_ref(), &site, crate::clock::now()).await {
            Ok(opened) => {
                for alert in &opened {
                    announce(&site, alert).await;
                }
            }
            Err(e) => tracing::error!(error = %e, "drift check failed"),
        }
    }
}

#[cfg(test)]
mod tests;
