//! `report.html`: one self-contained page per results folder, with its charts inlined and its
//! key tables, built from the folder's files alone.

mod compare_verdict;
mod inputs;
mod routes;
mod sections;
mod tolerance;
mod verdict;

use super::charts::Table;
use super::columns::is_probability;
use super::format::human;
use super::results::{read, Kind, Resolved, ResultsFolder};
use super::write_atomic;
use crate::error::Result;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
    let escaped: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| esc(c)).collect())
        .collect();
    table_html_raw(header, &escaped)
}

/// [`table_html`] with cells that are HTML already (links, emphasis); headers are escaped.
fn table_html_raw(header: &[&str], rows: &[Vec<String>]) -> String {
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
                c
            );
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>\n");
    o
}

fn fmt_cell(metric: &str, v: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) if is_probability(metric) || metric.starts_with("p_") => {
            format!("{:.2}%", 100.0 * x)
        }
        Ok(x) if x.abs() < 100.0 && x.fract() != 0.0 => super::format::sig3(x),
        Ok(x) => human(x, 0),
        Err(_) => v.to_string(),
    }
}

fn summary_rows(dir: &Path, currency: &str) -> Result<Vec<Vec<String>>> {
    let Some(t) = read(dir, "summary.csv")? else {
        return Ok(Vec::new());
    };
    let keys = [
        "reached",
        "reached_records",
        "leaked",
        "records_leaked",
        "accessed_records",
        "exposure",
        "loss",
        "control_cost",
        "total_cost",
        "review_mean_wait_hours",
        "reviewer_utilization",
        "detected",
    ];
    let n = t.col("n").unwrap_or(10);
    let structural = t.col("structural");
    Ok(keys
        .iter()
        .filter_map(|k| t.rows.iter().find(|r| r[0] == *k))
        // A metric no replication has a value for (no gatekeeper: no wait) means nothing here.
        .filter(|r| r.get(n).is_none_or(|v| v != "0"))
        .map(|r| {
            let m = r[0].as_str();
            if let Some(text) = structural.and_then(|i| r.get(i)).filter(|x| !x.is_empty()) {
                // A structural zero: no interval, the reason instead.
                let name = if m == "reached" {
                    "P(reached): the question"
                } else {
                    m
                };
                return vec![
                    name.to_string(),
                    "0 (structural)".to_string(),
                    text.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                ];
            }
            let name = match m {
                "leaked" => "P(any leak)".to_string(),
                "reached" => "P(reached): the question".to_string(),
                "loss" | "control_cost" | "total_cost" => format!("{m} ({currency})"),
                _ => m.to_string(),
            };
            // Percentiles of a 0/1 indicator say nothing: left blank.
            let probability = is_probability(m);
            let pct = |i: usize| {
                if probability {
                    String::new()
                } else {
                    fmt_cell(m, &r[i])
                }
            };
            vec![
                name,
                fmt_cell(m, &r[1]),
                fmt_cell(m, &r[3]),
                fmt_cell(m, &r[4]),
                pct(7),
                pct(8),
            ]
        })
        .collect())
}

