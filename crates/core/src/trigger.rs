//! Escalation triggers: when the bot should hand the visitor to a person, and why.
//!
//! Each kind of condition lives in its own file under `trigger/` with the same two methods,
//! `kind()` and `check(&Facts) -> Option<Evidence>`; [`Rule`] gathers them. Conditions
//! compose with [`Condition::Any`], [`Condition::All`] and [`Condition::Not`]. A [`Trigger`]
//! fires at most once per conversation and its [`Firing`] carries the evidence an agent needs
//! to see why: the matched term and message, the score, the count.

mod bot_turns;
mod elapsed;
mod fallbacks;
mod human_request;
mod keywords;
mod profile;
mod sentiment;
mod steps;

use serde::{Deserialize, Serialize};

pub use bot_turns::BotTurnsOver;
pub use elapsed::SecondsOver;
pub use fallbacks::{FallbacksAtLeast, FallbacksInARow};
pub use human_request::{DEFAULT_HUMAN_PHRASES, HumanRequest};
pub use keywords::Keywords;
pub use profile::{ProfileRule, ProfileTest};
pub use sentiment::{RollingSentimentBelow, SentimentBelow};
pub use steps::StepsOver;

use crate::Millis;
use crate::profile::Profile;
use crate::queue::Priority;

/// A compiled escalation rule.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// Unique id from the config.
    pub id: String,
    /// Description from the config.
    pub description: Option<String>,
    /// When it fires.
    pub condition: Condition,
    /// What it does.
    pub action: Action,
}

/// A condition tree.
#[derive(Debug, Clone)]
pub enum Condition {
    /// One rule.
    Rule(Rule),
    /// Holds when any child holds; evidence from every child that holds.
    Any(Vec<Condition>),
    /// Holds when every child holds; evidence from all of them.
    All(Vec<Condition>),
    /// Holds when the child does not; no evidence of its own.
    Not(Box<Condition>),
}

/// One condition of a known kind.
#[derive(Debug, Clone)]
pub enum Rule {
    /// Profile attribute match.
    Profile(ProfileRule),
    /// Sensitive words or phrases in the current message.
    Keywords(Keywords),
    /// Sentiment of the current message below a threshold.
    SentimentBelow(SentimentBelow),
    /// Mean sentiment of the last N visitor messages below a threshold.
    RollingSentimentBelow(RollingSentimentBelow),
    /// Bot messages over a limit.
    BotTurnsOver(BotTurnsOver),
    /// Seconds since start over a limit.
    SecondsOver(SecondsOver),
    /// Flow steps over a limit.
    StepsOver(StepsOver),
    /// Fallbacks in all at least a limit.
    FallbacksAtLeast(FallbacksAtLeast),
    /// Fallbacks in a row at least a limit.
    FallbacksInARow(FallbacksInARow),
    /// The visitor asks for a person.
    HumanRequest(HumanRequest),
}

/// The kind of a rule or composition, as reported in firings and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// [`Rule::Profile`].
    Profile,
    /// [`Rule::Keywords`].
    Keywords,
    /// [`Rule::SentimentBelow`].
    SentimentBelow,
    /// [`Rule::RollingSentimentBelow`].
    RollingSentimentBelow,
    /// [`Rule::BotTurnsOver`].
    BotTurnsOver,
    /// [`Rule::SecondsOver`].
    SecondsOver,
    /// [`Rule::StepsOver`].
    StepsOver,
    /// [`Rule::FallbacksAtLeast`].
    FallbacksAtLeast,
    /// [`Rule::FallbacksInARow`].
    FallbacksInARow,
    /// [`Rule::HumanRequest`].
    HumanRequest,
    /// [`Condition::Any`].
    Any,
    /// [`Condition::All`].
    All,
    /// [`Condition::Not`].
    Not,
}

/// What a firing does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Hand over at once.
    Escalate {
        /// Target queue.
        queue: String,
        /// Ticket priority.
        priority: Priority,
    },
    /// Ask the visitor first.
    Offer {
        /// The question put to the visitor.
        text: String,
        /// Target queue if accepted.
        queue: String,
        /// Ticket priority if accepted.
        priority: Priority,
    },
}

