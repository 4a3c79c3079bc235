//! The work budget: before simulating, the expected events of one replication, source by source,
//! from the scenario's rates at its parameters' means. A scenario over the budget is refused with
//! the key that drives the estimate; a replication that goes over it while running stops the run
//! (`sim::engine`).

use crate::error::{Error, InputError, Origin, Result};
use crate::model::{Model, HOURS_PER_DAY};
use crate::scenario::{tree, Scenario};
use crate::sim::engine::EVENTS_PER_INSIDER;

/// One source of work: the key that sets it and its expected events per replication.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkPart {
    /// The `--set` path of the key that drives it.
    pub key: String,
    /// What the events are.
    pub what: &'static str,
    /// Expected events per replication.
    pub events: f64,
}

/// The expected work of one replication.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkEstimate {
    /// Every source, largest first.
    pub parts: Vec<WorkPart>,
    /// Their sum (infinite or NaN: too large to say).
    pub total: f64,
}

impl WorkEstimate {
    /// The largest source, if any.
    pub fn driver(&self) -> Option<&WorkPart> {
        self.parts.first()
    }
}

/// The expected events of one replication of `s` at its parameters' means; each insider counts
/// [`EVENTS_PER_INSIDER`] (held in memory all along, checked by every third-party audit).
pub fn estimate(s: &Scenario) -> WorkEstimate {
    let m = Model::build(s, &s.mean_values());
    let h = m.horizon;
    let mut parts = Vec::new();
    let mut part = |key: String, what: &'static str, events: f64| {
        if events > 0.0 || events.is_nan() {
            parts.push(WorkPart { key, what, events });
        }
    };
    let mut insiders_total = 0.0;
    for (a, am) in s.actors.iter().zip(&m.actors) {
        let key = |k: &str| format!("actor.{}.{k}", a.name);
        part(
            key("requests_per_person_per_day"),
            "legitimate requests (headcount x requests_per_person_per_day)",
            am.legit_rate * h,
        );
        let insiders = am.headcount as f64 * am.malicious_fraction;
        insiders_total += insiders;
        part(
            key("headcount"),
            "insiders (headcount x malicious_fraction, each counting 100 events)",
            insiders * EVENTS_PER_INSIDER,
        );
        part(
            key("illicit_attempts_per_insider_per_year"),
            "illicit attempts",
            insiders * am.attempt_rate * h,
        );
    }
    for (j, jm) in s.jurisdictions.iter().zip(&m.jurisdictions) {
        part(
            format!("jurisdiction.{}.compelled_demands_per_year", j.name),
            "compelled demands",
            jm.demand_rate * h,
        );
    }
    for (f, fm) in s.flows.iter().zip(&m.flows) {
        let span = (fm.end.min(h) - fm.start).max(0.0);
        part(
            format!("flow.{}.every_hours", f.name),
            "flow copies",
            span / fm.every + 1.0,
        );
    }
    let names = std::iter::once("controls".to_string())
        .chain(s.perimeters.iter().map(|p| format!("perimeter.{}", p.name)));
    for (pm, prefix) in m.perimeters.iter().zip(names) {
        if let Some(fw) = &pm.firewall {
            part(
                format!("{prefix}.firewall.breaches_per_year"),
                "firewall breaches",
                fw.breach_rate * h,
            );
        }
        if let Some(tpa) = &pm.third_party_audit {
            let audits = ((h - tpa.from) / tpa.every).max(0.0);
            part(
                format!("{prefix}.third_party_audit.every_days"),
                "third-party audit checks of insiders",
                audits * (1.0 + insiders_total),
            );
        }
    }
    part("scenario.horizon_days".into(), "days", h / HOURS_PER_DAY);
    parts.sort_by(|a, b| b.events.total_cmp(&a.events));
    let total = parts.iter().map(|p| p.events).sum();
    WorkEstimate { parts, total }
}

/// Refuses a scenario whose estimate is over `max_events`, naming the file, line and key that
/// drive it, the estimate and the budget.
pub fn check(s: &Scenario, max_events: u64) -> Result<WorkEstimate> {
    let e = estimate(s);
    if e.total.is_finite() && e.total <= max_events as f64 {
        return Ok(e);
    }
    let driver = e.driver().cloned().unwrap_or(WorkPart {
        key: String::new(),
        what: "events",
        events: e.total,
    });
    let origin = tree::get_path(&s.tree, &driver.key)
        .map(|n| n.origin.clone())
        .unwrap_or(Origin::Generated);
    let msg = format!(
        "`{}` needs about {:.3e} events per replication, over the budget of {max_events}; the largest share is {:.3e} {} set by this key. Check the value (a typo?), or raise the budget with --max-events N",
        s.name, e.total, driver.events, driver.what
    );
    let err = InputError::new(&origin, &driver.key, msg);
    Err(Error::Budget(err.to_string()))
}
