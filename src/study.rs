//! Studies over several runs on common random numbers: precision targets, comparisons, sweeps and
//! tornado analyses.

use crate::analysis::{self, column, paired};
use crate::error::{Error, Result};
use crate::metrics::{self, idx};
use crate::runner::{self, RepRow, RunResult};
use crate::scenario::tree;
use crate::scenario::Scenario;
use crate::stats::{wilson_interval, MeanCi};
use std::path::Path;
use std::time::Instant;

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
#[derive(Clone, Debug)]
pub struct MultiRun {
    /// One result per scenario, in order.
    pub runs: Vec<RunResult>,
    /// How the estimates settled (empty without a precision target).
    pub convergence: Vec<ConvergenceRow>,
    /// Why it stopped.
    pub stop: Stop,
}

fn estimate(runs: &[Vec<RepRow>], target: &Target, metric: usize) -> (f64, f64) {
    match *target {
        Target::Own(i) => {
            let v = column(&runs[i], metric);
            let ci = MeanCi::of(&v);
            if metrics::is_probability(metric) {
                let (lo, hi) = wilson_interval(v.iter().sum(), v.len() as f64);
                (ci.mean, (hi - lo) / 2.0)
            } else {
                (ci.mean, ci.half_width())
            }
        }
        Target::Delta { run, baseline } => {
            let p = paired(&runs[run], &runs[baseline], metric);
            (p.delta.mean, (p.delta.high - p.delta.low) / 2.0)
        }
    }
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

/// Runs every scenario on `seed`: `reps` replications, or, with a precision target, batches of
/// `reps` (default [`DEFAULT_BATCH`]) until every target is precise enough or the ceiling is reached.
pub fn run_many(
    scenarios: &[Scenario],
    seed: u64,
    reps: Option<u64>,
    precision: Option<&Precision>,
    targets: &[(String, Target)],
    threads: Option<usize>,
    quiet: bool,
) -> Result<MultiRun> {
    let pool = runner::pool(threads)?;
    let cancel = crate::app::cancel_flag();
    let batch = reps.unwrap_or(if precision.is_some() {
        DEFAULT_BATCH
    } else {
        runner::DEFAULT_REPLICATIONS
    });
    let label = match scenarios {
        [one] => one.name.clone(),
        many => format!("{} runs", many.len()),
    };
    let pb = crate::app::progress_bar(batch * scenarios.len() as u64, &label, quiet);
    let mut rows: Vec<Vec<RepRow>> = vec![Vec::new(); scenarios.len()];
    let mut elapsed = vec![0.0; scenarios.len()];
    let mut timelines: Vec<crate::timeline::Timeline> = scenarios
        .iter()
        .map(|s| crate::timeline::Timeline::new(runner::timeline_days(s)))
        .collect();
    let mut convergence = Vec::new();
    let mut done = 0u64;
    let stop = loop {
        let count = match precision {
            Some(p) => batch.min(p.max_reps.saturating_sub(done)).max(1),
            None => batch,
        };
        for (i, s) in scenarios.iter().enumerate() {
            let t = Instant::now();
            let new = runner::run_range(
                s,
                seed,
                done,
                count,
                &pool,
                &cancel,
                &|| pb.inc(1),
                &mut timelines[i],
            )?;
            elapsed[i] += t.elapsed().as_secs_f64();
            rows[i].extend(new);
        }
        done += count;
        let Some(p) = precision else {
            break Stop::Fixed;
        };
        let mut worst: f64 = 0.0;
        for (name, target) in targets {
            let (mean, half) = estimate(&rows, target, p.metric);
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
        pb.set_length(pb.length().unwrap_or(0) + batch * scenarios.len() as u64);
    };
    pb.finish_and_clear();
    let threads = pool.current_num_threads();
    let runs = rows
        .into_iter()
        .zip(elapsed)
        .zip(timelines)
        .map(|((rows, secs), timeline)| RunResult {
            rows,
            timeline,
            seed,
            elapsed: std::time::Duration::from_secs_f64(secs),
            threads,
        })
        .collect();
    Ok(MultiRun {
        runs,
        convergence,
        stop,
    })
}

/// One row of `compare.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    /// Scenario name.
    pub scenario: String,
    /// Metric name.
    pub metric: &'static str,
    /// Paired statistics against the baseline.
    pub paired: analysis::Paired,
    /// Extra control cost per unit of expected loss avoided, relative to the baseline.
    pub cost_per_loss_avoided: f64,
}

/// Compares every run with the baseline run, metric by metric.
pub fn compare_rows(
    scenarios: &[Scenario],
    runs: &[RunResult],
    baseline: usize,
) -> Vec<CompareRow> {
    let base = &runs[baseline].rows;
    let mut out = Vec::new();
    for (s, r) in scenarios.iter().zip(runs) {
        let d_cost = paired(&r.rows, base, idx::CONTROL_COST).delta.mean;
        let d_loss = paired(&r.rows, base, idx::LOSS).delta.mean;
        let cpla = if d_loss < 0.0 {
            d_cost / -d_loss
        } else {
            f64::NAN
        };
        for (m, name) in metrics::NAMES.iter().enumerate() {
            out.push(CompareRow {
                scenario: s.name.clone(),
                metric: name,
                paired: paired(&r.rows, base, m),
                cost_per_loss_avoided: cpla,
            });
        }
    }
    out
}

/// A `--vary` specification: a path and the values it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    /// `--set` path.
    pub path: String,
    /// Values, as TOML text.
    pub values: Vec<String>,
}

