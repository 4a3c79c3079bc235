//! One writer per result folder and an atomic swap: several processes writing one `--out` at once
//! each leave a whole folder, and a process killed at any step of writing or swapping leaves the
//! earlier folder or the new one, whole, and nothing the next run does not remove.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Instant;

const NAME: &str = "project-texas-2022";

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

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

fn run_args(seed: &str, out: &str) -> Vec<String> {
    let t = texas();
    [
        "run",
        &t,
        "--reps",
        "30",
        "--seed",
        seed,
        "--out",
        out,
        "--quiet",
        "--no-charts",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The folder `run --seed SEED` writes, written into `dir/ref-SEED`.
fn reference(dir: &Path, seed: &str) -> Vec<(String, Vec<u8>)> {
    let out = format!("ref-{seed}");
    ok(&bin()
        .current_dir(dir)
        .args(run_args(seed, &out))
        .output()
        .unwrap());
    read_dir_files(&dir.join(out).join(NAME))
}

#[test]
fn several_processes_writing_one_folder_at_once_each_leave_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = ["1", "2", "3", "4"];
    let refs: Vec<_> = seeds.iter().map(|s| reference(dir.path(), s)).collect();
    for _round in 0..2 {
        let children: Vec<_> = seeds
            .iter()
            .map(|s| {
                bin()
                    .current_dir(dir.path())
                    .args(run_args(s, "res"))
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            ok(&c.wait_with_output().unwrap());
        }
        let got = read_dir_files(&dir.path().join("res").join(NAME));
        assert!(
            refs.contains(&got),
            "the folder is one writer's whole folder ({} files)",
            got.len()
        );
        assert_eq!(
            names(&dir.path().join("res")),
            vec![NAME],
            "no lock, staging or retired folder is left"
        );
    }
}

#[test]
fn a_run_killed_at_any_step_of_the_swap_leaves_the_earlier_folder_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = (reference(dir.path(), "1"), reference(dir.path(), "2"));
    for (step, new) in [
        ("locked", false),
        ("staged", false),
        ("before-swap", false),
        ("swapped", true),
        ("committed", true),
    ] {
        let out = format!("res-{step}");
        ok(&bin()
            .current_dir(dir.path())
            .args(run_args("1", &out))
            .output()
            .unwrap());
        let o = bin()
            .current_dir(dir.path())
            .args(run_args("2", &out))
            .env("LEAKSIM_TEST_ABORT_AT", step)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{step}: the run is aborted");
        let got = read_dir_files(&dir.path().join(&out).join(NAME));
        let want = if new { &after } else { &before };
        assert!(
            &got == want,
            "{step}: the {} folder, whole",
            if new { "new" } else { "earlier" }
        );
        ok(&bin()
            .current_dir(dir.path())
            .args(run_args("3", &out))
            .output()
            .unwrap());
        assert_eq!(
            names(&dir.path().join(&out)),
            vec![NAME],
            "{step}: the next run removes what the killed one left"
        );
    }
}

fn merge_args(shards: &[PathBuf]) -> Vec<String> {
    let mut a = vec!["merge".to_string()];
    a.extend(shards.iter().map(|p| p.display().to_string()));
    a.extend(["--out", "res", "--quiet", "--no-charts"].map(String::from));
    a
}

#[test]
fn a_merge_killed_at_any_moment_leaves_the_earlier_folder_or_the_merged_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| {
            let mut a = run_args("11", &format!("shards/s{k}"));
            a.extend(["--shard".into(), format!("{k}/2")]);
            ok(&bin().current_dir(d).args(a).output().unwrap());
            d.join(format!("shards/s{k}")).join(NAME)
        })
        .collect();
    let before = {
        let mut a = run_args("5", "res");
        a[1] = texas();
        ok(&bin().current_dir(d).args(a).output().unwrap());
        read_dir_files(&d.join("res").join(NAME))
    };
    let target = d.join("res").join(NAME);
    let start = Instant::now();
    ok(&bin()
        .current_dir(d)
        .args(merge_args(&shards))
        .output()
        .unwrap());
    let took = start.elapsed();
    let merged = read_dir_files(&target);
    assert_ne!(before, merged);
    // Crash points at each step of the swap, then kills spread over a merge's length.
    for step in ["locked", "staged", "before-swap", "swapped", "committed"] {
        ok(&bin()
            .current_dir(d)
            .args(run_args("5", "res"))
            .output()
            .unwrap());
        let o = bin()
            .current_dir(d)
            .args(merge_args(&shards))
            .env("LEAKSIM_TEST_ABORT_AT", step)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{step}: the merge is aborted");
        let got = read_dir_files(&target);
        assert!(got == before || got == merged, "{step}: a whole folder");
    }
    ok(&bin()
        .current_dir(d)
        .args(run_args("5", "res"))
        .output()
        .unwrap());
    for i in 0..12u32 {
        let mut child = bin()
            .current_dir(d)
            .args(merge_args(&shards))
            .spawn()
            .unwrap();
        std::thread::sleep(took.mul_f64(f64::from(i) / 10.0));
        let _ = child.kill();
        let _ = child.wait();
        let got = read_dir_files(&target);
        assert!(got == before || got == merged, "kill {i}: a whole folder");
    }
    ok(&bin()
        .current_dir(d)
        .args(merge_args(&shards))
        .output()
        .unwrap());
    assert_eq!(read_dir_files(&target), merged);
    assert_eq!(names(&d.join("res")), vec![NAME], "nothing else is left");
}
