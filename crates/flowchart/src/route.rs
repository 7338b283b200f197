//! Final geometry: layer heights, node positions, edge ports and the routes of every edge
//! (dummy chains, self-loops, arcs within the unreachable rank).

use super::graph::{Analysis, at};
use super::layout::{
    ARC_DEPTH, BADGE_GAP, BADGE_H, BAND_HEAD, BAND_NOTE, BAND_TITLE, Band, Chain, Diagram,
    EdgeDraw, FONT_BAND, HALO, HEX_INSET, LABEL_H, LAYER_GAP, LOOP_REACH, Label, Layered, NodeBox,
    Route, SKEW, Style, label_width, loop_label,
};
use super::{Journey, StepKind, text};

/// Turns the ordered, placed layered graph into final node boxes and edge routes.
pub(super) fn finish(
    journey: &Journey,
    analysis: &Analysis,
    mut nodes: Vec<NodeBox>,
    graph: &Layered,
    loops: &[Vec<usize>],
) -> Diagram {
    let has_unreachable = analysis.reachable.iter().any(|r| !r);
    let arcs: Vec<usize> = (analysis.edges.iter().enumerate())
        .filter(|(_, e)| e.from != e.to && at(&analysis.rank, e.from) == at(&analysis.rank, e.to))
        .map(|(pos, _)| pos)
        .collect();
    let spans = layer_spans(graph, has_unreachable);
    for (step, node) in nodes.iter_mut().enumerate() {
        let layer = graph.vertices.get(step).map_or(0, |v| v.layer);
        let (top, bottom) = spans.get(layer).copied().unwrap_or((0.0, 0.0));
        let badge = node.badge.as_ref().map_or(0.0, |_| BADGE_H + BADGE_GAP);
        node.x = at(&graph.x, step) - node.w / 2.0;
        node.y = top + (bottom - top - node.h - badge) / 2.0 + badge;
    }
    let mut diagram = Diagram {
        edges: Vec::new(),
        labels: Vec::new(),
        width: 0.0,
        height: spans.last().map_or(0.0, |s| s.1),
        band: None,
        nodes,
    };
    route_chains(journey, graph, &spans, &mut diagram);
    route_loops(journey, analysis, loops, &mut diagram);
    let arc_room = route_arcs(journey, analysis, &arcs, &mut diagram);
    diagram.width = (graph.vertices.iter().zip(&graph.x))
        .map(|(v, &x)| x + v.right)
        .fold(0.0, f64::max);
    if has_unreachable {
        diagram.band = Some(band(graph, &spans, arc_room, &mut diagram));
    }
    diagram
}

/// Frames the unreachable (last) layer and puts its heading right of its steps, widening the
/// diagram if needed, so the heading can never sit on an edge.
fn band(graph: &Layered, spans: &[(f64, f64)], arc_room: f64, diagram: &mut Diagram) -> Band {
    let (top, bottom) = spans.last().copied().unwrap_or((0.0, 0.0));
    let rightmost = (graph.layers.last().map_or(&[][..], Vec::as_slice).iter())
        .filter_map(|&v| Some(graph.vertices.get(v)?.right + at(&graph.x, v)))
        .fold(0.0, f64::max);
    let heading_w =
        text::width(BAND_TITLE, FONT_BAND, true).max(text::width(BAND_NOTE, FONT_BAND, false));
    let heading = (rightmost + 24.0, (top + bottom) / 2.0 - FONT_BAND - 2.0);
    diagram.width = diagram.width.max(heading.0 + heading_w + 8.0);
    diagram.height += arc_room + 12.0;
    Band {
        top: top - 12.0,
        bottom: diagram.height,
        heading,
    }
}

