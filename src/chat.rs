//! The widget's conversation state: baton-core's engine, the handover to a person and the
//! outbox, as plain data. No browser in here: the shell (`shell.rs`) feeds it what happened —
//! the visitor typed, a timer went off, a frame arrived — then carries out what it asks for,
//! one [`Effect`] at a time from [`Chat::poll`] until there is none: saving, notices to the
//! host page, frames to send, the socket, site API calls, timers. Everything the visitor must
//! not lose is in [`Saved`], which the shell writes to browser storage after every change.
//!
//! Reloading rebuilds the engine by replaying the logged events at their original times:
//! the engine is deterministic, so the same events give the same state.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use baton_core::Millis;
use baton_core::Site;
use baton_core::conversation::{Conversation, Event, FetchRequest, Output, Reason};
use baton_core::outcome::{Outcome, OutcomeReport};
use baton_core::protocol::{Handoff, VisitorFrame};
use baton_core::transcript::Author;
use serde_json::Value;

mod effect;
mod live;
mod saved;
#[cfg(test)]
mod tests;

use effect::Due;
// Taken by the shell, which exists only on wasm32; natively only the tests use it.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub use effect::Effect;
pub use saved::{Handover, Line, Logged, Outgoing, SAVED_VERSION, Saved, Stage, Wire};
use saved::{kept, system};

/// A message as the panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// Stable key for the list.
    pub key: String,
    /// Who wrote it.
    pub from: Author,
    /// Plain text.
    pub text: String,
    /// Still on its way to the server.
    pub pending: bool,
}

/// Something the host page's `Baton.on` handlers hear about.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// The bot handed over; the reason in one line.
    Escalate(String),
    /// A new message from the bot or a person.
    Message {
        /// Who wrote it.
        from: Author,
        /// Plain text.
        text: String,
    },
}

/// One visitor's chat.
pub struct Chat {
    conversation: Conversation,
    saved: Saved,
    wakes: BTreeSet<Millis>,
    fetching: Option<FetchRequest>,
    fetch_started: bool,
    choices: Vec<String>,
    agent_typing: bool,
    notices: Vec<Notice>,
    /// The journey ended at an `end` node that asks for a rating.
    end_asks_rating: bool,
    /// Whether the socket is open (between [`Chat::on_open`] and [`Chat::on_close`]).
    connected: bool,
    /// Frames to send on the open socket now, oldest first; not saved (what must survive a
    /// reload is in the outbox and [`Handover::later`]).
    outgoing: Vec<Wire>,
    /// When the visitor's last `typing` frame went (ms; 0: never).
    typing_sent: Millis,
    /// What [`Chat::poll`] still has to hand out since the last change.
    due: Due,
    /// The id the next handoff goes out with: random, from the shell. It is the only proof
    /// that a repeated handoff is this widget's retry (the server answers a retry with the
    /// conversation), so it must not be built from anything an agent sees.
    handoff_id: String,
    /// The random id given to [`Chat::restore`]; a conversation started over hands over as
    /// it with a count (see [`Chat::say`]).
    handoff_base: String,
    /// Conversations started over since the restore.
    restarts: u32,
    /// The signed profile token from `Baton.identify`, sent with the handoff. Never saved:
    /// the host page gives it on every page view.
    token: Option<String>,
}

