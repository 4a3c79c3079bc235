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
    /// Skip charts and report.html.
    pub no_charts: bool,
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
            "{prefix} [{bar:25}] {human_pos}/{human_len} replications, eta {eta}",
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
            metric: "exposure".into(),
            max_reps: None,
            thresholds: crate::analysis::DEFAULT_THRESHOLDS.to_vec(),
        }
    }
}

/// The index of a metric named on the command line.
pub fn metric_index(name: &str) -> Result<usize> {
    crate::metrics::NAMES
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| {
            Error::Usage(format!(
                "unknown metric `{name}`{} (metrics: {})",
                crate::error::suggestion(name, crate::metrics::NAMES.iter().copied()),
                crate::metrics::NAMES.join(", ")
            ))
        })
}

impl StudyOptions {
    /// The precision target, if any, checked.
    pub fn precision(&self) -> Result<Option<crate::study::Precision>> {
        let Some(rel) = self.precision else {
            return Ok(None);
        };
        if !(rel > 0.0 && rel.is_finite()) {
            return Err(Error::Usage(format!(
                "--precision must be > 0 (a share of the mean, e.g. 0.05), found {rel}"
            )));
        }
        let max_reps = self.max_reps.unwrap_or(crate::study::DEFAULT_MAX_REPS);
        check_replications(max_reps)?;
        Ok(Some(crate::study::Precision {
            relative: rel,
            metric: metric_index(&self.metric)?,
            max_reps,
        }))
    }
}

/// Seed and batch size shared by every scenario of a study: the command line, else the first
/// scenario's `[run]`, else the defaults.
fn shared_settings(scenarios: &[Scenario], opts: &SimOptions) -> (u64, Option<u64>) {
    let first = scenarios.first().map(|s| s.run.clone()).unwrap_or_default();
    (
        opts.seed.or(first.seed).unwrap_or(DEFAULT_SEED),
        opts.replications.or(first.replications),
    )
}

/// `leaksim run`: simulates each scenario and writes its folder (files, charts, report) under `out`.
pub fn run(
    files: &[PathBuf],
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
    trace_replication: Option<u64>,
) -> Result<()> {
    let scenarios = load_all(files, &opts.sets)?;
    let precision = study.precision()?;
    for s in &scenarios {
        let cfg = opts.config(s);
        check_replications(cfg.replications)?;
        if let (Some(t), None) = (trace_replication, &precision) {
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
        let batch = if precision.is_some() {
            opts.replications.or(s.run.replications)
        } else {
            Some(cfg.replications)
        };
        let targets = [(s.name.clone(), crate::study::Target::Own(0))];
        let multi = crate::study::run_many(
            std::slice::from_ref(s),
            cfg.seed,
            batch,
            precision.as_ref(),
            &targets,
            cfg.threads,
            opts.quiet,
        )?;
        let result = &multi.runs[0];
        let trace = match trace_replication {
            Some(t) if t >= result.rows.len() as u64 => {
                return Err(Error::Usage(format!(
                    "--trace-replication {t} is out of range: the run stopped at {} replications",
                    result.rows.len()
                )))
            }
            Some(t) => Some(runner::trace(s, cfg.seed, t)),
            None => None,
        };
        let dir = out.join(&s.name);
        let summary =
            output::write_run_with_analyses(&dir, s, result, trace.as_deref(), &study.thresholds)?;
        if precision.is_some() {
            output::write_convergence(&dir.join("convergence.csv"), &multi.convergence)?;
        }
        charts(&dir, opts)?;
        print!("{}", report::run_summary(s, result, &summary));
        print_stop(&multi.stop, precision.as_ref(), &dir);
    }
    Ok(())
}

/// `leaksim compare`: runs every scenario on common random numbers and compares each with the
/// baseline. Writes `out/name/` (compare.csv, tail.csv, diff.txt, each scenario's run folder).
pub fn compare(
    files: &[PathBuf],
    baseline: &str,
    name: &str,
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
) -> Result<()> {
    let scenarios = load_all(files, &opts.sets)?;
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let b = names.iter().position(|n| *n == baseline).ok_or_else(|| {
        Error::Usage(format!(
            "--baseline `{baseline}` is not among the scenarios compared ({}){}",
            names.join(", "),
            crate::error::suggestion(baseline, names.iter().copied())
        ))
    })?;
    crate::scenario::check_folder_name(name)
        .map_err(|m| Error::Usage(format!("--name {name}: {m}")))?;
    if let Some(r) = opts.replications {
        check_replications(r)?;
    }
    let precision = study.precision()?;
    let (seed, batch) = shared_settings(&scenarios, opts);
    let targets: Vec<(String, crate::study::Target)> = (0..scenarios.len())
        .filter(|&i| i != b)
        .map(|i| {
            (
                format!("{} - {}", scenarios[i].name, baseline),
                crate::study::Target::Delta {
                    run: i,
                    baseline: b,
                },
            )
        })
        .collect();
    let multi = crate::study::run_many(
        &scenarios,
        seed,
        batch,
        precision.as_ref(),
        &targets,
        opts.threads,
        opts.quiet,
    )?;
    let dir = out.join(name);
    let mut tails = Vec::new();
    for (s, r) in scenarios.iter().zip(&multi.runs) {
        output::write_run_with_analyses(&dir.join(&s.name), s, r, None, &study.thresholds)?;
        tails.push((
            s.name.as_str(),
            crate::analysis::tail(&r.rows, &study.thresholds),
        ));
    }
    let rows = crate::study::compare_rows(&scenarios, &multi.runs, b);
    output::write_compare(&dir.join("compare.csv"), &rows, baseline)?;
    output::write_tail(&dir.join("tail.csv"), &tails, true)?;
    let diffs: String = scenarios
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != b)
        .map(|(_, s)| crate::diff::render(&scenarios[b], s) + "\n")
        .collect();
    output::write_atomic(&dir.join("diff.txt"), |w| w.write_all(diffs.as_bytes()))?;
    if precision.is_some() {
        output::write_convergence(&dir.join("convergence.csv"), &multi.convergence)?;
    }
    charts(&dir, opts)?;
    print!(
        "{}",
        report::compare_table(&rows, baseline, multi.runs[0].rows.len(), seed)
    );
    print_stop(&multi.stop, precision.as_ref(), &dir);
    Ok(())
}

