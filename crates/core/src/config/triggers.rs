//! Compiling triggers and experiments.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::compile::Compiler;
use super::path::JsonPath;
use super::raw::{self, RawAction, RawCondition, RawTrigger};
use crate::experiment::{Experiment, Variant};
use crate::matcher::PhraseMatcher;
use crate::queue::{Priority, is_slug};
use crate::trigger::{
    Action, BotTurnsOver, Condition, DEFAULT_HUMAN_PHRASES, FallbacksAtLeast, FallbacksInARow,
    HumanRequest, Keywords, RollingSentimentBelow, Rule, SecondsOver, SentimentBelow, StepsOver,
    Trigger,
};
use crate::trigger::{ProfileRule, ProfileTest};

/// Nesting allowed in `any` / `all` / `not`; deeper trees are a mistake, not a need.
const MAX_DEPTH: usize = 16;

impl Compiler {
    pub(crate) fn triggers(&mut self, raw: &[RawTrigger], path: &JsonPath) -> Option<Vec<Trigger>> {
        let mut ids = BTreeMap::new();
        let mut out = Vec::with_capacity(raw.len());
        for (i, t) in raw.iter().enumerate() {
            let at = path.index(i);
            if !is_slug(&t.id, 64) {
                self.problem(
                    at.key("id"),
                    format!(
                        "`{}` is not a valid trigger id: use 1–64 of a-z, 0-9, `-`, `_`",
                        t.id
                    ),
                );
            }
            if let Some(first) = ids.insert(t.id.as_str(), i) {
                self.problem(
                    at.key("id"),
                    format!(
                        "duplicate trigger id `{}` (first used by triggers[{first}])",
                        t.id
                    ),
                );
                ids.insert(t.id.as_str(), first);
            }
            if let Some(trigger) = self.trigger(t, &t.when, &at) {
                out.push(trigger);
            }
        }
        (out.len() == raw.len()).then_some(out)
    }

    /// Compiles `trigger` with `when` as its condition (experiments pass a modified one).
    fn trigger(
        &mut self,
        trigger: &RawTrigger,
        when: &RawCondition,
        at: &JsonPath,
    ) -> Option<Trigger> {
        let condition = self.condition(when, &at.key("when"), 0);
        let action = self.action(trigger.action.as_ref(), &at.key("action"));
        Some(Trigger {
            id: trigger.id.clone(),
            description: trigger.description.clone(),
            condition: condition?,
            action,
        })
    }

    fn condition(&mut self, raw: &RawCondition, at: &JsonPath, depth: usize) -> Option<Condition> {
        if depth > MAX_DEPTH {
            self.problem(
                at.clone(),
                format!("conditions nest deeper than {MAX_DEPTH} levels"),
            );
            return None;
        }
        let rule = match raw {
            RawCondition::Any(children) | RawCondition::All(children) => {
                let key = if matches!(raw, RawCondition::Any(_)) {
                    "any"
                } else {
                    "all"
                };
                if children.is_empty() {
                    self.problem(
                        at.key(key),
                        "the list is empty: give at least one condition",
                    );
                }
                let compiled: Vec<Option<Condition>> = children
                    .iter()
                    .enumerate()
                    .map(|(i, c)| self.condition(c, &at.key(key).index(i), depth + 1))
                    .collect();
                let compiled: Option<Vec<Condition>> = compiled.into_iter().collect();
                return compiled.map(|c| {
                    if key == "any" {
                        Condition::Any(c)
                    } else {
                        Condition::All(c)
                    }
                });
            }
            RawCondition::Not(child) => {
                return self
                    .condition(child, &at.key("not"), depth + 1)
                    .map(|c| Condition::Not(Box::new(c)));
            }
            RawCondition::Profile(p) => Rule::Profile(self.profile(p, &at.key("profile"))?),
            RawCondition::Keywords(terms) => {
                let at = at.key("keywords");
                self.terms(terms, &at);
                Rule::Keywords(Keywords {
                    matcher: self.matcher(terms, &at)?,
                })
            }
            RawCondition::SentimentBelow(threshold) => Rule::SentimentBelow(SentimentBelow {
                threshold: self.score(*threshold, at.key("sentiment_below"))?,
            }),
            RawCondition::RollingSentimentBelow(r) => {
                let at = at.key("rolling_sentiment_below");
                if !(2..=50).contains(&r.messages) {
                    self.problem(
                        at.key("messages"),
                        format!("must be between 2 and 50, got {}", r.messages),
                    );
                }
                Rule::RollingSentimentBelow(RollingSentimentBelow {
                    threshold: self.score(r.threshold, at.key("threshold"))?,
                    messages: r.messages,
                })
            }
            RawCondition::BotTurnsOver(n) => Rule::BotTurnsOver(BotTurnsOver { limit: *n }),
            RawCondition::SecondsOver(n) => Rule::SecondsOver(SecondsOver {
                limit: self.at_least_one(*n, at.key("seconds_over"))?,
            }),
            RawCondition::StepsOver(n) => Rule::StepsOver(StepsOver { limit: *n }),
            RawCondition::FallbacksAtLeast(n) => Rule::FallbacksAtLeast(FallbacksAtLeast {
                limit: self.at_least_one(*n, at.key("fallbacks_at_least"))?,
            }),
            RawCondition::FallbacksInARow(n) => Rule::FallbacksInARow(FallbacksInARow {
                limit: self.at_least_one(*n, at.key("fallbacks_in_a_row"))?,
            }),
            RawCondition::HumanRequest(h) => {
                let at = at.key("human_request");
                let mut phrases: Vec<String> = match &h.phrases {
                    Some(p) => {
                        self.terms(p, &at.key("phrases"));
                        p.clone()
                    }
                    None => DEFAULT_HUMAN_PHRASES
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect(),
                };
                if !h.extra.is_empty() {
                    self.terms(&h.extra, &at.key("extra"));
                }
                phrases.extend(h.extra.iter().cloned());
                Rule::HumanRequest(HumanRequest {
                    matcher: self.matcher(&phrases, &at)?,
                })
            }
        };
        Some(Condition::Rule(rule))
    }

