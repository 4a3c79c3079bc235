//! Text for the terminal: the run summary and the tables of `compare`, `sweep` and `tornado`.

use super::format::human;
use crate::analysis::compare::CompareRow;
use crate::analysis::stats::MetricSummary;
use crate::analysis::tornado::TornadoRow;
use crate::scenario::Scenario;
use crate::sim::metrics::NAMES;
use crate::sim::runner::RunResult;
use std::fmt::Write;

/// The run summary printed after `leaksim run`.
pub fn run_summary(s: &Scenario, r: &RunResult, summary: &[MetricSummary]) -> String {
    let get = |name: &str| metric(summary, name);
    let mut o = String::new();
    let _ = writeln!(o, "== {} ==", s.name);
    let rows = amount_rows(s, summary);
    let (probabilities, cmc) = probability_rows(s, summary);
    // Labels in one column, as wide as the longest (a long currency name widens it).
    let w = probabilities
        .iter()
        .chain(&rows)
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(22);
    write_probabilities(&mut o, s, &probabilities, &cmc, w);
    let _ = writeln!(o, "{}", interval_note(s.params.len()));
    write_amounts(&mut o, s, summary, &rows, w);
    let events = get("events").mean * r.rows.len() as f64;
    let secs = r.elapsed.as_secs_f64().max(1e-9);
    let _ = writeln!(
        o,
        "  {} replications, {} events in {:.2} s ({} events/s on {} threads), seed {}",
        human(r.rows.len() as f64, 0),
        human(events, 0),
        secs,
        human(events / secs, 0),
        r.threads,
        r.seed
    );
    printable(o)
}

/// The summary of the metric `name` (one of [`NAMES`]).
fn metric<'a>(summary: &'a [MetricSummary], name: &str) -> &'a MetricSummary {
    &summary[NAMES.iter().position(|n| *n == name).expect("known metric")]
}

/// The amounts of the run summary, labelled (amounts of money with their currency).
fn amount_rows<'a>(s: &Scenario, summary: &'a [MetricSummary]) -> Vec<(String, &'a MetricSummary)> {
    let question_rows: &[&str] = if s.question.stated {
        &["reached_records", "reached_loss"]
    } else {
        &[]
    };
    question_rows
        .iter()
        .chain(&[
            "records_leaked",
            "accessed_records",
            "exposure",
            "loss",
            "control_cost",
            "delay_cost",
            "total_cost",
        ])
        .map(|&name| {
            let label = match name {
                "reached_loss" | "loss" | "control_cost" | "delay_cost" | "total_cost" => {
                    format!("{name} ({})", s.currency)
                }
                _ => name.to_string(),
            };
            (label, metric(summary, name))
        })
        .collect()
}

/// A label and its metric's summary.
type Labelled<'a> = (String, &'a MetricSummary);

/// The probabilities of the run summary (the question, each named window, any leak), labelled,
/// and beside them their conditional Monte Carlo estimates where the run has them.
fn probability_rows<'a>(
    s: &Scenario,
    summary: &'a [MetricSummary],
) -> (Vec<Labelled<'a>>, Vec<&'a MetricSummary>) {
    let mut probabilities = vec![(s.question_label(), metric(summary, "reached"))];
    let mut cmc = vec![metric(summary, "reached_cmc")];
    for k in 0..s.question.also.len() {
        let name = format!("reached.{}", s.question.also[k].name);
        if let Some(m) = summary.iter().find(|m| m.metric == name) {
            probabilities.push((s.window_label(k), m));
        }
        let name = format!("reached_cmc.{}", s.question.also[k].name);
        cmc.extend(summary.iter().find(|m| m.metric == name));
    }
    if s.question.stated {
        probabilities.push(("P(any leak)".to_string(), metric(summary, "leaked")));
    }
    (probabilities, cmc)
}

