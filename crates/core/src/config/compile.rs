//! The checks behind [`super::compile_raw`]: site, appearance, flow, FAQ, aids, redaction.
//! Triggers and experiments are in `triggers.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use regex_lite::{Regex, RegexBuilder};

use super::path::JsonPath;
use super::raw::{self, Position as Corner, Priority, RawConfig, RawNode};
use super::{Problem, VERSION};
use crate::aids::{AgentAids, BrandVoice, KbLink, Script};
use crate::faq::{Faq, FaqEntry};
use crate::flow::{
    Ask, ChoiceOption, Choices, End, Entry, Escalate, FaqStep, Fetch, Flow, Node, NodeKind,
    OfferHuman, Say, Validation,
};
use crate::hours::{DAYS, Hours, Window, parse_clock, parse_offset};
use crate::matcher::PhraseMatcher;
use crate::redact::Redactor;
use crate::site::{Appearance, Site, YesNo};
use crate::template::Template;

/// Said when the conversation is handed to a person, unless the config says otherwise.
const DEFAULT_HANDOFF: &str =
    "I'm bringing in a person from our team. They will see our conversation so far.";

/// Longest regular expression accepted in a config, in bytes.
pub(crate) const MAX_PATTERN_BYTES: usize = 512;
/// Compiled size limit for a config regex: keeps a hostile pattern from costing the widget
/// memory or build time.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// Collects problems while building the compiled types.
#[derive(Default)]
pub(crate) struct Compiler {
    pub(crate) problems: Vec<Problem>,
    /// Fields some node captures: `ask` fields and `fetch` map keys.
    pub(crate) fields: BTreeSet<String>,
    /// The site's handoff text, the default for `escalate` nodes.
    handoff_text: String,
}

