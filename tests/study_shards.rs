//! Sharded studies: `sweep --shard K/M` or `tornado --shard K/M` then `merge` gives the bytes of
//! one `sweep` or `tornado`; study shards that do not form one study are refused with nothing
//! written.

mod common;
use common::*;
use std::path::Path;
use std::process::Output;

const TEXAS: &str = "scenarios/project_texas_2022.toml";
const SWEEP: &str =
    "project-texas-2022-sweep-perimeter.oracle.gatekeeper.team_size-x-store.singapore.delete_on_day";
const GRID: [&str; 4] = [
    "--vary",
    "perimeter.oracle.gatekeeper.team_size=5,300",
    "--vary",
    "store.singapore.delete_on_day=0,120",
];

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

fn refused(o: &Output, expect: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "exit 2 expected: {err}");
    for e in expect {
        assert!(err.contains(e), "`{e}` missing from: {err}");
    }
}

/// Runs `leaksim sweep` of the grid on Project Texas, 121 replications, with `extra` options
/// (seed 9 unless they give one), in `dir`.
fn sweep(dir: &Path, extra: &[&str]) -> Output {
    let file = root().join(TEXAS).display().to_string();
    let mut args = vec!["sweep", &file];
    args.extend(GRID);
    args.extend(["--reps", "121", "--quiet"]);
    if !extra.contains(&"--seed") {
        args.extend(["--seed", "9"]);
    }
    args.extend(extra);
    leaksim_in(dir, &args)
}

/// Runs sweep shard `k` of `m` into `dir/<out>` and returns its sweep shard folder, the one
/// folder there: `SWEEP`, named by the varied paths (or given by `--name`).
fn shard(dir: &Path, k: u64, m: u64, out: &str, extra: &[&str]) -> String {
    let spec = format!("{k}/{m}");
    let mut args = vec!["--shard", &spec, "--out", out];
    args.extend(extra);
    ok(&sweep(dir, &args));
    let found: Vec<_> = std::fs::read_dir(dir.join(out))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with(SWEEP), "{found:?}");
    found[0].display().to_string()
}

/// Runs shard 1/2 of `leaksim COMMAND` on Project Texas (121 replications, seed 9) into
/// `dir/COMMAND/` and returns its shard folder, `folder`.
fn other_shard(dir: &Path, command: &str, folder: &str) -> String {
    let file = root().join(TEXAS).display().to_string();
    let args = [
        command, &file, "--reps", "121", "--seed", "9", "--shard", "1/2",
    ];
    ok(&leaksim_in(
        dir,
        &[&args[..], &["--out", command, "--quiet"]].concat(),
    ));
    dir.join(command).join(folder).display().to_string()
}

/// Checks that folders `direct` and `merged` hold the same files with the same bytes, `expect`
/// among them, and returns `direct`'s files.
fn same_files(direct: &Path, merged: &Path, expect: &[&str]) -> Vec<(String, Vec<u8>)> {
    let (a, b) = (read_dir_files(direct), read_dir_files(merged));
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    for f in expect {
        assert!(names.contains(f), "{f} missing: {names:?}");
    }
    let other: Vec<&str> = b.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, other, "the merged folder holds other files");
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{name} differs between the direct study and its merged shards"
        );
    }
    a
}

fn merge(dir: &Path, shards: &[&str], out: &str, extra: &[&str]) -> Output {
    let mut args = vec!["merge"];
    args.extend(shards);
    args.extend(["--out", out, "--quiet"]);
    args.extend(extra);
    leaksim_in(dir, &args)
}

#[test]
fn merged_sweep_shards_give_the_bytes_of_one_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Uneven shards (121 = 40 + 40 + 41), different thread counts, given out of order.
    let s0 = shard(dir, 0, 3, "s0", &["--threads", "2"]);
    let s1 = shard(dir, 1, 3, "s1", &["--threads", "1"]);
    let s2 = shard(dir, 2, 3, "s2", &["--threads", "1"]);
    let manifest = std::fs::read_to_string(Path::new(&s1).join("study.toml")).unwrap();
    for key in [
        "study = \"sweep\"",
        "shard = 1",
        "shards = 3",
        "replications = 121",
        "seed = 9",
    ] {
        assert!(manifest.contains(key), "`{key}` missing from:\n{manifest}");
    }
    assert!(
        Path::new(&s1).join("point-003/manifest.toml").is_file(),
        "one run shard per point of the 2x2 grid"
    );
    ok(&merge(dir, &[&s2, &s0, &s1], "merged", &["--xlsx"]));
    ok(&sweep(dir, &["--out", "direct", "--xlsx"]));
    let direct = same_files(
        &dir.join("direct").join(SWEEP),
        &dir.join("merged").join(SWEEP),
        &["sweep.csv", "sweep.png", "report.html", "results.xlsx"],
    );
    // The four points differ: the team size and the deletion day both move the answer.
    let csv = String::from_utf8_lossy(&direct.iter().find(|(n, _)| n == "sweep.csv").unwrap().1)
        .to_string();
    let means: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",review_mean_wait_hours,"))
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert_eq!(means.len(), 4, "{csv}");
    assert_ne!(means[0], means[2], "team size 5 and 300 wait alike: {csv}");
}

