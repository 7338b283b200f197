#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::graph::analyse;
use super::paint::paint;
use super::{Journey, Link, Step, StepKind, mermaid, svg};

fn step(id: &str, kind: StepKind, text: &str) -> Step {
    Step {
        id: id.into(),
        kind,
        text: text.into(),
        entry: None,
    }
}

fn link(from: usize, to: usize, label: Option<&str>) -> Link {
    Link {
        from,
        to,
        label: label.map(Into::into),
    }
}

/// A shop-like journey: order status, password reset, FAQ with an offer of a human that can
/// loop back to the menu, plus an orphaned step.
fn shop() -> Journey {
    use StepKind::*;
    let mut steps = vec![
        step(
            "start",
            Say,
            "Hi! I'm the shop assistant & I can help with orders.",
        ),
        step("menu", Choices, "What can I help you with today?"),
        step(
            "ask_order",
            Ask,
            "What's your order number? It starts with # and has 8 digits.",
        ),
        step("fetch_order", Fetch, "GET /api/orders/{order}"),
        step("order_status", Say, "Your order {order} is {status}."),
        step(
            "password",
            Say,
            "Use \"Forgot password\" on the login page to reset it.",
        ),
        step("faq", Faq, "Let me look that up in our help centre."),
        step(
            "offer_human",
            OfferHuman,
            "I couldn't find an answer. Talk to a person?",
        ),
        step(
            "human",
            Escalate,
            "Connecting you with a support agent now.",
        ),
        step("end", End, "Thanks for chatting, bye!"),
        step(
            "legacy_promo",
            Say,
            "Summer sale: 20% off everything (expired)",
        ),
    ];
    steps[0].entry = Some("start".into());
    steps[2].entry = Some("page /orders".into());
    let links = vec![
        link(0, 1, None),
        link(1, 2, Some("Order status")),
        link(1, 5, Some("Password reset")),
        link(1, 6, Some("Something else")),
        link(2, 2, Some("invalid")),
        link(2, 3, Some("valid")),
        link(3, 4, Some("found")),
        link(3, 7, Some("error")),
        link(4, 9, None),
        link(5, 9, None),
        link(6, 9, Some("found")),
        link(6, 7, Some("not found")),
        link(7, 8, Some("yes")),
        link(7, 1, Some("no")),
        link(10, 9, None),
    ];
    Journey {
        title: "Acme shop: support bot".into(),
        steps,
        links,
    }
}

/// Checks the document is well nested: every `<tag>` is closed by a matching `</tag>`, and no
/// stray `<` or `&` appears in text or attributes. Returns the element names seen.
fn check_xml(doc: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = doc;
    while let Some(open) = rest.find('<') {
        check_entities(&rest[..open]);
        let close = rest[open..].find('>').expect("unterminated tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
        check_entities(tag);
        if tag.starts_with('?') {
            assert!(tag.ends_with('?'), "bad declaration {tag}");
        } else if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(!name.is_empty(), "stray '<' before {tag:?}");
            seen.push(name.clone());
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    seen
}

/// Every `&` must start one of the five XML entities.
fn check_entities(s: &str) {
    for (i, _) in s.match_indices('&') {
        let tail = &s[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| tail.starts_with(e)),
            "bare & in {s:?}"
        );
    }
}

/// The `<g class="step …">` group of the step whose id is `id`.
fn group<'a>(doc: &'a str, id: &str) -> &'a str {
    let marker = format!("data-step=\"{id}\"");
    let at = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("no group for {id}"));
    let start = doc[..at].rfind("<g ").unwrap();
    let end = doc[at..].find("</g>").unwrap() + at;
    &doc[start..end]
}

#[test]
fn svg_is_a_well_formed_accessible_document() {
    let doc = svg(&shop());
    assert!(doc.starts_with("<?xml"));
    let names = check_xml(&doc);
    assert_eq!(names.first().map(String::as_str), Some("svg"));
    for needle in [
        "xmlns=\"http://www.w3.org/2000/svg\"",
        "viewBox=\"0 0 ",
        "role=\"img\"",
        "font-family=\"system-ui, sans-serif\"",
        "<title id=\"baton-fc-title\">Bot journey: Acme shop: support bot</title>",
        "<desc id=\"baton-fc-desc\">",
        "<marker ",
        "Legend",
        ">no path from an entry point</text>",
    ] {
        assert!(doc.contains(needle), "missing {needle}");
    }
    assert!(
        !doc.contains("<script") && !doc.contains("href"),
        "no scripts or references"
    );
}

