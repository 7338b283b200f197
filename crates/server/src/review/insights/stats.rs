//! The statistics the reports use, each small enough to check by hand: Wilson intervals for
//! rates, a pooled two-proportion z-test for experiments, nearest-rank percentiles, and the
//! normal distribution they rest on.

/// The 97.5th percentile of the standard normal: 95% two-sided intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval at 95% for `k` successes in `n` trials; `None` when `n` is 0.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// The pooled two-proportion z-test of `k1/n1` against `k2/n2`: `(z, two-sided p)`, or
/// `None` when either arm is empty or the pooled rate is 0 or 1 (nothing varies).
pub fn two_proportion(k1: u64, n1: u64, k2: u64, n2: u64) -> Option<(f64, f64)> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (k1, n1, k2, n2) = (k1 as f64, n1 as f64, k2 as f64, n2 as f64);
    let pooled = (k1 + k2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return None;
    }
    let z = (k1 / n1 - k2 / n2) / se;
    Some((z, 2.0 * (1.0 - normal_cdf(z.abs()))))
}

/// The standard normal CDF, from `erf` (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

fn erf(x: f64) -> f64 {
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    sign * (1.0 - poly * (-x * x).exp())
}

/// The nearest-rank percentile `q` (0–1) of `values` (sorted here): the smallest value with
/// at least a fraction `q` of the values at or below it. `None` for no values.
pub fn percentile(values: &mut [u64], q: f64) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (q * values.len() as f64).ceil().max(1.0) as usize;
    values.get(rank.min(values.len()) - 1).copied()
}

/// Mean and its 95% normal-approximation interval (`None` interval below two values).
pub fn mean_interval(values: &[f64]) -> Option<(f64, Option<(f64, f64)>)> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return Some((mean, None));
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half = Z95 * (var / n).sqrt();
    Some((mean, Some((mean - half, mean + half))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn normal_cdf_matches_tables() {
        assert!(close(normal_cdf(0.0), 0.5, 1e-7));
        assert!(close(normal_cdf(1.959_964), 0.975, 1e-6));
        assert!(close(normal_cdf(-1.0), 0.158_655_25, 1e-6));
    }

    #[test]
    fn wilson_matches_a_worked_example() {
        // 10 of 100: Wilson 95% is 0.0552 to 0.1744 (Newcombe 1998, table I style check).
        let (lo, hi) = wilson(10, 100).expect("n > 0");
        assert!(
            close(lo, 0.0552, 1e-4) && close(hi, 0.1744, 1e-4),
            "{lo} {hi}"
        );
        assert_eq!(wilson(0, 0), None);
        let (lo, hi) = wilson(0, 5).expect("n > 0");
        assert!(lo == 0.0 && hi > 0.0);
    }

    #[test]
    fn two_proportion_matches_a_hand_computation() {
        // 30/100 vs 20/100: pooled 0.25, se = sqrt(0.25·0.75·0.02) = 0.061237, z = 1.63299,
        // p = 2·(1 − Φ(1.63299)) = 0.10247.
        let (z, p) = two_proportion(30, 100, 20, 100).expect("defined");
        assert!(
            close(z, 1.632_99, 1e-4) && close(p, 0.102_47, 1e-4),
            "{z} {p}"
        );
        assert_eq!(two_proportion(0, 10, 0, 10), None);
        assert_eq!(two_proportion(1, 0, 0, 10), None);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut v = vec![50, 10, 40, 20, 30];
        assert_eq!(percentile(&mut v, 0.5), Some(30));
        assert_eq!(percentile(&mut v, 0.9), Some(50));
        assert_eq!(percentile(&mut v, 0.0), Some(10));
        assert_eq!(percentile(&mut [], 0.5), None);
    }

    #[test]
    fn mean_interval_widens_with_spread() {
        let (m, ci) = mean_interval(&[4.0, 5.0]).expect("values");
        let (lo, hi) = ci.expect("two values");
        // sd = 0.7071, se = 0.5, half = 0.98.
        assert!(close(m, 4.5, 1e-12) && close(lo, 3.52, 1e-2) && close(hi, 5.48, 1e-2));
        assert_eq!(mean_interval(&[3.0]), Some((3.0, None)));
    }
}
