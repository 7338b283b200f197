//! Insights: the metrics product teams read, computed from stored facts only — conversation
//! records (outcome beacons and handoffs) and tickets (agent replies, closes, ratings,
//! misfire flags) and the drift alerts of [`crate::drift`]. `docs/metrics.md` defines each figure; this module is that definition in
//! code. [`compute`] is pure, so tests feed it facts with known answers; [`load`] reads the
//! facts of a window from a [`Store`]. [`html`] renders a [`Report`] as one self-contained
//! page; its JSON twin is the [`Report`] serialized.

pub mod html;
pub mod stats;
mod svg;

use std::collections::{BTreeMap, HashMap};

use baton_core::conversation::Reason;
use baton_core::outcome::{ABANDONED_AFTER, Outcome};
use baton_core::protocol::Misfire;
use baton_core::transcript::Author;
use baton_core::{Millis, Site};
use serde::Serialize;

use crate::drift::Alert;
use crate::store::{ConversationRecord, Status, Store, StoreError, Ticket};

/// One day in ms.
pub const DAY: Millis = 24 * 3600 * 1000;
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
    /// Visitor ratings of closed tickets.
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

    fn add(&mut self, standing: Standing) {
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
    /// Ratings given.
    pub ratings: u64,
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
    /// `p` below α ÷ (variants − 1) with at least [`MIN_PER_ARM`] finished per arm.
    pub significant: bool,
}

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
    let first_day = crate::drift::day_of(window.since);
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
        triggers: triggers(site, &all, &ctx, days.len()),
        experiments: experiments(site, &all, &ctx),
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
        let (mut repeat, mut eligible) = (0, 0);
        for c in conversations {
            let standing = standing(c, now);
            outcomes.add(standing);
            if standing != Standing::Open
                && let Some(&was_repeat) = self.repeats.get(&(c.visitor.as_str(), c.started_at))
            {
                eligible += 1;
                repeat += u64::from(was_repeat);
            }
            let Some(t) = self.ticket(c) else { continue };
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
            csat: csat(&ratings),
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

fn csat(ratings: &[u8]) -> Csat {
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
    let first_day = crate::drift::day_of(window.since);
    usize::try_from(at.saturating_sub(first_day) / DAY).unwrap_or(usize::MAX)
}

/// The trigger that caused a ticket's escalation, if a trigger did.
fn cause(ticket: &Ticket) -> Option<&str> {
    match &ticket.handoff.escalation.reason {
        Reason::Trigger { firing } | Reason::AcceptedOffer { firing } => Some(&firing.trigger),
        Reason::Flow { .. } => None,
    }
}

fn triggers(
    site: &Site,
    conversations: &[&ConversationRecord],
    ctx: &Context<'_>,
    days: usize,
) -> Vec<TriggerReport> {
    #[derive(Default)]
    struct Tally {
        fired_in: u64,
        escalations: u64,
        needless: u64,
        too_late: u64,
        sentiments: Vec<f64>,
        daily: Vec<u64>,
    }
    let mut order: Vec<String> = site.triggers.iter().map(|t| t.id.clone()).collect();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for c in conversations {
        let mut seen = Vec::new();
        for firing in &c.trace {
            let tally = tallies.entry(firing.trigger.clone()).or_default();
            tally.daily.resize(days, 0);
            if let Some(slot) = tally.daily.get_mut(day_index(ctx.window, firing.at)) {
                *slot += 1;
            }
            if let Some(score) = sentiment_at(c, firing.at) {
                tally.sentiments.push(score);
            }
            if !seen.contains(&&firing.trigger) {
                seen.push(&firing.trigger);
                tally.fired_in += 1;
            }
        }
        if let Some(ticket) = ctx.ticket(c)
            && let Some(trigger) = cause(ticket)
        {
            let tally = tallies.entry(trigger.to_owned()).or_default();
            tally.escalations += 1;
            match ticket.misfire {
                Some(Misfire::Needless) => tally.needless += 1,
                Some(Misfire::TooLate) => tally.too_late += 1,
                None => {}
            }
        }
    }
    for id in tallies.keys() {
        if !order.contains(id) {
            order.push(id.clone());
        }
    }
    let total = conversations.len() as u64;
    order
        .into_iter()
        .map(|id| {
            let tally = tallies.remove(&id).unwrap_or_default();
            let mut daily = tally.daily;
            daily.resize(days, 0);
            TriggerReport {
                configured: site.triggers.iter().any(|t| t.id == id),
                fire_rate: Rate::of(tally.fired_in, total),
                escalations: tally.escalations,
                needless: tally.needless,
                too_late: tally.too_late,
                precision: Rate::of(
                    tally.escalations.saturating_sub(tally.needless),
                    tally.escalations,
                ),
                sentiment_at_fire: stats::mean_interval(&tally.sentiments).map(|s| s.0),
                daily,
                id,
            }
        })
        .collect()
}

/// The sentiment of the last scored visitor message at or before `at`.
fn sentiment_at(c: &ConversationRecord, at: Millis) -> Option<f64> {
    c.transcript
        .entries
        .iter()
        .filter(|e| e.from == Author::Visitor && e.at <= at)
        .filter_map(|e| e.sentiment)
        .next_back()
        .map(f64::from)
}

fn experiments(
    site: &Site,
    conversations: &[&ConversationRecord],
    ctx: &Context<'_>,
) -> Vec<ExperimentReport> {
    site.experiments
        .iter()
        .map(|experiment| {
            let variants: Vec<VariantReport> = experiment
                .variants
                .iter()
                .map(|variant| {
                    let members: Vec<&ConversationRecord> = conversations
                        .iter()
                        .copied()
                        .filter(|c| {
                            c.variants
                                .iter()
                                .any(|a| a.experiment == experiment.id && a.variant == variant.id)
                        })
                        .collect();
                    VariantReport {
                        id: variant.id.clone(),
                        weight: variant.weight,
                        figures: ctx.figures(&members),
                    }
                })
                .collect();
            ExperimentReport {
                id: experiment.id.clone(),
                description: experiment.description.clone(),
                verdict: verdict(&variants),
                variants,
            }
        })
        .collect()
}

/// Each variant's escalation rate against the first variant's, by the pooled two-proportion
/// z-test, two-sided, at α = 0.05 split evenly over the comparisons (Bonferroni).
fn verdict(variants: &[VariantReport]) -> Verdict {
    let comparisons_made = variants.len().saturating_sub(1).max(1);
    let alpha = ALPHA / comparisons_made as f64;
    let test = format!(
        "pooled two-proportion z-test, two-sided, α = {alpha:.3}{}",
        if comparisons_made > 1 {
            " (0.05 Bonferroni-corrected)"
        } else {
            ""
        }
    );
    let Some((control, rest)) = variants.split_first() else {
        return Verdict {
            metric: "escalation rate".into(),
            test,
            significant: false,
            comparisons: vec![],
            summary: "no variants".into(),
        };
    };
    let arm = |v: &VariantReport| {
        let r = v.figures.escalation_rate;
        (r.count, r.of)
    };
    let (ck, cn) = arm(control);
    let comparisons: Vec<Comparison> = rest
        .iter()
        .map(|v| {
            let (k, n) = arm(v);
            let test = stats::two_proportion(k, n, ck, cn);
            let enough = n >= MIN_PER_ARM && cn >= MIN_PER_ARM;
            Comparison {
                variant: v.id.clone(),
                control: control.id.clone(),
                difference: v
                    .figures
                    .escalation_rate
                    .value
                    .zip(control.figures.escalation_rate.value)
                    .map(|(a, b)| a - b),
                z: test.map(|t| t.0),
                p: test.map(|t| t.1),
                significant: enough && test.is_some_and(|t| t.1 < alpha),
            }
        })
        .collect();
    let significant = comparisons.iter().any(|c| c.significant);
    let summary = summary(&comparisons, alpha, variants);
    Verdict {
        metric: "escalation rate".into(),
        test,
        significant,
        comparisons,
        summary,
    }
}

fn summary(comparisons: &[Comparison], alpha: f64, variants: &[VariantReport]) -> String {
    let short: Vec<&VariantReport> = variants
        .iter()
        .filter(|v| v.figures.escalation_rate.of < MIN_PER_ARM)
        .collect();
    if let Some(v) = short.first() {
        return format!(
            "Not yet: variant `{}` has {} finished conversations; each needs {MIN_PER_ARM}.",
            v.id, v.figures.escalation_rate.of
        );
    }
    let parts: Vec<String> = comparisons
        .iter()
        .map(|c| {
            let diff = c.difference.unwrap_or(0.0) * 100.0;
            let direction = if diff < 0.0 { "less" } else { "more" };
            match c.p {
                Some(p) if c.significant => format!(
                    "Significant: `{}` escalates {:.1} points {direction} than `{}` (p = {p:.4} < {alpha:.3}).",
                    c.variant,
                    diff.abs(),
                    c.control
                ),
                Some(p) => format!(
                    "Not yet: `{}` differs from `{}` by {:.1} points (p = {p:.4}, needs < {alpha:.3}).",
                    c.variant,
                    c.control,
                    diff.abs()
                ),
                None => format!(
                    "Not yet: `{}` and `{}` cannot be compared (no variation).",
                    c.variant, c.control
                ),
            }
        })
        .collect();
    parts.join(" ")
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

/// `YYYY-MM-DD` (UTC) of a time, by the days-from-civil inverse (Howard Hinnant's algorithm).
pub fn date(at: Millis) -> String {
    let days = (at / DAY) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests;