/// Why a rule holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// A profile attribute matched.
    Profile {
        /// Attribute name.
        attribute: String,
        /// Its value.
        value: serde_json::Value,
        /// Whether the profile came with a verified token (as far as this side knows).
        verified: bool,
    },
    /// A sensitive term was found.
    Keyword {
        /// The term as configured.
        term: String,
        /// Transcript index of the message.
        message: usize,
    },
    /// The current message scored below the threshold.
    Sentiment {
        /// The message's score.
        score: f32,
        /// The configured threshold.
        threshold: f32,
        /// Transcript index of the message.
        message: usize,
    },
    /// The rolling mean fell below the threshold.
    RollingSentiment {
        /// Mean of the window.
        mean: f32,
        /// The configured threshold.
        threshold: f32,
        /// Window size.
        messages: u32,
    },
    /// A counter passed its limit.
    Count {
        /// Which counter.
        counter: Counter,
        /// Its value.
        count: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The visitor asked for a person.
    HumanRequest {
        /// The phrase found.
        phrase: String,
        /// Transcript index of the message.
        message: usize,
    },
}

/// Counters that limit rules compare against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    /// Bot messages.
    BotTurns,
    /// Seconds since start.
    Seconds,
    /// Flow nodes entered.
    Steps,
    /// Fallbacks in all.
    Fallbacks,
    /// Fallbacks in a row.
    FallbacksInARow,
}

/// A trigger that fired, with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Firing {
    /// Trigger id.
    pub trigger: String,
    /// Kind of the trigger's top-level condition.
    pub kind: Kind,
    /// Why it holds, one entry per rule that held.
    pub evidence: Vec<Evidence>,
    /// What it does.
    pub action: Action,
    /// When it fired, in ms since the Unix epoch.
    pub at: Millis,
}

impl Firing {
    /// A one-line human explanation, e.g. "`legal`: keyword `lawyer` in message 4".
    pub fn explain(&self) -> String {
        let reasons: Vec<String> = self.evidence.iter().map(Evidence::explain).collect();
        if reasons.is_empty() {
            format!("`{}` ({:?})", self.trigger, self.kind)
        } else {
            format!("`{}`: {}", self.trigger, reasons.join("; "))
        }
    }
}

impl Evidence {
    /// A short human explanation.
    pub fn explain(&self) -> String {
        match self {
            Evidence::Profile {
                attribute,
                value,
                verified,
            } => {
                let trust = if *verified { "verified" } else { "unverified" };
                format!("profile `{attribute}` = {value} ({trust})")
            }
            Evidence::Keyword { term, message } => format!("keyword `{term}` in message {message}"),
            Evidence::Sentiment {
                score,
                threshold,
                message,
            } => {
                format!("sentiment {score:.2} < {threshold:.2} in message {message}")
            }
            Evidence::RollingSentiment {
                mean,
                threshold,
                messages,
            } => {
                format!(
                    "mean sentiment {mean:.2} < {threshold:.2} over the last {messages} messages"
                )
            }
            Evidence::Count {
                counter,
                count,
                limit,
            } => {
                let what = match counter {
                    Counter::BotTurns => "bot turns",
                    Counter::Seconds => "seconds",
                    Counter::Steps => "steps",
                    Counter::Fallbacks => "fallbacks",
                    Counter::FallbacksInARow => "fallbacks in a row",
                };
                format!("{count} {what} (limit {limit})")
            }
            Evidence::HumanRequest { phrase, message } => {
                format!("asked for a person (`{phrase}`) in message {message}")
            }
        }
    }
}

/// The current visitor message, as triggers see it.
#[derive(Debug, Clone, Copy)]
pub struct MessageFacts<'a> {
    /// Transcript index.
    pub index: usize,
    /// The text folded with [`crate::text::fold`].
    pub folded: &'a str,
    /// Sentiment score.
    pub score: f32,
}

/// Everything a trigger may look at, at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The message that arrived with this event, if the event was a visitor message. Message
    /// rules look only at it, so a phrase split across two messages never matches.
    pub message: Option<MessageFacts<'a>>,
    /// Sentiment scores of every visitor message so far, oldest first.
    pub scores: &'a [f32],
    /// The visitor's profile.
    pub profile: &'a Profile,
    /// Bot messages so far.
    pub bot_turns: u32,
    /// Flow nodes entered so far.
    pub steps: u32,
    /// Messages the bot did not understand, in all.
    pub fallbacks: u32,
    /// Messages the bot did not understand, in a row.
    pub fallbacks_in_a_row: u32,
    /// Milliseconds since the conversation started.
    pub elapsed_ms: u64,
}

