//! Per-variant figures and the verdict of each experiment.

use baton_core::Site;

use super::{
    ALPHA, Comparison, Context, ExperimentReport, MIN_PER_ARM, VariantReport, Verdict, stats,
};
use crate::store::ConversationRecord;

pub(super) fn experiments(
    site: &Site,
    conversations: &[&ConversationRecord],
    ctx: &Context<'_>,
) -> Vec<ExperimentReport> {
    site.experiments
        .iter()
        .map(|experiment| {
            let variants: Vec<VariantReport> = experiment
                .variants
                .iter()
                .map(|variant| {
                    let members: Vec<&ConversationRecord> = conversations
                        .iter()
                        .copied()
                        .filter(|c| {
                            c.variants
                                .iter()
                                .any(|a| a.experiment == experiment.id && a.variant == variant.id)
                        })
                        .collect();
                    VariantReport {
                        id: variant.id.clone(),
                        weight: variant.weight,
                        figures: ctx.figures(&members),
                    }
                })
                .collect();
            ExperimentReport {
                id: experiment.id.clone(),
                description: experiment.description.clone(),
                verdict: verdict(&variants),
                variants,
            }
        })
        .collect()
}

/// Each variant's escalation rate against the first variant's, by the pooled two-proportion
/// z-test, two-sided, at α = 0.05 split evenly over the comparisons (Bonferroni).
fn verdict(variants: &[VariantReport]) -> Verdict {
    let comparisons_made = variants.len().saturating_sub(1).max(1);
    let alpha = ALPHA / comparisons_made as f64;
    let test = format!(
        "pooled two-proportion z-test, two-sided, α = {alpha:.3}{}",
        if comparisons_made > 1 {
            " (0.05 Bonferroni-corrected)"
        } else {
            ""
        }
    );
    let Some((control, rest)) = variants.split_first() else {
        return Verdict {
            metric: "escalation rate".into(),
            test,
            significant: false,
            comparisons: vec![],
            summary: "no variants".into(),
        };
    };
    let arm = |v: &VariantReport| {
        let r = v.figures.escalation_rate;
        (r.count, r.of)
    };
    let (ck, cn) = arm(control);
    let comparisons: Vec<Comparison> = rest
        .iter()
        .map(|v| {
            let (k, n) = arm(v);
            let test = stats::two_proportion(k, n, ck, cn);
            let enough = n >= MIN_PER_ARM && cn >= MIN_PER_ARM;
            Comparison {
                variant: v.id.clone(),
                control: control.id.clone(),
                difference: v
                    .figures
                    .escalation_rate
                    .value
                    .zip(control.figures.escalation_rate.value)
                    .map(|(a, b)| a - b),
                z: test.map(|t| t.0),
                p: test.map(|t| t.1),
                significant: enough && test.is_some_and(|t| t.1 < alpha),
            }
        })
        .collect();
    let significant = comparisons.iter().any(|c| c.significant);
    let summary = summary(&comparisons, alpha, variants);
    Verdict {
        metric: "escalation rate".into(),
        test,
        significant,
        comparisons,
        summary,
    }
}

fn summary(comparisons: &[Comparison], alpha: f64, variants: &[VariantReport]) -> String {
    let short: Vec<&VariantReport> = variants
        .iter()
        .filter(|v| v.figures.escalation_rate.of < MIN_PER_ARM)
        .collect();
    if let Some(v) = short.first() {
        return format!(
            "Not yet: variant `{}` has {} finished conversations; each needs {MIN_PER_ARM}.",
            v.id, v.figures.escalation_rate.of
        );
    }
    let parts: Vec<String> = comparisons
        .iter()
        .map(|c| {
            let diff = c.difference.unwrap_or(0.0) * 100.0;
            let direction = if diff < 0.0 { "less" } else { "more" };
            match c.p {
                Some(p) if c.significant => format!(
                    "Significant: `{}` escalates {:.1} points {direction} than `{}` ({}, level {alpha:.3}).",
                    c.variant,
                    diff.abs(),
                    c.control,
                    p_value(p)
                ),
                Some(p) => format!(
                    "Not yet: `{}` differs from `{}` by {:.1} points ({}, level {alpha:.3}).",
                    c.variant,
                    c.control,
                    diff.abs(),
                    p_value(p)
                ),
                None => format!(
                    "Not yet: `{}` and `{}` cannot be compared (no variation).",
                    c.variant, c.control
                ),
            }
        })
        .collect();
    parts.join(" ")
}

/// `p = 0.0123`, or `p < 0.0001` for what four decimals would show as zero.
fn p_value(p: f64) -> String {
    if p < 0.0001 {
        "p < 0.0001".to_owned()
    } else {
        format!("p = {p:.4}")
    }
}
