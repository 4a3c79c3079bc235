//! Batches of replications until a precision target is met (`--precision`): how many to run,
//! what each target's estimate and interval are, and why the replications stopped. The batches
//! themselves are calls of the one executor ([`crate::sim::execute`]).

use super::paired::paired;
use super::stats::{wilson_interval, MeanCi};
use super::tail::present;
use crate::error::Result;
use crate::sim::execute::{Executor, Study};
use crate::sim::metrics;
use crate::sim::runner::{self, RunResult};
use crate::sim::spool::Spool;
use std::path::PathBuf;

pub use crate::sim::execute::{Progress, Silent};

/// What a study may use: worker threads (None: all cores), the work budget of a replication, and
/// the folder where replication rows are spooled while the study runs.
#[derive(Clone, Debug)]
pub struct Resources {
    /// Worker threads (None: one per core).
    pub threads: Option<usize>,
    /// Events a replication may take (`--max-events`).
    pub max_events: u64,
    /// Folder under which each run's rows are kept on disk (in a temporary folder of its own).
    pub spool: PathBuf,
}

/// Replications per batch when `--precision` is given without `--reps`.
pub const DEFAULT_BATCH: u64 = 1_000;
/// Replication ceiling of `--precision` when `--max-reps` is not given.
pub const DEFAULT_MAX_REPS: u64 = 1_000_000;

/// A precision target: the 95% half-width at most `relative` x |mean| of `metric`.
#[derive(Clone, Debug)]
pub struct Precision {
    /// Largest relative half-width accepted.
    pub relative: f64,
    /// Metric index.
    pub metric: usize,
    /// Replication ceiling.
    pub max_reps: u64,
}

/// What a precision target measures.
#[derive(Clone, Debug)]
pub enum Target {
    /// The mean of a run's metric.
    Own(usize),
    /// The mean paired difference between a run and a baseline run.
    Delta {
        /// The run.
        run: usize,
        /// The baseline run.
        baseline: usize,
    },
}

/// One row of `convergence.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvergenceRow {
    /// What is estimated (a scenario, a paired difference, a sweep point).
    pub target: String,
    /// Replications so far.
    pub replications: u64,
    /// Estimate.
    pub mean: f64,
    /// 95% half-width.
    pub half_width: f64,
    /// Half-width / |mean|.
    pub relative_error: f64,
}

/// Why replications stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    /// A fixed number of replications was asked for.
    Fixed,
    /// Every target reached the precision.
    Reached {
        /// Replications run.
        replications: u64,
        /// Largest relative error among targets.
        worst: f64,
    },
    /// The ceiling was reached first.
    MaxReps {
        /// Replications run.
        replications: u64,
        /// Largest relative error among targets.
        worst: f64,
    },
}

impl Stop {
    /// A sentence for the terminal.
    pub fn describe(&self, p: Option<&Precision>) -> String {
        match (self, p) {
            (Stop::Reached { replications, worst }, Some(p)) => format!(
                "precision reached: relative 95% half-width {worst:.4} <= {} on {} after {replications} replications",
                p.relative,
                metrics::NAMES[p.metric]
            ),
            (Stop::MaxReps { replications, worst }, Some(p)) => format!(
                "precision NOT reached: stopped at --max-reps {replications} with relative half-width {worst:.4} > {} on {}",
                p.relative,
                metrics::NAMES[p.metric]
            ),
            _ => String::new(),
        }
    }
}

/// Runs of several scenarios on the same seed and replications.
#[derive(Debug)]
pub struct MultiRun {
    /// One result per scenario, in order.
    pub runs: Vec<RunResult>,
    /// How the estimates settled (empty without a precision target).
    pub convergence: Vec<ConvergenceRow>,
    /// Why it stopped.
    pub stop: Stop,
}

