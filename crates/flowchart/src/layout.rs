//! Layered layout: measured node boxes, dummy vertices for long edges and labels, barycenter
//! ordering, coordinates and edge routes. Everything here is geometry; `svg.rs` draws it.

use super::graph::{Analysis, at};
use super::{Journey, Step, StepKind, text};

/// Font sizes (px) shared with the renderer so measured and drawn text agree.
pub(super) const FONT_CAPTION: f64 = 10.5;
pub(super) const FONT_ID: f64 = 13.0;
pub(super) const FONT_BODY: f64 = 12.0;
pub(super) const FONT_LABEL: f64 = 11.5;
pub(super) const FONT_BADGE: f64 = 11.0;
/// Line heights (px) for the caption, id and body lines inside a node.
pub(super) const LINE_CAPTION: f64 = 14.0;
pub(super) const LINE_ID: f64 = 17.0;
pub(super) const LINE_BODY: f64 = 15.0;
pub(super) const PAD_Y: f64 = 9.0;
/// How far a hexagon's side points stick out, and a parallelogram's slant.
pub(super) const HEX_INSET: f64 = 16.0;
pub(super) const SKEW: f64 = 14.0;
/// The entry badge above a node.
pub(super) const BADGE_H: f64 = 18.0;
pub(super) const BADGE_GAP: f64 = 4.0;
/// Height of an edge label's background.
pub(super) const LABEL_H: f64 = 18.0;
/// Gap between an escalation's border and the ring drawn around it, plus half the ring.
pub(super) const HALO: f64 = 7.5;
/// Extra room above the unreachable rank, so its band stands apart.
pub(super) const BAND_HEAD: f64 = 20.0;
/// The band's heading, drawn to the right of the unreachable steps where no edge runs.
pub(super) const BAND_TITLE: &str = "unreachable";
pub(super) const BAND_NOTE: &str = "no path from an entry point";
pub(super) const FONT_BAND: f64 = 12.0;

/// Narrowest node, so short steps still read as boxes.
const MIN_W: f64 = 130.0;
/// Vertical gap between layers: room for edges to bend before and after a label row.
pub(super) const LAYER_GAP: f64 = 22.0;
/// How far a self-loop bulges right of its node, and an unreachable-rank arc dips below.
pub(super) const LOOP_REACH: f64 = 24.0;
pub(super) const ARC_DEPTH: f64 = 30.0;
/// Characters of bot text shown, and the wrap width of the two body lines.
const BODY_CHARS: usize = 40;
const BODY_WRAP: usize = 24;

/// A step's box and the text drawn in it. `x`, `y` is the shape's top-left corner.
pub(super) struct NodeBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub id: String,
    pub body: Vec<String>,
    /// Entry label and the badge's width.
    pub badge: Option<(String, f64)>,
    pub reachable: bool,
}

/// How an edge is drawn.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Style {
    /// Downward, along the journey.
    Forward,
    /// Closes a cycle, e.g. back to the menu.
    Back,
    /// Leaves an unreachable step.
    Loose,
}

/// The geometry of one edge.
pub(super) enum Route {
    /// Points from the source port to the target port; vertical runs inside a layer. With
    /// `side_entry` the last point is on the target's side, reached by an elbow.
    Chain {
        points: Vec<(f64, f64)>,
        side_entry: bool,
    },
    /// A self-loop on the right of a node: leave at `start`, bulge `reach` px, re-enter at `end`.
    Loop {
        start: (f64, f64),
        end: (f64, f64),
        reach: f64,
    },
    /// An edge inside the unreachable rank, dipping `depth` px below the nodes.
    Arc {
        start: (f64, f64),
        end: (f64, f64),
        depth: f64,
    },
}

/// An edge to draw.
pub(super) struct EdgeDraw {
    pub route: Route,
    pub style: Style,
}

/// An edge label centred on (`cx`, `cy`), `w` px wide.
pub(super) struct Label {
    pub cx: f64,
    pub cy: f64,
    pub w: f64,
    pub text: String,
    pub style: Style,
}

/// The laid-out journey, in a coordinate space starting at (0, 0).
pub(super) struct Diagram {
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgeDraw>,
    pub labels: Vec<Label>,
    pub width: f64,
    pub height: f64,
    /// The band around the unreachable rank, if there is one.
    pub band: Option<Band>,
}

