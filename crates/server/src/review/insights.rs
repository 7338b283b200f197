//! Insights: the metrics product teams read, computed from stored facts only: conversation
//! records (outcome beacons and handoffs), tickets (agent replies, closes, ratings, misfire
//! flags) and the drift alerts of [`crate::review::drift`]. `docs/metrics.md` defines each figure;
//! this module is that definition in code. [`compute`] is pure, so tests feed it facts with known answers; [`load`] reads the
//! facts of a window from a [`Store`]. The figures' types are in `report`, the per-trigger
//! and per-experiment parts in `triggers` and `experiments`, the statistics in [`stats`];
//! [`html`] renders a [`Report`] as one self-contained page (charts from `svg`); its JSON twin
//! is the [`Report`] serialized.

mod experiments;
pub mod html;
mod report;
pub mod stats;
mod svg;
mod triggers;

use std::collections::HashMap;

use baton_core::outcome::{ABANDONED_AFTER, Outcome};
use baton_core::{Millis, Site};
use serde::Serialize;

use crate::days::day_of;
pub use crate::days::{DAY, date};
use crate::store::{Alert, ConversationRecord, Status, Store, StoreError, Ticket};

/// A later conversation of the same visitor within this long is a repeat contact: 7 days.
pub const REPEAT_WITHIN: Millis = 7 * DAY;
/// An unanswered open ticket younger than this is still pending, not a failed escalation.
pub const PENDING_FOR: Millis = 3600 * 1000;
/// Significance level of experiment verdicts (before the Bonferroni split).
pub const ALPHA: f64 = 0.05;
/// Finished conversations each arm needs before a verdict can be significant.
pub const MIN_PER_ARM: u64 = 30;

/// The period a report covers: conversations that started in `since..until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Start, inclusive (ms since the Unix epoch).
    pub since: Millis,
    /// End, exclusive; also "now" for abandonment and pending tickets.
    pub until: Millis,
}

/// The stored facts of a window.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Conversations that started in the window.
    pub conversations: Vec<ConversationRecord>,
    /// Their tickets (and possibly others; unmatched ones are ignored).
    pub tickets: Vec<Ticket>,
    /// Drift alerts open now or drifting within the window.
    pub alerts: Vec<Alert>,
}

/// Reads the facts of `window` for `site`.
pub async fn load(store: &dyn Store, site: &str, window: Window) -> Result<Facts, StoreError> {
    Ok(Facts {
        conversations: store
            .conversations(site, window.since, window.until)
            .await?,
        tickets: store.tickets_since(site, window.since).await?,
        alerts: store.alerts(site, window.since).await?,
    })
}

pub use report::*;

/// Where a conversation stands at the window's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Escalated,
    Resolved,
    Abandoned,
    Open,
}

fn standing(c: &ConversationRecord, now: Millis) -> Standing {
    match c.outcome {
        Outcome::Escalated => Standing::Escalated,
        Outcome::Resolved => Standing::Resolved,
        Outcome::Open if c.last_seen_at.saturating_add(ABANDONED_AFTER) <= now => {
            Standing::Abandoned
        }
        Outcome::Open => Standing::Open,
    }
}

/// Computes the report of `facts` over `window` for `site`.
pub fn compute(site: &Site, facts: &Facts, window: Window) -> Report {
    let tickets: HashMap<&str, &Ticket> =
        facts.tickets.iter().map(|t| (t.id.as_str(), t)).collect();
    let all: Vec<&ConversationRecord> = facts
        .conversations
        .iter()
        .filter(|c| (window.since..window.until).contains(&c.started_at))
        .collect();
    let ctx = Context {
        tickets: &tickets,
        window,
        repeats: repeats(&all, window.until),
    };
    // UTC calendar days, from the one `since` falls on.
    let first_day = day_of(window.since);
    let day_count = window.until.saturating_sub(first_day).div_ceil(DAY).max(1);
    let mut days: Vec<Day> = (0..day_count)
        .map(|d| Day {
            date: date(first_day + d * DAY),
            outcomes: Outcomes::default(),
        })
        .collect();
    for c in &all {
        if let Some(day) = days.get_mut(day_index(window, c.started_at)) {
            day.outcomes.add(standing(c, window.until));
        }
    }
    Report {
        site: site.id.clone(),
        name: site.name.clone(),
        window,
        overview: ctx.figures(&all),
        triggers: triggers::triggers(site, &all, &ctx, days.len()),
        experiments: experiments::experiments(site, &all, &ctx),
        alerts: facts.alerts.clone(),
        days,
    }
}

struct Context<'a> {
    tickets: &'a HashMap<&'a str, &'a Ticket>,
    window: Window,
    /// Conversations (by visitor and start) eligible for the repeat-contact rate, and
    /// whether each was a repeat.
    repeats: HashMap<(&'a str, Millis), bool>,
}

