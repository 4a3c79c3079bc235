//! The spread of each deal's probability over the input draws: its average (with a Monte Carlo
//! interval), its percentiles (with bootstrap intervals), and the share of draws above each
//! threshold (Wilson interval on the effective sample size).

use super::driver::Draws;
use super::{percentile_interval, Weights};
use crate::analysis::stats::{t_quantile_975, wilson_interval};

/// The percentiles reported.
pub const LEVELS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];
/// Bootstrap resamples behind the intervals of percentiles.
pub const RESAMPLES: usize = 400;
/// Default `--thresholds` of `explore`: probabilities.
pub const DEFAULT_THRESHOLDS: [f64; 5] = [0.01, 0.03, 0.1, 0.25, 0.5];

/// A value with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Est {
    /// The estimate.
    pub value: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// One row of `uncertainty.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertaintyRow {
    /// Deal index.
    pub deal: usize,
    /// Metric position (in `probability_metrics` order).
    pub metric: usize,
    /// The probability averaged over the draws, with its Monte Carlo interval.
    pub mean: Est,
    /// The percentiles of [`LEVELS`] over the draws.
    pub percentiles: Vec<Est>,
    /// Share of draws above each threshold.
    pub above: Vec<Est>,
}

/// The rows of every deal and metric under `weights`.
pub fn uncertainty(
    draws: &Draws,
    deals: usize,
    metrics: usize,
    thresholds: &[f64],
    weights: &Weights,
    seed: u64,
) -> Vec<UncertaintyRow> {
    let ess = weights.ess();
    let boots = weights.resamples(seed, "explore-percentiles", RESAMPLES);
    let mut rows = Vec::new();
    for deal in 0..deals {
        for metric in (0..metrics).filter(|&m| draws.has(deal, m)) {
            let x = draws.column(deal, metric);
            let mean = weights.mean(&x);
            let var: f64 = weights
                .w
                .iter()
                .zip(&x)
                .map(|(w, x)| w * (x - mean).powi(2))
                .sum::<f64>()
                * ess
                / (ess - 1.0).max(1.0);
            // Two sources of error: which draws were made (the spread over draws / ESS), and the
            // replications, shared by every draw (common random numbers), whose per-replication
            // averages over the draws vary.
            let y = draws.replication_means(deal, metric, &weights.w);
            let m = y.len().max(2) as f64;
            let ybar = y.iter().sum::<f64>() / m;
            let var_rep = y.iter().map(|v| (v - ybar).powi(2)).sum::<f64>() / (m - 1.0);
            let half = t_quantile_975((ess.floor() as usize).saturating_sub(1).max(1))
                * (var / ess.max(1.0) + var_rep / m).sqrt();
            let mean = Est {
                value: mean,
                low: (mean - half).max(0.0),
                high: (mean + half).min(1.0),
            };
            let equal = Weights::equal(x.len());
            let percentiles = LEVELS
                .iter()
                .map(|&q| {
                    let value = weights.quantile(&x, q);
                    let b: Vec<f64> = boots
                        .iter()
                        .map(|idx| {
                            let xs: Vec<f64> = idx.iter().map(|&i| x[i]).collect();
                            equal.quantile(&xs, q)
                        })
                        .collect();
                    let (low, high) = percentile_interval(b);
                    Est { value, low, high }
                })
                .collect();
            let above = thresholds
                .iter()
                .map(|&t| {
                    let s = weights.share(|i| x[i] > t);
                    let (low, high) = wilson_interval(s * ess, ess);
                    Est {
                        value: s,
                        low,
                        high,
                    }
                })
                .collect();
            rows.push(UncertaintyRow {
                deal,
                metric,
                mean,
                percentiles,
                above,
            });
        }
    }
    rows
}

/// How precise the percentiles of `metric` are, and what a target would take: the widest
/// half-width of their 95% intervals over the deals (with its deal and percentile level index),
/// and the draws that would bring it to `target`, the half-width falling as one over the square
/// root of the draws (an estimate: the intervals are bootstrap ones). None when every
/// percentile is exact (a structural zero) or not a number.
pub fn draws_for(
    rows: &[UncertaintyRow],
    metric: usize,
    draws: usize,
    target: f64,
) -> Option<(f64, usize, usize, usize)> {
    let (hw, deal, level) = rows
        .iter()
        .filter(|r| r.metric == metric)
        .flat_map(|r| {
            r.percentiles
                .iter()
                .enumerate()
                .map(move |(l, e)| ((e.high - e.low) / 2.0, r.deal, l))
        })
        .filter(|(hw, _, _)| hw.is_finite() && *hw > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    // Less a hair: (0.05 / 0.02)^2 x 100 is 625, not 626.
    let needed = (draws as f64 * (hw / target).powi(2) - 1e-9).ceil() as usize;
    Some((hw, deal, level, needed.max(draws)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(deal: usize, halves: [f64; 5]) -> UncertaintyRow {
        let e = |h: f64| Est {
            value: 0.5,
            low: 0.5 - h,
            high: 0.5 + h,
        };
        UncertaintyRow {
            deal,
            metric: 0,
            mean: e(0.01),
            percentiles: halves.iter().map(|h| e(*h)).collect(),
            above: Vec::new(),
        }
    }

    #[test]
    fn draws_for_a_target_follow_the_square_root_law() {
        let rows = [row(0, [0.0; 5]), row(1, [0.02, 0.03, 0.04, 0.03, 0.05])];
        let (hw, deal, level, needed) = draws_for(&rows, 0, 100, 0.02).unwrap();
        assert!((hw - 0.05).abs() < 1e-12);
        assert_eq!((deal, level), (1, 4));
        // (0.05 / 0.02)^2 = 6.25 times the draws.
        assert_eq!(needed, 625);
        // Already precise enough: no more draws.
        assert_eq!(draws_for(&rows, 0, 100, 0.1).unwrap().3, 100);
        // Exact percentiles (a structural zero) say nothing.
        assert!(draws_for(&rows[..1], 0, 100, 0.02).is_none());
    }
}
