//! Costs: `control_cost` is the controls alone, each paid while its perimeter guards a store;
//! waiting is `delay_cost`; `total_cost` = loss + control_cost + delay_cost in every replication.

mod common;
use common::*;
use leaksim::sim::metrics::idx;

/// A legacy store guarded by `[controls]` (20 approvers) deleted on `day`, and a store behind a
/// perimeter with a firewall and a gatekeeper of 3 that stays; staff abroad wait for review.
fn two_perimeters(day: f64) -> ScenarioBuilder {
    ScenarioBuilder::new("costs")
        .horizon_days(730)
        .class("d", 100000)
        .set("data_class.d.loss_per_record", 2)
        .jurisdiction("US")
        .jurisdiction("CN")
        .store("legacy", "US", &["d"])
        .set("store.legacy.delete_on_day", day)
        .store("new", "US", &["d"])
        .set("store.new.perimeter", "p")
        .actor("staff", "CN", 200)
        .set("actor.staff.requests_per_person_per_day", 0.2)
        .set("actor.staff.malicious_fraction", 0.01)
        .set("actor.staff.records_per_attempt", 10)
        .gatekeeper(20, 2, 0.5)
        .set("controls.gatekeeper.review_from", ["CN"])
        .perimeter_gatekeeper("p", 3, 8, 0.5)
        .set("perimeter.p.gatekeeper.review_from", ["CN"])
        .set("perimeter.p.gatekeeper.from_day", 100)
        .perimeter_firewall("p", &["US"], 0.9)
        .set("cost.reviewer", 1000)
        .set("cost.firewall", 50000)
        .set("cost.legit_wait_per_hour", 10)
}

#[test]
fn each_control_is_paid_while_its_perimeter_guards_a_store() {
    let day = 120.0;
    let rows = run(&two_perimeters(day).scenario(), 2, 200, 2);
    // Legacy approvers for `day` days, the perimeter's team from day 100 and its firewall from
    // day 0 to the horizon (two years).
    let want = 20.0 * 1000.0 * day / 365.0 + 3.0 * 1000.0 * 630.0 / 365.0 + 50_000.0 * 2.0;
    let mut waited = 0.0;
    for r in &rows {
        let m = &r.metrics;
        assert!(
            (m[idx::CONTROL_COST] - want).abs() < 1e-6 * want,
            "{}",
            m[idx::CONTROL_COST]
        );
        assert_eq!(
            m[idx::TOTAL_COST],
            m[idx::LOSS] + m[idx::CONTROL_COST] + m[idx::DELAY_COST]
        );
        assert!(m[idx::DELAY_COST] >= 0.0);
        waited += m[idx::DELAY_COST];
    }
    assert!(waited > 0.0, "requests waited for review");
}

#[test]
fn a_perimeter_whose_stores_are_all_gone_costs_nothing_more() {
    let at =
        |day: f64| run(&two_perimeters(day).scenario(), 2, 20, 2)[0].metrics[idx::CONTROL_COST];
    // Deleting the legacy store earlier saves its approvers' days, and only those.
    let saved = at(300.0) - at(0.0);
    assert!(
        (saved - 20.0 * 1000.0 * 300.0 / 365.0).abs() < 1e-6,
        "{saved}"
    );
}

#[test]
fn validate_reports_the_control_cost_over_the_horizon() {
    let dir = tempfile::tempdir().unwrap();
    let f = two_perimeters(120.0).write(dir.path());
    let out = bin().arg("validate").arg(&f).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // 20 x 1,000 x 120/365 + 3 x 1,000 x 630/365 + 100,000 = 111,753 over the horizon.
    assert!(text.contains("73,000 currency units a year"), "{text}");
    assert!(text.contains("111,753 over the horizon"), "{text}");
}
