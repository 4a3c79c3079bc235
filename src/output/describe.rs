//! What `validate` prints: the scenario as resolved, derived figures (gatekeeper load, expected
//! insiders), and warnings.

use super::format::human;
use crate::analysis::queueing::gatekeeper_loads;
use crate::model::{Model, HOURS_PER_DAY};
use crate::scenario::{Controls, Custody, Scenario, Targeting};
use std::fmt::Write;

/// The mean wait a suggested team size keeps under, hours.
const SUGGESTED_WAIT_HOURS: f64 = 1.0;

/// A value as `validate` shows it: fixed values as written, means of uncertain ones rounded.
fn val(s: &Scenario, n: &crate::scenario::Num) -> String {
    let v = s.typical(n);
    if v == v.trunc() {
        human(v, 0)
    } else {
        // Four significant digits, no trailing zeros.
        let r: f64 = format!("{v:.3e}").parse().unwrap_or(v);
        super::format::fmt_num(r)
    }
}

/// What `validate` prints: the scenario as resolved, derived figures, and warnings.
pub fn describe(s: &Scenario) -> (String, Vec<String>) {
    let mut o = String::new();
    let mut warn = Vec::new();
    describe_parties(&mut o, s);
    describe_stores(&mut o, &mut warn, s);
    describe_flows(&mut o, s);
    let m = Model::build(s, &s.mean_values());
    describe_actors(&mut o, &mut warn, s, &m);
    describe_controls(&mut o, &mut warn, s, "controls", &s.controls);
    for p in &s.perimeters {
        describe_controls(
            &mut o,
            &mut warn,
            s,
            &format!("perimeter {}", p.name),
            &p.controls,
        );
    }
    for (pi, p) in s.perimeters.iter().enumerate() {
        if !s.stores.iter().any(|st| st.perimeter == Some(pi)) {
            warn.push(format!(
                "perimeter `{}` guards no store: its controls do nothing",
                p.name
            ));
        }
    }
    describe_question(&mut o, s);
    describe_costs(&mut o, s, &m);
    describe_gatekeepers(&mut o, &mut warn, s);
    describe_work(&mut o, &mut warn, s);
    if !s.params.is_empty() {
        let _ = writeln!(o, "uncertain parameters (drawn once per replication):");
        for p in &s.params {
            let _ = writeln!(o, "  {:<50} mean {}", p.path, human(p.dist.mean(), 3));
        }
    }
    let routes = crate::analysis::routes::central_table(s);
    o.push_str(&super::routes::routes_text(s, &routes));
    (
        super::terminal::printable(o),
        warn.into_iter().map(super::terminal::printable).collect(),
    )
}

/// The scenario's heading, data classes, jurisdictions and companies.
fn describe_parties(o: &mut String, s: &Scenario) {
    let jn = |j: usize| s.jurisdictions[j].name.as_str();
    let cn = |cs: &[usize]| class_names(s, cs);
    let _ = writeln!(
        o,
        "scenario {} ({}): horizon {} days{}",
        s.name,
        s.source,
        s.horizon_days,
        s.start_date
            .as_ref()
            .map(|d| format!(" from {d}"))
            .unwrap_or_default()
    );
    if !s.description.is_empty() {
        let _ = writeln!(o, "  {}", s.description.trim());
    }
    let _ = writeln!(o, "data classes:");
    for c in &s.classes {
        let _ = writeln!(
            o,
            "  {:<20} {} records, weight {}, loss/record {}",
            c.name,
            val(s, &c.records),
            val(s, &c.weight),
            val(s, &c.loss_per_record)
        );
    }
    let _ = writeln!(o, "jurisdictions:");
    for j in &s.jurisdictions {
        let _ = writeln!(
            o,
            "  {:<20} compelled demands/year {}, seeking [{}], complied with {}",
            j.name,
            val(s, &j.demands_per_year),
            cn(&j.demand_classes),
            val(s, &j.compliance)
        );
    }
    if !s.companies.is_empty() {
        let _ = writeln!(o, "companies:");
    }
    for c in &s.companies {
        let subject: Vec<&str> = c.subject_to.iter().map(|&j| jn(j)).collect();
        let _ = writeln!(o, "  {:<20} subject to [{}]", c.name, subject.join(", "));
    }
}

