//! Who gets the data: per recipient and class, the share of replications in which any record
//! reached it (with a Wilson interval) and the distinct records it obtained; the same for staff
//! access by jurisdiction. The rows of `reach.csv`.

use super::stats::{quantiles, wilson_interval, MeanCi};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::runner::RunResult;

/// One row of `reach.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReachRow {
    /// A jurisdiction's name, `private`, or `access:<jurisdiction>` for staff access.
    pub recipient: String,
    /// A class name, or `*` for every class.
    pub class: String,
    /// Share of replications in which any record reached the recipient.
    pub p_reached: f64,
    /// Wilson 95% interval of `p_reached`.
    pub p_ci95: (f64, f64),
    /// Mean distinct records obtained, with its 95% interval.
    pub records: MeanCi,
    /// 95th percentile of the records obtained.
    pub records_p95: f64,
    /// 99th percentile.
    pub records_p99: f64,
}

fn row(recipient: String, class: String, values: &mut [f64]) -> ReachRow {
    let n = values.len() as f64;
    let hits = values.iter().filter(|&&v| v > 0.0).count() as f64;
    let records = MeanCi::of(values);
    let q = quantiles(values, &[0.95, 0.99]);
    ReachRow {
        recipient,
        class,
        p_reached: if n > 0.0 { hits / n } else { f64::NAN },
        p_ci95: wilson_interval(hits, n),
        records,
        records_p95: q[0],
        records_p99: q[1],
    }
}

/// The rows of `reach.csv`: for each recipient (each jurisdiction's state, then `private`), one
/// row per class and one for `*`; then the same for staff access of each jurisdiction.
pub fn reach(s: &Scenario, r: &RunResult) -> Result<Vec<ReachRow>> {
    let nc = s.classes.len();
    let nr = s.recipients();
    let groups = (0..nr).map(|i| (i, s.recipient_name(i).to_string())).chain(
        s.jurisdictions
            .iter()
            .enumerate()
            .map(|(j, jm)| (nr + j, format!("access:{}", jm.name))),
    );
    let mut out = Vec::new();
    for (g, name) in groups {
        // Every class's column, and their sum per replication, added class after class as a
        // row's sum would be.
        let mut total: Vec<f64> = Vec::new();
        for (c, cm) in s.classes.iter().enumerate() {
            let mut values = r.rows.reach(g * nc + c)?;
            if c == 0 {
                total = values.clone();
            } else {
                total.iter_mut().zip(&values).for_each(|(t, v)| *t += v);
            }
            out.push(row(name.clone(), cm.name.clone(), &mut values));
        }
        out.push(row(name, "*".to_string(), &mut total));
    }
    Ok(out)
}
