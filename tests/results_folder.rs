//! The reader of a results folder (`output::results::ResultsFolder`): it knows each kind of
//! folder leaksim writes from its files, reads the resolved scenario and the provenance back as
//! they were written, and a damaged one is an `Error::Damaged` naming the user's file.

mod common;
use common::*;
use leaksim::error::Error;
use leaksim::output::results::{FolderKind, Kind, ResultsFolder};
use std::path::{Path, PathBuf};

const GUARD: u64 = 180;

fn scenario_file(name: &str) -> String {
    root().join("scenarios").join(name).display().to_string()
}

/// Runs leaksim in `dir` with `args` (quiet, no charts), which must succeed.
fn ok(dir: &Path, args: &[&str]) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--quiet", "--no-charts"]);
    let o = bounded(bin().current_dir(dir).args(&all), GUARD);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The one folder inside `dir`.
fn only_folder(dir: &Path) -> PathBuf {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(v.len(), 1, "{v:?}");
    v.pop().unwrap()
}

#[test]
fn every_kind_of_folder_is_known_from_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let texas = scenario_file("project_texas_2022.toml");
    let quo = scenario_file("status_quo_2021.toml");
    let sale = scenario_file("divestiture.toml");
    // No gatekeeper, though its description names one's table.
    let plain = d.join("plain.toml");
    let text = ScenarioBuilder::one_insider_poisson("plain", 5.0, 0.5, 365.0)
        .set("scenario.description", "no [controls.gatekeeper] here")
        .toml();
    std::fs::write(&plain, text).unwrap();
    ok(
        d,
        &[
            "run",
            plain.to_str().unwrap(),
            "--reps",
            "8",
            "--out",
            "plain",
        ],
    );
    let seed = "9223372036854775807"; // the largest seed: 2^63 - 1, what TOML holds
    ok(
        d,
        &[
            "run", &texas, "--reps", "12", "--seed", seed, "--out", "run",
        ],
    );
    ok(
        d,
        &[
            "compare",
            &texas,
            &sale,
            "--baseline",
            "divestiture",
            "--reps",
            "12",
            "--out",
            "cmp",
        ],
    );
    ok(
        d,
        &[
            "sweep",
            &texas,
            "--vary",
            "controls.gatekeeper.team_size=50,100",
            "--reps",
            "12",
            "--out",
            "sweep",
        ],
    );
    ok(d, &["tornado", &quo, "--reps", "12", "--out", "tornado"]);
    ok(
        d,
        &[
            "explore", &quo, "--draws", "4", "--reps", "6", "--out", "explore",
        ],
    );
    ok(
        d,
        &[
            "run", &texas, "--reps", "12", "--shard", "0/2", "--out", "shard",
        ],
    );
    ok(
        d,
        &[
            "sweep",
            &texas,
            "--vary",
            "controls.gatekeeper.team_size=50,100",
            "--reps",
            "12",
            "--shard",
            "1/2",
            "--out",
            "sweep-shard",
        ],
    );
    let kinds = [
        ("run", Some(FolderKind::Results(Kind::Run))),
        ("cmp", Some(FolderKind::Results(Kind::Compare))),
        ("sweep", Some(FolderKind::Results(Kind::Sweep))),
        ("tornado", Some(FolderKind::Results(Kind::Tornado))),
        ("explore", Some(FolderKind::Explore)),
        ("shard", Some(FolderKind::RunShard)),
        ("sweep-shard", Some(FolderKind::StudyShard)),
    ];
    for (out, kind) in kinds {
        let f = ResultsFolder::open(&only_folder(&d.join(out))).unwrap();
        assert_eq!(f.kind(), kind, "{out}");
    }
    // A folder leaksim did not write opens with no kind and nothing in it.
    let empty = ResultsFolder::open(d).unwrap();
    assert!(empty.kind().is_none() && empty.resolved().is_none() && empty.provenance().is_none());

    // The run's facts, as the command gave them.
    let run = ResultsFolder::open(&only_folder(&d.join("run"))).unwrap();
    let p = run.provenance().expect("a run has a provenance");
    assert_eq!(p.seed, Some(seed.parse().unwrap()));
    assert_eq!(p.replications, Some(12));
    assert!(p.command.contains("--reps 12"), "{}", p.command);
    let r = run.resolved().expect("a run has a resolved scenario");
    assert_eq!(r.seed, Some(seed.parse().unwrap()));
    assert_eq!(r.replications, Some(12));
    assert_eq!(run.name(), "project-texas-2022");
    assert_eq!(p.scenario[0].digest, r.scenario.digest());
    assert!(run.has_gatekeeper(), "Project Texas has a gatekeeper");
    assert_eq!(run.replication_count().unwrap(), Some(12));
    // The comparison opens each scenario's folder, in the order of compare.csv.
    let cmp = ResultsFolder::open(&only_folder(&d.join("cmp"))).unwrap();
    let members: Vec<String> = cmp.members().unwrap().into_iter().map(|m| m.0).collect();
    assert_eq!(members, ["project-texas-2022", "divestiture"]);
    // A gatekeeper is known from the scenario, not from its text.
    let plain = ResultsFolder::open(&only_folder(&d.join("plain"))).unwrap();
    let description = &plain.scenario().unwrap().description;
    assert!(
        description.contains("[controls.gatekeeper]"),
        "{description}"
    );
    assert!(!plain.has_gatekeeper(), "this scenario has no gatekeeper");
}