#[test]
fn every_step_id_is_drawn() {
    let journey = shop();
    let doc = svg(&journey);
    for step in &journey.steps {
        assert!(
            doc.contains(&format!(">{}</text>", step.id)),
            "{} not drawn",
            step.id
        );
    }
}

#[test]
fn escalation_entry_and_unreachable_styling() {
    let doc = svg(&shop());
    let human = group(&doc, "human");
    assert!(human.contains("class=\"step kind-escalate escalate\""));
    assert!(human.contains("fill=\"#b91c1c\"") && human.contains("stroke-width=\"4\""));
    assert!(human.contains("\u{2192} human agent"));
    let offer = group(&doc, "offer_human");
    assert!(offer.contains("fill=\"#fef3c7\""));
    let start = group(&doc, "start");
    assert!(start.contains("stroke=\"#15803d\"") && start.contains(">start</text>"));
    assert!(group(&doc, "ask_order").contains(">page /orders</text>"));
    let orphan = group(&doc, "legacy_promo");
    assert!(orphan.contains("unreachable") && orphan.contains("stroke-dasharray"));
    assert!(doc.contains("stroke-dasharray=\"7 4\" marker-end=\"url(#baton-fc-arrow-back)\""));
}

#[test]
fn user_text_is_escaped() {
    let mut journey = shop();
    journey.title = "Tom & Jerry's <b>bot</b>".into();
    journey.steps[1].text = "<script>alert('x')</script> \"quoted\" & more".into();
    journey.steps[3].id = "fetch\"><script>".into();
    journey.steps[0].entry = Some("<start>".into());
    journey.links[1].label = Some("<img src=x onerror=alert(1)>".into());
    journey.links[2].label = Some("Option #1 | `two`".into());
    let doc = svg(&journey);
    check_xml(&doc);
    assert!(!doc.contains("<script") && !doc.contains("<b>") && !doc.contains("<img"));
    assert!(doc.contains("&lt;script&gt;alert(&apos;x&apos;)"));
    assert!(doc.contains("Tom &amp; Jerry&apos;s &lt;b&gt;bot&lt;/b&gt;"));
    let chart = mermaid(&journey);
    assert!(!chart.contains("<script") && !chart.contains("<img"));
    assert!(chart.contains("#lt;script#gt;") && chart.contains("#quot;quoted#quot;"));
    assert!(chart.contains("|\"Option #35;1 #124; #96;two#96;\"|"));
    journey.title = "%%{init: {'theme':'dark'}}%% sneaky".into();
    journey.steps[4].text = "100% sure %%{init: {'securityLevel':'loose'}}%%".into();
    let chart = mermaid(&journey);
    assert!(!chart.contains("%%{") && !chart.contains("}%%"), "{chart}");
    assert!(chart.contains("100#37; sure"));
}

#[test]
fn control_characters_and_long_text_are_tamed() {
    let mut journey = shop();
    journey.steps[4].text = format!("a\u{0}b\u{7}c\n\td {}", "word ".repeat(50));
    journey.steps[5].text = "x".repeat(500);
    let doc = svg(&journey);
    check_xml(&doc);
    assert!(!doc.contains('\u{0}') && !doc.contains('\u{7}'));
    assert!(doc.contains("abc d word"));
    let body_lines: Vec<&str> = group(&doc, "password")
        .lines()
        .filter(|l| l.contains("xxxx"))
        .collect();
    assert!(
        body_lines.len() <= 3,
        "title tooltip + at most two body lines"
    );
}

#[test]
fn out_of_range_links_are_ignored() {
    let clean = shop();
    let mut noisy = shop();
    noisy.links.push(link(0, 99, Some("nowhere")));
    noisy.links.push(link(usize::MAX, 1, None));
    noisy.links.push(link(42, usize::MAX, None));
    assert_eq!(svg(&clean), svg(&noisy));
    assert_eq!(mermaid(&clean), mermaid(&noisy));
    assert!(!svg(&noisy).contains("nowhere"));
}

