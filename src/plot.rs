//! `leaksim plot DIR`: draws a results folder's charts and `report.html` from its files alone.
//! Every command that writes results calls it too, so a redraw gives the same bytes.

use crate::charts::{
    self, CompareChart, Exceedance, ExceedanceSeries, Interval, PathsChart, SweepChart, Table,
    TimelineChart, TornadoChart,
};
use crate::error::{Error, Result};
use crate::metrics::NAMES;
use crate::output::write_atomic;
use crate::report::human;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Key metrics in the report tables and the comparison chart.
const COMPARE_METRICS: [&str; 4] = ["leaked", "exposure", "loss", "total_cost"];

fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| dir.display().to_string())
}

/// Reads a results file of `dir`, checking it has the columns leaksim writes there.
fn read(dir: &Path, file: &str) -> Result<Option<Table>> {
    use crate::output::*;
    let required: &[&str] = match file {
        "replications.csv" => &["records_leaked", "loss"],
        "paths.csv" => &PATHS_COLUMNS,
        "summary.csv" => &SUMMARY_COLUMNS,
        "compare.csv" => &COMPARE_COLUMNS,
        "sweep.csv" => &SWEEP_COLUMNS,
        "tornado.csv" => &TORNADO_COLUMNS,
        "timeline.csv" => &TIMELINE_COLUMNS,
        "markers.csv" => &MARKERS_COLUMNS,
        _ => &[],
    };
    Table::read_with(&dir.join(file), required)
}

/// What kind of results a folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `run` folder (replications.csv).
    Run,
    /// A `compare` folder (compare.csv).
    Compare,
    /// A `sweep` folder (sweep.csv).
    Sweep,
    /// A `tornado` folder (tornado.csv).
    Tornado,
}

/// The kind of results in `dir`, if any.
pub fn kind(dir: &Path) -> Option<Kind> {
    [
        ("compare.csv", Kind::Compare),
        ("sweep.csv", Kind::Sweep),
        ("tornado.csv", Kind::Tornado),
        ("replications.csv", Kind::Run),
    ]
    .into_iter()
    .find(|(f, _)| dir.join(f).is_file())
    .map(|(_, k)| k)
}

/// Draws every chart of `dir` (and of its scenario folders, for a comparison) and its report.
pub fn plot_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    match kind(dir) {
        Some(Kind::Run) => plot_run(dir),
        Some(Kind::Compare) => plot_compare(dir),
        Some(Kind::Sweep) => plot_sweep(dir),
        Some(Kind::Tornado) => plot_tornado(dir),
        None => Err(Error::Usage(format!(
            "{}: no leaksim results here (expected replications.csv, compare.csv, sweep.csv or tornado.csv)",
            dir.display()
        ))),
    }
}

fn exceedance_series(dir: &Path, label: &str, metric: &str) -> Result<Option<ExceedanceSeries>> {
    let Some(t) = read(dir, "replications.csv")? else {
        return Ok(None);
    };
    let params: Vec<Vec<f64>> = t
        .header
        .iter()
        .filter(|h| *h != "replication" && !NAMES.contains(&h.as_str()))
        .map(|h| t.numbers(h))
        .collect();
    Ok(Some(ExceedanceSeries {
        label: label.to_string(),
        values: t.numbers(metric),
        params,
    }))
}

fn exceedance_chart(title: String, dirs: &[(String, PathBuf)]) -> Result<Exceedance> {
    let mut panels = Vec::new();
    for (metric, desc) in [
        ("records_leaked", "records leaked (log scale)"),
        ("loss", "loss, currency units (log scale)"),
    ] {
        let mut series = Vec::new();
        for (label, d) in dirs {
            if let Some(s) = exceedance_series(d, label, metric)? {
                series.push(s);
            }
        }
        panels.push((metric.to_string(), desc.to_string(), series));
    }
    Ok(Exceedance { title, panels })
}

