//! Paired comparison of two runs on common random numbers, replication by replication.

use crate::analysis::stats::{wilson_interval, MeanCi};
use crate::sim::metrics;

/// A scenario's metric compared with the baseline's, replication by replication.
#[derive(Clone, Debug, PartialEq)]
pub struct Paired {
    /// Mean of the scenario's metric (and its 95% interval; Wilson for probabilities).
    pub mean: MeanCi,
    /// Mean paired difference scenario - baseline, with its 95% interval.
    pub delta: MeanCi,
    /// Share of replications where the scenario is below the baseline.
    pub p_lower: f64,
    /// Share of replications where the scenario is above the baseline.
    pub p_higher: f64,
}

/// Compares the values of metric `m` in a run (`values`) with the baseline's (`base`), pairing
/// replications by index.
pub fn paired(values: &[f64], base: &[f64], m: usize) -> Paired {
    paired_as(values, base, metrics::is_probability(m))
}

/// [`paired`] for a column that is a probability (0/1 values) when `probability` is set, e.g. a
/// named window's `reached.NAME`.
pub fn paired_as(values: &[f64], base: &[f64], probability: bool) -> Paired {
    let mut own = Vec::with_capacity(values.len());
    let mut diffs = Vec::with_capacity(values.len());
    let (mut lower, mut higher) = (0usize, 0usize);
    let mut table = [[0.0f64; 2]; 2];
    for (&x, &y) in values.iter().zip(base) {
        if !x.is_nan() {
            own.push(x);
        }
        if x.is_nan() || y.is_nan() {
            continue;
        }
        diffs.push(x - y);
        lower += usize::from(x < y);
        higher += usize::from(x > y);
        if probability {
            table[usize::from(x > 0.5)][usize::from(y > 0.5)] += 1.0;
        }
    }
    let mut mean = MeanCi::of(&own);
    let mut delta = MeanCi::of(&diffs);
    mean.low = crate::analysis::stats::clamp_low(mean.low, &own);
    if probability {
        let n = own.len() as f64;
        (mean.low, mean.high) = wilson_interval(own.iter().sum(), n);
        (delta.low, delta.high) = newcombe_paired(table);
    }
    let n = diffs.len().max(1) as f64;
    Paired {
        mean,
        delta,
        p_lower: lower as f64 / n,
        p_higher: higher as f64 / n,
    }
}

/// Newcombe's hybrid score interval (method 10) for the difference of paired proportions;
/// `table[a][b]` counts replications with scenario outcome `a` and baseline outcome `b`.
pub fn newcombe_paired(table: [[f64; 2]; 2]) -> (f64, f64) {
    let n = table[0][0] + table[0][1] + table[1][0] + table[1][1];
    if n == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let p1 = (table[1][0] + table[1][1]) / n;
    let p2 = (table[0][1] + table[1][1]) / n;
    let (l1, u1) = wilson_interval(p1 * n, n);
    let (l2, u2) = wilson_interval(p2 * n, n);
    let (a, b, c, d) = (table[1][1], table[1][0], table[0][1], table[0][0]);
    let denom = ((a + b) * (c + d) * (a + c) * (b + d)).sqrt();
    let phi = if denom > 0.0 {
        (a * d - b * c) / denom
    } else {
        0.0
    };
    let delta = p1 - p2;
    let lo = delta
        - ((p1 - l1).powi(2) - 2.0 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2).powi(2))
            .max(0.0)
            .sqrt();
    let hi = delta
        + ((u1 - p1).powi(2) - 2.0 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2).powi(2))
            .max(0.0)
            .sqrt();
    (lo.max(-1.0), hi.min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newcombe_contains_the_difference() {
        let (lo, hi) = newcombe_paired([[40.0, 5.0], [15.0, 40.0]]);
        let d = (55.0 - 45.0) / 100.0;
        assert!(lo < d && d < hi && lo > -0.1 && hi < 0.3, "{lo} {hi}");
    }
}