#[test]
fn merged_tornado_shards_give_the_bytes_of_one_tornado() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = root().join(TEXAS).display().to_string();
    let args = [
        "tornado",
        &file,
        "--param",
        "perimeter.oracle.gatekeeper.team_size",
        "--reps",
        "90",
        "--seed",
        "3",
        "--quiet",
    ];
    let mut shards = Vec::new();
    for (k, threads) in [(1, "1"), (0, "2")] {
        let (spec, out) = (format!("{k}/2"), format!("t{k}"));
        let extra = ["--shard", &spec, "--out", &out, "--threads", threads];
        ok(&leaksim_in(dir, &[&args[..], &extra].concat()));
        shards.push(dir.join(out).join("project-texas-2022-tornado"));
    }
    let manifest = std::fs::read_to_string(shards[0].join("study.toml")).unwrap();
    assert!(manifest.contains("study = \"tornado\""), "{manifest}");
    let paths: Vec<String> = shards.iter().map(|p| p.display().to_string()).collect();
    ok(&merge(dir, &[&paths[0], &paths[1]], "merged", &[]));
    ok(&leaksim_in(
        dir,
        &[&args[..], &["--out", "direct"]].concat(),
    ));
    let direct = same_files(
        &dir.join("direct/project-texas-2022-tornado"),
        &dir.join("merged/project-texas-2022-tornado"),
        &[
            "tornado.csv",
            "tornado.png",
            "report.html",
            "provenance.toml",
        ],
    );
    let names: Vec<&str> = direct.iter().map(|(n, _)| n.as_str()).collect();
    let csv =
        String::from_utf8_lossy(&direct[names.iter().position(|n| *n == "tornado.csv").unwrap()].1)
            .to_string();
    assert!(
        csv.lines().count() > 2 && csv.contains("perimeter.oracle.gatekeeper.team_size"),
        "{csv}"
    );
}

#[test]
fn study_shards_that_do_not_form_one_study_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s0 = shard(dir, 0, 2, "s0", &[]);
    let s1 = shard(dir, 1, 2, "s1", &[]);
    refused(
        &merge(dir, &[&s1], "res", &[]),
        &["shard 0/2 is missing", SWEEP],
    );
    refused(&merge(dir, &[&s0, &s0], "res", &[]), &["both shard 0/2"]);
    let seed = shard(dir, 1, 2, "seed", &["--seed", "10"]);
    refused(&merge(dir, &[&s0, &seed], "res", &[]), &["seed 10, not 9"]);
    let grid = shard(
        dir,
        1,
        2,
        "grid",
        &[
            "--vary",
            "perimeter.oracle.firewall.breaches_per_year=1,2",
            "--name",
            SWEEP,
        ],
    );
    refused(
        &merge(dir, &[&s0, &grid], "res", &[]),
        &["points", "breaches_per_year"],
    );
    let tornado = other_shard(dir, "tornado", "project-texas-2022-tornado");
    refused(
        &merge(dir, &[&s0, &tornado], "res", &[]),
        &["kind of study tornado, not sweep"],
    );
    let set = ["--set", "controls.firewall.block_probability=0.5"];
    let other = shard(dir, 1, 2, "set", &set);
    refused(
        &merge(dir, &[&s0, &other], "res", &[]),
        &["base scenario digest", "--set differs"],
    );
    let run = other_shard(dir, "run", "project-texas-2022");
    refused(
        &merge(dir, &[&s0, &run], "res", &[]),
        &[
            "not a sweep or tornado shard folder",
            "cannot be merged together",
        ],
    );
    // A damaged point: its rows cut short.
    let cut = dir.join("s1").join(SWEEP).join("point-002/rows.bin");
    let len = std::fs::metadata(&cut).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&cut)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    refused(&merge(dir, &[&s0, &s1], "res", &[]), &["point-002"]);
    assert!(!dir.join("res").exists(), "a refused merge writes nothing");
    refused(&leaksim_in(dir, &["plot", &s0]), &["leaksim merge"]);
}

#[test]
fn sweep_shard_options_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let shard = ["--shard", "0/2", "--out", "res"];
    refused(
        &sweep(dir, &[&shard[..], &["--precision", "0.1"]].concat()),
        &["--precision"],
    );
    refused(
        &sweep(dir, &[&shard[..], &["--xlsx"]].concat()),
        &["--xlsx"],
    );
    refused(
        &sweep(dir, &["--shard", "3/200", "--out", "res"]),
        &["more shards than the 121 replications"],
    );
    refused(&sweep(dir, &["--shard", "2/2"]), &["0 <= K < M"]);
    assert!(!dir.join("res").exists(), "a refused sweep writes nothing");
}
