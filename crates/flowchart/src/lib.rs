//! Drawing a bot journey for humans: `baton flowchart` as SVG or Mermaid text.
//!
//! The journey arrives as a plain graph ([`Journey`]: steps plus directed links), so this module
//! does not depend on the config types. Links with out-of-range indices are dropped up front
//! (`graph.rs`), and both renderers share that one analysis.
//!
//! [`svg()`] draws a standalone SVG with a small layered (Sugiyama-style) layout written here,
//! because journeys are small and no layout engine may be pulled in:
//! 1. **Cycle breaking** (`graph.rs`): an iterative depth-first search from the entry steps
//!    marks back edges (self-loops included); they are ignored for ranking, so loops such as
//!    "no → back to the menu" terminate.
//! 2. **Ranking** (`graph.rs`): a reachable step's rank is its longest path from an entry over
//!    the remaining acyclic edges; steps no entry reaches share one final, greyed rank.
//! 3. **Layering** (`layout.rs`): steps sit on even layers. Every edge gets a dummy vertex on
//!    each layer it crosses, so it cannot pass through a node, and the odd layer between two
//!    ranks carries edge labels as dummies sized to the label, so labels cannot overlap nodes
//!    or each other. Back edges are laid out reversed, like forward ones.
//! 4. **Ordering** (`place.rs`): alternating barycenter sweeps, keeping the order with the
//!    fewest crossings.
//! 5. **Coordinates** (`place.rs`): layers are packed with sizes estimated from the text, then
//!    pulled towards their neighbours' mean x: balanced passes first (even fan-outs), then
//!    priority passes that keep long edges straight.
//! 6. **Routing** (`route.rs`): ports are spread along a node's flat top and bottom; loops
//!    back run dashed and enter their target from the side when nothing is in the way;
//!    self-loops bulge to the right; edges inside the unreachable rank dip below it as arcs.
//!
//! `svg.rs` and `legend.rs` turn that geometry into markup, escaping all user text.
//! [`mermaid()`] prints `flowchart TD` text and leaves the layout to Mermaid (`mermaid.rs`).
//!
//! Both outputs are deterministic: only vectors and ordered sets feed the output, ties are
//! broken by index, and numbers are printed with fixed precision.

#![deny(clippy::indexing_slicing)]

mod graph;
mod layout;
mod legend;
mod mermaid;
mod paint;
mod place;
mod route;
mod svg;
mod text;

pub use text::xml;

#[cfg(test)]
mod tests;

/// Lays the journey out: boxes measured, layers built, ordered and placed, then routed. Here
/// rather than in `layout.rs` so that layering and routing do not reach into each other.
fn arrange(journey: &Journey, analysis: &graph::Analysis) -> layout::Diagram {
    let nodes: Vec<layout::NodeBox> = (journey.steps.iter().zip(&analysis.reachable))
        .map(|(step, &reachable)| layout::measure(step, reachable))
        .collect();
    let loops = layout::self_loops(journey, analysis);
    let mut graph = layout::Layered::build(journey, analysis, &nodes, &loops);
    graph.order();
    graph.place_x();
    route::finish(journey, analysis, nodes, &graph, &loops)
}

/// The journey as a graph, independent of the config types.
pub struct Journey {
    /// Shown as the diagram's title.
    pub title: String,
    /// The flow nodes; links refer to them by index.
    pub steps: Vec<Step>,
    /// Directed edges between steps.
    pub links: Vec<Link>,
}

/// One flow node.
pub struct Step {
    /// The step's id in the config.
    pub id: String,
    /// What the step does; decides its shape and colour.
    pub kind: StepKind,
    /// The bot's text; may be long and contain any characters (it is escaped on output).
    pub text: String,
    /// `Some(label)` when this is an entry point, e.g. `"start"` or `"page /orders"`.
    pub entry: Option<String>,
}

/// What a step does, as far as the drawing cares.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StepKind {
    /// The bot says something.
    Say,
    /// The visitor picks one of several choices.
    Choices,
    /// The bot asks for free text and validates it.
    Ask,
    /// A lookup in the FAQ.
    Faq,
    /// A call to the site's API.
    Fetch,
    /// The bot offers a human agent and the visitor decides.
    OfferHuman,
    /// The conversation is handed to a human agent.
    Escalate,
    /// The conversation ends.
    End,
}

impl StepKind {
    /// Whether the step branches on the visitor's input or a lookup, so it is drawn as a decision.
    fn is_decision(self) -> bool {
        matches!(
            self,
            Self::Choices | Self::Ask | Self::Faq | Self::OfferHuman
        )
    }

    /// The small caption naming the kind inside the node.
    fn caption(self) -> &'static str {
        match self {
            Self::Say => "message",
            Self::Choices => "choices",
            Self::Ask => "ask",
            Self::Faq => "faq lookup",
            Self::Fetch => "site API",
            Self::OfferHuman => "offer human",
            Self::Escalate => "\u{2192} human agent",
            Self::End => "end",
        }
    }
}

/// A directed edge between steps (indices into `steps`), with an optional label such as a
/// choice text, "valid", "not found", "error", "yes", "no".
pub struct Link {
    /// Index of the step the edge leaves.
    pub from: usize,
    /// Index of the step the edge enters.
    pub to: usize,
    /// Condition or choice text shown on the edge.
    pub label: Option<String>,
}

/// Renders the journey as a standalone SVG document.
///
/// Links whose indices are out of range are ignored.
pub fn svg(journey: &Journey) -> String {
    svg::render(journey)
}

/// Renders the journey as Mermaid `flowchart TD` text.
///
/// Links whose indices are out of range are ignored.
pub fn mermaid(journey: &Journey) -> String {
    mermaid::render(journey)
}
