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
    // Temporary files are private (0600); results are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Columns of `paths.csv`.
pub const PATHS_COLUMNS: [&str; 4] = ["replication", "path", "class", "records"];
/// Columns of `summary.csv` (`n` is leaksim's addition).
pub const SUMMARY_COLUMNS: [&str; 11] = [
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
];
/// Columns of `compare.csv` (the last two are leaksim's additions).
pub const COMPARE_COLUMNS: [&str; 12] = [
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
        c.write_record(PATHS_COLUMNS).map_err(csv_err)?;
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
        c.write_record(SUMMARY_COLUMNS).map_err(csv_err)?;
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

/// Writes `tail.csv`: `[scenario,]metric,statistic,level,value,ci95_low,ci95_high`.
pub fn write_tail(
    path: &Path,
    tables: &[(&str, Vec<crate::analysis::TailRow>)],
    with_scenario: bool,
) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut header = vec![
            "metric",
            "statistic",
            "level",
            "value",
            "ci95_low",
            "ci95_high",
        ];
        if with_scenario {
            header.insert(0, "scenario");
        }
        c.write_record(&header).map_err(csv_err)?;
        for (name, rows) in tables {
            for r in rows {
                let mut rec = vec![
                    r.metric.to_string(),
                    r.statistic.to_string(),
                    fmt_num(r.level),
                    fmt_num(r.value),
                    fmt_num(r.ci95_low),
                    fmt_num(r.ci95_high),
                ];
                if with_scenario {
                    rec.insert(0, name.to_string());
                }
                c.write_record(&rec).map_err(csv_err)?;
            }
        }
        c.flush()
    })
}

/// Writes `sensitivity.csv`: `parameter,metric,spearman,prcc` (only for scenarios with uncertain
/// parameters).
pub fn write_sensitivity(path: &Path, s: &Scenario, r: &RunResult) -> Result<()> {
    let params: Vec<Vec<f64>> = (0..s.params.len())
        .map(|i| r.rows.iter().map(|row| row.params[i]).collect())
        .collect();
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["parameter", "metric", "spearman", "prcc"])
            .map_err(csv_err)?;
        for &m in &crate::analysis::SENSITIVITY_METRICS {
            // Replications where the metric is empty are left out of its correlations.
            let keep: Vec<usize> = (0..r.rows.len())
                .filter(|&i| !r.rows[i].metrics[m].is_nan())
                .collect();
            let y: Vec<f64> = keep.iter().map(|&i| r.rows[i].metrics[m]).collect();
            let xs: Vec<Vec<f64>> = params
                .iter()
                .map(|p| keep.iter().map(|&i| p[i]).collect())
                .collect();
            let res = if y.len() > 2 {
                crate::analysis::rank_sensitivity(&xs, &y)
            } else {
                vec![(f64::NAN, f64::NAN); xs.len()]
            };
            for (p, (sp, prcc)) in s.params.iter().zip(res) {
                c.write_record([
                    p.path.clone(),
                    NAMES[m].to_string(),
                    fmt_num(sp),
                    fmt_num(prcc),
                ])
                .map_err(csv_err)?;
            }
        }
        c.flush()
    })
}

