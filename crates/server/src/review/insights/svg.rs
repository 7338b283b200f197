//! The report's charts as inline SVG: outcomes per day (stacked bars), a rate per row with
//! its interval (dot and whisker), and a trigger's firings per day (sparkline). Each chart is
//! an image with a title and a description for screen readers; every figure it shows is also
//! in a table next to it, so nothing is only in a picture. Labels are escaped.

use std::fmt::Write;

use super::{Day, Outcomes};
use baton_flowchart::xml;

/// Ink and the outcome colours (each at least 3:1 against white).
const INK: &str = "#1f2933";
const GRID: &str = "#d0d7de";
/// Escalated, resolved, abandoned, open.
pub const OUTCOME_COLOURS: [(&str, &str); 4] = [
    ("escalated", "#b93815"),
    ("resolved", "#1a7f37"),
    ("abandoned", "#6e7781"),
    ("open", "#3b6fd4"),
];

fn parts(o: &Outcomes) -> [u64; 4] {
    [o.escalated, o.resolved, o.abandoned, o.open]
}

fn open_svg(out: &mut String, id: &str, width: f64, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {width} {height}\" \
         width=\"100%\" style=\"max-width:{width}px\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        xml(title),
        xml(desc)
    );
}

/// Conversations per day, stacked by outcome.
pub fn outcomes_by_day(id: &str, days: &[Day]) -> String {
    let (width, height, left, bottom, top) = (720.0, 240.0, 44.0, 28.0, 12.0);
    let plot_h = height - bottom - top;
    let max = days
        .iter()
        .map(|d| parts(&d.outcomes).iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let total: u64 = days
        .iter()
        .map(|d| parts(&d.outcomes).iter().sum::<u64>())
        .sum();
    let mut out = String::new();
    open_svg(
        &mut out,
        id,
        width,
        height,
        "Conversations per day by outcome",
        &format!(
            "{total} conversations over {} days; the busiest day had {max}.",
            days.len()
        ),
    );
    axis(&mut out, left, top, width, plot_h, max);
    let slot = (width - left - 8.0) / days.len().max(1) as f64;
    let bar = (slot * 0.8).max(1.0);
    for (i, day) in days.iter().enumerate() {
        let x = left + i as f64 * slot + (slot - bar) / 2.0;
        let mut y = top + plot_h;
        for (value, (name, colour)) in parts(&day.outcomes).iter().zip(OUTCOME_COLOURS) {
            if *value == 0 {
                continue;
            }
            let h = *value as f64 / max as f64 * plot_h;
            y -= h;
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{colour}\">\
                 <title>{}: {value} {name}</title></rect>",
                xml(&day.date)
            );
        }
    }
    // First and last date under the axis.
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            out,
            "<text x=\"{left}\" y=\"{}\" font-size=\"12\" fill=\"{INK}\">{}</text>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{INK}\" text-anchor=\"end\">{}</text>",
            height - 8.0,
            xml(&first.date),
            width - 8.0,
            height - 8.0,
            xml(&last.date)
        );
    }
    out.push_str("</svg>");
    out
}

fn axis(out: &mut String, left: f64, top: f64, width: f64, plot_h: f64, max: u64) {
    for (fraction, value) in [(0.0, 0), (0.5, max / 2), (1.0, max)] {
        let y = top + plot_h - fraction * plot_h;
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"12\" fill=\"{INK}\" text-anchor=\"end\">{value}</text>",
            width - 8.0,
            left - 6.0,
            y + 4.0
        );
    }
}

/// One row of an interval chart: a label, a rate and its interval (all 0–1).
pub struct IntervalRow<'a> {
    /// Shown left of the row.
    pub label: &'a str,
    /// The point.
    pub value: Option<f64>,
    /// The interval.
    pub low: Option<f64>,
    /// The interval.
    pub high: Option<f64>,
}

/// Rates as dots with their 95% intervals as whiskers, on a 0–100% scale.
pub fn intervals(id: &str, title: &str, rows: &[IntervalRow<'_>]) -> String {
    let (width, left, right, row_h, top) = (720.0, 200.0, 24.0, 28.0, 8.0);
    let height = top + row_h * rows.len() as f64 + 28.0;
    let plot_w = width - left - right;
    let x = |v: f64| left + v.clamp(0.0, 1.0) * plot_w;
    let mut out = String::new();
    let desc: Vec<String> = rows
        .iter()
        .map(|r| match (r.value, r.low, r.high) {
            (Some(v), Some(lo), Some(hi)) => format!(
                "{}: {:.1}% (95% interval {:.1}–{:.1}%)",
                r.label,
                v * 100.0,
                lo * 100.0,
                hi * 100.0
            ),
            _ => format!("{}: no data", r.label),
        })
        .collect();
    open_svg(&mut out, id, width, height, title, &desc.join("; "));
    for pct in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            out,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{top}\" y2=\"{1:.1}\" stroke=\"{GRID}\"/>\
             <text x=\"{0:.1}\" y=\"{2:.1}\" font-size=\"12\" fill=\"{INK}\" text-anchor=\"middle\">{3}%</text>",
            x(pct),
            height - 24.0,
            height - 8.0,
            pct * 100.0
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + row_h * (i as f64 + 0.5);
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"{INK}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + 4.0,
            xml(row.label)
        );
        if let (Some(lo), Some(hi)) = (row.low, row.high) {
            let _ = write!(
                out,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{INK}\" stroke-width=\"2\"/>",
                x(lo),
                x(hi)
            );
        }
        if let Some(v) = row.value {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{}\"/>",
                x(v),
                OUTCOME_COLOURS[0].1
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// A trigger's firings per day as a small line.
pub fn sparkline(id: &str, label: &str, daily: &[u64]) -> String {
    let (width, height) = (160.0, 32.0);
    let max = daily.iter().copied().max().unwrap_or(0).max(1);
    let total: u64 = daily.iter().sum();
    let mut out = String::new();
    open_svg(
        &mut out,
        id,
        width,
        height,
        &format!("Firings of {label} per day"),
        &format!(
            "{total} firings over {} days, at most {max} a day.",
            daily.len()
        ),
    );
    let step = width / daily.len().saturating_sub(1).max(1) as f64;
    let points: Vec<String> = daily
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                height - 2.0 - v as f64 / max as f64 * (height - 4.0)
            )
        })
        .collect();
    let _ = write!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/></svg>",
        points.join(" "),
        OUTCOME_COLOURS[3].1
    );
    out
}
