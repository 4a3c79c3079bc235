//! The verdict that opens a comparison's `report.html`: the question in words, then every deal
//! (none left out, a zero included) with its headline and interval, the paired difference from
//! the baseline, the route that carries most, the loss tail, the control cost and the blocked
//! work, each deal linking to its own report. Generated from the folder's files alone.

use super::tolerance::pct;
use super::verdict::{interval_words, routes, Question, Summary};
use super::{esc, table_html_raw};
use crate::error::Result;
use crate::output::charts::Table;
use crate::output::format::human;
use crate::output::results::{read, ResultsFolder};
use std::fmt::Write as _;
use std::path::Path;

/// A cell of `compare.csv` for (scenario, metric).
fn cell(t: &Table, scenario: &str, metric: &str, col: &str) -> f64 {
    let (Some(s), Some(m), Some(c)) = (t.col("scenario"), t.col("metric"), t.col(col)) else {
        return f64::NAN;
    };
    t.rows
        .iter()
        .find(|r| r[s] == scenario && r[m] == metric)
        .and_then(|r| r[c].parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

/// Value at risk of `metric` at `level` from a run folder's `tail.csv`.
fn var_of(dir: &Path, metric: &str, level: f64) -> Result<Option<f64>> {
    let Some(t) = read(dir, "tail.csv")? else {
        return Ok(None);
    };
    let (Some(m), Some(s), Some(l), Some(v)) = (
        t.col("metric"),
        t.col("statistic"),
        t.col("level"),
        t.col("value"),
    ) else {
        return Ok(None);
    };
    Ok(t.rows
        .iter()
        .find(|r| {
            r[m] == metric
                && r[s] == "var"
                && r[l].parse::<f64>().is_ok_and(|x| (x - level).abs() < 1e-9)
        })
        .and_then(|r| r[v].parse().ok()))
}

/// Two lines in one cell, neither broken.
fn lines2(a: &str, b: &str) -> String {
    format!("<span class=\"nw\">{a}</span><br><span class=\"nw\">{b}</span>")
}

/// A signed percentage-point difference.
fn pp(d: f64) -> String {
    format!("{:+.2}", 100.0 * d)
}

/// The verdict of a comparison folder: its scenarios' folders `members` in the order of
/// `compare.csv` (`t`).
pub(super) fn compare_verdict(
    t: &Table,
    members: &[(String, ResultsFolder)],
    baseline: &str,
    reps: &str,
) -> Result<String> {
    let Some(first) = members.first() else {
        return Ok(String::new());
    };
    // The deals may start on different dates: the question is stated without one.
    let (_, asked) = members.iter().find(|(s, _)| s == baseline).unwrap_or(first);
    let mut q = Question::of(asked);
    q.start = None;
    let currency = esc(&q.currency);
    let mut deals = Deals::default();
    let ctx = Context {
        t,
        baseline,
        reps,
        q: &q,
        currency: &currency,
    };
    for (s, m) in members {
        deals.add(&ctx, s, m)?;
    }
    let mut o = String::from("<section class=\"verdict\" id=\"verdict\">\n<h2>Verdict</h2>\n");
    let _ = writeln!(o, "<p class=\"q\"><b>{}</b></p>", esc(&q.words()));
    o.push_str(&lowest_sentence(t, members, baseline, reps, &deals));
    o.push_str(&table_html_raw(
        &[
            "deal (its report)",
            "P(question) [95% MC interval]",
            "vs baseline",
            "main route",
            "records reaching (mean)",
            "exposure (mean)",
            &format!("loss, value at risk 99% ({currency})"),
            &format!("control cost ({currency})"),
            "legitimate requests blocked",
        ],
        &deals.rows,
    ));
    for l in deals.lines {
        let _ = writeln!(o, "<p>{l}</p>");
    }
    o.push_str("</section>\n");
    Ok(o)
}

/// What every deal's row is read against: `compare.csv`, the baseline, the replications (in
/// words), the question and the currency (escaped).
#[derive(Clone, Copy)]
struct Context<'a> {
    t: &'a Table,
    baseline: &'a str,
    reps: &'a str,
    q: &'a Question,
    currency: &'a str,
}

/// The deals' rows of the verdict's table, as they are added, and what the sentences need.
#[derive(Default)]
struct Deals {
    /// One row a deal.
    rows: Vec<Vec<String>>,
    /// Each deal's risk-tolerance sentence.
    lines: Vec<String>,
    /// Whether any deal has uncertain inputs.
    any_uncertain: bool,
    /// Deals whose question no route of the model reaches (structural zeros).
    no_route: Vec<String>,
}

impl Deals {
    /// Adds the deal `s` (its folder `m`).
    fn add(&mut self, ctx: &Context<'_>, s: &str, m: &ResultsFolder) -> Result<()> {
        let Context {
            t,
            baseline,
            reps,
            q,
            currency,
        } = *ctx;
        let d = m.dir();
        let summary = Summary::of(d)?;
        let stat = summary.as_ref().and_then(|x| x.get("reached"));
        self.any_uncertain |= summary.as_ref().is_some_and(|x| x.uncertain_inputs() > 0);
        let (p, lo, hi) = match &stat {
            Some(x) => (x.mean, x.low, x.high),
            None => (
                cell(t, s, "reached", "mean"),
                cell(t, s, "reached", "ci95_low"),
                cell(t, s, "reached", "ci95_high"),
            ),
        };
        let structural = stat.as_ref().is_some_and(|x| x.structural);
        if structural {
            self.no_route.push(s.to_string());
        }
        let headline = if structural {
            "0 (no route in this model)".to_string()
        } else if p == 0.0 {
            format!("{} (none in {reps})", pct(p))
        } else {
            pct(p)
        };
        let route = routes(m, q)?
            .into_iter()
            .next()
            .map(|r| lines2(&esc(&r.name), &format!("in {} of years", pct(r.years))))
            .unwrap_or_else(|| "none".to_string());
        let var99 = var_of(d, "loss", 0.99)?
            .map(|v| human(v, 0))
            .unwrap_or_default();
        self.rows.push(vec![
            link(s, d),
            if structural {
                headline
            } else {
                lines2(&headline, &format!("[{}, {}]", pct(lo), pct(hi.max(0.0))))
            },
            delta(t, s, baseline),
            route,
            human(cell(t, s, "reached_records", "mean"), 0),
            human(cell(t, s, "exposure", "mean"), 0),
            var99,
            human(cell(t, s, "control_cost", "mean"), 0),
            human(cell(t, s, "legit_blocked", "mean"), 0),
        ]);
        if let Some(checks) = super::tolerance::checks(m)? {
            self.lines.push(format!(
                "<b>{}</b>: {}",
                esc(s),
                super::tolerance::words(&checks, currency)
            ));
        }
        Ok(())
    }
}

/// The deal `s` linked to its own report (in folder `d`), when it has one.
fn link(s: &str, d: &Path) -> String {
    if d.join("report.html").is_file() || d.is_dir() {
        format!(
            "<a href=\"{}/report.html\">{}</a>",
            esc(&url_path(s)),
            esc(s)
        )
    } else {
        esc(s)
    }
}

/// The paired difference of deal `s` from the baseline, with its interval.
fn delta(t: &Table, s: &str, baseline: &str) -> String {
    if s == baseline {
        "(baseline)".to_string()
    } else {
        lines2(
            &format!("{} pp", pp(cell(t, s, "reached", "delta"))),
            &format!(
                "[{}, {}]",
                pp(cell(t, s, "reached", "delta_ci95_low")),
                pp(cell(t, s, "reached", "delta_ci95_high"))
            ),
        )
    }
}

/// "Lowest: ... the baseline ...": the deal of lowest P(question) against the baseline.
fn lowest_sentence(
    t: &Table,
    members: &[(String, ResultsFolder)],
    baseline: &str,
    reps: &str,
    deals: &Deals,
) -> String {
    let best = members
        .iter()
        .map(|(s, _)| (s, cell(t, s, "reached", "mean")))
        .filter(|x| x.1.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let Some((s, p)) = best else {
        return String::new();
    };
    format!(
        "<p>Lowest: <b>{}</b> at {}; the baseline <b>{}</b> at {}. Intervals: {} ({reps} replications a deal, on common random numbers); differences are paired, replication by replication, in percentage points.</p>\n",
        esc(s),
        if deals.no_route.iter().any(|n| n == s) {
            "0, with no route in this model (a structural zero)".to_string()
        } else {
            pct(p)
        },
        esc(baseline),
        pct(cell(t, baseline, "reached", "mean")),
        interval_words_label(deals.any_uncertain)
    )
}

/// The label of the intervals, without numbers.
fn interval_words_label(uncertain: bool) -> String {
    let w = interval_words(0.0, 0.0, usize::from(uncertain));
    w.replace(" [0.00%, 0.00%]", "")
}

/// A folder name as a relative URL path (spaces and a few reserved characters encoded).
fn url_path(name: &str) -> String {
    let mut o = String::new();
    for ch in name.chars() {
        match ch {
            ' ' => o.push_str("%20"),
            '#' => o.push_str("%23"),
            '?' => o.push_str("%3F"),
            '%' => o.push_str("%25"),
            c => o.push(c),
        }
    }
    o
}
