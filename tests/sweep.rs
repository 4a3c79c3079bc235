//! `leaksim sweep`: one scenario across values of one or two parameters, on common random numbers.

mod common;
use common::*;

/// Ten reviewers facing ten one-hour requests an hour, for 90 days.
fn gate() -> String {
    ScenarioBuilder::mmc("gate", 10, 10.0, 90.0)
        .set("cost.reviewer", 100000)
        .toml()
}

#[test]
fn mean_waits_fall_as_the_team_grows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.toml"), gate()).unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "sweep",
            "g.toml",
            "--vary",
            "controls.gatekeeper.team_size=11..15:1",
            "--reps",
            "100",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = csv_rows(
        &dir.path()
            .join("res/gate-sweep-controls.gatekeeper.team_size/sweep.csv"),
    );
    assert_eq!(
        csv[0],
        vec![
            "controls.gatekeeper.team_size",
            "metric",
            "mean",
            "ci95_low",
            "ci95_high",
            "p95"
        ]
    );
    assert_eq!(
        csv.len() - 1,
        5 * leaksim::sim::metrics::NAMES.len(),
        "one row per point and metric"
    );
    let waits: Vec<(f64, f64)> = csv
        .iter()
        .skip(1)
        .filter(|r| r[1] == "review_mean_wait_hours")
        .map(|r| (r[0].parse().unwrap(), r[2].parse().unwrap()))
        .collect();
    assert_eq!(
        waits.iter().map(|w| w.0).collect::<Vec<_>>(),
        vec![11.0, 12.0, 13.0, 14.0, 15.0]
    );
    for w in waits.windows(2) {
        assert!(w[1].1 < w[0].1, "waits fall as the team grows: {waits:?}");
    }
    // Legitimate arrivals are the same at every point (common random numbers).
    let legit: Vec<&String> = csv
        .iter()
        .skip(1)
        .filter(|r| r[1] == "legit_requests")
        .map(|r| &r[2])
        .collect();
    assert!(legit.windows(2).all(|w| w[0] == w[1]), "{legit:?}");
    // Each point's control cost is its team's.
    let cost: Vec<f64> = csv
        .iter()
        .skip(1)
        .filter(|r| r[1] == "control_cost")
        .map(|r| r[2].parse().unwrap())
        .collect();
    for (i, c) in cost.iter().enumerate() {
        assert!((c - (11 + i) as f64 * 100_000.0 * 90.0 / 365.0).abs() < 1e-6);
    }
}

#[test]
fn two_vary_options_make_a_grid() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.toml"), gate()).unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "sweep",
            "g.toml",
            "--vary",
            "controls.gatekeeper.team_size=11,13",
            "--vary",
            "actor.staff.headcount=50..100:25",
            "--reps",
            "20",
            "--name",
            "grid",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = csv_rows(&dir.path().join("res/grid/sweep.csv"));
    assert_eq!(
        csv[0][..3],
        [
            "controls.gatekeeper.team_size",
            "actor.staff.headcount",
            "metric"
        ]
    );
    let points: Vec<(String, String)> = csv
        .iter()
        .skip(1)
        .filter(|r| r[2] == "leaked")
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert_eq!(points.len(), 6);
    assert_eq!(points[0], ("11".into(), "50".into()));
    assert_eq!(points[5], ("13".into(), "100".into()));
}

#[test]
fn a_bad_vary_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.toml"), gate()).unwrap();
    for v in [
        "controls.gatekeeper.team_size=5..1:1",
        "controls.gatekeeper.team_size",
        "controls.gatekeeper.team_sise=1,2",
        "controls.gatekeeper.team_size=1.5,2",
    ] {
        let o = leaksim_in(
            dir.path(),
            &["sweep", "g.toml", "--vary", v, "--out", "res"],
        );
        assert_eq!(o.status.code(), Some(2), "{v}");
        assert!(!dir.path().join("res").exists());
    }
}

#[test]
fn a_range_without_a_step_says_so_and_names_no_other_option() {
    let dir = tempfile::tempdir().unwrap();
    let file = root().join("scenarios/project_texas_2022.toml");
    let o = leaksim_in(
        dir.path(),
        &[
            "sweep",
            &file.display().to_string(),
            "--vary",
            "perimeter.oracle.gatekeeper.team_size=25..150",
            "--reps",
            "10",
            "--out",
            "res",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("has no step") && err.contains("25..150:STEP"),
        "{err}"
    );
    assert!(!err.contains("--set"), "{err}");
}

#[test]
fn a_grid_names_each_axis_by_its_key_and_entity() {
    assert_eq!(
        leaksim::output::charts::axis_label("store.virginia.delete_on_day"),
        "delete_on_day (virginia)"
    );
    assert_eq!(
        leaksim::output::charts::axis_label("perimeter.oracle.gatekeeper.team_size"),
        "team_size (oracle gatekeeper)"
    );
    assert_eq!(leaksim::output::charts::axis_label("x"), "x");
}

/// The default folder names a sweep by the paths it varies, so a 1-D and a 2-D sweep of the
/// same scenario into one `--out` leave two whole folders.
#[test]
fn a_line_and_a_grid_of_one_scenario_keep_their_own_folders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.toml"), gate()).unwrap();
    let line = ["--vary", "controls.gatekeeper.team_size=11,13"];
    let grid = [
        "--vary",
        "controls.gatekeeper.team_size=11,13",
        "--vary",
        "actor.staff.headcount=50,100",
    ];
    for vary in [&line[..], &grid[..]] {
        let mut args = vec!["sweep", "g.toml"];
        args.extend_from_slice(vary);
        args.extend_from_slice(&["--reps", "20", "--out", "res", "--quiet", "--no-charts"]);
        let o = leaksim_in(dir.path(), &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let res = dir.path().join("res");
    let one = csv_rows(&res.join("gate-sweep-controls.gatekeeper.team_size/sweep.csv"));
    let two = csv_rows(
        &res.join("gate-sweep-controls.gatekeeper.team_size-x-actor.staff.headcount/sweep.csv"),
    );
    let metrics = leaksim::sim::metrics::NAMES.len();
    assert_eq!(one[0][0], "controls.gatekeeper.team_size");
    assert_eq!(one.len() - 1, 2 * metrics, "the line keeps its 2 points");
    assert_eq!(
        two[0][..2],
        ["controls.gatekeeper.team_size", "actor.staff.headcount"]
    );
    assert_eq!(two.len() - 1, 4 * metrics, "the grid has its 4 points");
    let mut names: Vec<String> = std::fs::read_dir(&res)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
}
