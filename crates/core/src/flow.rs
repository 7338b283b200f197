//! The bot journey: compiled flow nodes and what each does with the visitor's input.
//!
//! One node kind per file under `flow/`, gathered by [`NodeKind`]. Every kind answers the
//! same questions — what happens on arrival ([`NodeKind::enter`]), on free text, on a button,
//! on a fetch result — by talking to a [`Bot`] (say, capture, count a fallback…; the engine's turn implements
//! it, so nodes never reach into the conversation) and
//! returning where to go [`Next`].

mod ask;
mod choices;
mod end;
mod escalate;
mod faq;
mod fetch;
mod offer_human;
mod say;

use serde_json::Value;

pub use ask::{Ask, Validation};
pub use choices::{ChoiceOption, Choices};
pub use end::End;
pub use escalate::Escalate;
pub use faq::FaqStep;
pub use fetch::Fetch;
pub use offer_human::OfferHuman;
pub use say::Say;

use crate::config::raw::Method;
use crate::queue::Priority;
use crate::template::Template;

/// What a node may do during a turn of the conversation. The engine's turn
/// (`conversation::Turn`) implements it over the conversation's state, which nodes never see.
pub(crate) trait Bot {
    /// Says a template filled from the fields and profile, with buttons.
    fn say(&mut self, text: &Template, choices: &[String]);
    /// Says fixed text.
    fn say_plain(&mut self, text: &str);
    /// Offers "Yes, connect me" / "No, thanks" buttons under a template.
    fn offer(&mut self, text: &Template);
    /// Reads a typed yes or no.
    fn yes_or_no(&self, folded: &str) -> Option<bool>;
    /// Notes the visitor's pick (the first one is their intent).
    fn chose(&mut self, label: &str);
    /// Stores a field value.
    fn capture(&mut self, field: &str, value: &str);
    /// Whether `text` is exactly one marker of the site's redactor.
    fn is_redaction_marker(&self, text: &str) -> bool;
    /// Counts a message the bot did not understand and says so.
    fn fallback(&mut self);
    /// Counts a message the bot did not understand; the caller says what went wrong.
    fn count_fallback(&mut self);
    /// Answers from the FAQ if an entry matches; returns whether it did. `choices` stay on
    /// offer under the answer (the buttons of the node that is still waiting).
    fn answer_from_faq(&mut self, folded: &str, choices: &[String]) -> bool;
    /// Asks the widget to call a site API.
    fn fetch(&mut self, url: &Template, method: Method);

    /// Free text when no node is waiting for it: the FAQ, else a fallback.
    fn answer_or_fallback(&mut self, folded: &str) -> Next {
        if !self.answer_from_faq(folded, &[]) {
            self.fallback();
        }
        Next::Stay
    }
}

/// Index of a node in [`Flow::nodes`].
pub type NodeId = usize;

/// The compiled journey.
#[derive(Debug, Clone)]
pub struct Flow {
    /// All nodes; [`NodeId`]s index this.
    pub nodes: Vec<Node>,
    /// Where conversations start by default.
    pub start: NodeId,
    /// Page-specific starts, tried in order.
    pub entries: Vec<Entry>,
}

/// A page-specific start.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Page path; a trailing `*` matches any suffix.
    pub page: String,
    /// Node to start at.
    pub node: NodeId,
}

/// A flow node.
#[derive(Debug, Clone)]
pub struct Node {
    /// Id from the config.
    pub id: String,
    /// What it does.
    pub kind: NodeKind,
}

/// The kinds of node.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// Say something, move on.
    Say(Say),
    /// Offer buttons.
    Choices(Choices),
    /// Ask for a value.
    Ask(Ask),
    /// Answer from the FAQ.
    Faq(FaqStep),
    /// Call a site API.
    Fetch(Fetch),
    /// Offer a person.
    OfferHuman(OfferHuman),
    /// Hand over.
    Escalate(Escalate),
    /// Finish.
    End(End),
}

/// Where the conversation goes after a node handled something.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Enter another node.
    Go(NodeId),
    /// Stay here and wait for the visitor.
    Stay,
    /// The bot's part is over for now; free text goes to the FAQ.
    Idle,
    /// Hand the conversation to a person.
    Escalate {
        /// Target queue.
        queue: String,
        /// Ticket priority.
        priority: Priority,
    },
    /// The journey is complete.
    End {
        /// Whether to ask for a rating.
        csat: bool,
    },
}

