//! Sharded runs: `run --shard K/M` then `merge` gives the bytes of one run, with CSV or Parquet
//! rows, and `compare` of shard folders gives the tables of a direct compare. Shards that do not
//! form one run are in tests/shard_refusals.rs.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const TEXAS: &str = "scenarios/project_texas_2022.toml";

const NAME: &str = "project-texas-2022";

fn folder(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let files = read_dir_files(dir);
    assert!(
        files.iter().any(|(n, _)| n == "report.html"),
        "{}: a complete folder has its report",
        dir.display()
    );
    files
}

#[test]
fn merged_shards_give_the_bytes_of_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = root().join(TEXAS).display().to_string();
    // Uneven shards, different thread counts, given to merge out of order.
    let thresholds = ["--thresholds", "1e4,1e6"];
    let mut shards = Vec::new();
    for (k, threads) in [(2, "1"), (0, "2"), (1, "1")] {
        let mut extra = vec!["--threads", threads];
        extra.extend(thresholds);
        shards.push(shard(dir, &file, "700", k, 3, &extra));
    }
    let manifest = std::fs::read_to_string(shards[1].join("manifest.toml")).unwrap();
    for key in [
        "digest = \"sha256:",
        "seed = 11",
        "replications = 700",
        "shard = 0",
        "shards = 3",
        "leaksim_version",
    ] {
        assert!(manifest.contains(key), "{key} in {manifest}");
    }
    assert_ok(&merge(dir, &shards, "merged", &[]));
    let mut args = vec!["run", &file, "--reps", "700", "--seed", "11"];
    args.extend(thresholds);
    args.extend(["--out", "one", "--quiet"]);
    assert_ok(&leaksim_in(dir, &args));
    let (one, merged) = (
        folder(&dir.join("one").join(NAME)),
        folder(&dir.join("merged").join(NAME)),
    );
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&one), names(&merged));
    for ((name, a), (_, b)) in one.iter().zip(&merged) {
        assert!(
            a == b,
            "{name} differs between one run and the merged shards"
        );
    }
    assert!(names(&one).contains(&"sensitivity.csv".to_string()));
}

#[test]
fn rows_spanning_many_chunks_merge_exactly_into_parquet() {
    // More replications than a chunk (16,384), so shards and the single run cut their rows into
    // different blocks and row groups.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = root()
        .join("scenarios/divestiture.toml")
        .display()
        .to_string();
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| shard(dir, &file, "40000", k, 2, &[]))
        .collect();
    assert_ok(&merge(dir, &shards, "merged", &["--parquet"]));
    assert_ok(&merge(dir, &shards, "merged-csv", &["--no-charts"]));
    let args = [
        "run",
        &file,
        "--reps",
        "40000",
        "--seed",
        "11",
        "--out",
        "one",
        "--quiet",
        "--parquet",
    ];
    assert_ok(&leaksim_in(dir, &args));
    let (one, merged) = (dir.join("one/divestiture"), dir.join("merged/divestiture"));
    assert_eq!(folder(&one), folder(&merged), "Parquet folders differ");
    assert!(!one.join("replications.csv").exists() && one.join("replications.parquet").is_file());
    let provenance = std::fs::read_to_string(merged.join("provenance.toml")).unwrap();
    assert!(provenance.contains("--parquet"), "{provenance}");
    // The Parquet rows hold the CSV values (CSV rounds to 12 significant digits).
    let csv = dir.join("merged-csv/divestiture");
    let names = [
        "replication",
        "reached",
        "records_leaked",
        "first_leak_hours",
        "loss",
    ];
    let a = leaksim::output::rowfiles::replication_columns(&one, &names)
        .unwrap()
        .unwrap();
    let b = leaksim::output::rowfiles::replication_columns(&csv, &names)
        .unwrap()
        .unwrap();
    assert_eq!(a[0].len(), 40000);
    for (k, (x, y)) in a.iter().zip(&b).enumerate() {
        for (u, v) in x.iter().zip(y) {
            let same = (u.is_nan() && v.is_nan()) || (u - v).abs() <= 1e-11 * v.abs().max(1.0);
            assert!(same, "{}: {u} vs {v}", names[k]);
        }
    }
    let (mut pq, mut cs) = (Vec::new(), Vec::new());
    for (d, v) in [(&one, &mut pq), (&csv, &mut cs)] {
        leaksim::output::rowfiles::for_each_path(d, |p| {
            v.push((
                p.replication.to_string(),
                p.path.to_string(),
                p.recipient.to_string(),
                p.records,
            ));
            Ok(())
        })
        .unwrap();
    }
    assert!(!pq.is_empty());
    assert_eq!(pq, cs, "paths.parquet holds the rows of paths.csv");
}

