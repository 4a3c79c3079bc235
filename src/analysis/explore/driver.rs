//! The two-level driver: for each draw of the inputs, every deal with its inputs fixed at the
//! draw's values, M replications on common random numbers (the same seed and replications
//! 0..M for every deal and every draw), and each probability metric's estimate with its standard
//! error.

use super::design::Design;
use super::inputs::InputList;
use crate::analysis::precision::Progress;
use crate::error::{Error, Result};
use crate::scenario::{tree, Scenario};
use crate::sim::execute::Executor;
use crate::sim::metrics;

/// What the driver runs.
pub struct Plan<'a> {
    /// The deals, as loaded (with `--set` applied).
    pub deals: &'a [Scenario],
    /// The inputs.
    pub inputs: &'a InputList,
    /// The draws' quantiles.
    pub design: &'a Design,
    /// The draws to run (all of them, or a shard's range).
    pub draws: std::ops::Range<usize>,
    /// Inner replications per draw and deal.
    pub reps: u64,
    /// Seed of the replications' streams (and of the design).
    pub seed: u64,
    /// Worker threads (None: all cores).
    pub threads: Option<usize>,
    /// Work budget of a replication.
    pub max_events: u64,
}

/// The probability metrics an exploration estimates, headline (`reached`) first.
pub fn probability_metrics() -> Vec<usize> {
    let mut v: Vec<usize> = (0..metrics::idx::COUNT)
        .filter(|&i| metrics::is_probability(i))
        .collect();
    v.sort_by_key(|&i| (i != metrics::idx::REACHED, i));
    v
}

/// The window metrics every deal has (`[question] also`), in the first deal's order: their
/// names, without the `reached.` prefix.
pub fn common_windows(deals: &[Scenario]) -> Vec<String> {
    let Some(first) = deals.first() else {
        return Vec::new();
    };
    first
        .question
        .also
        .iter()
        .map(|w| w.name.clone())
        .filter(|n| {
            deals
                .iter()
                .all(|d| d.question.also.iter().any(|w| &w.name == n))
        })
        .collect()
}

/// The names of the metrics an exploration estimates: [`probability_metrics`], then
/// `reached.NAME` for each of [`common_windows`].
pub fn metric_names(deals: &[Scenario]) -> Vec<String> {
    probability_metrics()
        .into_iter()
        .map(|m| metrics::NAMES[m].to_string())
        .chain(common_windows(deals).iter().map(|n| format!("reached.{n}")))
        .collect()
}

/// The estimates of every draw: `p[draw][deal][metric]` (metric in [`probability_metrics`] order)
/// with the replications behind each. Serialisable (every field), for the shards of an
/// exploration.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draws {
    /// Index of the first draw held (0 unless a shard).
    pub first: usize,
    /// Estimates.
    pub p: Vec<Vec<Vec<f64>>>,
    /// Replications per estimate.
    pub reps: u64,
    /// The 0/1 outcome of every replication, `hits[draw][deal][metric]` as bits (replication r
    /// is bit r % 64 of word r / 64): what the Monte Carlo interval of an average needs, since
    /// replication r sees the same random numbers in every draw.
    pub hits: Vec<Vec<Vec<Vec<u64>>>>,
}

impl Draws {
    /// The draws of consecutive ranges (`parts` in draw order, each starting where the one before
    /// it ends) as one: every per-draw field concatenated. The fields are named one by one so that
    /// a field added to `Draws` cannot be left out of the join.
    pub fn join(parts: Vec<Draws>) -> Draws {
        let mut out = Draws {
            first: parts.first().map_or(0, |d| d.first),
            p: Vec::new(),
            reps: parts.first().map_or(0, |d| d.reps),
            hits: Vec::new(),
        };
        for part in parts {
            let Draws {
                first: _,
                p,
                reps: _,
                hits,
            } = part;
            out.p.extend(p);
            out.hits.extend(hits);
        }
        out
    }

    /// The standard error of an estimate `p` from `reps` replications of a 0/1 metric.
    pub fn se(p: f64, reps: u64) -> f64 {
        (p * (1.0 - p) / reps as f64).max(0.0).sqrt()
    }

