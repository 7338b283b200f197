//! The legend: a miniature of every node shape and edge style with its meaning, drawn with the
//! same shapes and paints as the diagram so the two cannot drift apart.

use super::layout::{BADGE_H, NodeBox, Style};
use super::paint::{INK, Paint, edge_colours, marker_id, num, paint, shape};
use super::{StepKind, text};

const LEGEND_ROW: f64 = 28.0;
const LEGEND_HEAD: f64 = 34.0;

/// Legend entries: a sample and its meaning.
const LEGEND: [(Sample, &str); 10] = [
    (Sample::Step(StepKind::Say), "bot message"),
    (
        Sample::Step(StepKind::Choices),
        "decision: choices, ask, FAQ lookup",
    ),
    (Sample::Step(StepKind::Fetch), "call to the site API"),
    (Sample::Step(StepKind::OfferHuman), "offers a human agent"),
    (
        Sample::Step(StepKind::Escalate),
        "ESCALATION: hand-off to a human",
    ),
    (Sample::Step(StepKind::End), "end of conversation"),
    (Sample::Entry, "entry point (badge names it)"),
    (
        Sample::Edge(Style::Forward),
        "next step (label: choice / result)",
    ),
    (Sample::Edge(Style::Back), "loops back to an earlier step"),
    (Sample::Unreachable, "unreachable step"),
];

/// What a legend row shows.
#[derive(Clone, Copy)]
enum Sample {
    Step(StepKind),
    Entry,
    Edge(Style),
    Unreachable,
}

const SAMPLE_W: f64 = 40.0;
const SAMPLE_H: f64 = 20.0;

/// Width and height of the legend box.
pub(super) fn size() -> (f64, f64) {
    let widest = (LEGEND.iter().map(|(_, t)| text::width(t, 12.0, false))).fold(0.0, f64::max);
    let w = (24.0 + SAMPLE_W + 12.0 + widest).ceil();
    (w, LEGEND_HEAD + LEGEND_ROW * LEGEND.len() as f64 + 6.0)
}

/// Draws the legend box with its top-left corner at (`x`, `y`).
pub(super) fn draw(out: &mut String, x: f64, y: f64, w: f64, h: f64) {
    out.push_str(&format!(
        "<g class=\"legend\">\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" \
         fill=\"#ffffff\" stroke=\"#cbd5e1\"/>\n<text x=\"{}\" y=\"{}\" font-size=\"13\" \
         font-weight=\"700\" fill=\"{INK}\">Legend</text>\n",
        num(x),
        num(y),
        num(w),
        num(h),
        num(x + 12.0),
        num(y + 22.0)
    ));
    for (i, (sample, meaning)) in LEGEND.iter().enumerate() {
        let row_y = y + LEGEND_HEAD + LEGEND_ROW * i as f64;
        out.push_str(&legend_sample(*sample, x + 12.0, row_y));
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{INK}\">{}</text>\n",
            num(x + 24.0 + SAMPLE_W),
            num(row_y + SAMPLE_H / 2.0 + 4.0),
            text::xml(meaning)
        ));
    }
    out.push_str("</g>\n");
}

/// A miniature of a node or edge for the legend, drawn with the same shapes and paints.
fn legend_sample(sample: Sample, x: f64, y: f64) -> String {
    let mini = |id: &str| NodeBox {
        x,
        y,
        w: SAMPLE_W,
        h: SAMPLE_H,
        id: id.to_owned(),
        body: Vec::new(),
        badge: None,
        reachable: true,
    };
    match sample {
        Sample::Step(kind) => {
            let node = mini("");
            let mut p = paint(kind, true, false);
            p.stroke_width = p.stroke_width.min(3.0);
            let mut s = shape(kind, &node, &p);
            // Hexagon and parallelogram insets are sized for full nodes; shrink for the sample.
            if kind.is_decision() || kind == StepKind::Fetch {
                s = small_polygon(kind, x, y, &p);
            }
            s + "\n"
        }
        Sample::Entry => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"9\" fill=\"#15803d\"/>\n\
             <polygon points=\"{},{} {},{} {},{}\" fill=\"#ffffff\"/>\n",
            num(x),
            num(y + 1.0),
            num(SAMPLE_W),
            num(BADGE_H),
            num(x + 15.0),
            num(y + 5.0),
            num(x + 15.0),
            num(y + 15.0),
            num(x + 24.0),
            num(y + 10.0)
        ),
        Sample::Edge(style) => {
            let (colour, _, _) = edge_colours(style);
            let dash = if style == Style::Forward {
                ""
            } else {
                " stroke-dasharray=\"7 4\""
            };
            format!(
                "<path d=\"M{},{} L{},{}\" stroke=\"{colour}\" stroke-width=\"1.6\"{dash} \
                 marker-end=\"url(#{})\"/>\n",
                num(x),
                num(y + SAMPLE_H / 2.0),
                num(x + SAMPLE_W),
                num(y + SAMPLE_H / 2.0),
                marker_id(style)
            )
        }
        Sample::Unreachable => {
            let node = NodeBox {
                reachable: false,
                ..mini("")
            };
            shape(StepKind::Say, &node, &paint(StepKind::Say, false, false)) + "\n"
        }
    }
}

/// Hexagon or parallelogram with insets scaled down to the sample size.
fn small_polygon(kind: StepKind, x: f64, y: f64, p: &Paint) -> String {
    let (w, h, i) = (SAMPLE_W, SAMPLE_H, 7.0);
    let pts: Vec<(f64, f64)> = if kind == StepKind::Fetch {
        vec![(x + i, y), (x + w, y), (x + w - i, y + h), (x, y + h)]
    } else {
        let m = y + h / 2.0;
        vec![
            (x + i, y),
            (x + w - i, y),
            (x + w, m),
            (x + w - i, y + h),
            (x + i, y + h),
            (x, m),
        ]
    };
    let list: Vec<String> = pts
        .iter()
        .map(|&(px, py)| format!("{},{}", num(px), num(py)))
        .collect();
    format!(
        "<polygon points=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
        list.join(" "),
        p.fill,
        p.stroke,
        num(p.stroke_width)
    )
}
