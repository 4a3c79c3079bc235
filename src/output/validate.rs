//! What `validate` prints: the scenario as resolved, derived figures (gatekeeper load, expected
//! insiders), and warnings.

use super::format::human;
use crate::analysis::queueing::gatekeeper_load;
use crate::model::{Model, HOURS_PER_DAY};
use crate::scenario::Scenario;
use std::fmt::Write;

/// What `validate` prints: the scenario as resolved, derived figures, and warnings.
pub fn describe(s: &Scenario) -> (String, Vec<String>) {
    let mut o = String::new();
    let mut warn = Vec::new();
    let jn = |j: usize| s.jurisdictions[j].name.as_str();
    let cn = |cs: &[usize]| {
        cs.iter()
            .map(|&c| s.classes[c].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
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
            human(s.typical(&c.records), 0),
            s.typical(&c.weight),
            s.typical(&c.loss_per_record)
        );
    }
    let _ = writeln!(o, "jurisdictions:");
    for j in &s.jurisdictions {
        let _ = writeln!(
            o,
            "  {:<20} compelled demands/year {}",
            j.name,
            s.typical(&j.demands_per_year)
        );
    }
    let _ = writeln!(o, "stores:");
    for st in &s.stores {
        let mut extra = String::new();
        if let Some(k) = st.key_custody {
            let _ = write!(extra, ", keys held in {}", jn(k));
        }
        if let Some(d) = &st.delete_on_day {
            let _ = write!(extra, ", deleted on day {}", s.typical(d));
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
    if !s.flows.is_empty() {
        let _ = writeln!(o, "flows:");
    }
    for f in &s.flows {
        let end = f
            .end_day
            .as_ref()
            .map(|d| format!(" until day {}", s.typical(d)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {:<20} {} -> {} [{}] every {} h from day {}{}",
            f.name,
            s.stores[f.from].name,
            s.stores[f.to].name,
            cn(&f.classes),
            s.typical(&f.every_hours),
            s.typical(&f.start_day),
            end
        );
    }
    let m = Model::build(s, &s.mean_values());
    if !s.actors.is_empty() {
        let _ = writeln!(o, "actors:");
    }
    for (a, am) in s.actors.iter().zip(&m.actors) {
        let insiders = am.headcount as f64 * am.malicious_fraction;
        let _ = writeln!(
            o,
            "  {:<20} in {}: {} people, {} requests/day, expected insiders {}, {} attempts/insider/year{}",
            a.name,
            jn(a.jurisdiction),
            human(am.headcount as f64, 0),
            human(am.legit_rate * HOURS_PER_DAY, 1),
            human(insiders, 2),
            s.typical(&a.attempts_per_insider_per_year),
            if a.compellable { ", compellable" } else { "" }
        );
        if am.outside_classes != 0
            && am.review_classes & am.outside_classes != am.outside_classes
            && am.legit_rate > 0.0
        {
            warn.push(format!("actor `{}`: some requested classes are outside the firewall with no review path: those legitimate requests are blocked", a.name));
        }
    }
    let c = &s.controls;
    let _ = writeln!(o, "controls:");
    let mut any = false;
    if let Some(f) = &c.firewall {
        any = true;
        let allow: Vec<&str> = f.allow.iter().map(|&j| jn(j)).collect();
        let _ = writeln!(
            o,
            "  firewall: allow [{}], open [{}], block {}, egress {}, {} breaches/year, from day {}",
            allow.join(", "),
            cn(&f.open_classes),
            s.typical(&f.block_probability),
            f.egress,
            s.typical(&f.breaches_per_year),
            s.typical(&f.from_day)
        );
    }
    if let Some(g) = &c.gatekeeper {
        any = true;
        let from: Vec<&str> = g.review_from.iter().map(|&j| jn(j)).collect();
        let _ = writeln!(
            o,
            "  gatekeeper: {} reviewers, classes [{}], reviewing [{}], catch {}, fatigue {}, from day {}",
            human(s.typical(&g.team_size), 0),
            cn(&g.classes),
            from.join(", "),
            s.typical(&g.catch_probability),
            s.typical(&g.fatigue),
            s.typical(&g.from_day)
        );
    }
    if let Some(x) = &c.code_review {
        any = true;
        let _ = writeln!(
            o,
            "  code review: catch {}, from day {}",
            s.typical(&x.probability),
            s.typical(&x.from_day)
        );
    }
    if let Some(x) = &c.enclave {
        any = true;
        let _ = writeln!(
            o,
            "  enclave: block {}, from day {}",
            s.typical(&x.probability),
            s.typical(&x.from_day)
        );
    }
    if let Some(x) = &c.audit {
        any = true;
        let _ = writeln!(
            o,
            "  audit: detect {}, mean delay {} h, from day {}",
            s.typical(&x.detect_probability),
            x.detect_delay_hours.mean(),
            s.typical(&x.from_day)
        );
    }
    if let Some(x) = &c.third_party_audit {
        any = true;
        let _ = writeln!(
            o,
            "  third-party audit: every {} days, detect {}, from day {}",
            s.typical(&x.every_days),
            s.typical(&x.detect_probability),
            s.typical(&x.from_day)
        );
    }
    if !any {
        let _ = writeln!(o, "  none");
    }
    if let Some(l) = gatekeeper_load(s) {
        let _ = writeln!(o, "derived:");
        let _ = writeln!(
            o,
            "  requests reaching review: {} per hour ({} per day)",
            human(l.arrival_rate, 2),
            human(l.arrival_rate * 24.0, 0)
        );
        let _ = writeln!(
            o,
            "  offered load: {} reviewer-hours per hour; utilization {:.1}% of {} reviewers",
            human(l.offered_load, 1),
            100.0 * l.utilization,
            l.team
        );
        if l.utilization >= 1.0 {
            warn.push(format!(
                "gatekeeper overloaded: utilization {:.0}% >= 100%; the queue grows without bound (add reviewers or set bypass_after_hours)",
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
    if !s.params.is_empty() {
        let _ = writeln!(o, "uncertain parameters (drawn once per replication):");
        for p in &s.params {
            let _ = writeln!(o, "  {:<50} mean {}", p.path, human(p.dist.mean(), 3));
        }
    }
    (o, warn)
}