impl Chat {
    /// A chat on `site`, rebuilt from what was saved; a record of another version, one
    /// without a visitor id, or one idle for longer than the site's `remember_hours` at
    /// `now` starts afresh as `visitor`. A handoff not made yet will go out as `handoff_id`
    /// (random and unguessable: see [`Chat::hand_over`]).
    pub fn restore(
        site: Arc<Site>,
        visitor: &str,
        handoff_id: String,
        saved: Saved,
        now: Millis,
    ) -> Chat {
        let fresh = now.saturating_sub(saved.saved_at) <= site.remember_for;
        let saved = if saved.version == SAVED_VERSION && !saved.visitor.is_empty() && fresh {
            saved
        } else {
            Saved {
                version: SAVED_VERSION,
                visitor: visitor.to_owned(),
                ..Saved::default()
            }
        };
        let mut chat = Chat {
            conversation: Conversation::new(site, &saved.visitor),
            saved: Saved {
                events: Vec::new(),
                ..saved.clone()
            },
            wakes: BTreeSet::new(),
            fetching: None,
            fetch_started: false,
            choices: Vec::new(),
            agent_typing: false,
            notices: Vec::new(),
            end_asks_rating: false,
            connected: false,
            outgoing: Vec::new(),
            typing_sent: 0,
            handoff_base: handoff_id.clone(),
            handoff_id,
            restarts: 0,
            due: Due::default(),
            token: None,
        };
        for Logged { event, at } in saved.events {
            chat.feed(event, at);
        }
        // Replayed outputs were shown before the reload; only their effects remain.
        chat.notices.clear();
        chat.changed();
        chat
    }

    /// What to keep in browser storage.
    pub fn saved(&self) -> &Saved {
        &self.saved
    }

    /// Opens the chat: the bot greets once per conversation.
    pub fn open(&mut self, page: Option<String>, now: Millis) {
        self.changed();
        if self.saved.events.is_empty() {
            self.feed(Event::Start { page }, now);
        }
    }

    /// The visitor sent `text`; `id` is a fresh client id for it. Before the handover the
    /// bot answers (the handoff redacts the transcript it sends); after it the message goes
    /// to the person redacted, through the outbox (and at once if connected), and the visitor
    /// sees what was sent. After a conversation with a person ended (closed, or unknown to
    /// the server), writing again starts a new one with the bot: no dead end.
    pub fn say(&mut self, text: &str, id: String, now: Millis) {
        self.changed();
        self.saved.saved_at = now;
        let text = text.trim();
        if text.is_empty() || text.len() > baton_core::conversation::MAX_MESSAGE_BYTES {
            return;
        }
        self.start_over(now);
        match &mut self.saved.handover {
            None => {
                self.feed(
                    Event::Text {
                        text: text.to_owned(),
                    },
                    now,
                );
            }
            Some(handover) => {
                let redacted = self.conversation.site().redactor.redact(text).into_owned();
                handover.lines.push(Line {
                    from: Author::Visitor,
                    text: redacted.clone(),
                    seq: None,
                    id: Some(id.clone()),
                });
                handover.outbox.push(Outgoing {
                    id: id.clone(),
                    text: redacted.clone(),
                });
                if self.connected {
                    let frame = VisitorFrame::Message { id, text: redacted };
                    self.outgoing.push(Wire::encode(&frame));
                }
            }
        }
    }

    /// The visitor pressed button `index` of the ones on offer.
    pub fn choose(&mut self, index: usize, now: Millis) {
        self.changed();
        if self.saved.handover.is_none() && index < self.choices.len() {
            self.feed(Event::Choice { index }, now);
        }
    }

    /// The site identified the visitor (`Baton.identify`); the token goes with the handoff
    /// and the server decides whether to trust the attributes.
    pub fn identify(
        &mut self,
        attributes: BTreeMap<String, Value>,
        token: Option<String>,
        now: Millis,
    ) {
        self.changed();
        if token.is_some() {
            self.token = token;
        }
        if self.saved.handover.is_none() {
            self.feed(
                Event::Profile {
                    attributes,
                    verified: false,
                },
                now,
            );
        }
    }

    /// The visitor moved to another page of the site.
    pub fn page(&mut self, path: String, now: Millis) {
        self.changed();
        if self.saved.handover.is_none() && self.conversation.page() != Some(path.as_str()) {
            self.feed(Event::Page { path }, now);
        }
    }

    /// Time passed: runs the timers that are due.
    pub fn tick(&mut self, now: Millis) {
        // Even when nothing is due (a timer may fire a moment early) the timer is set again.
        self.changed();
        let due: Vec<Millis> = self.wakes.range(..=now).copied().collect();
        if due.is_empty() || self.saved.handover.is_some() {
            return;
        }
        for at in due {
            self.wakes.remove(&at);
        }
        self.feed(Event::Timer, now);
    }