/// Writes `convergence.csv`: `target,replications,mean,half_width,relative_error`.
pub fn write_convergence(path: &Path, rows: &[crate::study::ConvergenceRow]) -> Result<()> {
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
pub fn write_compare(path: &Path, rows: &[crate::study::CompareRow], baseline: &str) -> Result<()> {
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
            c.write_record(&rec).map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes `sweep.csv`: a column per varied path, then `metric,mean,ci95_low,ci95_high,p95`.
pub fn write_sweep(
    path: &Path,
    varied: &[String],
    points: &[Vec<String>],
    runs: &[RunResult],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut header: Vec<&str> = varied.iter().map(String::as_str).collect();
        header.extend(SWEEP_COLUMNS);
        c.write_record(&header).map_err(csv_err)?;
        let mut values: Vec<Option<f64>> = Vec::new();
        for (point, run) in points.iter().zip(runs) {
            for (m, name) in NAMES.iter().enumerate() {
                values.clear();
                values.extend(
                    run.rows
                        .iter()
                        .map(|r| Some(r.metrics[m]).filter(|v| !v.is_nan())),
                );
                let s = MetricSummary::of(name, &values, metrics::is_probability(m));
                let mut rec: Vec<String> = point
                    .iter()
                    .map(|v| v.trim_matches('"').to_string())
                    .collect();
                rec.push(name.to_string());
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
pub fn write_tornado(
    path: &Path,
    rows: &[crate::study::TornadoRow],
    metric: &str,
    base: f64,
) -> Result<()> {
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

/// Writes a run's folder with its analyses: the files of [`write_run`], `tail.csv`, and
/// `sensitivity.csv` when the scenario has uncertain parameters.
pub fn write_run_with_analyses(
    dir: &Path,
    s: &Scenario,
    r: &RunResult,
    trace: Option<&[TraceRow]>,
    thresholds: &[f64],
) -> Result<Vec<MetricSummary>> {
    let summary = write_run(dir, s, r, trace)?;
    write_timeline(&dir.join("timeline.csv"), s, r)?;
    write_markers(&dir.join("markers.csv"), s)?;
    write_tail(
        &dir.join("tail.csv"),
        &[(&s.name, crate::analysis::tail(&r.rows, thresholds))],
        false,
    )?;
    if !s.params.is_empty() {
        write_sensitivity(&dir.join("sensitivity.csv"), s, r)?;
    }
    Ok(summary)
}

/// Writes `timeline.csv`: per day, the mean and 5-95% band of cumulative records leaked and the
/// mean and 95th percentile of the review backlog; `date` when the scenario has a start date.
pub fn write_timeline(path: &Path, s: &Scenario, r: &RunResult) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(TIMELINE_COLUMNS).map_err(csv_err)?;
        for row in r.timeline.rows() {
            let date = s
                .start_date
                .as_deref()
                .and_then(|d| crate::model::date_plus_days(d, row.day as i64))
                .unwrap_or_default();
            c.write_record([
                row.day.to_string(),
                date,
                fmt_num(row.leaked_mean),
                fmt_num(row.leaked_p05),
                fmt_num(row.leaked_p95),
                fmt_num(row.backlog_mean),
                fmt_num(row.backlog_p95),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })
}

/// The dated events of a scenario's timeline: controls starting, stores deleted, flows ending.
pub fn markers(s: &Scenario) -> Vec<(f64, String)> {
    let mut m = Vec::new();
    let c = &s.controls;
    let mut control =
        |name: &str, from: &crate::scenario::Num| m.push((s.typical(from), format!("{name} on")));
    if let Some(x) = &c.firewall {
        control("firewall", &x.from_day);
    }
    if let Some(x) = &c.gatekeeper {
        control("gatekeeper", &x.from_day);
    }
    if let Some(x) = &c.code_review {
        control("code review", &x.from_day);
    }
    if let Some(x) = &c.enclave {
        control("enclave", &x.from_day);
    }
    if let Some(x) = &c.audit {
        control("audit", &x.from_day);
    }
    if let Some(x) = &c.third_party_audit {
        control("third-party audit", &x.from_day);
    }
    for st in &s.stores {
        if let Some(d) = &st.delete_on_day {
            m.push((s.typical(d), format!("{} deleted", st.name)));
        }
    }
    for f in &s.flows {
        if let Some(d) = &f.end_day {
            m.push((s.typical(d), format!("{} ends", f.name)));
        }
    }
    m.retain(|(d, _)| *d > 0.0 && *d <= s.horizon_days);
    m.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    m
}

/// Writes `markers.csv`: `day,label` for each dated event of the scenario (chart annotations).
pub fn write_markers(path: &Path, s: &Scenario) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(MARKERS_COLUMNS).map_err(csv_err)?;
        for (d, label) in markers(s) {
            c.write_record([fmt_num(d), label]).map_err(csv_err)?;
        }
        c.flush()
    })
}