#[test]
fn a_run_leaves_no_spool_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let file = root().join(TEXAS).display().to_string();
    assert_ok(&leaksim_in(
        tmp.path(),
        &[
            "run",
            &file,
            "--reps",
            "50",
            "--out",
            "res",
            "--quiet",
            "--no-charts",
        ],
    ));
    let left: Vec<String> = std::fs::read_dir(tmp.path().join("res"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        left,
        vec![NAME.to_string()],
        "only the results folder remains"
    );
}

#[test]
fn compare_of_shard_folders_gives_the_tables_and_charts_of_a_direct_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = [
        "scenarios/status_quo_2021.toml",
        "scenarios/project_texas_2022.toml",
    ];
    let files: Vec<String> = files
        .iter()
        .map(|f| root().join(f).display().to_string())
        .collect();
    for k in 0..2 {
        let (spec, out) = (format!("{k}/2"), format!("task-{k}"));
        let mut args = vec!["run", &files[0], &files[1], "--reps", "400", "--seed", "4"];
        args.extend(["--shard", &spec, "--out", &out, "--quiet"]);
        assert_ok(&leaksim_in(dir, &args));
    }
    let shard = |k: u64, name: &str| dir.join(format!("task-{k}/{name}")).display().to_string();
    let (q0, q1) = (shard(0, "status-quo-2021"), shard(1, "status-quo-2021"));
    let (t0, t1) = (shard(0, NAME), shard(1, NAME));
    let base = ["--baseline", "status-quo-2021", "--quiet"];
    let mut args = vec!["compare", &q1, &t0, &q0, &t1, "--out", "sharded"];
    args.extend(base);
    assert_ok(&leaksim_in(dir, &args));
    let mut args = vec![
        "compare", &files[0], &files[1], "--reps", "400", "--seed", "4",
    ];
    args.extend(["--out", "direct"]);
    args.extend(base);
    assert_ok(&leaksim_in(dir, &args));
    // Every table and chart is the same; provenance.toml records the command that was run.
    let mut compared = 0;
    for sub in ["", "status-quo-2021", NAME] {
        let (a, b) = (
            dir.join("direct/compare").join(sub),
            dir.join("sharded/compare").join(sub),
        );
        for e in std::fs::read_dir(&a).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            if !(name.ends_with(".csv") || name.ends_with(".png")) {
                continue;
            }
            let bytes = std::fs::read(a.join(&name)).unwrap();
            let other = std::fs::read(b.join(&name)).unwrap_or_default();
            assert!(bytes == other, "{sub}/{name} differs");
            compared += 1;
        }
    }
    assert!(compared > 20, "{compared} files compared");
    // Shards with another seed cannot be paired.
    let mut args = vec![
        "run", &files[1], "--reps", "400", "--seed", "5", "--shard", "0/1",
    ];
    args.extend(["--out", "other", "--quiet"]);
    assert_ok(&leaksim_in(dir, &args));
    let other = dir.join("other").join(NAME).display().to_string();
    let o = leaksim_in(
        dir,
        &[
            "compare",
            &q0,
            &q1,
            &other,
            "--baseline",
            "status-quo-2021",
            "--out",
            "res",
        ],
    );
    assert_refused(&o, &["seed 5", "paired"]);
    let o = leaksim_in(
        dir,
        &[
            "compare",
            &q0,
            &files[1],
            "--baseline",
            "status-quo-2021",
            "--out",
            "res",
        ],
    );
    assert_refused(&o, &["not a shard folder"]);
    assert!(!dir.join("res").exists());
}
