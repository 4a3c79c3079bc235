//! Comparing runs with a baseline run, metric by metric: the rows of `compare.csv`.

use super::paired::{paired, Paired};
use crate::scenario::Scenario;
use crate::sim::metrics::{self, idx};
use crate::sim::runner::RunResult;

/// One row of `compare.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    /// Scenario name.
    pub scenario: String,
    /// Metric name.
    pub metric: &'static str,
    /// Paired statistics against the baseline.
    pub paired: Paired,
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
