//! Summaries of a run: each metric's distribution across replications (`summary.csv`), and
//! every analysis a run folder holds.

use super::reach::{reach, ReachRow};
use super::sensitivity::{sensitivity, SensitivityRow};
use super::stats::MetricSummary;
use super::tail::{tail, TailRow};
use crate::scenario::Scenario;
use crate::sim::metrics::{self, NAMES};
use crate::sim::runner::RunResult;

/// The summary of every metric of a run, in column order.
pub fn metric_summaries(r: &RunResult) -> Vec<MetricSummary> {
    let mut out = Vec::with_capacity(NAMES.len());
    let mut values: Vec<Option<f64>> = Vec::with_capacity(r.rows.len());
    for (i, name) in NAMES.iter().enumerate() {
        values.clear();
        values.extend(
            r.rows
                .iter()
                .map(|row| Some(row.metrics[i]).filter(|v| !v.is_nan())),
        );
        out.push(MetricSummary::of(name, &values, metrics::is_probability(i)));
    }
    out
}

/// Summary rows of every metric, plus one per uncertain parameter.
pub fn summarize(s: &Scenario, r: &RunResult) -> Vec<MetricSummary> {
    let mut out = metric_summaries(r);
    let mut values: Vec<Option<f64>> = Vec::with_capacity(r.rows.len());
    for (i, p) in s.params.iter().enumerate() {
        values.clear();
        values.extend(r.rows.iter().map(|row| Some(row.params[i])));
        out.push(MetricSummary::of(&p.path, &values, false));
    }
    out
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
}

/// Computes a run's summary, tail risk (at `thresholds`), who gets the data, and sensitivity.
pub fn analyse_run(s: &Scenario, r: &RunResult, thresholds: &[f64]) -> RunAnalyses {
    RunAnalyses {
        summary: summarize(s, r),
        tail: tail(&r.rows, thresholds),
        reach: reach(s, r),
        sensitivity: (!s.params.is_empty()).then(|| sensitivity(s, r)),
    }
}