fn plot_run(dir: &Path) -> Result<Vec<PathBuf>> {
    let name = folder_name(dir);
    let mut files = Vec::new();
    let chart = exceedance_chart(
        format!("{name}: exceedance curves (band: 95% CI; dashed: parameter uncertainty)"),
        &[(name.clone(), dir.to_path_buf())],
    )?;
    files.extend(charts::render(dir, "exceedance", &chart)?);
    if let Some(t) = read(dir, "timeline.csv")? {
        let markers = read(dir, "markers.csv")?
            .map(|m| {
                let days = m.numbers("day");
                let labels = m
                    .col("label")
                    .map(|i| m.rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>())
                    .unwrap_or_default();
                days.into_iter().zip(labels).collect()
            })
            .unwrap_or_default();
        let date = t
            .col("date")
            .map(|i| t.rows.iter().map(|r| r[i].clone()).collect())
            .unwrap_or_default();
        let chart = TimelineChart {
            title: format!("{name}: records leaked over time"),
            day: t.numbers("day"),
            date,
            leaked: [
                t.numbers("records_leaked_mean"),
                t.numbers("records_leaked_p05"),
                t.numbers("records_leaked_p95"),
            ],
            backlog: [t.numbers("backlog_mean"), t.numbers("backlog_p95")],
            markers,
        };
        files.extend(charts::render(dir, "timeline", &chart)?);
    }
    if let (Some(p), Some(r)) = (read(dir, "paths.csv")?, read(dir, "replications.csv")?) {
        let reps = r.rows.len().max(1) as f64;
        let (pc, cc, rc) = (
            p.col("path").unwrap_or(1),
            p.col("class").unwrap_or(2),
            p.col("records").unwrap_or(3),
        );
        let mut classes: Vec<String> = Vec::new();
        for row in &p.rows {
            if !classes.contains(&row[cc]) {
                classes.push(row[cc].clone());
            }
        }
        classes.sort();
        let mut mean: [Vec<f64>; 3] = [
            vec![0.0; classes.len()],
            vec![0.0; classes.len()],
            vec![0.0; classes.len()],
        ];
        for row in &p.rows {
            let pi = match row[pc].as_str() {
                "theft" => 0,
                "seizure" => 1,
                _ => 2,
            };
            let ci = classes.iter().position(|c| *c == row[cc]).unwrap_or(0);
            mean[pi][ci] += row[rc].parse::<f64>().unwrap_or(0.0) / reps;
        }
        let chart = PathsChart {
            title: format!("{name}: where leaks come from"),
            classes,
            mean,
        };
        files.extend(charts::render(dir, "paths", &chart)?);
    }
    files.push(write_report(dir, Kind::Run)?);
    Ok(files)
}

fn compare_scenarios(t: &Table) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    if let Some(i) = t.col("scenario") {
        for r in &t.rows {
            if !v.contains(&r[i]) {
                v.push(r[i].clone());
            }
        }
    }
    v
}

fn baseline_of(t: &Table) -> Option<String> {
    let b = t.col("baseline")?;
    t.rows.first().map(|r| r[b].clone())
}

fn plot_compare(dir: &Path) -> Result<Vec<PathBuf>> {
    let t = read(dir, "compare.csv")?.unwrap_or_default();
    let scenarios = compare_scenarios(&t);
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for s in &scenarios {
        let d = dir.join(s);
        if d.join("replications.csv").is_file() {
            files.extend(plot_run(&d)?);
            dirs.push((s.clone(), d));
        }
    }
    let name = folder_name(dir);
    let note = if dirs.len() <= 2 {
        "band: 95% CI; dashed: parameter uncertainty"
    } else {
        "band: 95% CI"
    };
    let chart = exceedance_chart(format!("{name}: exceedance curves ({note})"), &dirs)?;
    files.extend(charts::render(dir, "exceedance", &chart)?);
    let baseline = baseline_of(&t).unwrap_or_default();
    let col = |n: &str| t.col(n).unwrap_or(0);
    let num = |r: &Vec<String>, n: &str| r[col(n)].parse::<f64>().unwrap_or(f64::NAN);
    let metrics = COMPARE_METRICS
        .iter()
        .map(|m| {
            let rows: Vec<&Vec<String>> =
                t.rows.iter().filter(|r| r[col("metric")] == *m).collect();
            let est = rows
                .iter()
                .map(|r| Interval {
                    label: r[col("scenario")].clone(),
                    value: num(r, "mean"),
                    low: num(r, "ci95_low"),
                    high: num(r, "ci95_high"),
                })
                .collect();
            let delta = rows
                .iter()
                .map(|r| Interval {
                    label: r[col("scenario")].clone(),
                    value: num(r, "delta"),
                    low: num(r, "delta_ci95_low"),
                    high: num(r, "delta_ci95_high"),
                })
                .collect();
            (m.to_string(), est, delta)
        })
        .collect();
    let chart = CompareChart {
        title: format!("{name}: scenarios against baseline `{baseline}`"),
        metrics,
    };
    files.extend(charts::render(dir, "compare", &chart)?);
    files.push(write_report(dir, Kind::Compare)?);
    Ok(files)
}

