//! `report.html` of an exploration and its charts: each deal's spread of every probability over
//! the input draws, the ranking matrix and the sensitivity indices of the headline probability,
//! then the tables, each saying what its numbers are.

use super::level_name;
use crate::analysis::explore::quantiles::LEVELS;
use crate::analysis::explore::ranking::RankRow;
use crate::analysis::explore::{Analyses, Exploration};
use crate::error::Result;
use crate::output::charts::{self, IndicesChart, RankingChart, SpreadChart, TradeoffChart};
use crate::output::html::esc;
use std::fmt::Write;
use std::path::Path;

fn pct(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        format!("{:.1}%", 100.0 * v)
    }
}

fn svg(dir: &Path, stem: &str) -> String {
    let text = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap_or_default();
    match text.find("<svg") {
        Some(i) => format!("<figure>{}</figure>\n", &text[i..]),
        None => String::new(),
    }
}

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut o = String::from("<table><thead><tr>");
    for h in header {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i < 2 { "" } else { " class=\"num\"" };
            let _ = write!(o, "<td{class}>{}</td>", esc(c));
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>\n");
    o
}

/// The share matrix of metric 0 under `a`.
fn shares(x: &Exploration, a: &Analyses) -> Vec<Vec<f64>> {
    let n = x.deals.len();
    let mut m = vec![vec![f64::NAN; n]; n];
    for r in &a.ranking {
        if let RankRow::Below {
            metric: 0,
            deal,
            other,
            share,
        } = r
        {
            m[*deal][*other] = share.value;
        }
    }
    m
}

/// Draws the charts of one weighting (`suffix` "" or "-evidence") and returns its HTML.
fn weighting_section(dir: &Path, x: &Exploration, a: &Analyses, suffix: &str) -> Result<String> {
    let mut o = String::new();
    let conditioned = if suffix.is_empty() {
        String::new()
    } else {
        format!(
            ", on the evidence (ESS {:.0} of {})",
            a.weights.ess(),
            a.weights.w.len()
        )
    };
    o.push_str(&spread_charts(dir, x, a, suffix, &conditioned)?);
    o.push_str(&ranking_chart(dir, x, a, suffix, &conditioned)?);
    o.push_str(&indices_chart(dir, x, a, suffix, &conditioned)?);
    o.push_str(&uncertainty_table(x, a));
    Ok(o)
}

/// Each metric's spread over the input draws, per deal (`conditioned`: the title's note on the
/// evidence, empty without).
fn spread_charts(
    dir: &Path,
    x: &Exploration,
    a: &Analyses,
    suffix: &str,
    conditioned: &str,
) -> Result<String> {
    let mut o = String::new();
    for (m, metric) in x.metrics.iter().enumerate() {
        let question = x.questions.first().cloned().unwrap_or_default();
        let label = match metric.strip_prefix("reached.") {
            _ if m == 0 => question,
            // A window of the question: the question, then the window's name.
            Some(window) => format!("{question} {}", window.replace('_', " ")),
            None => charts::human_label(metric),
        };
        let deals = a
            .uncertainty
            .iter()
            .filter(|r| r.metric == m)
            .map(|r| {
                let q = [0, 1, 2, 3, 4].map(|i| r.percentiles[i].value);
                let xs = if suffix.is_empty() {
                    x.draws.column(r.deal, m)
                } else {
                    Vec::new()
                };
                (x.deals[r.deal].clone(), xs, q, r.mean.value)
            })
            .collect();
        let stem = format!("explore-spread-{metric}{suffix}");
        charts::render(
            dir,
            &stem,
            &SpreadChart {
                title: format!("{label} over input uncertainty{conditioned}"),
                axis: if suffix.is_empty() {
                    format!(
                        "{label}: dots = draws' estimates ({} replications each); box 25-75%, whiskers 5-95%, bar median (noise taken out), triangle mean",
                        x.draws.reps
                    )
                } else {
                    format!("{label}: weighted percentiles of the draws, box 25-75%, whiskers 5-95%, bar median, triangle mean")
                },
                deals,
            },
        )?;
        o.push_str(&svg(dir, &stem));
    }
    Ok(o)
}

