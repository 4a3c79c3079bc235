//! Building a [`Model`] from a scenario and the values its uncertain parameters took.

use super::*;
use crate::random::stream::name_key;
use crate::scenario::{Actor, Controls, Custody, Flow, Num, Scenario, Store, Targeting};

impl Model {
    /// Builds the model of a replication whose uncertain parameters took `values`.
    pub fn build(s: &Scenario, values: &[f64]) -> Model {
        let v = |n: &Num| n.get(values);
        let actors: Vec<ActorModel> = s.actors.iter().map(|a| actor(a, values)).collect();
        let mut perimeters = vec![perimeter(s, "controls", &s.controls, values)];
        perimeters.extend(
            s.perimeters
                .iter()
                .map(|p| perimeter(s, &p.name, &p.controls, values)),
        );
        let jurisdictions = (0..s.jurisdictions.len())
            .map(|j| jurisdiction(s, j, &actors, values))
            .collect();
        let stores: Vec<StoreModel> = s.stores.iter().map(|st| store(s, st, values)).collect();
        let flows = s
            .flows
            .iter()
            .map(|f| flow(f, &stores, &perimeters, values))
            .collect();
        Model {
            horizon: s.horizon_days * HOURS_PER_DAY,
            classes: s
                .classes
                .iter()
                .map(|c| ClassModel {
                    records: v(&c.records).round().max(0.0),
                    weight: v(&c.weight),
                    loss_per_record: v(&c.loss_per_record),
                })
                .collect(),
            jurisdictions,
            stores,
            flows,
            actors,
            perimeters,
            question: question(s),
            cost: CostModel {
                reviewer: v(&s.cost.reviewer),
                firewall: v(&s.cost.firewall),
                enclave: v(&s.cost.enclave),
                audit: v(&s.cost.audit),
                third_party_audit: v(&s.cost.third_party_audit),
                code_review: v(&s.cost.code_review),
                legit_wait_per_hour: v(&s.cost.legit_wait_per_hour),
            },
            aggregate_requests: true,
        }
    }
}

/// The model of one actor.
fn actor(a: &Actor, values: &[f64]) -> ActorModel {
    let v = |n: &Num| n.get(values);
    let headcount = v(&a.headcount).round().max(0.0) as u64;
    ActorModel {
        key: name_key(&a.name),
        jurisdiction: a.jurisdiction,
        headcount,
        legit_rate: headcount as f64 * v(&a.requests_per_person_per_day) / HOURS_PER_DAY,
        classes: a.classes.iter().map(|&c| c as u8).collect(),
        reaches: mask(&a.reaches),
        records_per_request: a.records_per_request.resolve(values),
        reads: !a.records_per_request.fields.is_empty()
            || !matches!(a.records_per_request.typical, Dist::Constant(v) if v <= 0.0),
        malicious_fraction: v(&a.malicious_fraction),
        turnover: v(&a.turnover_per_year),
        state_sponsored: v(&a.state_sponsored_fraction),
        weakest: a.targeting == Targeting::Weakest,
        attempt_rate: v(&a.attempts_per_insider_per_year) / HOURS_PER_YEAR,
        records: a.records_per_attempt.resolve(values),
        circumvent: v(&a.circumvent_probability),
    }
}

/// The model of jurisdiction `ji`: its demands, and the actors it can compel (those subject to
/// it with staff), with their cumulative headcounts.
fn jurisdiction(
    s: &Scenario,
    ji: usize,
    actors: &[ActorModel],
    values: &[f64],
) -> JurisdictionModel {
    let v = |n: &Num| n.get(values);
    let j = &s.jurisdictions[ji];
    let mut cum = 0.0;
    let compellable = s
        .actors
        .iter()
        .enumerate()
        .filter(|(ai, a)| a.compellable && a.jurisdiction == ji && actors[*ai].headcount > 0)
        .map(|(ai, _)| {
            cum += actors[ai].headcount as f64;
            (ai, cum)
        })
        .collect();
    JurisdictionModel {
        key: name_key(&j.name),
        demand_rate: v(&j.demands_per_year) / HOURS_PER_YEAR,
        demand_classes: mask(&j.demand_classes),
        compliance: v(&j.compliance),
        compellable,
    }
}

