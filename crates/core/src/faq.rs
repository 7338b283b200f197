//! The FAQ: answers the bot can give to free-text questions.

use crate::matcher::PhraseMatcher;

/// A compiled FAQ.
#[derive(Debug, Clone)]
pub struct Faq {
    /// Entries in config order.
    pub entries: Vec<FaqEntry>,
    matcher: PhraseMatcher,
    /// Matcher id → (entry index, weight). A term listed by two entries counts for the first.
    term_entry: Vec<(usize, usize)>,
}

/// One answerable question.
#[derive(Debug, Clone)]
pub struct FaqEntry {
    /// Id from the config.
    pub id: String,
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
}

impl Faq {
    /// Builds the index. `terms[i]` are the match terms of `entries[i]`.
    pub fn new(
        entries: Vec<FaqEntry>,
        terms: &[Vec<String>],
    ) -> Result<Faq, crate::matcher::MatcherError> {
        let flat: Vec<&str> = terms.iter().flatten().map(String::as_str).collect();
        let matcher = PhraseMatcher::new(&flat)?;
        let mut term_entry = vec![(usize::MAX, 0); matcher.len()];
        let mut k = 0;
        for (entry, list) in terms.iter().enumerate() {
            for term in list {
                if let Some(slot) = matcher
                    .id_of_configured(k)
                    .and_then(|id| term_entry.get_mut(id))
                    && slot.0 == usize::MAX
                {
                    // Longer terms are more specific, so they weigh more.
                    *slot = (entry, crate::text::fold(term).chars().count());
                }
                k += 1;
            }
        }
        Ok(Faq {
            entries,
            matcher,
            term_entry,
        })
    }

    /// The best entry for a folded question: the one whose distinct matched terms weigh the
    /// most (ties go to the earlier entry); `None` when no term matches.
    pub fn lookup(&self, folded: &str) -> Option<&FaqEntry> {
        let mut scores = vec![0usize; self.entries.len()];
        let mut seen = vec![false; self.term_entry.len()];
        self.matcher.each_match(folded, |id| {
            if let (Some(&(entry, weight)), Some(seen)) =
                (self.term_entry.get(id), seen.get_mut(id))
                && !*seen
            {
                *seen = true;
                if let Some(score) = scores.get_mut(entry) {
                    *score += weight;
                }
            }
            true
        });
        let (best, &score) = scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
        if score == 0 {
            return None;
        }
        self.entries.get(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn faq() -> Faq {
        let entry = |id: &str| FaqEntry {
            id: id.into(),
            question: String::new(),
            answer: id.into(),
        };
        Faq::new(
            vec![entry("shipping"), entry("returns")],
            &[
                vec!["shipping".into(), "delivery time".into()],
                vec!["return".into(), "send back".into(), "refund".into()],
            ],
        )
        .unwrap()
    }

    #[test]
    fn picks_the_best_entry() {
        let faq = faq();
        let id = |q: &str| faq.lookup(&fold(q)).map(|e| e.id.clone());
        assert_eq!(id("What's the delivery time?"), Some("shipping".into()));
        assert_eq!(
            id("can I send back my shipping box for a refund"),
            Some("returns".into())
        );
        assert_eq!(id("hello"), None);
    }
}