/// Each probability with its interval (a structural zero with its reason), and its conditional
/// Monte Carlo estimate when that is narrower; labels `w` wide.
fn write_probabilities(
    o: &mut String,
    s: &Scenario,
    probabilities: &[Labelled<'_>],
    cmc: &[&MetricSummary],
    w: usize,
) {
    let structural = crate::analysis::structural::structural_zero(s);
    for (k, (label, m)) in probabilities.iter().enumerate() {
        if let (0, Some(r)) = (k, &structural) {
            // No interval: nothing was measured, the model has no route.
            let text = crate::analysis::structural::no_route_text(r);
            let _ = writeln!(o, "  {label:<w$} 0 (structural) {text}");
            continue;
        }
        let _ = writeln!(
            o,
            "  {label:<w$} {:>7.2}%   95% CI [{:.2}%, {:.2}%]",
            100.0 * m.mean,
            100.0 * m.ci95_low,
            100.0 * m.ci95_high
        );
        // The same probability by conditional Monte Carlo (`reached_cmc`), when its interval is
        // narrower (and not of zero width: every replication alike proves nothing).
        let narrower = |c: &&&MetricSummary| {
            let width = c.ci95_high - c.ci95_low;
            width > 0.0 && width < m.ci95_high - m.ci95_low
        };
        if let Some(c) = cmc.get(k).filter(narrower) {
            let _ = writeln!(
                o,
                "  {:<w$} {:>7.2}%   95% CI [{:.2}%, {:.2}%] (conditional Monte Carlo)",
                "",
                100.0 * c.mean,
                100.0 * c.ci95_low,
                100.0 * c.ci95_high
            );
        }
    }
}

/// The amounts' mean, p95 and p99, what staff access is, and the gatekeeper's wait.
fn write_amounts(
    o: &mut String,
    s: &Scenario,
    summary: &[MetricSummary],
    rows: &[Labelled<'_>],
    w: usize,
) {
    let get = |name: &str| metric(summary, name);
    let _ = writeln!(o, "  {:<w$} {:>16} {:>16} {:>16}", "", "mean", "p95", "p99");
    for (label, m) in rows {
        let _ = writeln!(
            o,
            "  {label:<w$} {:>16} {:>16} {:>16}",
            human(m.mean, 0),
            human(m.p95, 0),
            human(m.p99, 0)
        );
    }
    if get("accessed_records").mean > 0.0 {
        let _ = writeln!(
            o,
            "  {:<w$} staff access, not a leak: exposure driven by headcount x requests x records per request{}",
            "accessed_records",
            if s.question.include_access {
                " (counted in the question: include_access)"
            } else {
                " (not in the question's probability)"
            }
        );
    }
    let wait = get("review_mean_wait_hours");
    let util = get("reviewer_utilization");
    if util.n > 0 {
        let _ = writeln!(
            o,
            "  {:<w$} {} h; utilization {:.1}%",
            "gatekeeper mean wait",
            human(wait.mean, 2),
            100.0 * util.mean
        );
    }
}

/// `text` without control characters other than newlines and tabs: text read from files (a
/// currency, a description) never reaches the terminal as escape codes.
pub fn printable(text: String) -> String {
    if text
        .chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\t')
    {
        return text;
    }
    text.chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

/// What the printed intervals are, and (with `uncertain` inputs) how to see the spread over them.
pub fn interval_note(uncertain: usize) -> String {
    let mut o = "  (averaged over input uncertainty; 95% Monte Carlo interval)".to_string();
    if uncertain > 0 {
        let _ = write!(
            o,
            "\n  ({uncertain} uncertain input(s): the spread over them is not in this interval; see it with `leaksim explore FILE`)"
        );
    }
    o
}

/// Metrics shown in the terminal tables of `compare` and `sweep`.
pub const KEY_METRICS: [&str; 8] = [
    "reached",
    "reached_records",
    "leaked",
    "records_leaked",
    "exposure",
    "loss",
    "control_cost",
    "total_cost",
];

fn fmt_metric(metric: &str, v: f64) -> String {
    // A named window's `reached.NAME` is a 0/1 indicator like `reached`.
    if super::columns::is_probability(metric) || metric.starts_with("reached.") {
        format!("{:.2}%", 100.0 * v)
    } else {
        human(v, 0)
    }
}

/// The table `compare` prints: per scenario and key metric, the mean and the paired difference
/// from the baseline with their 95% intervals.
pub fn compare_table(rows: &[CompareRow], baseline: &str, reps: usize, seed: u64) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Paired comparison with `{baseline}`: {} replications on common random numbers, seed {seed}", human(reps as f64, 0));
    let _ = writeln!(
        o,
        "{:<26} {:<15} {:>40} {:>44} {:>9}",
        "scenario", "metric", "mean [95% CI]", "delta vs baseline [95% CI]", "P(lower)"
    );
    let mut last = "";
    for r in compare_order(rows) {
        let scen = if r.scenario != last {
            r.scenario.as_str()
        } else {
            ""
        };
        last = &r.scenario;
        compare_line(&mut o, rows, r, scen, baseline);
    }
    o
}

/// The rows of a comparison in the order the table shows them: scenarios in order; in each, the
/// headline, the question's extra windows (`reached.NAME`), the legitimate work blocked, then the
/// other key metrics.
fn compare_order(rows: &[CompareRow]) -> Vec<&CompareRow> {
    // Scenarios in order; in each, the headline, then the legitimate work blocked beside it.
    let mut scenarios: Vec<&str> = Vec::new();
    for r in rows {
        if !scenarios.contains(&r.scenario.as_str()) {
            scenarios.push(&r.scenario);
        }
    }
    let order: Vec<&str> = std::iter::once("reached")
        .chain(std::iter::once("legit_blocked"))
        .chain(KEY_METRICS.iter().copied().filter(|m| *m != "reached"))
        .collect();
    // The question's extra windows (`reached.NAME`) follow the headline.
    scenarios
        .iter()
        .flat_map(|sc| {
            let headline = rows
                .iter()
                .filter(move |r| r.scenario == *sc && r.metric == "reached");
            let windows = rows
                .iter()
                .filter(move |r| r.scenario == *sc && r.metric.starts_with("reached."));
            let rest = order[1..]
                .iter()
                .filter_map(move |m| rows.iter().find(|r| r.scenario == *sc && r.metric == *m));
            headline.chain(windows).chain(rest)
        })
        .collect()
}

/// One row of the comparison's table (`scen`: its scenario, or empty under the first), with the
/// notes that follow it.
fn compare_line(o: &mut String, rows: &[CompareRow], r: &CompareRow, scen: &str, baseline: &str) {
    let p = &r.paired;
    if let (true, Some(reasons)) = (r.metric.starts_with("reached"), &r.structural) {
        let _ = writeln!(o, "{:<26} {:<15} {:>40}", scen, r.metric, "0 (structural)");
        if r.metric == "reached" {
            let text = crate::analysis::structural::no_route_text(reasons);
            let _ = writeln!(o, "{:<26} {text}", "");
        }
        return;
    }
    let mean = format!(
        "{} [{}, {}]",
        fmt_metric(&r.metric, p.mean.mean),
        fmt_metric(&r.metric, p.mean.low),
        fmt_metric(&r.metric, p.mean.high)
    );
    let delta = if r.scenario == baseline {
        "(baseline)".to_string()
    } else {
        format!(
            "{} [{}, {}]",
            fmt_metric(&r.metric, p.delta.mean),
            fmt_metric(&r.metric, p.delta.low),
            fmt_metric(&r.metric, p.delta.high)
        )
    };
    let lower = if r.scenario == baseline {
        String::new()
    } else {
        format!("{:.1}%", 100.0 * p.p_lower)
    };
    let _ = writeln!(
        o,
        "{:<26} {:<15} {:>40} {:>44} {:>9}",
        scen, r.metric, mean, delta, lower
    );
    if r.metric == "legit_blocked" && r.scenario != baseline {
        if let Some(text) = blocking_note(rows, r) {
            let _ = writeln!(o, "{:<26} {text}", "");
        }
    }
    if r.metric == "total_cost" && r.scenario != baseline {
        let c = r.cost_per_loss_avoided;
        let text = if c.is_nan() {
            "no expected loss avoided".to_string()
        } else if c <= 0.0 {
            "dominant: avoids expected loss at no extra control cost".to_string()
        } else {
            format!(
                "{} of extra control cost per unit of expected loss avoided",
                human(c, 2)
            )
        };
        let _ = writeln!(o, "{:<26} {text}", "");
    }
}

/// Says when a scenario lowers the headline while it blocks more legitimate work than the
/// baseline (both paired differences clear of zero at 95%).
fn blocking_note(rows: &[CompareRow], blocked: &CompareRow) -> Option<String> {
    let reached = rows
        .iter()
        .find(|r| r.scenario == blocked.scenario && r.metric == "reached")?;
    let (dr, db) = (&reached.paired.delta, &blocked.paired.delta);
    (dr.high < 0.0 && db.low > 0.0).then(|| {
        format!(
            "lowers the risk by blocking legitimate work: {} more legitimate requests blocked per replication",
            human(db.mean, 0)
        )
    })
}

/// The table `sweep` prints: each point's key metrics; `summaries[i]` is point i's summary.
pub fn sweep_table(
    paths: &[String],
    points: &[Vec<String>],
    summaries: &[Vec<MetricSummary>],
) -> String {
    let mut o = String::new();
    let head: Vec<&str> = paths
        .iter()
        .map(|p| p.rsplit('.').next().unwrap_or(p))
        .collect();
    let _ = write!(o, "{:<24}", head.join(" x "));
    for m in [
        "reached",
        "reached_records",
        "review_mean_wait_hours",
        "total_cost",
    ] {
        let _ = write!(o, " {:>22}", m);
    }
    let _ = writeln!(o);
    for (p, rows) in points.iter().zip(summaries) {
        let _ = write!(o, "{:<24}", p.join(" x "));
        for m in [
            "reached",
            "reached_records",
            "review_mean_wait_hours",
            "total_cost",
        ] {
            let mean = rows
                .iter()
                .find(|r| r.metric == m)
                .map_or(f64::NAN, |r| r.mean);
            let text = if m == "review_mean_wait_hours" {
                human(mean, 2)
            } else {
                fmt_metric(m, mean)
            };
            let _ = write!(o, " {:>22}", text);
        }
        let _ = writeln!(o);
    }
    o
}

/// The table `tornado` prints, largest swing first.
pub fn tornado_table(name: &str, metric: &str, base: f64, rows: &[TornadoRow]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Tornado of {metric} for {name} (all parameters at their medians: {})",
        human(base, 2)
    );
    let _ = writeln!(
        o,
        "{:<52} {:>14} {:>14} {:>16} {:>16} {:>14}",
        "parameter", "low", "high", "metric at low", "metric at high", "swing"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "{:<52} {:>14} {:>14} {:>16} {:>16} {:>14}",
            r.parameter,
            human(r.low_value, 4),
            human(r.high_value, 4),
            human(r.metric_at_low, 2),
            human(r.metric_at_high, 2),
            human(r.swing, 2)
        );
    }
    o
}