/// The dashed band grouping unreachable steps; its heading's top-left is at `heading`.
pub(super) struct Band {
    pub top: f64,
    pub bottom: f64,
    pub heading: (f64, f64),
}

/// A vertex of the layered graph: a step (ids `0..steps`) or a dummy on a long edge.
pub(super) struct Vertex {
    pub layer: usize,
    /// Extent left and right of the vertex's x (a step's loops and badge make it asymmetric).
    pub left: f64,
    pub right: f64,
    pub height: f64,
    pub is_step: bool,
}

/// An edge spanning two or more layers, as a chain of dummies from its upper to lower step.
pub(super) struct Chain {
    pub upper: usize,
    pub lower: usize,
    pub dummies: Vec<usize>,
    /// Drawn against the layering (back edges, edges leaving unreachable steps).
    pub reversed: bool,
    pub style: Style,
    /// The dummy carrying the label, and the label.
    pub label: Option<(usize, String)>,
}

/// The layered graph being laid out.
pub(super) struct Layered {
    pub vertices: Vec<Vertex>,
    /// Vertex ids per layer, left to right.
    pub layers: Vec<Vec<usize>>,
    /// Neighbours in the layer above and below, per vertex.
    pub above: Vec<Vec<usize>>,
    pub below: Vec<Vec<usize>>,
    pub chains: Vec<Chain>,
    /// Centre x per vertex.
    pub x: Vec<f64>,
}

/// Sizes a step's box from its text.
pub(super) fn measure(step: &Step, reachable: bool) -> NodeBox {
    let id = text::truncate(&step.id, 32);
    let body = text::wrap(&text::truncate(&step.text, BODY_CHARS), BODY_WRAP, 2);
    let widest = (body.iter().map(|l| text::width(l, FONT_BODY, false)))
        .chain([
            text::width(&id, FONT_ID, true),
            text::width(step.kind.caption(), FONT_CAPTION, false),
        ])
        .fold(0.0, f64::max);
    let h = 2.0 * PAD_Y + LINE_CAPTION + LINE_ID + LINE_BODY * body.len() as f64;
    let pad = match step.kind {
        StepKind::Fetch => SKEW + 14.0,
        StepKind::End => h / 2.0 + 4.0,
        kind if kind.is_decision() => HEX_INSET + 12.0,
        _ => 14.0,
    };
    let w = (widest + 2.0 * pad).max(MIN_W).ceil();
    let badge = (step.entry.as_deref()).map(|label| {
        let label = text::truncate(label, 24);
        let bw = (text::width(&label, FONT_BADGE, true) + 26.0).ceil();
        (label, bw)
    });
    NodeBox {
        x: 0.0,
        y: 0.0,
        w,
        h,
        id,
        body,
        badge,
        reachable,
    }
}

/// Per step: the positions (in `analysis.edges`) of its self-loops.
pub(super) fn self_loops(journey: &Journey, analysis: &Analysis) -> Vec<Vec<usize>> {
    let mut loops = vec![Vec::new(); journey.steps.len()];
    for (pos, e) in analysis
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.from == e.to)
    {
        if let Some(list) = loops.get_mut(e.from) {
            list.push(pos);
        }
    }
    loops
}

/// The cleaned, shortened label of a link, if it has a non-empty one.
fn link_label(journey: &Journey, link: usize) -> Option<String> {
    let raw = journey.links.get(link)?.label.as_deref()?;
    Some(text::truncate(raw, 28)).filter(|l| !l.is_empty())
}

/// Self-loop labels of one step, joined so they are drawn once beside the outermost loop.
pub(super) fn loop_label(
    journey: &Journey,
    analysis: &Analysis,
    loops: &[usize],
) -> Option<String> {
    let labels: Vec<String> = (loops.iter())
        .filter_map(|&pos| analysis.edges.get(pos))
        .filter_map(|e| link_label(journey, e.link))
        .collect();
    Some(labels.join(", ")).filter(|l| !l.is_empty())
}

/// Width of an edge label's background, text plus padding.
pub(super) fn label_width(label: &str) -> f64 {
    (text::width(label, FONT_LABEL, false) + 12.0).ceil()
}

