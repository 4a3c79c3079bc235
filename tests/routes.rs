//! The routes of the v2 model against closed forms: the compelled operator until a deletion day,
//! key custody held by a company, staff access, the state-sponsored share of insiders, demand
//! classes, and egress outside breach windows. Perimeters are in tests/perimeters.rs.

mod common;
use common::*;
use leaksim::sim::metrics::idx;

/// A store in the US run by `bytedance` (subject to CN), deleted on `delete_day`; CN demands at
/// `rate` a year (keys: `.set("store.virginia.key_custody", ...)`).
fn operated_abroad(rate: f64, delete_day: f64) -> ScenarioBuilder {
    ScenarioBuilder::operated_abroad("operator", rate)
        .company("oracle", &["US"])
        .set("store.virginia.delete_on_day", delete_day)
}

/// Keys of the operated store held by `custody`.
fn held_by(rate: f64, custody: &str) -> leaksim::Scenario {
    operated_abroad(rate, 365.0)
        .set("store.virginia.key_custody", custody)
        .scenario()
}

#[test]
fn a_company_subject_to_the_state_hands_over_its_stores_until_they_are_deleted() {
    let (rate, day) = (2.0, 120.0);
    let s = operated_abroad(rate, day).scenario();
    let rows = run(&s, 11, 20_000, 2);
    let p = 1.0 - (-rate * day / 365.0).exp();
    assert_probability(&rows, idx::REACHED, p, "P(protected -> CN) by the operator");
    for r in &rows {
        assert_eq!(r.metrics[idx::SEIZURES], 0.0, "nothing stands in CN");
        if r.metrics[idx::REACHED] > 0.0 {
            assert_eq!(r.metrics[idx::REACHED_RECORDS], 1000.0, "the whole store");
            assert!(r.metrics[idx::OPERATOR_HANDOVERS] >= 1.0);
            assert!(r.metrics[idx::FIRST_LEAK_HOURS] <= day * 24.0);
        }
    }
    // Every record reached CN by the compelled-operator route, with no actor and the one store.
    let row = rows
        .iter()
        .find(|r| r.metrics[idx::REACHED] > 0.0)
        .expect("some");
    assert_eq!(row.paths.len(), 1);
    let p0 = &row.paths[0];
    assert_eq!(p0.route.name(), "compelled_operator");
    assert_eq!((p0.actor, p0.store, p0.records), (None, Some(0), 1000.0));
}

#[test]
fn keys_held_by_a_company_open_the_store_only_to_the_states_it_answers_to() {
    // Oracle answers to the US only: CN's order to the operator yields nothing.
    let s = held_by(5.0, "oracle");
    let rows = run(&s, 12, 2_000, 2);
    assert!(rows.iter().all(|r| r.metrics[idx::REACHED] == 0.0));
    assert!(mean_of(&rows, idx::COMPELLED_DEMANDS) > 4.0);
    // Keys with a company that answers to CN: as readable as with no custody at all.
    let s = held_by(1.0, "bytedance");
    let rows = run(&s, 13, 20_000, 2);
    assert_probability(
        &rows,
        idx::REACHED,
        1.0 - (-1.0f64).exp(),
        "custody by bytedance",
    );
    // Keys held in the US (a jurisdiction): closed to CN.
    let s = held_by(5.0, "US");
    assert!(run(&s, 14, 2_000, 2)
        .iter()
        .all(|r| r.metrics[idx::REACHED] == 0.0));
}

/// Staff in CN reading `per_request` records per request; `gate` adds a firewall that keeps CN
/// outside with no review path.
fn staff(per_day: f64, per_request: u64, gate: bool) -> leaksim::Scenario {
    let b = ScenarioBuilder::new("access")
        .horizon_days(365)
        .set("question.recipients", ["CN"])
        .set("question.include_access", true)
        .class("d", 1_000_000_000_000u64)
        .jurisdiction("US")
        .jurisdiction("CN")
        .store("s", "US", &["d"])
        .actor("engineers", "CN", 10)
        .set("actor.engineers.requests_per_person_per_day", per_day)
        .set("actor.engineers.records_per_request", per_request);
    if gate {
        b.firewall(&["US"], raw("1.0")).scenario()
    } else {
        b.scenario()
    }
}

#[test]
fn staff_access_counts_the_records_approved_requests_read() {
    let (per_day, k) = (0.001, 50);
    let rows = run(&staff(per_day, k, false), 31, 20_000, 2);
    // Requests are Poisson with mean 10 x 0.001 x 365 = 3.65 a year, each reading k records.
    let lambda = 10.0 * per_day * 365.0;
    let mean = mean_of(&rows, idx::ACCESSED_RECORDS);
    let se = (lambda * (k * k) as f64 / rows.len() as f64).sqrt();
    assert!(
        (mean - lambda * k as f64).abs() < 4.0 * se,
        "{mean} vs {}",
        lambda * k as f64
    );
    // Access counts toward the question when include_access is set: P = P(at least one request).
    assert_probability(
        &rows,
        idx::REACHED,
        1.0 - (-lambda).exp(),
        "reached by access",
    );
    for r in &rows {
        assert_eq!(r.metrics[idx::RECORDS_LEAKED], 0.0, "access is not a leak");
        assert_eq!(
            r.metrics[idx::ACCESSED_RECORDS],
            r.metrics[idx::LEGIT_REQUESTS] * k as f64
        );
        // reach: recipients CN, US (name order), private, then access by CN, access by US.
        assert_eq!(r.reach[3], r.metrics[idx::ACCESSED_RECORDS]);
    }
    // Outside a firewall with no review path, requests are blocked and read nothing.
    let rows = run(&staff(per_day, k, true), 31, 500, 2);
    assert!(rows.iter().all(|r| r.metrics[idx::ACCESSED_RECORDS] == 0.0));
    assert!(mean_of(&rows, idx::LEGIT_BLOCKED) > 3.0);
}

