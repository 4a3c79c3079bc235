//! The commands behind the command-line interface, callable from tests and other programs.

use crate::error::{Error, Result};
use crate::output;
use crate::report;
use crate::runner::{self, RunConfig, RunResult, DEFAULT_REPLICATIONS, DEFAULT_SEED};
use crate::scenario::Scenario;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

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
        }
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

/// Installs the Ctrl-C handler (once) and returns the flag it sets.
pub fn cancel_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let f = Arc::new(AtomicBool::new(false));
        let g = f.clone();
        // If a handler cannot be installed, runs simply cannot be interrupted cleanly.
        let _ = ctrlc::set_handler(move || g.store(true, std::sync::atomic::Ordering::SeqCst));
        f
    })
    .clone()
}

/// A progress bar on stderr, hidden when stderr is not a terminal or `quiet` is set.
pub fn progress_bar(len: u64, label: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template(
            "{prefix:>24} [{bar:30}] {pos}/{len} reps, {per_sec}, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_prefix(label.to_string());
    pb
}

/// Runs one scenario with a progress bar.
pub fn simulate(s: &Scenario, cfg: &RunConfig, quiet: bool) -> Result<RunResult> {
    let cancel = cancel_flag();
    let pb = progress_bar(cfg.replications, &s.name, quiet);
    let r = runner::run(s, cfg, &cancel, &|| pb.inc(1));
    pb.finish_and_clear();
    r
}

/// Most replications one run keeps in memory (each keeps its metric row until the files are written).
pub const MAX_REPLICATIONS: u64 = 20_000_000;

/// Checks a replication count: at least 1, at most [`MAX_REPLICATIONS`].
pub fn check_replications(n: u64) -> Result<()> {
    if n == 0 {
        return Err(Error::Usage("--reps must be at least 1".into()));
    }
    if n > MAX_REPLICATIONS {
        return Err(Error::Usage(format!(
            "--reps {n} is more than the {MAX_REPLICATIONS} replications a run can hold in memory"
        )));
    }
    Ok(())
}

/// `leaksim run`: simulates each scenario and writes its folder under `out`.
pub fn run(
    files: &[PathBuf],
    opts: &SimOptions,
    out: &Path,
    trace_replication: Option<u64>,
) -> Result<()> {
    let scenarios = load_all(files, &opts.sets)?;
    for s in &scenarios {
        let cfg = opts.config(s);
        check_replications(cfg.replications)?;
        if let Some(t) = trace_replication {
            if t >= cfg.replications {
                return Err(Error::Usage(format!(
                    "--trace-replication {t} is out of range: `{}` runs replications 0 to {}",
                    s.name,
                    cfg.replications - 1
                )));
            }
        }
    }
    for s in &scenarios {
        let cfg = opts.config(s);
        let result = simulate(s, &cfg, opts.quiet)?;
        let trace = trace_replication.map(|t| runner::trace(s, cfg.seed, t));
        let dir = out.join(&s.name);
        let summary = output::write_run(&dir, s, &result, trace.as_deref())?;
        print!("{}", report::run_summary(s, &result, &summary));
        println!("  wrote {}", dir.display());
    }
    Ok(())
}

/// `leaksim validate`: checks each file and prints what it resolves to. Returns the warning count.
pub fn validate(files: &[PathBuf], sets: &[String]) -> Result<usize> {
    let scenarios = load_all(files, sets)?;
    let mut warnings = 0;
    for s in &scenarios {
        let (text, warns) = report::describe(s);
        print!("{text}");
        for w in &warns {
            println!("warning: {w}");
        }
        warnings += warns.len();
        println!("ok: {} is valid\n", s.source);
    }
    Ok(warnings)
}
