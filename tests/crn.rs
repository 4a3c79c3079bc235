//! Exact common random numbers: streams are keyed by entity name and every attempt draws all it
//! may need when it is created. Reordering entities changes nothing; removing an actor changes
//! nothing for the others; adding a control leaves every attempt's time and size unchanged.

mod common;
use common::*;
use leaksim::sim::metrics::idx;
use leaksim::sim::runner;

/// Two actors against two stores; huge classes so that records taken are never double-counted
/// (the union of takings is their sum). The blocks are written in the order of `order`.
fn two_actors(order: &[&str]) -> ScenarioBuilder {
    let mut b = ScenarioBuilder::new("crn")
        .horizon_days(365)
        .in_added_order();
    for block in order {
        b = match *block {
            "us" => b
                .actor("us-staff", "US", 400)
                .set("actor.us-staff.requests_per_person_per_day", 0.05)
                .set("actor.us-staff.records_per_request", 3)
                .set("actor.us-staff.malicious_fraction", 0.01)
                .set("actor.us-staff.illicit_attempts_per_insider_per_year", 4)
                .set(
                    "actor.us-staff.records_per_attempt",
                    raw("{ dist = \"lognormal\", median = 500, sigma = 1.0 }"),
                ),
            "cn" => b
                .actor("cn-engineers", "CN", 300)
                .set("actor.cn-engineers.requests_per_person_per_day", 0.1)
                .set("actor.cn-engineers.malicious_fraction", 0.02)
                .set("actor.cn-engineers.state_sponsored_fraction", 0.5)
                .set(
                    "actor.cn-engineers.illicit_attempts_per_insider_per_year",
                    6,
                )
                .set(
                    "actor.cn-engineers.records_per_attempt",
                    raw("{ dist = \"pert\", min = 10, mode = 200, max = 5000 }"),
                )
                .set("actor.cn-engineers.circumvent_probability", 0.3),
            "storeA" => b.store("virginia", "US", &["protected", "public"]),
            "storeB" => b.store("singapore", "SG", &["public", "protected"]),
            "classes" => b
                .class("public", 1_000_000_000_000u64)
                .class("protected", 1_000_000_000_000u64),
            "jurs" => b.jurisdiction("US").jurisdiction("SG").jurisdiction("CN"),
            other => panic!("{other}"),
        };
    }
    b
}

const ALL: [&str; 6] = ["classes", "jurs", "storeA", "storeB", "us", "cn"];

#[test]
fn reordering_entities_in_the_file_changes_nothing() {
    let controls = |b: ScenarioBuilder| {
        b.gatekeeper(3, raw("{ dist = \"exponential\", mean = 2 }"), 0.5)
            .set("controls.gatekeeper.review_from", ["CN"])
            .scenario()
    };
    let a = run(&controls(two_actors(&ALL)), 7, 300, 2);
    let reordered = ["cn", "storeB", "jurs", "us", "classes", "storeA"];
    let b = run(&controls(two_actors(&reordered)), 7, 300, 2);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.metrics.map(f64::to_bits), y.metrics.map(f64::to_bits));
        assert_eq!(x.paths, y.paths);
        assert_eq!(x.reach, y.reach);
    }
}

#[test]
fn removing_an_actor_changes_nothing_for_the_others() {
    let both = run(&two_actors(&ALL).scenario(), 9, 500, 2);
    let us = run(
        &two_actors(&["classes", "jurs", "storeA", "storeB", "us"]).scenario(),
        9,
        500,
        2,
    );
    let cn = run(
        &two_actors(&["classes", "jurs", "storeA", "storeB", "cn"]).scenario(),
        9,
        500,
        2,
    );
    // With no control and no shared queue, each actor's history is its own: every count of
    // the pair is the sum of the two alone, replication by replication.
    for m in [
        idx::INSIDERS,
        idx::LEGIT_REQUESTS,
        idx::ILLICIT_ATTEMPTS,
        idx::SUCCESSFUL_THEFTS,
        idx::RECORDS_LEAKED,
        idx::ACCESSED_RECORDS,
    ] {
        for ((b, u), c) in both.iter().zip(&us).zip(&cn) {
            assert_eq!(
                b.metrics[m],
                u.metrics[m] + c.metrics[m],
                "{}",
                leaksim::sim::metrics::NAMES[m]
            );
        }
    }
    assert!(
        mean_of(&both, idx::SUCCESSFUL_THEFTS) > 10.0,
        "the test has thefts"
    );
}

#[test]
fn adding_a_control_leaves_every_attempt_time_and_size_unchanged() {
    let plain = two_actors(&ALL).scenario();
    let controlled = two_actors(&ALL)
        .firewall(&["US"], 0.5)
        .set("controls.enclave.exfiltration_block_probability", 0.5)
        .set("controls.audit.detect_probability", 0.5)
        .set(
            "controls.audit.detect_delay_hours",
            raw("{ dist = \"gamma\", mean = 300, sd = 200 }"),
        )
        .scenario();
    let a = run(&plain, 3, 2_000, 2);
    let b = run(&controlled, 3, 2_000, 2);
    let mut fewer = 0;
    for (x, y) in a.iter().zip(&b) {
        // Controls only stop or remove: never more leaked in any paired year.
        assert!(
            y.metrics[idx::RECORDS_LEAKED] <= x.metrics[idx::RECORDS_LEAKED],
            "{} > {}",
            y.metrics[idx::RECORDS_LEAKED],
            x.metrics[idx::RECORDS_LEAKED]
        );
        assert!(y.metrics[idx::ILLICIT_ATTEMPTS] <= x.metrics[idx::ILLICIT_ATTEMPTS]);
        assert_eq!(y.metrics[idx::INSIDERS], x.metrics[idx::INSIDERS]);
        if y.metrics[idx::RECORDS_LEAKED] < x.metrics[idx::RECORDS_LEAKED] {
            fewer += 1;
        }
    }
    assert!(fewer > 200, "the controls bite in many years ({fewer})");
    // Event by event: each leak of the controlled run happens in the plain run at the same
    // time, from the same actor and store, with the same size.
    for rep in [0, 1, 2, 5, 8, 13] {
        let leaks = |s: &leaksim::Scenario| -> Vec<(u64, Option<usize>, Option<usize>, u64)> {
            runner::trace(s, 3, rep)
                .into_iter()
                .filter(|t| t.outcome == "leak")
                .map(|t| (t.time.to_bits(), t.actor, t.store, t.records as u64))
                .collect()
        };
        let all = leaks(&plain);
        for l in leaks(&controlled) {
            assert!(
                all.contains(&l),
                "replication {rep}: {l:?} not in the plain run"
            );
        }
    }
}