/// The "who gets the data" table: for each scenario, every recipient and class that any
/// replication reached (staff access last), with P(reached) and the records obtained.
fn reach_table(dirs: &[(String, &ResultsFolder)]) -> Result<String> {
    let mut rows = Vec::new();
    for (label, d) in dirs {
        let Some(t) = d.table("reach.csv")? else {
            continue;
        };
        let cell = |r: &Vec<String>, c: &str| t.col(c).map(|i| r[i].clone()).unwrap_or_default();
        // Every recipient and class reached, and the question's own even at zero.
        let q = verdict::Question::of(d);
        let structural = verdict::Summary::of(d.dir())?
            .and_then(|s| s.get("reached"))
            .is_some_and(|r| r.structural);
        let mut mine: Vec<&Vec<String>> = t
            .rows
            .iter()
            .filter(|r| cell(r, "class") != "*")
            .filter(|r| {
                cell(r, "p_reached").parse::<f64>().unwrap_or(0.0) > 0.0
                    || (!q.recipients.is_empty()
                        && q.counts(&cell(r, "recipient"), &cell(r, "class")))
            })
            .collect();
        mine.sort_by_key(|r| cell(r, "recipient").starts_with("access:"));
        if mine.is_empty() {
            rows.push(vec![
                label.clone(),
                "nobody".into(),
                String::new(),
                "0.00%".into(),
                String::new(),
                String::new(),
            ]);
        }
        for r in mine {
            let recipient = cell(r, "recipient");
            let who = match recipient.strip_prefix("access:") {
                Some(j) => format!("staff access from {j} (exposure, not a leak)"),
                None => recipient,
            };
            let p = fmt_cell("p_", &cell(r, "p_reached"));
            let zero = cell(r, "p_reached").parse::<f64>().unwrap_or(0.0) == 0.0;
            rows.push(vec![
                label.clone(),
                who,
                cell(r, "class"),
                match (zero, structural) {
                    (true, true) => format!("{p} (no route in this model)"),
                    (true, false) => format!("{p} (in no simulated year)"),
                    _ => p,
                },
                if zero && structural {
                    // A structural zero: nothing was measured, so no interval.
                    String::new()
                } else {
                    format!(
                        "[{}, {}]",
                        fmt_cell("p_", &cell(r, "p_ci95_low")),
                        fmt_cell("p_", &cell(r, "p_ci95_high"))
                    )
                },
                fmt_cell("records", &cell(r, "records_mean")),
            ]);
        }
    }
    let mut o = table_html(
        &[
            "scenario",
            "recipient",
            "class",
            "P(reached)",
            "95% CI",
            "records (mean)",
        ],
        &rows,
    );
    if rows.iter().any(|r| r[1].starts_with("staff access")) {
        o.push_str(STAFF_ACCESS_NOTE);
    }
    Ok(o)
}

/// Every metric of a comparison with its paired difference, in a collapsed appendix.
fn compare_appendix(t: &Table, baseline: &str) -> String {
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
    // Every metric; the baseline's own deltas mean nothing and are left blank.
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            let is_base = r[0] == baseline;
            let structural = t.col("structural").and_then(|i| r.get(i));
            if let Some(text) = structural.filter(|x| !x.is_empty()) {
                // A structural zero: the reason, no interval.
                let mut row = vec![r[0].clone(), r[1].clone(), "0 (structural)".into()];
                row.push(text.clone());
                row.resize(idx.len(), String::new());
                return row;
            }
            idx.iter()
                .enumerate()
                .map(|(k, &i)| {
                    if k < 2 {
                        r[i].clone()
                    } else if is_base && k >= 5 {
                        String::new()
                    } else {
                        fmt_cell(if k == 8 { "p_" } else { &r[1] }, &r[i])
                    }
                })
                .collect()
        })
        .collect();
    format!(
        "<h2>Appendix: every metric</h2>\n<details><summary>{} rows: each metric of each scenario, with its paired difference from the baseline (delta = scenario minus baseline, replication by replication, on common random numbers)</summary>\n{}</details>\n",
        rows.len(),
        table_html(
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
        )
    )
}

/// What staff access is, under every table that shows it.
const STAFF_ACCESS_NOTE: &str = "<p class=\"meta\">Staff access is exposure, not a leak: the \
records staff of a jurisdiction read through approved legitimate requests, driven by inputs \
(headcount x requests per person per day x records per request). It counts in the question's \
probability only when the question sets <code>include_access</code>; with it, every deal in \
which staff abroad read protected data at all reaches 100%.</p>\n";