impl Layered {
    /// Creates one vertex per step and a dummy chain per edge spanning ranks.
    pub(super) fn build(
        journey: &Journey,
        an: &Analysis,
        nodes: &[NodeBox],
        loops: &[Vec<usize>],
    ) -> Self {
        let layer_count = 2 * an.last_rank + 1;
        let mut graph = Layered {
            vertices: Vec::new(),
            layers: vec![Vec::new(); layer_count],
            above: Vec::new(),
            below: Vec::new(),
            chains: Vec::new(),
            x: Vec::new(),
        };
        for (step, node) in nodes.iter().enumerate() {
            let loop_list = loops.get(step).map_or(&[][..], Vec::as_slice);
            let mut right = node.w / 2.0;
            if !loop_list.is_empty() {
                let text_w = loop_label(journey, an, loop_list).map_or(0.0, |l| label_width(&l));
                right += LOOP_REACH + 8.0 * loop_list.len() as f64 + text_w + 6.0;
            }
            if let Some((_, bw)) = &node.badge {
                right = right.max(bw - node.w / 2.0);
            }
            let height = node.h + node.badge.as_ref().map_or(0.0, |_| BADGE_H + BADGE_GAP);
            graph.vertices.push(Vertex {
                layer: 2 * at(&an.rank, step),
                left: node.w / 2.0,
                right,
                height,
                is_step: true,
            });
        }
        for (pos, e) in an.edges.iter().enumerate() {
            let (rf, rt) = (at(&an.rank, e.from), at(&an.rank, e.to));
            if rf == rt {
                continue; // self-loops and same-rank arcs are routed in `finish`
            }
            let style = if !at(&an.reachable, e.from) {
                Style::Loose
            } else if at(&an.back, pos) {
                Style::Back
            } else {
                Style::Forward
            };
            let label = link_label(journey, e.link);
            graph.add_chain(e.from, e.to, rf > rt, style, label);
        }
        graph.layers_from_discovery(&an.discovery);
        graph
    }

    /// Adds the dummies of one edge; its label sits on the dummy nearest the source step.
    fn add_chain(
        &mut self,
        from: usize,
        to: usize,
        reversed: bool,
        style: Style,
        label: Option<String>,
    ) {
        let (upper, lower) = if reversed { (to, from) } else { (from, to) };
        let top = self.vertices.get(upper).map_or(0, |v| v.layer);
        let bottom = self.vertices.get(lower).map_or(0, |v| v.layer);
        let label_layer = if reversed {
            bottom.saturating_sub(1)
        } else {
            top + 1
        };
        let mut chain = Chain {
            upper,
            lower,
            dummies: Vec::new(),
            reversed,
            style,
            label: None,
        };
        for layer in top + 1..bottom {
            let id = self.vertices.len();
            let (half, height) = match &label {
                Some(text) if layer == label_layer => {
                    chain.label = Some((id, text.clone()));
                    (label_width(text) / 2.0, LABEL_H)
                }
                _ => (3.0, 0.0),
            };
            self.vertices.push(Vertex {
                layer,
                left: half,
                right: half,
                height,
                is_step: false,
            });
            chain.dummies.push(id);
        }
        self.chains.push(chain);
    }

    /// Fills the layers (steps in discovery order, then dummies) and the adjacency lists.
    fn layers_from_discovery(&mut self, discovery: &[usize]) {
        let dummies: Vec<usize> = (0..self.vertices.len())
            .filter(|&v| !self.is_step(v))
            .collect();
        for v in discovery.iter().copied().chain(dummies) {
            let layer = self.vertices.get(v).map_or(0, |vx| vx.layer);
            if let Some(list) = self.layers.get_mut(layer) {
                list.push(v);
            }
        }
        self.above = vec![Vec::new(); self.vertices.len()];
        self.below = vec![Vec::new(); self.vertices.len()];
        for chain in &self.chains {
            let path: Vec<usize> = (std::iter::once(chain.upper))
                .chain(chain.dummies.iter().copied())
                .chain(std::iter::once(chain.lower))
                .collect();
            for pair in path.windows(2) {
                if let [a, b] = *pair {
                    if let Some(list) = self.below.get_mut(a) {
                        list.push(b);
                    }
                    if let Some(list) = self.above.get_mut(b) {
                        list.push(a);
                    }
                }
            }
        }
    }

    /// Whether the vertex is a step rather than a dummy.
    pub(super) fn is_step(&self, v: usize) -> bool {
        self.vertices.get(v).is_some_and(|vx| vx.is_step)
    }
}
