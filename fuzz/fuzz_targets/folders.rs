//! Fuzzing of what leaksim reads back from folders. Once per process, a small run writes two shard
//! folders and a results folder (charts on, CSV and Parquet rows). Each input then replaces one of
//! their files (the first byte picks which, the rest is its new content, or a mutation of the old
//! one), and `merge` joins the shards and `plot` redraws the results folder, charts on. Errors are
//! expected; a panic, an abort or a hang is a finding.
//! Run with `cargo +nightly fuzz run folders`.
#![no_main]

use leaksim::cli::{self, Shard, SimOptions, StudyOptions};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const BASE: &str = include_str!("../../scenarios/status_quo_2021.toml");

/// The files an input may replace: (folder kind, file name).
const FILES: [(usize, &str); 14] = [
    (0, "rows.bin"),
    (0, "paths.bin"),
    (0, "timeline.bin"),
    (0, "manifest.toml"),
    (0, "scenario.resolved.toml"),
    (1, "replications.csv"),
    (1, "paths.csv"),
    (1, "timeline.csv"),
    (1, "reach.csv"),
    (1, "summary.csv"),
    (1, "markers.csv"),
    (1, "scenario.resolved.toml"),
    (2, "replications.parquet"),
    (2, "paths.parquet"),
];

struct Pristine {
    root: PathBuf,
}

fn pristine() -> &'static Pristine {
    static P: OnceLock<Pristine> = OnceLock::new();
    P.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("leaksim-fuzz-folders-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp folder");
        let file = root.join("s.toml");
        std::fs::write(&file, BASE).expect("scenario");
        let opts = |parquet: bool| SimOptions {
            replications: Some(20),
            seed: Some(1),
            threads: Some(1),
            quiet: true,
            parquet,
            ..SimOptions::default()
        };
        let files = [file];
        let study = StudyOptions::default();
        for k in 0..2 {
            let out = root.join(format!("shards/s{k}"));
            cli::run(&files, &opts(false), &study, &out, None, Some(Shard { k, m: 2 }))
                .expect("shard");
        }
        cli::run(&files, &opts(false), &study, &root.join("csv"), None, None).expect("run");
        cli::run(&files, &opts(true), &study, &root.join("parquet"), None, None).expect("run");
        Pristine { root }
    })
}

/// Copies the folder `from` to `to` (files only, one level).
fn copy(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).expect("folder");
    for e in std::fs::read_dir(from).expect("folder").flatten() {
        if e.path().is_file() {
            let _ = std::fs::copy(e.path(), to.join(e.file_name()));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let p = pristine();
    let (kind, name) = FILES[pick as usize % FILES.len()];
    let work = p.root.join("work");
    let _ = std::fs::remove_dir_all(&work);
    let folder = |sub: &str| {
        std::fs::read_dir(p.root.join(sub))
            .expect("folder")
            .flatten()
            .map(|e| e.path())
            .find(|x| x.is_dir())
            .expect("a results folder")
    };
    let (dirs, target) = match kind {
        0 => {
            let a = work.join("s0");
            let b = work.join("s1");
            copy(&folder("shards/s0"), &a);
            copy(&folder("shards/s1"), &b);
            (vec![a, b.clone()], b)
        }
        1 => {
            let a = work.join("csv");
            copy(&folder("csv"), &a);
            (vec![a.clone()], a)
        }
        _ => {
            let a = work.join("parquet");
            copy(&folder("parquet"), &a);
            (vec![a.clone()], a)
        }
    };
    let path = target.join(name);
    // Odd first bytes mutate the file in place (bytes XORed in from an offset); even ones replace it.
    let bytes = if pick % 2 == 1 {
        let mut old = std::fs::read(&path).unwrap_or_default();
        if let Some((&at, xs)) = rest.split_first() {
            let at = at as usize * old.len().max(1) / 256;
            for (i, x) in xs.iter().enumerate() {
                if let Some(b) = old.get_mut(at + i) {
                    *b ^= x;
                }
            }
        }
        old
    } else {
        rest.to_vec()
    };
    let _ = std::fs::write(&path, bytes);
    let opts = SimOptions {
        quiet: true,
        ..SimOptions::default()
    };
    if kind == 0 {
        let _ = cli::merge(&dirs, &opts, &work.join("merged"));
    } else {
        let _ = cli::plot(&dirs);
    }
});
