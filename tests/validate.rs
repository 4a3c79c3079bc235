//! `leaksim validate`: what a scenario resolves to, the queueing figures and suggestions, and its
//! warnings (an overloaded gatekeeper, controls that can do nothing).

mod common;
use common::*;

#[test]
fn validate_prints_what_the_scenarios_resolve_to() {
    let mut args = vec!["validate".to_string()];
    args.extend(SHIPPED.iter().map(|s| shipped(s)));
    let o = bin().args(&args).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "oracle-texas",
        "in US",
        "requests reaching review",
        "offered load",
        "utilization",
        "expected insiders",
        "keys held in US",
        "deleted on day 120",
        "ok: ",
    ] {
        assert!(s.contains(needle), "validate output lacks `{needle}`");
    }
}

#[test]
fn validate_warns_about_an_overloaded_gatekeeper() {
    let o = bin()
        .args([
            "validate",
            &shipped("project_texas_2022.toml"),
            "--set",
            "perimeter.oracle.gatekeeper.team_size=10",
        ])
        .output()
        .expect("runs");
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("warning: gatekeeper overloaded (oracle)"), "{s}");
    assert!(s.contains("never finish review"), "{s}");
}

#[test]
fn validate_warns_about_controls_that_can_do_nothing() {
    let dir = tempfile::tempdir().unwrap();
    ScenarioBuilder::new("idle")
        .class("d", 10)
        .jurisdiction("US")
        .store("s", "US", &["d"])
        .set("controls.enclave.exfiltration_block_probability", 0.9)
        .set("perimeter.unused.audit.detect_probability", 0.5)
        .write(dir.path());
    let o = leaksim_in(dir.path(), &["validate", "idle.toml"]);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("enclave without a firewall does nothing"), "{s}");
    assert!(s.contains("perimeter `unused` guards no store"), "{s}");
    assert!(s.contains("question (none stated: any leak)"), "{s}");
}

#[test]
fn validate_rounds_and_suggests_a_team_size_from_the_queueing_formula() {
    let o = bin()
        .args(["validate", &shipped("project_texas_2022.toml")])
        .output()
        .expect("runs");
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    // 37.5 Erlangs of 24-hour reviews: 44 reviewers are the first to keep the M/M/c wait < 1 h.
    assert!(s.contains("a review takes 24.00 h on average"), "{s}");
    assert!(
        s.contains(
            "suggestion: 44 reviewers are the smallest team whose M/M/c mean wait stays under 1 h"
        ),
        "{s}"
    );
    assert!(
        s.contains("controls cost 87,000,000 currency units a year"),
        "{s}"
    );
    assert!(s.contains("block 0.9848,"), "rounded means: {s}");
    assert!(!s.contains("inf%") && !s.contains("0.8633333"), "{s}");
    // A team nobody sends requests to has no load, not an infinite utilisation.
    let o = bin()
        .args([
            "validate",
            &shipped("divestiture.toml"),
            "--set",
            "actor.tiktok-us-staff.requests_per_person_per_day=0",
        ])
        .output()
        .expect("runs");
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("no load: no legitimate request reaches this team"),
        "{s}"
    );
    assert!(!s.contains("overloaded"), "{s}");
}
