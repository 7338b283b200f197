//! `baton check`: every problem of a config with its JSON path and position, or a summary of
//! what it holds.

use std::io::Write;
use std::path::Path;

use baton_core::flow::NodeKind;
use baton_core::trigger::Action;

use super::{Failure, load};

/// `baton check`: compiles the config at `path`; prints its problems to `err`, or a summary
/// of what it holds to `out`.
pub fn check(path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Failure> {
    let site = load(path, err)?;
    let nodes = &site.flow.nodes;
    let escalations = nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Escalate(_)))
        .count();
    let offers = nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::OfferHuman(_)))
        .count();
    let escalating_triggers = site
        .triggers
        .iter()
        .filter(|t| matches!(t.action, Action::Escalate { .. }))
        .count();
    writeln!(out, "ok: {} ({})", site.id, site.name)?;
    writeln!(
        out,
        "  flow: {} nodes, {} entr{} besides the start, {escalations} escalation node{}, {offers} offer node{}",
        nodes.len(),
        site.flow.entries.len(),
        if site.flow.entries.len() == 1 {
            "y"
        } else {
            "ies"
        },
        plural(escalations),
        plural(offers),
    )?;
    writeln!(
        out,
        "  triggers: {} ({escalating_triggers} escalate, {} offer)",
        site.triggers.len(),
        site.triggers.len() - escalating_triggers
    )?;
    writeln!(
        out,
        "  faq: {} entr{}",
        site.faq.entries.len(),
        if site.faq.entries.len() == 1 {
            "y"
        } else {
            "ies"
        }
    )?;
    let variants: usize = site.experiments.iter().map(|e| e.variants.len()).sum();
    writeln!(
        out,
        "  experiments: {} ({variants} variants)",
        site.experiments.len()
    )?;
    writeln!(
        out,
        "  agent aids: {} scripts, {} KB links, brand voice {}",
        site.aids.scripts.len(),
        site.aids.kb.len(),
        if site.aids.brand_voice.is_some() {
            "set"
        } else {
            "not set"
        }
    )?;
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
