//! SVG rendering of a laid-out journey: header and accessibility text, edges, labels, nodes
//! and the legend. Every piece of user text goes through [`text::xml`].

use super::graph::{self, Analysis};
use super::layout::{
    BADGE_GAP, BADGE_H, BAND_NOTE, BAND_TITLE, Band, Diagram, EdgeDraw, FONT_BADGE, FONT_BAND,
    FONT_BODY, FONT_CAPTION, FONT_ID, FONT_LABEL, HALO, LABEL_H, LINE_BODY, LINE_CAPTION, LINE_ID,
    Label, NodeBox, PAD_Y, Route, Style,
};
use super::paint::{INK, Paint, edge_colours, marker_id, num, paint, shape};
use super::{Journey, Step, StepKind, legend, text};

const MARGIN: f64 = 24.0;
/// Room the unreachable band takes outside the diagram on each side.
const BAND_OVERHANG: f64 = 12.0;
const TITLE_H: f64 = 60.0;
const FONT_TITLE: f64 = 20.0;
const LEGEND_GAP: f64 = 40.0;
/// Renders the whole document.
pub(super) fn render(journey: &Journey) -> String {
    let analysis = graph::analyse(journey);
    let diagram = super::arrange(journey, &analysis);
    let title = match text::truncate(&journey.title, 90) {
        t if t.is_empty() => "Customer journey".to_owned(),
        t => t,
    };
    let (legend_w, legend_h) = legend::size();
    let origin = (MARGIN + BAND_OVERHANG, TITLE_H);
    let legend_x = origin.0 + diagram.width + BAND_OVERHANG + LEGEND_GAP;
    let width = (legend_x + legend_w + MARGIN)
        .max(text::width(&title, FONT_TITLE, true) + 2.0 * MARGIN)
        .ceil();
    let height = ((origin.1 + diagram.height).max(TITLE_H + legend_h) + MARGIN).ceil();
    let mut out = header(journey, &analysis, &title, width, height);
    out.push_str(&format!(
        "<g transform=\"translate({} {})\">\n",
        num(origin.0),
        num(origin.1)
    ));
    if let Some(b) = &diagram.band {
        band(&mut out, &diagram, b);
    }
    for edge in &diagram.edges {
        edge_path(&mut out, edge);
    }
    for label in &diagram.labels {
        edge_label(&mut out, label);
    }
    for (step, node) in journey.steps.iter().zip(&diagram.nodes) {
        node_group(&mut out, step, node);
    }
    out.push_str("</g>\n");
    legend::draw(&mut out, legend_x, TITLE_H, legend_w, legend_h);
    out.push_str("</svg>\n");
    out
}

/// XML declaration, root element, accessible title and description, markers and the title.
fn header(journey: &Journey, analysis: &Analysis, title: &str, width: f64, height: f64) -> String {
    let (w, h) = (num(width), num(height));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"baton-fc-title baton-fc-desc\" \
         font-family=\"system-ui, sans-serif\">\n"
    ));
    let escaped = text::xml(title);
    out.push_str(&format!(
        "<title id=\"baton-fc-title\">Bot journey: {escaped}</title>\n"
    ));
    out.push_str(&format!(
        "<desc id=\"baton-fc-desc\">{}</desc>\n",
        text::xml(&describe(journey, analysis))
    ));
    out.push_str("<defs>\n");
    for style in [Style::Forward, Style::Back, Style::Loose] {
        out.push_str(&format!(
            "<marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" \
             markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">\
             <path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\"/></marker>\n",
            marker_id(style),
            edge_colours(style).0
        ));
    }
    out.push_str("</defs>\n");
    out.push_str(&format!(
        "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n"
    ));
    out.push_str(&format!(
        "<text x=\"{}\" y=\"38\" font-size=\"{}\" font-weight=\"700\" fill=\"{INK}\">{escaped}</text>\n",
        num(MARGIN),
        num(FONT_TITLE)
    ));
    out
}

/// A plain-language summary for screen readers: size, entry points, escalations, orphans.
fn describe(journey: &Journey, analysis: &Analysis) -> String {
    let names = |pick: &dyn Fn(&Step) -> bool| {
        let list: Vec<String> = (journey.steps.iter())
            .filter(|s| pick(s))
            .map(|s| match &s.entry {
                Some(label) => format!("{} ({})", text::clean(&s.id), text::clean(label)),
                None => text::clean(&s.id),
            })
            .collect();
        if list.is_empty() {
            "none".to_owned()
        } else {
            list.join(", ")
        }
    };
    let unreachable: Vec<String> = (journey.steps.iter().zip(&analysis.reachable))
        .filter(|(_, r)| !**r)
        .map(|(s, _)| text::clean(&s.id))
        .collect();
    format!(
        "Flowchart of a chat bot journey with {} steps and {} links. Entry points: {}. \
         Escalation to a human agent: {}. Unreachable steps: {}.",
        journey.steps.len(),
        analysis.edges.len(),
        names(&|s| s.entry.is_some()),
        names(&|s| s.kind == StepKind::Escalate),
        if unreachable.is_empty() {
            "none".to_owned()
        } else {
            unreachable.join(", ")
        },
    )
}

