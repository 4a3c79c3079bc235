//! The verdict that opens `report.html`: the scenario's question in words, the answer with its
//! interval, the routes that carry it, the inputs that drive it, and what the deal trades. Every
//! sentence is generated from the folder's files (resolved scenario, `summary.csv`, `paths.csv`,
//! `sensitivity.csv`); none is written per scenario.

use super::esc;
use super::tolerance::pct;
use crate::error::Result;
use crate::output::charts::{human_label, Table};
use crate::output::format::human;
use crate::output::results::{read, ResultsFolder};
use crate::scenario::DEFAULT_CURRENCY;
use std::fmt::Write as _;
use std::path::Path;

/// The scenario's question and the facts its wording needs, from `scenario.resolved.toml`.
pub(super) struct Question {
    /// Classes that count (empty: every class).
    pub classes: Vec<String>,
    /// Recipients that count (empty: every jurisdiction and `private`).
    pub recipients: Vec<String>,
    /// Whether staff access from a listed jurisdiction counts.
    pub include_access: bool,
    /// Horizon in days.
    pub horizon: f64,
    /// The question's measurement window in days (`window_days`), when it is not the horizon.
    pub window: Option<(f64, f64)>,
    /// First day, when dated.
    pub start: Option<String>,
    /// Currency of amounts.
    pub currency: String,
}

impl Question {
    /// The question of a run folder's resolved scenario (every class and recipient, over a
    /// year, without one).
    pub fn of(f: &ResultsFolder) -> Question {
        let Some(r) = f.resolved() else {
            return Question {
                classes: Vec::new(),
                recipients: Vec::new(),
                include_access: false,
                horizon: 365.0,
                window: None,
                start: None,
                currency: DEFAULT_CURRENCY.to_string(),
            };
        };
        let s = &r.scenario;
        Question {
            window: Some((s.question.window.from, s.question.window.to)),
            classes: r.question_list("classes"),
            recipients: r.question_list("recipients"),
            include_access: s.question.include_access,
            horizon: s.horizon_days,
            start: s.start_date.clone(),
            currency: s.currency.clone(),
        }
    }

    /// Whether a path row's recipient and class count for the question.
    pub fn counts(&self, recipient: &str, class: &str) -> bool {
        (self.recipients.is_empty() || self.recipients.iter().any(|r| r == recipient))
            && (self.classes.is_empty() || self.classes.iter().any(|c| c == class))
    }

    /// "the horizon" in words: "within a year (365 days from 2022-06-17)".
    pub fn period(&self) -> String {
        let days = human(self.horizon, 0);
        let from = self
            .start
            .as_ref()
            .map(|d| format!(" from {d}"))
            .unwrap_or_default();
        let year = |d: f64| (d - 365.0).abs() < 0.5;
        match self.window {
            Some((a, b)) if a > 0.0 || b < self.horizon => {
                let span = format!(
                    "days {}-{} of a {days}-day run{from}",
                    human(a, 0),
                    human(b, 0)
                );
                if a == 0.0 && year(b) {
                    format!("within the first year ({span})")
                } else {
                    format!("from day {} to day {} ({span})", human(a, 0), human(b, 0))
                }
            }
            _ if year(self.horizon) => format!("within a year ({days} days{from})"),
            _ => format!("within {days} days{from}"),
        }
    }

    /// The question in words.
    pub fn words(&self) -> String {
        let classes = if self.classes.is_empty() {
            "any".to_string()
        } else {
            or_list(&self.classes)
        };
        let recipients: Vec<String> = self
            .recipients
            .iter()
            .map(|r| {
                if r == "private" {
                    "a private party".to_string()
                } else {
                    format!("the state of {r}")
                }
            })
            .collect();
        let whom = if recipients.is_empty() {
            "anyone it should not".to_string()
        } else {
            or_list(&recipients)
        };
        let access = if self.include_access {
            " (staff access from a listed jurisdiction counts)"
        } else {
            ""
        };
        format!(
            "How likely is it that a {classes} record reaches {whom}{access} {}?",
            self.period()
        )
    }
}

/// "a, b or c".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// One metric's row of `summary.csv`: mean, interval, and the `structural` cell when present.
#[derive(Clone, Debug, Default)]
pub(super) struct Stat {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub structural: bool,
    /// The reasons no route reaches the question (the `structural` cell's text), if given.
    pub reasons: String,
}

/// Rows of `summary.csv` by metric.
pub(super) struct Summary(Table);

impl Summary {
    /// Reads a run folder's `summary.csv` (None when it has none).
    pub fn of(dir: &Path) -> Result<Option<Summary>> {
        Ok(read(dir, "summary.csv")?.map(Summary))
    }