/// The estimate of `metric` for `target` and its 95% half-width. For `reached`, the estimate is
/// the one of `reached` and of its conditional Monte Carlo form `reached_cmc` (both unbiased)
/// whose interval is narrower (and not of zero width).
fn estimate(runs: &[&Spool], target: &Target, metric: usize) -> Result<(f64, f64)> {
    let plain = estimate_one(runs, target, metric)?;
    if metric != metrics::idx::REACHED {
        return Ok(plain);
    }
    let cmc = estimate_one(runs, target, metrics::idx::REACHED_CMC)?;
    // A zero-width interval of `reached_cmc` (every replication alike) proves nothing: the
    // plain estimate's interval then decides.
    Ok(if cmc.1 > 0.0 && cmc.1 < plain.1 {
        cmc
    } else {
        plain
    })
}

fn estimate_one(runs: &[&Spool], target: &Target, metric: usize) -> Result<(f64, f64)> {
    Ok(match *target {
        Target::Own(i) => {
            let v = present(runs[i], metric)?;
            let ci = MeanCi::of(&v);
            if metrics::is_probability(metric) {
                let (lo, hi) = wilson_interval(v.iter().sum(), v.len() as f64);
                (ci.mean, (hi - lo) / 2.0)
            } else {
                (ci.mean, ci.half_width())
            }
        }
        Target::Delta { run, baseline } => {
            let p = paired(
                &runs[run].metric(metric)?,
                &runs[baseline].metric(metric)?,
                metric,
            );
            (p.delta.mean, (p.delta.high - p.delta.low) / 2.0)
        }
    })
}

fn relative_error(mean: f64, half: f64) -> f64 {
    if half == 0.0 {
        0.0
    } else if mean == 0.0 || half.is_nan() {
        f64::INFINITY
    } else {
        half / mean.abs()
    }
}

/// Runs every point of `study`: `reps` replications, or, with a precision target, batches of
/// `reps` (default [`DEFAULT_BATCH`]) until every target is precise enough or the ceiling is
/// reached. Each batch is one call of the executor over the next range of replications.
pub fn run_many(
    study: &Study,
    reps: Option<u64>,
    precision: Option<&Precision>,
    targets: &[(String, Target)],
    resources: Resources,
    progress: &dyn Progress,
) -> Result<MultiRun> {
    let exec = Executor::new(resources.threads, resources.max_events)?;
    let batch = reps.unwrap_or(if precision.is_some() {
        DEFAULT_BATCH
    } else {
        runner::DEFAULT_REPLICATIONS
    });
    let (label, points) = (study.label(), study.points.len() as u64);
    let mut planned = batch * points;
    progress.planned(&label, planned);
    let mut outputs = study.spools(&resources.spool)?;
    let mut convergence = Vec::new();
    let mut done = 0u64;
    let stop = loop {
        let count = match precision {
            Some(p) => batch.min(p.max_reps.saturating_sub(done)).max(1),
            None => batch,
        };
        exec.execute(study, done..done + count, &mut outputs, progress)?;
        done += count;
        let Some(p) = precision else {
            break Stop::Fixed;
        };
        let mut worst: f64 = 0.0;
        let rows: Vec<&Spool> = outputs.iter().map(|o| &o.rows).collect();
        for (name, target) in targets {
            let (mean, half) = estimate(&rows, target, p.metric)?;
            let rel = relative_error(mean, half);
            worst = worst.max(rel);
            convergence.push(ConvergenceRow {
                target: name.clone(),
                replications: done,
                mean,
                half_width: half,
                relative_error: rel,
            });
        }
        if worst <= p.relative {
            break Stop::Reached {
                replications: done,
                worst,
            };
        }
        if done >= p.max_reps {
            break Stop::MaxReps {
                replications: done,
                worst,
            };
        }
        planned += batch * points;
        progress.planned(&label, planned);
    };
    progress.finish();
    let threads = exec.threads();
    let runs = outputs
        .into_iter()
        .map(|o| o.into_run(study.seed, threads))
        .collect();
    Ok(MultiRun {
        runs,
        convergence,
        stop,
    })
}
