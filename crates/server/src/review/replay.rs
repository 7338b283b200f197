//! `baton replay`: runs a period's stored conversations under the config in use and under a
//! proposed one (through [`baton_core::replay::rerun`], as the server checks a handoff) and
//! reports, per trigger, which conversations would now escalate that did not, and the
//! reverse.

use std::collections::BTreeMap;
use std::sync::Arc;

use baton_core::Site;
use baton_core::conversation::{Conversation, Reason};
use baton_core::replay::rerun;
use baton_core::transcript::Author;
use serde::Serialize;

use crate::days::date;
use crate::store::ConversationRecord;

/// What made a replayed conversation escalate: a trigger id, or `journey` for an `escalate`
/// node of the flow.
fn cause(chat: &Conversation) -> Option<String> {
    chat.escalation().map(|e| match &e.reason {
        Reason::Trigger { firing } | Reason::AcceptedOffer { firing } => firing.trigger.clone(),
        Reason::Flow { .. } => JOURNEY.to_owned(),
    })
}

/// The cause of escalations by an `escalate` node.
pub const JOURNEY: &str = "(journey)";
/// Examples kept per list.
pub const EXAMPLES: usize = 3;

/// The comparison of a period under two configs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Conversations replayed.
    pub conversations: u64,
    /// Of those, escalating under the config in use.
    pub escalated_before: u64,
    /// Of those, escalating under the proposed config.
    pub escalated_after: u64,
    /// Per cause with a change, in the order of the proposed config's triggers.
    pub triggers: Vec<TriggerChange>,
}

/// The changes of one cause.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TriggerChange {
    /// Trigger id, or [`JOURNEY`].
    pub trigger: String,
    /// Conversations this trigger would now escalate that did not escalate before.
    pub newly: u64,
    /// Conversations it escalated before that would now not escalate at all.
    pub no_longer: u64,
    /// The first [`EXAMPLES`] of each.
    pub newly_examples: Vec<Example>,
    /// The first [`EXAMPLES`] of each.
    pub no_longer_examples: Vec<Example>,
    /// Every conversation of `newly`, as `visitor@started_at` (for tools and tests).
    pub newly_ids: Vec<String>,
    /// Every conversation of `no_longer`.
    pub no_longer_ids: Vec<String>,
}

/// A conversation that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    /// `visitor@started_at`.
    pub conversation: String,
    /// The day it started.
    pub date: String,
    /// Why it escalates (under the config where it does).
    pub why: String,
    /// The visitor's last message before that, redacted and shortened.
    pub message: Option<String>,
}

/// Replays `conversations` under `current` and `proposed`; `progress(done, total)` is called
/// after each one.
pub fn compare(
    current: &Arc<Site>,
    proposed: &Arc<Site>,
    conversations: &[ConversationRecord],
    mut progress: impl FnMut(usize, usize),
) -> Comparison {
    let mut changes: BTreeMap<String, TriggerChange> = BTreeMap::new();
    let (mut before_total, mut after_total) = (0, 0);
    let none = BTreeMap::new();
    for (i, c) in conversations.iter().enumerate() {
        let before = rerun(current, &c.visitor, c.started_at, &none, &c.transcript);
        let after = rerun(proposed, &c.visitor, c.started_at, &none, &c.transcript);
        let (was, now) = (cause(&before), cause(&after));
        before_total += u64::from(was.is_some());
        after_total += u64::from(now.is_some());
        let id = format!("{}@{}", c.visitor, c.started_at);
        match (was, now) {
            (None, Some(trigger)) => {
                let change = changes.entry(trigger.clone()).or_default();
                change.newly += 1;
                change.newly_ids.push(id);
                if change.newly_examples.len() < EXAMPLES {
                    change.newly_examples.push(example(c, &after));
                }
            }
            (Some(trigger), None) => {
                let change = changes.entry(trigger.clone()).or_default();
                change.no_longer += 1;
                change.no_longer_ids.push(id);
                if change.no_longer_examples.len() < EXAMPLES {
                    change.no_longer_examples.push(example(c, &before));
                }
            }
            _ => {}
        }
        progress(i + 1, conversations.len());
    }
    let order: Vec<&str> = proposed
        .triggers
        .iter()
        .map(|t| t.id.as_str())
        .chain(current.triggers.iter().map(|t| t.id.as_str()))
        .chain([JOURNEY])
        .collect();
    let mut triggers: Vec<TriggerChange> = Vec::new();
    for id in order {
        if let Some(mut change) = changes.remove(id) {
            change.trigger = id.to_owned();
            triggers.push(change);
        }
    }
    Comparison {
        conversations: conversations.len() as u64,
        escalated_before: before_total,
        escalated_after: after_total,
        triggers,
    }
}

fn example(c: &ConversationRecord, escalating: &Conversation) -> Example {
    let why = escalating
        .escalation()
        .map(|e| e.reason.explain())
        .unwrap_or_default();
    let message = escalating
        .transcript()
        .entries
        .iter()
        .rev()
        .find(|e| e.from == Author::Visitor)
        .map(|e| shorten(&e.text, 120));
    Example {
        conversation: format!("{}@{}", c.visitor, c.started_at),
        date: date(c.started_at),
        why,
        message,
    }
}

fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The comparison as text for a terminal.
pub fn render(c: &Comparison) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Replayed {} conversations: {} escalate with the config in use, {} with the proposed one.",
        c.conversations, c.escalated_before, c.escalated_after
    );
    if c.triggers.is_empty() {
        out.push_str("No conversation changes whether it escalates.\n");
    }
    for t in &c.triggers {
        let _ = writeln!(
            out,
            "\n{}: {} would now escalate, {} would no longer escalate",
            t.trigger, t.newly, t.no_longer
        );
        for (label, examples) in [
            ("now escalates", &t.newly_examples),
            ("no longer escalates", &t.no_longer_examples),
        ] {
            for e in examples {
                let _ = writeln!(out, "  {label}: {} ({}): {}", e.conversation, e.date, e.why);
                if let Some(message) = &e.message {
                    let _ = writeln!(out, "    visitor: {message:?}");
                }
            }
        }
    }
    out
}
