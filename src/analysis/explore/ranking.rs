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

/// The pair and rank rows of every metric under `weights`.
pub fn ranking(draws: &Draws, deals: usize, metrics: usize, weights: &Weights) -> Vec<RankRow> {
    let ess = weights.ess();
    let mut rows = Vec::new();
    for metric in 0..metrics {
        for deal in 0..deals {
            for other in 0..deals {
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
        for deal in 0..deals {
            for rank in 1..=deals {
                let s = weights.share(|d| {
                    let x = draws.p[d][deal][metric];
                    1 + (0..deals).filter(|&o| draws.p[d][o][metric] < x).count() == rank
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
