//! The engine against results known exactly: M/M/c queues (Erlang C), Poisson leak probabilities,
//! seizure before a deletion day, and key custody.

mod common;
use common::*;
use leaksim::analysis::queueing::mmc_mean_wait;
use leaksim::sim::metrics::idx;

fn check_erlang_c(team: usize, utilization: f64) {
    let s = ScenarioBuilder::mmc("mmc", team, utilization * team as f64, 3650.0).scenario();
    let rows = run(&s, 11, 24, 2);
    let sim = mean_of(&rows, idx::REVIEW_MEAN_WAIT_HOURS);
    let theory = mmc_mean_wait(utilization * team as f64, 1.0, team);
    let rel = (sim - theory).abs() / theory;
    assert!(rel < 0.04, "M/M/{team} at {utilization}: simulated wait {sim:.4} h vs Erlang C {theory:.4} h ({:.1}% off)", rel * 100.0);
    let util = mean_of(&rows, idx::REVIEWER_UTILIZATION);
    assert!(
        (util - utilization).abs() < 0.01,
        "utilization {util} vs {utilization}"
    );
}

#[test]
fn gatekeeper_wait_matches_erlang_c_at_half_load() {
    check_erlang_c(4, 0.5);
}

#[test]
fn gatekeeper_wait_matches_erlang_c_at_ninety_percent_load() {
    check_erlang_c(5, 0.9);
}

#[test]
fn single_reviewer_matches_mm1() {
    check_erlang_c(1, 0.7);
}

/// One insider behind a firewall (`ScenarioBuilder::one_insider_poisson`).
fn one_insider(rate: f64, block: f64, horizon_days: f64) -> ScenarioBuilder {
    ScenarioBuilder::one_insider_poisson("poisson", rate, block, horizon_days)
}

#[test]
fn one_insider_behind_a_firewall_leaks_with_the_poisson_probability() {
    let (rate, block, days) = (3.0, 0.8, 365.0);
    let s = one_insider(rate, block, days).scenario();
    let n = 20_000;
    let rows = run(&s, 5, n, 2);
    let p_sim = mean_of(&rows, idx::LEAKED);
    let p = 1.0 - (-rate * (1.0 - block) * days / 365.0).exp();
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (p_sim - p).abs() < 4.0 * se,
        "P(leak) {p_sim:.4} vs Poisson {p:.4} (se {se:.4})"
    );
    // Attempts are Poisson too: mean rate x T.
    let attempts = mean_of(&rows, idx::ILLICIT_ATTEMPTS);
    assert!(
        (attempts - rate).abs() < 0.05 * rate,
        "attempts {attempts} vs {rate}"
    );
    // Blocked attempts are a `block` share of all attempts.
    let blocked = mean_of(&rows, idx::BLOCKED_FIREWALL);
    assert!(
        (blocked / attempts - block).abs() < 0.01,
        "blocked share {}",
        blocked / attempts
    );
}

/// A home store in the US and a store in CN, deleted on `delete_day`, that CN seizes at
/// `demands` a year.
fn abroad_store(demands: f64, delete_day: f64) -> ScenarioBuilder {
    ScenarioBuilder::new("seizure")
        .horizon_days(365)
        .class("d", 5000)
        .jurisdiction("US")
        .jurisdiction("CN")
        .set("jurisdiction.CN.compelled_demands_per_year", demands)
        .store("home", "US", &["d"])
        .store("abroad", "CN", &["d"])
        .set("store.abroad.delete_on_day", delete_day)
}

#[test]
fn store_abroad_is_seized_before_its_deletion_with_the_poisson_probability() {
    let (demands, day) = (2.0, 100.0);
    let s = abroad_store(demands, day).scenario();
    let n = 20_000;
    let rows = run(&s, 9, n, 2);
    let p_sim = mean_of(&rows, idx::LEAKED);
    let p = 1.0 - (-demands * day / 365.0).exp();
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (p_sim - p).abs() < 4.0 * se,
        "P(seizure) {p_sim:.4} vs {p:.4}"
    );
    // A seizure takes every record the store holds, and there is nothing more to take.
    for r in &rows {
        assert!(r.metrics[idx::RECORDS_LEAKED] == 0.0 || r.metrics[idx::RECORDS_LEAKED] == 5000.0);
        if r.metrics[idx::SEIZURES] > 0.0 {
            assert!(r.metrics[idx::FIRST_LEAK_HOURS] <= day * 24.0);
        }
    }
    // Every demand is counted, seized or not: Poisson over the whole year.
    let demands_seen = mean_of(&rows, idx::COMPELLED_DEMANDS);
    assert!(
        (demands_seen - demands).abs() < 0.05 * demands,
        "{demands_seen}"
    );
}

