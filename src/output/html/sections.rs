//! The tables of `report.html` beyond the summary: provenance, tail risk, sensitivity, paths by
//! recipient, and the comparison's cost-effectiveness, each read from the folder's files.

use super::{esc, fmt_cell, table_html};
use crate::error::Result;
use crate::output::charts::Table;
use crate::output::format::human;
use crate::output::results::{read, ResultsFolder};
use std::fmt::Write as _;
use std::path::Path;

/// How the folder's results were made, from `provenance.toml` (blank without one).
pub(super) fn provenance(f: &ResultsFolder) -> String {
    let p = f.provenance().cloned().unwrap_or_default();
    let count = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut rows = vec![
        vec!["command".to_string(), p.command.clone()],
        vec!["date".to_string(), p.date.clone()],
        vec!["leaksim version".to_string(), p.leaksim_version.clone()],
        vec!["seed".to_string(), count(p.seed)],
        vec![
            "replications".to_string(),
            human(count(p.replications).parse().unwrap_or(f64::NAN), 0),
        ],
    ];
    for s in &p.scenario {
        rows.push(vec![
            format!("scenario {} (digest)", s.name),
            s.digest.clone(),
        ]);
    }
    format!(
        "<h2>Provenance</h2>\n{}",
        table_html(&["item", "value"], &rows)
    )
}

/// "1 year in N" wording of a yearly quantile level, when the horizon is a year.
fn years(level: f64, horizon_days: f64) -> String {
    if (horizon_days - 365.0).abs() < 0.5 && level < 1.0 {
        format!(" (1 year in {:.0})", 1.0 / (1.0 - level))
    } else {
        String::new()
    }
}

/// Tail risk from `tail.csv`: value at risk, expected shortfall and exceedance probabilities.
pub(super) fn tail_table(dir: &Path, horizon_days: f64, currency: &str) -> Result<String> {
    let Some(t) = read(dir, "tail.csv")? else {
        return Ok(String::new());
    };
    let col = |n: &str| t.col(n).unwrap_or(0);
    let num = |r: &Vec<String>, n: &str| r[col(n)].parse::<f64>().unwrap_or(f64::NAN);
    let unit = |m: &str| match m {
        "loss" | "total_cost" => format!(" ({currency})"),
        _ => String::new(),
    };
    let mut rows = Vec::new();
    for r in &t.rows {
        let (metric, stat, level) = (&r[col("metric")], &r[col("statistic")], num(r, "level"));
        let what = match stat.as_str() {
            "var" => format!(
                "value at risk {:.0}%{}",
                100.0 * level,
                years(level, horizon_days)
            ),
            "es" => format!("expected shortfall, worst {:.0}%", 100.0 * (1.0 - level)),
            _ => format!("P(more than {})", human(level, 0)),
        };
        let cell = |v: f64| {
            if stat == "exceedance" {
                format!("{:.2}%", 100.0 * v)
            } else {
                human(v, 0)
            }
        };
        rows.push(vec![
            format!("{metric}{}", unit(metric)),
            what,
            cell(num(r, "value")),
            format!(
                "[{}, {}]",
                cell(num(r, "ci95_low")),
                cell(num(r, "ci95_high"))
            ),
        ]);
    }
    Ok(format!(
        "<h2>Tail risk</h2>\n<p>How bad a bad year gets: value at risk (the level exceeded with the stated probability), expected shortfall (the mean beyond it) and exceedance probabilities, with 95% intervals.</p>\n{}",
        table_html(&["metric", "statistic", "value", "95% CI"], &rows)
    ))
}