impl Context<'_> {
    fn ticket(&self, c: &ConversationRecord) -> Option<&Ticket> {
        c.ticket
            .as_deref()
            .and_then(|id| self.tickets.get(id).copied())
    }

    fn figures(&self, conversations: &[&ConversationRecord]) -> Figures {
        let now = self.window.until;
        let mut outcomes = Outcomes::default();
        let (mut answered, mut decided) = (0, 0);
        let (mut first_reply, mut resolution, mut ratings) = (vec![], vec![], vec![]);
        let (mut repeat, mut eligible, mut from_bot) = (0, 0, 0);
        for c in conversations {
            let standing = standing(c, now);
            outcomes.add(standing);
            if standing != Standing::Open
                && let Some(&was_repeat) = self.repeats.get(&(c.visitor.as_str(), c.started_at))
            {
                eligible += 1;
                repeat += u64::from(was_repeat);
            }
            let Some(t) = self.ticket(c) else {
                if let Some(score @ 1..=5) = c.csat {
                    ratings.push(score);
                    from_bot += 1;
                }
                continue;
            };
            let pending = t.first_reply_at.is_none()
                && t.status != Status::Closed
                && t.created_at.saturating_add(PENDING_FOR) > now;
            if !pending {
                decided += 1;
                answered += u64::from(t.first_reply_at.is_some());
            }
            if let Some(at) = t.first_reply_at {
                first_reply.push(at.saturating_sub(t.created_at));
            }
            if let Some(at) = t.closed_at {
                resolution.push(at.saturating_sub(t.created_at));
            }
            if let Some(score @ 1..=5) = t.csat {
                ratings.push(score);
            }
        }
        let finished = outcomes.finished();
        Figures {
            conversations: conversations.len() as u64,
            outcomes,
            escalation_rate: Rate::of(outcomes.escalated, finished),
            bot_resolution_rate: Rate::of(outcomes.resolved, finished),
            escalation_success_rate: Rate::of(answered, decided),
            csat: csat(&ratings, from_bot),
            first_reply: durations(first_reply),
            resolution: durations(resolution),
            repeat_contacts: Rate::of(repeat, eligible),
        }
    }
}

/// For each conversation whose 7 days have passed by `now`: whether the same visitor started
/// another within 7 days after it.
fn repeats<'a>(
    conversations: &[&'a ConversationRecord],
    now: Millis,
) -> HashMap<(&'a str, Millis), bool> {
    let mut by_visitor: HashMap<&str, Vec<Millis>> = HashMap::new();
    for c in conversations {
        by_visitor.entry(&c.visitor).or_default().push(c.started_at);
    }
    let mut out = HashMap::new();
    for (visitor, mut starts) in by_visitor {
        starts.sort_unstable();
        for (i, &start) in starts.iter().enumerate() {
            if start.saturating_add(REPEAT_WITHIN) > now {
                continue;
            }
            let again = starts
                .get(i + 1)
                .is_some_and(|&next| next - start <= REPEAT_WITHIN);
            out.insert((visitor, start), again);
        }
    }
    out
}

fn csat(ratings: &[u8], from_bot: u64) -> Csat {
    let values: Vec<f64> = ratings.iter().map(|&r| f64::from(r)).collect();
    let summary = stats::mean_interval(&values);
    let mut histogram = [0; 5];
    for &r in ratings {
        if let Some(slot) = histogram.get_mut(usize::from(r).wrapping_sub(1)) {
            *slot += 1;
        }
    }
    let interval = summary.and_then(|s| s.1);
    Csat {
        ratings: ratings.len() as u64,
        from_bot,
        mean: summary.map(|s| s.0),
        low: interval.map(|i| i.0),
        high: interval.map(|i| i.1),
        satisfied: Rate::of(histogram[3] + histogram[4], ratings.len() as u64),
        histogram,
    }
}

fn durations(mut values: Vec<u64>) -> Durations {
    Durations {
        count: values.len() as u64,
        median_ms: stats::percentile(&mut values, 0.5),
        p90_ms: stats::percentile(&mut values, 0.9),
    }
}

/// The index of `at`'s UTC day among the window's days.
fn day_index(window: Window, at: Millis) -> usize {
    let first_day = day_of(window.since);
    usize::try_from(at.saturating_sub(first_day) / DAY).unwrap_or(usize::MAX)
}

/// The start of a report period: `90d` or `36h` before `now`, or a UTC date `YYYY-MM-DD`.
pub fn parse_since(text: &str, now: Millis) -> Result<Millis, String> {
    let text = text.trim();
    let bad = || {
        format!("`--since {text}`: give a length like `90d` or `36h`, or a date like `2026-09-01`")
    };
    if let Some((n, unit)) = text
        .strip_suffix('d')
        .map(|n| (n, DAY))
        .or_else(|| text.strip_suffix('h').map(|n| (n, DAY / 24)))
    {
        let n: u64 = n.parse().map_err(|_| bad())?;
        return Ok(now.saturating_sub(n.saturating_mul(unit)));
    }
    let mut parts = text.splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Days from civil (Howard Hinnant's algorithm), the inverse of [`date`].
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let at = u64::try_from(days).map_err(|_| bad())? * DAY;
    if date(at) != text {
        return Err(bad());
    }
    Ok(at)
}

#[cfg(test)]
mod tests;
