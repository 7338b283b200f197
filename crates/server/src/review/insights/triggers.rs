//! Per-trigger figures: firings, the escalations each caused, misfire flags and precision.

use std::collections::BTreeMap;

use baton_core::Millis;
use baton_core::Site;
use baton_core::conversation::Reason;
use baton_core::protocol::Misfire;
use baton_core::transcript::Author;

use super::{Context, Rate, TriggerReport, day_index, stats};
use crate::store::{ConversationRecord, Ticket};

/// The trigger that caused a ticket's escalation, if a trigger did.
pub(super) fn cause(ticket: &Ticket) -> Option<&str> {
    match &ticket.handoff.escalation.reason {
        Reason::Trigger { firing } | Reason::AcceptedOffer { firing } => Some(&firing.trigger),
        Reason::Flow { .. } => None,
    }
}

pub(super) fn triggers(
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