impl Compiler {
    pub(crate) fn problem(&mut self, path: JsonPath, message: impl Into<String>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
            position: None,
        });
    }

    pub(crate) fn site(mut self, raw: &RawConfig) -> Result<Site, Vec<Problem>> {
        let root = JsonPath::root();
        if raw.version != VERSION {
            self.problem(
                root.key("version"),
                format!(
                    "unsupported version {}, this build reads version {VERSION}",
                    raw.version
                ),
            );
        }
        self.check_site(&raw.site, &root.key("site"));
        self.handoff_text = text_or(&raw.site.handoff_text, DEFAULT_HANDOFF);
        let appearance = self.appearance(raw, &root.key("appearance"));
        let hours = self.hours(raw.site.hours.as_ref(), &root.key("site").key("hours"));
        self.collect_fields(&raw.flow.nodes);
        let flow = self.flow(&raw.flow, &root.key("flow"));
        let faq = self.faq(&raw.faq, &root.key("faq"));
        let triggers = self.triggers(&raw.triggers, &root.key("triggers"));
        let aids = self.aids(&raw.agent_aids, &raw.triggers, &root.key("agent_aids"));
        let redactor = self.redaction(&raw.redaction, &root.key("redaction"));
        let experiments =
            self.experiments(&raw.experiments, &raw.triggers, &root.key("experiments"));
        let answers = YesNo::new();
        match (flow, faq, triggers, aids, redactor, experiments, answers) {
            (
                Some(flow),
                Some(faq),
                Some(triggers),
                Some(aids),
                Some(redactor),
                Some(experiments),
                Ok(answers),
            ) if self.problems.is_empty() => Ok(Site {
                id: raw.site.id.clone(),
                name: raw.site.name.clone(),
                origins: raw.site.origins.clone(),
                greeting: text_or(&raw.site.greeting, "Hi! How can I help?"),
                fallback_text: text_or(&raw.site.fallback_text, "Sorry, I didn't understand that."),
                handoff_text: self.handoff_text.clone(),
                hours,
                appearance,
                flow,
                faq,
                triggers: triggers.into_iter().map(Arc::new).collect(),
                aids,
                redactor,
                experiments,
                answers,
            }),
            _ => {
                if self.problems.is_empty() {
                    self.problem(root, "the config could not be compiled");
                }
                Err(self.problems)
            }
        }
    }

    fn check_site(&mut self, site: &raw::RawSite, path: &JsonPath) {
        if !is_slug(&site.id, 64) {
            self.problem(
                path.key("id"),
                format!(
                    "`{}` is not a valid site id: use 1–64 of a-z, 0-9, `-`, `_`",
                    site.id
                ),
            );
        }
        if site.name.trim().is_empty() {
            self.problem(path.key("name"), "must not be empty");
        }
        for (i, origin) in site.origins.iter().enumerate() {
            if !is_origin(origin) {
                self.problem(
                    path.key("origins").index(i),
                    format!("`{origin}` is not an origin: expected `https://host` or `http://host:port`, no path"),
                );
            }
        }
        for (key, text) in [
            ("greeting", &site.greeting),
            ("fallback_text", &site.fallback_text),
            ("handoff_text", &site.handoff_text),
        ] {
            if let Some(text) = text {
                if text.trim().is_empty() {
                    self.problem(path.key(key), "must not be empty when given");
                }
                self.plain(text, path.key(key));
            }
        }
    }

    fn hours(&mut self, raw: Option<&raw::RawHours>, path: &JsonPath) -> Hours {
        let Some(raw) = raw else {
            return Hours::default();
        };
        let offset = raw.utc_offset.as_deref().unwrap_or("+00:00");
        let offset_minutes = parse_offset(offset).unwrap_or_else(|| {
            self.problem(
                path.key("utc_offset"),
                format!("`{offset}` is not an offset: use `+HH:MM` or `-HH:MM`, at most 14:00"),
            );
            0
        });
        if raw.open.is_empty() {
            self.problem(
                path.key("open"),
                "give at least one window, or leave `hours` out to be always open",
            );
        }
        let mut windows = Vec::new();
        for (i, w) in raw.open.iter().enumerate() {
            let at = path.key("open").index(i);
            let mut days = Vec::new();
            for (j, day) in w.days.iter().enumerate() {
                match DAYS.iter().position(|d| d == day) {
                    Some(d) => days.push(d as u8),
                    None => self.problem(
                        at.key("days").index(j),
                        format!("`{day}` is not a day: use mon, tue, wed, thu, fri, sat, sun"),
                    ),
                }
            }
            if w.days.is_empty() {
                self.problem(at.key("days"), "the list is empty: give at least one day");
            }
            let (from, to) = (parse_clock(&w.from), parse_clock(&w.to));
            if from.is_none() {
                self.problem(
                    at.key("from"),
                    format!("`{}` is not a time: use `HH:MM`", w.from),
                );
            }
            if to.is_none() {
                self.problem(
                    at.key("to"),
                    format!("`{}` is not a time: use `HH:MM`", w.to),
                );
            }
            if let (Some(from), Some(to)) = (from, to) {
                if from >= to {
                    self.problem(
                        at.key("to"),
                        format!(
                            "closes at {} but opens at {}: `to` must be later",
                            w.to, w.from
                        ),
                    );
                }
                windows.push(Window { days, from, to });
            }
        }
        Hours {
            offset_minutes,
            windows,
        }
    }

    fn appearance(&mut self, raw: &RawConfig, path: &JsonPath) -> Appearance {
        let a = &raw.appearance;
        if let Some(accent) = &a.accent {
            let hex = accent.strip_prefix('#').unwrap_or("");
            if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                self.problem(
                    path.key("accent"),
                    format!("`{accent}` is not a colour: expected `#rrggbb`"),
                );
            }
        }
        Appearance {
            title: a.title.clone().unwrap_or_else(|| raw.site.name.clone()),
            accent: a.accent.clone().unwrap_or_else(|| "#1f5fbf".to_owned()),
            position: a.position.unwrap_or(Corner::BottomRight),
            avatar: a.avatar.clone(),
            launcher_label: a
                .launcher_label
                .clone()
                .unwrap_or_else(|| "Chat with us".to_owned()),
        }
    }

    fn collect_fields(&mut self, nodes: &[RawNode]) {
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

    fn flow(&mut self, raw: &raw::RawFlow, path: &JsonPath) -> Option<Flow> {
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

    fn node(
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
                        format!("`{url}` must start with `https://` (or `http://localhost`, `http://127.0.0.1`)"),
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

    fn choices(
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

    fn check_reachable(&mut self, flow: &Flow, nodes_path: &JsonPath) {
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
    fn check_say_loops(&mut self, flow: &Flow, nodes_path: &JsonPath) {
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

    fn faq(&mut self, entries: &[raw::RawFaqEntry], path: &JsonPath) -> Option<Faq> {
        let mut ids = BTreeSet::new();
        for (i, e) in entries.iter().enumerate() {
            let at = path.index(i);
            if !ids.insert(e.id.as_str()) {
                self.problem(at.key("id"), format!("duplicate FAQ id `{}`", e.id));
            }
            if e.answer.trim().is_empty() {
                self.problem(at.key("answer"), "must not be empty");
            }
            self.plain(&e.answer, at.key("answer"));
            self.terms(&e.match_terms, &at.key("match"));
        }
        let compiled = entries
            .iter()
            .map(|e| FaqEntry {
                id: e.id.clone(),
                question: e.question.clone(),
                answer: e.answer.clone(),
            })
            .collect();
        let terms: Vec<Vec<String>> = entries.iter().map(|e| e.match_terms.clone()).collect();
        match Faq::new(compiled, &terms) {
            Ok(faq) => Some(faq),
            Err(e) => {
                self.problem(path.clone(), e.to_string());
                None
            }
        }
    }

    fn aids(
        &mut self,
        raw: &raw::RawAgentAids,
        triggers: &[raw::RawTrigger],
        path: &JsonPath,
    ) -> Option<AgentAids> {
        let known: BTreeSet<&str> = triggers.iter().map(|t| t.id.as_str()).collect();
        let mut ids = BTreeSet::new();
        let mut scripts = Vec::new();
        for (i, s) in raw.scripts.iter().enumerate() {
            let at = path.key("scripts").index(i);
            if !ids.insert(s.id.as_str()) {
                self.problem(at.key("id"), format!("duplicate script id `{}`", s.id));
            }
            for (j, t) in s.triggers.iter().enumerate() {
                if !known.contains(t.as_str()) {
                    self.problem(
                        at.key("triggers").index(j),
                        format!("unknown trigger `{t}`"),
                    );
                }
            }
            scripts.push(Script {
                id: s.id.clone(),
                title: s.title.clone(),
                text: self.template(&s.text, at.key("text")),
                triggers: s.triggers.clone(),
            });
        }
        let mut kb = Vec::new();
        for (i, link) in raw.kb.iter().enumerate() {
            let at = path.key("kb").index(i);
            if !(link.url.starts_with("https://") || link.url.starts_with('/')) {
                self.problem(
                    at.key("url"),
                    format!("`{}` must start with `https://` or `/`", link.url),
                );
            }
            self.terms(&link.match_terms, &at.key("match"));
            kb.push(KbLink {
                title: link.title.clone(),
                url: link.url.clone(),
            });
        }
        let kb_terms: Vec<Vec<String>> = raw.kb.iter().map(|k| k.match_terms.clone()).collect();
        let voice = raw.brand_voice.as_ref().map(|v| BrandVoice {
            tone: v.tone.clone(),
            dos: v.dos.clone(),
            donts: v.donts.clone(),
        });
        AgentAids::new(scripts, kb, &kb_terms, voice)
            .map_err(|e| self.problem(path.key("kb"), e.to_string()))
            .ok()
    }

    fn redaction(&mut self, raw: &raw::RawRedaction, path: &JsonPath) -> Option<Redactor> {
        let mut names = BTreeSet::new();
        for (i, p) in raw.patterns.iter().enumerate() {
            let at = path.key("patterns").index(i);
            if !names.insert(p.name.as_str()) {
                self.problem(
                    at.key("name"),
                    format!("duplicate pattern name `{}`", p.name),
                );
            }
        }
        let pairs = raw
            .patterns
            .iter()
            .map(|p| (p.name.as_str(), p.pattern.as_str()));
        match Redactor::with_patterns(pairs) {
            Ok(r) => Some(r),
            Err(e) => {
                let index = raw
                    .patterns
                    .iter()
                    .position(|p| p.name == e.name)
                    .unwrap_or(0);
                self.problem(
                    path.key("patterns").index(index).key("pattern"),
                    e.to_string(),
                );
                None
            }
        }
    }

    // --- Shared checks ----------------------------------------------------------------------

    pub(crate) fn template(&mut self, text: &str, at: JsonPath) -> Template {
        match Template::parse(text) {
            Ok(t) => {
                let unknown: Vec<String> = t
                    .fields()
                    .filter(|f| !self.fields.contains(*f))
                    .map(str::to_owned)
                    .collect();
                for field in unknown {
                    self.problem(
                        at.clone(),
                        format!("`{{{{{field}}}}}` names no field: no `ask` or `fetch` node captures `{field}`"),
                    );
                }
                t
            }
            Err(e) => {
                self.problem(at, e.to_string());
                Template::empty()
            }
        }
    }

    /// Texts that are shown as written: a `{{placeholder}}` there would reach the visitor
    /// unfilled, so it is an error rather than a surprise.
    pub(crate) fn plain(&mut self, text: &str, at: JsonPath) {
        if text.contains("{{") {
            self.problem(
                at,
                "placeholders are not filled in this text: remove the `{{…}}`",
            );
        }
    }

    /// Compiles a pattern that must match the whole (trimmed) answer.
    pub(crate) fn whole_match_regex(&mut self, pattern: &str, at: JsonPath) -> Option<Regex> {
        if pattern.len() > MAX_PATTERN_BYTES {
            self.problem(
                at,
                format!(
                    "pattern is {} bytes, the limit is {MAX_PATTERN_BYTES}",
                    pattern.len()
                ),
            );
            return None;
        }
        self.regex(&format!("^(?:{pattern})$"), pattern, at)
    }

    fn regex(&mut self, anchored: &str, pattern: &str, at: JsonPath) -> Option<Regex> {
        match RegexBuilder::new(anchored)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
        {
            Ok(re) => Some(re),
            Err(e) => {
                let reason = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("invalid")
                    .trim()
                    .to_owned();
                self.problem(at, format!("`{pattern}` is not a valid pattern: {reason}"));
                None
            }
        }
    }

    /// A list of match terms: not empty, every term with letters or digits.
    pub(crate) fn terms(&mut self, terms: &[String], at: &JsonPath) {
        if terms.is_empty() {
            self.problem(
                at.clone(),
                "the list is empty: give at least one word or phrase",
            );
        }
        for (i, term) in terms.iter().enumerate() {
            if crate::text::fold(term).is_empty() {
                self.problem(
                    at.index(i),
                    format!("`{term}` has no letters or digits, so it can never match"),
                );
            }
        }
    }

    pub(crate) fn queue(&mut self, queue: Option<&str>, at: JsonPath) -> String {
        let queue = queue.unwrap_or("general");
        if !is_slug(queue, 64) {
            self.problem(
                at,
                format!("`{queue}` is not a valid queue name: use 1–64 of a-z, 0-9, `-`, `_`"),
            );
        }
        queue.to_owned()
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

fn text_or(text: &Option<String>, default: &str) -> String {
    text.clone().unwrap_or_else(|| default.to_owned())
}

pub(crate) fn is_slug(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn is_field_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_origin(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains('/')
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

fn is_fetch_url(url: &str) -> bool {
    url.starts_with("https://")
        || url.starts_with("http://localhost")
        || url.starts_with("http://127.0.0.1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert!(is_origin("https://shop.example"));
        assert!(is_origin("http://127.0.0.1:8080"));
        assert!(!is_origin("https://shop.example/"));
        assert!(!is_origin("shop.example"));
        assert!(!is_origin("ftp://x"));
    }
}
