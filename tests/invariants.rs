//! Properties every run must keep: conservation of records, common random numbers across
//! scenarios that differ only in controls, and reproducibility from the seed.

mod common;
use common::*;
use leaksim::sim::metrics::idx;
use leaksim::sim::runner;
use leaksim::Scenario;

/// Many greedy insiders against two small classes: leaks must saturate, never exceed.
fn greedy() -> ScenarioBuilder {
    ScenarioBuilder::new("greedy")
        .horizon_days(365)
        .class("small", 1000)
        .set("data_class.small.weight", raw("2.0"))
        .set("data_class.small.loss_per_record", raw("3.0"))
        .class("tiny", 10)
        .jurisdiction("CN")
        .set("jurisdiction.CN.compelled_demands_per_year", 4)
        .store("abroad", "CN", &["small"])
        .store("other", "CN", &["tiny"])
        .set("store.other.key_custody", "CN")
        .actor("crowd", "CN", 50)
        .set("actor.crowd.malicious_fraction", 0.5)
        .set("actor.crowd.illicit_attempts_per_insider_per_year", 50)
        .set(
            "actor.crowd.records_per_attempt",
            raw("{ dist = \"lognormal\", median = 400, sigma = 2.0 }"),
        )
        .set("actor.crowd.compellable", true)
}

#[test]
fn never_more_records_leaked_than_exist() {
    let s = greedy().scenario();
    let rows = run(&s, 1, 500, 2);
    let mut saturated = 0;
    for r in &rows {
        let total = r.metrics[idx::RECORDS_LEAKED];
        assert!(total <= 1010.0, "leaked {total} of 1010 records");
        // Each recipient's paths add up to the distinct records it holds, class by class
        // (reach: recipients in jurisdiction order, then private; two classes each).
        let recipients = r.reach.len() / 2 - 1; // the last group is staff access of the one jurisdiction
        let mut cells = vec![0.0; recipients * 2];
        for p in &r.paths {
            cells[p.recipient as usize * 2 + p.class as usize] += p.records;
        }
        for (i, cell) in cells.iter().enumerate() {
            assert_eq!(*cell, r.reach[i], "paths add up to the recipient's records");
            assert!(*cell <= if i % 2 == 0 { 1000.0 } else { 10.0 }, "{cells:?}");
        }
        // The union of what all recipients hold: at least any one's, at most the sum.
        let per_class =
            |c: usize| -> Vec<f64> { (0..recipients).map(|k| cells[k * 2 + c]).collect() };
        let most: f64 = (0..2)
            .map(|c| per_class(c).into_iter().fold(0.0, f64::max))
            .sum();
        let sum: f64 = cells.iter().sum();
        assert!(most <= total && total <= sum, "{most} <= {total} <= {sum}");
        // exposure = 2 x class 0 + 1 x class 1, so class 1's union is 2 x total - exposure.
        let small = 2.0 * total - r.metrics[idx::EXPOSURE];
        let small_max = per_class(1).into_iter().fold(0.0, f64::max);
        let small_sum: f64 = per_class(1).iter().sum();
        assert!(
            small_max <= small && small <= small_sum.min(10.0),
            "{small}"
        );
        if total >= 1009.0 {
            saturated += 1;
        }
    }
    assert!(
        saturated > 400,
        "with this many attempts most replications leak everything ({saturated})"
    );
}

#[test]
fn nothing_leaks_from_a_store_that_holds_nothing() {
    let s = greedy()
        .set("store.abroad.classes", NO_NAMES)
        .set("store.other.classes", NO_NAMES)
        .scenario();
    let rows = run(&s, 2, 300, 2);
    assert!(rows.iter().all(|r| r.metrics[idx::RECORDS_LEAKED] == 0.0));
    assert!(mean_of(&rows, idx::NO_DATA_ATTEMPTS) > 0.0);
}