fn plot_sweep(dir: &Path) -> Result<Vec<PathBuf>> {
    let t = read(dir, "sweep.csv")?.unwrap_or_default();
    let mcol = t.col("metric").unwrap_or(0);
    let paths: Vec<String> = t.header[..mcol].to_vec();
    let num = |r: &Vec<String>, i: usize| {
        r.get(i)
            .and_then(|c| c.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (mean, lo, hi) = (
        t.col("mean").unwrap_or(0),
        t.col("ci95_low").unwrap_or(0),
        t.col("ci95_high").unwrap_or(0),
    );
    let panels = ["exposure", "total_cost"]
        .iter()
        .map(|m| {
            let pts = t
                .rows
                .iter()
                .filter(|r| r[mcol] == *m)
                .map(|r| {
                    [
                        num(r, 0),
                        if paths.len() > 1 { num(r, 1) } else { f64::NAN },
                        num(r, mean),
                        num(r, lo),
                        num(r, hi),
                    ]
                })
                .collect();
            (m.to_string(), pts)
        })
        .collect();
    let chart = SweepChart {
        title: format!("{}: sweep of {}", folder_name(dir), paths.join(" x ")),
        paths,
        panels,
    };
    let mut files = charts::render(dir, "sweep", &chart)?;
    files.push(write_report(dir, Kind::Sweep)?);
    Ok(files)
}

fn plot_tornado(dir: &Path) -> Result<Vec<PathBuf>> {
    let t = read(dir, "tornado.csv")?.unwrap_or_default();
    let names: Vec<String> = t.rows.iter().map(|r| r[0].clone()).collect();
    let (lv, hv, ml, mh) = (
        t.numbers("low_value"),
        t.numbers("high_value"),
        t.numbers("metric_at_low"),
        t.numbers("metric_at_high"),
    );
    let base = t
        .numbers("base")
        .first()
        .copied()
        .unwrap_or_else(|| (ml.first().unwrap_or(&0.0) + mh.first().unwrap_or(&0.0)) / 2.0);
    let metric = t
        .col("metric")
        .and_then(|i| t.rows.first().map(|r| r[i].clone()))
        .unwrap_or_else(|| "metric".into());
    let rows = (0..names.len())
        .map(|i| (names[i].clone(), lv[i], hv[i], ml[i], mh[i]))
        .collect();
    let chart = TornadoChart {
        title: format!("{}: what drives {metric}", folder_name(dir)),
        metric,
        base,
        rows,
    };
    let mut files = charts::render(dir, "tornado", &chart)?;
    files.push(write_report(dir, Kind::Tornado)?);
    Ok(files)
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn inline_svg(dir: &Path, stem: &str) -> String {
    let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap_or_default();
    let body = svg.find("<svg").map(|i| &svg[i..]).unwrap_or("");
    if body.is_empty() {
        String::new()
    } else {
        format!("<figure>{body}</figure>\n")
    }
}

fn table_html(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut o = String::from("<table><thead><tr>");
    for h in header {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let _ = write!(
                o,
                "<td{}>{}</td>",
                if i == 0 { "" } else { " class=\"num\"" },
                esc(c)
            );
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>\n");
    o
}

fn fmt_cell(metric: &str, v: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) if metric == "leaked" || metric.starts_with("p_") => format!("{:.2}%", 100.0 * x),
        Ok(x) if x.abs() < 100.0 && x.fract() != 0.0 => human(x, 3),
        Ok(x) => human(x, 0),
        Err(_) => v.to_string(),
    }
}

/// Facts of a run folder's resolved scenario: name, description, seed, replications, version, text.
fn resolved_facts(dir: &Path) -> Option<(String, String, String, String, String, String)> {
    let text = std::fs::read_to_string(dir.join("scenario.resolved.toml")).ok()?;
    let v: toml::Table = text.parse().ok()?;
    let s = v.get("scenario")?;
    let get = |t: Option<&toml::Value>, k: &str| {
        t.and_then(|t| t.get(k))
            .map(|x| x.to_string().trim_matches('"').to_string())
            .unwrap_or_default()
    };
    let run = v.get("run");
    Some((
        get(Some(s), "name"),
        get(Some(s), "description"),
        get(run, "seed"),
        get(run, "replications"),
        get(run, "leaksim_version"),
        text,
    ))
}

fn summary_rows(dir: &Path) -> Result<Vec<Vec<String>>> {
    let Some(t) = read(dir, "summary.csv")? else {
        return Ok(Vec::new());
    };
    let keys = [
        "leaked",
        "records_leaked",
        "exposure",
        "loss",
        "control_cost",
        "total_cost",
        "review_mean_wait_hours",
        "reviewer_utilization",
        "detected",
    ];
    Ok(keys
        .iter()
        .filter_map(|k| t.rows.iter().find(|r| r[0] == *k))
        .map(|r| {
            let m = r[0].as_str();
            let name = if m == "leaked" {
                "P(any leak)".to_string()
            } else {
                m.to_string()
            };
            vec![
                name,
                fmt_cell(m, &r[1]),
                fmt_cell(m, &r[3]),
                fmt_cell(m, &r[4]),
                fmt_cell(m, &r[7]),
                fmt_cell(m, &r[8]),
            ]
        })
        .collect())
}

const CSS: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1320px;margin:2em auto;padding:0 1em;color:#111}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:4px 8px}\
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:1em 0}figure svg{max-width:100%;height:auto}pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:.8em}\
.meta{color:#444}";

/// Writes `report.html`: one self-contained page (charts inline as SVG, tables, scenario text).
pub fn write_report(dir: &Path, kind: Kind) -> Result<PathBuf> {
    let name = folder_name(dir);
    let mut body = String::new();
    let _ = writeln!(body, "<h1>leaksim report: {}</h1>", esc(&name));
    let compare = match kind {
        Kind::Compare => read(dir, "compare.csv")?.unwrap_or_default(),
        _ => Table::default(),
    };
    let scenario_dirs: Vec<PathBuf> = match kind {
        Kind::Compare => compare_scenarios(&compare)
            .into_iter()
            .map(|s| dir.join(s))
            .collect(),
        _ => vec![dir.to_path_buf()],
    };
    let facts: Vec<_> = scenario_dirs
        .iter()
        .filter_map(|d| resolved_facts(d))
        .collect();
    if let Some(f) = facts.first() {
        let _ = writeln!(
            body,
            "<p class=\"meta\">seed {} &middot; {} replications &middot; leaksim {}</p>",
            esc(&f.2),
            esc(&fmt_cell("", &f.3)),
            esc(&f.4)
        );
    }
    match kind {
        Kind::Run => {
            if let Some(f) = facts.first() {
                let _ = writeln!(body, "<p>{}</p>", esc(&f.1));
            }
            let _ = writeln!(body, "<h2>Summary</h2>");
            body.push_str(&table_html(
                &["metric", "mean", "95% CI low", "95% CI high", "p95", "p99"],
                &summary_rows(dir)?,
            ));
            let _ = writeln!(body, "<h2>Charts</h2>");
            for stem in ["exceedance", "timeline", "paths"] {
                body.push_str(&inline_svg(dir, stem));
            }
        }
        Kind::Compare => {
            let t = &compare;
            let _ = writeln!(body, "<h2>Comparison</h2><p>Paired differences on common random numbers: delta = scenario minus baseline, replication by replication.</p>");
            let cols = [
                "scenario",
                "metric",
                "mean",
                "ci95_low",
                "ci95_high",
                "delta",
                "delta_ci95_low",
                "delta_ci95_high",
                "p_lower",
            ];
            let idx: Vec<usize> = cols.iter().filter_map(|c| t.col(c)).collect();
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .filter(|r| COMPARE_METRICS.contains(&r[1].as_str()) || r[1] == "control_cost")
                .map(|r| {
                    idx.iter()
                        .enumerate()
                        .map(|(k, &i)| {
                            if k < 2 {
                                r[i].clone()
                            } else {
                                fmt_cell(if k == 8 { "p_" } else { &r[1] }, &r[i])
                            }
                        })
                        .collect()
                })
                .collect();
            body.push_str(&table_html(
                &[
                    "scenario",
                    "metric",
                    "mean",
                    "95% CI low",
                    "95% CI high",
                    "delta",
                    "delta CI low",
                    "delta CI high",
                    "P(lower)",
                ],
                &rows,
            ));
            let _ = writeln!(body, "<h2>Charts</h2>");
            for stem in ["compare", "exceedance"] {
                body.push_str(&inline_svg(dir, stem));
            }
            if let Ok(diff) = std::fs::read_to_string(dir.join("diff.txt")) {
                let _ = writeln!(
                    body,
                    "<h2>What each scenario changes from the baseline</h2><pre>{}</pre>",
                    esc(&diff)
                );
            }
        }
        Kind::Sweep => {
            let _ = writeln!(body, "<h2>Sweep</h2>");
            body.push_str(&inline_svg(dir, "sweep"));
            if let Some(t) = read(dir, "sweep.csv")? {
                let m = t.col("metric").unwrap_or(0);
                let mut header: Vec<&str> = t.header[..m].iter().map(String::as_str).collect();
                header.extend(["metric", "mean", "95% CI low", "95% CI high", "p95"]);
                let rows: Vec<Vec<String>> = t
                    .rows
                    .iter()
                    .filter(|r| {
                        ["leaked", "exposure", "review_mean_wait_hours", "total_cost"]
                            .contains(&r[m].as_str())
                    })
                    .map(|r| {
                        r.iter()
                            .enumerate()
                            .map(|(i, c)| if i > m { fmt_cell(&r[m], c) } else { c.clone() })
                            .collect()
                    })
                    .collect();
                body.push_str(&table_html(&header, &rows));
            }
        }
        Kind::Tornado => {
            let _ = writeln!(body, "<h2>Tornado</h2>");
            body.push_str(&inline_svg(dir, "tornado"));
            if let Some(t) = read(dir, "tornado.csv")? {
                let rows: Vec<Vec<String>> = t
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .enumerate()
                            .map(|(i, c)| if i == 0 { c.clone() } else { fmt_cell("", c) })
                            .collect()
                    })
                    .collect();
                let header: Vec<&str> = t.header.iter().map(String::as_str).collect();
                body.push_str(&table_html(&header, &rows));
            }
        }
    }
    if !facts.is_empty() {
        let _ = writeln!(body, "<h2>Scenarios and assumptions</h2>");
        for f in &facts {
            let _ = writeln!(body, "<h3>{}</h3><p>{}</p><details><summary>resolved scenario file</summary><pre>{}</pre></details>", esc(&f.0), esc(&f.1), esc(&f.5));
        }
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leaksim: {}</title><style>{CSS}</style></head>\n<body>\n{body}</body></html>\n",
        esc(&name)
    );
    let path = dir.join("report.html");
    write_atomic(&path, |w| w.write_all(html.as_bytes()))?;
    Ok(path)
}