/// `leaksim sweep`: runs one scenario at every point of the `--vary` grid, on common random numbers.
pub fn sweep(
    file: &Path,
    varies: &[String],
    name: Option<&str>,
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
) -> Result<()> {
    if varies.is_empty() {
        return Err(Error::Usage(
            "sweep needs at least one --vary PATH=FROM..TO:STEP or PATH=V1,V2".into(),
        ));
    }
    let varies: Vec<crate::study::Vary> = varies
        .iter()
        .map(|v| crate::study::parse_vary(v))
        .collect::<Result<_>>()?;
    let points = crate::study::sweep_scenarios(file, &opts.sets, &varies)?;
    if let Some(r) = opts.replications {
        check_replications(r)?;
    }
    let precision = study.precision()?;
    let scenarios: Vec<Scenario> = points.iter().map(|(_, s)| s.clone()).collect();
    let labels: Vec<Vec<String>> = points.iter().map(|(p, _)| p.clone()).collect();
    let folder = name
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}-sweep", scenarios[0].name));
    crate::scenario::check_folder_name(&folder)
        .map_err(|m| Error::Usage(format!("--name {folder}: {m}")))?;
    let (seed, batch) = shared_settings(&scenarios, opts);
    let paths: Vec<String> = varies.iter().map(|v| v.path.clone()).collect();
    let targets: Vec<(String, crate::study::Target)> = labels
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                paths
                    .iter()
                    .zip(p)
                    .map(|(a, b)| format!("{a}={b}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                crate::study::Target::Own(i),
            )
        })
        .collect();
    let multi = crate::study::run_many(
        &scenarios,
        seed,
        batch,
        precision.as_ref(),
        &targets,
        opts.threads,
        opts.quiet,
    )?;
    let dir = out.join(&folder);
    output::write_sweep(&dir.join("sweep.csv"), &paths, &labels, &multi.runs)?;
    if precision.is_some() {
        output::write_convergence(&dir.join("convergence.csv"), &multi.convergence)?;
    }
    let base = Scenario::load(file, &opts.sets)?;
    let resolved = base.resolved_toml(seed, multi.runs[0].rows.len() as u64);
    output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    charts(&dir, opts)?;
    print!("{}", report::sweep_table(&paths, &labels, &multi.runs));
    print_stop(&multi.stop, precision.as_ref(), &dir);
    Ok(())
}

/// `leaksim tornado`: swings each uncertain parameter (and each `--param`) from low to high with
/// the others at their medians, and ranks them by the swing of the metric.
pub fn tornado(
    file: &Path,
    params: &[String],
    swing: f64,
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
) -> Result<()> {
    if !(swing > 0.0 && swing.is_finite()) {
        return Err(Error::Usage(format!(
            "--swing must be > 0 (e.g. 0.5 for +/-50%), found {swing}"
        )));
    }
    let metric = metric_index(&study.metric)?;
    let s = Scenario::load(file, &opts.sets)?;
    let plan = crate::study::tornado_plan(&s, params, swing)?;
    let cfg = opts.config(&s);
    check_replications(cfg.replications)?;
    let (base, rows) = crate::study::tornado(file, &opts.sets, &plan, metric, &cfg, opts.quiet)?;
    let dir = out.join(format!("{}-tornado", s.name));
    output::write_tornado(&dir.join("tornado.csv"), &rows, &study.metric, base)?;
    let mut median_sets = opts.sets.clone();
    median_sets.extend(plan.medians.iter().cloned());
    let resolved = Scenario::load(file, &median_sets)?.resolved_toml(cfg.seed, cfg.replications);
    output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    charts(&dir, opts)?;
    print!(
        "{}",
        report::tornado_table(&s.name, &study.metric, base, &rows)
    );
    println!("wrote {}", dir.display());
    Ok(())
}

/// `leaksim diff`: prints what differs between two resolved scenarios.
pub fn diff(a: &Path, b: &Path, sets: &[String]) -> Result<()> {
    let sa = Scenario::load(a, sets)?;
    let sb = Scenario::load(b, sets)?;
    print!("{}", crate::diff::render(&sa, &sb));
    Ok(())
}

/// Says why replications stopped (with a precision target) and where results went.
fn print_stop(stop: &crate::study::Stop, precision: Option<&crate::study::Precision>, dir: &Path) {
    let why = stop.describe(precision);
    if !why.is_empty() {
        println!("  {why}");
    }
    println!("  wrote {}", dir.display());
}

/// Draws the charts and report of `dir` unless charts are off.
fn charts(dir: &Path, opts: &SimOptions) -> Result<()> {
    if !opts.no_charts {
        crate::plot::plot_dir(dir)?;
    }
    Ok(())
}

/// `leaksim plot`: redraws the charts and report of each folder from its files.
pub fn plot(dirs: &[PathBuf]) -> Result<()> {
    for d in dirs {
        let files = crate::plot::plot_dir(d)?;
        println!("{}: drew {} files", d.display(), files.len());
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
