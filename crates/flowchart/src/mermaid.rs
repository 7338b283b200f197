//! Mermaid `flowchart TD` output. Mermaid does its own layout, so this only has to produce
//! valid, safe text: sanitised unique ids, quoted and entity-escaped labels, and classes for
//! escalations, offers, entry points and unreachable steps.

use std::collections::BTreeSet;

use super::graph::{self, at};
use super::{Journey, Step, StepKind, text};

/// Words Mermaid's flowchart grammar treats specially; a bare `end` node id breaks the chart.
const RESERVED: [&str; 11] = [
    "graph",
    "flowchart",
    "subgraph",
    "style",
    "class",
    "classdef",
    "click",
    "linkstyle",
    "direction",
    "default",
    "call",
];

/// Renders the journey as Mermaid text.
pub(super) fn render(journey: &Journey) -> String {
    let analysis = graph::analyse(journey);
    let ids = node_ids(&journey.steps);
    let mut out = String::from("flowchart TD\n");
    // Mermaid looks for `%%{…}%%` directives anywhere in the text, so the comment carries no
    // `%`, `{` or `}` at all.
    let title: String = (text::clean(&journey.title).chars())
        .filter(|c| !matches!(c, '%' | '{' | '}'))
        .collect();
    if !title.is_empty() {
        out.push_str(&format!("    %% {title}\n"));
    }
    for (step, id) in journey.steps.iter().zip(&ids) {
        out.push_str(&format!("    {id}{}\n", node_shape(step)));
    }
    for (pos, e) in analysis.edges.iter().enumerate() {
        let (Some(from), Some(to)) = (ids.get(e.from), ids.get(e.to)) else {
            continue;
        };
        // Dotted arrows for loops back, as in the SVG, so cycles read as "go back".
        let arrow = if at(&analysis.back, pos) || !at(&analysis.reachable, e.from) {
            "-.->"
        } else {
            "-->"
        };
        let label = (journey.links.get(e.link))
            .and_then(|l| l.label.as_deref())
            .map(|l| escape(&text::truncate(l, 40)))
            .filter(|l| !l.is_empty());
        match label {
            Some(label) => out.push_str(&format!("    {from} {arrow}|\"{label}\"| {to}\n")),
            None => out.push_str(&format!("    {from} {arrow} {to}\n")),
        }
    }
    out.push_str(
        "    classDef escalate fill:#b91c1c,stroke:#450a0a,stroke-width:3px,color:#ffffff\n\
         \x20   classDef offer fill:#fef3c7,stroke:#d97706,stroke-width:2px,color:#0f172a\n\
         \x20   classDef entry stroke:#15803d,stroke-width:3px\n\
         \x20   classDef unreachable fill:#f3f4f6,stroke:#9ca3af,stroke-dasharray:5 3,color:#374151\n",
    );
    let pick = |keep: &dyn Fn(usize, &Step) -> bool| -> Vec<String> {
        (journey.steps.iter().enumerate().zip(&ids))
            .filter(|((i, s), _)| keep(*i, s))
            .map(|(_, id)| id.clone())
            .collect()
    };
    let classes = [
        ("entry", pick(&|_, s| s.entry.is_some())),
        ("offer", pick(&|_, s| s.kind == StepKind::OfferHuman)),
        ("escalate", pick(&|_, s| s.kind == StepKind::Escalate)),
        ("unreachable", pick(&|i, _| !at(&analysis.reachable, i))),
    ];
    for (class, members) in classes.iter().filter(|(_, m)| !m.is_empty()) {
        out.push_str(&format!("    class {} {class}\n", members.join(",")));
    }
    out
}

/// Node ids restricted to `[A-Za-z0-9_]`, prefixed when they would start with a digit or
/// collide with a keyword, and suffixed `_2`, `_3`, … until unique.
fn node_ids(steps: &[Step]) -> Vec<String> {
    let mut used = BTreeSet::new();
    steps
        .iter()
        .map(|step| {
            let mut base: String = (step.id.chars())
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let lower = base.to_ascii_lowercase();
            let risky = base.is_empty()
                || base.starts_with(|c: char| c.is_ascii_digit())
                || lower.starts_with("end")
                || RESERVED.contains(&lower.as_str());
            if risky {
                base = format!("n_{base}");
            }
            let mut id = base.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}_{n}");
                n += 1;
            }
            id
        })
        .collect()
}

/// The node's shape brackets around its quoted label.
fn node_shape(step: &Step) -> String {
    let label = node_label(step);
    match step.kind {
        StepKind::End => format!("([\"{label}\"])"),
        StepKind::Fetch => format!("[/\"{label}\"/]"),
        kind if kind.is_decision() => format!("{{\"{label}\"}}"),
        _ => format!("[\"{label}\"]"),
    }
}

/// Entry label, id, shortened bot text and, for escalations, the hand-off marker.
fn node_label(step: &Step) -> String {
    let mut parts = Vec::new();
    if let Some(entry) = &step.entry {
        parts.push(format!("\u{25b6} {}", escape(&text::truncate(entry, 24))));
    }
    parts.push(escape(&text::clean(&step.id)));
    let body = text::truncate(&step.text, 40);
    if !body.is_empty() {
        parts.push(escape(&body));
    }
    if step.kind == StepKind::Escalate {
        parts.push(escape(step.kind.caption()));
    }
    parts.join("<br/>")
}

/// Mermaid entity escaping for text inside a quoted label: quotes, the entity marker `#`,
/// HTML specials (labels may be rendered as HTML), backticks (markdown strings), pipes
/// (edge label delimiters) and percent signs (`%%` starts comments and directives).
fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            // Never let a label spell `%%`, which could start a directive.
            '%' => out.push_str("#37;"),
            c => out.push(c),
        }
    }
    out
}
