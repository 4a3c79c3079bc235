//! The scenario builder of the tests (`tests/common/builder.rs`): its M/M/c preset is the
//! scenario `leaksim bench` times beside the bare loop (same text, so the same draws), and what it
//! writes reads back through leaksim's reader with the values it was given.

mod common;
use common::*;

#[test]
fn the_mmc_preset_is_the_scenario_the_bench_times() {
    for (team, per_hour, days) in [(50, 45.0, 30.0), (4, 2.0, 3650.0), (10, 10.0, 90.0)] {
        assert_eq!(
            ScenarioBuilder::mmc("bench-mmc", team, per_hour, days).toml(),
            leaksim::sim::bare::mmc_scenario("bench-mmc", team, per_hour, days)
        );
    }
}

#[test]
fn what_the_builder_writes_reads_back_with_its_values() {
    let s = ScenarioBuilder::new("built")
        .horizon_days(400)
        .set("scenario.currency", "thousands of \"euros\" \\ \u{1b}")
        .class("d", 1e12)
        .jurisdiction("US")
        .store("s", "US", &["d"])
        .set("store.s.delete_on_day", 30.5)
        .unset("store.s.delete_on_day")
        .set("store.s.delete_on_day", 12)
        .scenario();
    assert_eq!(s.name, "built");
    let text = s.resolved_toml(1, 1);
    assert!(text.contains("horizon_days = 400"), "{text}");
    assert!(text.contains("delete_on_day = 12"), "{text}");
    assert!(
        text.contains(r#"currency = "thousands of \"euros\" \\ \u001B""#),
        "{text}"
    );
}

#[test]
fn an_extending_builder_overrides_the_shipped_scenario() {
    let s = ScenarioBuilder::texas()
        .set("perimeter.oracle.gatekeeper.team_size", 7)
        .set("store.oracle-texas.key_custody", "oracle")
        .scenario();
    let text = s.resolved_toml(1, 1);
    assert_eq!(s.name, "project-texas-2022");
    assert!(text.contains("team_size = 7"), "{text}");
    assert!(text.contains("key_custody = \"oracle\""), "{text}");
    assert!(!text.contains("extends ="), "{text}");
}
