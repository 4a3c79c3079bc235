//! `leaksim bench`: the engine's speed and memory, measured on this machine.

use crate::error::{Error, Result};
use crate::output::format::human;
use crate::scenario::Scenario;
use crate::sim::execute::Silent;
use crate::sim::runner::{self, RunConfig};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use crate::sim::bare::mmc_scenario;

/// Peak resident memory of this process in KiB (Linux), if known.
pub fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn time_run(s: &Scenario, reps: u64, threads: Option<usize>) -> Result<(f64, runner::RunResult)> {
    let cfg = RunConfig {
        seed: 1,
        replications: reps,
        threads,
        max_events: u64::MAX,
    };
    let start = Instant::now();
    let r = crate::sim::execute::run(s, &cfg, &std::env::temp_dir(), &Silent::default())?;
    Ok((start.elapsed().as_secs_f64(), r))
}

/// Pairs of engine and bare-loop timings whose ratios give the engine's relative speed.
const PAIRS: usize = 5;

/// The engine and the bare M/M/c loop on the same queue, run in turn `PAIRS` times: the engine's
/// last time and reviewed requests, and the median ratio of the engine's speed to the loop's
/// (pair by pair, so that a machine whose speed drifts still gives a fair figure).
fn engine_vs_bare(mmc: &Scenario, n: u64) -> Result<(f64, f64, f64)> {
    let mut ratios = Vec::with_capacity(PAIRS);
    let (mut secs, mut reviewed) = (0.0, 0.0);
    for _ in 0..PAIRS {
        let (s, r) = time_run(mmc, n, Some(1))?;
        reviewed = r
            .rows
            .metric(crate::sim::metrics::idx::REVIEWED_REQUESTS)?
            .iter()
            .sum();
        secs = s;
        let start = Instant::now();
        let (bare, _) = crate::sim::bare::mmc(1, n, 50, 45.0, 1.0, 365.0 * 24.0);
        let bare_secs = start.elapsed().as_secs_f64();
        ratios.push((reviewed / secs) / (bare as f64 / bare_secs));
    }
    ratios.sort_by(f64::total_cmp);
    Ok((secs, reviewed, ratios[PAIRS / 2]))
}

/// Runs the benchmark and prints its table.
pub fn run(files: &[PathBuf], reps: u64) -> Result<()> {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "leaksim {} bench on {cores} cores (release build expected)",
        env!("CARGO_PKG_VERSION")
    );

    let mmc = Scenario::from_text(&mmc_scenario("bench-mmc", 50, 45.0, 365.0), "bench-mmc")?;
    let n = (reps / 10).max(5);
    let (secs, reviewed, ratio) = engine_vs_bare(&mmc, n)?;
    println!("M/M/50 gatekeeper at 90% utilization, 1 thread: {} reviewed requests/s ({} requests in {secs:.2} s)", human(reviewed / secs, 0), human(reviewed, 0));
    println!(
        "  engine / bare M/M/50 loop on the same streams (sim::bare): {ratio:.2} (median of {PAIRS} pairs, run in turn)"
    );
    let rss_small = peak_rss_kib();
    let busy = Scenario::from_text(&mmc_scenario("bench-mmc", 500, 450.0, 365.0), "bench-mmc")?;
    let (secs10, r10) = time_run(&busy, n, Some(1))?;
    let rss_large = peak_rss_kib();
    println!(
        "  M/M/500 at 90% (10x the events per replication): {} events in {secs10:.2} s; peak memory {} KiB before, {} KiB after",
        human(r10.events()?, 0),
        rss_small.map(|v| v.to_string()).unwrap_or("?".into()),
        rss_large.map(|v| v.to_string()).unwrap_or("?".into())
    );

    let files: Vec<PathBuf> = if files.is_empty() {
        let mut v: Vec<PathBuf> = std::fs::read_dir("scenarios")
            .map_err(|e| Error::io("scenarios", e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        v.sort();
        v
    } else {
        files.to_vec()
    };
    println!(
        "{:<34} {:>16} {:>16} {:>9}",
        "scenario",
        "events/s 1 thr",
        format!("events/s {cores} thr"),
        "scaling"
    );
    let (mut ev1, mut t1, mut evn, mut tn) = (0.0, 0.0, 0.0, 0.0);
    for f in &files {
        let s = Scenario::load(Path::new(f), &[])?;
        // Enough replications for each timing to last at least half a second.
        let mut n = reps;
        let (mut a, mut ra) = time_run(&s, n, Some(1))?;
        while a < 0.5 && n < 1_000_000 {
            n *= 4;
            (a, ra) = time_run(&s, n, Some(1))?;
        }
        let (b, rb) = time_run(&s, n, Some(cores))?;
        let (ea, eb) = (ra.events()?, rb.events()?);
        ev1 += ea;
        t1 += a;
        evn += eb;
        tn += b;
        println!(
            "{:<34} {:>16} {:>16} {:>8.2}x",
            s.name,
            human(ea / a, 0),
            human(eb / b, 0),
            (eb / b) / (ea / a)
        );
    }
    if t1 > 0.0 {
        println!(
            "{:<34} {:>16} {:>16} {:>8.2}x",
            "all shipped scenarios",
            human(ev1 / t1, 0),
            human(evn / tn, 0),
            (evn / tn) / (ev1 / t1)
        );
    }
    Ok(())
}
