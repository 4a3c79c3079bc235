//! Sharded explorations: `explore --shard K/M` then `merge` gives the bytes of one `explore`
//! (every csv, the report, the charts, provenance), whatever the threads of each shard and the
//! order the shards are given in; shards that do not form one exploration are refused with
//! nothing written.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Two deals, the compelled demand rate of each uncertain.
fn deals(dir: &Path) -> Vec<String> {
    [("one", "0.5", "3"), ("two", "0.2", "1")]
        .iter()
        .map(|(name, lo, hi)| {
            let rate = format!("{{ dist = \"uniform\", min = {lo}, max = {hi} }}");
            let text = ScenarioBuilder::operated_abroad(name, raw(&rate)).toml();
            let file = format!("{name}.toml");
            std::fs::write(dir.join(&file), text).expect("writable");
            file
        })
        .collect()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `leaksim explore` of `args` into `dir/out/`, quiet.
fn explore(dir: &Path, out: &str, args: &[String]) -> Output {
    let mut all: Vec<&str> = vec!["explore", "-q", "--out", out];
    all.extend(args.iter().map(String::as_str));
    leaksim_in(dir, &all)
}

/// Runs shard `k` of `m` of the exploration `args` on `threads` threads into `dir/s<k>/` and
/// returns its shard folder, the one folder there: `explore` (the exploration's `--name`).
fn shard(dir: &Path, args: &[String], k: u64, m: u64, threads: usize) -> PathBuf {
    let out = format!("s{k}");
    let mut all = args.to_vec();
    all.extend([
        "--shard".into(),
        format!("{k}/{m}"),
        "--threads".into(),
        threads.to_string(),
    ]);
    ok(&explore(dir, &out, &all));
    let found: Vec<_> = std::fs::read_dir(dir.join(&out))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(found, vec![dir.join(&out).join("explore")]);
    found[0].clone()
}

/// Every file under `dir`, by its path relative to `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Asserts that folders `a` and `b` hold the same files, byte for byte.
fn same_folders(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(fa, fb, "the same files");
    for f in &fa {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x == y, "{} differs", f.display());
    }
}

/// Runs the exploration `args` whole and in 3 shards (on 1, 2 and 1 threads), merges the shards
/// given out of order (with `--no-charts` when the exploration has it), and checks the merged
/// folder is the whole one byte for byte.
fn shards_merge_to_the_whole(args: &[String], expect: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let mut args = args.to_vec();
    args.splice(0..0, deals(d));
    ok(&explore(d, "whole", &args));
    let s: Vec<PathBuf> = (0..3)
        .map(|k| shard(d, &args, k, 3, 1 + k as usize % 2))
        .collect();
    let given = [s[2].clone(), s[0].clone(), s[1].clone()];
    // Charts are merge's to draw or not, as for a run's shards.
    let charts: &[&str] = if args.iter().any(|a| a == "--no-charts") {
        &["--no-charts"]
    } else {
        &[]
    };
    ok(&merge(d, &given, "merged", charts));
    let whole = d.join("whole/explore");
    for f in expect {
        assert!(whole.join(f).is_file(), "{f} written");
    }
    same_folders(&whole, &d.join("merged/explore"));
}

fn strings(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn lhs_shards_with_evidence_merge_to_the_bytes_of_one_exploration() {
    // 10 draws in 3 shards: 3, 3 and 4 draws.
    shards_merge_to_the_whole(
        &strings(&[
            "--draws",
            "10",
            "--reps",
            "40",
            "--seed",
            "5",
            "--evidence",
            "no-demand-known:CN:years=2:p_known=0.2..0.6",
            "--discover",
            "reached>0.5",
            "--input",
            "data_class.protected.weight={ dist = \"uniform\", min = 1, max = 2 }",
        ]),
        &[
            "draws.csv",
            "uncertainty.csv",
            "discovery.csv",
            "report.html",
            "provenance.toml",
        ],
    );
}

#[test]
fn sobol_shards_merge_to_the_bytes_of_one_exploration() {
    // 4 base rows over 1 input: 12 rows of Saltelli's design, 4 a shard.
    shards_merge_to_the_whole(
        &strings(&[
            "--design",
            "sobol",
            "--draws",
            "4",
            "--reps",
            "30",
            "--no-charts",
        ]),
        &["sensitivity.csv", "inputs.csv", "provenance.toml"],
    );
}

/// Asserts exit 2 with every one of `expect` in the message, and nothing written under
/// `dir/merged`.
fn refused(dir: &Path, o: &Output, expect: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "exit 2 expected: {err}");
    for e in expect {
        assert!(err.contains(e), "`{e}` missing from: {err}");
    }
    assert!(!dir.join("merged").exists(), "nothing written");
}

#[test]
fn shards_of_no_one_exploration_are_refused_with_nothing_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let mut args = deals(d);
    args.extend(strings(&["--draws", "6", "--reps", "20", "--no-charts"]));
    let s: Vec<PathBuf> = (0..3).map(|k| shard(d, &args, k, 3, 1)).collect();
    let name = |p: &PathBuf| p.display().to_string();

    // A missing shard, a repeated one.
    let o = merge(d, &[s[0].clone(), s[2].clone()], "merged", &[]);
    refused(d, &o, &["shard 1/3 is missing"]);
    let o = merge(
        d,
        &[s[0].clone(), s[1].clone(), s[1].clone()],
        "merged",
        &[],
    );
    refused(d, &o, &["are both shard 1/3", &name(&s[1])]);

    // A shard of another seed.
    let mut other = args.clone();
    other.extend(strings(&["--seed", "99"]));
    ok(&explore(
        d,
        "seed",
        &[other, strings(&["--shard", "2/3"])].concat(),
    ));
    let foreign = d.join("seed/explore");
    let o = merge(
        d,
        &[s[0].clone(), s[1].clone(), foreign.clone()],
        "merged",
        &[],
    );
    refused(d, &o, &[&name(&foreign), "seed 99"]);

    // One byte of a shard's draws changed.
    let copy = d.join("damaged");
    std::fs::create_dir(&copy).unwrap();
    for f in files(&s[1]) {
        std::fs::copy(s[1].join(&f), copy.join(&f)).unwrap();
    }
    let draws = copy.join("draws.bin");
    let mut bytes = std::fs::read(&draws).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&draws, bytes).unwrap();
    let o = merge(
        d,
        &[s[0].clone(), copy.clone(), s[2].clone()],
        "merged",
        &[],
    );
    refused(d, &o, &["damaged", &name(&draws), "SHA-256"]);

    // A run shard among explore shards.
    ok(&leaksim_in(
        d,
        &[
            "run", "one.toml", "--reps", "30", "--shard", "2/3", "--out", "run", "-q",
        ],
    ));
    let run = d.join("run/one");
    let o = merge(d, &[s[0].clone(), s[1].clone(), run.clone()], "merged", &[]);
    refused(d, &o, &[&name(&run), "not an explore shard folder"]);

    // The shards themselves merge.
    ok(&merge(
        d,
        &[s[1].clone(), s[2].clone(), s[0].clone()],
        "merged",
        &[],
    ));
}

#[test]
fn more_shards_than_draws_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let mut args = deals(d);
    args.extend(strings(&["--draws", "3", "--reps", "10", "--shard", "0/4"]));
    let o = explore(d, "out", &args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("more shards than the 3 draws"), "{err}");
    assert!(!d.join("out/explore").exists());
}
