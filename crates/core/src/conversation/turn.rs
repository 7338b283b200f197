//! One event being handled: [`Turn`] runs the journey and the triggers for
//! [`super::Conversation::handle`]; the flow nodes (`crate::flow`) act through it.

use serde_json::Value;

use crate::config::raw::Method;
use crate::flow::{Bot, Next};
use crate::site::Site;
use crate::template::{Template, Values, percent_encode};
use crate::text::fold;
use crate::transcript::Author;
use crate::trigger::{Action, Facts, Firing, MessageFacts};
use crate::{Millis, sentiment};

use super::*;

fn offer_choices() -> Vec<String> {
    vec!["Yes, connect me".to_owned(), "No, thanks".to_owned()]
}

/// One event being handled: the site, the state and the outputs so far. Flow nodes talk to
/// the conversation through it.
pub(crate) struct Turn<'a> {
    pub(super) site: &'a Site,
    pub(super) state: &'a mut State,
    pub(super) out: &'a mut Vec<Output>,
    pub(super) now: Millis,
}

impl<'a> Turn<'a> {
    pub(super) fn handle(&mut self, event: Event) {
        if let Event::Start { page } = event {
            return self.start(page);
        }
        if self.state.started_at.is_none() {
            return self.ignore("the conversation has not started");
        }
        match event {
            Event::Start { .. } => {}
            Event::Text { text } => self.text(&text),
            Event::Choice { index } => self.choice(index),
            Event::Page { path } => self.state.page = Some(path),
            Event::Profile {
                attributes,
                verified,
            } => {
                self.state.profile.update(attributes, verified);
                self.check_triggers(None);
            }
            Event::Timer => {
                self.check_triggers(None);
                self.wake_for_deadlines();
            }
            Event::FetchResult { id, outcome } => self.fetch_result(id, outcome),
        }
    }

    fn start(&mut self, page: Option<String>) {
        if self.state.started_at.is_some() {
            return self.ignore("the conversation has already started");
        }
        self.state.started_at = Some(self.now);
        self.state.page = page;
        let greeting = self.site.greeting.clone();
        self.say_plain(&greeting);
        let start = self.site.flow.start_for(self.state.page.as_deref());
        self.go(Next::Go(start));
        self.check_triggers(None);
        self.wake_for_deadlines();
    }

    fn text(&mut self, text: &str) {
        if text.len() > MAX_MESSAGE_BYTES {
            return self.ignore(&format!(
                "message is {} bytes, the limit is {MAX_MESSAGE_BYTES}",
                text.len()
            ));
        }
        if text.trim().is_empty() {
            return self.ignore("empty message");
        }
        let score = sentiment::score(text);
        let index = self
            .state
            .transcript
            .push(Author::Visitor, text, self.now, Some(score));
        if self.state.escalation.is_some() {
            // A person has the conversation now; the bot only keeps the record.
            return;
        }
        self.state.scores.push(score);
        let folded = fold(text);
        let message = MessageFacts {
            index,
            folded: &folded,
            score,
        };
        if self.check_triggers(Some(message)) {
            return;
        }
        let fallbacks_before = self.state.fallbacks;
        if let Some(firing) = self.state.pending_offer.take() {
            match self.site.answers.read(&folded) {
                Some(true) => return self.accept_offer(firing),
                Some(false) => return self.decline_offer(),
                // Anything else: the visitor moved on; carry on with the journey.
                None => {}
            }
        }
        let next = match self.current_node() {
            Some(node) => node.on_text(self, text, &folded),
            None => self.answer_or_fallback(&folded),
        };
        self.go(next);
        if self.state.fallbacks == fallbacks_before {
            self.state.fallbacks_in_a_row = 0;
        }
        self.check_triggers(Some(message));
    }

    fn choice(&mut self, index: usize) {
        if self.state.escalation.is_some() {
            return self.ignore("the conversation is with a person now");
        }
        let Some(label) = self.state.offered.get(index).cloned() else {
            return self.ignore(&format!("there is no button {index} on offer"));
        };
        self.state
            .transcript
            .push(Author::Visitor, &label, self.now, None);
        self.state.fallbacks_in_a_row = 0;
        if let Some(firing) = self.state.pending_offer.take() {
            return if index == 0 {
                self.accept_offer(firing)
            } else {
                self.decline_offer()
            };
        }
        let next = match self.current_node() {
            Some(node) => node.on_choice(self, index),
            None => Next::Stay,
        };
        self.go(next);
        self.check_triggers(None);
    }

    fn fetch_result(&mut self, id: u32, outcome: Result<Value, String>) {
        match self.state.pending_fetch {
            Some((pending, node)) if pending == id && self.state.node == Some(node) => {
                self.state.pending_fetch = None;
                let next = match self.current_node() {
                    Some(node) => node.on_fetch(self, outcome.as_ref().map_err(String::as_str)),
                    None => Next::Stay,
                };
                self.go(next);
                self.check_triggers(None);
            }
            _ => self.ignore(&format!("no fetch {id} is pending")),
        }
    }

