//! Summaries of a run: each metric's distribution across replications (`summary.csv`), and
//! every analysis a run folder holds.

use super::reach::{reach, ReachRow};
use super::sensitivity::{sensitivity, SensitivityRow};
use super::stats::MetricSummary;
use super::tail::{present, tail, TailRow};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::metrics::{self, NAMES};
use crate::sim::runner::RunResult;

/// The summary of every metric of a run, in column order (one column in memory at a time).
pub fn metric_summaries(r: &RunResult) -> Result<Vec<MetricSummary>> {
    let mut out = Vec::with_capacity(NAMES.len());
    for (i, name) in NAMES.iter().enumerate() {
        let v = present(&r.rows, i)?;
        out.push(MetricSummary::of_present(
            name,
            v,
            metrics::is_probability(i),
        ));
    }
    Ok(out)
}

/// Summary rows of every metric, of every named window's columns, then one per uncertain
/// parameter.
pub fn summarize(s: &Scenario, r: &RunResult) -> Result<Vec<MetricSummary>> {
    let mut out = metric_summaries(r)?;
    for (k, name) in s.window_columns().iter().enumerate() {
        let v = r.rows.window(k)?;
        out.push(MetricSummary::of_present(
            name,
            v,
            name.starts_with("reached."),
        ));
    }
    for (i, p) in s.params.iter().enumerate() {
        out.push(MetricSummary::of_present(&p.path, r.rows.param(i)?, false));
    }
    Ok(out)
}

/// Everything computed from one run for its folder.
#[derive(Clone, Debug)]
pub struct RunAnalyses {
    /// `summary.csv`.
    pub summary: Vec<MetricSummary>,
    /// `tail.csv`.
    pub tail: Vec<TailRow>,
    /// `reach.csv`.
    pub reach: Vec<ReachRow>,
    /// `sensitivity.csv`, when the scenario has uncertain parameters.
    pub sensitivity: Option<Vec<SensitivityRow>>,
    /// `routes.csv`: the route table beside the run's counters.
    pub routes: super::routes::RouteReport,
    /// The reasons no route reaches the question, when none does (a structural zero).
    pub structural: Option<String>,
}

/// Computes a run's summary, tail risk (at `thresholds`), who gets the data, and sensitivity.
pub fn analyse_run(s: &Scenario, r: &RunResult, thresholds: &[f64]) -> Result<RunAnalyses> {
    Ok(RunAnalyses {
        summary: summarize(s, r)?,
        tail: tail(&r.rows, thresholds)?,
        reach: reach(s, r)?,
        sensitivity: if s.params.is_empty() {
            None
        } else {
            Some(sensitivity(s, r)?)
        },
        routes: super::routes::route_report(s, r)?,
        structural: super::structural::structural_zero(s),
    })
}
