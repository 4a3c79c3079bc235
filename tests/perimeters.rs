//! Perimeters: each guards its own stores with its own controls; an insider's targeting
//! (uniform or the weakest perimeter) against the closed form; a gatekeeper queue and cost per
//! perimeter.

mod common;
use common::*;
use leaksim::sim::metrics::idx;

/// One insider in CN, outside both perimeters' firewalls, attacking one class held by a store in
/// each perimeter.
fn two_perimeters(rate: f64, strong: f64, weak: f64, targeting: &str) -> leaksim::Scenario {
    ScenarioBuilder::new("perimeters")
        .horizon_days(365)
        .class("d", 1_000_000_000)
        .jurisdiction("US")
        .jurisdiction("CN")
        .store("hardened", "US", &["d"])
        .set("store.hardened.perimeter", "strong")
        .store("legacy", "US", &["d"])
        .set("store.legacy.perimeter", "weak")
        .actor("insider", "CN", 1)
        .set("actor.insider.malicious_fraction", raw("1.0"))
        .set("actor.insider.targeting", targeting)
        .set("actor.insider.illicit_attempts_per_insider_per_year", rate)
        .set("actor.insider.records_per_attempt", 10)
        .perimeter_firewall("strong", &["US"], strong)
        .perimeter_firewall("weak", &["US"], weak)
        .scenario()
}

#[test]
fn uniform_targeting_averages_the_perimeters_and_weakest_targeting_picks_the_weak_one() {
    let (rate, strong, weak) = (2.0, 0.99, 0.6);
    let uniform = run(
        &two_perimeters(rate, strong, weak, "uniform"),
        21,
        20_000,
        2,
    );
    let p_uniform = (1.0 - strong + 1.0 - weak) / 2.0;
    assert_probability(
        &uniform,
        idx::LEAKED,
        1.0 - (-rate * p_uniform).exp(),
        "uniform",
    );
    let weakest = run(
        &two_perimeters(rate, strong, weak, "weakest"),
        21,
        20_000,
        2,
    );
    assert_probability(
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
    let text = ScenarioBuilder::new("two-teams")
        .horizon_days(365)
        .class("d", 1000)
        .jurisdiction("CN")
        .store("a", "CN", &["d"])
        .store("b", "CN", &["d"])
        .set("store.b.perimeter", "oracle")
        .actor("staff", "CN", 100)
        .set("actor.staff.requests_per_person_per_day", 1)
        .gatekeeper(4, 1, 0.5)
        .perimeter_gatekeeper("oracle", 6, 1, 0.5)
        .set("cost.reviewer", 1000);
    let rows = run(&text.scenario(), 3, 200, 2);
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
