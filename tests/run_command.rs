//! `leaksim run` end to end on the shipped scenarios: every file with its columns, the same bytes
//! whatever the thread count, a resolved scenario that runs again to the same results, `--set`,
//! and the terminal summary's columns.

mod common;
use common::*;
use std::path::Path;

fn header(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("file exists")
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn run_writes_every_file_for_every_shipped_scenario() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["run".to_string()];
    args.extend(SHIPPED.iter().map(|s| shipped(s)));
    args.extend(
        [
            "--reps",
            "200",
            "--out",
            "res",
            "--quiet",
            "--trace-replication",
            "3",
        ]
        .map(String::from),
    );
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = leaksim_in(dir.path(), &argv);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for name in [
        "status-quo-2021",
        "trusted-partner-2020",
        "project-texas-2022",
        "project-texas-audited",
        "divestiture",
    ] {
        assert!(
            stdout.contains(&format!("== {name} ==")),
            "summary printed for {name}"
        );
        let d = dir.path().join("res").join(name);
        for f in [
            "replications.csv",
            "paths.csv",
            "summary.csv",
            "scenario.resolved.toml",
            "trace.csv",
            "reach.csv",
        ] {
            assert!(d.join(f).is_file(), "{name}/{f}");
        }
        let h = header(&d.join("replications.csv"));
        assert!(h.starts_with("replication,reached,reached_records,reached_exposure,reached_loss,records_leaked,exposure,loss,leaked,first_leak_hours,accessed_records,illicit_attempts,blocked_firewall,stopped_code_review,refused_review,bypassed_review,blocked_enclave,successful_thefts,seizures,operator_handovers,detected,mean_detect_hours,legit_requests,legit_blocked,review_mean_wait_hours,reviewer_utilization,control_cost,events"), "{h}");
        assert_eq!(
            header(&d.join("paths.csv")),
            "replication,path,class,records,recipient,actor,store"
        );
        assert_eq!(
            header(&d.join("reach.csv")),
            "recipient,class,p_reached,p_ci95_low,p_ci95_high,records_mean,records_ci95_low,records_ci95_high,records_p95,records_p99"
        );
        assert!(header(&d.join("summary.csv"))
            .starts_with("metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,p99,max"));
        assert_eq!(
            header(&d.join("trace.csv")),
            "time,kind,actor,store,class,outcome,records,recipient"
        );
        let reps = std::fs::read_to_string(d.join("replications.csv")).expect("read");
        assert_eq!(reps.lines().count(), 201);
        let summary = std::fs::read_to_string(d.join("summary.csv")).expect("read");
        let leaked = summary
            .lines()
            .find(|l| l.starts_with("leaked,"))
            .expect("leaked row");
        let cells: Vec<f64> = leaked
            .split(',')
            .skip(1)
            .take(4)
            .map(|c| c.parse().expect("number"))
            .collect();
        assert!(
            cells[2] <= cells[0] && cells[0] <= cells[3],
            "Wilson interval holds the mean: {leaked}"
        );
        // No temporary files are left behind.
        assert!(std::fs::read_dir(&d).expect("dir").all(|e| !e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")));
    }
}

#[test]
fn same_seed_gives_the_same_bytes_whatever_the_threads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let texas = shipped("project_texas_audited.toml");
    for (out, threads) in [("one", "1"), ("two", "2")] {
        let o = leaksim_in(
            dir.path(),
            &[
                "run",
                &texas,
                "--reps",
                "300",
                "--seed",
                "7",
                "--threads",
                threads,
                "--out",
                out,
                "--quiet",
            ],
        );
        assert!(o.status.success());
    }
    let a = read_dir_files(&dir.path().join("one/project-texas-audited"));
    let b = read_dir_files(&dir.path().join("two/project-texas-audited"));
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    for f in [
        "replications.csv",
        "paths.csv",
        "summary.csv",
        "scenario.resolved.toml",
        "tail.csv",
        "sensitivity.csv",
        "timeline.csv",
        "exceedance.png",
        "timeline.svg",
        "report.html",
    ] {
        assert!(names.contains(&f), "{f} in {names:?}");
    }
    assert_eq!(a, b);
}

#[test]
fn the_resolved_scenario_runs_again_to_the_same_results() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sq = shipped("status_quo_2021.toml");
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &sq,
            "--reps",
            "150",
            "--seed",
            "99",
            "--set",
            "controls.gatekeeper.team_size=7",
            "--out",
            "first",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let resolved = dir
        .path()
        .join("first/status-quo-2021/scenario.resolved.toml");
    let text = std::fs::read_to_string(&resolved).expect("resolved");
    assert!(
        text.contains("team_size = 7")
            && text.contains("seed = 99")
            && text.contains("replications = 150"),
        "{text}"
    );
    assert!(!text.contains("extends ="));
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            resolved.to_str().unwrap(),
            "--out",
            "second",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a = std::fs::read(dir.path().join("first/status-quo-2021/replications.csv")).unwrap();
    let b = std::fs::read(dir.path().join("second/status-quo-2021/replications.csv")).unwrap();
    assert_eq!(a, b);
}

#[test]
fn set_changes_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sq = shipped("status_quo_2021.toml");
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &sq,
            "--reps",
            "100",
            "--set",
            "actor.parent-engineering-cn.headcount=0",
            "--set",
            "actor.tiktok-us-staff.headcount=0",
            "--set",
            "jurisdiction.CN.compelled_demands_per_year=0",
            "--out",
            "r",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary =
        std::fs::read_to_string(dir.path().join("r/status-quo-2021/summary.csv")).unwrap();
    let leaked = summary
        .lines()
        .find(|l| l.starts_with("records_leaked,"))
        .unwrap();
    assert!(
        leaked.starts_with("records_leaked,0,"),
        "nobody left to leak: {leaked}"
    );
}

#[test]
fn the_run_summary_keeps_its_figures_in_columns_whatever_the_currency() {
    let dir = tempfile::tempdir().expect("temp dir");
    let texas = root().join("scenarios/project_texas_2022.toml");
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            texas.to_str().unwrap(),
            "--reps",
            "50",
            "--no-charts",
            "--set",
            "scenario.currency=\"thousands of euros\"",
            "--out",
            "res",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    // Every row of figures (mean, p95, p99) ends at the same column as the header row.
    let header = text
        .lines()
        .find(|l| l.trim_start().starts_with("mean"))
        .unwrap();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("records_leaked") || l.contains("(thousands of euros)"))
        .collect();
    assert_eq!(rows.len(), 6, "{text}");
    for r in rows {
        assert_eq!(r.len(), header.len(), "{r}\n{text}");
    }
}
