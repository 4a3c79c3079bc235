//! Damaged or foreign files in a results or shard folder: exit 2 "damaged file <path>: what is
//! wrong", naming the user's file (never a staging copy), nothing written outside the folder, no
//! panic, no staging left.

mod common;
use common::*;
use std::path::Path;
use std::process::Output;

const GUARD: u64 = 120;

fn texas() -> String {
    root()
        .join("scenarios/project_texas_2022.toml")
        .display()
        .to_string()
}

fn audited() -> String {
    root()
        .join("scenarios/project_texas_audited.toml")
        .display()
        .to_string()
}

/// Exit 2 naming `file` as damaged, with `what` in the message.
fn damaged(o: &Output, file: &Path, what: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "exit 2 expected: {err}");
    let want = format!("damaged file {}", file.display());
    assert!(err.contains(&want), "`{want}` missing from: {err}");
    assert!(err.contains(what), "`{what}` missing from: {err}");
    assert!(!err.contains(".staging-"), "names a staging copy: {err}");
}

#[test]
fn scenario_names_in_a_comparison_never_lead_plot_outside_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let o = bounded(
        bin().current_dir(dir.path()).args([
            "compare",
            &texas(),
            &audited(),
            "--baseline",
            "project-texas-2022",
            "--reps",
            "20",
            "--out",
            "res",
            "--quiet",
            "--no-charts",
        ]),
        GUARD,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let folder = dir.path().join("res/compare");
    let csv = folder.join("compare.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let outside = dir.path().join("outside");
    for evil in [
        "../../outside".to_string(),
        outside.display().to_string(),
        ".".to_string(),
    ] {
        std::fs::write(&csv, text.replace("project-texas-audited", &evil)).unwrap();
        let o = bounded(bin().arg("plot").arg(&folder), GUARD);
        damaged(&o, &csv, "not a folder name");
        assert!(!outside.exists(), "nothing is written outside the folder");
        assert_eq!(names_in(&dir.path().join("res")), vec!["compare"]);
    }
}