/// Top and bottom y of every layer; odd (label) layers get a little height even when empty so
/// arrowheads stay visible.
fn layer_spans(graph: &Layered, has_unreachable: bool) -> Vec<(f64, f64)> {
    let last = graph.layers.len().saturating_sub(1);
    let mut y = 0.0;
    let mut spans = Vec::with_capacity(graph.layers.len());
    for (l, layer) in graph.layers.iter().enumerate() {
        let tallest = (layer.iter())
            .filter_map(|&v| graph.vertices.get(v))
            .map(|v| v.height)
            .fold(0.0, f64::max);
        let height = if l % 2 == 1 {
            tallest.max(8.0)
        } else {
            tallest
        };
        if has_unreachable && l == last && l > 0 {
            y += BAND_HEAD;
        }
        spans.push((y, y + height));
        y += height + LAYER_GAP;
    }
    spans
}

/// Where the flat top or bottom side of a node may take edge ports, as a half-width.
fn port_half_width(node: &NodeBox, kind: StepKind) -> f64 {
    let flat = match kind {
        StepKind::Fetch => node.w / 2.0 - SKEW,
        StepKind::End => node.w / 2.0 - node.h / 2.0,
        k if k.is_decision() => node.w / 2.0 - HEX_INSET,
        _ => node.w / 2.0 - 10.0,
    };
    (flat - 6.0).max(0.0)
}

/// Routes every dummy chain from a port on the upper step's bottom, through its dummies, to a
/// port on the lower step's top. A chain drawn against the layering (a loop back) enters its
/// target from the side instead when nothing stands in between, so loops read as "go back".
fn route_chains(journey: &Journey, graph: &Layered, spans: &[(f64, f64)], diagram: &mut Diagram) {
    let sides: Vec<Option<f64>> = (graph.chains.iter())
        .map(|c| side_entry(journey, graph, c, diagram))
        .collect();
    let ports = assign_ports(journey, graph, &sides, diagram);
    for ((c, &(out_x, in_x)), side) in graph.chains.iter().zip(&ports).zip(&sides) {
        let (Some(up), Some(low)) = (diagram.nodes.get(c.upper), diagram.nodes.get(c.lower)) else {
            continue;
        };
        let start = match side {
            Some(edge_x) => (*edge_x, up.y + up.h / 2.0),
            None => (out_x, up.y + up.h + halo(journey, c.upper, up)),
        };
        let mut points = vec![start];
        for &d in &c.dummies {
            let (top, bottom) = layer_span(graph, spans, d);
            points.push((at(&graph.x, d), top));
            points.push((at(&graph.x, d), bottom));
        }
        points.push((in_x, low.y - halo(journey, c.lower, low)));
        if c.reversed {
            points.reverse();
        }
        if let Some((d, text)) = &c.label {
            let (top, bottom) = layer_span(graph, spans, *d);
            let (cx, cy, w) = (at(&graph.x, *d), (top + bottom) / 2.0, label_width(text));
            diagram.labels.push(Label {
                cx,
                cy,
                w,
                text: text.clone(),
                style: c.style,
            });
        }
        let route = Route::Chain {
            points,
            side_entry: side.is_some(),
        };
        diagram.edges.push(EdgeDraw {
            route,
            style: c.style,
        });
    }
}

/// Top and bottom y of the layer a vertex is on.
fn layer_span(graph: &Layered, spans: &[(f64, f64)], vertex: usize) -> (f64, f64) {
    let layer = graph.vertices.get(vertex).map_or(0, |v| v.layer);
    spans.get(layer).copied().unwrap_or((0.0, 0.0))
}