    fn current_node(&self) -> Option<&'a crate::flow::NodeKind> {
        let site: &'a Site = self.site;
        self.state
            .node
            .and_then(|id| site.flow.node(id))
            .map(|n| &n.kind)
    }

    /// Follows the journey until a node waits, goes idle, ends or hands over.
    fn go(&mut self, mut next: Next) {
        for _ in 0..MAX_HOPS {
            match next {
                Next::Stay => return,
                Next::Idle => {
                    self.state.node = None;
                    return;
                }
                Next::Go(id) => {
                    let site: &Site = self.site;
                    let Some(node) = site.flow.node(id) else {
                        self.state.node = None;
                        return;
                    };
                    self.state.steps += 1;
                    self.state.path.push(node.id.clone());
                    self.state.node = Some(id);
                    self.state.offered.clear();
                    next = node.kind.enter(self);
                }
                Next::Escalate { queue, priority } => {
                    let node = self
                        .state
                        .node
                        .and_then(|id| self.site.flow.node(id))
                        .map(|n| n.id.clone());
                    let reason = Reason::Flow {
                        node: node.unwrap_or_default(),
                    };
                    return self.escalate(
                        Escalation {
                            reason,
                            queue,
                            priority,
                        },
                        false,
                    );
                }
                Next::End { csat } => {
                    self.state.node = None;
                    self.state.ended = true;
                    self.out.push(Output::End { csat });
                    return;
                }
            }
        }
        self.state.node = None;
        self.ignore("the journey went round in a loop");
    }

    /// Evaluates every trigger that has not fired; acts on the strongest firing. Returns
    /// whether the bot should stay quiet for this event (handover or offer made).
    fn check_triggers(&mut self, message: Option<MessageFacts<'_>>) -> bool {
        if self.state.escalation.is_some() {
            return true;
        }
        let elapsed_ms = self
            .now
            .saturating_sub(self.state.started_at.unwrap_or(self.now));
        let mut fired = Vec::new();
        {
            let state = &*self.state;
            let facts = Facts {
                message,
                scores: &state.scores,
                profile: &state.profile,
                bot_turns: state.bot_turns,
                steps: state.steps,
                fallbacks: state.fallbacks,
                fallbacks_in_a_row: state.fallbacks_in_a_row,
                elapsed_ms,
            };
            for (i, trigger) in state.triggers.iter().enumerate() {
                if state.fired.get(i).copied().unwrap_or(true) {
                    continue;
                }
                if let Some(firing) = trigger.evaluate(&facts, self.now) {
                    fired.push((i, firing));
                }
            }
        }
        if fired.is_empty() {
            return false;
        }
        for (i, firing) in &fired {
            if let Some(flag) = self.state.fired.get_mut(*i) {
                *flag = true;
            }
            self.state.firings.push(firing.clone());
            self.out.push(Output::Fired(firing.clone()));
        }
        // The strongest escalation wins (highest priority, then config order); offers only
        // matter when nothing escalates.
        let escalation = fired
            .iter()
            .filter_map(|(_, f)| match &f.action {
                Action::Escalate { queue, priority } => Some((f, queue, *priority)),
                Action::Offer { .. } => None,
            })
            .min_by(|a, b| b.2.cmp(&a.2));
        if let Some((firing, queue, priority)) = escalation {
            let escalation = Escalation {
                reason: Reason::Trigger {
                    firing: firing.clone(),
                },
                queue: queue.clone(),
                priority,
            };
            self.escalate(escalation, true);
            return true;
        }
        if self.state.pending_offer.is_some() {
            return false;
        }
        let Some((_, firing)) = fired
            .into_iter()
            .find(|(_, f)| matches!(f.action, Action::Offer { .. }))
        else {
            return false;
        };
        if let Action::Offer { text, .. } = &firing.action {
            let text = text.clone();
            self.out.push(Output::Offer {
                trigger: firing.trigger.clone(),
            });
            self.offer_buttons(&text);
        }
        self.state.pending_offer = Some(firing);
        true
    }

    fn accept_offer(&mut self, firing: Firing) {
        let (queue, priority) = match &firing.action {
            Action::Offer {
                queue, priority, ..
            }
            | Action::Escalate { queue, priority } => (queue.clone(), *priority),
        };
        let reason = Reason::AcceptedOffer { firing };
        self.escalate(
            Escalation {
                reason,
                queue,
                priority,
            },
            true,
        );
    }

    fn decline_offer(&mut self) {
        self.say_plain("No problem, let's carry on.");
        if let Some(node) = self.state.node.and_then(|id| self.site.flow.node(id)) {
            // Put the question the visitor was answering back on screen.
            if node.kind.waits() {
                let next = node.kind.enter(self);
                self.go(next);
            }
        }
    }

    fn escalate(&mut self, escalation: Escalation, announce: bool) {
        if announce {
            let text = self.site.handoff_text.clone();
            self.say_plain(&text);
        }
        self.state.node = None;
        self.state.pending_offer = None;
        self.state.pending_fetch = None;
        self.state.offered.clear();
        self.state.escalation = Some(escalation.clone());
        self.out.push(Output::Escalate(escalation));
    }

    /// Asks for timers at every "seconds since start" deadline still ahead.
    fn wake_for_deadlines(&mut self) {
        let Some(started) = self.state.started_at else {
            return;
        };
        if self.state.escalation.is_some() {
            return;
        }
        let mut deadlines = Vec::new();
        for (i, trigger) in self.state.triggers.iter().enumerate() {
            if !self.state.fired.get(i).copied().unwrap_or(true) {
                trigger.condition.deadlines(&mut deadlines);
            }
        }
        deadlines.sort_unstable();
        deadlines.dedup();
        let elapsed = self.now.saturating_sub(started);
        for deadline in deadlines.into_iter().filter(|&d| d > elapsed) {
            self.out.push(Output::WakeAt {
                at: started.saturating_add(deadline),
            });
        }
    }

    fn ignore(&mut self, reason: &str) {
        self.out.push(Output::Ignored {
            reason: reason.to_owned(),
        });
    }

    fn say_with_choices(&mut self, text: String, choices: Vec<String>) {
        self.state.bot_turns += 1;
        self.state
            .transcript
            .push(Author::Bot, &text, self.now, None);
        self.state.offered = choices.clone();
        self.out.push(Output::Say { text, choices });
    }

    /// Offers "Yes, connect me" / "No, thanks" buttons under `text`.
    pub(crate) fn offer_buttons(&mut self, text: &str) {
        self.say_with_choices(text.to_owned(), offer_choices());
    }
}

