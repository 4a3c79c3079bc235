//! Helpers shared by the integration tests.
#![allow(dead_code, unused_imports)]

mod skip;
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

/// One malicious insider in CN making `rate` illicit attempts a year on a US store behind a
/// firewall that blocks with probability `block`, over `horizon_days`; each success takes 10 of a
/// million records. `question` (empty: none) is the body of a `[question]` table.
pub fn one_insider_text(
    name: &str,
    rate: f64,
    block: f64,
    horizon_days: f64,
    question: &str,
) -> String {
    let question = if question.is_empty() {
        String::new()
    } else {
        format!("[question]\n{question}\n")
    };
    format!(
        r#"
[scenario]
name = "{name}"
horizon_days = {horizon_days}
{question}[[data_class]]
name = "d"
records = 1000000
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "CN"
[[store]]
name = "s"
jurisdiction = "US"
classes = ["d"]
[[actor]]
name = "insider"
jurisdiction = "CN"
headcount = 1
malicious_fraction = 1.0
illicit_attempts_per_insider_per_year = {rate}
records_per_attempt = 10
[controls.firewall]
allow = ["US"]
block_probability = {block}
"#
    )
}