/// For a chain drawn upwards into its target: the x where it may enter the target's side, if
/// its last dummy lies beside the target with no other vertex of that layer in between.
fn side_entry(journey: &Journey, graph: &Layered, chain: &Chain, diagram: &Diagram) -> Option<f64> {
    let node = diagram.nodes.get(chain.upper).filter(|_| chain.reversed)?;
    let target = graph.vertices.get(chain.upper)?;
    let dx = at(&graph.x, *chain.dummies.first()?);
    let tx = at(&graph.x, chain.upper);
    let layer = graph.layers.get(target.layer)?;
    let index = layer.iter().position(|&v| v == chain.upper)?;
    let extent = |v: usize| {
        graph
            .vertices
            .get(v)
            .map(|vx| (at(&graph.x, v) - vx.left, at(&graph.x, v) + vx.right))
    };
    let kind = kind_of(journey, chain.upper);
    let ring = halo(journey, chain.upper, node);
    if dx >= tx + target.right + 6.0 {
        let next = layer.get(index + 1).and_then(|&v| extent(v));
        next.is_none_or(|(left, _)| left >= dx + 6.0)
            .then(|| right_edge(node, kind, 0.0) + ring)
    } else if dx <= tx - target.left - 6.0 {
        let prev = index
            .checked_sub(1)
            .and_then(|i| layer.get(i))
            .and_then(|&v| extent(v));
        prev.is_none_or(|(_, right)| right <= dx - 6.0)
            .then(|| left_edge(node, kind) - ring)
    } else {
        None
    }
}

/// Port x for every chain end on a node's bottom (`.0`) and top (`.1`). Ports sit straight
/// under/over the neighbouring dummy when that fits the node's flat side with room between
/// them; otherwise they are spread evenly in the same left-to-right order, so chains sharing
/// a node never cross at it.
fn assign_ports(
    journey: &Journey,
    graph: &Layered,
    sides: &[Option<f64>],
    diagram: &Diagram,
) -> Vec<(f64, f64)> {
    let n = diagram.nodes.len();
    let mut bottoms: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut tops: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (ci, c) in graph.chains.iter().enumerate() {
        let first = c.dummies.first().map_or(0.0, |&d| at(&graph.x, d));
        let last = c.dummies.last().map_or(0.0, |&d| at(&graph.x, d));
        // A side entry does not use a port on the target's bottom.
        if sides.get(ci).is_none_or(Option::is_none)
            && let Some(list) = bottoms.get_mut(c.upper)
        {
            list.push((first, ci));
        }
        if let Some(list) = tops.get_mut(c.lower) {
            list.push((last, ci));
        }
    }
    let mut ports = vec![(0.0, 0.0); graph.chains.len()];
    for (step, (bottom, top)) in bottoms.iter_mut().zip(tops.iter_mut()).enumerate() {
        let Some(node) = diagram.nodes.get(step) else {
            continue;
        };
        let half = port_half_width(node, kind_of(journey, step));
        let cx = node.x + node.w / 2.0;
        // Arrows arriving on top keep clear of the entry badge over the node's left part.
        let top_min = node
            .badge
            .as_ref()
            .map_or(cx - half, |(_, bw)| (node.x + bw + 8.0).min(cx + half));
        for (list, min, is_top) in [(bottom, cx - half, false), (top, top_min, true)] {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let keys: Vec<f64> = list.iter().map(|k| k.0).collect();
            for (&(_, ci), x) in list.iter().zip(port_xs(&keys, min, cx + half)) {
                if let Some(p) = ports.get_mut(ci) {
                    if is_top { p.1 = x } else { p.0 = x }
                }
            }
        }
    }
    ports
}

/// Ports within `[lo, hi]` for dummies at sorted `keys`: straight above/below them if that
/// keeps ports 12 px apart, else evenly spread (at most 36 px apart) around the middle.
fn port_xs(keys: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let hi = hi.max(lo);
    let direct: Vec<f64> = keys.iter().map(|k| k.clamp(lo, hi)).collect();
    let apart = direct
        .windows(2)
        .all(|w| matches!(*w, [a, b] if b - a >= 12.0));
    if apart {
        return direct;
    }
    let count = keys.len();
    let span = (hi - lo).min(36.0 * count.saturating_sub(1) as f64);
    let start = (lo + hi) / 2.0 - span / 2.0;
    let step = if count > 1 {
        span / (count - 1) as f64
    } else {
        0.0
    };
    (0..count).map(|i| start + step * i as f64).collect()
}

/// How far outside the shape edges must stop: escalations wear a ring around their border.
fn halo(journey: &Journey, step: usize, node: &NodeBox) -> f64 {
    if node.reachable && kind_of(journey, step) == StepKind::Escalate {
        HALO
    } else {
        0.0
    }
}

