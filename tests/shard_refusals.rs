//! Shards that do not form one run (missing, repeated, foreign, damaged, of another scenario or
//! seed) are refused by `merge` with exit 2 and nothing written; bad `--shard` options are refused.

mod common;
use common::*;
use std::path::PathBuf;

const TEXAS: &str = "scenarios/project_texas_2022.toml";

const NAME: &str = "project-texas-2022";

#[test]
fn shards_that_do_not_form_one_run_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = root().join(TEXAS).display().to_string();
    let s: Vec<PathBuf> = (0..3).map(|k| shard(dir, &file, "90", k, 3, &[])).collect();
    let cases: Vec<(Vec<PathBuf>, Vec<&str>)> = vec![
        (
            vec![s[0].clone(), s[2].clone()],
            vec!["shard 1/3 is missing"],
        ),
        (
            vec![s[0].clone(), s[1].clone(), s[1].clone(), s[2].clone()],
            vec!["both shard 1/3"],
        ),
    ];
    for (shards, expect) in cases {
        assert_refused(&merge(dir, &shards, "res", &[]), &expect);
    }
    // A shard of another run: another seed, another scenario setting, another size.
    let other = |tag: &str, extra: &[&str]| {
        let out = format!("other-{tag}");
        let mut args = vec!["run", &file, "--shard", "1/3", "--out", &out, "--quiet"];
        args.extend(extra);
        if !extra.contains(&"--reps") {
            args.extend(["--reps", "90"]);
        }
        assert_ok(&leaksim_in(dir, &args));
        dir.join(out).join(NAME)
    };
    let foreign = [
        (other("seed", &["--seed", "12"]), "seed 12, not 11"),
        (
            other(
                "set",
                &[
                    "--seed",
                    "11",
                    "--set",
                    "perimeter.oracle.gatekeeper.team_size=40",
                ],
            ),
            "scenario digest",
        ),
        (
            other("reps", &["--seed", "11", "--reps", "91"]),
            "replications (--reps) 91, not 90",
        ),
    ];
    for (bad, expect) in &foreign {
        let o = merge(dir, &[s[0].clone(), bad.clone(), s[2].clone()], "res", &[]);
        assert_refused(&o, &[&bad.display().to_string(), expect]);
    }
    // A damaged shard: its rows file cut short.
    let cut = dir.join("cut");
    std::fs::create_dir(&cut).unwrap();
    for e in std::fs::read_dir(&s[1]).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, cut.join(p.file_name().unwrap())).unwrap();
    }
    let rows = cut.join("rows.bin");
    let len = std::fs::metadata(&rows).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&rows)
        .unwrap()
        .set_len(len - 100)
        .unwrap();
    assert_refused(
        &merge(dir, &[s[0].clone(), cut, s[2].clone()], "res", &[]),
        &["damaged file", "rows.bin", "SHA-256"],
    );
    // A copy of shard 1 with one file changed by hand.
    let altered = |tag: &str, file: &str, from: &str, to: &str| {
        let d = dir.join(tag);
        std::fs::create_dir(&d).unwrap();
        for e in std::fs::read_dir(&s[1]).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
        }
        let text = std::fs::read_to_string(d.join(file)).unwrap();
        assert!(text.contains(from), "{from} in {file}");
        std::fs::write(d.join(file), text.replacen(from, to, 1)).unwrap();
        d
    };
    let version = format!("leaksim_version = \"{}\"", env!("CARGO_PKG_VERSION"));
    let older = altered(
        "older",
        "manifest.toml",
        &version,
        "leaksim_version = \"0.0.1\"",
    );
    assert_refused(
        &merge(
            dir,
            &[older.clone(), s[0].clone(), s[2].clone()],
            "res",
            &[],
        ),
        &[&older.display().to_string(), "written by leaksim 0.0.1"],
    );
    let edited = altered(
        "edited",
        "scenario.resolved.toml",
        "team_size = 300",
        "team_size = 30",
    );
    assert_refused(
        &merge(
            dir,
            &[edited.clone(), s[0].clone(), s[2].clone()],
            "res",
            &[],
        ),
        &["scenario.resolved.toml", "was the file edited?"],
    );
    // A shard folder has no charts to draw.
    let o = leaksim_in(dir, &["plot", &s[0].display().to_string()]);
    assert_refused(&o, &["shard folder", "leaksim merge"]);
    // Not a shard folder at all.
    assert_refused(
        &merge(dir, &[dir.join("shards")], "res", &[]),
        &["not a shard folder"],
    );
    assert!(!dir.join("res").exists(), "nothing written");
}

#[test]
fn shard_options_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let file = root().join(TEXAS).display().to_string();
    for bad in ["3/3", "1", "a/4", "0/0"] {
        let o = leaksim_in(tmp.path(), &["run", &file, "--shard", bad, "--out", "res"]);
        assert_refused(&o, &["K/M"]);
    }
    for (opt, expect) in [
        ("--parquet", "give it to `leaksim merge`"),
        ("--xlsx", "give it to `leaksim merge`"),
    ] {
        let o = leaksim_in(
            tmp.path(),
            &["run", &file, "--shard", "0/2", opt, "--out", "res"],
        );
        assert_refused(&o, &[opt, expect]);
    }
    let o = leaksim_in(
        tmp.path(),
        &[
            "run", &file, "--reps", "3", "--shard", "0/4", "--out", "res",
        ],
    );
    assert_refused(&o, &["more shards than the 3 replications"]);
    assert!(!tmp.path().join("res").exists(), "nothing written");
}