/// Parses `PATH=a..b:step` or `PATH=v1,v2,v3`.
pub fn parse_vary(spec: &str) -> Result<Vary> {
    let bad = |m: String| Error::Usage(format!("--vary {spec}: {m}"));
    let (path, vals) = spec
        .split_once('=')
        .ok_or_else(|| bad("expected PATH=FROM..TO:STEP or PATH=V1,V2,...".into()))?;
    let path = path.trim().to_string();
    let vals = vals.trim();
    let values = if let Some((range, step)) = vals.split_once(':').filter(|(r, _)| r.contains(".."))
    {
        let (a, b) = range.split_once("..").expect("checked");
        let num = |s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| bad(format!("`{s}` is not a number")))
        };
        let (a, b, step) = (num(a)?, num(b)?, num(step)?);
        if step.is_nan() || step <= 0.0 || b < a || !a.is_finite() || !b.is_finite() {
            return Err(bad("needs FROM <= TO and STEP > 0".into()));
        }
        let n = ((b - a) / step + 1e-9).floor() as u64 + 1;
        if n > 10_000 {
            return Err(bad(format!("{n} points is too many (at most 10000)")));
        }
        (0..n).map(|i| fmt_value(a + i as f64 * step)).collect()
    } else {
        vals.split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
    };
    if values.is_empty() {
        return Err(bad("no values".into()));
    }
    Ok(Vary { path, values })
}

/// A number as TOML text: whole numbers without a decimal point.
pub fn fmt_value(v: f64) -> String {
    let r = (v * 1e9).round() / 1e9;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// The grid of points of several `--vary` (cartesian product, first varying slowest).
pub fn grid(varies: &[Vary]) -> Vec<Vec<String>> {
    let mut points: Vec<Vec<String>> = vec![vec![]];
    for v in varies {
        points = points
            .into_iter()
            .flat_map(|p| {
                v.values
                    .iter()
                    .map(move |x| [p.clone(), vec![x.clone()]].concat())
            })
            .collect();
    }
    points
}

/// Loads the scenario once per sweep point (its `--set` options, then the point's values).
pub fn sweep_scenarios(
    file: &Path,
    sets: &[String],
    varies: &[Vary],
) -> Result<Vec<(Vec<String>, Scenario)>> {
    grid(varies)
        .into_iter()
        .map(|point| {
            let mut all = sets.to_vec();
            all.extend(
                varies
                    .iter()
                    .zip(&point)
                    .map(|(v, x)| format!("{}={x}", v.path)),
            );
            Scenario::load(file, &all).map(|s| (point, s))
        })
        .collect()
}

/// One row of `tornado.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct TornadoRow {
    /// `--set` path.
    pub parameter: String,
    /// Low value (10th percentile, or fixed value x (1 - swing)).
    pub low_value: f64,
    /// High value.
    pub high_value: f64,
    /// Metric mean with the parameter low.
    pub metric_at_low: f64,
    /// Metric mean with the parameter high.
    pub metric_at_high: f64,
    /// |high - low| of the metric.
    pub swing: f64,
}

/// The low and high values of each parameter a tornado swings, and the median settings.
pub struct TornadoPlan {
    /// `--set` options holding every uncertain parameter at its median.
    pub medians: Vec<String>,
    /// (path, low, high) per swung parameter.
    pub swings: Vec<(String, f64, f64)>,
}