    fn profile(&mut self, p: &raw::RawProfileMatch, at: &JsonPath) -> Option<ProfileRule> {
        if p.attribute.trim().is_empty() {
            self.problem(at.key("attribute"), "must not be empty");
        }
        let test = match (&p.equals, &p.one_of, p.at_least) {
            (Some(v), None, None) => ProfileTest::Equals(v.clone()),
            (None, Some(vs), None) if !vs.is_empty() => ProfileTest::OneOf(vs.clone()),
            (None, Some(_), None) => {
                self.problem(
                    at.key("one_of"),
                    "the list is empty: give at least one value",
                );
                return None;
            }
            (None, None, Some(n)) if n.is_finite() => ProfileTest::AtLeast(n),
            (None, None, Some(n)) => {
                self.problem(
                    at.key("at_least"),
                    format!("must be a finite number, got {n}"),
                );
                return None;
            }
            _ => {
                self.problem(
                    at.clone(),
                    "give exactly one of `equals`, `one_of`, `at_least`",
                );
                return None;
            }
        };
        Some(ProfileRule {
            attribute: p.attribute.clone(),
            test,
        })
    }

    fn matcher(&mut self, terms: &[String], at: &JsonPath) -> Option<PhraseMatcher> {
        // Empty lists and empty terms were reported by `terms`; don't report them twice.
        if terms.is_empty() || terms.iter().any(|t| crate::text::fold(t).is_empty()) {
            return None;
        }
        PhraseMatcher::new(terms)
            .map_err(|e| self.problem(at.clone(), e.to_string()))
            .ok()
    }

    fn score(&mut self, value: f64, at: JsonPath) -> Option<f32> {
        if (-1.0..=1.0).contains(&value) {
            Some(value as f32)
        } else {
            self.problem(at, format!("must be between -1 and 1, got {value}"));
            None
        }
    }

    fn at_least_one(&mut self, n: u32, at: JsonPath) -> Option<u32> {
        if n == 0 {
            self.problem(at, "must be at least 1, got 0");
            return None;
        }
        Some(n)
    }

    fn action(&mut self, raw: Option<&RawAction>, at: &JsonPath) -> Action {
        match raw {
            None => Action::Escalate {
                queue: "general".to_owned(),
                priority: Priority::Normal,
            },
            Some(RawAction::Escalate(e)) => Action::Escalate {
                queue: self.queue(e.queue.as_deref(), at.key("escalate").key("queue")),
                priority: e.priority.unwrap_or(Priority::Normal),
            },
            Some(RawAction::Offer(o)) => {
                if let Some(text) = &o.text {
                    self.plain(text, at.key("offer").key("text"));
                }
                Action::Offer {
                    text: o
                        .text
                        .clone()
                        .unwrap_or_else(|| "Would you like to talk to a person?".to_owned()),
                    queue: self.queue(o.queue.as_deref(), at.key("offer").key("queue")),
                    priority: o.priority.unwrap_or(Priority::Normal),
                }
            }
        }
    }

