//! The files of a run's folder: replications, paths, summary, the resolved scenario, trace,
//! timeline, markers, tail, who gets the data (reach) and sensitivity.

use super::columns::*;
use super::format::{fmt_num, fmt_num_into, push_num};
use super::{csv_err, write_atomic};
use crate::analysis::reach::ReachRow;
use crate::analysis::sensitivity::SensitivityRow;
use crate::analysis::stats::MetricSummary;
use crate::analysis::summary::RunAnalyses;
use crate::analysis::tail::TailRow;
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::metrics::NAMES;
use crate::sim::observe::TraceRow;
use crate::sim::runner::RunResult;
use std::path::Path;

/// Writes `replications.csv`.
pub fn write_replications(path: &Path, s: &Scenario, r: &RunResult) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut header: Vec<&str> = vec!["replication"];
        header.extend(NAMES.iter().copied());
        let windows = s.window_columns();
        header.extend(windows.iter().map(String::as_str));
        header.extend(s.params.iter().map(|p| p.path.as_str()));
        c.write_record(&header).map_err(csv_err)?;
        // Numbers never need quoting: the rows are written as text directly.
        let w = c.into_inner().map_err(|e| e.into_error())?;
        let width = NAMES.len() + windows.len() + s.params.len();
        let (mut line, mut scratch) = (Vec::new(), String::new());
        r.rows.for_each_block(|first, len, values| {
            for i in 0..len {
                line.clear();
                line.extend_from_slice(itoa::Buffer::new().format(first + i as u64).as_bytes());
                for col in 0..width {
                    line.push(b',');
                    push_num(&mut line, values[col * len + i], &mut scratch);
                }
                line.push(b'\n');
                w.write_all(&line)?;
            }
            Ok::<(), std::io::Error>(())
        })
    })
}

/// Writes `paths.csv`: `replication,path,class,records,recipient,actor,store`, one row per
/// replication, route, class, recipient, actor and store with records > 0.
pub fn write_paths(path: &Path, s: &Scenario, r: &RunResult) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(PATHS_COLUMNS).map_err(csv_err)?;
        let (mut rep, mut records) = (itoa::Buffer::new(), String::new());
        r.rows.for_each_path(|i, p| {
            fmt_num_into(&mut records, p.records);
            let actor = p.actor.map_or("", |a| s.actors[a as usize].name.as_str());
            let store = p.store.map_or("", |x| s.stores[x as usize].name.as_str());
            c.write_record([
                rep.format(i),
                p.route.name(),
                &s.classes[p.class as usize].name,
                &records,
                s.recipient_name(p.recipient as usize),
                actor,
                store,
            ])
            .map_err(csv_err)?;
            Ok::<(), std::io::Error>(())
        })?;
        c.flush()
    })
}

/// Writes `reach.csv`: who gets the data, per recipient and class.
pub fn write_reach(path: &Path, rows: &[ReachRow]) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(REACH_COLUMNS).map_err(csv_err)?;
        for r in rows {
            let mut rec = vec![r.recipient.clone(), r.class.clone()];
            rec.extend(
                [
                    r.p_reached,
                    r.p_ci95.0,
                    r.p_ci95.1,
                    r.records.mean,
                    r.records.low,
                    r.records.high,
                    r.records_p95,
                    r.records_p99,
                ]
                .iter()
                .map(|v| fmt_num(*v)),
            );
            c.write_record(&rec).map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes `summary.csv`.
/// `structural` (the reasons of a structural zero) goes on the question's rows.
pub fn write_summary(path: &Path, rows: &[MetricSummary], structural: Option<&str>) -> Result<()> {
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
            rec.push(structural_cell(&m.metric, structural));
            c.write_record(&rec).map_err(csv_err)?;
        }
        c.flush()
    })
}

/// The `structural` cell of a metric's row: "no route in this model: ..." on the question's rows
/// (`reached` and the records, exposure and loss of its recipients) of a structural zero.
pub fn structural_cell(metric: &str, structural: Option<&str>) -> String {
    match structural {
        Some(r) if metric.starts_with("reached") => crate::analysis::structural::no_route_text(r),
        _ => String::new(),
    }
}

/// Writes `trace.csv` from rows held in memory (a run streams it instead: `output::trace`).
pub fn write_trace(path: &Path, s: &Scenario, rows: &[TraceRow]) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(TRACE_COLUMNS).map_err(csv_err)?;
        let mut num = String::new();
        for t in rows {
            super::trace::write_row(&mut c, &mut num, s, t).map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes a run's row files: `replications` and `paths`, as CSV or (`parquet`) Parquet.
pub fn write_rows(dir: &Path, s: &Scenario, r: &RunResult, parquet: bool) -> Result<()> {
    if parquet {
        super::parquet::write_replications(&dir.join("replications.parquet"), s, r)?;
        super::parquet::write_paths(&dir.join("paths.parquet"), s, r)
    } else {
        write_replications(&dir.join("replications.csv"), s, r)?;
        write_paths(&dir.join("paths.csv"), s, r)
    }
}

/// Writes the rest of a run's folder (all but [`write_rows`]): summary, resolved scenario,
/// trace, timeline, markers, tail, reach and sensitivity.
pub fn write_analyses(
    dir: &Path,
    s: &Scenario,
    r: &RunResult,
    a: &RunAnalyses,
    trace: Option<&[TraceRow]>,
) -> Result<()> {
    write_summary(
        &dir.join("summary.csv"),
        &a.summary,
        a.structural.as_deref(),
    )?;
    let resolved = s.resolved_toml(r.seed, r.rows.len());
    write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    if let Some(t) = trace {
        write_trace(&dir.join("trace.csv"), s, t)?;
    }
    write_timeline(&dir.join("timeline.csv"), s, r)?;
    write_markers(&dir.join("markers.csv"), s)?;
    write_tail(&dir.join("tail.csv"), &[(&s.name, &a.tail)], false)?;
    write_reach(&dir.join("reach.csv"), &a.reach)?;
    super::routes::write_routes(&dir.join("routes.csv"), s, &a.routes)?;
    if let Some(rows) = &a.sensitivity {
        write_sensitivity(&dir.join("sensitivity.csv"), rows)?;
    }
    Ok(())
}

/// Writes `tail.csv`: `[scenario,]metric,statistic,level,value,ci95_low,ci95_high`.
pub fn write_tail(path: &Path, tables: &[(&str, &[TailRow])], with_scenario: bool) -> Result<()> {
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
            for r in rows.iter() {
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

/// Writes `sensitivity.csv`: `parameter,metric,spearman,prcc,prcc_ci95_low,prcc_ci95_high`.
pub fn write_sensitivity(path: &Path, rows: &[SensitivityRow]) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(SENSITIVITY_COLUMNS).map_err(csv_err)?;
        for r in rows {
            c.write_record([
                r.parameter.clone(),
                r.metric.to_string(),
                fmt_num(r.spearman),
                fmt_num(r.prcc),
                fmt_num(r.prcc_ci95.0),
                fmt_num(r.prcc_ci95.1),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })
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
                .and_then(|d| crate::scenario::dates::date_plus_days(d, row.day as i64))
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
