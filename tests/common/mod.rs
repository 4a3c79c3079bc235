//! Helpers shared by the integration tests.
#![allow(dead_code, unused_imports)]

mod builder;
mod shards;
mod skip;
#[allow(unused_imports)]
pub use builder::{raw, Raw, ScenarioBuilder, TomlValue, NO_NAMES};
#[allow(unused_imports)]
pub use shards::{merge, shard};
#[allow(unused_imports)]
pub use skip::{find_tool, skip};

use leaksim::sim::execute::{Executor, Silent};
use leaksim::sim::runner::RepRow;
use leaksim::Scenario;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `leaksim` binary, with a fixed date for its reports (`SOURCE_DATE_EPOCH`), so that
/// two runs give the same bytes whenever they run.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leaksim"));
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    c
}

/// Runs `leaksim` with `args` in `dir`.
pub fn leaksim_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("leaksim runs")
}

/// The repository root (where `scenarios/` lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Parses a scenario from text.
pub fn scenario(text: &str) -> Scenario {
    Scenario::from_text(text, "test.toml").unwrap_or_else(|e| panic!("test scenario is valid: {e}"))
}

/// Runs `reps` replications with `seed` on `threads` threads, keeping their rows in memory.
pub fn run(s: &Scenario, seed: u64, reps: u64, threads: usize) -> Vec<RepRow> {
    Executor::new(Some(threads), leaksim::sim::engine::DEFAULT_MAX_EVENTS)
        .expect("thread pool")
        .rows(s, seed, 0..reps, &Silent::default())
        .expect("run succeeds")
}

/// The mean of one metric over rows (NaN cells skipped).
pub fn mean_of(rows: &[RepRow], metric: usize) -> f64 {
    let v: Vec<f64> = rows
        .iter()
        .map(|r| r.metrics[metric])
        .filter(|v| !v.is_nan())
        .collect();
    v.iter().sum::<f64>() / v.len() as f64
}

/// Reads every file of a folder into (name, bytes), sorted by name.
pub fn read_dir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| {
            let p = e.expect("entry").path();
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).expect("readable"),
            )
        })
        .collect();
    v.sort();
    v
}

/// A CSV file as rows of cells, header first (the files leaksim writes quote nothing they hold).
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// One numeric column of a CSV file (empty cells as NaN).
pub fn csv_column(path: &Path, name: &str) -> Vec<f64> {
    let rows = csv_rows(path);
    let col = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", path.display()));
    rows[1..]
        .iter()
        .map(|r| r[col].parse().unwrap_or(f64::NAN))
        .collect()
}

/// Runs `cmd` to its end, killing it after `secs` seconds: a hang guard, generous on purpose (it
/// fails the test as a hang, it is not a timing assertion).
pub fn bounded(cmd: &mut Command, secs: u64) -> Output {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("leaksim starts");
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed().as_secs() >= secs {
            let _ = child.kill();
            let o = child.wait_with_output().expect("output");
            panic!(
                "still running after {secs} s (killed): {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The names in `dir`, sorted (hidden staging, retired and lock files included).
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// Asserts that the share of replications where `metric` > 0 matches `p` within 4 standard errors.
pub fn assert_probability(rows: &[RepRow], metric: usize, p: f64, what: &str) {
    let n = rows.len() as f64;
    let hits = rows.iter().filter(|r| r.metrics[metric] > 0.0).count() as f64;
    let se = (p * (1.0 - p) / n).sqrt().max(1e-9);
    assert!(
        (hits / n - p).abs() <= 4.0 * se,
        "{what}: simulated {:.4} vs closed form {p:.4} (se {se:.4})",
        hits / n
    );
}

/// The shipped scenarios (`scenarios/`), by file name.
pub const SHIPPED: [&str; 5] = [
    "status_quo_2021.toml",
    "trusted_partner_2020.toml",
    "project_texas_2022.toml",
    "project_texas_audited.toml",
    "divestiture.toml",
];

/// The path of a shipped scenario (`scenarios/NAME`), as text for a command line.
pub fn shipped(name: &str) -> String {
    root().join("scenarios").join(name).display().to_string()
}

/// Asserts that a command succeeded (its output in the message otherwise); returns its stdout.
pub fn assert_ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Asserts that a command was refused as bad input (exit 2) with each of `expect` in its stderr.
pub fn assert_refused(o: &Output, expect: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "exit 2 expected: {err}");
    for e in expect {
        assert!(err.contains(e), "`{e}` missing from: {err}");
    }
}