/// The dashed band that groups unreachable steps, with its two-line heading.
fn band(out: &mut String, diagram: &Diagram, band: &Band) {
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"#f9fafb\" \
         stroke=\"#9ca3af\" stroke-dasharray=\"6 4\"/>\n",
        num(-BAND_OVERHANG),
        num(band.top),
        num(diagram.width + 2.0 * BAND_OVERHANG),
        num(band.bottom - band.top),
    ));
    let (x, y) = (num(band.heading.0), band.heading.1);
    out.push_str(&format!(
        "<text x=\"{x}\" y=\"{}\" font-size=\"{size}\" font-weight=\"700\" fill=\"#4b5563\">{BAND_TITLE}</text>\n\
         <text x=\"{x}\" y=\"{}\" font-size=\"{size}\" fill=\"#4b5563\">{BAND_NOTE}</text>\n",
        num(y + FONT_BAND),
        num(y + 2.0 * FONT_BAND + 4.0),
        size = num(FONT_BAND),
    ));
}

/// A chain's path. The final elbow of a side entry runs vertically, turns with a small radius
/// and meets the node horizontally, so the arrowhead points into the node's side.
fn chain_data(points: &[(f64, f64)], side_entry: bool) -> String {
    let (body, elbow) = match (side_entry, points.split_last()) {
        (true, Some((last, rest))) => (rest, Some(*last)),
        _ => (points, None),
    };
    let mut d = String::new();
    let mut prev: Option<(f64, f64)> = None;
    for &(x, y) in body {
        match prev {
            None => d.push_str(&format!("M{},{}", num(x), num(y))),
            Some((px, _)) if (px - x).abs() < 0.5 => {
                d.push_str(&format!(" L{},{}", num(x), num(y)))
            }
            Some((px, py)) => {
                let my = num((py + y) / 2.0);
                d.push_str(&format!(
                    " C{},{my} {},{my} {},{}",
                    num(px),
                    num(x),
                    num(x),
                    num(y)
                ));
            }
        }
        prev = Some((x, y));
    }
    if let (Some((px, py)), Some((ex, ey))) = (prev, elbow) {
        let r = 10.0_f64.min((px - ex).abs() / 2.0).min((py - ey).abs());
        let (dir_x, dir_y) = ((ex - px).signum(), (ey - py).signum());
        d.push_str(&format!(
            " L{},{} Q{},{} {},{} L{},{}",
            num(px),
            num(ey - dir_y * r),
            num(px),
            num(ey),
            num(px + dir_x * r),
            num(ey),
            num(ex),
            num(ey)
        ));
    }
    d
}

/// The `d` attribute of an edge. Chains use straight runs inside a layer and vertical-tangent
/// cubics between layers, which reads well and is symmetric, so reversed chains look the same.
fn path_data(route: &Route) -> String {
    match route {
        Route::Chain { points, side_entry } => chain_data(points, *side_entry),
        Route::Loop { start, end, reach } => format!(
            "M{},{} C{},{} {},{} {},{}",
            num(start.0),
            num(start.1),
            num(start.0 + reach),
            num(start.1 - 12.0),
            num(end.0 + reach),
            num(end.1 + 12.0),
            num(end.0),
            num(end.1)
        ),
        Route::Arc { start, end, depth } => {
            let low = num(start.1.max(end.1) + depth * 4.0 / 3.0);
            format!(
                "M{},{} C{},{low} {},{low} {},{}",
                num(start.0),
                num(start.1),
                num(start.0),
                num(end.0),
                num(end.0),
                num(end.1)
            )
        }
    }
}

/// One edge: solid when it follows the journey, dashed when it loops back or is unreachable.
fn edge_path(out: &mut String, edge: &EdgeDraw) {
    let (colour, _, _) = edge_colours(edge.style);
    let dash = if edge.style == Style::Forward {
        ""
    } else {
        " stroke-dasharray=\"7 4\""
    };
    out.push_str(&format!(
        "<path class=\"edge edge-{}\" d=\"{}\" fill=\"none\" stroke=\"{colour}\" \
         stroke-width=\"1.6\"{dash} marker-end=\"url(#{})\"/>\n",
        format!("{:?}", edge.style).to_lowercase(),
        path_data(&edge.route),
        marker_id(edge.style)
    ));
}

