//! A/B experiments on trigger settings, with sticky assignment.
//!
//! A visitor's variant is a pure function of the experiment id and the visitor id
//! ([`Experiment::assign`]), so the widget and the server compute the same answer without
//! talking, and a returning visitor keeps their variant.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::trigger::Trigger;

/// A compiled experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// Id from the config.
    pub id: String,
    /// Description from the config.
    pub description: Option<String>,
    /// Variants; weights add up to 100.
    pub variants: Vec<Variant>,
}

/// One arm.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Id from the config.
    pub id: String,
    /// Percent of visitors.
    pub weight: u32,
    /// Trigger index → the trigger as this variant has it.
    pub overrides: Vec<(usize, Arc<Trigger>)>,
}

/// Which variant of which experiment a conversation runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Experiment id.
    pub experiment: String,
    /// Variant id.
    pub variant: String,
}

impl Experiment {
    /// The variant index for a visitor: FNV-1a (64-bit) of `experiment id`, a zero byte and
    /// `visitor id`, modulo 100, placed on the cumulative weights.
    pub fn assign(&self, visitor: &str) -> usize {
        let bucket = (bucket_hash(&self.id, visitor) % 100) as u32;
        let mut upper = 0;
        for (i, v) in self.variants.iter().enumerate() {
            upper += v.weight;
            if bucket < upper {
                return i;
            }
        }
        self.variants.len().saturating_sub(1)
    }
}

/// The variant `visitor` runs of each experiment, in config order.
pub fn chosen<'a>(
    experiments: &'a [Experiment],
    visitor: &'a str,
) -> impl Iterator<Item = (&'a Experiment, &'a Variant)> + 'a {
    experiments
        .iter()
        .filter_map(move |e| e.variants.get(e.assign(visitor)).map(|v| (e, v)))
}

/// [`chosen`] as the assignments a conversation records.
pub fn assignments(experiments: &[Experiment], visitor: &str) -> Vec<Assignment> {
    chosen(experiments, visitor)
        .map(|(e, v)| Assignment {
            experiment: e.id.clone(),
            variant: v.id.clone(),
        })
        .collect()
}

fn bucket_hash(experiment: &str, visitor: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let bytes = experiment.bytes().chain([0]).chain(visitor.bytes());
    bytes.fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn experiment(weights: &[u32]) -> Experiment {
        Experiment {
            id: "exp".into(),
            description: None,
            variants: weights
                .iter()
                .enumerate()
                .map(|(i, &weight)| Variant {
                    id: i.to_string(),
                    weight,
                    overrides: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn assignment_is_sticky_and_follows_weights() {
        let e = experiment(&[20, 80]);
        let n = 10_000;
        let first = (0..n)
            .filter(|i| e.assign(&format!("visitor-{i}")) == 0)
            .count();
        assert!(
            (1_700..2_300).contains(&first),
            "{first} of {n} in the 20% arm"
        );
        assert_eq!(e.assign("ana"), e.assign("ana"));
    }

    #[test]
    fn hash_is_the_published_fnv1a() {
        // FNV-1a 64 of "a\0b", computed independently (Python: offset basis, xor, multiply by the prime mod 2^64).
        assert_eq!(bucket_hash("a", "b"), 0xe5d2_9919_0426_66b2);
    }
}