/// Plans a tornado: every uncertain parameter from its 10th to 90th percentile, plus each `extra`
/// path (a fixed value) by +/- `swing`.
pub fn tornado_plan(s: &Scenario, extra: &[String], swing: f64) -> Result<TornadoPlan> {
    let round = |v: f64, integer: bool| if integer { v.round() } else { v };
    let medians = s
        .params
        .iter()
        .map(|p| {
            format!(
                "{}={}",
                p.path,
                fmt_value(round(p.dist.quantile(0.5), p.integer))
            )
        })
        .collect();
    let mut swings: Vec<(String, f64, f64)> = s
        .params
        .iter()
        .map(|p| {
            (
                p.path.clone(),
                round(p.dist.quantile(0.1), p.integer),
                round(p.dist.quantile(0.9), p.integer),
            )
        })
        .collect();
    for path in extra {
        if swings.iter().any(|(p, _, _)| p == path) {
            continue;
        }
        let node = tree::get_path(&s.tree, path).ok_or_else(|| {
            Error::Usage(format!("--param {path}: the scenario has no such value"))
        })?;
        let v = match node.value {
            tree::Val::Int(i) => i as f64,
            tree::Val::Float(f) => f,
            _ => {
                return Err(Error::Usage(format!(
                    "--param {path}: expected a number or an uncertain parameter, found {}",
                    node.value.type_name()
                )))
            }
        };
        let is_probability = path.ends_with("probability") || path.ends_with("malicious_fraction");
        let (mut lo, mut hi) = (v * (1.0 - swing), v * (1.0 + swing));
        if is_probability {
            (lo, hi) = (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0));
        }
        let integer = matches!(node.value, tree::Val::Int(_));
        swings.push((
            path.clone(),
            round(lo, integer).max(0.0),
            round(hi, integer),
        ));
    }
    if swings.is_empty() {
        return Err(Error::Usage(
            "nothing to swing: the scenario has no uncertain parameter; name fixed values with --param PATH".into(),
        ));
    }
    Ok(TornadoPlan { medians, swings })
}

/// Runs a tornado: the base (all medians), then each parameter low and high, all on the same seed.
pub fn tornado(
    file: &Path,
    sets: &[String],
    plan: &TornadoPlan,
    metric: usize,
    cfg: &runner::RunConfig,
    quiet: bool,
) -> Result<(f64, Vec<TornadoRow>)> {
    let mut base_sets = sets.to_vec();
    base_sets.extend(plan.medians.iter().cloned());
    let mut scenarios = vec![Scenario::load(file, &base_sets)?];
    for (path, lo, hi) in &plan.swings {
        for v in [lo, hi] {
            let mut all = base_sets.clone();
            all.push(format!("{path}={}", fmt_value(*v)));
            scenarios.push(Scenario::load(file, &all)?);
        }
    }
    let multi = run_many(
        &scenarios,
        cfg.seed,
        Some(cfg.replications),
        None,
        &[],
        cfg.threads,
        quiet,
    )?;
    let mean = |i: usize| MeanCi::of(&column(&multi.runs[i].rows, metric)).mean;
    let base = mean(0);
    let mut rows: Vec<TornadoRow> = plan
        .swings
        .iter()
        .enumerate()
        .map(|(k, (path, lo, hi))| {
            let (a, b) = (mean(1 + 2 * k), mean(2 + 2 * k));
            TornadoRow {
                parameter: path.clone(),
                low_value: *lo,
                high_value: *hi,
                metric_at_low: a,
                metric_at_high: b,
                swing: (b - a).abs(),
            }
        })
        .collect();
    rows.sort_by(|x, y| {
        y.swing
            .total_cmp(&x.swing)
            .then(x.parameter.cmp(&y.parameter))
    });
    Ok((base, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_ranges_and_lists() {
        let v = parse_vary("controls.gatekeeper.team_size=25..100:25").unwrap();
        assert_eq!(v.values, vec!["25", "50", "75", "100"]);
        let v = parse_vary("x=0.1..0.3:0.1").unwrap();
        assert_eq!(v.values, vec!["0.1", "0.2", "0.3"]);
        let v = parse_vary("store.s.jurisdiction=\"US\",\"CN\"").unwrap();
        assert_eq!(v.values.len(), 2);
        assert!(parse_vary("x=5..1:1").is_err());
        assert!(parse_vary("x").is_err());
    }

    #[test]
    fn grid_is_a_cartesian_product() {
        let a = Vary {
            path: "a".into(),
            values: vec!["1".into(), "2".into()],
        };
        let b = Vary {
            path: "b".into(),
            values: vec!["x".into(), "y".into(), "z".into()],
        };
        let g = grid(&[a, b]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec!["1", "x"]);
        assert_eq!(g[5], vec!["2", "z"]);
    }
}
