//! Sensitivity: rank correlations (Spearman, PRCC) from the replications, and tornado swings.

mod common;
use common::*;

/// Exposure is driven by `malicious_fraction`; `cost.enclave` cannot affect it (no enclave).
fn uncertain() -> ScenarioBuilder {
    ScenarioBuilder::new("sens")
        .horizon_days(365)
        .class("d", 10000000)
        .jurisdiction("CN")
        .store("s", "CN", &["d"])
        .actor("eng", "CN", 1000)
        .set(
            "actor.eng.malicious_fraction",
            raw("{ dist = \"uniform\", min = 0.0, max = 0.01 }"),
        )
        .set("actor.eng.illicit_attempts_per_insider_per_year", 24)
        .set("actor.eng.records_per_attempt", 100)
        .set(
            "cost.enclave",
            raw("{ dist = \"uniform\", min = 1000, max = 5000 }"),
        )
}

#[test]
fn prcc_finds_the_driver_and_not_the_irrelevant_parameter() {
    let dir = tempfile::tempdir().unwrap();
    uncertain().write_as(&dir.path().join("s.toml"));
    let o = leaksim_in(
        dir.path(),
        &["run", "s.toml", "--reps", "1000", "--out", "res", "--quiet"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(dir.path().join("res/sens/sensitivity.csv")).unwrap();
    assert!(text.starts_with("parameter,metric,spearman,prcc"));
    let find = |p: &str, m: &str| -> (f64, f64) {
        let l = text
            .lines()
            .find(|l| l.starts_with(&format!("{p},{m},")))
            .unwrap_or_else(|| panic!("{p} {m}"));
        let c: Vec<&str> = l.split(',').collect();
        (c[2].parse().unwrap(), c[3].parse().unwrap())
    };
    let (s1, p1) = find("actor.eng.malicious_fraction", "exposure");
    let (s2, p2) = find("cost.enclave", "exposure");
    assert!(s1 > 0.8 && p1 > 0.8, "driver: spearman {s1}, prcc {p1}");
    assert!(
        s2.abs() < 0.1 && p2.abs() < 0.1,
        "irrelevant: spearman {s2}, prcc {p2}"
    );
    // The drawn values are recorded with each replication.
    let reps = std::fs::read_to_string(dir.path().join("res/sens/replications.csv")).unwrap();
    assert!(reps
        .lines()
        .next()
        .unwrap()
        .ends_with("actor.eng.malicious_fraction,cost.enclave"));
}

#[test]
fn tornado_ranks_parameters_by_swing() {
    let dir = tempfile::tempdir().unwrap();
    uncertain().write_as(&dir.path().join("s.toml"));
    let o = leaksim_in(
        dir.path(),
        &[
            "tornado",
            "s.toml",
            "--param",
            "actor.eng.illicit_attempts_per_insider_per_year",
            "--metric",
            "exposure",
            "--reps",
            "400",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(dir.path().join("res/sens-tornado/tornado.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0][..6],
        [
            "parameter",
            "low_value",
            "high_value",
            "metric_at_low",
            "metric_at_high",
            "swing"
        ]
    );
    assert_eq!(rows[0][6..], ["metric", "base"]);
    assert!(rows[1..].iter().all(|r| r[6] == "exposure"));
    assert_eq!(rows.len(), 4);
    let swings: Vec<f64> = rows[1..].iter().map(|r| r[5].parse().unwrap()).collect();
    assert!(
        swings.windows(2).all(|w| w[0] >= w[1]),
        "sorted by swing: {swings:?}"
    );
    let enclave = rows.iter().find(|r| r[0] == "cost.enclave").unwrap();
    assert_eq!(
        enclave[5].parse::<f64>().unwrap(),
        0.0,
        "an irrelevant parameter swings nothing"
    );
    // 10th and 90th percentiles of uniform(0, 0.01); +/-50% of the fixed 24 attempts.
    let mf = rows
        .iter()
        .find(|r| r[0] == "actor.eng.malicious_fraction")
        .unwrap();
    assert!(
        (mf[1].parse::<f64>().unwrap() - 0.001).abs() < 1e-12
            && (mf[2].parse::<f64>().unwrap() - 0.009).abs() < 1e-12
    );
    let att = rows
        .iter()
        .find(|r| r[0] == "actor.eng.illicit_attempts_per_insider_per_year")
        .unwrap();
    assert_eq!((att[1], att[2]), ("12", "36"));
    assert!(
        att[4].parse::<f64>().unwrap() > att[3].parse::<f64>().unwrap(),
        "more attempts, more exposure"
    );
}

#[test]
fn tornado_without_anything_to_swing_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    uncertain()
        .set("actor.eng.malicious_fraction", 0.005)
        .set("cost.enclave", 1)
        .write_as(&dir.path().join("s.toml"));
    let o = leaksim_in(dir.path(), &["tornado", "s.toml", "--out", "res"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--param"));
    let o = leaksim_in(
        dir.path(),
        &[
            "tornado",
            "s.toml",
            "--param",
            "actor.eng.nothing",
            "--out",
            "res",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("res").exists());
}

#[test]
fn tornado_swings_the_location_of_a_per_event_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "tornado",
            root().join("scenarios/divestiture.toml").to_str().unwrap(),
            "--param",
            "actor.tiktok-us-staff.records_per_attempt",
            "--metric",
            "records_leaked",
            "--reps",
            "400",
            "--out",
            "res",
            "--no-charts",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&dir.path().join("res/divestiture-tornado/tornado.csv"));
    let row = rows
        .iter()
        .find(|r| r[0] == "actor.tiktok-us-staff.records_per_attempt")
        .expect("the per-event distribution is swung");
    let num = |i: usize| row[i].parse::<f64>().unwrap();
    // The lognormal's median (5,000) from -50% to +50%.
    assert_eq!((num(1), num(2)), (2500.0, 7500.0));
    // Same insiders, same attempts: records taken scale with the median, replication by
    // replication, so the mean triples from low to high (up to rounding of each take).
    let ratio = num(4) / num(3);
    assert!((ratio - 3.0).abs() < 0.01, "{ratio}");
}

#[test]
fn uncertain_parameters_of_per_event_distributions_are_drawn_and_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            root().join("scenarios/divestiture.toml").to_str().unwrap(),
            "--set",
            "actor.tiktok-us-staff.records_per_attempt={ dist = \"lognormal\", median = { dist = \"uniform\", min = 100, max = 100000 }, sigma = 0.5 }",
            "--reps",
            "2000",
            "--out",
            "res",
            "--no-charts",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = dir.path().join("res/divestiture");
    let path = "actor.tiktok-us-staff.records_per_attempt.median";
    let drawn = csv_column(&d.join("replications.csv"), path);
    let mean = drawn.iter().sum::<f64>() / drawn.len() as f64;
    assert!(drawn.iter().all(|v| (100.0..=100_000.0).contains(v)));
    assert!(
        (mean - 50_050.0).abs() < 2_000.0,
        "uniform median drawn per replication: {mean}"
    );
    // The median drives how many records leak, not whether any does.
    let rows = csv_rows(&d.join("sensitivity.csv"));
    let prcc = |metric: &str| -> (f64, f64, f64) {
        let r = rows
            .iter()
            .find(|r| r[0] == path && r[1] == metric)
            .unwrap_or_else(|| panic!("{metric}"));
        (
            r[3].parse().unwrap(),
            r[4].parse().unwrap(),
            r[5].parse().unwrap(),
        )
    };
    let (p, lo, _) = prcc("records_leaked");
    assert!(
        p > 0.05 && lo > 0.0,
        "a resolved driver of records leaked: {p} [{lo}, ..]"
    );
    let (_, lo, hi) = prcc("leaked");
    assert!(lo < 0.0 && hi > 0.0, "noise for the leak probability");
}
