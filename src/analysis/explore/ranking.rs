//! How the deals rank across the input draws: for each ordered pair, the share of draws in which
//! the first deal's probability is below the second's; for each deal, the share of draws in which
//! it takes each rank (1: lowest probability). Deals share every draw's inputs and replications,
//! so these are paired comparisons.

use super::driver::Draws;
use super::quantiles::Est;
use super::Weights;
use crate::analysis::stats::wilson_interval;

/// One row of `ranking.csv`.
#[derive(Clone, Debug, PartialEq)]
pub enum RankRow {
    /// Share of draws with `deal` strictly below `other`.
    Below {
        /// Metric position.
        metric: usize,
        /// The deal.
        deal: usize,
        /// The other deal.
        other: usize,
        /// The share with its Wilson interval (on the effective sample size).
        share: Est,
    },
    /// Share of draws in which `deal` takes rank `rank` (1 + the deals strictly below it).
    Rank {
        /// Metric position.
        metric: usize,
        /// The deal.
        deal: usize,
        /// The rank, from 1.
        rank: usize,
        /// The share with its Wilson interval.
        share: Est,
    },
}

fn est(share: f64, ess: f64) -> Est {
    let (low, high) = wilson_interval(share * ess, ess);
    Est {
        value: share,
        low,
        high,
    }
}

/// The pair and rank rows of every metric under `weights`, among the deals that have it.
pub fn ranking(draws: &Draws, metrics: usize, weights: &Weights) -> Vec<RankRow> {
    let ess = weights.ess();
    let mut rows = Vec::new();
    for metric in 0..metrics {
        let present = draws.deals_with(metric);
        for &deal in &present {
            for &other in &present {
                if other == deal {
                    continue;
                }
                let s = weights.share(|d| draws.p[d][deal][metric] < draws.p[d][other][metric]);
                rows.push(RankRow::Below {
                    metric,
                    deal,
                    other,
                    share: est(s, ess),
                });
            }
        }
        for &deal in &present {
            for rank in 1..=present.len() {
                let s = weights.share(|d| {
                    let x = draws.p[d][deal][metric];
                    1 + present
                        .iter()
                        .filter(|&&o| draws.p[d][o][metric] < x)
                        .count()
                        == rank
                });
                rows.push(RankRow::Rank {
                    metric,
                    deal,
                    rank,
                    share: est(s, ess),
                });
            }
        }
    }
    rows
}