    /// When the next timer is due, if any.
    fn next_wake(&self) -> Option<Millis> {
        if self.saved.handover.is_some() {
            return None;
        }
        self.wakes.first().copied()
    }

    /// A site API call to make now (each one is handed out once).
    fn take_fetch(&mut self) -> Option<FetchRequest> {
        if self.fetch_started {
            return None;
        }
        let request = self.fetching.clone()?;
        self.fetch_started = true;
        Some(request)
    }

    /// The answer to a site API call.
    pub fn fetched(&mut self, id: u32, outcome: Result<Value, String>, now: Millis) {
        self.changed();
        if self.fetching.as_ref().is_some_and(|f| f.id == id) {
            self.feed(Event::FetchResult { id, outcome }, now);
        }
    }

    /// Whether the bot's journey ended asking for a rating that has not been given.
    pub fn wants_bot_rating(&self) -> bool {
        self.end_asks_rating && self.saved.handover.is_none() && self.saved.bot_rating.is_none()
    }

    /// Whether the visitor rated the conversation the bot resolved.
    pub fn bot_rated(&self) -> bool {
        self.saved.bot_rating.is_some()
    }

    /// The visitor rated the chat: after the agent closed it (the frame waits in
    /// [`Handover::later`]), or after a journey that ended asking for a rating (it goes with
    /// the outcome beacon). `false` if that was not possible (nothing to rate, already rated,
    /// a score outside 1–5).
    pub fn rate(&mut self, score: u8, comment: Option<String>, id: String) -> bool {
        self.changed();
        let comment = comment.filter(|c| !c.trim().is_empty());
        let Some(handover) = self.saved.handover.as_mut() else {
            if !self.wants_bot_rating() || !(1..=5).contains(&score) {
                return false;
            }
            let comment = comment.map(|c| self.site().redactor.redact(&c).into_owned());
            self.saved.bot_rating = Some((score, comment));
            // The beacon goes again, now with the rating.
            self.saved.resolved_sent = false;
            return true;
        };
        if handover.rated || !(1..=5).contains(&score) {
            return false;
        }
        handover.rated = true;
        handover
            .lines
            .push(system("Thank you for your rating.".into()));
        let redactor = &self.conversation.site().redactor;
        handover.later.push(Wire::encode(&VisitorFrame::Csat {
            id: Some(id),
            score,
            comment: comment.map(|c| redactor.redact(&c).into_owned()),
        }));
        true
    }

