//! An interrupted run (Ctrl-C) leaves no file, and the temporary files of a killed run are gone
//! after the next run.

mod common;
use common::*;
use std::path::Path;

#[test]
fn an_interrupted_run_leaves_no_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let texas = shipped("project_texas_2022.toml");
    let mut child = bin()
        .current_dir(dir.path())
        .args(["run", &texas, "--reps", "300000", "--out", "out", "--quiet"])
        .spawn()
        .expect("starts");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.wait().expect("ends");
    assert_eq!(status.code(), Some(130));
    let out = dir.path().join("out");
    let files: Vec<_> = if out.exists() { walk(&out) } else { vec![] };
    assert!(files.is_empty(), "files left: {files:?}");
}

fn walk(p: &Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(p).expect("dir").flatten() {
        let path = e.path();
        if path.is_dir() {
            v.extend(walk(&path));
        } else {
            v.push(path);
        }
    }
    v
}

#[test]
fn temporary_files_of_a_killed_run_are_gone_after_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("res/project-texas-2022");
    std::fs::create_dir_all(&folder).unwrap();
    let stray = folder.join(".replications.csv.Ab12Cd.tmp");
    std::fs::write(&stray, "half a file").unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("project_texas_2022.toml"),
            "--reps",
            "20",
            "--out",
            "res",
            "--no-charts",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!stray.exists(), "the stray temporary file was removed");
    assert!(folder.join("replications.csv").is_file());
}
