//! Whole-word phrase matching over folded text, built on a double-array Aho-Corasick automaton.
//!
//! A [`PhraseMatcher`] is built once from configured terms (keywords, "talk to a person"
//! phrases, FAQ terms) and then scans a folded message (see [`crate::text::fold`]) in one pass,
//! whatever the number of terms. A match counts only on word boundaries: `lawyer` matches
//! "my lawyer." but not "lawyers" or "slawyer". Terms that begin or end in a script written
//! without spaces (Chinese, Japanese, Thai…) need no boundary on that side.

use std::collections::BTreeMap;

use daachorse::DoubleArrayAhoCorasick;

use crate::text::{fold, is_unspaced_script};

/// A set of terms matched as whole words.
#[derive(Clone)]
pub struct PhraseMatcher {
    /// `None` when there are no terms: daachorse refuses an empty pattern set.
    automaton: Option<DoubleArrayAhoCorasick<u32>>,
    /// Per automaton value: the term as configured, and which edges need a word boundary.
    terms: Vec<Term>,
    /// Per configured term (input order): its index in `terms`.
    configured: Vec<u32>,
}

#[derive(Clone, Debug)]
struct Term {
    text: String,
    left_boundary: bool,
    right_boundary: bool,
}

/// Why a set of terms could not become a matcher.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatcherError {
    /// A term has no letters or digits, so it could never match.
    #[error("term {index} (`{term}`) has no letters or digits")]
    EmptyTerm {
        /// Position of the term in the list.
        index: usize,
        /// The term as written.
        term: String,
    },
    /// The automaton could not be built (too many or too long terms).
    #[error("cannot build the matcher: {0}")]
    Build(String),
}

impl std::fmt::Debug for PhraseMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhraseMatcher")
            .field("terms", &self.terms.len())
            .finish()
    }
}

impl PhraseMatcher {
    /// Builds a matcher. Terms are folded; terms that fold to the same text are merged (the
    /// first spelling is the one reported).
    pub fn new<S: AsRef<str>>(terms: &[S]) -> Result<PhraseMatcher, MatcherError> {
        let mut by_folded: BTreeMap<String, u32> = BTreeMap::new();
        let mut unique: Vec<Term> = Vec::new();
        let mut configured = Vec::with_capacity(terms.len());
        for (index, term) in terms.iter().enumerate() {
            let term = term.as_ref();
            let folded = fold(term);
            let (Some(first), Some(last)) = (folded.chars().next(), folded.chars().last()) else {
                return Err(MatcherError::EmptyTerm {
                    index,
                    term: term.to_owned(),
                });
            };
            let next =
                u32::try_from(unique.len()).map_err(|e| MatcherError::Build(e.to_string()))?;
            let id = *by_folded.entry(folded).or_insert_with(|| {
                unique.push(Term {
                    text: term.to_owned(),
                    left_boundary: !is_unspaced_script(first),
                    right_boundary: !is_unspaced_script(last),
                });
                next
            });
            configured.push(id);
        }
        let automaton = if by_folded.is_empty() {
            None
        } else {
            let patterns = by_folded.iter().map(|(folded, &id)| (folded.as_str(), id));
            Some(
                DoubleArrayAhoCorasick::with_values(patterns)
                    .map_err(|e| MatcherError::Build(e.to_string()))?,
            )
        };
        Ok(PhraseMatcher {
            automaton,
            terms: unique,
            configured,
        })
    }

    /// A matcher with no terms; it never matches.
    pub fn empty() -> PhraseMatcher {
        PhraseMatcher {
            automaton: None,
            terms: Vec::new(),
            configured: Vec::new(),
        }
    }

    /// Number of distinct terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether there are no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The term (as configured) reported for match id `id`.
    pub fn term(&self, id: usize) -> &str {
        self.terms.get(id).map_or("", |t| t.text.as_str())
    }

    /// The match id of the `index`-th configured term.
    pub fn id_of_configured(&self, index: usize) -> Option<usize> {
        self.configured.get(index).map(|&id| id as usize)
    }

    /// The first whole-word match in `folded` (by end position), as a match id.
    pub fn first_match(&self, folded: &str) -> Option<usize> {
        let mut found = None;
        self.each_match(folded, |id| {
            found = Some(id);
            false
        });
        found
    }

    /// Calls `visit` with the id of every whole-word match in `folded`, in order of end
    /// position, until it returns `false`. A term that occurs twice is visited twice.
    pub fn each_match(&self, folded: &str, mut visit: impl FnMut(usize) -> bool) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        let bytes = folded.as_bytes();
        for m in automaton.find_overlapping_iter(folded) {
            let id = m.value() as usize;
            let Some(term) = self.terms.get(id) else {
                continue;
            };
            let left_ok =
                !term.left_boundary || m.start() == 0 || bytes.get(m.start() - 1) == Some(&b' ');
            let right_ok =
                !term.right_boundary || m.end() == bytes.len() || bytes.get(m.end()) == Some(&b' ');
            if left_ok && right_ok && !visit(id) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(terms: &[&str], text: &str) -> Option<String> {
        let m = PhraseMatcher::new(terms).unwrap();
        m.first_match(&fold(text)).map(|id| m.term(id).to_owned())
    }

    #[test]
    fn matches_whole_words_only() {
        assert_eq!(
            first(&["lawyer"], "I will call my LAWYER!"),
            Some("lawyer".into())
        );
        assert_eq!(first(&["lawyer"], "lawyers are expensive"), None);
        assert_eq!(first(&["law"], "my lawyer"), None);
        assert_eq!(
            first(&["legal action"], "Legal-Action now"),
            Some("legal action".into())
        );
    }

    #[test]
    fn is_accent_and_width_insensitive() {
        assert_eq!(first(&["cafe"], "un CAFÉ"), Some("cafe".into()));
        assert_eq!(
            first(&["Rückerstattung"], "rueckerstattung? ruckerstattung!"),
            Some("Rückerstattung".into())
        );
        assert_eq!(first(&["lawyer"], "ＬＡＷＹＥＲ"), Some("lawyer".into()));
    }

    #[test]
    fn unspaced_scripts_match_inside_text() {
        assert_eq!(
            first(&["弁護士"], "弁護士に相談します"),
            Some("弁護士".into())
        );
    }

    #[test]
    fn shorter_term_still_matches_when_longer_overlapping_one_fails_boundary() {
        assert_eq!(
            first(&["refund", "refunds please"], "refund pleased"),
            Some("refund".into())
        );
    }

    #[test]
    fn duplicates_merge_and_empty_terms_are_errors() {
        let m = PhraseMatcher::new(&["Refund", "refund", "REFUND"]).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m.id_of_configured(2), Some(0));
        assert_eq!(
            PhraseMatcher::new(&["ok", "!!"]).unwrap_err(),
            MatcherError::EmptyTerm {
                index: 1,
                term: "!!".into()
            }
        );
        let empty = PhraseMatcher::new::<&str>(&[]).unwrap();
        assert_eq!(empty.first_match("anything"), None);
    }
}
