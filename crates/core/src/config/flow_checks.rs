//! Flow checks behind [`super::compile_raw`]: node ids, references, reachability, loops of
//! `say` nodes, and each node kind's settings.

use std::collections::BTreeMap;

use super::compile::Compiler;
use super::path::JsonPath;
use super::raw::{self, RawNode};
use crate::flow::{
    Ask, ChoiceOption, Choices, End, Entry, Escalate, FaqStep, Fetch, Flow, Node, NodeKind,
    OfferHuman, Say, Validation,
};
use crate::matcher::PhraseMatcher;
use crate::queue::{Priority, is_slug};
use crate::template::Template;

impl Compiler {
    pub(crate) fn collect_fields(&mut self, nodes: &[RawNode]) {
        for node in nodes {
            match node {
                RawNode::Ask { field, .. } => {
                    self.fields.insert(field.clone());
                }
                RawNode::Fetch { map, .. } => self.fields.extend(map.keys().cloned()),
                _ => {}
            }
        }
    }

    pub(crate) fn flow(&mut self, raw: &raw::RawFlow, path: &JsonPath) -> Option<Flow> {
        let nodes_path = path.key("nodes");
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, node) in raw.nodes.iter().enumerate() {
            let id = node_id(node);
            if !is_slug(id, 64) {
                self.problem(
                    nodes_path.index(i).key("id"),
                    format!("`{id}` is not a valid node id: use 1–64 of a-z, 0-9, `-`, `_`"),
                );
            }
            if let Some(first) = ids.insert(id, i) {
                self.problem(
                    nodes_path.index(i).key("id"),
                    format!("duplicate node id `{id}` (first used by flow.nodes[{first}])"),
                );
                ids.insert(id, first);
            }
        }
        if raw.nodes.is_empty() {
            self.problem(nodes_path.clone(), "a flow needs at least one node");
        }
        let resolve = |c: &mut Compiler, target: &str, at: JsonPath| -> usize {
            match ids.get(target) {
                Some(&i) => i,
                None => {
                    c.problem(at, format!("unknown node `{target}`"));
                    usize::MAX
                }
            }
        };
        let start = resolve(self, &raw.start, path.key("start"));
        let entries: Vec<Entry> = raw
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let at = path.key("entries").index(i);
                if !e.page.starts_with('/') {
                    self.problem(
                        at.key("page"),
                        format!("`{}` is not a page path: it must start with `/`", e.page),
                    );
                }
                Entry {
                    page: e.page.clone(),
                    node: resolve(self, &e.node, at.key("node")),
                }
            })
            .collect();
        let mut nodes = Vec::with_capacity(raw.nodes.len());
        for (i, node) in raw.nodes.iter().enumerate() {
            let at = nodes_path.index(i);
            let mut go = |c: &mut Compiler, at: JsonPath, target: &str| resolve(c, target, at);
            let kind = self.node(node, &at, &mut go);
            nodes.push(Node {
                id: node_id(node).to_owned(),
                kind,
            });
        }
        let flow = Flow {
            nodes,
            start,
            entries,
        };
        if self.problems.is_empty() {
            self.check_reachable(&flow, &nodes_path);
            self.check_say_loops(&flow, &nodes_path);
        }
        Some(flow)
    }

    pub(crate) fn node(
        &mut self,
        node: &RawNode,
        at: &JsonPath,
        go: &mut dyn FnMut(&mut Compiler, JsonPath, &str) -> usize,
    ) -> NodeKind {
        match node {
            RawNode::Say { text, next, .. } => NodeKind::Say(Say {
                text: self.template(text, at.key("text")),
                next: next.as_deref().map(|n| go(self, at.key("next"), n)),
            }),
            RawNode::Choices { text, options, .. } => self.choices(text, options, at, go),
            RawNode::Ask {
                text,
                field,
                validate,
                retry_text,
                next,
                ..
            } => {
                if !is_field_name(field) {
                    self.problem(
                        at.key("field"),
                        format!("`{field}` is not a valid field name: use 1–64 of a-z, 0-9, `_`"),
                    );
                }
                let validate = match validate {
                    None | Some(raw::RawValidation::Any) => Validation::Any,
                    Some(raw::RawValidation::Email) => Validation::Email,
                    Some(raw::RawValidation::Number { min, max }) => {
                        if let (Some(lo), Some(hi)) = (min, max)
                            && lo > hi
                        {
                            self.problem(
                                at.key("validate").key("min"),
                                format!("min {lo} is above max {hi}"),
                            );
                        }
                        Validation::Number {
                            min: *min,
                            max: *max,
                        }
                    }
                    Some(raw::RawValidation::Pattern { pattern }) => {
                        match self.whole_match_regex(pattern, at.key("validate").key("pattern")) {
                            Some(re) => Validation::Pattern(re),
                            None => Validation::Any,
                        }
                    }
                };
                NodeKind::Ask(Ask {
                    text: self.template(text, at.key("text")),
                    field: field.clone(),
                    validate,
                    retry_text: self.template(
                        retry_text
                            .as_deref()
                            .unwrap_or("That doesn't look right. Could you check it?"),
                        at.key("retry_text"),
                    ),
                    next: go(self, at.key("next"), next),
                })
            }
            RawNode::Faq {
                text,
                found,
                fallback,
                ..
            } => NodeKind::Faq(FaqStep {
                text: self.template(
                    text.as_deref().unwrap_or("What would you like to know?"),
                    at.key("text"),
                ),
                found: go(self, at.key("found"), found),
                fallback: go(self, at.key("fallback"), fallback),
            }),
            RawNode::Fetch {
                url,
                method,
                map,
                text,
                next,
                on_error,
                ..
            } => {
                if !is_fetch_url(url) {
                    self.problem(
                        at.key("url"),
                        format!("`{url}` must start with `https://`, `/` (a path on the Baton server) or, for local testing, `http://localhost` or `http://127.0.0.1`"),
                    );
                }
                for (field, pointer) in map {
                    if !is_field_name(field) {
                        self.problem(
                            at.key("map").key(field.as_str()),
                            format!("`{field}` is not a valid field name"),
                        );
                    }
                    if !pointer.is_empty() && !pointer.starts_with('/') {
                        self.problem(
                            at.key("map").key(field.as_str()),
                            format!("`{pointer}` is not a JSON pointer: it must be empty or start with `/`"),
                        );
                    }
                }
                NodeKind::Fetch(Fetch {
                    url: self.template(url, at.key("url")),
                    method: method.unwrap_or(raw::Method::Get),
                    map: map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    text: text.as_deref().map(|t| self.template(t, at.key("text"))),
                    next: go(self, at.key("next"), next),
                    on_error: go(self, at.key("on_error"), on_error),
                })
            }
            RawNode::OfferHuman { text, yes, no, .. } => NodeKind::OfferHuman(OfferHuman {
                text: self.template(
                    text.as_deref()
                        .unwrap_or("Would you like to talk to a person?"),
                    at.key("text"),
                ),
                yes: go(self, at.key("yes"), yes),
                no: go(self, at.key("no"), no),
            }),
            RawNode::Escalate {
                text,
                queue,
                priority,
                ..
            } => NodeKind::Escalate(Escalate {
                text: match text {
                    Some(text) => self.template(text, at.key("text")),
                    None => Template::literal(&self.handoff_text),
                },
                queue: self.queue(queue.as_deref(), at.key("queue")),
                priority: priority.unwrap_or(Priority::Normal),
            }),
            RawNode::End { text, csat, .. } => NodeKind::End(End {
                text: text.as_deref().map(|t| self.template(t, at.key("text"))),
                csat: csat.unwrap_or(true),
            }),
        }
    }

    pub(crate) fn choices(
        &mut self,
        text: &str,
        options: &[raw::RawOption],
        at: &JsonPath,
        go: &mut dyn FnMut(&mut Compiler, JsonPath, &str) -> usize,
    ) -> NodeKind {
        if options.is_empty() {
            self.problem(
                at.key("options"),
                "a choices node needs at least one option",
            );
        }
        let mut terms: Vec<&str> = Vec::new();
        let mut owner: Vec<usize> = Vec::new();
        let mut compiled = Vec::with_capacity(options.len());
        for (i, option) in options.iter().enumerate() {
            let opt_at = at.key("options").index(i);
            if option.label.trim().is_empty() {
                self.problem(opt_at.key("label"), "must not be empty");
            }
            self.plain(&option.label, opt_at.key("label"));
            terms.push(&option.label);
            owner.push(i);
            for term in &option.match_terms {
                terms.push(term);
                owner.push(i);
            }
            compiled.push(ChoiceOption {
                label: option.label.clone(),
                next: go(self, opt_at.key("next"), &option.next),
            });
        }
        let (matcher, option_of_term) = match PhraseMatcher::new(&terms) {
            Ok(matcher) => {
                let mut option_of_term = vec![usize::MAX; matcher.len()];
                for (k, &opt) in owner.iter().enumerate() {
                    if let Some(slot) = matcher
                        .id_of_configured(k)
                        .and_then(|id| option_of_term.get_mut(id))
                        && *slot == usize::MAX
                    {
                        *slot = opt;
                    }
                }
                (matcher, option_of_term)
            }
            Err(e) => {
                self.problem(at.key("options"), e.to_string());
                (PhraseMatcher::empty(), Vec::new())
            }
        };
        NodeKind::Choices(Choices {
            text: self.template(text, at.key("text")),
            options: compiled,
            matcher,
            option_of_term,
        })
    }

    pub(crate) fn check_reachable(&mut self, flow: &Flow, nodes_path: &JsonPath) {
        let mut seen = vec![false; flow.nodes.len()];
        let mut stack: Vec<usize> = std::iter::once(flow.start)
            .chain(flow.entries.iter().map(|e| e.node))
            .collect();
        let links = flow.links();
        while let Some(n) = stack.pop() {
            match seen.get_mut(n) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            stack.extend(links.iter().filter(|l| l.0 == n).map(|l| l.1));
        }
        for (i, reached) in seen.iter().enumerate() {
            if !reached {
                let id = flow.nodes.get(i).map_or("", |n| n.id.as_str());
                self.problem(
                    nodes_path.index(i),
                    format!("node `{id}` is unreachable from `flow.start` and the entries"),
                );
            }
        }
    }

    /// `say` nodes move on without waiting, so a cycle of them would never stop talking.
    pub(crate) fn check_say_loops(&mut self, flow: &Flow, nodes_path: &JsonPath) {
        for (i, node) in flow.nodes.iter().enumerate() {
            let mut at = i;
            for _ in 0..=flow.nodes.len() {
                match flow.nodes.get(at).map(|n| &n.kind) {
                    Some(NodeKind::Say(Say {
                        next: Some(next), ..
                    })) => at = *next,
                    _ => break,
                }
                if at == i {
                    self.problem(
                        nodes_path.index(i).key("next"),
                        format!(
                            "`say` node `{}` loops back to itself without waiting for the visitor",
                            node.id
                        ),
                    );
                    break;
                }
            }
        }
    }
}

fn node_id(node: &RawNode) -> &str {
    match node {
        RawNode::Say { id, .. }
        | RawNode::Choices { id, .. }
        | RawNode::Ask { id, .. }
        | RawNode::Faq { id, .. }
        | RawNode::Fetch { id, .. }
        | RawNode::OfferHuman { id, .. }
        | RawNode::Escalate { id, .. }
        | RawNode::End { id, .. } => id,
    }
}

fn is_field_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_fetch_url(url: &str) -> bool {
    (url.starts_with('/') && !url.starts_with("//"))
        || url.starts_with("https://")
        || url.starts_with("http://localhost")
        || url.starts_with("http://127.0.0.1")
}