#[test]
fn a_state_sponsored_share_of_insiders_sends_their_takings_to_their_state() {
    let (headcount, mf, share, rate): (f64, f64, f64, f64) = (200.0, 0.01, 0.3, 0.5);
    let s = ScenarioBuilder::new("sponsored")
        .horizon_days(365)
        .set("question.recipients", ["CN"])
        .class("d", 1_000_000_000)
        .jurisdiction("CN")
        .store("s", "CN", &["d"])
        .set("store.s.key_custody", "CN")
        .actor("staff", "CN", headcount)
        .set("actor.staff.malicious_fraction", mf)
        .set("actor.staff.state_sponsored_fraction", share)
        .set("actor.staff.illicit_attempts_per_insider_per_year", rate)
        .set("actor.staff.records_per_attempt", 100)
        .scenario();
    let rows = run(&s, 41, 40_000, 2);
    // Each person is a sponsored insider who attempts within the year with probability
    // mf x share x (1 - e^-rate), independently.
    let attempt = 1.0 - (-rate).exp();
    let to_cn = 1.0 - (1.0 - mf * share * attempt).powf(headcount);
    assert_probability(&rows, idx::REACHED, to_cn, "P(-> CN)");
    let private = 1.0 - (1.0 - mf * (1.0 - share) * attempt).powf(headcount);
    let hits = rows
        .iter()
        .filter(|r| r.reach[1] > 0.0) // recipients: CN, then private
        .count() as f64;
    let n = rows.len() as f64;
    let se = (private * (1.0 - private) / n).sqrt();
    assert!(
        (hits / n - private).abs() < 4.0 * se,
        "P(-> private) {} vs {private}",
        hits / n
    );
}

#[test]
fn demands_seek_only_their_classes_and_theft_is_compelled_only_when_nothing_was_found() {
    let text = ScenarioBuilder::new("demand-classes")
        .horizon_days(365)
        .class("public", 100)
        .class("protected", 100)
        .jurisdiction("US")
        .jurisdiction("CN")
        .set("jurisdiction.CN.compelled_demands_per_year", 3)
        .set("jurisdiction.CN.demand_classes", ["protected"])
        .store("cn-public", "CN", &["public"])
        .store("us", "US", &["public", "protected"])
        .actor("engineers", "CN", 10)
        .set("actor.engineers.classes", ["public", "protected"])
        .set("actor.engineers.records_per_attempt", 5)
        .set("actor.engineers.compellable", true);
    let rows = run(&text.scenario(), 51, 2_000, 2);
    for r in &rows {
        // The CN store holds public data only: it is never seized, so every demand is
        // served by a compelled member, and only for protected data.
        assert_eq!(r.metrics[idx::SEIZURES], 0.0);
        assert_eq!(
            r.metrics[idx::ILLICIT_ATTEMPTS],
            r.metrics[idx::COMPELLED_DEMANDS]
        );
        assert!(r
            .paths
            .iter()
            .all(|p| p.class == 0 && p.route.name() == "compelled_theft"));
    }
    // Protected data on CN soil: seizure serves the demand and no member is compelled.
    let seized = text.set("store.cn-public.classes", ["public", "protected"]);
    let rows = run(&seized.scenario(), 52, 2_000, 2);
    for r in &rows {
        assert_eq!(r.metrics[idx::SEIZURES], r.metrics[idx::COMPELLED_DEMANDS]);
        assert_eq!(r.metrics[idx::ILLICIT_ATTEMPTS], 0.0);
    }
}

/// A daily backup to a store in SG, which SG seizes twice a year; the source perimeter's
/// firewall has egress filtering when `egress`, and `breaches` a year of 48 h.
fn backup(egress: bool, breaches: f64) -> leaksim::Scenario {
    ScenarioBuilder::new("egress")
        .horizon_days(365)
        .class("d", 1000)
        .jurisdiction("US")
        .jurisdiction("SG")
        .set("jurisdiction.SG.compelled_demands_per_year", 2)
        .store("home", "US", &["d"])
        .store("backup", "SG", &[])
        .flow("nightly", "home", "backup", 24)
        .firewall(&["US"], 0.98)
        .set("controls.firewall.egress", egress)
        .set("controls.firewall.breaches_per_year", breaches)
        .set("controls.firewall.breach_hours", 48)
        .scenario()
}

#[test]
fn egress_blocks_every_copy_outside_breach_windows() {
    // No breach: the backup never lands, so SG never has anything to seize (a per-copy coin toss
    // at 98% would let a daily backup through within days).
    let rows = run(&backup(true, 0.0), 61, 2_000, 2);
    for r in &rows {
        assert_eq!(r.metrics[idx::SEIZURES], 0.0);
        // Copies at hours 0, 24, ..., 8760: 366 within the horizon.
        assert_eq!(r.metrics[idx::FLOWS_BLOCKED], 366.0);
    }
    // No egress filtering: the first copy lands at hour 0, and SG seizes at its first demand.
    let rows = run(&backup(false, 0.0), 62, 20_000, 2);
    assert_probability(&rows, idx::LEAKED, 1.0 - (-2.0f64).exp(), "no egress");
    // Breach windows of 48 h always contain a copy: each breach lets the backup land.
    let rows = run(&backup(true, 4.0), 63, 2_000, 2);
    let landed = rows
        .iter()
        .filter(|r| r.metrics[idx::FLOWS_BLOCKED] < 366.0)
        .count();
    assert!(
        landed > 1_900,
        "{landed} of 2000 years with a breach let a copy through"
    );
}
