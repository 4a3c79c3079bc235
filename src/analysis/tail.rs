//! Tail risk of a run: value at risk, expected shortfall and exceedance probabilities, with intervals.

use crate::analysis::stats::{quantile_sorted, wilson_interval, MeanCi};
use crate::error::Result;
use crate::sim::metrics::{self, idx};
use crate::sim::spool::Spool;

/// The metrics `tail.csv` describes.
pub const TAIL_METRICS: [usize; 4] = [
    idx::RECORDS_LEAKED,
    idx::EXPOSURE,
    idx::LOSS,
    idx::TOTAL_COST,
];

/// Default exceedance thresholds of `tail.csv`.
pub const DEFAULT_THRESHOLDS: [f64; 6] = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/// One row of `tail.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct TailRow {
    /// Metric name.
    pub metric: &'static str,
    /// `var`, `es` or `exceedance`.
    pub statistic: &'static str,
    /// Confidence level (VaR, ES) or threshold (exceedance).
    pub level: f64,
    /// Estimate.
    pub value: f64,
    /// 95% interval.
    pub ci95_low: f64,
    /// 95% interval.
    pub ci95_high: f64,
}

/// The values of metric `m` in a run, in replication order, empty (NaN) cells left out.
pub fn present(rows: &Spool, m: usize) -> Result<Vec<f64>> {
    let mut v = rows.metric(m)?;
    v.retain(|x| !x.is_nan());
    Ok(v)
}

/// Value at risk at level `q` of sorted data, with a distribution-free 95% interval from order
/// statistics.
pub fn value_at_risk(sorted: &[f64], q: f64) -> (f64, f64, f64) {
    let n = sorted.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let v = quantile_sorted(sorted, q);
    let j = n as f64 * q;
    let se = (n as f64 * q * (1.0 - q)).sqrt();
    let lo = ((j - 1.96 * se).floor().max(0.0) as usize).min(n - 1);
    let hi = ((j + 1.96 * se).ceil().max(0.0) as usize).min(n - 1);
    (v, sorted[lo].min(v), sorted[hi].max(v))
}

/// Expected shortfall (mean of the worst `1 - q` share) with an asymptotic 95% interval.
pub fn expected_shortfall(sorted: &[f64], q: f64) -> (f64, f64, f64) {
    let n = sorted.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let k = ((n as f64 * q).floor() as usize).min(n - 1);
    let tail = &sorted[k..];
    let ci = MeanCi::of(tail);
    let var = quantile_sorted(sorted, q);
    let tail_var = if tail.len() > 1 { ci.sd * ci.sd } else { 0.0 };
    let se = ((tail_var + q * (ci.mean - var).powi(2)) / (n as f64 * (1.0 - q))).sqrt();
    (ci.mean, ci.mean - 1.96 * se, ci.mean + 1.96 * se)
}

/// Tail rows for every metric of [`TAIL_METRICS`] (one metric column in memory at a time).
pub fn tail(rows: &Spool, thresholds: &[f64]) -> Result<Vec<TailRow>> {
    let mut out = Vec::new();
    for &m in &TAIL_METRICS {
        let name = metrics::NAMES[m];
        let mut v = present(rows, m)?;
        v.sort_unstable_by(f64::total_cmp);
        for q in [0.90, 0.95, 0.99] {
            let (value, lo, hi) = value_at_risk(&v, q);
            out.push(TailRow {
                metric: name,
                statistic: "var",
                level: q,
                value,
                ci95_low: lo,
                ci95_high: hi,
            });
        }
        for q in [0.95, 0.99] {
            let (value, lo, hi) = expected_shortfall(&v, q);
            out.push(TailRow {
                metric: name,
                statistic: "es",
                level: q,
                value,
                ci95_low: lo,
                ci95_high: hi,
            });
        }
        for &t in thresholds {
            let k = v.iter().filter(|&&x| x > t).count() as f64;
            let n = v.len() as f64;
            let (lo, hi) = wilson_interval(k, n);
            out.push(TailRow {
                metric: name,
                statistic: "exceedance",
                level: t,
                value: k / n,
                ci95_low: lo,
                ci95_high: hi,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_and_es_of_uniform_grid() {
        let v: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let (var, lo, hi) = value_at_risk(&v, 0.95);
        assert!((var - 949.05).abs() < 1e-9 && lo < var && hi > var);
        let (es, elo, ehi) = expected_shortfall(&v, 0.95);
        assert!((es - 974.5).abs() < 1e-9 && elo < es && ehi > es);
    }
}
