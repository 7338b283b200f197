//! Agent aids: reply scripts, knowledge-base links and the brand-voice guide.

use crate::matcher::PhraseMatcher;
use crate::template::{Template, Values};
use crate::trigger::Firing;

/// Compiled agent aids.
#[derive(Debug, Clone, Default)]
pub struct AgentAids {
    /// Reply templates.
    pub scripts: Vec<Script>,
    /// Knowledge-base articles.
    pub kb: Vec<KbLink>,
    kb_matcher: Option<PhraseMatcher>,
    kb_of_term: Vec<usize>,
    /// Brand voice.
    pub brand_voice: Option<BrandVoice>,
}

/// A reply template.
#[derive(Debug, Clone)]
pub struct Script {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Text with placeholders.
    pub text: Template,
    /// Suggested when one of these triggers fired; empty means always.
    pub triggers: Vec<String>,
}

/// A knowledge-base article.
#[derive(Debug, Clone, PartialEq)]
pub struct KbLink {
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
}

/// How the brand speaks.
#[derive(Debug, Clone, PartialEq)]
pub struct BrandVoice {
    /// Tone summary.
    pub tone: String,
    /// Do.
    pub dos: Vec<String>,
    /// Don't.
    pub donts: Vec<String>,
}

/// A script filled in for one conversation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SuggestedScript {
    /// Script id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Text with the placeholders filled.
    pub text: String,
}

impl AgentAids {
    /// Builds aids; `kb_terms[i]` are the match terms of `kb[i]`.
    pub fn new(
        scripts: Vec<Script>,
        kb: Vec<KbLink>,
        kb_terms: &[Vec<String>],
        brand_voice: Option<BrandVoice>,
    ) -> Result<AgentAids, crate::matcher::MatcherError> {
        let flat: Vec<&str> = kb_terms.iter().flatten().map(String::as_str).collect();
        let matcher = PhraseMatcher::new(&flat)?;
        let mut kb_of_term = vec![usize::MAX; matcher.len()];
        let mut k = 0;
        for (link, terms) in kb_terms.iter().enumerate() {
            for _ in terms {
                if let Some(slot) = matcher
                    .id_of_configured(k)
                    .and_then(|id| kb_of_term.get_mut(id))
                    && *slot == usize::MAX
                {
                    *slot = link;
                }
                k += 1;
            }
        }
        Ok(AgentAids {
            scripts,
            kb,
            kb_matcher: (!matcher.is_empty()).then_some(matcher),
            kb_of_term,
            brand_voice,
        })
    }

    /// Scripts for a conversation with these firings, filled from `values`.
    pub fn suggest_scripts(&self, firings: &[Firing], values: &Values<'_>) -> Vec<SuggestedScript> {
        self.scripts
            .iter()
            .filter(|s| {
                s.triggers.is_empty() || firings.iter().any(|f| s.triggers.contains(&f.trigger))
            })
            .map(|s| SuggestedScript {
                id: s.id.clone(),
                title: s.title.clone(),
                text: s.text.render(values),
            })
            .collect()
    }

    /// KB links whose terms occur in any of the folded texts, in config order.
    pub fn kb_links<'a>(&self, folded_texts: impl IntoIterator<Item = &'a str>) -> Vec<&KbLink> {
        let Some(matcher) = &self.kb_matcher else {
            return Vec::new();
        };
        let mut hit = vec![false; self.kb.len()];
        for text in folded_texts {
            matcher.each_match(text, |id| {
                if let Some(slot) = self.kb_of_term.get(id).and_then(|&link| hit.get_mut(link)) {
                    *slot = true;
                }
                true
            });
        }
        self.kb
            .iter()
            .zip(hit)
            .filter(|(_, h)| *h)
            .map(|(link, _)| link)
            .collect()
    }
}