/// A gatekeeper scenario with insiders; `team` reviewers.
fn reviewed(team: usize) -> ScenarioBuilder {
    ScenarioBuilder::new("crn")
        .horizon_days(200)
        .class("d", 100000)
        .jurisdiction("US")
        .jurisdiction("CN")
        .store("s", "US", &["d"])
        .actor("eng", "CN", 400)
        .set("actor.eng.requests_per_person_per_day", 0.5)
        .set("actor.eng.malicious_fraction", 0.01)
        .set("actor.eng.illicit_attempts_per_insider_per_year", 10)
        .set("actor.eng.records_per_attempt", 100)
        .set("actor.eng.circumvent_probability", 0.3)
        .firewall(&["US"], 0.9)
        .gatekeeper(
            team,
            raw("{ dist = \"exponential\", mean = 1 }"),
            raw("0.0"),
        )
}

#[test]
fn changing_team_size_leaves_arrivals_and_attempts_unchanged() {
    let small = reviewed(10).scenario();
    let large = reviewed(40).scenario();
    let a = run(&small, 77, 200, 2);
    let b = run(&large, 77, 200, 2);
    let mut waits_differ = 0;
    for (x, y) in a.iter().zip(&b) {
        for m in [
            idx::LEGIT_REQUESTS,
            idx::INSIDERS,
            idx::ILLICIT_ATTEMPTS,
            idx::REVIEWED_REQUESTS,
            idx::CIRCUMVENTED_REVIEW,
            idx::BLOCKED_FIREWALL,
        ] {
            assert_eq!(
                x.metrics[m],
                y.metrics[m],
                "metric {} differs",
                leaksim::sim::metrics::NAMES[m]
            );
        }
        if x.metrics[idx::REVIEW_MEAN_WAIT_HOURS] > y.metrics[idx::REVIEW_MEAN_WAIT_HOURS] {
            waits_differ += 1;
        }
    }
    assert!(
        waits_differ > 190,
        "a larger team waits less in (nearly) every replication: {waits_differ}"
    );
    // The event times of requests are the same too.
    let ta: Vec<f64> = runner::trace(&small, 77, 3)
        .iter()
        .filter(|r| r.kind == "request")
        .map(|r| r.time)
        .collect();
    let tb: Vec<f64> = runner::trace(&large, 77, 3)
        .iter()
        .filter(|r| r.kind == "request")
        .map(|r| r.time)
        .collect();
    assert!(!ta.is_empty());
    assert_eq!(ta, tb);
}

#[test]
fn results_do_not_depend_on_threads_and_follow_the_seed() {
    let s: Scenario = reviewed(10).scenario();
    let one = run(&s, 5, 64, 1);
    let two = run(&s, 5, 64, 2);
    let other = run(&s, 6, 64, 2);
    let key = |rows: &[runner::RepRow]| {
        rows.iter()
            .map(|r| r.metrics.map(f64::to_bits))
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&one), key(&two));
    assert_ne!(key(&one), key(&other));
}

#[test]
fn trace_replays_the_replication_it_names() {
    let s = reviewed(10).scenario();
    let rows = run(&s, 8, 5, 2);
    let trace = runner::trace(&s, 8, 4);
    let requests = trace.iter().filter(|r| r.kind == "request").count() as f64;
    assert_eq!(requests, rows[4].metrics[idx::LEGIT_REQUESTS]);
}

#[test]
fn uncertain_parameters_are_drawn_once_per_replication_and_recorded() {
    let s = reviewed(10)
        .set(
            "actor.eng.headcount",
            raw("{ dist = \"uniform\", min = 100, max = 700 }"),
        )
        .scenario();
    assert_eq!(s.params.len(), 1);
    assert_eq!(s.params[0].path, "actor.eng.headcount");
    let rows = run(&s, 4, 300, 2);
    let drawn: Vec<f64> = rows.iter().map(|r| r.params[0]).collect();
    assert!(drawn
        .iter()
        .all(|v| (100.0..=700.0).contains(v) && v.fract() == 0.0));
    let mean = drawn.iter().sum::<f64>() / drawn.len() as f64;
    assert!((mean - 400.0).abs() < 30.0, "{mean}");
    // The drawn headcount drives the request count: strongly correlated.
    let req: Vec<f64> = rows
        .iter()
        .map(|r| r.metrics[idx::LEGIT_REQUESTS])
        .collect();
    let ratio: Vec<f64> = req
        .iter()
        .zip(&drawn)
        .map(|(r, h)| r / (h * 0.5 * 200.0))
        .collect();
    assert!(
        ratio.iter().all(|x| (0.8..1.2).contains(x)),
        "requests follow the drawn headcount"
    );
}
