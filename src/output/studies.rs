//! The files of studies: `convergence.csv`, `compare.csv`, `sweep.csv`, `tornado.csv`.

use super::columns::*;
use super::format::fmt_num;
use super::{csv_err, write_atomic};
use crate::analysis::compare::CompareRow;
use crate::analysis::precision::ConvergenceRow;
use crate::analysis::stats::MetricSummary;
use crate::analysis::tornado::TornadoRow;
use crate::error::Result;
use std::path::Path;

/// Writes `convergence.csv`: `target,replications,mean,half_width,relative_error`.
pub fn write_convergence(path: &Path, rows: &[ConvergenceRow]) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "target",
            "replications",
            "mean",
            "half_width",
            "relative_error",
        ])
        .map_err(csv_err)?;
        for r in rows {
            c.write_record([
                r.target.clone(),
                r.replications.to_string(),
                fmt_num(r.mean),
                fmt_num(r.half_width),
                fmt_num(r.relative_error),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes `compare.csv` (leaksim adds `cost_per_loss_avoided` and `baseline`).
pub fn write_compare(path: &Path, rows: &[CompareRow], baseline: &str) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(COMPARE_COLUMNS).map_err(csv_err)?;
        for r in rows {
            let p = &r.paired;
            let nums = [
                p.mean.mean,
                p.mean.low,
                p.mean.high,
                p.delta.mean,
                p.delta.low,
                p.delta.high,
                p.p_lower,
                p.p_higher,
                r.cost_per_loss_avoided,
            ];
            let mut rec = vec![r.scenario.clone(), r.metric.to_string()];
            rec.extend(nums.iter().map(|v| fmt_num(*v)));
            rec.push(baseline.to_string());
            rec.push(super::files::structural_cell(
                &r.metric,
                r.structural.as_deref(),
            ));
            c.write_record(&rec).map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes `sweep.csv`: a column per varied path, then `metric,mean,ci95_low,ci95_high,p95`;
/// `summaries[i]` holds point i's summary of every metric.
pub fn write_sweep(
    path: &Path,
    varied: &[String],
    points: &[Vec<String>],
    summaries: &[Vec<MetricSummary>],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut header: Vec<&str> = varied.iter().map(String::as_str).collect();
        header.extend(SWEEP_COLUMNS);
        c.write_record(&header).map_err(csv_err)?;
        for (point, rows) in points.iter().zip(summaries) {
            for s in rows {
                let mut rec: Vec<String> = point
                    .iter()
                    .map(|v| v.trim_matches('"').to_string())
                    .collect();
                rec.push(s.metric.clone());
                rec.extend(
                    [s.mean, s.ci95_low, s.ci95_high, s.p95]
                        .iter()
                        .map(|v| fmt_num(*v)),
                );
                c.write_record(&rec).map_err(csv_err)?;
            }
        }
        c.flush()
    })
}

/// Writes `tornado.csv` (leaksim adds `metric` and `base`, the metric with every parameter at its median).
pub fn write_tornado(path: &Path, rows: &[TornadoRow], metric: &str, base: f64) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(TORNADO_COLUMNS).map_err(csv_err)?;
        for r in rows {
            c.write_record([
                r.parameter.clone(),
                fmt_num(r.low_value),
                fmt_num(r.high_value),
                fmt_num(r.metric_at_low),
                fmt_num(r.metric_at_high),
                fmt_num(r.swing),
                metric.to_string(),
                fmt_num(base),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })
}