/// How often each deal is below each other over the draws (with more than one deal).
fn ranking_chart(
    dir: &Path,
    x: &Exploration,
    a: &Analyses,
    suffix: &str,
    conditioned: &str,
) -> Result<String> {
    let mut o = String::new();
    if x.deals.len() > 1 {
        let stem = format!("explore-ranking{suffix}");
        charts::render(
            dir,
            &stem,
            &RankingChart {
                title: format!(
                    "Share of input draws with the row's deal below the column's{conditioned}"
                ),
                deals: x.deals.clone(),
                share: shares(x, a),
            },
        )?;
        o.push_str(&svg(dir, &stem));
    }
    Ok(o)
}

/// The indices of the question's probability for each input (Sobol or given-data).
fn indices_chart(
    dir: &Path,
    x: &Exploration,
    a: &Analyses,
    suffix: &str,
    conditioned: &str,
) -> Result<String> {
    let mut o = String::new();
    let sens: Vec<_> = a.sensitivity.iter().filter(|r| r.metric == 0).collect();
    if !sens.is_empty() {
        let sobol = sens[0].method == "sobol";
        let stem = format!("explore-indices{suffix}");
        // Only the inputs some deal uses (an evidence input sets no deal's path).
        let shown: Vec<usize> = (0..x.inputs.len())
            .filter(|i| sens.iter().any(|r| r.input == *i))
            .collect();
        let row = |input: usize| shown.iter().position(|&i| i == input).unwrap_or(0);
        charts::render(
            dir,
            &stem,
            &IndicesChart {
                title: if sobol {
                    format!("Sobol indices of {} (filled: total, hollow: first order; 95% bootstrap intervals)", x.questions[0])
                } else {
                    format!("Given-data first-order indices of {} (95% bootstrap intervals){conditioned}", x.questions[0])
                },
                axis: "share of the variance over the input draws".into(),
                deals: x.deals.clone(),
                inputs: shown.iter().map(|&i| x.inputs[i].clone()).collect(),
                points: sens
                    .iter()
                    .map(|r| {
                        let f = &r.indices.first;
                        let t = &r.indices.total;
                        (
                            r.deal,
                            row(r.input),
                            [f.value, f.low, f.high],
                            [t.value, t.low, t.high],
                        )
                    })
                    .collect(),
            },
        )?;
        o.push_str(&svg(dir, &stem));
    }
    Ok(o)
}

/// The table of every deal and metric: mean, percentiles, shares above the thresholds and the
/// noise share.
fn uncertainty_table(x: &Exploration, a: &Analyses) -> String {
    let mut header: Vec<String> = vec![
        "deal".into(),
        "metric".into(),
        "mean [95% MC interval]".into(),
    ];
    header.extend(
        LEVELS
            .iter()
            .map(|q| format!("{} [95% interval]", level_name(*q))),
    );
    header.extend(
        x.thresholds
            .iter()
            .map(|t| format!("share of draws above {}", pct(*t))),
    );
    header.push("noise share".into());
    let rows: Vec<Vec<String>> = a
        .uncertainty
        .iter()
        .map(|r| {
            let mut row = vec![x.deals[r.deal].clone(), x.metrics[r.metric].to_string()];
            for e in std::iter::once(&r.mean)
                .chain(&r.percentiles)
                .chain(&r.above)
            {
                row.push(format!(
                    "{} [{}, {}]",
                    pct(e.value),
                    pct(e.low),
                    pct(e.high)
                ));
            }
            row.push(format!("{:.0}%", 100.0 * r.noise_share));
            row
        })
        .collect();
    table(&header, &rows)
}

