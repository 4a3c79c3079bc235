//! The report's route table: the closed-form routes of `routes.csv` at the inputs' central
//! values, each engine counter's expected and simulated events, and the gatekeepers that are
//! channels rather than controls (from the folder's resolved scenario).

use super::{esc, table_html};
use crate::error::Result;
use crate::output::charts::Table;
use crate::output::format::human;
use crate::output::results::ResultsFolder;
use std::fmt::Write as _;

/// A number with four significant digits (empty stays empty).
fn sig(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(0.0) => "0".to_string(),
        Ok(x) => format!("{x:.3e}")
            .parse::<f64>()
            .map(crate::output::format::fmt_num)
            .unwrap_or_else(|_| v.to_string()),
        Err(_) => v.to_string(),
    }
}

/// A share as a percentage.
fn pct(v: &str) -> String {
    v.parse::<f64>()
        .map(|x| format!("{}%", human(100.0 * x, 1)))
        .unwrap_or_default()
}

/// The "Routes" section of a run's report (empty when the folder has no `routes.csv`).
pub(super) fn routes_section(f: &ResultsFolder) -> Result<String> {
    let Some(t) = f.table("routes.csv")? else {
        return Ok(String::new());
    };
    let mut o = String::new();
    let _ = writeln!(o, "<h2>Routes</h2>");
    let _ = writeln!(
        o,
        "<p>Closed form at the inputs' central values (the means of uncertain inputs): for each \
         actor, class, store and channel, the probability that one attempt (or demand) succeeds, \
         the attempts a year, and the successes expected over the horizon. The simulated counts \
         below come from the run, with its inputs drawn from their distributions.</p>"
    );
    for g in gate_notes(f) {
        let _ = writeln!(
            o,
            "<p><strong>A channel, not a control.</strong> {}.</p>",
            esc(&g)
        );
    }
    o.push_str(&route_table(&t));
    o.push_str(&counter_table(&t));
    Ok(o)
}

/// A cell of `routes.csv` (empty when the column is missing).
fn cell(t: &Table, r: &[String], c: &str) -> String {
    t.col(c).and_then(|i| r.get(i).cloned()).unwrap_or_default()
}

/// The closed-form routes: one row a route.
fn route_table(t: &Table) -> String {
    let cell = |r: &[String], c: &str| cell(t, r, c);
    let routes: Vec<Vec<String>> = t
        .rows
        .iter()
        .filter(|r| cell(r, "level") == "route")
        .map(|r| {
            vec![
                cell(r, "channel"),
                cell(r, "actor"),
                cell(r, "class"),
                cell(r, "store"),
                cell(r, "recipient"),
                sig(&cell(r, "p_success")),
                sig(&cell(r, "attempts_per_year")),
                sig(&cell(r, "expected_successes")),
                pct(&cell(r, "expected_share")),
            ]
        })
        .collect();
    table_html(
        &[
            "channel",
            "actor",
            "class",
            "store",
            "recipient",
            "P(success) per attempt",
            "attempts a year",
            "expected successes",
            "share",
        ],
        &routes,
    )
}

/// Each engine counter: its closed-form and simulated events.
fn counter_table(t: &Table) -> String {
    let cell = |r: &[String], c: &str| cell(t, r, c);
    let counters: Vec<Vec<String>> = t
        .rows
        .iter()
        .filter(|r| cell(r, "level") == "counter")
        .map(|r| {
            vec![
                cell(r, "channel"),
                sig(&cell(r, "expected_successes")),
                pct(&cell(r, "expected_share")),
                format!(
                    "{} [{}, {}]",
                    sig(&cell(r, "simulated_mean")),
                    sig(&cell(r, "simulated_ci95_low")),
                    sig(&cell(r, "simulated_ci95_high"))
                ),
                pct(&cell(r, "simulated_share")),
            ]
        })
        .collect();
    table_html(
        &[
            "route (events per replication)",
            "closed form, central values",
            "share",
            "simulated (95% CI)",
            "share",
        ],
        &counters,
    )
}

/// The gatekeepers of the folder's resolved scenario that are channels rather than controls.
fn gate_notes(f: &ResultsFolder) -> Vec<String> {
    let Some(s) = f.scenario() else {
        return Vec::new();
    };
    let t = crate::analysis::routes::central_table(s);
    t.gate_channels
        .iter()
        .map(|g| crate::output::routes::gate_channel_text(s, g))
        .collect()
}
