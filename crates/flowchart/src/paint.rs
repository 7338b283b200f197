//! How the drawing looks: the paint of each step kind and edge style, node outlines and
//! number formatting, shared by the diagram (`svg.rs`) and its legend (`legend.rs`).

use super::StepKind;
use super::layout::{HEX_INSET, NodeBox, SKEW, Style};

/// Main text colour.
pub(super) const INK: &str = "#0f172a";

/// Colours and stroke of one node. Text colours are chosen for WCAG AA (≥ 4.5:1) on the fill;
/// the tests check every pair.
#[derive(Clone, Copy, Debug)]
pub(super) struct Paint {
    pub fill: &'static str,
    pub stroke: &'static str,
    pub stroke_width: f64,
    pub text: &'static str,
    pub caption: &'static str,
    pub dashed: bool,
}

/// The paint for a step: by kind, greyed when unreachable, green-bordered when an entry.
pub(super) fn paint(kind: StepKind, reachable: bool, entry: bool) -> Paint {
    let base = |fill, stroke, caption| Paint {
        fill,
        stroke,
        stroke_width: 1.5,
        text: INK,
        caption,
        dashed: false,
    };
    let mut p = match kind {
        StepKind::Say => base("#f8fafc", "#475569", "#475569"),
        StepKind::Choices | StepKind::Ask | StepKind::Faq => base("#e0f2fe", "#0369a1", "#075985"),
        StepKind::Fetch => base("#ede9fe", "#6d28d9", "#5b21b6"),
        StepKind::OfferHuman => Paint {
            stroke_width: 2.5,
            ..base("#fef3c7", "#d97706", "#92400e")
        },
        StepKind::End => base("#e2e8f0", "#334155", "#334155"),
        StepKind::Escalate => Paint {
            stroke_width: 4.0,
            text: "#ffffff",
            ..base("#b91c1c", "#450a0a", "#ffffff")
        },
    };
    if !reachable {
        p = Paint {
            dashed: true,
            text: "#374151",
            ..base("#f3f4f6", "#9ca3af", "#4b5563")
        };
    } else if entry && kind != StepKind::Escalate {
        p = Paint {
            stroke: "#15803d",
            stroke_width: 3.0,
            ..p
        };
    }
    p
}

/// Colours of an edge style: line, label text, label border.
pub(super) fn edge_colours(style: Style) -> (&'static str, &'static str, &'static str) {
    match style {
        Style::Forward => ("#475569", "#1e293b", "#cbd5e1"),
        Style::Back => ("#7e22ce", "#6b21a8", "#d8b4fe"),
        Style::Loose => ("#9ca3af", "#4b5563", "#d1d5db"),
    }
}

/// The arrowhead `<marker>` id for an edge style.
pub(super) fn marker_id(style: Style) -> &'static str {
    match style {
        Style::Forward => "baton-fc-arrow",
        Style::Back => "baton-fc-arrow-back",
        Style::Loose => "baton-fc-arrow-loose",
    }
}

/// Formats a coordinate with one decimal, trimming a trailing ".0" (and never printing "-0").
pub(super) fn num(v: f64) -> String {
    let s = format!("{:.1}", if v.abs() < 0.05 { 0.0 } else { v });
    s.strip_suffix(".0")
        .map_or_else(|| s.clone(), str::to_owned)
}

/// The outline of a node's shape, by kind.
pub(super) fn shape(kind: StepKind, n: &NodeBox, paint: &Paint) -> String {
    let (x, y, w, h) = (n.x, n.y, n.w, n.h);
    let dash = if paint.dashed {
        " stroke-dasharray=\"5 3\""
    } else {
        ""
    };
    let style = format!(
        "fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{dash}",
        paint.fill,
        paint.stroke,
        num(paint.stroke_width)
    );
    let polygon = |pts: &[(f64, f64)]| {
        let list: Vec<String> = pts
            .iter()
            .map(|&(px, py)| format!("{},{}", num(px), num(py)))
            .collect();
        format!("<polygon points=\"{}\" {style}/>", list.join(" "))
    };
    let rect = |rx: f64| {
        format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {style}/>",
            num(x),
            num(y),
            num(w),
            num(h),
            num(rx)
        )
    };
    match kind {
        StepKind::Fetch => polygon(&[(x + SKEW, y), (x + w, y), (x + w - SKEW, y + h), (x, y + h)]),
        StepKind::End => rect(h / 2.0),
        StepKind::Escalate => rect(4.0),
        k if k.is_decision() => polygon(&[
            (x + HEX_INSET, y),
            (x + w - HEX_INSET, y),
            (x + w, y + h / 2.0),
            (x + w - HEX_INSET, y + h),
            (x + HEX_INSET, y + h),
            (x, y + h / 2.0),
        ]),
        _ => rect(10.0),
    }
}
