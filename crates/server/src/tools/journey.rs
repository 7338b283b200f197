//! The compiled flow as a [`Journey`] graph for drawing.

use baton_core::Site;
use baton_core::config::raw::Method;
use baton_core::flow::NodeKind;

use baton_flowchart::{Journey, Link, Step, StepKind};

/// The journey of a site: one step per node, one link per edge.
pub fn of(site: &Site) -> Journey {
    let flow = &site.flow;
    let steps = flow
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let mut entries: Vec<String> = Vec::new();
            if i == flow.start {
                entries.push("start".to_owned());
            }
            entries.extend(
                flow.entries
                    .iter()
                    .filter(|e| e.node == i)
                    .map(|e| format!("page {}", e.page)),
            );
            Step {
                id: node.id.clone(),
                kind: kind_of(&node.kind),
                text: text_of(&node.kind),
                entry: (!entries.is_empty()).then(|| entries.join(", ")),
            }
        })
        .collect();
    let links = flow
        .links()
        .into_iter()
        .map(|(from, to, label)| Link { from, to, label })
        .collect();
    Journey {
        title: format!("{} — customer journey", site.name),
        steps,
        links,
    }
}

fn kind_of(kind: &NodeKind) -> StepKind {
    match kind {
        NodeKind::Say(_) => StepKind::Say,
        NodeKind::Choices(_) => StepKind::Choices,
        NodeKind::Ask(_) => StepKind::Ask,
        NodeKind::Faq(_) => StepKind::Faq,
        NodeKind::Fetch(_) => StepKind::Fetch,
        NodeKind::OfferHuman(_) => StepKind::OfferHuman,
        NodeKind::Escalate(_) => StepKind::Escalate,
        NodeKind::End(_) => StepKind::End,
    }
}

fn text_of(kind: &NodeKind) -> String {
    match kind {
        NodeKind::Say(n) => n.text.source().to_owned(),
        NodeKind::Choices(n) => n.text.source().to_owned(),
        NodeKind::Ask(n) => n.text.source().to_owned(),
        NodeKind::Faq(n) => n.text.source().to_owned(),
        NodeKind::Fetch(n) => {
            let verb = match n.method {
                Method::Get => "GET",
                Method::Post => "POST",
            };
            format!("{verb} {}", n.url.source())
        }
        NodeKind::OfferHuman(n) => n.text.source().to_owned(),
        NodeKind::Escalate(n) => {
            format!("queue {}, {:?} priority", n.queue, n.priority).to_lowercase()
        }
        NodeKind::End(n) => n
            .text
            .as_ref()
            .map(|t| t.source().to_owned())
            .unwrap_or_default(),
    }
}