/// The kind of a step, defaulting harmlessly for a bad index.
fn kind_of(journey: &Journey, step: usize) -> StepKind {
    journey.steps.get(step).map_or(StepKind::Say, |s| s.kind)
}

/// The x of a node's left outline at its vertical centre.
fn left_edge(node: &NodeBox, kind: StepKind) -> f64 {
    match kind {
        StepKind::Fetch => node.x + SKEW / 2.0,
        _ => node.x,
    }
}

/// The x of a node's right outline at `dy` px from its vertical centre, so loops touch the
/// shape rather than its bounding box.
fn right_edge(node: &NodeBox, kind: StepKind, dy: f64) -> f64 {
    let half_h = (node.h / 2.0).max(1.0);
    match kind {
        StepKind::Fetch => node.x + node.w - SKEW * (0.5 + dy / node.h.max(1.0)),
        k if k.is_decision() => node.x + node.w - HEX_INSET * dy.abs() / half_h,
        _ => node.x + node.w,
    }
}

/// Self-loops bulge out of the node's right side, nested when there are several; their labels
/// are joined beside the outermost one (the layout reserved that room).
fn route_loops(journey: &Journey, an: &Analysis, loops: &[Vec<usize>], diagram: &mut Diagram) {
    for (step, list) in loops.iter().enumerate().filter(|(_, l)| !l.is_empty()) {
        let Some(node) = diagram.nodes.get(step) else {
            continue;
        };
        let kind = kind_of(journey, step);
        let cy = node.y + node.h / 2.0;
        // A self-loop always closes a cycle; from an unreachable step it is greyed like the rest.
        let style = if at(&an.reachable, step) {
            Style::Back
        } else {
            Style::Loose
        };
        let mut outer = 0.0_f64;
        for i in 0..list.len() {
            let dy = 7.0 + 3.0 * i as f64;
            let reach = LOOP_REACH + 8.0 * i as f64;
            let start = (right_edge(node, kind, -dy), cy - dy);
            let end = (right_edge(node, kind, dy), cy + dy);
            outer = outer.max(start.0.max(end.0) + reach * 0.75);
            diagram.edges.push(EdgeDraw {
                route: Route::Loop { start, end, reach },
                style,
            });
        }
        if let Some(text) = loop_label(journey, an, list) {
            let w = label_width(&text);
            diagram.labels.push(Label {
                cx: outer + 4.0 + w / 2.0,
                cy,
                w,
                text,
                style,
            });
        }
    }
}

/// Edges between two unreachable steps (same rank) dip below the rank as arcs. Returns the
/// extra height they need.
fn route_arcs(journey: &Journey, an: &Analysis, arcs: &[usize], diagram: &mut Diagram) -> f64 {
    let mut room: f64 = 0.0;
    for (i, e) in arcs.iter().filter_map(|&pos| an.edges.get(pos)).enumerate() {
        let (Some(a), Some(b)) = (diagram.nodes.get(e.from), diagram.nodes.get(e.to)) else {
            continue;
        };
        let depth = ARC_DEPTH + 10.0 * i as f64;
        let start = (a.x + a.w / 2.0 - 8.0, a.y + a.h);
        let end = (b.x + b.w / 2.0 + 8.0, b.y + b.h);
        let base = start.1.max(end.1);
        let raw = journey.links.get(e.link).and_then(|l| l.label.as_deref());
        if let Some(text) = raw.map(|t| text::truncate(t, 28)).filter(|t| !t.is_empty()) {
            let w = label_width(&text);
            let cx = (start.0 + end.0) / 2.0;
            diagram.labels.push(Label {
                cx,
                cy: base + depth,
                w,
                text,
                style: Style::Loose,
            });
        }
        diagram.edges.push(EdgeDraw {
            route: Route::Arc { start, end, depth },
            style: Style::Loose,
        });
        room = room.max(base + depth + LABEL_H / 2.0 + 4.0 - diagram.height);
    }
    room
}