#[test]
fn cycles_self_loops_and_odd_graphs_terminate() {
    let two_cycle = Journey {
        title: "ping pong".into(),
        steps: vec![step("a", StepKind::Say, "A"), step("b", StepKind::Ask, "B")],
        links: vec![
            link(0, 1, Some("go")),
            link(1, 0, Some("back")),
            link(0, 0, Some("again")),
        ],
    };
    let self_only = Journey {
        title: String::new(),
        steps: vec![step("solo", StepKind::Faq, "")],
        links: vec![link(0, 0, None), link(0, 0, Some("retry"))],
    };
    let parallel = Journey {
        title: "twice".into(),
        steps: vec![
            step("x", StepKind::Choices, "pick"),
            step("y", StepKind::End, ""),
        ],
        links: vec![
            link(0, 1, Some("one")),
            link(0, 1, Some("two")),
            link(0, 1, None),
        ],
    };
    let empty = Journey {
        title: String::new(),
        steps: vec![],
        links: vec![link(0, 0, None)],
    };
    for journey in [two_cycle, self_only, parallel, empty] {
        check_xml(&svg(&journey));
        assert!(mermaid(&journey).starts_with("flowchart TD\n"));
    }
}

#[test]
fn back_edges_and_ranks() {
    let journey = shop();
    let an = analyse(&journey);
    let back: Vec<usize> = (an.edges.iter().zip(&an.back))
        .filter(|(_, b)| **b)
        .map(|(e, _)| e.link)
        .collect();
    assert_eq!(
        back,
        vec![4, 13],
        "the 'invalid' self-loop and 'no' back to the menu"
    );
    assert_eq!(an.rank[0], 0);
    assert_eq!(an.rank[1], 1);
    assert!(!an.reachable[10] && an.rank[10] == an.last_rank);
    assert!(
        an.rank[9] > an.rank[8] || an.rank[9] >= an.rank[4],
        "end sits low"
    );
}

#[test]
fn a_large_journey_renders_quickly() {
    let start = std::time::Instant::now();
    check_xml(&svg(&tangle(200, 400)));
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

#[test]
fn output_is_deterministic() {
    assert_eq!(svg(&shop()), svg(&shop()));
    assert_eq!(mermaid(&shop()), mermaid(&shop()));
}

/// Axis-aligned boxes overlap (touching is fine).
fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

/// Nodes (with their badges) and labels never overlap each other.
fn assert_no_overlap(journey: &Journey) {
    let d = super::arrange(journey, &analyse(journey));
    let mut boxes: Vec<(f64, f64, f64, f64)> = (d.nodes.iter())
        .map(|n| {
            let badge = n.badge.as_ref().map_or(0.0, |_| 22.0);
            let w = n.badge.as_ref().map_or(n.w, |(_, bw)| n.w.max(*bw));
            (n.x, n.y - badge, w, n.h + badge)
        })
        .collect();
    boxes.extend(
        d.labels
            .iter()
            .map(|l| (l.cx - l.w / 2.0, l.cy - 9.0, l.w, 18.0)),
    );
    for (i, a) in boxes.iter().enumerate() {
        assert!(
            a.0 >= -0.01 && a.0 + a.2 <= d.width + 0.01,
            "box {i} outside width"
        );
        assert!(
            a.1 >= -0.01 && a.1 + a.3 <= d.height + 0.01,
            "box {i} outside height"
        );
        for (j, b) in boxes.iter().enumerate().skip(i + 1) {
            assert!(!overlaps(*a, *b), "boxes {i} and {j} overlap: {a:?} {b:?}");
        }
    }
}

#[test]
fn nothing_overlaps_in_the_sample() {
    assert_no_overlap(&shop());
}

/// A deterministic pseudo-random journey: dense, cyclic, with long edges, labels, unreachable
/// steps and links among them.
fn tangle(size: usize, links: usize) -> Journey {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let kinds = [
        StepKind::Say,
        StepKind::Choices,
        StepKind::Fetch,
        StepKind::Escalate,
        StepKind::End,
    ];
    let mut steps: Vec<Step> = (0..size)
        .map(|i| {
            step(
                &format!("s{i}"),
                kinds[i % kinds.len()],
                "some bot text here",
            )
        })
        .collect();
    steps[0].entry = Some("start".into());
    steps[size / 2].entry = Some("page /checkout/very/long/path/here".into());
    let links = (0..links)
        .map(|i| link(next(size), next(size + 2), (i % 3 == 0).then_some("maybe")))
        .collect();
    Journey {
        title: "tangle".into(),
        steps,
        links,
    }
}

#[test]
fn nothing_overlaps_in_random_tangles() {
    for (size, links) in [(40, 90), (12, 14), (25, 20), (8, 30)] {
        let journey = tangle(size, links);
        assert_no_overlap(&journey);
        check_xml(&svg(&journey));
    }
}

#[test]
fn text_colours_meet_wcag_aa() {
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }
    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }
    use StepKind::*;
    for kind in [Say, Choices, Ask, Faq, Fetch, OfferHuman, Escalate, End] {
        for (reachable, entry) in [(true, false), (true, true), (false, false)] {
            let p = paint(kind, reachable, entry);
            assert!(contrast(p.text, p.fill) >= 4.5, "{kind:?} text");
            assert!(contrast(p.caption, p.fill) >= 4.5, "{kind:?} caption");
        }
    }
    for (ink, bg) in [
        ("#ffffff", "#15803d"),
        ("#1e293b", "#ffffff"),
        ("#6b21a8", "#ffffff"),
    ] {
        assert!(contrast(ink, bg) >= 4.5, "{ink} on {bg}");
    }
    assert!(contrast("#4b5563", "#f9fafb") >= 4.5, "band heading");
}

