//! The command layer: one file per command, each a function the binary (and tests) call, plus
//! the options they share, progress reporting and cancellation ([`progress`]).
//!
//! Commands load scenarios (`scenario`), run studies (`analysis`, `sim`) and write or print
//! (`output`). Nothing below this folder imports it.

pub mod bench;
mod compare;
mod diff;
mod ending;
pub mod explore;
mod fx;
mod merge;
mod plot;
pub mod progress;
mod run;
mod shard;
mod sweep;
mod sweep_name;
mod tornado;
mod validate;

pub use crate::output::terminal::printable;
pub use crate::sim::execute::Shard;
pub use compare::{compare, CompareOptions};
pub use diff::diff;
pub use explore::explore;
pub use merge::merge;
pub use plot::plot;
pub use run::run;
pub use sweep::sweep;
pub use tornado::tornado;
pub use validate::validate;

use crate::analysis::precision::{Precision, Resources, Stop};
use crate::analysis::summary::{analyse_run, RunAnalyses};
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::sim::engine::DEFAULT_MAX_EVENTS;
use crate::sim::observe::TraceRow;
use crate::sim::runner::RunResult;
use crate::sim::runner::{RunConfig, DEFAULT_REPLICATIONS, DEFAULT_SEED};
use std::path::{Path, PathBuf};

/// Options shared by the commands that simulate.
#[derive(Clone, Debug, Default)]
pub struct SimOptions {
    /// Replications (None: the scenario's `[run]`, else 10,000).
    pub replications: Option<u64>,
    /// Seed (None: the scenario's `[run]`, else the default seed).
    pub seed: Option<u64>,
    /// Worker threads (None: all cores).
    pub threads: Option<usize>,
    /// `--set PATH=VALUE` overrides.
    pub sets: Vec<String>,
    /// No progress bar.
    pub quiet: bool,
    /// Skip charts and report.html.
    pub no_charts: bool,
    /// `--max-events`: events a replication may take (None: the default budget).
    pub max_events: Option<u64>,
    /// The command that reproduces the results (for `provenance.toml`); empty for a library call.
    pub command: String,
    /// `--xlsx`: also write `results.xlsx`.
    pub xlsx: bool,
    /// `--parquet`: replications and paths as Parquet files instead of CSV (`run`, `merge`).
    pub parquet: bool,
}

impl SimOptions {
    /// The run configuration for `s`: command line first, then the scenario's `[run]`, then defaults.
    pub fn config(&self, s: &Scenario) -> RunConfig {
        RunConfig {
            seed: self.seed.or(s.run.seed).unwrap_or(DEFAULT_SEED),
            replications: self
                .replications
                .or(s.run.replications)
                .unwrap_or(DEFAULT_REPLICATIONS),
            threads: self.threads,
            max_events: self.max_events(),
        }
    }

    /// What a study may use: the worker threads, the work budget, and `out` (the output folder)
    /// to spool replication rows in while they run.
    pub fn resources(&self, out: &Path) -> Resources {
        Resources {
            threads: self.threads,
            max_events: self.max_events(),
            spool: out.to_path_buf(),
        }
    }

    /// The budget of events per replication.
    pub fn max_events(&self) -> u64 {
        self.max_events.unwrap_or(DEFAULT_MAX_EVENTS)
    }
}

/// Loads and validates every scenario before anything runs or is written.
pub fn load_all(files: &[PathBuf], sets: &[String]) -> Result<Vec<Scenario>> {
    let scenarios = files
        .iter()
        .map(|f| Scenario::load(f, sets))
        .collect::<Result<Vec<_>>>()?;
    for (i, a) in scenarios.iter().enumerate() {
        if let Some(b) = scenarios[..i].iter().find(|b| b.name == a.name) {
            return Err(Error::Usage(format!(
                "scenarios `{}` and `{}` share the name `{}`: their outputs would collide (rename one in [scenario] name or with --set scenario.name=...)",
                b.source, a.source, a.name
            )));
        }
    }
    Ok(scenarios)
}

/// Most replications one run may have. Rows go to disk as they are produced, and the analyses
/// hold one column (8 bytes a replication) at a time; counts are kept in 32-bit histograms.
pub const MAX_REPLICATIONS: u64 = 2_000_000_000;

/// Checks a replication count: at least 1, at most [`MAX_REPLICATIONS`].
pub fn check_replications(n: u64) -> Result<()> {
    if n == 0 {
        return Err(Error::Usage("--reps must be at least 1".into()));
    }
    if n > MAX_REPLICATIONS {
        return Err(Error::Usage(format!(
            "--reps {n} is more than the {MAX_REPLICATIONS} replications a run may have (split the work into runs with different seeds)"
        )));
    }
    Ok(())
}