/// What flow nodes may do.
impl Bot for Turn<'_> {
    /// Says a template filled from the fields and profile, with buttons.
    fn say(&mut self, text: &Template, choices: &[String]) {
        let values = Values {
            fields: &self.state.fields,
            profile: &self.state.profile.attributes,
        };
        let text = text.render(&values);
        self.say_with_choices(text, choices.to_vec());
    }

    /// Says fixed text.
    fn say_plain(&mut self, text: &str) {
        self.say_with_choices(text.to_owned(), Vec::new());
    }

    /// [`Turn::offer_buttons`] under a template.
    fn offer(&mut self, text: &Template) {
        self.say(text, &offer_choices());
    }

    /// Reads a typed yes or no.
    fn yes_or_no(&self, folded: &str) -> Option<bool> {
        self.site.answers.read(folded)
    }

    /// Notes the visitor's pick (the first one is their intent).
    fn chose(&mut self, label: &str) {
        if self.state.intent.is_none() {
            self.state.intent = Some(label.to_owned());
        }
    }

    /// Stores a field value.
    fn capture(&mut self, field: &str, value: &str) {
        self.state.fields.insert(field.to_owned(), value.to_owned());
        self.out.push(Output::Capture {
            field: field.to_owned(),
            value: value.to_owned(),
        });
    }

    /// Whether `text` is exactly one marker of the site's redactor.
    fn is_redaction_marker(&self, text: &str) -> bool {
        self.site.redactor.is_marker(text)
    }

    /// Counts a message the bot did not understand and says so.
    fn fallback(&mut self) {
        self.count_fallback();
        let text = self.site.fallback_text.clone();
        self.say_plain(&text);
    }

    /// Counts a message the bot did not understand; the caller says what went wrong.
    fn count_fallback(&mut self) {
        self.state.fallbacks += 1;
        self.state.fallbacks_in_a_row += 1;
    }

    /// Answers from the FAQ if an entry matches; returns whether it did. `choices` stay on
    /// offer under the answer (the buttons of the node that is still waiting).
    fn answer_from_faq(&mut self, folded: &str, choices: &[String]) -> bool {
        let site: &Site = self.site;
        let Some(entry) = site.faq.lookup(folded) else {
            return false;
        };
        if self.state.intent.is_none() {
            self.state.intent = Some(entry.question.clone());
        }
        self.say_with_choices(entry.answer.clone(), choices.to_vec());
        true
    }

    /// Asks the widget to call a site API.
    fn fetch(&mut self, url: &Template, method: Method) {
        let values = Values {
            fields: &self.state.fields,
            profile: &self.state.profile.attributes,
        };
        let url = url.render_with(&values, percent_encode);
        let id = self.state.next_fetch;
        self.state.next_fetch = self.state.next_fetch.wrapping_add(1);
        if let Some(node) = self.state.node {
            self.state.pending_fetch = Some((id, node));
        }
        let body = (method == Method::Post).then(|| {
            Value::Object(
                self.state
                    .fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                    .collect(),
            )
        });
        self.out.push(Output::Fetch(FetchRequest {
            id,
            method,
            url,
            body,
        }));
    }
}
