//! The routes of the v2 model against closed forms: the compelled operator until a deletion day,
//! key custody held by a company, perimeters with uniform and weakest targeting, staff access, the
//! state-sponsored share of insiders, demand classes, and egress outside breach windows.

mod common;
use common::*;
use leaksim::sim::metrics::idx;
use leaksim::sim::runner::RepRow;

/// Asserts that the share of replications where `metric` > 0 matches `p` within 4 standard errors.
fn check_probability(rows: &[RepRow], metric: usize, p: f64, what: &str) {
    let n = rows.len() as f64;
    let hits = rows.iter().filter(|r| r.metrics[metric] > 0.0).count() as f64;
    let se = (p * (1.0 - p) / n).sqrt().max(1e-9);
    assert!(
        (hits / n - p).abs() <= 4.0 * se,
        "{what}: simulated {:.4} vs closed form {p:.4} (se {se:.4})",
        hits / n
    );
}

/// A store in the US run by `bytedance` (subject to CN), deleted on `delete_day`; CN demands at
/// `rate` a year; keys held by `custody` (a company or jurisdiction name, or none).
fn operated_abroad(rate: f64, delete_day: f64, custody: &str) -> String {
    let custody = if custody.is_empty() {
        String::new()
    } else {
        format!("key_custody = \"{custody}\"")
    };
    format!(
        r#"
[scenario]
name = "operator"
horizon_days = 365
[question]
classes = ["protected"]
recipients = ["CN"]
[[data_class]]
name = "protected"
records = 1000
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "CN"
compelled_demands_per_year = {rate}
[[company]]
name = "bytedance"
subject_to = ["CN"]
[[company]]
name = "oracle"
subject_to = ["US"]
[[store]]
name = "virginia"
jurisdiction = "US"
classes = ["protected"]
operator = "bytedance"
delete_on_day = {delete_day}
{custody}
"#
    )
}

#[test]
fn a_company_subject_to_the_state_hands_over_its_stores_until_they_are_deleted() {
    let (rate, day) = (2.0, 120.0);
    let s = scenario(&operated_abroad(rate, day, ""));
    let rows = run(&s, 11, 20_000, 2);
    let p = 1.0 - (-rate * day / 365.0).exp();
    check_probability(&rows, idx::REACHED, p, "P(protected -> CN) by the operator");
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
    let s = scenario(&operated_abroad(5.0, 365.0, "oracle"));
    let rows = run(&s, 12, 2_000, 2);
    assert!(rows.iter().all(|r| r.metrics[idx::REACHED] == 0.0));
    assert!(mean_of(&rows, idx::COMPELLED_DEMANDS) > 4.0);
    // Keys with a company that answers to CN: as readable as with no custody at all.
    let s = scenario(&operated_abroad(1.0, 365.0, "bytedance"));
    let rows = run(&s, 13, 20_000, 2);
    check_probability(
        &rows,
        idx::REACHED,
        1.0 - (-1.0f64).exp(),
        "custody by bytedance",
    );
    // Keys held in the US (a jurisdiction): closed to CN.
    let s = scenario(&operated_abroad(5.0, 365.0, "US"));
    assert!(run(&s, 14, 2_000, 2)
        .iter()
        .all(|r| r.metrics[idx::REACHED] == 0.0));
}

/// One insider in CN, outside both perimeters' firewalls, attacking one class held by a store in
/// each perimeter.
fn two_perimeters(rate: f64, strong: f64, weak: f64, targeting: &str) -> String {
    format!(
        r#"
[scenario]
name = "perimeters"
horizon_days = 365
[[data_class]]
name = "d"
records = 1000000000
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "CN"
[[store]]
name = "hardened"
jurisdiction = "US"
classes = ["d"]
perimeter = "strong"
[[store]]
name = "legacy"
jurisdiction = "US"
classes = ["d"]
perimeter = "weak"
[[actor]]
name = "insider"
jurisdiction = "CN"
headcount = 1
malicious_fraction = 1.0
targeting = "{targeting}"
illicit_attempts_per_insider_per_year = {rate}
records_per_attempt = 10
[perimeter.strong.firewall]
allow = ["US"]
block_probability = {strong}
[perimeter.weak.firewall]
allow = ["US"]
block_probability = {weak}
"#
    )
}