/// Options of the commands that analyse runs: precision targets and tail thresholds.
#[derive(Clone, Debug)]
pub struct StudyOptions {
    /// `--precision`: largest relative 95% half-width accepted.
    pub precision: Option<f64>,
    /// `--metric` the precision (or tornado) applies to.
    pub metric: String,
    /// `--max-reps`: replication ceiling with `--precision`.
    pub max_reps: Option<u64>,
    /// `--thresholds` of exceedance probabilities in `tail.csv`.
    pub thresholds: Vec<f64>,
}

impl Default for StudyOptions {
    fn default() -> Self {
        StudyOptions {
            precision: None,
            metric: "reached".into(),
            max_reps: None,
            thresholds: crate::analysis::tail::DEFAULT_THRESHOLDS.to_vec(),
        }
    }
}

/// The index of a metric named on the command line.
pub fn metric_index(name: &str) -> Result<usize> {
    crate::sim::metrics::NAMES
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| {
            Error::Usage(format!(
                "unknown metric `{name}`{} (metrics: {})",
                crate::error::suggestion(name, crate::sim::metrics::NAMES.iter().copied()),
                crate::sim::metrics::NAMES.join(", ")
            ))
        })
}

impl StudyOptions {
    /// The precision target, if any, checked.
    pub fn precision(&self) -> Result<Option<Precision>> {
        let Some(rel) = self.precision else {
            return Ok(None);
        };
        if !(rel > 0.0 && rel.is_finite()) {
            return Err(Error::Usage(format!(
                "--precision must be > 0 (a share of the mean, e.g. 0.05), found {rel}"
            )));
        }
        let max_reps = self
            .max_reps
            .unwrap_or(crate::analysis::precision::DEFAULT_MAX_REPS);
        check_replications(max_reps)?;
        Ok(Some(Precision {
            relative: rel,
            metric: metric_index(&self.metric)?,
            max_reps,
        }))
    }
}

/// Seed and batch size shared by every scenario of a study: the command line, else the first
/// scenario's `[run]`, else the defaults.
pub(crate) fn shared_settings(scenarios: &[Scenario], opts: &SimOptions) -> (u64, Option<u64>) {
    let first = scenarios.first().map(|s| s.run.clone()).unwrap_or_default();
    (
        opts.seed.or(first.seed).unwrap_or(DEFAULT_SEED),
        opts.replications.or(first.replications),
    )
}

/// Says why replications stopped (with a precision target) and where results went.
pub(crate) fn print_stop(stop: &Stop, precision: Option<&Precision>, dir: &Path) {
    let why = stop.describe(precision);
    if !why.is_empty() {
        println!("  {why}");
    }
    println!("  wrote {}", dir.display());
}

/// Computes a run's analyses and writes its folder (without charts). Returns the analyses.
pub(crate) fn write_run_folder(
    dir: &Path,
    s: &Scenario,
    r: &RunResult,
    trace: Option<&[TraceRow]>,
    thresholds: &[f64],
    parquet: bool,
) -> Result<RunAnalyses> {
    // The row files and the analyses read the spool independently: one thread each.
    let (rows, analyses) = std::thread::scope(|scope| {
        let rows = scope.spawn(|| crate::output::files::write_rows(dir, s, r, parquet));
        let analyses = analyse_run(s, r, thresholds);
        (rows.join(), analyses)
    });
    rows.unwrap_or_else(|e| std::panic::resume_unwind(e))?;
    let analyses = analyses?;
    crate::output::files::write_analyses(dir, s, r, &analyses, trace)?;
    Ok(analyses)
}

/// Writes `provenance.toml` into `dir`: the command that reproduces its results, the date
/// (`SOURCE_DATE_EPOCH` when set, for reproducible reports), the version, the seed, the
/// replications and each scenario's digest.
pub(crate) fn write_provenance(
    dir: &Path,
    opts: &SimOptions,
    seed: u64,
    replications: u64,
    scenarios: &[&Scenario],
) -> Result<()> {
    crate::output::provenance::Provenance::now(&opts.command, seed, replications, scenarios)
        .write(dir)
}

/// Finishes a staged result folder: `results.xlsx` with `--xlsx`, then the charts and report
/// unless charts are off.
pub(crate) fn finish_folder(dir: &Path, opts: &SimOptions) -> Result<()> {
    if opts.xlsx {
        if let Some(kind) = crate::output::plot::kind(dir) {
            crate::output::xlsx::write_workbook(dir, kind)?;
        }
    }
    if !opts.no_charts {
        crate::output::plot::plot_dir(dir)?;
    }
    Ok(())
}