    /// Everything the panel shows, oldest first: the bot conversation, then the
    /// conversation with a person. Keys hold the count of conversations started over, so a
    /// new conversation's lines are never taken for the old ones at the same places.
    pub fn shown(&self) -> Vec<Shown> {
        let round = self.restarts;
        let bot = self
            .conversation
            .transcript()
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| Shown {
                key: format!("{round}b{i}"),
                from: e.from,
                text: e.text.clone(),
                pending: false,
            });
        let live = self
            .saved
            .handover
            .iter()
            .flat_map(|h| h.lines.iter().enumerate())
            .map(|(i, l)| Shown {
                key: format!("{round}l{i}"),
                from: l.from,
                text: l.text.clone(),
                pending: l.from == Author::Visitor && l.seq.is_none(),
            });
        bot.chain(live).collect()
    }

    /// Buttons on offer now.
    pub fn choices(&self) -> &[String] {
        if self.saved.handover.is_some() {
            &[]
        } else {
            &self.choices
        }
    }

    /// The handover, if the bot handed over.
    pub fn handover(&self) -> Option<&Handover> {
        self.saved.handover.as_ref()
    }

    /// Whether the agent is typing.
    pub fn agent_typing(&self) -> bool {
        self.agent_typing
    }

    /// The agent's typing indicator timed out.
    pub fn stop_typing(&mut self) {
        self.agent_typing = false;
    }

    /// The page is going away (closed, left, hidden): the body of the outcome beacon to send
    /// now, `open` mid-conversation (so walking away counts as abandoned, not lost). While
    /// the page stays, [`Chat::poll`] hands out the `resolved` one.
    pub fn leaving(&mut self) -> Option<String> {
        self.take_beacon(true)
    }

    /// The body of the outcome beacon to send now, if any: `resolved` once when the journey
    /// has ended without a person (and again with the rating, once given); `open` whenever the
    /// page is `leaving` mid-conversation.
    /// Handed-over conversations send none: the handoff reports them.
    fn take_beacon(&mut self, leaving: bool) -> Option<String> {
        // Decided before the report is built: this runs after every change.
        let due = if self.conversation.ended() {
            !self.saved.resolved_sent
        } else {
            leaving
        };
        if !due {
            return None;
        }
        let mut report = OutcomeReport::of(&self.conversation)?;
        if report.outcome == Outcome::Resolved {
            // Saved next, so a reload does not report the conversation twice.
            self.saved.resolved_sent = true;
            self.due.save = true;
        }
        if let Some((score, comment)) = &self.saved.bot_rating {
            report.csat = Some(*score);
            report.csat_comment = comment.clone();
        }
        serde_json::to_string(&report).ok()
    }

    /// The site.
    pub fn site(&self) -> &Arc<Site> {
        self.conversation.site()
    }

    fn feed(&mut self, event: Event, now: Millis) {
        if matches!(event, Event::FetchResult { .. }) {
            self.fetching = None;
            self.fetch_started = false;
        }
        if !matches!(
            event,
            Event::Timer | Event::Page { .. } | Event::Profile { .. }
        ) {
            self.choices.clear();
        }
        self.saved.saved_at = now;
        self.saved.events.push(Logged {
            event: kept(&event),
            at: now,
        });
        for output in self.conversation.handle(event, now) {
            match output {
                Output::Say { text, choices } => {
                    self.choices = choices;
                    self.notices.push(Notice::Message {
                        from: Author::Bot,
                        text,
                    });
                }
                Output::WakeAt { at } => {
                    self.wakes.insert(at);
                }
                Output::Fetch(request) => {
                    self.fetching = Some(request);
                    self.fetch_started = false;
                }
                Output::Escalate(escalation) => self.hand_over(&escalation.reason),
                Output::End { csat } => self.end_asks_rating = csat,
                Output::Capture { .. }
                | Output::Fired(_)
                | Output::Offer { .. }
                | Output::Ignored { .. } => {}
            }
        }
    }

    /// Hands the conversation over with the id given to [`Chat::restore`]: a secret between
    /// this widget and the server, never built from the visitor id or the time (which agents
    /// see), since whoever repeats it gets the conversation back. The frame is saved without
    /// the token; [`Chat::handoff_frame`] signs it when it goes.
    fn hand_over(&mut self, reason: &Reason) {
        if self.saved.handover.is_some() {
            return;
        }
        let id = self.handoff_id.clone();
        let Some(frame) = self.handoff_frame(&id, None) else {
            return;
        };
        self.notices.push(Notice::Escalate(reason.explain()));
        let last_seq = self.conversation.transcript().entries.len() as u64;
        self.saved.handover = Some(Handover {
            id,
            handoff: Some(frame),
            resume: None,
            last_seq,
            lines: Vec::new(),
            outbox: Vec::new(),
            later: Vec::new(),
            stage: Stage::Handing,
            rated: false,
            email_left: false,
        });
    }

    /// The handoff frame `id` of this conversation, with `token` if the site gave one.
    fn handoff_frame(&self, id: &str, token: Option<String>) -> Option<Wire> {
        let handoff = Handoff::of(&self.conversation, token)?;
        Some(Wire::encode(&VisitorFrame::Handoff {
            id: id.to_owned(),
            handoff: Box::new(handoff),
        }))
    }
}