/// The model of one store: where it stands, what it holds, who runs it and who can read it.
fn store(s: &Scenario, st: &Store, values: &[f64]) -> StoreModel {
    let all_jurs = if s.jurisdictions.len() >= 64 {
        u64::MAX
    } else {
        (1u64 << s.jurisdictions.len()) - 1
    };
    let subject = |c: usize| mask(&s.companies[c].subject_to);
    StoreModel {
        jurisdiction: st.jurisdiction,
        initial_classes: mask(&st.classes),
        perimeter: st.perimeter.map_or(0, |p| p + 1),
        operator_subject_to: st.operator.map_or(0, subject),
        readable_to: match st.key_custody {
            None => all_jurs,
            Some(Custody::Jurisdiction(j)) => 1u64 << j,
            Some(Custody::Company(c)) => subject(c),
        },
        delete_at: st
            .delete_on_day
            .as_ref()
            .map_or(f64::INFINITY, |d| d.get(values) * HOURS_PER_DAY),
    }
}

/// The model of one flow, filtered by its source perimeter's egress firewall when that firewall
/// does not allow the destination's jurisdiction.
fn flow(
    f: &Flow,
    stores: &[StoreModel],
    perimeters: &[PerimeterModel],
    values: &[f64],
) -> FlowModel {
    let v = |n: &Num| n.get(values);
    let fw = perimeters[stores[f.from].perimeter].firewall.as_ref();
    FlowModel {
        from: f.from,
        to: f.to,
        classes: mask(&f.classes),
        every: v(&f.every_hours),
        start: v(&f.start_day) * HOURS_PER_DAY,
        end: f
            .end_day
            .as_ref()
            .map_or(f64::INFINITY, |d| v(d) * HOURS_PER_DAY),
        egress_filtered: fw
            .is_some_and(|fw| fw.egress && fw.allow & (1u64 << stores[f.to].jurisdiction) == 0),
    }
}

/// The question: its classes and recipients, and its measurement windows in hours (a window
/// that reaches the horizon stays open to its end).
fn question(s: &Scenario) -> QuestionModel {
    let q = &s.question;
    QuestionModel {
        classes: mask(&q.classes),
        recipients: mask(&q.recipients),
        include_access: q.include_access,
        windows: std::iter::once(&q.window)
            .chain(&q.also)
            .map(|w| {
                let to = if w.to >= s.horizon_days {
                    f64::INFINITY
                } else {
                    w.to * HOURS_PER_DAY
                };
                (w.from * HOURS_PER_DAY, to)
            })
            .collect(),
    }
}

/// The model of one perimeter's controls, with each actor's class masks.
fn perimeter(s: &Scenario, name: &str, c: &Controls, values: &[f64]) -> PerimeterModel {
    let v = |n: &Num| n.get(values);
    let day = |n: &Num| v(n) * HOURS_PER_DAY;
    let fw = c.firewall.as_ref();
    let gk = c.gatekeeper.as_ref();
    let allow = fw.map_or(0, |f| mask(&f.allow));
    let open = fw.map_or(0, |f| mask(&f.open_classes));
    let gk_classes = gk.map_or(0, |g| mask(&g.classes));
    let gk_from = gk.map_or(0, |g| mask(&g.review_from));
    let (mut outside, mut review) = (Vec::new(), Vec::new());
    for a in &s.actors {
        let classes = mask(&a.classes);
        let j = 1u64 << a.jurisdiction;
        outside.push(if fw.is_some() && allow & j == 0 {
            classes & !open
        } else {
            0
        });
        review.push(if gk.is_some() && gk_from & j != 0 {
            classes & gk_classes
        } else {
            0
        });
    }
    PerimeterModel {
        key: name_key(name),
        firewall: fw.map(|f| FirewallModel {
            from: day(&f.from_day),
            block: v(&f.block_probability),
            egress: f.egress,
            allow,
            breach_rate: v(&f.breaches_per_year) / HOURS_PER_YEAR,
            breach_hours: f.breach_hours.resolve(values),
        }),
        gatekeeper: gk.map(|g| GatekeeperModel {
            from: day(&g.from_day),
            team: v(&g.team_size).round().max(1.0) as usize,
            review_hours: g.review_hours.resolve(values),
            catch: v(&g.catch_probability),
            fatigue: v(&g.fatigue),
            bypass_after: g.bypass_after_hours.as_ref().map_or(f64::INFINITY, v),
        }),
        code_review: c.code_review.as_ref().map(|x| StopperModel {
            from: day(&x.from_day),
            probability: v(&x.probability),
        }),
        enclave: c.enclave.as_ref().map(|x| StopperModel {
            from: day(&x.from_day),
            probability: v(&x.probability),
        }),
        audit: c.audit.as_ref().map(|a| AuditModel {
            from: day(&a.from_day),
            detect: v(&a.detect_probability),
            delay: a.detect_delay_hours.resolve(values),
        }),
        third_party_audit: c.third_party_audit.as_ref().map(|a| ThirdPartyAuditModel {
            from: day(&a.from_day),
            every: v(&a.every_days) * HOURS_PER_DAY,
            detect: v(&a.detect_probability),
        }),
        outside,
        review,
    }
}
