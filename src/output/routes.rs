//! The route table as text (`validate`, the run summary) and as `routes.csv`.

use super::columns::ROUTES_COLUMNS;
use super::format::{fmt_num, human};
use super::{csv_err, write_atomic};
use crate::analysis::routes::{GateChannel, RouteReport, RouteTable};
use crate::error::Result;
use crate::scenario::Scenario;
use std::fmt::Write;
use std::path::Path;

/// Names of a route's actor, class, store and recipient.
fn names<'a>(s: &'a Scenario, r: &crate::analysis::routes::Route) -> [&'a str; 4] {
    [
        r.actor.map_or("", |a| s.actors[a].name.as_str()),
        s.classes[r.class].name.as_str(),
        s.stores[r.store].name.as_str(),
        s.recipient_name(r.recipient),
    ]
}

/// A probability or count with four significant digits.
fn sig(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let r: f64 = format!("{v:.3e}").parse().unwrap_or(v);
    fmt_num(r)
}

/// Writes `routes.csv`.
pub fn write_routes(path: &Path, s: &Scenario, rr: &RouteReport) -> Result<()> {
    let t = &rr.table;
    let total: f64 = t.routes.iter().map(|r| r.successes).sum();
    let share = |x: f64, of: f64| {
        if of > 0.0 {
            fmt_num(x / of)
        } else {
            String::new()
        }
    };
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(ROUTES_COLUMNS).map_err(csv_err)?;
        for r in &t.routes {
            let [a, cl, st, rc] = names(s, r);
            let per_year = if t.years > 0.0 {
                r.attempts / t.years
            } else {
                0.0
            };
            c.write_record([
                "route",
                r.channel.name(),
                a,
                cl,
                st,
                rc,
                &fmt_num(r.p_success()),
                &fmt_num(per_year),
                &fmt_num(r.successes),
                &share(r.successes, total),
                "",
                "",
                "",
                "",
            ])
            .map_err(csv_err)?;
        }
        let rows = t.totals.rows();
        let expected: f64 = rows.iter().map(|x| x.1).sum();
        let simulated: f64 = rr.simulated.iter().map(|x| x.mean).sum();
        for ((name, e, _), sim) in rows.iter().zip(&rr.simulated) {
            c.write_record([
                "counter",
                name,
                "",
                "",
                "",
                "",
                "",
                "",
                &fmt_num(*e),
                &share(*e, expected),
                &fmt_num(sim.mean),
                &fmt_num(sim.ci95.0),
                &fmt_num(sim.ci95.1),
                &share(sim.mean, simulated),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })
}

/// The sentence that says a gatekeeper is a channel rather than a control.
pub fn gate_channel_text(s: &Scenario, g: &GateChannel) -> String {
    let perimeter = if g.perimeter == 0 {
        "[controls]".to_string()
    } else {
        format!("perimeter {}", s.perimeters[g.perimeter - 1].name)
    };
    format!(
        "the gatekeeper of {perimeter} is a channel, not a control, for {} on {}: an approved \
         request skips the firewall, so an illicit attempt succeeds with {} through the team \
         and {} without it (without the team, legitimate work on this class from outside the \
         firewall is blocked)",
        s.actors[g.actor].name,
        s.classes[g.class].name,
        sig(g.with_team),
        sig(g.without_team)
    )
}

/// The route table as text: one line per route with any expected success or attempt.
pub fn routes_text(s: &Scenario, t: &RouteTable) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "routes (closed form at the inputs' central values; p per attempt, attempts a year, \
         expected successes over the horizon):"
    );
    let _ = writeln!(
        o,
        "  {:<18} {:<24} {:<10} {:<14} {:<8} {:>10} {:>12} {:>12}",
        "channel", "actor", "class", "store", "to", "p/attempt", "attempts/yr", "successes"
    );
    for r in &t.routes {
        let [a, cl, st, rc] = names(s, r);
        let per_year = if t.years > 0.0 {
            r.attempts / t.years
        } else {
            0.0
        };
        let _ = writeln!(
            o,
            "  {:<18} {:<24} {:<10} {:<14} {:<8} {:>10} {:>12} {:>12}",
            r.channel.name(),
            if a.is_empty() { "(state demand)" } else { a },
            cl,
            st,
            rc,
            sig(r.p_success()),
            sig(per_year),
            sig(r.successes)
        );
    }
    if t.routes.is_empty() {
        let _ = writeln!(
            o,
            "  none: no actor or state can take any record in this model"
        );
    }
    let rows = t.totals.rows();
    let parts: Vec<String> = rows
        .iter()
        .map(|(n, e, _)| format!("{n} {}", human(*e, 3)))
        .collect();
    let _ = writeln!(
        o,
        "  expected events over the horizon: {}",
        parts.join(", ")
    );
    for g in &t.gate_channels {
        let _ = writeln!(o, "  note: {}", gate_channel_text(s, g));
    }
    let means = s.mean_values();
    if s.actors
        .iter()
        .any(|a| a.turnover_per_year.get(&means) > 0.0)
    {
        let _ = writeln!(
            o,
            "  note: the table follows the insiders drawn at the start; recruits (turnover_per_year) \
             are outside it, so it understates the insiders' routes of a multi-year run"
        );
    }
    o
}