/// Draws the charts and writes `report.html` into `dir`.
pub fn write_report(dir: &Path, x: &Exploration) -> Result<()> {
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>How sure is the number? Exploration of {} deal(s)</h1>\n<p>{} draws of {} input(s) ({} design), {} replications of every deal at every draw on common random numbers, seed {}. \
         The <b>mean</b> is the probability averaged over input uncertainty, with its 95% Monte Carlo interval (what <code>run</code> prints); \
         the <b>percentiles</b> are the spread of the probability over what we do not know (the inputs), each draw's probability estimated from {} replications \
         (up to &plusmn;{:.1} points of chance each, 95%, at a probability of 50%): the part of that chance which differs from draw to draw is taken out of the spread (the noise share, last column), \
         and the percentiles' intervals count the error of the draws and of their replications both (docs/explore.md).</p>\n",
        x.deals.len(),
        x.values.len(),
        x.inputs.len(),
        x.design.kind.name(),
        x.draws.reps,
        x.seed,
        x.draws.reps,
        100.0 * 1.96 * (0.25 / x.draws.reps as f64).sqrt()
    );
    for a in &x.analyses {
        let suffix = if a.weights.label == "prior" {
            ""
        } else {
            "-evidence"
        };
        if !suffix.is_empty() {
            let _ = write!(
                body,
                "<h2>Conditioned on the evidence</h2>\n<p>Each draw weighted by the likelihood of the evidence; effective sample size {:.1} of {} draws.</p>\n",
                a.weights.ess(),
                a.weights.w.len()
            );
        }
        body.push_str(&weighting_section(dir, x, a, suffix)?);
    }
    body.push_str(&discovery_section(dir, x)?);
    let _ = writeln!(
        body,
        "<h2>Inputs</h2><p>{}</p>",
        x.inputs
            .iter()
            .map(|i| format!("<code>{}</code>", esc(i)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let folder = crate::output::results::ResultsFolder::open(dir)?;
    let _ = writeln!(
        body,
        "<h2>Provenance</h2><pre>{}</pre>",
        esc(folder.provenance_text())
    );
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leaksim explore</title>\
         <style>body{{font-family:'DejaVu Sans',sans-serif;max-width:1250px;margin:2em auto;color:#111}}\
         table{{border-collapse:collapse;font-size:13px;margin:1em 0}}td,th{{border:1px solid #ccc;padding:3px 6px}}\
         td.num{{text-align:right}}figure{{margin:1em 0}}figure svg{{max-width:100%;height:auto}}</style></head>\
         <body>\n{body}</body></html>\n"
    );
    crate::output::write_atomic(&dir.join("report.html"), |w| w.write_all(html.as_bytes()))
}

/// The PRIM trade-off chart and each deal's chosen box.
fn discovery_section(dir: &Path, x: &Exploration) -> Result<String> {
    let Some((m, t, found)) = &x.discovery else {
        return Ok(String::new());
    };
    let mut o = format!(
        "<h2>Scenario discovery: where {} is above {}</h2>\n<p>PRIM (peeling alpha 0.05, minimum mass 0.05) over the draws; the chosen box (ringed) has the largest coverage among those of density at least 80%. Each restriction carries its quasi-p value (Bryant and Lempert 2010, as the EMA Workbench computes it; one per restricted end): the chance that a box of as many draws, taken with that restriction lifted, would be at least as dense. A restriction with a quasi-p value above 0.05 may follow the draws' noise rather than the deal: read the box without it, or add draws.</p>\n",
        esc(&x.metrics[*m]),
        pct(*t)
    );
    let deals: Vec<_> = found
        .iter()
        .enumerate()
        .filter_map(|(k, d)| {
            d.as_ref().map(|d| {
                (
                    x.deals[k].clone(),
                    d.trajectory
                        .iter()
                        .map(|s| (s.coverage, s.density))
                        .collect(),
                    d.chosen,
                )
            })
        })
        .collect();
    charts::render(
        dir,
        "explore-discovery",
        &TradeoffChart {
            title: format!("PRIM peeling trajectories: {} > {}", x.metrics[*m], pct(*t)),
            deals,
        },
    )?;
    o.push_str(&svg(dir, "explore-discovery"));
    let header: Vec<String> = ["deal", "box", "coverage", "density", "mass"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows: Vec<Vec<String>> = found
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let Some(d) = d.as_ref() else {
                let none = super::summary::no_box(x, k, *m, *t);
                return vec![x.deals[k].clone(), none, "".into(), "".into(), "".into()];
            };
            let s = &d.trajectory[d.chosen];
            let b = super::box_with_quasi_p(x, s);
            vec![
                x.deals[k].clone(),
                b.join("; "),
                pct(s.coverage),
                pct(s.density),
                pct(s.mass),
            ]
        })
        .collect();
    o.push_str(&table(&header, &rows));
    Ok(o)
}