    /// Per replication r, the weighted average over draws of deal `deal`'s outcome.
    pub fn replication_means(&self, deal: usize, metric: usize, w: &[f64]) -> Vec<f64> {
        let mut y = vec![0.0; self.reps as usize];
        for (d, wd) in self.hits.iter().zip(w) {
            for (r, y) in y.iter_mut().enumerate() {
                if d[deal][metric][r / 64] >> (r % 64) & 1 == 1 {
                    *y += wd;
                }
            }
        }
        y
    }

    /// One deal's and metric's estimates over the draws.
    pub fn column(&self, deal: usize, metric: usize) -> Vec<f64> {
        self.p.iter().map(|d| d[deal][metric]).collect()
    }
}

/// Deal `deal` with its inputs fixed at draw `u`'s quantiles.
pub fn fixed_deal(
    deal: &Scenario,
    inputs: &InputList,
    index: usize,
    u: &[f64],
) -> Result<Scenario> {
    let mut t = deal.tree.clone();
    for set in inputs.sets(index, u) {
        tree::apply_set(&mut t, &set)?;
    }
    let s = Scenario::from_tree(t, &deal.source)?;
    if let Some(p) = s.params.first() {
        return Err(Error::Usage(format!(
            "`{}`: {} is still uncertain with every input fixed",
            deal.name, p.path
        )));
    }
    Ok(s)
}

/// Runs the plan: every draw of `plan.draws`, every deal, `plan.reps` replications each.
pub fn run(plan: &Plan, progress: &dyn Progress) -> Result<Draws> {
    let exec = Executor::new(plan.threads, plan.max_events)?;
    let metrics = probability_metrics();
    let windows = common_windows(plan.deals);
    let n = plan.draws.len() as u64 * plan.deals.len() as u64;
    progress.planned("explore", n * plan.reps);
    let mut p = Vec::with_capacity(plan.draws.len());
    let mut hits = Vec::with_capacity(plan.draws.len());
    for d in plan.draws.clone() {
        let u = &plan.design.rows[d];
        let mut per_deal = Vec::with_capacity(plan.deals.len());
        let mut bits_deal = Vec::with_capacity(plan.deals.len());
        for (k, deal) in plan.deals.iter().enumerate() {
            let s = fixed_deal(deal, plan.inputs, k, u)?;
            let rows = exec.rows(&s, plan.seed, 0..plan.reps, progress)?;
            let cols = s.window_columns();
            let window_at: Vec<usize> = windows
                .iter()
                .map(|n| {
                    let name = format!("reached.{n}");
                    cols.iter().position(|c| *c == name).unwrap_or(usize::MAX)
                })
                .collect();
            // The 0/1 outcome of replication `row` in metric `j` (probability metrics, then
            // windows).
            let outcome = |row: &crate::sim::row::RepRow, j: usize| -> f64 {
                match metrics.get(j) {
                    Some(&m) => row.metrics[m],
                    None => row
                        .windows
                        .get(window_at[j - metrics.len()])
                        .copied()
                        .unwrap_or(0.0),
                }
            };
            let count = metrics.len() + windows.len();
            let est = (0..count)
                .map(|j| {
                    let hits: f64 = rows.iter().map(|r| outcome(r, j)).sum();
                    hits / rows.len().max(1) as f64
                })
                .collect();
            per_deal.push(est);
            bits_deal.push(
                (0..count)
                    .map(|j| {
                        let mut b = vec![0u64; rows.len().div_ceil(64)];
                        for (r, row) in rows.iter().enumerate() {
                            if outcome(row, j) > 0.5 {
                                b[r / 64] |= 1 << (r % 64);
                            }
                        }
                        b
                    })
                    .collect(),
            );
        }
        p.push(per_deal);
        hits.push(bits_deal);
    }
    progress.finish();
    Ok(Draws {
        first: plan.draws.start,
        p,
        reps: plan.reps,
        hits,
    })
}