#[test]
fn key_custody_abroad_makes_seizure_yield_nothing() {
    let s = abroad_store(5.0, 365.0)
        .set("store.abroad.key_custody", "US")
        .scenario();
    let rows = run(&s, 3, 2_000, 2);
    assert!(
        mean_of(&rows, idx::COMPELLED_DEMANDS) > 4.0,
        "demands were made"
    );
    assert_eq!(mean_of(&rows, idx::SEIZURES), 0.0);
    assert_eq!(mean_of(&rows, idx::RECORDS_LEAKED), 0.0);
}

/// One reviewer taking 10 hours per request, requests at one an hour: overloaded. With
/// `bypass`, a request waiting that long skips review.
fn overloaded(bypass: Option<f64>) -> ScenarioBuilder {
    let b = ScenarioBuilder::new("overloaded")
        .horizon_days(10)
        .class("d", 1000)
        .jurisdiction("US")
        .store("s", "US", &["d"])
        .actor("staff", "US", 24)
        .set("actor.staff.requests_per_person_per_day", 1)
        .gatekeeper(1, 10, 0.5)
        .set("cost.legit_wait_per_hour", 1);
    match bypass {
        Some(h) => b.set("controls.gatekeeper.bypass_after_hours", h),
        None => b,
    }
}

#[test]
fn waits_and_their_cost_are_counted_within_the_horizon() {
    let horizon = 240.0;
    let rows = run(&overloaded(None).scenario(), 8, 300, 2);
    for r in &rows {
        let n = r.metrics[idx::REVIEWED_REQUESTS];
        let wait = r.metrics[idx::REVIEW_MEAN_WAIT_HOURS];
        assert_eq!(n, r.metrics[idx::LEGIT_REQUESTS]);
        assert!(
            wait <= horizon,
            "mean wait {wait} h in a {horizon} h horizon"
        );
        // Waiting is the only cost, in delay_cost: the hours waited within the horizon.
        assert!((r.metrics[idx::DELAY_COST] - wait * n).abs() < 1e-6 * wait * n);
        assert_eq!(r.metrics[idx::CONTROL_COST], 0.0);
        // The reviewer is busy from the first request to the horizon, and never more.
        let u = r.metrics[idx::REVIEWER_UTILIZATION];
        assert!(u <= 1.0 && u > 0.95, "{u}");
    }
}

#[test]
fn the_mean_review_wait_counts_reviewed_requests_only() {
    let bypass = 5.0;
    let rows = run(&overloaded(Some(bypass)).scenario(), 8, 300, 2);
    for r in &rows {
        let reviewed = r.metrics[idx::REVIEWED_REQUESTS];
        let skipped = r.metrics[idx::BACKLOG_BYPASSED];
        assert_eq!(reviewed + skipped, r.metrics[idx::LEGIT_REQUESTS]);
        assert!(skipped > reviewed, "overloaded: most requests skip review");
        // A request is reviewed only if its review starts within the bypass delay.
        assert!(r.metrics[idx::REVIEW_MEAN_WAIT_HOURS] <= bypass);
        // Every legitimate wait is charged (delay_cost): reviewed waits plus bypass delays.
        let cost = r.metrics[idx::DELAY_COST];
        let reviewed_waits = r.metrics[idx::REVIEW_MEAN_WAIT_HOURS] * reviewed;
        assert!(cost >= reviewed_waits + skipped * bypass - 240.0, "{cost}");
        assert!(cost <= reviewed_waits + skipped * bypass + 1e-6);
    }
}
