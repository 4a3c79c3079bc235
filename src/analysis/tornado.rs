//! Tornado analysis: each parameter swung from low to high with the others at their medians.

use super::precision::{run_many, Progress, Resources};
use super::stats::MeanCi;
use super::sweep::fmt_value;
use super::tail::present;
use crate::error::{Error, Result};
use crate::scenario::{tree, Scenario};
use crate::sim::execute::Study;
use crate::sim::runner;
use std::path::Path;

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
    /// (path, low, high) per swung parameter: for a per-event distribution, its location.
    pub swings: Vec<(String, f64, f64)>,
    /// The `--set` values of each swing's low and high ends (a number, or a whole distribution).
    pub settings: Vec<(String, String)>,
}

/// A per-event distribution with its location scaled by `factor`: the `median` or `mean` of a
/// lognormal, the `mean` of an exponential or gamma, the `value` of a constant, every bound and
/// mode of a uniform, triangular or PERT. Returns the scaled table as TOML text and its location.
fn scaled_distribution(node: &tree::Node, factor: f64) -> Option<(String, f64)> {
    let toml::Value::Table(mut t) = tree::to_toml(node) else {
        return None;
    };
    let kind = t.get("dist")?.as_str()?.to_string();
    let keys: &[&str] = match kind.as_str() {
        "lognormal" if t.contains_key("median") => &["median"],
        "lognormal" | "exponential" | "gamma" => &["mean"],
        "constant" => &["value"],
        "uniform" => &["min", "max"],
        _ => &["min", "mode", "max"],
    };
    let mut location = f64::NAN;
    for k in keys {
        let v = t.get(*k)?;
        let x = v.as_float().or(v.as_integer().map(|i| i as f64))? * factor;
        t.insert((*k).to_string(), toml::Value::Float(x));
        if *k != "min" || location.is_nan() {
            location = x;
        }
    }
    if kind == "uniform" {
        let (lo, hi) = (t["min"].as_float()?, t["max"].as_float()?);
        location = (lo + hi) / 2.0;
    }
    Some((toml::Value::Table(t).to_string(), location))
}

/// Splits a `--param` into its path and, for `PATH=FROM..TO`, its explicit range.
fn param_range(arg: &str) -> Result<(String, Option<(f64, f64)>)> {
    let Some((path, range)) = arg.split_once('=') else {
        return Ok((arg.trim().to_string(), None));
    };
    let bad = || {
        Error::Usage(format!(
            "--param {arg}: expected PATH or PATH=FROM..TO with two numbers, e.g. store.virginia.delete_on_day=30..365"
        ))
    };
    let (a, b) = range.split_once("..").ok_or_else(bad)?;
    let lo: f64 = a.trim().parse().map_err(|_| bad())?;
    let hi: f64 = b.trim().parse().map_err(|_| bad())?;
    if !(lo.is_finite() && hi.is_finite()) || lo == hi {
        return Err(bad());
    }
    Ok((path.trim().to_string(), Some((lo, hi))))
}

/// Plans a tornado: every uncertain parameter (a tied input among them) from its 10th to 90th
/// percentile, plus each `extra` path (a fixed value, or a per-event distribution's location) by
/// +/- `swing`; an `extra` written `PATH=FROM..TO` swings that value (a fixed one, an uncertain
/// parameter or a tied input) from FROM to TO instead.
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
    let mut settings: Vec<(String, String)> = swings
        .iter()
        .map(|(_, lo, hi)| (fmt_value(*lo), fmt_value(*hi)))
        .collect();
    for arg in extra {
        let (path, range) = param_range(arg)?;
        let path = &path;
        if let Some(k) = swings.iter().position(|(p, _, _)| p == path) {
            if let Some((lo, hi)) = range {
                swings[k] = (path.clone(), lo, hi);
                settings[k] = (fmt_value(lo), fmt_value(hi));
            }
            continue;
        }
        let node = tree::get_path(&s.tree, path).ok_or_else(|| {
            Error::Usage(format!("--param {path}: the scenario has no such value"))
        })?;
        if let Some((lo, hi)) = range {
            if !matches!(node.value, tree::Val::Int(_) | tree::Val::Float(_)) {
                return Err(Error::Usage(format!(
                    "--param {arg}: an explicit range takes a number or an uncertain parameter; `{path}` is {}",
                    node.value.type_name()
                )));
            }
            swings.push((path.clone(), lo, hi));
            settings.push((fmt_value(lo), fmt_value(hi)));
            continue;
        }
        if let tree::Val::Table(_) = node.value {
            let lo = scaled_distribution(node, 1.0 - swing);
            let hi = scaled_distribution(node, 1.0 + swing);
            let (Some((lo_text, lo)), Some((hi_text, hi))) = (lo, hi) else {
                return Err(Error::Usage(format!(
                    "--param {path}: expected a number or a distribution table"
                )));
            };
            swings.push((path.clone(), lo, hi));
            settings.push((lo_text, hi_text));
            continue;
        }
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
        let (lo, hi) = (round(lo, integer).max(0.0), round(hi, integer));
        swings.push((path.clone(), lo, hi));
        settings.push((fmt_value(lo), fmt_value(hi)));
    }
    if swings.is_empty() {
        return Err(Error::Usage(
            "nothing to swing: the scenario has no uncertain parameter; name fixed values with --param PATH".into(),
        ));
    }
    Ok(TornadoPlan {
        medians,
        swings,
        settings,
    })
}

/// The scenarios a tornado runs: the base (all medians), then each parameter low and high.
pub fn tornado_scenarios(
    file: &Path,
    sets: &[String],
    plan: &TornadoPlan,
) -> Result<Vec<Scenario>> {
    let mut base_sets = sets.to_vec();
    base_sets.extend(plan.medians.iter().cloned());
    let mut scenarios = vec![Scenario::load(file, &base_sets)?];
    for ((path, _, _), (lo, hi)) in plan.swings.iter().zip(&plan.settings) {
        for v in [lo, hi] {
            let mut all = base_sets.clone();
            all.push(format!("{path}={v}"));
            scenarios.push(Scenario::load(file, &all)?);
        }
    }
    Ok(scenarios)
}

/// Runs a tornado: `study` holds the points of [`tornado_scenarios`] (the base, then each
/// parameter low and high), all on the same seed, `reps` replications each.
pub fn tornado(
    study: &Study,
    plan: &TornadoPlan,
    metric: usize,
    reps: u64,
    resources: Resources,
    progress: &dyn Progress,
) -> Result<(f64, Vec<TornadoRow>)> {
    for s in study.points {
        super::budget::check(s, resources.max_events)?;
    }
    let multi = run_many(study, Some(reps), None, &[], resources, progress)?;
    tornado_rows(&plan.swings, &multi.runs, metric)
}

/// The base mean of `metric` and the tornado's rows, largest swing first, from the runs of
/// [`tornado_scenarios`] for `swings` (path, low, high).
pub fn tornado_rows(
    swings: &[(String, f64, f64)],
    runs: &[runner::RunResult],
    metric: usize,
) -> Result<(f64, Vec<TornadoRow>)> {
    let means = runs
        .iter()
        .map(|r| Ok(MeanCi::of(&present(&r.rows, metric)?).mean))
        .collect::<Result<Vec<f64>>>()?;
    let mean = |i: usize| means[i];
    let base = mean(0);
    let mut rows: Vec<TornadoRow> = swings
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