#[test]
fn mermaid_output() {
    let mut journey = shop();
    journey.steps.push(step("a-b", StepKind::Say, "dup 1"));
    journey.steps.push(step("a_b", StepKind::Say, "dup 2"));
    journey.steps.push(step("9lives", StepKind::Say, "digit"));
    let chart = mermaid(&journey);
    assert!(chart.starts_with("flowchart TD\n"));
    for needle in [
        "classDef escalate fill:#b91c1c,stroke:#450a0a,stroke-width:3px",
        "classDef entry ",
        "classDef offer ",
        "menu -->|\"Order status\"| ask_order",
        "offer_human -->|\"yes\"| human",
        "offer_human -.->|\"no\"| menu",
        "start --> menu",
        "menu{\"menu<br/>What can I help you with today?\"}",
        "fetch_order[/\"fetch_order<br/>GET /api/orders/{order}\"/]",
        "n_end([\"end<br/>Thanks for chatting, bye!\"])",
        "class human escalate",
        "class offer_human offer",
        "class start,ask_order entry",
        "class legacy_promo,a_b,a_b_2,n_9lives unreachable",
        "a_b[\"a-b<br/>dup 1\"]",
        "a_b_2[\"a_b<br/>dup 2\"]",
        "n_9lives[",
        "ask_order{\"\u{25b6} page /orders<br/>ask_order<br/>What's your",
    ] {
        assert!(chart.contains(needle), "missing {needle}\n{chart}");
    }
    assert!(
        !chart.lines().any(|l| l.trim_start().starts_with("end")),
        "bare 'end' id"
    );
}

/// Writes the sample for eyeballing: `cargo test -- --ignored write_sample`.
#[test]
#[ignore = "writes files to the temp directory"]
fn write_sample() {
    let dir = std::env::temp_dir();
    std::fs::write(dir.join("flowchart-sample.svg"), svg(&shop())).unwrap();
    std::fs::write(dir.join("flowchart-sample.mmd"), mermaid(&shop())).unwrap();
    std::fs::write(dir.join("flowchart-tangle.svg"), svg(&tangle(12, 14))).unwrap();
    let odd = Journey {
        title: String::new(),
        steps: vec![
            step("a", StepKind::Say, "A"),
            step("b", StepKind::Ask, "B?"),
            step("c", StepKind::End, ""),
            step("u1", StepKind::Escalate, "orphan escalation"),
            step("u2", StepKind::Fetch, "orphan fetch"),
        ],
        links: vec![
            link(0, 1, Some("go")),
            link(1, 0, Some("back")),
            link(0, 0, Some("again")),
            link(0, 0, Some("and again")),
            link(1, 2, Some("one")),
            link(1, 2, Some("two")),
            link(1, 2, None),
            link(3, 4, Some("arc")),
            link(4, 3, None),
            link(4, 0, Some("up")),
        ],
    };
    std::fs::write(dir.join("flowchart-odd.svg"), svg(&odd)).unwrap();
    std::fs::write(dir.join("flowchart-tangle-big.svg"), svg(&tangle(40, 90))).unwrap();
    std::fs::write(dir.join("flowchart-tangle-mid.svg"), svg(&tangle(25, 20))).unwrap();
}
