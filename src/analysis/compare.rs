//! Comparing runs with a baseline run, metric by metric: the rows of `compare.csv`.

use super::paired::{paired, paired_as, Paired};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::metrics::{self, idx};
use crate::sim::runner::RunResult;

/// One row of `compare.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    /// Scenario name.
    pub scenario: String,
    /// Metric name (or a named window's column, e.g. `reached.once_migrated`).
    pub metric: String,
    /// Paired statistics against the baseline.
    pub paired: Paired,
    /// Extra control cost per unit of expected loss avoided, relative to the baseline.
    pub cost_per_loss_avoided: f64,
    /// The reasons no route reaches the scenario's question (a structural zero), if none does.
    pub structural: Option<String>,
}

/// Compares every run with the baseline run, metric by metric (one metric column of two runs in
/// memory at a time).
pub fn compare_rows(
    scenarios: &[Scenario],
    runs: &[RunResult],
    baseline: usize,
) -> Result<Vec<CompareRow>> {
    let base = &runs[baseline].rows;
    let pair = |r: &RunResult, m: usize| -> Result<Paired> {
        Ok(paired(&r.rows.metric(m)?, &base.metric(m)?, m))
    };
    let mut out = Vec::new();
    for (s, r) in scenarios.iter().zip(runs) {
        let d_cost = pair(r, idx::CONTROL_COST)?.delta.mean;
        let d_loss = pair(r, idx::LOSS)?.delta.mean;
        let cpla = if d_loss < 0.0 {
            d_cost / -d_loss
        } else {
            f64::NAN
        };
        let structural = super::structural::structural_zero(s);
        for (m, name) in metrics::NAMES.iter().enumerate() {
            out.push(CompareRow {
                scenario: s.name.clone(),
                metric: name.to_string(),
                paired: pair(r, m)?,
                cost_per_loss_avoided: cpla,
                structural: structural.clone(),
            });
        }
        // Named windows that the baseline has too (same name).
        let base_cols = scenarios[baseline].window_columns();
        for (k, name) in s.window_columns().iter().enumerate() {
            let Some(b) = base_cols.iter().position(|x| x == name) else {
                continue;
            };
            out.push(CompareRow {
                scenario: s.name.clone(),
                metric: name.clone(),
                paired: paired_as(
                    &r.rows.window(k)?,
                    &base.window(b)?,
                    name.starts_with("reached."),
                ),
                cost_per_loss_avoided: cpla,
                structural: structural.clone(),
            });
        }
    }
    Ok(out)
}
