//! `report.html`: one self-contained page per results folder, with its charts inlined and its
//! key tables, built from the folder's files alone.

mod compare_verdict;
mod inputs;
mod routes;
mod sections;
mod tolerance;
mod verdict;

use super::charts::Table;
use super::format::human;
use super::plot::{compare_scenarios, folder_name, read, Kind};
use super::write_atomic;
use crate::error::Result;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The currency of a run folder's resolved scenario.
pub fn currency_of(dir: &Path) -> String {
    sections::horizon_and_currency(dir).1
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
        Ok(x) if metric == "leaked" || metric == "reached" || metric.starts_with("p_") => {
            format!("{:.2}%", 100.0 * x)
        }
        Ok(x) if x.abs() < 100.0 && x.fract() != 0.0 => super::format::sig3(x),
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
            let probability = m == "leaked" || m == "reached";
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
fn reach_table(dirs: &[(String, PathBuf)]) -> Result<String> {
    let mut rows = Vec::new();
    for (label, d) in dirs {
        let Some(t) = read(d, "reach.csv")? else {
            continue;
        };
        let cell = |r: &Vec<String>, c: &str| t.col(c).map(|i| r[i].clone()).unwrap_or_default();
        // Every recipient and class reached, and the question's own even at zero.
        let q = verdict::Question::of(d);
        let structural = verdict::Summary::of(d)?
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
pub fn write_report(dir: &Path, kind: Kind) -> Result<PathBuf> {
    let name = match kind {
        Kind::Run => super::plot::scenario_name(dir),
        _ => folder_name(dir),
    };
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
            let reps = facts
                .first()
                .map(|f| fmt_cell("", &f.3))
                .unwrap_or_default();
            body.push_str(&verdict::run_verdict(dir, &reps)?);
            if let Some(f) = facts.first() {
                let _ = writeln!(body, "<p>{}</p>", esc(&f.1));
            }
            let _ = writeln!(body, "<h2>Who gets the data</h2>");
            let q = verdict::Question::of(dir);
            if let Some((a, b)) = q.window.filter(|&(a, b)| a > 0.0 || b < q.horizon) {
                let _ = writeln!(
                    body,
                    "<p class=\"meta\">Over the whole run ({} days), every route and recipient; the question counts days {} to {} only, so its answer in the verdict differs from the matching row here.</p>",
                    human(q.horizon, 0),
                    human(a, 0),
                    human(b, 0)
                );
            }
            body.push_str(&reach_table(&[(name.clone(), dir.to_path_buf())])?);
            body.push_str(&inline_svg(dir, "reach"));
            body.push_str(&sections::paths_table(dir)?);
            body.push_str(&inline_svg(dir, "paths"));
            let (horizon, currency) = sections::horizon_and_currency(dir);
            let _ = writeln!(body, "<h2>Summary</h2>");
            body.push_str(&table_html(
                &["metric", "mean", "95% CI low", "95% CI high", "p95", "p99"],
                &summary_rows(dir, &currency)?,
            ));
            body.push_str(&sections::tail_table(dir, horizon, &currency)?);
            body.push_str(&sections::sensitivity_table(dir)?);
            body.push_str(&routes::routes_section(dir)?);
            body.push_str(&inputs::inputs_section(dir));
            let _ = writeln!(body, "<h2>Charts</h2>");
            for stem in ["exceedance", "timeline"] {
                body.push_str(&inline_svg(dir, stem));
            }
        }
        Kind::Compare => {
            let t = &compare;
            let named: Vec<(String, PathBuf)> = compare_scenarios(t)
                .into_iter()
                .map(|s| (s.clone(), dir.join(s)))
                .collect();
            let baseline = super::plot::baseline_of(t).unwrap_or_default();
            let names: Vec<String> = named.iter().map(|(s, _)| s.clone()).collect();
            let reps = facts
                .first()
                .map(|f| fmt_cell("", &f.3))
                .unwrap_or_default();
            body.push_str(&compare_verdict::compare_verdict(
                dir, t, &names, &baseline, &reps,
            )?);
            let _ = writeln!(body, "<h2>Who gets the data</h2>");
            body.push_str(&reach_table(&named)?);
            body.push_str(&inline_svg(dir, "reach"));
            let first = named.first().map(|(_, d)| d.clone()).unwrap_or_default();
            let (_, currency) = sections::horizon_and_currency(&first);
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
                        [
                            "reached",
                            "reached_records",
                            "review_mean_wait_hours",
                            "total_cost",
                        ]
                        .contains(&r[m].as_str())
                    })
                    .map(|r| {
                        r.iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let probability = r[m] == "reached" || r[m] == "leaked";
                                if i <= m {
                                    c.clone()
                                } else if probability && i == r.len() - 1 {
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
    body.push_str(&sections::provenance(dir));
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leaksim: {}</title><style>{CSS}</style></head>\n<body>\n{body}</body></html>\n",
        esc(&name)
    );
    let path = dir.join("report.html");
    write_atomic(&path, |w| w.write_all(html.as_bytes()))?;
    Ok(path)
}
