//! Result folders are replaced whole: no file of an earlier run survives beside the new ones, an
//! interrupted run leaves the earlier folder as it was, and what a killed run left is removed by
//! the next successful one.

mod common;
use common::*;
use std::path::Path;

fn texas() -> String {
    root()
        .join("scenarios/project_texas_2022.toml")
        .display()
        .to_string()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn a_rerun_replaces_the_folder_whole() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = leaksim_in(dir.path(), args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[
        "run",
        &texas(),
        "--reps",
        "50",
        "--seed",
        "1",
        "--out",
        "res",
        "--trace-replication",
        "2",
        "--quiet",
    ]);
    let folder = dir.path().join("res/project-texas-2022");
    assert!(folder.join("report.html").is_file() && folder.join("trace.csv").is_file());
    run(&[
        "run",
        &texas(),
        "--reps",
        "40",
        "--seed",
        "2",
        "--out",
        "res",
        "--no-charts",
        "--quiet",
    ]);
    let files = names(&folder);
    for gone in ["report.html", "trace.csv", "paths.png", "reach.svg"] {
        assert!(
            !files.contains(&gone.to_string()),
            "{gone} survived: {files:?}"
        );
    }
    let resolved = std::fs::read_to_string(folder.join("scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("seed = 2") && resolved.contains("replications = 40"));
    // Nothing is left beside the folder.
    assert_eq!(names(&dir.path().join("res")), vec!["project-texas-2022"]);
}

#[test]
fn an_interrupted_rerun_leaves_the_earlier_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &["run", &texas(), "--reps", "30", "--out", "res", "--quiet"],
    );
    assert!(o.status.success());
    let folder = dir.path().join("res/project-texas-2022");
    let before = read_dir_files(&folder);
    let mut child = bin()
        .current_dir(dir.path())
        .args([
            "run",
            &texas(),
            "--reps",
            "300000",
            "--out",
            "res",
            "--quiet",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(
        read_dir_files(&folder),
        before,
        "the earlier folder is untouched"
    );
    assert_eq!(names(&dir.path().join("res")), vec!["project-texas-2022"]);
}

#[test]
fn what_a_killed_run_left_is_removed_by_the_next_run_and_plot_redraws_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let res = dir.path().join("res");
    let left = res.join(".project-texas-2022.staging-999-1");
    std::fs::create_dir_all(&left).unwrap();
    std::fs::write(left.join("replications.csv"), "half").unwrap();
    let o = leaksim_in(
        dir.path(),
        &["run", &texas(), "--reps", "20", "--out", "res", "--quiet"],
    );
    assert!(o.status.success());
    assert_eq!(
        names(&res),
        vec!["project-texas-2022"],
        "the leftover is gone"
    );
    let folder = res.join("project-texas-2022");
    let before = read_dir_files(&folder);
    let o = bin()
        .args(["plot", folder.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read_dir_files(&folder),
        before,
        "plot redraws the same bytes"
    );
    assert_eq!(names(&res), vec!["project-texas-2022"]);
}