    /// The row of `metric`, if present.
    pub fn get(&self, metric: &str) -> Option<Stat> {
        let t = &self.0;
        let r = t.rows.iter().find(|r| r[0] == metric)?;
        let num = |c: &str| {
            t.col(c)
                .and_then(|i| r.get(i))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        let cell = t
            .col("structural")
            .and_then(|i| r.get(i))
            .map(|v| v.trim().to_string())
            .unwrap_or_default();
        let structural = !cell.is_empty() && !matches!(cell.as_str(), "0" | "false" | "no");
        let reasons = cell
            .strip_prefix("no route in this model:")
            .map(|x| x.trim().to_string())
            .unwrap_or_default();
        Some(Stat {
            mean: num("mean"),
            low: num("ci95_low"),
            high: num("ci95_high"),
            structural,
            reasons,
        })
    }

    /// Uncertain parameters: rows that name a `--set` path.
    pub fn uncertain_inputs(&self) -> usize {
        self.0.rows.iter().filter(|r| r[0].contains('.')).count()
    }
}

/// A route that carries the question's records: name, share of years with records, records a year.
pub(super) struct Route {
    pub name: String,
    pub years: f64,
    pub records: f64,
}

/// The routes that carry the question's records, most records first (from the paths file).
pub(super) fn routes(f: &ResultsFolder, q: &Question) -> Result<Vec<Route>> {
    let Some(reps) = f.replication_count()? else {
        return Ok(Vec::new());
    };
    let reps = reps.max(1) as f64;
    // (route, last replication counted, replications with records, records in all)
    let mut cells: Vec<(String, String, f64, f64)> = Vec::new();
    f.for_each_path(|row| {
        if !q.counts(row.recipient, row.class) || row.records <= 0.0 {
            return Ok(());
        }
        let route = row.path.replace('_', " ");
        match cells.iter_mut().find(|c| c.0 == route) {
            Some(c) => {
                if c.1 != row.replication {
                    c.1 = row.replication.to_string();
                    c.2 += 1.0;
                }
                c.3 += row.records;
            }
            None => cells.push((route, row.replication.to_string(), 1.0, row.records)),
        }
        Ok(())
    })?;
    cells.sort_by(|a, b| b.3.total_cmp(&a.3));
    Ok(cells
        .into_iter()
        .map(|(name, _, years, records)| Route {
            name,
            years: years / reps,
            records: records / reps,
        })
        .collect())
}

/// The inputs that drive `metric` most (PRCC interval clear of 0), at most `k`, largest |PRCC| first.
pub(super) fn drivers(dir: &Path, metric: &str, k: usize) -> Result<Option<Vec<(String, f64)>>> {
    let Some(t) = read(dir, "sensitivity.csv")? else {
        return Ok(None);
    };
    let num = |r: &Vec<String>, c: &str| {
        t.col(c)
            .and_then(|i| r.get(i))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (p, m) = (
        t.col("parameter").unwrap_or(0),
        t.col("metric").unwrap_or(1),
    );
    let mut out: Vec<(String, f64)> = t
        .rows
        .iter()
        .filter(|r| r[m] == metric)
        .filter(|r| {
            let (lo, hi) = (num(r, "prcc_ci95_low"), num(r, "prcc_ci95_high"));
            lo > 0.0 || hi < 0.0
        })
        .map(|r| (r[p].clone(), num(r, "prcc")))
        .filter(|(_, v)| v.is_finite())
        .collect();
    out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    out.truncate(k);
    Ok(Some(out))
}

/// What the interval of a headline is: a 95% Monte Carlo interval, averaged over input
/// uncertainty when inputs are uncertain.
pub(super) fn interval_words(lo: f64, hi: f64, uncertain: usize) -> String {
    let what = if uncertain > 0 {
        ", averaged over input uncertainty"
    } else {
        ""
    };
    format!("95% Monte Carlo interval [{}, {}]{what}", pct(lo), pct(hi))
}

/// The answer sentence of a run: the headline with its interval.
fn answer(s: &Summary, reps: &str) -> Option<String> {
    let r = s.get("reached")?;
    let uncertain = s.uncertain_inputs();
    if r.structural {
        let why = if r.reasons.is_empty() {
            String::new()
        } else {
            format!(
                " The assumptions that close every route: {}.",
                esc(&r.reasons)
            )
        };
        return Some(format!(
            "Answer: <b>no route in this model</b> connects the question's data to its recipients (a structural zero, not a rare event; {reps} replications).{why}"
        ));
    }
    let mut o = format!(
        "Answer: in <b>{}</b> of simulated years ({}: ",
        pct(r.mean),
        interval_words(r.low, r.high, uncertain),
    );
    if uncertain > 0 {
        let _ = write!(
            o,
            "{uncertain} uncertain inputs drawn anew in each of {reps} replications)."
        );
    } else {
        let _ = write!(o, "{reps} replications, every input a fixed value).");
    }
    if let Some(rec) = s.get("reached_records").filter(|x| x.mean > 0.0) {
        let _ = write!(
            o,
            " Records reaching them: {} a simulated year on average [{}, {}].",
            human(rec.mean, 0),
            human(rec.low.max(0.0), 0),
            human(rec.high, 0)
        );
    }
    // The question's named windows (`reached.NAME`), e.g. a year once a migration is over.
    let windows: Vec<String> =
        s.0.rows
            .iter()
            .filter_map(|row| row.first()?.strip_prefix("reached.").map(str::to_string))
            .collect();
    for name in windows {
        if let Some(w) = s.get(&format!("reached.{name}")) {
            let _ = write!(
                o,
                " In the window <b>{}</b>: <b>{}</b> [{}, {}].",
                esc(&name),
                pct(w.mean),
                pct(w.low.max(0.0)),
                pct(w.high)
            );
        }
    }
    Some(o)
}

/// A share as a percentage, "&lt;0.01%" when positive but below what two decimals show.
fn share(x: f64) -> String {
    if x > 0.0 && x < 0.00005 {
        "&lt;0.01%".to_string()
    } else {
        pct(x)
    }
}

/// The routes sentence.
fn routes_sentence(routes: &[Route]) -> String {
    if routes.is_empty() {
        return "No route carried a record of the question in any simulated year.".to_string();
    }
    let total: f64 = routes.iter().map(|r| r.records).sum();
    let parts: Vec<String> = routes
        .iter()
        .take(3)
        .map(|r| {
            format!(
                "<b>{}</b> ({} of the records; in {} of years)",
                esc(&r.name),
                share(r.records / total.max(f64::MIN_POSITIVE)),
                share(r.years)
            )
        })
        .collect();
    format!("Routes that carry it: {}.", parts.join(", "))
}

/// The drivers sentence.
fn drivers_sentence(d: Option<Vec<(String, f64)>>) -> String {
    match d {
        None => "No input is uncertain: the answer moves only with the scenario's fixed values (see the inputs table).".to_string(),
        Some(d) if d.is_empty() => "No uncertain input's effect on it is resolved from noise at this replication count (every PRCC interval contains 0).".to_string(),
        Some(d) => {
            let parts: Vec<String> = d
                .iter()
                .map(|(p, v)| {
                    format!(
                        "<b>{}</b> (<code>{}</code>, PRCC {:+.2}: {})",
                        esc(&human_label(p)),
                        esc(p),
                        v,
                        if *v > 0.0 { "raises it" } else { "lowers it" }
                    )
                })
                .collect();
            format!("Inputs that drive it most: {}.", parts.join("; "))
        }
    }
}

/// The trade-off sentence: blocked legitimate work, review wait, control cost.
fn trade_sentence(s: &Summary, q: &Question) -> String {
    let per = if (q.horizon - 365.0).abs() < 0.5 {
        "a year".to_string()
    } else {
        format!("over {} days", human(q.horizon, 0))
    };
    let mut o = String::from("What the deal trades: ");
    match (s.get("legit_blocked"), s.get("legit_requests")) {
        (Some(b), Some(all)) if b.mean > 0.0 => {
            let _ = write!(
                o,
                "{} legitimate requests blocked {per} ({} of {})",
                human(b.mean, 0),
                pct(b.mean / all.mean.max(f64::MIN_POSITIVE)),
                human(all.mean, 0)
            );
        }
        (Some(_), Some(all)) => {
            let _ = write!(
                o,
                "no legitimate request blocked (of {} {per})",
                human(all.mean, 0)
            );
        }
        _ => o.push_str("blocked work not recorded"),
    }
    if let Some(w) = s.get("review_mean_wait_hours").filter(|w| w.mean > 0.005) {
        let _ = write!(
            o,
            "; reviewed requests wait {} h on average",
            human(w.mean, 2)
        );
    }
    if let Some(c) = s.get("control_cost") {
        let _ = write!(
            o,
            "; controls cost {} {} {per}",
            human(c.mean, 0),
            esc(&q.currency)
        );
    }
    if let Some(l) = s.get("loss") {
        let _ = write!(
            o,
            ", against an expected loss of {} {}",
            human(l.mean, 0),
            esc(&q.currency)
        );
    }
    o.push('.');
    o
}

/// The verdict section of a run folder's report (empty when the folder has no summary).
pub(super) fn run_verdict(f: &ResultsFolder, reps: &str) -> Result<String> {
    let dir = f.dir();
    let Some(s) = Summary::of(dir)? else {
        return Ok(String::new());
    };
    let q = Question::of(f);
    let Some(answer) = answer(&s, reps) else {
        return Ok(String::new());
    };
    let mut o =
        String::from("<section class=\"verdict\" id=\"verdict\">\n<h2>Verdict</h2>\n<ul>\n");
    let _ = writeln!(o, "<li class=\"q\">{}</li>", esc(&q.words()));
    let _ = writeln!(o, "<li class=\"a\">{answer}</li>");
    let _ = writeln!(o, "<li>{}</li>", routes_sentence(&routes(f, &q)?));
    let _ = writeln!(
        o,
        "<li>{}</li>",
        drivers_sentence(drivers(dir, "reached", 3)?)
    );
    let _ = writeln!(o, "<li>{}</li>", trade_sentence(&s, &q));
    if let Some(t) = super::tolerance::sentence(f, &esc(&q.currency))? {
        let _ = writeln!(o, "<li>{t}</li>");
    }
    o.push_str("</ul>\n</section>\n");
    Ok(o)
}