/// A run folder made in `d` (no charts), returned with its path.
fn run_folder(d: &Path) -> PathBuf {
    let texas = scenario_file("project_texas_2022.toml");
    ok(d, &["run", &texas, "--reps", "8", "--out", "res"]);
    d.join("res/project-texas-2022")
}

fn assert_damaged(e: Error, file: &Path) {
    match &e {
        Error::Damaged { path, .. } => assert_eq!(path, file, "{e}"),
        other => panic!("expected a damaged file, got {other}"),
    }
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn a_damaged_provenance_or_resolved_scenario_is_named_as_damaged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run_folder(tmp.path());
    let provenance = dir.join("provenance.toml");
    let resolved = dir.join("scenario.resolved.toml");
    let (p0, r0) = (
        std::fs::read(&provenance).unwrap(),
        std::fs::read(&resolved).unwrap(),
    );
    for bad in ["seed = [1, 2\n", "seed = \"seven\"\n", "\u{0}\u{1}not toml"] {
        std::fs::write(&provenance, bad).unwrap();
        assert_damaged(ResultsFolder::open(&dir).unwrap_err(), &provenance);
    }
    std::fs::write(&provenance, &p0).unwrap();
    let text = String::from_utf8(r0.clone()).unwrap();
    for bad in [
        text.replacen("[scenario]", "[scenario", 1),
        text.replacen("[scenario]", "[scenario]\nnot_a_key = 1", 1),
        text[..text.len() / 3].to_string(),
    ] {
        std::fs::write(&resolved, bad).unwrap();
        assert_damaged(ResultsFolder::open(&dir).unwrap_err(), &resolved);
    }
    std::fs::write(&resolved, [0xff, 0xfe, 0x00]).unwrap();
    assert_damaged(ResultsFolder::open(&dir).unwrap_err(), &resolved);
    // Missing files are absent, not damaged.
    std::fs::remove_file(&resolved).unwrap();
    std::fs::remove_file(&provenance).unwrap();
    let f = ResultsFolder::open(&dir).unwrap();
    assert!(f.resolved().is_none() && f.provenance().is_none());
    assert_eq!(f.name(), "project-texas-2022");
}

#[test]
fn plot_names_the_users_damaged_file_not_its_staging_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run_folder(tmp.path());
    let resolved = dir.join("scenario.resolved.toml");
    std::fs::write(&resolved, "[scenario]\nname = 3\n").unwrap();
    let o = bounded(bin().arg("plot").arg(&dir), GUARD);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let want = format!("damaged file {}", resolved.display());
    assert!(err.contains(&want), "`{want}` missing from: {err}");
    assert!(!err.contains(".staging-"), "{err}");
    assert!(!dir.join("report.html").exists(), "nothing drawn");
}