#[test]
fn uniform_targeting_averages_the_perimeters_and_weakest_targeting_picks_the_weak_one() {
    let (rate, strong, weak) = (2.0, 0.99, 0.6);
    let uniform = run(
        &scenario(&two_perimeters(rate, strong, weak, "uniform")),
        21,
        20_000,
        2,
    );
    let p_uniform = (1.0 - strong + 1.0 - weak) / 2.0;
    check_probability(
        &uniform,
        idx::LEAKED,
        1.0 - (-rate * p_uniform).exp(),
        "uniform",
    );
    let weakest = run(
        &scenario(&two_perimeters(rate, strong, weak, "weakest")),
        21,
        20_000,
        2,
    );
    check_probability(
        &weakest,
        idx::LEAKED,
        1.0 - (-rate * (1.0 - weak)).exp(),
        "weakest",
    );
    // Weakest targeting sends every attempt to the legacy store: the hardened one never leaks.
    for r in &weakest {
        assert!(r.paths.iter().all(|p| p.store == Some(1)), "{:?}", r.paths);
    }
    // The same attempts in both runs (common random numbers): same count per replication.
    for (u, w) in uniform.iter().zip(&weakest) {
        assert_eq!(
            u.metrics[idx::ILLICIT_ATTEMPTS],
            w.metrics[idx::ILLICIT_ATTEMPTS]
        );
    }
}

#[test]
fn each_perimeter_has_its_own_gatekeeper_queue_and_cost() {
    let text = r#"
[scenario]
name = "two-teams"
horizon_days = 365
[[data_class]]
name = "d"
records = 1000
[[jurisdiction]]
name = "CN"
[[store]]
name = "a"
jurisdiction = "CN"
classes = ["d"]
[[store]]
name = "b"
jurisdiction = "CN"
classes = ["d"]
perimeter = "oracle"
[[actor]]
name = "staff"
jurisdiction = "CN"
headcount = 100
requests_per_person_per_day = 1
[controls.gatekeeper]
team_size = 4
review_hours = 1
catch_probability = 0.5
[perimeter.oracle.gatekeeper]
team_size = 6
review_hours = 1
catch_probability = 0.5
[cost]
reviewer = 1000
"#;
    let rows = run(&scenario(text), 3, 200, 2);
    for r in &rows {
        assert_eq!(
            r.metrics[idx::CONTROL_COST],
            10.0 * 1000.0,
            "4 + 6 reviewers"
        );
        assert_eq!(
            r.metrics[idx::REVIEWED_REQUESTS],
            r.metrics[idx::LEGIT_REQUESTS]
        );
    }
    // 100 requests a day split over two stores: each team is offered 50 x 1 h a day, and
    // works 100 h a day of the 10 x 24 h its 10 reviewers have.
    let util = mean_of(&rows, idx::REVIEWER_UTILIZATION);
    let expected = 100.0 / 24.0 / 10.0;
    assert!(
        (util - expected).abs() < 0.01 * expected,
        "{util} vs {expected}"
    );
}

/// Staff in CN reading `per_request` records per request; `gate` adds a firewall that keeps CN
/// outside with no review path.
fn staff(per_day: f64, per_request: u64, gate: bool) -> String {
    let firewall = if gate {
        "[controls.firewall]\nallow = [\"US\"]\nblock_probability = 1.0\n"
    } else {
        ""
    };
    format!(
        r#"
[scenario]
name = "access"
horizon_days = 365
[question]
recipients = ["CN"]
include_access = true
[[data_class]]
name = "d"
records = 1000000000000
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "CN"
[[store]]
name = "s"
jurisdiction = "US"
classes = ["d"]
[[actor]]
name = "engineers"
jurisdiction = "CN"
headcount = 10
requests_per_person_per_day = {per_day}
records_per_request = {per_request}
{firewall}"#
    )
}

