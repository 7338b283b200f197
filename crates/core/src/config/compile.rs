//! The checks behind [`super::compile_raw`]: the site, appearance, FAQ, aids, redaction and
//! the shared checks (templates, patterns, terms, queues). The flow is in `flow_checks.rs`,
//! business hours in `hours_checks.rs`, triggers and experiments in `triggers.rs`.

use std::collections::BTreeSet;
use std::sync::Arc;

use regex_lite::{Regex, RegexBuilder};

use super::path::JsonPath;
use super::raw::{self, Position as Corner, RawConfig};
use super::{Problem, VERSION};
use crate::aids::{AgentAids, BrandVoice, KbLink, Script};
use crate::faq::{Faq, FaqEntry};
use crate::queue::is_slug;
use crate::redact::Redactor;
use crate::site::{Appearance, Site, YesNo};
use crate::template::Template;

/// How long the widget keeps an idle conversation when the config does not say.
const DEFAULT_REMEMBER_HOURS: u32 = 24;

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
    pub(crate) handoff_text: String,
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
        let drift = self.drift(&raw.drift, &root.key("drift"));
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
                remember_for: u64::from(raw.site.remember_hours.unwrap_or(DEFAULT_REMEMBER_HOURS))
                    * 3_600_000,
                appearance,
                flow,
                faq,
                triggers: triggers.into_iter().map(Arc::new).collect(),
                aids,
                redactor,
                experiments,
                drift,
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
        if let Some(hours) = site.remember_hours
            && !(1..=720).contains(&hours)
        {
            self.problem(
                path.key("remember_hours"),
                format!("{hours} is out of range: use 1–720 hours (30 days)"),
            );
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
        if !crate::queue::valid_queue_name(queue) {
            self.problem(
                at,
                format!("`{queue}` is not a valid queue name: use 1–64 of a-z, 0-9, `-`, `_`"),
            );
        }
        queue.to_owned()
    }
}

fn text_or(text: &Option<String>, default: &str) -> String {
    text.clone().unwrap_or_else(|| default.to_owned())
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