const CSS: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1320px;margin:2em auto;padding:0 1em;color:#111}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:4px 8px}\
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:1em 0}figure svg{max-width:100%;height:auto}pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:.8em}\
.meta{color:#444}.verdict{background:#f3f7fb;border-left:4px solid #0072b2;padding:.2em 1em;margin:1em 0}\
.verdict h2{margin-top:.5em;border:none}.verdict li{margin:.35em 0}.verdict li.q{font-weight:bold;list-style:none;margin-left:-1.2em}.nw{white-space:nowrap}.inputs td.num{text-align:left}";

/// Writes `report.html`: one self-contained page (charts inline as SVG, tables, scenario text).
pub fn write_report(f: &ResultsFolder, kind: Kind) -> Result<PathBuf> {
    let dir = f.dir();
    let name = match kind {
        Kind::Run => f.name(),
        _ => f.folder_name(),
    };
    let mut body = String::new();
    let _ = writeln!(body, "<h1>leaksim report: {}</h1>", esc(&name));
    let members = match kind {
        Kind::Compare => f.members()?,
        _ => Vec::new(),
    };
    let facts: Vec<&Resolved> = match kind {
        Kind::Compare => members.iter().filter_map(|(_, m)| m.resolved()).collect(),
        _ => f.resolved().into_iter().collect(),
    };
    let reps = facts
        .first()
        .map(|r| fmt_cell("", &count(r.replications)))
        .unwrap_or_default();
    if let Some(r) = facts.first() {
        let _ = writeln!(
            body,
            "<p class=\"meta\">seed {} &middot; {} replications &middot; leaksim {}</p>",
            esc(&count(r.seed)),
            esc(&reps),
            esc(r.version.as_deref().unwrap_or_default())
        );
    }
    match kind {
        Kind::Run => run_body(&mut body, f, &name, &reps)?,
        Kind::Compare => compare_body(&mut body, f, &members, &reps)?,
        Kind::Sweep => sweep_body(&mut body, f)?,
        Kind::Tornado => tornado_body(&mut body, f)?,
    }
    if !facts.is_empty() {
        let _ = writeln!(body, "<h2>Scenarios and assumptions</h2>");
        for r in &facts {
            let s = &r.scenario;
            let _ = writeln!(body, "<h3>{}</h3><p>{}</p><details><summary>resolved scenario file</summary><pre>{}</pre></details>", esc(&s.name), esc(&s.description), esc(&r.text));
        }
    }
    body.push_str(&sections::provenance(f));
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leaksim: {}</title><style>{CSS}</style></head>\n<body>\n{body}</body></html>\n",
        esc(&name)
    );
    let path = dir.join("report.html");
    write_atomic(&path, |w| w.write_all(html.as_bytes()))?;
    Ok(path)
}