    pub(crate) fn experiments(
        &mut self,
        raw: &[raw::RawExperiment],
        triggers: &[RawTrigger],
        path: &JsonPath,
    ) -> Option<Vec<Experiment>> {
        let mut ids = BTreeSet::new();
        // Trigger id → the experiment that overrides it; two experiments on one trigger would
        // make the variant a visitor runs ambiguous.
        let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
        let mut out = Vec::new();
        for (e, exp) in raw.iter().enumerate() {
            let at = path.index(e);
            if !ids.insert(exp.id.as_str()) {
                self.problem(
                    at.key("id"),
                    format!("duplicate experiment id `{}`", exp.id),
                );
            }
            if exp.variants.len() < 2 {
                self.problem(
                    at.key("variants"),
                    "an experiment needs at least two variants",
                );
            }
            let total: u32 = exp.variants.iter().map(|v| v.weight).sum();
            if total != 100 {
                self.problem(
                    at.key("variants"),
                    format!("variant weights add up to {total}, expected 100"),
                );
            }
            let mut variant_ids = BTreeSet::new();
            let mut variants = Vec::new();
            for (v, variant) in exp.variants.iter().enumerate() {
                let vat = at.key("variants").index(v);
                if !variant_ids.insert(variant.id.as_str()) {
                    self.problem(
                        vat.key("id"),
                        format!("duplicate variant id `{}`", variant.id),
                    );
                }
                let mut overrides = Vec::new();
                for (o, ov) in variant.overrides.iter().enumerate() {
                    let oat = vat.key("overrides").index(o);
                    let Some(index) = triggers.iter().position(|t| t.id == ov.trigger) else {
                        self.problem(
                            oat.key("trigger"),
                            format!("unknown trigger `{}`", ov.trigger),
                        );
                        continue;
                    };
                    match owner.insert(ov.trigger.as_str(), exp.id.as_str()) {
                        Some(other) if other != exp.id => self.problem(
                            oat.key("trigger"),
                            format!(
                                "trigger `{}` is already varied by experiment `{other}`",
                                ov.trigger
                            ),
                        ),
                        _ => {}
                    }
                    let Some(trigger) = triggers.get(index) else {
                        continue;
                    };
                    if let Some(when) = self.overridden(&trigger.when, ov, &oat)
                        && let Some(compiled) = self.trigger(trigger, &when, &oat)
                    {
                        overrides.push((index, Arc::new(compiled)));
                    }
                }
                variants.push(Variant {
                    id: variant.id.clone(),
                    weight: variant.weight,
                    overrides,
                });
            }
            out.push(Experiment {
                id: exp.id.clone(),
                description: exp.description.clone(),
                variants,
            });
        }
        Some(out)
    }

    /// The trigger's condition with the override applied.
    fn overridden(
        &mut self,
        when: &RawCondition,
        ov: &raw::RawOverride,
        at: &JsonPath,
    ) -> Option<RawCondition> {
        match (ov.threshold, &ov.keywords) {
            (Some(_), Some(_)) | (None, None) => {
                self.problem(at.clone(), "give exactly one of `threshold` and `keywords`");
                None
            }
            (None, Some(words)) => match when {
                RawCondition::Keywords(_) => Some(RawCondition::Keywords(words.clone())),
                _ => {
                    self.problem(
                        at.key("keywords"),
                        format!("trigger `{}` is not a `keywords` trigger", ov.trigger),
                    );
                    None
                }
            },
            (Some(t), None) => {
                let count = |c: &mut Compiler| -> Option<u32> {
                    if t >= 0.0 && t.fract() == 0.0 && t <= f64::from(u32::MAX) {
                        Some(t as u32)
                    } else {
                        c.problem(
                            at.key("threshold"),
                            format!("must be a whole number of at least 0, got {t}"),
                        );
                        None
                    }
                };
                Some(match when {
                    RawCondition::SentimentBelow(_) => {
                        self.score(t, at.key("threshold"))?;
                        RawCondition::SentimentBelow(t)
                    }
                    RawCondition::RollingSentimentBelow(r) => {
                        RawCondition::RollingSentimentBelow(raw::RawRolling {
                            threshold: f64::from(self.score(t, at.key("threshold"))?),
                            messages: r.messages,
                        })
                    }
                    RawCondition::BotTurnsOver(_) => RawCondition::BotTurnsOver(count(self)?),
                    RawCondition::SecondsOver(_) => RawCondition::SecondsOver(count(self)?),
                    RawCondition::StepsOver(_) => RawCondition::StepsOver(count(self)?),
                    RawCondition::FallbacksAtLeast(_) => {
                        RawCondition::FallbacksAtLeast(count(self)?)
                    }
                    RawCondition::FallbacksInARow(_) => RawCondition::FallbacksInARow(count(self)?),
                    _ => {
                        self.problem(
                            at.key("threshold"),
                            format!("trigger `{}` has no single threshold to vary", ov.trigger),
                        );
                        return None;
                    }
                })
            }
        }
    }
}