/// Sensitivity from `sensitivity.csv`: partial rank correlations with their intervals; an
/// interval that contains 0 reads as noise.
pub(super) fn sensitivity_table(dir: &Path) -> Result<String> {
    let Some(t) = read(dir, "sensitivity.csv")? else {
        return Ok(String::new());
    };
    let col = |n: &str| t.col(n);
    let num = |r: &Vec<String>, n: &str| {
        col(n)
            .and_then(|i| r[i].parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let mut rows = Vec::new();
    for r in &t.rows {
        let (p, lo, hi) = (
            num(r, "prcc"),
            num(r, "prcc_ci95_low"),
            num(r, "prcc_ci95_high"),
        );
        if p.is_nan() {
            continue;
        }
        let reading = if lo <= 0.0 && hi >= 0.0 {
            "noise (interval contains 0)"
        } else if p > 0.0 {
            "raises it"
        } else {
            "lowers it"
        };
        rows.push(vec![
            r[col("parameter").unwrap_or(0)].clone(),
            r[col("metric").unwrap_or(1)].clone(),
            format!("{p:.2}"),
            format!("[{lo:.2}, {hi:.2}]"),
            reading.to_string(),
        ]);
    }
    Ok(format!(
        "<h2>Sensitivity</h2>\n<p>Partial rank correlation (PRCC) of each uncertain parameter with each key metric, the other parameters held: near +1 or -1 the parameter drives the metric, near 0 it does not.</p>\n{}",
        table_html(&["parameter", "metric", "PRCC", "95% CI", "reading"], &rows)
    ))
}

/// Paths by recipient from `paths.csv`: per route, recipient and class, the share of
/// replications with records, and the mean records per replication.
pub(super) fn paths_table(f: &ResultsFolder) -> Result<String> {
    let Some(reps) = f.replication_count()? else {
        return Ok(String::new());
    };
    let reps = reps.max(1) as f64;
    // Per (route, recipient, class): the last replication counted, replications with records,
    // and the records in all.
    let mut cells: Vec<(String, String, String, String, u64, f64)> = Vec::new();
    let found = f.for_each_path(|row| {
        let route = row.path.replace('_', " ");
        match cells
            .iter_mut()
            .find(|c| (&c.0, c.1.as_str(), c.2.as_str()) == (&route, row.recipient, row.class))
        {
            Some(c) => {
                if c.3 != row.replication {
                    c.3 = row.replication.to_string();
                    c.4 += 1;
                }
                c.5 += row.records;
            }
            None => cells.push((
                route,
                row.recipient.to_string(),
                row.class.to_string(),
                row.replication.to_string(),
                1,
                row.records,
            )),
        }
        Ok(())
    })?;
    if !found {
        return Ok(String::new());
    }
    cells.sort_by(|a, b| b.5.total_cmp(&a.5));
    let rows: Vec<Vec<String>> = cells
        .into_iter()
        .map(|(route, who, class, _, reps_with, total)| {
            vec![
                route,
                who,
                class,
                format!("{:.2}%", 100.0 * reps_with as f64 / reps),
                human(total / reps, 0),
            ]
        })
        .collect();
    Ok(format!(
        "<h3>Paths</h3>\n{}",
        table_html(
            &[
                "route",
                "recipient",
                "class",
                "years with records",
                "mean records a year"
            ],
            &rows
        )
    ))
}

/// The cost-effectiveness line of each scenario against the baseline, from `compare.csv`.
pub(super) fn cost_effectiveness(t: &Table, baseline: &str, currency: &str) -> String {
    let (Some(s), Some(m), Some(c), Some(d)) = (
        t.col("scenario"),
        t.col("metric"),
        t.col("cost_per_loss_avoided"),
        t.col("delta"),
    ) else {
        return String::new();
    };
    let delta = |scenario: &str, metric: &str| {
        t.rows
            .iter()
            .find(|r| r[s] == scenario && r[m] == metric)
            .and_then(|r| r[d].parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let mut o = String::from("<ul>");
    let mut seen: Vec<&str> = Vec::new();
    for r in &t.rows {
        if r[s] == baseline || seen.contains(&r[s].as_str()) {
            continue;
        }
        seen.push(&r[s]);
        let (dc, dl) = (delta(&r[s], "control_cost"), delta(&r[s], "loss"));
        let text = if dl < 0.0 && dc <= 0.0 {
            "dominant: it avoids expected loss and costs no more in controls".to_string()
        } else if dl < 0.0 {
            format!(
                "{} {currency} of extra control cost per {currency} of expected loss avoided",
                fmt_cell("", &r[c])
            )
        } else {
            "no expected loss avoided".to_string()
        };
        let _ = write!(o, "<li><b>{}</b>: {}</li>", esc(&r[s]), esc(&text));
    }
    o.push_str("</ul>\n");
    o
}