/// The stores; warns about a store nothing fills.
fn describe_stores(o: &mut String, warn: &mut Vec<String>, s: &Scenario) {
    let jn = |j: usize| s.jurisdictions[j].name.as_str();
    let cn = |cs: &[usize]| class_names(s, cs);
    let _ = writeln!(o, "stores:");
    for st in &s.stores {
        let mut extra = String::new();
        if let Some(op) = st.operator {
            let _ = write!(extra, ", run by {}", s.companies[op].name);
        }
        if let Some(p) = st.perimeter {
            let _ = write!(extra, ", perimeter {}", s.perimeters[p].name);
        }
        match st.key_custody {
            Some(Custody::Jurisdiction(k)) => {
                let _ = write!(extra, ", keys held in {}", jn(k));
            }
            Some(Custody::Company(c)) => {
                let _ = write!(extra, ", keys held by {}", s.companies[c].name);
            }
            None => {}
        }
        if let Some(d) = &st.delete_on_day {
            let _ = write!(extra, ", deleted on day {}", val(s, d));
        }
        let _ = writeln!(
            o,
            "  {:<20} in {}: [{}]{}",
            st.name,
            jn(st.jurisdiction),
            cn(&st.classes),
            extra
        );
        if st.classes.is_empty() && !s.flows.iter().any(|f| s.stores[f.to].name == st.name) {
            warn.push(format!(
                "store `{}` holds no class and no flow fills it",
                st.name
            ));
        }
    }
}

