//! Fuzzing in the test suite: the shipped scenarios' text mutated at random (values replaced,
//! lines deleted, duplicated or swapped, bytes inserted) and random `--set` options. Whatever
//! comes in, reading never panics, every error names the file (and, where there is one, the line
//! and key), and a scenario that reads runs a few replications without panicking within a small
//! work budget. `fuzz/` holds a cargo-fuzz target over the same entry point for long campaigns.

mod common;
use common::*;
use leaksim::sim::execute::{run, Silent};
use leaksim::sim::runner::RunConfig;
use leaksim::Scenario;
use proptest::prelude::*;
use std::path::Path;

const FILES: [&str; 5] = [
    "status_quo_2021.toml",
    "trusted_partner_2020.toml",
    "project_texas_2022.toml",
    "project_texas_audited.toml",
    "divestiture.toml",
];

/// Values a mutation may put in place of another.
const VALUES: [&str; 16] = [
    "0",
    "-1",
    "1e9",
    "1e300",
    "0.5",
    "2",
    "nan",
    "inf",
    "\"x\"",
    "true",
    "[]",
    "[\"CN\"]",
    "{ dist = \"pert\", min = 5, mode = 1, max = 0 }",
    "{ dist = \"lognormal\", median = 1, sigma = 40 }",
    "{ dist = \"uniform\", min = 0, max = 1e12 }",
    "{ dist = \"gamma\", mean = 1, sd = 0 }",
];

/// Keys a random `--set` may address (a prefix of each, then a last segment).
const PATHS: [&str; 12] = [
    "controls.gatekeeper.team_size",
    "perimeter.oracle.gatekeeper.team_size",
    "perimeter.oracle.firewall.block_probability",
    "actor.parent-engineering-cn.headcount",
    "actor.parent-engineering-cn.records_per_request",
    "actor.tiktok-us-staff.state_sponsored_fraction",
    "store.singapore.delete_on_day",
    "store.virginia.operator",
    "company.tiktok.subject_to",
    "jurisdiction.CN.demand_classes",
    "question.recipients",
    "flow.backup-sg.every_hours",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the value of line `line` (after `=`) with `VALUES[value]`.
    Value {
        line: usize,
        value: usize,
    },
    Delete {
        line: usize,
    },
    Duplicate {
        line: usize,
    },
    Swap {
        a: usize,
        b: usize,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 0..VALUES.len()).prop_map(|(line, value)| Mutation::Value { line, value }),
        1 => any::<usize>().prop_map(|line| Mutation::Delete { line }),
        1 => any::<usize>().prop_map(|line| Mutation::Duplicate { line }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap { a, b }),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
    ]
}

fn apply(text: &str, m: &Mutation) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len();
    match m {
        Mutation::Value { line, value } => {
            // Only lines with a value: find the line-th of them.
            let with_value: Vec<usize> = (0..n).filter(|&i| lines[i].contains(" = ")).collect();
            if let Some(&i) = with_value.get(line % with_value.len().max(1)) {
                let key = lines[i].split(" = ").next().unwrap_or_default().to_string();
                lines[i] = format!("{key} = {}", VALUES[*value]);
            }
        }
        Mutation::Delete { line } => {
            lines.remove(line % n);
        }
        Mutation::Duplicate { line } => {
            let l = lines[line % n].clone();
            lines.insert(line % n, l);
        }
        Mutation::Swap { a, b } => lines.swap(a % n, b % n),
        Mutation::Insert { at, bytes } => {
            let mut raw = lines.join("\n").into_bytes();
            let at = at % raw.len().max(1);
            raw.splice(at..at, bytes.iter().copied());
            return raw;
        }
    }
    (lines.join("\n") + "\n").into_bytes()
}

/// Every error names the file it is about (or the `--set` option), and a line-numbered error
/// names a key.
fn check_message(msg: &str, file: &str) {
    assert!(!msg.is_empty());
    let names_source = msg.contains(file)
        || msg.contains(".toml")
        || msg.starts_with("--set")
        || msg.contains("--set");
    assert!(names_source, "error names no file: {msg}");
    if let Some(rest) = msg.split(".toml:").nth(1) {
        if rest.starts_with(|c: char| c.is_ascii_digit() && c != '0') {
            assert!(
                msg.contains("key `") || msg.contains("invalid TOML") || msg.contains("TOML"),
                "a line-numbered error names its key: {msg}"
            );
        }
    }
}

/// Reads `file` in `dir` with `sets`; when it reads, runs three replications within a small
/// budget. Nothing may panic.
fn exercise(dir: &Path, file: &str, sets: &[String]) {
    let path = dir.join(file);
    let loaded = std::panic::catch_unwind(|| Scenario::load(&path, sets));
    let loaded = loaded.unwrap_or_else(|_| panic!("reading {file} {sets:?} panicked"));
    match loaded {
        Err(e) => check_message(&e.to_string(), file),
        Ok(s) => {
            let cfg = RunConfig {
                seed: 1,
                replications: 3,
                threads: Some(1),
                max_events: 200_000,
            };
            let ran = std::panic::catch_unwind(|| {
                run(&s, &cfg, &std::env::temp_dir(), &Silent::default()).map(|_| ())
            });
            match ran {
                Err(_) => panic!("simulating {file} {sets:?} panicked"),
                Ok(Err(e)) => assert!(!e.to_string().is_empty()),
                Ok(Ok(())) => {}
            }
        }
    }
}

fn scenarios_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in FILES {
        std::fs::copy(root().join("scenarios").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, .. ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic_and_errors_say_where(
        file in 0..FILES.len(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let dir = scenarios_dir();
        let name = FILES[file];
        let mut text = std::fs::read(dir.path().join(name)).unwrap();
        for m in &mutations {
            text = apply(&String::from_utf8_lossy(&text), m);
        }
        // The mutated file replaces the original, so the files extending it see it too.
        std::fs::write(dir.path().join(name), &text).unwrap();
        for f in FILES {
            exercise(dir.path(), f, &[]);
        }
    }

    #[test]
    fn random_set_options_never_panic_and_errors_say_where(
        file in 0..FILES.len(),
        path in 0..PATHS.len(),
        value in 0..VALUES.len(),
        cut in 0usize..3,
    ) {
        let dir = scenarios_dir();
        // Sometimes a truncated or misspelt path.
        let p = PATHS[path];
        let p = match cut {
            0 => p.to_string(),
            1 => p.rsplit_once('.').map(|(a, _)| a.to_string()).unwrap_or_default(),
            _ => format!("{p}x"),
        };
        exercise(dir.path(), FILES[file], &[format!("{p}={}", VALUES[value])]);
    }
}
