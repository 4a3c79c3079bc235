//! Paired comparisons on common random numbers: `leaksim compare`, its intervals and its errors.

mod common;
use common::*;
use leaksim::analysis::paired::paired;
use leaksim::analysis::stats::MeanCi;
use leaksim::sim::metrics::idx;
use leaksim::sim::runner::RepRow;

fn team(n: usize) -> String {
    team_at(n, 200.0).toml()
}

/// `n` reviewers facing `requests_per_day` requests of one hour each, with costs.
fn team_at(n: usize, requests_per_day: f64) -> ScenarioBuilder {
    ScenarioBuilder::mmc(&format!("team-{n}"), n, requests_per_day / 24.0, 120.0)
        .set("cost.reviewer", 100000)
        .set("cost.legit_wait_per_hour", 50)
}

#[test]
fn paired_intervals_are_narrower_than_unpaired_for_close_alternatives() {
    // 1,104 requests/day at 1 hour each: 46 Erlangs; 50 and 51 reviewers differ by one.
    let a = run(&team_at(50, 1104.0).scenario(), 3, 200, 2);
    let b = run(&team_at(51, 1104.0).scenario(), 3, 200, 2);
    let m = idx::REVIEW_MEAN_WAIT_HOURS;
    let col = |rows: &[RepRow]| rows.iter().map(|r| r.metrics[m]).collect::<Vec<f64>>();
    let p = paired(&col(&b), &col(&a), m);
    let present = |rows: &[RepRow]| {
        let mut v = col(rows);
        v.retain(|x| !x.is_nan());
        v
    };
    let (ca, cb) = (MeanCi::of(&present(&a)), MeanCi::of(&present(&b)));
    let unpaired_half = 1.96 * (ca.sd.powi(2) / ca.n as f64 + cb.sd.powi(2) / cb.n as f64).sqrt();
    let paired_half = p.delta.half_width();
    assert!(p.delta.mean < 0.0, "one more reviewer shortens waits");
    assert!(
        paired_half < 0.5 * unpaired_half,
        "paired half-width {paired_half} vs unpaired {unpaired_half}"
    );
    assert!(
        p.delta.high < 0.0,
        "the paired interval resolves the difference"
    );
    assert!(
        p.p_lower > 0.9,
        "the larger team waits less in most replications: {}",
        p.p_lower
    );
}

#[test]
fn compare_writes_its_table_and_each_run() {
    let dir = tempfile::tempdir().unwrap();
    for n in [8, 10, 12] {
        std::fs::write(dir.path().join(format!("t{n}.toml")), team(n)).unwrap();
    }
    let o = leaksim_in(
        dir.path(),
        &[
            "compare",
            "t8.toml",
            "t10.toml",
            "t12.toml",
            "--baseline",
            "team-10",
            "--reps",
            "300",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("(baseline)") && stdout.contains("team-12"),
        "{stdout}"
    );
    let d = dir.path().join("res/compare");
    let csv = std::fs::read_to_string(d.join("compare.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("scenario,metric,mean,ci95_low,ci95_high,delta,delta_ci95_low,delta_ci95_high,p_lower,p_higher"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3 * leaksim::sim::metrics::NAMES.len());
    let get = |s: &str, m: &str| {
        rows.iter()
            .find(|r| r[0] == s && r[1] == m)
            .unwrap()
            .clone()
    };
    let base = get("team-10", "review_mean_wait_hours");
    assert_eq!(base[5], "0", "the baseline's delta is zero");
    let bigger = get("team-12", "review_mean_wait_hours");
    let smaller = get("team-8", "review_mean_wait_hours");
    assert!(bigger[5].parse::<f64>().unwrap() < 0.0 && smaller[5].parse::<f64>().unwrap() > 0.0);
    // Deltas are means of paired differences: mean(scenario) - mean(baseline).
    let diff = bigger[2].parse::<f64>().unwrap() - base[2].parse::<f64>().unwrap();
    assert!((diff - bigger[5].parse::<f64>().unwrap()).abs() < 1e-9);
    // Control cost = reviewers x yearly cost x years; waiting is delay_cost; replication by
    // replication.
    let reps = std::fs::read_to_string(d.join("team-12/replications.csv")).unwrap();
    let header: Vec<&str> = reps.lines().next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    for line in reps.lines().skip(1) {
        let c: Vec<f64> = line
            .split(',')
            .map(|x| x.parse().unwrap_or(f64::NAN))
            .collect();
        let expected = 12.0 * 100_000.0 * 120.0 / 365.0;
        assert!(
            (c[col("control_cost")] - expected).abs() < 1e-6 * expected,
            "{line}"
        );
        let delay = 50.0 * c[col("review_mean_wait_hours")] * c[col("reviewed_requests")];
        assert!(
            (c[col("delay_cost")] - delay).abs() <= 1e-6 * delay.max(1.0),
            "{line}"
        );
    }
    for s in ["team-8", "team-10", "team-12"] {
        assert!(d.join(s).join("replications.csv").is_file());
        assert!(d.join(s).join("tail.csv").is_file());
    }
    let tail = std::fs::read_to_string(d.join("tail.csv")).unwrap();
    assert!(tail.starts_with("scenario,metric,statistic,level,value,ci95_low,ci95_high"));
    let diff = std::fs::read_to_string(d.join("diff.txt")).unwrap();
    assert!(
        diff.contains("~ controls.gatekeeper.team_size: 10 -> 12"),
        "{diff}"
    );
}

#[test]
fn compare_rejects_a_missing_baseline_and_colliding_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), team(8)).unwrap();
    std::fs::write(dir.path().join("b.toml"), team(8)).unwrap();
    std::fs::write(dir.path().join("c.toml"), team(9)).unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "compare",
            "a.toml",
            "c.toml",
            "--baseline",
            "team-80",
            "--out",
            "res",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--baseline `team-80` is not among") && err.contains("team-8, team-9"),
        "{err}"
    );
    let o = leaksim_in(
        dir.path(),
        &[
            "compare",
            "a.toml",
            "b.toml",
            "--baseline",
            "team-8",
            "--out",
            "res",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("share the name `team-8`"));
    assert!(!dir.path().join("res").exists());
}

#[test]
fn diff_shows_what_changed_between_deal_structures() {
    let root = root();
    let o = bin()
        .args([
            "diff",
            root.join("scenarios/project_texas_2022.toml")
                .to_str()
                .unwrap(),
            root.join("scenarios/project_texas_audited.toml")
                .to_str()
                .unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("+ perimeter.oracle.code_review.catch_probability: 0.5"),
        "{s}"
    );
    assert!(s.contains("+ perimeter.oracle.third_party_audit.every_days: 90"));
    assert!(
        !s.contains("gatekeeper."),
        "unchanged values are not listed: {s}"
    );
}

#[test]
fn compare_warns_when_periods_differ_and_names_dominant_options() {
    let dir = tempfile::tempdir().unwrap();
    let root = root();
    let base = root.join("scenarios/status_quo_2021.toml");
    ScenarioBuilder::extending(&base)
        .set("scenario.name", "longer")
        .horizon_days(730)
        .write(dir.path());
    let o = bin()
        .current_dir(dir.path())
        .args([
            "compare",
            base.to_str().unwrap(),
            "longer.toml",
            root.join("scenarios/divestiture.toml").to_str().unwrap(),
            "--baseline",
            "status-quo-2021",
            "--reps",
            "200",
            "--out",
            "res",
            "--no-charts",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("differ in horizon or start date"), "{err}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("dominant: avoids expected loss at no extra control cost"),
        "{out}"
    );
    assert!(!out.contains("0.00 of extra control cost"), "{out}");
}