impl Rule {
    /// The rule's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Rule::Profile(r) => r.kind(),
            Rule::Keywords(r) => r.kind(),
            Rule::SentimentBelow(r) => r.kind(),
            Rule::RollingSentimentBelow(r) => r.kind(),
            Rule::BotTurnsOver(r) => r.kind(),
            Rule::SecondsOver(r) => r.kind(),
            Rule::StepsOver(r) => r.kind(),
            Rule::FallbacksAtLeast(r) => r.kind(),
            Rule::FallbacksInARow(r) => r.kind(),
            Rule::HumanRequest(r) => r.kind(),
        }
    }

    /// Evidence if the rule holds for `facts`.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        match self {
            Rule::Profile(r) => r.check(facts),
            Rule::Keywords(r) => r.check(facts),
            Rule::SentimentBelow(r) => r.check(facts),
            Rule::RollingSentimentBelow(r) => r.check(facts),
            Rule::BotTurnsOver(r) => r.check(facts),
            Rule::SecondsOver(r) => r.check(facts),
            Rule::StepsOver(r) => r.check(facts),
            Rule::FallbacksAtLeast(r) => r.check(facts),
            Rule::FallbacksInARow(r) => r.check(facts),
            Rule::HumanRequest(r) => r.check(facts),
        }
    }
}

impl Condition {
    /// The kind reported for a trigger with this condition.
    pub fn kind(&self) -> Kind {
        match self {
            Condition::Rule(rule) => rule.kind(),
            Condition::Any(_) => Kind::Any,
            Condition::All(_) => Kind::All,
            Condition::Not(_) => Kind::Not,
        }
    }

    /// Whether the condition holds; pushes evidence of every rule that made it hold.
    pub fn holds(&self, facts: &Facts<'_>, evidence: &mut Vec<Evidence>) -> bool {
        match self {
            Condition::Rule(rule) => match rule.check(facts) {
                Some(e) => {
                    evidence.push(e);
                    true
                }
                None => false,
            },
            Condition::Any(children) => {
                let mut any = false;
                for child in children {
                    any |= child.holds(facts, evidence);
                }
                any
            }
            Condition::All(children) => {
                let mark = evidence.len();
                let all = children.iter().all(|c| c.holds(facts, evidence));
                if !all {
                    evidence.truncate(mark);
                }
                all
            }
            Condition::Not(child) => {
                let mut ignored = Vec::new();
                !child.holds(facts, &mut ignored)
            }
        }
    }

    /// Whether any rule in the tree looks at the visitor's message (keywords, sentiment,
    /// human request). Such a trigger is checked only when a visitor message arrives, so
    /// `not: {keywords: …}` means "a message without these words", not "no message yet".
    pub fn reads_message(&self) -> bool {
        match self {
            Condition::Rule(rule) => matches!(
                rule,
                Rule::Keywords(_)
                    | Rule::SentimentBelow(_)
                    | Rule::RollingSentimentBelow(_)
                    | Rule::HumanRequest(_)
            ),
            Condition::Any(children) | Condition::All(children) => {
                children.iter().any(Condition::reads_message)
            }
            Condition::Not(child) => child.reads_message(),
        }
    }

    /// Every "seconds since start" limit in the tree, for setting timers.
    pub fn deadlines(&self, out: &mut Vec<u64>) {
        match self {
            Condition::Rule(Rule::SecondsOver(r)) => out.push(r.deadline_ms()),
            Condition::Rule(_) => {}
            Condition::Any(children) | Condition::All(children) => {
                children.iter().for_each(|c| c.deadlines(out));
            }
            Condition::Not(child) => child.deadlines(out),
        }
    }
}

impl Trigger {
    /// Evaluates the trigger; `Some` when it fires now. A trigger that reads messages is
    /// not evaluated without one (see [`Condition::reads_message`]).
    pub fn evaluate(&self, facts: &Facts<'_>, now: Millis) -> Option<Firing> {
        if facts.message.is_none() && self.condition.reads_message() {
            return None;
        }
        let mut evidence = Vec::new();
        self.condition.holds(facts, &mut evidence).then(|| Firing {
            trigger: self.id.clone(),
            kind: self.condition.kind(),
            evidence,
            action: self.action.clone(),
            at: now,
        })
    }
}
