//! Output files: written whole or not at all (a temporary file beside the target, then a rename).

use crate::engine::{LeakPath, TraceRow};
use crate::error::{Error, Result};
use crate::metrics::{self, NAMES};
use crate::runner::RunResult;
use crate::scenario::Scenario;
use crate::stats::MetricSummary;
use std::io::Write;
use std::path::Path;

/// Writes `path` atomically: `fill` writes into a temporary file in the same folder, which is
/// renamed over `path` only once complete. On error the temporary file is removed.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(
            ".{}.",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("out")
        ))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    {
        let mut buf = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut buf).map_err(|e| Error::io(path, e))?;
        buf.flush().map_err(|e| Error::io(path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Formats a number for CSV: empty for NaN, shortest round-trip form otherwise.
pub fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        format!("{v}")
    }
}

fn csv_err(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// Summary rows of every metric, plus one per uncertain parameter.
pub fn summarize(s: &Scenario, r: &RunResult) -> Vec<MetricSummary> {
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
    for (i, p) in s.params.iter().enumerate() {
        values.clear();
        values.extend(r.rows.iter().map(|row| Some(row.params[i])));
        out.push(MetricSummary::of(&p.path, &values, false));
    }
    out
}

/// Writes `replications.csv`.
pub fn write_replications(path: &Path, s: &Scenario, r: &RunResult) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut header: Vec<&str> = vec!["replication"];
        header.extend(NAMES.iter().copied());
        header.extend(s.params.iter().map(|p| p.path.as_str()));
        c.write_record(&header).map_err(csv_err)?;
        let mut rec = Vec::with_capacity(header.len());
        for (i, row) in r.rows.iter().enumerate() {
            rec.clear();
            rec.push(i.to_string());
            rec.extend(row.metrics.iter().map(|v| fmt_num(*v)));
            rec.extend(row.params.iter().map(|v| fmt_num(*v)));
            c.write_record(&rec).map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes `paths.csv`: `replication,path,class,records`, one row per non-zero cell.
pub fn write_paths(path: &Path, s: &Scenario, r: &RunResult) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["replication", "path", "class", "records"])
            .map_err(csv_err)?;
        for (i, row) in r.rows.iter().enumerate() {
            for p in LeakPath::ALL {
                for (ci, &rec) in row.paths[p as usize].iter().enumerate() {
                    if rec > 0.0 {
                        c.write_record([
                            i.to_string(),
                            p.name().to_string(),
                            s.classes[ci].name.clone(),
                            fmt_num(rec),
                        ])
                        .map_err(csv_err)?;
                    }
                }
            }
        }
        c.flush()
    })
}

/// Writes `summary.csv`.
pub fn write_summary(path: &Path, rows: &[MetricSummary]) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
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
        ])
        .map_err(csv_err)?;
        for m in rows {
            let nums = [
                m.mean,
                m.sd,
                m.ci95_low,
                m.ci95_high,
                m.p05,
                m.p50,
                m.p95,
                m.p99,
                m.max,
            ];
            let mut rec = vec![m.metric.clone()];
            rec.extend(nums.iter().map(|v| fmt_num(*v)));
            rec.push(m.n.to_string());
            c.write_record(&rec).map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes `trace.csv`.
pub fn write_trace(path: &Path, s: &Scenario, rows: &[TraceRow]) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "time", "kind", "actor", "store", "class", "outcome", "records",
        ])
        .map_err(csv_err)?;
        for t in rows {
            c.write_record([
                fmt_num(t.time),
                t.kind.to_string(),
                t.actor
                    .map(|a| s.actors[a].name.clone())
                    .unwrap_or_default(),
                t.store
                    .map(|a| s.stores[a].name.clone())
                    .unwrap_or_default(),
                t.class
                    .map(|a| s.classes[a].name.clone())
                    .unwrap_or_default(),
                t.outcome.to_string(),
                fmt_num(t.records),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes every file of a run into `dir`: replications, paths, summary, resolved scenario and,
/// when given, the trace. Returns the summary rows.
pub fn write_run(
    dir: &Path,
    s: &Scenario,
    r: &RunResult,
    trace: Option<&[TraceRow]>,
) -> Result<Vec<MetricSummary>> {
    let summary = summarize(s, r);
    write_replications(&dir.join("replications.csv"), s, r)?;
    write_paths(&dir.join("paths.csv"), s, r)?;
    write_summary(&dir.join("summary.csv"), &summary)?;
    let resolved = s.resolved_toml(r.seed, r.rows.len() as u64);
    write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    if let Some(t) = trace {
        write_trace(&dir.join("trace.csv"), s, t)?;
    }
    Ok(summary)
}
