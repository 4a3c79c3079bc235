//! The columns of every CSV file, defined once for the writers and for `plot`, which reads them back.

/// Columns of `paths.csv`.
pub const PATHS_COLUMNS: [&str; 7] = [
    "replication",
    "path",
    "class",
    "records",
    "recipient",
    "actor",
    "store",
];
/// Columns of `reach.csv`.
pub const REACH_COLUMNS: [&str; 10] = [
    "recipient",
    "class",
    "p_reached",
    "p_ci95_low",
    "p_ci95_high",
    "records_mean",
    "records_ci95_low",
    "records_ci95_high",
    "records_p95",
    "records_p99",
];
/// Columns of `sensitivity.csv` (the interval is leaksim's addition).
pub const SENSITIVITY_COLUMNS: [&str; 6] = [
    "parameter",
    "metric",
    "spearman",
    "prcc",
    "prcc_ci95_low",
    "prcc_ci95_high",
];
/// Columns of `trace.csv`.
pub const TRACE_COLUMNS: [&str; 8] = [
    "time",
    "kind",
    "actor",
    "store",
    "class",
    "outcome",
    "records",
    "recipient",
];
/// Columns of `summary.csv` (`n` and `structural` are leaksim's additions; `structural` says
/// "no route in this model: ..." on the question's rows when no route reaches it).
pub const SUMMARY_COLUMNS: [&str; 12] = [
    "metric",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
    "p05",
    "p50",
    "p95",
    "p99",
    "max",
    "n",
    "structural",
];
/// Columns of `compare.csv` (the last three are leaksim's additions).
pub const COMPARE_COLUMNS: [&str; 13] = [
    "scenario",
    "metric",
    "mean",
    "ci95_low",
    "ci95_high",
    "delta",
    "delta_ci95_low",
    "delta_ci95_high",
    "p_lower",
    "p_higher",
    "cost_per_loss_avoided",
    "baseline",
    "structural",
];
/// Columns of `sweep.csv` after the varied paths.
pub const SWEEP_COLUMNS: [&str; 5] = ["metric", "mean", "ci95_low", "ci95_high", "p95"];
/// Columns of `tornado.csv` (the last two are leaksim's additions).
pub const TORNADO_COLUMNS: [&str; 8] = [
    "parameter",
    "low_value",
    "high_value",
    "metric_at_low",
    "metric_at_high",
    "swing",
    "metric",
    "base",
];
/// Columns of `timeline.csv`.
pub const TIMELINE_COLUMNS: [&str; 7] = [
    "day",
    "date",
    "records_leaked_mean",
    "records_leaked_p05",
    "records_leaked_p95",
    "backlog_mean",
    "backlog_p95",
];
/// Columns of `markers.csv`.
pub const MARKERS_COLUMNS: [&str; 2] = ["day", "label"];
/// Columns of `routes.csv`: closed-form routes at the inputs' central values (`level` = `route`),
/// then each engine counter's expected and simulated events (`level` = `counter`).
pub const ROUTES_COLUMNS: [&str; 14] = [
    "level",
    "channel",
    "actor",
    "class",
    "store",
    "recipient",
    "p_success",
    "attempts_per_year",
    "expected_successes",
    "expected_share",
    "simulated_mean",
    "simulated_ci95_low",
    "simulated_ci95_high",
    "simulated_share",
];

/// Whether the metric `name` (a row of `summary.csv`, `compare.csv`, `sweep.csv`) is a 0/1
/// indicator, shown as a percentage: [`crate::sim::metrics::is_probability`] by name.
pub fn is_probability(name: &str) -> bool {
    crate::sim::metrics::NAMES
        .iter()
        .position(|n| *n == name)
        .is_some_and(crate::sim::metrics::is_probability)
}