/// The flows between stores.
fn describe_flows(o: &mut String, s: &Scenario) {
    let cn = |cs: &[usize]| class_names(s, cs);
    if !s.flows.is_empty() {
        let _ = writeln!(o, "flows:");
    }
    for f in &s.flows {
        let end = f
            .end_day
            .as_ref()
            .map(|d| format!(" until day {}", val(s, d)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {:<20} {} -> {} [{}] every {} h from day {}{}",
            f.name,
            s.stores[f.from].name,
            s.stores[f.to].name,
            cn(&f.classes),
            val(s, &f.every_hours),
            val(s, &f.start_day),
            end
        );
    }
}

/// The actors with their derived figures at the inputs' means; warns about blocked requests.
fn describe_actors(o: &mut String, warn: &mut Vec<String>, s: &Scenario, m: &Model) {
    let jn = |j: usize| s.jurisdictions[j].name.as_str();
    if !s.actors.is_empty() {
        let _ = writeln!(o, "actors:");
    }
    for (ai, (a, am)) in s.actors.iter().zip(&m.actors).enumerate() {
        let insiders = am.headcount as f64 * am.malicious_fraction;
        let _ = writeln!(
            o,
            "  {:<20} in {}: {} people, {} requests/day reading {} records, expected insiders {} ({}% for their state), {} attempts/insider/year{}{}",
            a.name,
            jn(a.jurisdiction),
            human(am.headcount as f64, 0),
            human(am.legit_rate * HOURS_PER_DAY, 1),
            human(am.records_per_request.mean(), 0),
            human(insiders, 2),
            human(100.0 * am.state_sponsored, 0),
            val(s, &a.attempts_per_insider_per_year),
            if a.targeting == Targeting::Weakest { ", targets the weakest store" } else { "" },
            if a.compellable { ", compellable" } else { "" }
        );
        if a.reaches.len() < s.stores.len() {
            let r: Vec<&str> = a
                .reaches
                .iter()
                .map(|&x| s.stores[x].name.as_str())
                .collect();
            let _ = writeln!(o, "  {:<20} reaches only [{}]", "", r.join(", "));
        }
        for (pi, pm) in m.perimeters.iter().enumerate() {
            let (out, rev) = (pm.outside[ai], pm.review[ai]);
            if out != 0 && rev & out != out && am.legit_rate > 0.0 {
                warn.push(format!("actor `{}`: in perimeter `{}` some requested classes are outside the firewall with no review path: those legitimate requests are blocked", a.name, perimeter_name(s, pi)));
            }
        }
    }
}

/// The controls' yearly and horizon costs, from the model's one cost definition.
fn describe_costs(o: &mut String, s: &Scenario, m: &Model) {
    let yearly: f64 = (0..m.perimeters.len())
        .map(|p| m.yearly_control_cost(p))
        .sum();
    let _ = writeln!(
        o,
        "controls cost {} {} a year when active all year (every perimeter); {} over the horizon, each paid while its perimeter guards a store (control_cost; waiting is delay_cost)",
        human(yearly, 0),
        s.currency,
        human(m.costs(0.0).control, 0)
    );
}

/// Each gatekeeper's load, wait and suggested team; warns when one is overloaded.
fn describe_gatekeepers(o: &mut String, warn: &mut Vec<String>, s: &Scenario) {
    for l in gatekeeper_loads(s) {
        let _ = writeln!(o, "derived ({} gatekeeper):", l.perimeter);
        let _ = writeln!(
            o,
            "  requests reaching review: {} per hour ({} per day); a review takes {} h on average",
            human(l.arrival_rate, 2),
            human(l.arrival_rate * 24.0, 0),
            human(l.mean_review_hours, 2)
        );
        if l.arrival_rate <= 0.0 {
            let _ = writeln!(o, "  no load: no legitimate request reaches this team");
            continue;
        }
        let _ = writeln!(
            o,
            "  offered load: {} reviewer-hours per hour; utilization {:.1}% of {} reviewers",
            human(l.offered_load, 1),
            100.0 * l.utilization,
            l.team
        );
        if let Some(c) = crate::analysis::queueing::smallest_team(
            l.arrival_rate,
            l.mean_review_hours,
            SUGGESTED_WAIT_HOURS,
        ) {
            if l.utilization >= 1.0 || l.utilization < 0.3 {
                let _ = writeln!(
                    o,
                    "  suggestion: {c} reviewers are the smallest team whose M/M/c mean wait stays under {SUGGESTED_WAIT_HOURS} h"
                );
            }
        }
        if l.utilization >= 1.0 {
            let then = if l.has_bypass {
                "requests are approved unreviewed after bypass_after_hours"
            } else {
                "with no bypass_after_hours its illicit requests never finish review, and results then depend on that"
            };
            warn.push(format!(
                "gatekeeper overloaded ({}): utilization {:.0}% >= 100%; the queue grows without bound: {then} (add reviewers or set bypass_after_hours)",
                l.perimeter,
                100.0 * l.utilization
            ));
        } else {
            let _ = writeln!(
                o,
                "  M/M/c mean wait (exponential reviews): {} h; probability of waiting {:.1}%",
                human(l.mmc_wait_hours, 2),
                100.0 * l.p_wait
            );
        }
    }
}

/// The work a replication takes against the budget; warns when it is over.
fn describe_work(o: &mut String, warn: &mut Vec<String>, s: &Scenario) {
    let work = crate::analysis::budget::estimate(s);
    let _ = write!(
        o,
        "work: about {} events per replication (budget {}, --max-events)",
        human(work.total, 0),
        human(crate::sim::engine::DEFAULT_MAX_EVENTS as f64, 0)
    );
    match work.driver() {
        Some(d) => {
            let _ = writeln!(
                o,
                "; largest: {} {} ({})",
                human(d.events, 0),
                d.what,
                d.key
            );
        }
        None => {
            let _ = writeln!(o);
        }
    }
    if work.total.is_nan() || work.total > crate::sim::engine::DEFAULT_MAX_EVENTS as f64 {
        warn.push(format!(
            "over the default work budget: `run` refuses this scenario unless --max-events is at least {}",
            human(work.total.ceil(), 0)
        ));
    }
}

fn perimeter_name(s: &Scenario, p: usize) -> &str {
    if p == 0 {
        "controls"
    } else {
        &s.perimeters[p - 1].name
    }
}

/// Prints one perimeter's controls; warns about controls that can do nothing there.
fn describe_controls(
    o: &mut String,
    warn: &mut Vec<String>,
    s: &Scenario,
    title: &str,
    c: &Controls,
) {
    let _ = writeln!(o, "{title}:");
    let lines = control_lines(s, c);
    for l in &lines {
        let _ = writeln!(o, "{l}");
    }
    if lines.is_empty() {
        let _ = writeln!(o, "  none");
    }
    if c.firewall.is_none() {
        for (what, present) in [
            ("enclave", c.enclave.is_some()),
            ("code review", c.code_review.is_some()),
        ] {
            if present {
                warn.push(format!("{title}: {what} without a firewall does nothing (both act only on attempts from outside the firewall)"));
            }
        }
    }
}

/// One line for each control of `c`, as `validate` shows it.
fn control_lines(s: &Scenario, c: &Controls) -> Vec<String> {
    let jn = |j: usize| s.jurisdictions[j].name.as_str();
    let cn = |cs: &[usize]| class_names(s, cs);
    let mut lines = Vec::new();
    if let Some(f) = &c.firewall {
        let allow: Vec<&str> = f.allow.iter().map(|&j| jn(j)).collect();
        lines.push(format!(
            "  firewall: allow [{}], open [{}], block {}, egress {}, {} breaches/year, from day {}",
            allow.join(", "),
            cn(&f.open_classes),
            val(s, &f.block_probability),
            f.egress,
            val(s, &f.breaches_per_year),
            val(s, &f.from_day)
        ));
    }
    if let Some(g) = &c.gatekeeper {
        let from: Vec<&str> = g.review_from.iter().map(|&j| jn(j)).collect();
        lines.push(format!(
            "  gatekeeper: {} reviewers, classes [{}], reviewing [{}], catch {}, fatigue {}, from day {}",
            val(s, &g.team_size),
            cn(&g.classes),
            from.join(", "),
            val(s, &g.catch_probability),
            val(s, &g.fatigue),
            val(s, &g.from_day)
        ));
    }
    if let Some(x) = &c.code_review {
        lines.push(format!(
            "  code review: catch {}, from day {}",
            val(s, &x.probability),
            val(s, &x.from_day)
        ));
    }
    if let Some(x) = &c.enclave {
        lines.push(format!(
            "  enclave: block {}, from day {}",
            val(s, &x.probability),
            val(s, &x.from_day)
        ));
    }
    if let Some(x) = &c.audit {
        lines.push(format!(
            "  audit: detect {}, mean delay {} h, from day {}",
            val(s, &x.detect_probability),
            x.detect_delay_hours.typical.mean(),
            val(s, &x.from_day)
        ));
    }
    if let Some(x) = &c.third_party_audit {
        lines.push(format!(
            "  third-party audit: every {} days, detect {}, from day {}",
            val(s, &x.every_days),
            val(s, &x.detect_probability),
            val(s, &x.from_day)
        ));
    }
    lines
}

/// Prints the question the scenario answers.
fn describe_question(o: &mut String, s: &Scenario) {
    let q = &s.question;
    let classes: Vec<&str> = q
        .classes
        .iter()
        .map(|&c| s.classes[c].name.as_str())
        .collect();
    let recipients: Vec<&str> = q.recipients.iter().map(|&r| s.recipient_name(r)).collect();
    let _ = writeln!(
        o,
        "question{}: P({} -> {}){}",
        if q.stated {
            ""
        } else {
            " (none stated: any leak)"
        },
        classes.join(", "),
        recipients.join(", "),
        if q.include_access {
            ", staff access counting"
        } else {
            ""
        }
    );
    let w = &q.window;
    if w.from > 0.0 || w.to < s.horizon_days {
        let _ = writeln!(
            o,
            "  counted from day {} to day {} (window_days; horizon {} days)",
            w.from, w.to, s.horizon_days
        );
    }
    for w in &q.also {
        let _ = writeln!(
            o,
            "  also `{}`: day {} to day {} (columns reached.{} and reached_records.{})",
            w.name, w.from, w.to, w.name, w.name
        );
    }
    for i in &s.inputs {
        let _ = writeln!(
            o,
            "input {}: one value for {}",
            i.path(),
            i.paths.join(", ")
        );
    }
}

/// The names of classes `cs`, comma-separated.
fn class_names(s: &Scenario, cs: &[usize]) -> String {
    cs.iter()
        .map(|&c| s.classes[c].name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