/// A label on a white pill so it stays legible over the line it sits on.
fn edge_label(out: &mut String, label: &Label) {
    let (_, ink, border) = edge_colours(label.style);
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#ffffff\" stroke=\"{border}\"/>\n\
         <text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{ink}\">{}</text>\n",
        num(label.cx - label.w / 2.0),
        num(label.cy - LABEL_H / 2.0),
        num(label.w),
        num(LABEL_H),
        num(label.cx),
        num(label.cy + FONT_LABEL * 0.36),
        num(FONT_LABEL),
        text::xml(&label.text)
    ));
}

/// One step: tooltip, entry badge, escalation halo, shape and text lines.
fn node_group(out: &mut String, step: &Step, n: &NodeBox) {
    let paint = paint(step.kind, n.reachable, step.entry.is_some());
    let escalate = step.kind == StepKind::Escalate && n.reachable;
    let class = format!(
        "step kind-{}{}{}{}",
        format!("{:?}", step.kind).to_lowercase(),
        if escalate { " escalate" } else { "" },
        if step.entry.is_some() { " entry" } else { "" },
        if n.reachable { "" } else { " unreachable" }
    );
    out.push_str(&format!(
        "<g class=\"{class}\" data-step=\"{}\">\n",
        text::xml(&text::clean(&step.id))
    ));
    out.push_str(&format!(
        "<title>{} ({}): {}</title>\n",
        text::xml(&text::clean(&step.id)),
        text::xml(step.kind.caption()),
        text::xml(&text::truncate(&step.text, 280))
    ));
    if let Some((label, bw)) = &n.badge {
        badge(out, n, label, *bw);
    }
    if escalate {
        // A soft outer ring on top of the thick border makes escalations stand out at a glance.
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"none\" \
             stroke=\"#f97316\" stroke-width=\"3\"/>\n",
            num(n.x - HALO + 1.5),
            num(n.y - HALO + 1.5),
            num(n.w + 2.0 * HALO - 3.0),
            num(n.h + 2.0 * HALO - 3.0)
        ));
    }
    out.push_str(&shape(step.kind, n, &paint));
    out.push('\n');
    node_text(out, step.kind, n, &paint);
    out.push_str("</g>\n");
}

/// Caption, bold id and up to two body lines, centred in the node.
fn node_text(out: &mut String, kind: StepKind, n: &NodeBox, paint: &Paint) {
    let cx = num(n.x + n.w / 2.0);
    let mut y = n.y + PAD_Y;
    let caption_weight = if kind == StepKind::Escalate {
        "700"
    } else {
        "400"
    };
    y += LINE_CAPTION;
    out.push_str(&format!(
        "<text x=\"{cx}\" y=\"{}\" font-size=\"{}\" font-weight=\"{caption_weight}\" \
         text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
        num(y - 3.5),
        num(FONT_CAPTION),
        paint.caption,
        text::xml(kind.caption())
    ));
    y += LINE_ID;
    out.push_str(&format!(
        "<text x=\"{cx}\" y=\"{}\" font-size=\"{}\" font-weight=\"700\" text-anchor=\"middle\" \
         fill=\"{}\">{}</text>\n",
        num(y - 4.5),
        num(FONT_ID),
        paint.text,
        text::xml(&n.id)
    ));
    for line in &n.body {
        y += LINE_BODY;
        out.push_str(&format!(
            "<text x=\"{cx}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
            num(y - 4.0),
            num(FONT_BODY),
            paint.text,
            text::xml(line)
        ));
    }
}

/// The green "▶ label" badge above an entry step; the triangle is a shape, not a glyph, so it
/// renders without special fonts.
fn badge(out: &mut String, n: &NodeBox, label: &str, bw: f64) {
    let top = n.y - BADGE_GAP - BADGE_H;
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"9\" fill=\"#15803d\"/>\n\
         <polygon points=\"{},{} {},{} {},{}\" fill=\"#ffffff\"/>\n\
         <text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"700\" fill=\"#ffffff\">{}</text>\n",
        num(n.x),
        num(top),
        num(bw),
        num(BADGE_H),
        num(n.x + 8.0),
        num(top + 5.0),
        num(n.x + 8.0),
        num(top + 13.0),
        num(n.x + 15.0),
        num(top + 9.0),
        num(n.x + 20.0),
        num(top + 13.0),
        num(FONT_BADGE),
        text::xml(label)
    ));
}
