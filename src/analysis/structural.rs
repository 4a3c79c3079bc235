//! Structural zeros: a question no route of the model can answer with a yes. Read from the route
//! table at the inputs' central values: a non-degenerate input's mean lies strictly inside its
//! support, so a route's product of factors is zero there exactly when one factor is zero at every
//! value the inputs can take (a probability fixed at 0 or 1, a store never on a state's soil, no
//! company answering to it...). Counts are taken at least 1 when their support allows it, so a
//! rounded mean cannot close a route.

use super::routes::{acquisition, route_table};
use crate::model::Model;
use crate::scenario::Scenario;

/// The input values the reachability check uses: means, counts at least 1 where they can be.
pub fn reachability_values(s: &Scenario) -> Vec<f64> {
    s.params
        .iter()
        .map(|p| {
            let mean = p.dist.mean();
            if p.integer && p.dist.support().1 >= 1.0 {
                mean.round().max(1.0)
            } else {
                mean
            }
        })
        .collect()
}

/// `Some(reasons)` when no route of the model takes a record of the question's classes to one of
/// its recipients (nor, with `include_access`, staff of theirs read one): the assumptions that
/// close every route, joined by "; ".
pub fn structural_zero(s: &Scenario) -> Option<String> {
    let m = Model::build(s, &reachability_values(s));
    let q = &m.question;
    let t = route_table(&m);
    let open = t.routes.iter().any(|r| {
        q.classes & (1u64 << r.class) != 0
            && q.recipients & (1u64 << r.recipient) != 0
            && r.successes > 0.0
    });
    if open || (q.include_access && staff_read(&m)) {
        return None;
    }
    Some(reasons(s, &m).join("; "))
}

/// Whether staff of a question's jurisdiction read a record of its classes.
fn staff_read(m: &Model) -> bool {
    let q = &m.question;
    m.actors.iter().any(|a| {
        q.recipients & (1u64 << a.jurisdiction) != 0
            && a.legit_rate > 0.0
            && a.reads
            && a.classes.iter().any(|&c| q.classes & (1u64 << c) != 0)
    })
}

/// The text of "no route in this model: ..." for a scenario with a structural zero.
pub fn no_route_text(reasons: &str) -> String {
    format!("no route in this model: {reasons}")
}

/// Why each route to the question's recipients is closed.
fn reasons(s: &Scenario, m: &Model) -> Vec<String> {
    let q = &m.question;
    let acq = acquisition(m);
    let classes: Vec<usize> = (0..m.classes.len())
        .filter(|&c| q.classes & (1u64 << c) != 0)
        .collect();
    let cls = classes
        .iter()
        .map(|&c| s.classes[c].name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    // Stores that hold a question class at some time within the horizon.
    let holding: Vec<usize> = (0..m.stores.len())
        .filter(|&st| {
            let end = m.stores[st].delete_at.min(m.horizon);
            classes.iter().any(|&c| acq[st][c] < end)
        })
        .collect();
    let mut out = Vec::new();
    if holding.is_empty() {
        out.push(format!("no store holds {cls}"));
        return out;
    }
    for j in 0..m.jurisdictions.len() {
        if q.recipients & (1u64 << j) == 0 {
            continue;
        }
        let jn = &s.jurisdictions[j].name;
        let jm = &m.jurisdictions[j];
        let bit = 1u64 << j;
        if jm.demand_rate <= 0.0 {
            out.push(format!("{jn} makes no compelled demands"));
        } else if jm.compliance <= 0.0 {
            out.push(format!("{jn}'s demands are never complied with"));
        } else if classes
            .iter()
            .all(|&c| jm.demand_classes & (1u64 << c) == 0)
        {
            out.push(format!("{jn}'s demands do not seek {cls}"));
        } else {
            for (route, reached) in [
                (
                    "stands in",
                    &(|st: usize| m.stores[st].jurisdiction == j) as &dyn Fn(usize) -> bool,
                ),
                ("is run by a company subject to", &|st: usize| {
                    m.stores[st].operator_subject_to & bit != 0
                }),
            ] {
                let on: Vec<usize> = holding.iter().copied().filter(|&st| reached(st)).collect();
                if on.is_empty() {
                    out.push(format!("no store holding {cls} {route} {jn}"));
                } else {
                    out.push(format!(
                        "the stores holding {cls} that {route} {jn} keep their keys out of its reach"
                    ));
                }
            }
            if jm.compellable.is_empty() {
                out.push(format!("{jn} can compel no actor"));
            } else {
                out.push(format!(
                    "the attempts of {jn}'s compellable actors cannot take {cls} (reach or controls)"
                ));
            }
        }
        insiders(s, m, &mut out, &cls, Some(j));
    }
    if q.recipients & (1u64 << m.private()) != 0 {
        insiders(s, m, &mut out, &cls, None);
    }
    if q.include_access {
        out.push(format!(
            "no staff of the question's jurisdictions read {cls}"
        ));
    }
    out
}

/// Why no insider takes a question class for state `j` (None: for itself).
fn insiders(s: &Scenario, m: &Model, out: &mut Vec<String>, cls: &str, j: Option<usize>) {
    let who = j.map_or("themselves".to_string(), |j| {
        s.jurisdictions[j].name.clone()
    });
    let acting: Vec<usize> = (0..m.actors.len())
        .filter(|&a| {
            let x = &m.actors[a];
            match j {
                Some(j) => x.jurisdiction == j && x.state_sponsored > 0.0,
                None => x.state_sponsored < 1.0,
            }
        })
        .filter(|&a| {
            let x = &m.actors[a];
            x.headcount > 0 && x.malicious_fraction > 0.0 && x.attempt_rate > 0.0
        })
        .collect();
    if acting.is_empty() {
        out.push(format!("no actor has malicious insiders acting for {who}"));
    } else {
        let names: Vec<&str> = acting.iter().map(|&a| s.actors[a].name.as_str()).collect();
        out.push(format!(
            "the insiders of {} cannot take {cls} (reach or controls)",
            names.join(", ")
        ));
    }
}
