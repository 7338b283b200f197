//! The conversation engine: `handle(event, now) -> outputs`, deterministic and sans-IO.
//!
//! A [`Conversation`] owns the state of one visitor's chat: where the journey is, the
//! transcript, captured fields, the profile, counters, which triggers fired. The widget feeds
//! it [`Event`]s and carries out the [`Output`]s: show a message, set a timer, call a site
//! API, hand over to a person. Given the same site, visitor id and events at the same times,
//! it always produces the same outputs — which is what lets the server re-run it.
//!
//! Order of work for a visitor message: score and fold it, check triggers on the message
//! *before* the bot answers (so "let me talk to a human" is not met with "I didn't
//! understand"), let the flow answer, then check triggers again for counters the answer
//! moved (turns, steps, fallbacks).
//!
//! Layout: this file holds the state and the public handle; `io.rs` the events, outputs and
//! the handover decision; `turn.rs` the handling of one event.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::Millis;
use crate::experiment::{self, Assignment};
use crate::flow::NodeId;
use crate::profile::Profile;
use crate::site::Site;
use crate::template::Values;
use crate::transcript::Transcript;
use crate::trigger::{Firing, Trigger};

/// Longest visitor message accepted, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

mod io;
mod turn;

pub(crate) use turn::Turn;

pub use io::{Escalation, Event, FetchRequest, Output, Reason};

/// Node transitions allowed while handling one event; more means a loop of `say` nodes,
/// which compile rejects, so this is a second line of defence.
const MAX_HOPS: usize = 64;

/// One visitor's conversation with the bot.
#[derive(Debug, Clone)]
pub struct Conversation {
    site: Arc<Site>,
    state: State,
}

/// Everything that changes; kept apart from the site so a [`Turn`] can borrow both.
#[derive(Debug, Clone)]
pub(crate) struct State {
    visitor: String,
    triggers: Vec<Arc<Trigger>>,
    variants: Vec<Assignment>,
    started_at: Option<Millis>,
    node: Option<NodeId>,
    offered: Vec<String>,
    pending_offer: Option<Firing>,
    pending_fetch: Option<(u32, NodeId)>,
    next_fetch: u32,
    transcript: Transcript,
    scores: Vec<f32>,
    fields: BTreeMap<String, String>,
    profile: Profile,
    page: Option<String>,
    path: Vec<String>,
    intent: Option<String>,
    bot_turns: u32,
    steps: u32,
    fallbacks: u32,
    fallbacks_in_a_row: u32,
    fired: Vec<bool>,
    firings: Vec<Firing>,
    escalation: Option<Escalation>,
    ended: bool,
}

impl Conversation {
    /// A new conversation for `visitor` (a stable id kept by the widget; it picks the
    /// experiment variants). Nothing happens until [`Event::Start`].
    pub fn new(site: Arc<Site>, visitor: &str) -> Conversation {
        let mut triggers = site.triggers.clone();
        for (_, variant) in experiment::chosen(&site.experiments, visitor) {
            for (index, trigger) in &variant.overrides {
                if let Some(slot) = triggers.get_mut(*index) {
                    *slot = Arc::clone(trigger);
                }
            }
        }
        let variants = experiment::assignments(&site.experiments, visitor);
        let fired = vec![false; triggers.len()];
        Conversation {
            site,
            state: State {
                visitor: visitor.to_owned(),
                triggers,
                variants,
                started_at: None,
                node: None,
                offered: Vec::new(),
                pending_offer: None,
                pending_fetch: None,
                next_fetch: 1,
                transcript: Transcript::default(),
                scores: Vec::new(),
                fields: BTreeMap::new(),
                profile: Profile::default(),
                page: None,
                path: Vec::new(),
                intent: None,
                bot_turns: 0,
                steps: 0,
                fallbacks: 0,
                fallbacks_in_a_row: 0,
                fired,
                firings: Vec::new(),
                escalation: None,
                ended: false,
            },
        }
    }

    /// Handles one event at time `now` (ms since the Unix epoch) and returns what to do.
    pub fn handle(&mut self, event: Event, now: Millis) -> Vec<Output> {
        let mut out = Vec::new();
        let site = Arc::clone(&self.site);
        let mut turn = Turn {
            site: &site,
            state: &mut self.state,
            out: &mut out,
            now,
        };
        turn.handle(event);
        out
    }

    /// The site this conversation runs.
    pub fn site(&self) -> &Arc<Site> {
        &self.site
    }

    /// The visitor id.
    pub fn visitor(&self) -> &str {
        &self.state.visitor
    }

    /// The transcript so far (not redacted).
    pub fn transcript(&self) -> &Transcript {
        &self.state.transcript
    }

    /// Captured fields.
    pub fn fields(&self) -> &BTreeMap<String, String> {
        &self.state.fields
    }

    /// The visitor's profile.
    pub fn profile(&self) -> &Profile {
        &self.state.profile
    }

    /// Every firing so far, in order.
    pub fn firings(&self) -> &[Firing] {
        &self.state.firings
    }

    /// Node ids entered, in order.
    pub fn path(&self) -> &[String] {
        &self.state.path
    }

    /// Experiment variants this conversation runs.
    pub fn variants(&self) -> &[Assignment] {
        &self.state.variants
    }

    /// The handover decision, once made.
    pub fn escalation(&self) -> Option<&Escalation> {
        self.state.escalation.as_ref()
    }

    /// What the visitor came for: the first button or FAQ question, if any.
    pub fn intent(&self) -> Option<&str> {
        self.state.intent.as_deref()
    }

    /// When [`Event::Start`] was handled.
    pub fn started_at(&self) -> Option<Millis> {
        self.state.started_at
    }

    /// The current page path.
    pub fn page(&self) -> Option<&str> {
        self.state.page.as_deref()
    }

    /// Whether the journey reached an `end` node.
    pub fn ended(&self) -> bool {
        self.state.ended
    }

    /// Values for filling templates (agent scripts).
    pub fn values(&self) -> Values<'_> {
        Values {
            fields: &self.state.fields,
            profile: &self.state.profile.attributes,
        }
    }
}
