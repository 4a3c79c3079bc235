//! The route table of a run: the closed form at central values beside the run's counters.

use super::{central_table, Counter, RouteTable};
use crate::sim::metrics::idx;

/// A counter's simulated mean per replication with its 95% interval.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Simulated {
    /// Mean events per replication.
    pub mean: f64,
    /// 95% interval of the mean.
    pub ci95: (f64, f64),
}

/// The route table of a run: closed form at central values, and the run's counters beside it.
#[derive(Clone, Debug)]
pub struct RouteReport {
    /// Closed form.
    pub table: RouteTable,
    /// Simulated events per counter, in [`RouteTotals::rows`] order.
    pub simulated: [Simulated; 4],
}

/// The route table of scenario `s` beside its run `r` (one or two metric columns at a time).
pub fn route_report(
    s: &crate::scenario::Scenario,
    r: &crate::sim::runner::RunResult,
) -> crate::error::Result<RouteReport> {
    let table = central_table(s);
    let mut simulated = [Simulated::default(); 4];
    for (i, (_, _, counter)) in table.totals.rows().iter().enumerate() {
        let v: Vec<f64> = match counter {
            Counter::Metric(m) => r.rows.metric(*m)?,
            Counter::Theft => {
                let c = r.rows.metric(idx::COMPELLED_THEFTS)?;
                let mut t = r.rows.metric(idx::SUCCESSFUL_THEFTS)?;
                t.iter_mut().zip(&c).for_each(|(a, b)| *a -= b);
                t
            }
        };
        let n = v.len() as f64;
        if n == 0.0 {
            continue;
        }
        let mean = v.iter().sum::<f64>() / n;
        let var = if n > 1.0 {
            v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let h = 1.96 * (var / n).sqrt();
        simulated[i] = Simulated {
            mean,
            ci95: (mean - h, mean + h),
        };
    }
    Ok(RouteReport { table, simulated })
}
