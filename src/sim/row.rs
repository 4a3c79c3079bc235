//! One replication's results, as the executor hands them to a sink (a spool, or memory).

use super::engine::PathRow;
use super::metrics::Metrics;

/// One replication's results.
#[derive(Clone, Debug)]
pub struct RepRow {
    /// Metrics.
    pub metrics: Metrics,
    /// Values drawn for the uncertain parameters, in [`crate::scenario::Scenario::params`] order.
    pub params: Vec<f64>,
    /// Per named measurement window: reached (0/1), then records (see
    /// [`crate::scenario::Scenario::window_columns`]).
    pub windows: Vec<f64>,
    /// Records each recipient obtained per route, class, actor and store.
    pub paths: Vec<PathRow>,
    /// Distinct records per (recipient, class), then read by staff per (jurisdiction, class):
    /// see [`crate::sim::engine::Outcome::reach`].
    pub reach: Vec<f64>,
}