impl Flow {
    /// The start node for a page path.
    pub fn start_for(&self, page: Option<&str>) -> NodeId {
        page.and_then(|page| self.entries.iter().find(|e| page_matches(&e.page, page)))
            .map_or(self.start, |e| e.node)
    }

    /// The node with this index.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// Every edge of the journey as `(from, to, label)`, for drawing and reachability.
    pub fn links(&self) -> Vec<(NodeId, NodeId, Option<String>)> {
        let mut links = Vec::new();
        for (from, node) in self.nodes.iter().enumerate() {
            let mut add =
                |to: NodeId, label: Option<&str>| links.push((from, to, label.map(str::to_owned)));
            match &node.kind {
                NodeKind::Say(n) => n.next.iter().for_each(|&to| add(to, None)),
                NodeKind::Choices(n) => n.options.iter().for_each(|o| add(o.next, Some(&o.label))),
                NodeKind::Ask(n) => add(n.next, Some("valid")),
                NodeKind::Faq(n) => {
                    add(n.found, Some("answered"));
                    add(n.fallback, Some("not found"));
                }
                NodeKind::Fetch(n) => {
                    add(n.next, Some("ok"));
                    add(n.on_error, Some("error"));
                }
                NodeKind::OfferHuman(n) => {
                    add(n.yes, Some("yes"));
                    add(n.no, Some("no"));
                }
                NodeKind::Escalate(_) | NodeKind::End(_) => {}
            }
        }
        links
    }
}

/// Whether `pattern` (exact, or a prefix ending in `*`) matches a page path.
pub fn page_matches(pattern: &str, page: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => page.starts_with(prefix),
        None => pattern == page,
    }
}

impl NodeKind {
    /// Arrival: say what the node says, start what it starts.
    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        match self {
            NodeKind::Say(n) => n.enter(turn),
            NodeKind::Choices(n) => n.enter(turn),
            NodeKind::Ask(n) => n.enter(turn),
            NodeKind::Faq(n) => n.enter(turn),
            NodeKind::Fetch(n) => n.enter(turn),
            NodeKind::OfferHuman(n) => n.enter(turn),
            NodeKind::Escalate(n) => n.enter(turn),
            NodeKind::End(n) => n.enter(turn),
        }
    }

    /// Free text from the visitor while this node waits. `folded` is the folded text.
    pub(crate) fn on_text(&self, turn: &mut impl Bot, text: &str, folded: &str) -> Next {
        match self {
            NodeKind::Choices(n) => n.on_text(turn, folded),
            NodeKind::Ask(n) => n.on_text(turn, text),
            NodeKind::Faq(n) => n.on_text(turn, folded),
            NodeKind::OfferHuman(n) => n.on_text(turn, folded),
            NodeKind::Fetch(_) => {
                turn.say_plain("One moment, I'm still looking that up.");
                Next::Stay
            }
            NodeKind::Say(_) | NodeKind::Escalate(_) | NodeKind::End(_) => {
                turn.answer_or_fallback(folded)
            }
        }
    }

    /// A button press (index into the buttons this node offered).
    pub(crate) fn on_choice(&self, turn: &mut impl Bot, choice: usize) -> Next {
        match self {
            NodeKind::Choices(n) => n.on_choice(turn, choice),
            NodeKind::OfferHuman(n) => n.on_choice(choice),
            _ => Next::Stay,
        }
    }

    /// The answer to this node's fetch request.
    pub(crate) fn on_fetch(&self, turn: &mut impl Bot, outcome: Result<&Value, &str>) -> Next {
        match self {
            NodeKind::Fetch(n) => n.on_result(turn, outcome),
            _ => Next::Stay,
        }
    }

    /// The short kind name used in docs, flowcharts and errors.
    pub fn name(&self) -> &'static str {
        match self {
            NodeKind::Say(_) => "say",
            NodeKind::Choices(_) => "choices",
            NodeKind::Ask(_) => "ask",
            NodeKind::Faq(_) => "faq",
            NodeKind::Fetch(_) => "fetch",
            NodeKind::OfferHuman(_) => "offer_human",
            NodeKind::Escalate(_) => "escalate",
            NodeKind::End(_) => "end",
        }
    }

    /// Whether the node waits for the visitor (or a fetch) on arrival.
    pub fn waits(&self) -> bool {
        !matches!(self, NodeKind::Say(_))
    }
}