#[test]
fn staff_access_counts_the_records_approved_requests_read() {
    let (per_day, k) = (0.001, 50);
    let rows = run(&scenario(&staff(per_day, k, false)), 31, 20_000, 2);
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
    check_probability(
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
    let rows = run(&scenario(&staff(per_day, k, true)), 31, 500, 2);
    assert!(rows.iter().all(|r| r.metrics[idx::ACCESSED_RECORDS] == 0.0));
    assert!(mean_of(&rows, idx::LEGIT_BLOCKED) > 3.0);
}

#[test]
fn a_state_sponsored_share_of_insiders_sends_their_takings_to_their_state() {
    let (headcount, mf, share, rate): (f64, f64, f64, f64) = (200.0, 0.01, 0.3, 0.5);
    let text = format!(
        r#"
[scenario]
name = "sponsored"
horizon_days = 365
[question]
recipients = ["CN"]
[[data_class]]
name = "d"
records = 1000000000
[[jurisdiction]]
name = "CN"
[[store]]
name = "s"
jurisdiction = "CN"
classes = ["d"]
key_custody = "CN"
[[actor]]
name = "staff"
jurisdiction = "CN"
headcount = {headcount}
malicious_fraction = {mf}
state_sponsored_fraction = {share}
illicit_attempts_per_insider_per_year = {rate}
records_per_attempt = 100
"#
    );
    let rows = run(&scenario(&text), 41, 40_000, 2);
    // Each person is a sponsored insider who attempts within the year with probability
    // mf x share x (1 - e^-rate), independently.
    let attempt = 1.0 - (-rate).exp();
    let to_cn = 1.0 - (1.0 - mf * share * attempt).powf(headcount);
    check_probability(&rows, idx::REACHED, to_cn, "P(-> CN)");
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
    let text = r#"
[scenario]
name = "demand-classes"
horizon_days = 365
[[data_class]]
name = "public"
records = 100
[[data_class]]
name = "protected"
records = 100
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "CN"
compelled_demands_per_year = 3
demand_classes = ["protected"]
[[store]]
name = "cn-public"
jurisdiction = "CN"
classes = ["public"]
[[store]]
name = "us"
jurisdiction = "US"
classes = ["public", "protected"]
[[actor]]
name = "engineers"
jurisdiction = "CN"
headcount = 10
classes = ["public", "protected"]
records_per_attempt = 5
compellable = true
"#;
    let rows = run(&scenario(text), 51, 2_000, 2);
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
    let seized = text.replace(
        "classes = [\"public\"]\n[[store]]\nname = \"us\"",
        "classes = [\"public\", \"protected\"]\n[[store]]\nname = \"us\"",
    );
    let rows = run(&scenario(&seized), 52, 2_000, 2);
    for r in &rows {
        assert_eq!(r.metrics[idx::SEIZURES], r.metrics[idx::COMPELLED_DEMANDS]);
        assert_eq!(r.metrics[idx::ILLICIT_ATTEMPTS], 0.0);
    }
}

/// A daily backup to a store in SG, which SG seizes at `rate`; the source perimeter's firewall
/// has egress filtering when `egress`.
fn backup(egress: bool, breaches: f64) -> String {
    format!(
        r#"
[scenario]
name = "egress"
horizon_days = 365
[[data_class]]
name = "d"
records = 1000
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "SG"
compelled_demands_per_year = 2
[[store]]
name = "home"
jurisdiction = "US"
classes = ["d"]
[[store]]
name = "backup"
jurisdiction = "SG"
classes = []
[[flow]]
name = "nightly"
from = "home"
to = "backup"
every_hours = 24
[controls.firewall]
allow = ["US"]
block_probability = 0.98
egress = {egress}
breaches_per_year = {breaches}
breach_hours = 48
"#
    )
}

#[test]
fn egress_blocks_every_copy_outside_breach_windows() {
    // No breach: the backup never lands, so SG never has anything to seize (a per-copy coin toss
    // at 98% would let a daily backup through within days).
    let rows = run(&scenario(&backup(true, 0.0)), 61, 2_000, 2);
    for r in &rows {
        assert_eq!(r.metrics[idx::SEIZURES], 0.0);
        // Copies at hours 0, 24, ..., 8760: 366 within the horizon.
        assert_eq!(r.metrics[idx::FLOWS_BLOCKED], 366.0);
    }
    // No egress filtering: the first copy lands at hour 0, and SG seizes at its first demand.
    let rows = run(&scenario(&backup(false, 0.0)), 62, 20_000, 2);
    check_probability(&rows, idx::LEAKED, 1.0 - (-2.0f64).exp(), "no egress");
    // Breach windows of 48 h always contain a copy: each breach lets the backup land.
    let rows = run(&scenario(&backup(true, 4.0)), 63, 2_000, 2);
    let landed = rows
        .iter()
        .filter(|r| r.metrics[idx::FLOWS_BLOCKED] < 366.0)
        .count();
    assert!(
        landed > 1_900,
        "{landed} of 2000 years with a breach let a copy through"
    );
}
