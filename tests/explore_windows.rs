//! `explore` on a scenario's measurement windows: `reached.NAME` is a probability metric of the
//! draws, and `--discover` accepts it.

use std::process::Command;

fn leaksim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_leaksim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run leaksim")
}

#[test]
fn a_window_is_an_explore_metric_and_discover_accepts_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_str().unwrap();
    let o = leaksim(&[
        "explore",
        "scenarios/project_texas_2022.toml",
        "--draws",
        "16",
        "--reps",
        "60",
        "--discover",
        "reached.once_migrated>0.01",
        "--out",
        out,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let draws = std::fs::read_to_string(dir.path().join("explore/draws.csv")).unwrap();
    let rows: Vec<Vec<&str>> = draws
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .filter(|r: &Vec<&str>| r[2] == "reached.once_migrated")
        .collect();
    assert_eq!(rows.len(), 16, "one window row per draw");
    for r in &rows {
        let p: f64 = r[3].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        match r[6] {
            // A share of 60 replications.
            "plain" => assert!(((p * 60.0) - (p * 60.0).round()).abs() < 1e-6, "{p}"),
            // The mean of 60 conditional values, with its own standard error.
            "conditional" => assert!(r[4].parse::<f64>().unwrap() >= 0.0),
            other => panic!("estimator {other}"),
        }
    }
    // The boxes (when some draws, not all, are above) are of the window metric.
    if let Ok(d) = std::fs::read_to_string(dir.path().join("explore/discovery.csv")) {
        assert!(d
            .lines()
            .skip(1)
            .all(|l| l.split(',').nth(1) == Some("reached.once_migrated")));
    }
}

#[test]
fn discover_names_the_window_metrics_when_the_metric_is_unknown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = leaksim(&[
        "explore",
        "scenarios/project_texas_2022.toml",
        "--draws",
        "4",
        "--reps",
        "10",
        "--discover",
        "reached.nowhere>0.01",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("reached.once_migrated"), "{err}");
    assert!(!dir.path().join("explore").exists());
}