/// A count of the resolved scenario's `[run]` as written (empty when absent).
fn count(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// A run folder's report after its heading: verdict, who gets the data, paths, summary, tail,
/// sensitivity, routes, inputs, charts.
fn run_body(body: &mut String, f: &ResultsFolder, name: &str, reps: &str) -> Result<()> {
    let dir = f.dir();
    body.push_str(&verdict::run_verdict(f, reps)?);
    if let Some(s) = f.scenario() {
        let _ = writeln!(body, "<p>{}</p>", esc(&s.description));
    }
    let _ = writeln!(body, "<h2>Who gets the data</h2>");
    let q = verdict::Question::of(f);
    if let Some((a, b)) = q.window.filter(|&(a, b)| a > 0.0 || b < q.horizon) {
        let _ = writeln!(
            body,
            "<p class=\"meta\">Over the whole run ({} days), every route and recipient; the question counts days {} to {} only, so its answer in the verdict differs from the matching row here.</p>",
            human(q.horizon, 0),
            human(a, 0),
            human(b, 0)
        );
    }
    body.push_str(&reach_table(&[(name.to_string(), f)])?);
    body.push_str(&inline_svg(dir, "reach"));
    body.push_str(&sections::paths_table(f)?);
    body.push_str(&inline_svg(dir, "paths"));
    let (horizon, currency) = (f.horizon(), f.currency());
    let _ = writeln!(body, "<h2>Summary</h2>");
    body.push_str(&table_html(
        &["metric", "mean", "95% CI low", "95% CI high", "p95", "p99"],
        &summary_rows(dir, &currency)?,
    ));
    body.push_str(&sections::tail_table(dir, horizon, &currency)?);
    body.push_str(&sections::sensitivity_table(dir)?);
    body.push_str(&routes::routes_section(f)?);
    body.push_str(&inputs::inputs_section(f));
    let _ = writeln!(body, "<h2>Charts</h2>");
    for stem in ["exceedance", "timeline"] {
        body.push_str(&inline_svg(dir, stem));
    }
    Ok(())
}

/// A comparison's report after its heading: verdict, who gets the data, cost-effectiveness,
/// charts, every metric, and what each scenario changes.
fn compare_body(
    body: &mut String,
    f: &ResultsFolder,
    members: &[(String, ResultsFolder)],
    reps: &str,
) -> Result<()> {
    let dir = f.dir();
    let t = &f.compare()?.unwrap_or_default();
    let baseline = super::results::baseline_of(t).unwrap_or_default();
    body.push_str(&compare_verdict::compare_verdict(
        t, members, &baseline, reps,
    )?);
    let _ = writeln!(body, "<h2>Who gets the data</h2>");
    let named: Vec<(String, &ResultsFolder)> =
        members.iter().map(|(s, m)| (s.clone(), m)).collect();
    body.push_str(&reach_table(&named)?);
    body.push_str(&inline_svg(dir, "reach"));
    let currency = members
        .first()
        .map(|(_, m)| m.currency())
        .unwrap_or_else(|| crate::scenario::DEFAULT_CURRENCY.to_string());
    let _ = writeln!(
        body,
        "<h3>Cost-effectiveness against <code>{}</code></h3>",
        esc(&baseline)
    );
    body.push_str(&sections::cost_effectiveness(t, &baseline, &currency));
    let _ = writeln!(body, "<h2>Charts</h2>");
    for stem in ["compare", "exceedance"] {
        body.push_str(&inline_svg(dir, stem));
    }
    body.push_str(&compare_appendix(t, &baseline));
    if let Ok(diff) = std::fs::read_to_string(dir.join("diff.txt")) {
        let _ = writeln!(
            body,
            "<h2>What each scenario changes from the baseline</h2><pre>{}</pre>",
            esc(&diff)
        );
    }
    Ok(())
}

/// A sweep's report after its heading: its chart and its key rows.
fn sweep_body(body: &mut String, f: &ResultsFolder) -> Result<()> {
    let _ = writeln!(body, "<h2>Sweep</h2>");
    body.push_str(&inline_svg(f.dir(), "sweep"));
    let Some(t) = f.sweep()? else {
        return Ok(());
    };
    let m = t.col("metric").unwrap_or(0);
    let mut header: Vec<&str> = t.header[..m].iter().map(String::as_str).collect();
    header.extend(["metric", "mean", "95% CI low", "95% CI high", "p95"]);
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .filter(|r| SWEEP_METRICS.contains(&r[m].as_str()))
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, c)| {
                    if i <= m {
                        c.clone()
                    } else if is_probability(&r[m]) && i == r.len() - 1 {
                        // The p95 of a 0/1 indicator says nothing.
                        String::new()
                    } else {
                        fmt_cell(&r[m], c)
                    }
                })
                .collect()
        })
        .collect();
    body.push_str(&table_html(&header, &rows));
    Ok(())
}

/// The metrics of a sweep's table in the report.
const SWEEP_METRICS: [&str; 4] = [
    "reached",
    "reached_records",
    "review_mean_wait_hours",
    "total_cost",
];

/// A tornado's report after its heading: its chart and its table.
fn tornado_body(body: &mut String, f: &ResultsFolder) -> Result<()> {
    let _ = writeln!(body, "<h2>Tornado</h2>");
    body.push_str(&inline_svg(f.dir(), "tornado"));
    if let Some(t) = f.tornado()? {
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
    Ok(())
}
