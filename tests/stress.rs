//! Absurd inputs answer at once, in bounded memory: the binary runs under an address-space limit
//! (`prlimit --as`) and a wall-clock guard (`timeout`), and every case must end with a clear
//! exit 2 rather than a hang, an out-of-memory kill or a panic.

mod common;
use common::*;
use std::path::Path;
use std::process::Output;

/// Address space allowed to the binary: far below what the absurd values would take.
const MEMORY_LIMIT: &str = "--as=2147483648";
/// Wall-clock guard against a hang (the cases answer in milliseconds).
const GUARD_SECONDS: &str = "60";

/// `prlimit` and `timeout` (util-linux, coreutils), or a skip line when either is missing.
fn tools(test: &str) -> bool {
    for (tool, package) in [("prlimit", "util-linux"), ("timeout", "coreutils")] {
        if find_tool(&[tool]).is_none() {
            skip(test, tool, &format!("apt-get install {package}"));
            return false;
        }
    }
    true
}

fn guarded(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new("prlimit");
    cmd.current_dir(dir)
        .arg(MEMORY_LIMIT)
        .arg("timeout")
        .arg(GUARD_SECONDS)
        .arg(env!("CARGO_BIN_EXE_leaksim"))
        .args(args);
    cmd.output().expect("prlimit and timeout run")
}

fn refused(o: &Output, expect: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "expected a clear refusal (exit 2), got {:?}: {err}",
        o.status
    );
    assert!(!err.contains("panicked"), "{err}");
    for e in expect {
        assert!(err.contains(e), "`{e}` missing from: {err}");
    }
}

#[test]
fn absurd_rates_are_refused_before_anything_runs() {
    if !tools("absurd rates are refused before anything runs") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let texas = shipped("project_texas_2022.toml");
    let cases: [(&str, &[&str]); 4] = [
        (
            "actor.parent-engineering-cn.requests_per_person_per_day=1e9",
            &[
                "requests_per_person_per_day",
                "over the budget of 100000000",
                "--max-events",
            ],
        ),
        (
            "actor.tiktok-us-staff.headcount=1e12",
            &[
                "--set actor.tiktok-us-staff.headcount=1e12",
                "key `actor.tiktok-us-staff.headcount`",
                "insiders",
            ],
        ),
        (
            "actor.parent-engineering-cn.illicit_attempts_per_insider_per_year=1e9",
            &["illicit_attempts_per_insider_per_year", "illicit attempts"],
        ),
        (
            "perimeter.oracle.gatekeeper.team_size=0",
            &[
                "perimeter.oracle.gatekeeper.team_size",
                "a whole number >= 1",
            ],
        ),
    ];
    for (set, expect) in cases {
        let o = guarded(
            dir.path(),
            &[
                "run",
                &texas,
                "--reps",
                "5",
                "--threads",
                "1",
                "--set",
                set,
                "--out",
                "res",
            ],
        );
        refused(&o, expect);
        assert!(!dir.path().join("res").exists(), "{set}: nothing written");
        // validate accepts the file but says what the run would refuse.
        let v = guarded(dir.path(), &["validate", &texas, "--set", set]);
        assert!(
            matches!(v.status.code(), Some(0 | 2)),
            "{set}: validate must end at once with a verdict, not {:?}",
            v.status
        );
        if v.status.success() {
            let out = String::from_utf8_lossy(&v.stdout);
            assert!(
                out.contains("warning: over the default work budget"),
                "{set}: {out}"
            );
        }
    }
}

#[test]
fn extends_of_a_device_or_a_huge_file_is_refused() {
    if !tools("extends of a device or a huge file is refused") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zero.toml"),
        "[scenario]\nname = \"z\"\nextends = \"/dev/zero\"\n",
    )
    .unwrap();
    let o = guarded(dir.path(), &["validate", "zero.toml"]);
    refused(
        &o,
        &["zero.toml:3", "scenario.extends", "not a regular file"],
    );
    let big = std::fs::File::create(dir.path().join("big.toml")).unwrap();
    big.set_len(64 * 1024 * 1024).unwrap();
    std::fs::write(
        dir.path().join("uses-big.toml"),
        "[scenario]\nname = \"b\"\nextends = \"big.toml\"\n",
    )
    .unwrap();
    let o = guarded(dir.path(), &["validate", "uses-big.toml"]);
    refused(&o, &["uses-big.toml:3", "scenario.extends", "bytes"]);
    let o = guarded(dir.path(), &["run", "/dev/zero"]);
    refused(&o, &["/dev/zero", "not a regular file"]);
}

#[test]
fn a_replication_that_draws_an_absurd_rate_stops_the_run_with_the_budget_error() {
    if !tools("a replication that draws an absurd rate stops the run with the budget error") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The mean is small (about 1.6e5 events a year) but the tail is not: about 1 replication in
    // 140 draws a rate that needs more than the budget of 1e6 events.
    let tail = "actor.parent-engineering-cn.requests_per_person_per_day={ dist = \"lognormal\", median = 0.0001, sigma = 4 }";
    let o = guarded(
        dir.path(),
        &[
            "run",
            &shipped("status_quo_2021.toml"),
            "--reps",
            "2000",
            "--max-events",
            "1000000",
            "--set",
            tail,
            "--out",
            "res",
        ],
    );
    refused(
        &o,
        &[
            "status-quo-2021",
            "replication",
            "budget of 1000000",
            "--max-events",
        ],
    );
    assert!(!dir.path().join("res").exists(), "nothing written");
}

#[test]
fn a_run_too_large_to_analyse_here_is_refused_before_it_starts() {
    if !tools("a run too large to analyse here is refused before it starts") {
        return;
    }
    // 2x10^9 replications of a scenario with 7 uncertain parameters: about 200 GiB to analyse.
    let dir = tempfile::tempdir().unwrap();
    let o = guarded(
        dir.path(),
        &[
            "run",
            &shipped("status_quo_2021.toml"),
            "--reps",
            "2000000000",
            "--out",
            "res",
        ],
    );
    refused(
        &o,
        &[
            "status-quo-2021",
            "needs about",
            "GiB of memory",
            "available",
        ],
    );
    assert!(!dir.path().join("res").exists(), "nothing written");
}

#[test]
fn a_study_too_large_for_the_disk_is_refused_before_it_starts() {
    if !tools("a study too large for the disk is refused before it starts") {
        return;
    }
    // 40 points of 2x10^9 replications: their spooled rows alone take tens of terabytes.
    let dir = tempfile::tempdir().unwrap();
    let o = guarded(
        dir.path(),
        &[
            "sweep",
            &shipped("project_texas_2022.toml"),
            "--vary",
            "perimeter.oracle.gatekeeper.team_size=10..400:10",
            "--reps",
            "2000000000",
            "--out",
            "res",
        ],
    );
    refused(&o, &["sweeping 40 points", "TiB of disk under res", "free"]);
    assert!(!dir.path().join("res").exists(), "nothing written");
}
