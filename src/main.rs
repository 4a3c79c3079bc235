//! The `leaksim` command: a thin layer over the library's [`leaksim::cli`] functions.

use clap::{Parser, Subcommand};
use leaksim::cli::{self, SimOptions, StudyOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// leaksim: how likely is user data to leak under a deal structure, and what does each control buy?
///
/// Scenario files (TOML) describe where data is stored, who can reach it, which states may demand
/// it and which controls stand in the way. leaksim simulates thousands of possible years and
/// reports the probability of a leak, the records, exposure and loss at stake, and the cost of the
/// controls. See README.md and docs/scenario-format.md.
#[derive(Parser, Debug)]
#[command(name = "leaksim", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug, Clone)]
struct SimArgs {
    /// Number of replications (simulated years). Default: the scenario's [run] replications, else 10000.
    #[arg(long = "reps", value_name = "N")]
    reps: Option<u64>,
    /// Seed of the random streams: the same seed gives the same bytes. A number, or `random`.
    /// Default: the scenario's [run] seed, else a fixed seed.
    #[arg(long, value_name = "SEED", value_parser = parse_seed)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Override a scenario value: PATH=VALUE, e.g. controls.gatekeeper.team_size=50,
    /// actor.parent-engineering-cn.headcount=0, or a distribution { dist = "pert", min = 1, mode = 2, max = 5 }.
    /// Repeatable; applied after `extends`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Do not draw charts (PNG, SVG) nor report.html.
    #[arg(long)]
    no_charts: bool,
    /// Work budget: events one replication may take (an insider counts 100). A scenario whose
    /// estimate is over it is refused before anything runs; a replication that goes over it
    /// stops the run. Default 100000000.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_events: Option<u64>,
    /// Also write results.xlsx: provenance, then one sheet per table (summary, tail, who gets the
    /// data, comparison, sweep), numbers as numbers.
    #[arg(long)]
    xlsx: bool,
}

impl SimArgs {
    fn options(&self) -> SimOptions {
        SimOptions {
            replications: self.reps,
            seed: self.seed,
            threads: self.threads.map(|t| t as usize),
            sets: self.sets.clone(),
            quiet: self.quiet,
            no_charts: self.no_charts,
            max_events: self.max_events,
            command: reproducing_command(),
            xlsx: self.xlsx,
            parquet: false,
        }
    }
}

#[derive(clap::Args, Debug, Clone)]
struct StudyArgs {
    /// Add replications in batches (of --reps, default 1000) until the 95% interval's half-width is
    /// at most this share of the mean of --metric (for compare: of the paired differences), or
    /// --max-reps is reached. Writes convergence.csv.
    #[arg(long, value_name = "SHARE")]
    precision: Option<f64>,
    /// Metric the precision target applies to (a column of replications.csv).
    #[arg(long, default_value = "reached", value_name = "METRIC")]
    metric: String,
    /// Replication ceiling with --precision (default 1000000).
    #[arg(long, value_name = "N")]
    max_reps: Option<u64>,
    /// Thresholds of the exceedance probabilities in tail.csv, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "X,Y,...",
        default_value = "1e3,1e4,1e5,1e6,1e7,1e8"
    )]
    thresholds: Vec<f64>,
}

impl StudyArgs {
    fn options(&self) -> StudyOptions {
        StudyOptions {
            precision: self.precision,
            metric: self.metric.clone(),
            max_reps: self.max_reps,
            thresholds: self.thresholds.clone(),
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate scenario files and write their results under --out, one folder per scenario name,
    /// replaced whole: replications.csv, paths.csv, reach.csv (who gets the data), summary.csv,
    /// tail.csv, timeline.csv, markers.csv, sensitivity.csv (with uncertain parameters),
    /// scenario.resolved.toml, provenance.toml, and unless --no-charts the charts (exceedance,
    /// timeline, paths, reach; PNG and SVG) and report.html; trace.csv with --trace-replication,
    /// convergence.csv with --precision, results.xlsx with --xlsx. With --shard K/M, only the
    /// K-th of M ranges of the replications, into a shard folder for `leaksim merge`.
    Run {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        sim: SimArgs,
        /// Folder for results.
        #[arg(long, default_value = "output", value_name = "DIR")]
        out: PathBuf,
        /// Also write trace.csv with every event of replication N (0-based).
        #[arg(long, value_name = "N")]
        trace_replication: Option<u64>,
        #[command(flatten)]
        study: StudyArgs,
        /// Run only the K-th (0-based) of M contiguous ranges of the replications and write a
        /// shard folder OUT/NAME/ (manifest.toml, rows, timeline); `leaksim merge` joins the M
        /// shard folders into the same files as one run. E.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT.
        #[arg(long, value_name = "K/M", value_parser = cli::Shard::parse)]
        shard: Option<cli::Shard>,
        /// Write replications.parquet and paths.parquet (zstd) instead of the CSV versions: the
        /// same columns and values, empty cells as nulls. Summaries stay CSV.
        #[arg(long)]
        parquet: bool,
    },
    /// Join the shard folders of one run (`leaksim run --shard K/M`, in any order) into OUT/NAME/:
    /// every file `leaksim run` writes for the same scenario, seed and --reps, byte for byte.
    /// Given the shard folders of one sweep, tornado or exploration (`--shard K/M`), writes its
    /// folder as `leaksim sweep`, `tornado` or `explore` does. Shards that are missing, repeated, damaged or from another run are refused (exit 2) and
    /// nothing is written.
    Merge {
        /// Shard folders (every K of 0..M once).
        #[arg(required = true, value_name = "SHARD_FOLDER")]
        dirs: Vec<PathBuf>,
        /// Folder for results.
        #[arg(long, default_value = "output", value_name = "DIR")]
        out: PathBuf,
        /// Do not draw charts (PNG, SVG) nor report.html.
        #[arg(long)]
        no_charts: bool,
        /// Write replications.parquet and paths.parquet instead of the CSV versions.
        #[arg(long)]
        parquet: bool,
        /// Also write results.xlsx.
        #[arg(long)]
        xlsx: bool,
        /// No progress output.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run several scenarios on the same seed and replications (common random numbers) and compare
    /// each with a baseline: means, paired differences with 95% intervals, P(lower), tail risk.
    /// Writes OUT/NAME/compare.csv, tail.csv, diff.txt and each scenario's run folder. Given the
    /// shard folders of each scenario (`run --shard K/M`, same --reps and --seed), joins them and
    /// compares without running.
    Compare {
        /// Scenario files (TOML), or shard folders.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Name of the baseline scenario (its [scenario] name).
        #[arg(long, value_name = "NAME")]
        baseline: String,
        /// Folder name under --out.
        #[arg(long, default_value = "compare", value_name = "NAME")]
        name: String,
        /// Exchange rate of a scenario's currency into the baseline's, e.g. `--fx EUR=1.08`
        /// (repeatable): its amounts are converted. Without it, deals in different currencies
        /// are refused.
        #[arg(long = "fx", value_name = "CUR=RATE")]
        fx: Vec<String>,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        study: StudyArgs,
        /// Folder for results.
        #[arg(long, default_value = "output", value_name = "DIR")]
        out: PathBuf,
    },
    /// Run one scenario at every value of one or two parameters (on common random numbers) and
    /// write sweep.csv: a column per varied path, then metric,mean,ci95_low,ci95_high,p95. With
    /// --shard K/M, only the K-th of M ranges of the replications of every point, into a sweep
    /// shard folder for `leaksim merge`.
    Sweep {
        /// Scenario file (TOML).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// PATH=FROM..TO:STEP or PATH=V1,V2,... (repeat for a grid), e.g.
        /// controls.gatekeeper.team_size=25..500:25.
        #[arg(long = "vary", required = true, value_name = "PATH=VALUES")]
        vary: Vec<String>,
        /// Folder name under --out (default: SCENARIO-sweep-PATH1[-x-PATH2], named by the --vary paths).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        study: StudyArgs,
        /// Folder for results.
        #[arg(long, default_value = "output", value_name = "DIR")]
        out: PathBuf,
        /// Run only the K-th (0-based) of M contiguous ranges of every point's replications and
        /// write a sweep shard folder OUT/NAME/; `leaksim merge` joins the M folders into the
        /// sweep's folder.
        #[arg(long, value_name = "K/M", value_parser = cli::Shard::parse)]
        shard: Option<cli::Shard>,
    },
    /// Swing each uncertain parameter (and each --param) from its 10th to its 90th percentile (a
    /// fixed value: by --swing) with the others at their medians, and rank them by the swing of
    /// --metric. Writes OUT/SCENARIO-tornado/tornado.csv. With --shard K/M, only the K-th of M
    /// ranges of the replications of every run, into a tornado shard folder for `leaksim merge`.
    Tornado {
        /// Scenario file (TOML).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// A fixed value to swing too, by its --set path (repeatable); PATH=FROM..TO swings it
        /// (or an uncertain parameter, or a tied input `inputs.NAME`) over that range instead.
        #[arg(long = "param", value_name = "PATH[=FROM..TO]")]
        params: Vec<String>,
        /// Relative swing of fixed values (0.5: from -50% to +50%).
        #[arg(long, default_value_t = 0.5, value_name = "SHARE")]
        swing: f64,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        study: StudyArgs,
        /// Folder for results.
        #[arg(long, default_value = "output", value_name = "DIR")]
        out: PathBuf,
        /// Run only the K-th (0-based) of M contiguous ranges of every run's replications and
        /// write a tornado shard folder OUT/NAME/; `leaksim merge` joins the M folders into the
        /// tornado's folder.
        #[arg(long, value_name = "K/M", value_parser = cli::Shard::parse)]
        shard: Option<cli::Shard>,
    },
    /// Explore input uncertainty: for each draw of the inputs (every uncertain parameter, plus
    /// --input), run --reps replications of every deal with the inputs fixed, on common random
    /// numbers; write OUT/NAME/ (inputs.csv, draws.csv, uncertainty.csv, ranking.csv,
    /// sensitivity.csv, report.html). With --shard K/M, only the K-th of M ranges of the draws,
    /// into an explore shard folder for `leaksim merge`. See docs/explore.md.
    Explore {
        /// Scenario files (TOML): the deals.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Draws of the inputs (base rows N under --design sobol, which runs N x (inputs + 2)).
        #[arg(long, default_value_t = cli::explore::DEFAULT_DRAWS, value_name = "N")]
        draws: usize,
        /// How draws are placed: lhs (Latin hypercube) or sobol (Saltelli's design, for Sobol indices).
        #[arg(long, default_value = "lhs", value_name = "DESIGN", value_parser = cli::explore::parse_design)]
        design: leaksim::analysis::explore::design::DesignKind,
        /// An input: PATH=DIST makes a value uncertain (e.g. 'actor.a.headcount={ dist = "uniform", min = 10, max = 40 }');
        /// NAME=DIST@PATH1,PATH2 sets several paths with one draw. Repeatable.
        #[arg(long = "input", value_name = "SPEC")]
        inputs: Vec<String>,
        /// Probability thresholds: the share of draws above each (comma-separated).
        #[arg(
            long,
            value_delimiter = ',',
            value_name = "X,Y,...",
            default_value = "0.01,0.03,0.1,0.25,0.5"
        )]
        thresholds: Vec<f64>,
        /// Folder name under --out.
        #[arg(long, default_value = "explore", value_name = "NAME")]
        name: String,
        /// Scenario discovery: PRIM boxes per deal over the draws where METRIC is above X,
        /// e.g. "reached>0.03"; writes discovery.csv.
        #[arg(long, value_name = "METRIC>X")]
        discover: Option<String>,
        /// Evidence to condition on: no-demand-known:STATE:years=Y:p_known=P (P a probability,
        /// or LOW..HIGH for an uncertain one). Every output is also given weighted by it.
        #[arg(long = "evidence", value_name = "SPEC")]
        evidence: Vec<String>,
        /// Leave out the scenarios' [[evidence]] tables: no conditioned outputs unless
        /// --evidence gives some.
        #[arg(long)]
        no_evidence: bool,
        #[command(flatten)]
        sim: SimArgs,
        /// Folder for results.
        #[arg(long, default_value = "output", value_name = "DIR")]
        out: PathBuf,
        /// Run only the K-th (0-based) of M contiguous ranges of the design's draws and write an
        /// explore shard folder OUT/NAME/ (explore.toml, draws.bin, the deals resolved);
        /// `leaksim merge` joins the M folders into the exploration's folder.
        #[arg(long, value_name = "K/M", value_parser = cli::Shard::parse)]
        shard: Option<cli::Shard>,
    },
    /// Redraw the charts (PNG, SVG) and report.html of result folders from their CSV files alone.
    Plot {
        /// Result folders (of run, compare, sweep or tornado).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
    },
    /// Print what differs between two resolved scenarios, path by path.
    Diff {
        /// First scenario file.
        #[arg(value_name = "A")]
        a: PathBuf,
        /// Second scenario file.
        #[arg(value_name = "B")]
        b: PathBuf,
        /// Override a value in both (as for `run`).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
    },
    /// Check scenario files without simulating; print what they resolve to, derived figures
    /// (gatekeeper load, expected insiders) and warnings.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Override a scenario value (as for `run`).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
    },
    /// Measure the engine's speed: reviewed requests per second on an M/M/c gatekeeper scenario,
    /// events per second on the given scenarios (default: scenarios/*.toml), on one core and all.
    Bench {
        /// Scenario files to time (default: every .toml in scenarios/).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Replications per timing.
        #[arg(long = "reps", default_value_t = 200, value_name = "N")]
        reps: u64,
    },
}

/// This process's command line without the options that change no result (`--threads`,
/// `--out`, `--quiet`, `--no-charts`) and without `--shard` (a shard's results are part of the
/// run it records), quoted for a POSIX shell.
fn reproducing_command() -> String {
    let mut out = vec!["leaksim".to_string()];
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" | "--out" | "--shard" => {
                args.next();
            }
            "--quiet" | "-q" | "--no-charts" => {}
            _ if a.starts_with("--threads=")
                || a.starts_with("--out=")
                || a.starts_with("--shard=") => {}
            _ => out.push(a),
        }
    }
    out.iter()
        .map(|a| {
            let plain = a
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A seed: a whole number a TOML file can hold (at most 2^63 - 1, as `scenario.resolved.toml`
/// and the shards' manifests record it), or `random` (printed, within the same range).
fn parse_seed(s: &str) -> Result<u64, String> {
    if s == "random" {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seed = ((t as u64) ^ ((t >> 64) as u64) ^ std::process::id() as u64) >> 1;
        eprintln!("seed: {seed}");
        return Ok(seed);
    }
    match s.parse::<u64>() {
        Ok(seed) if seed <= i64::MAX as u64 => Ok(seed),
        Ok(_) => Err(format!(
            "expected a whole number from 0 to {} (what scenario.resolved.toml can record) or `random`, found `{s}`",
            i64::MAX
        )),
        Err(_) => Err(format!("expected a whole number or `random`, found `{s}`")),
    }
}

fn main() -> ExitCode {
    // A closed standard output (`leaksim validate scenarios/*.toml | head -1`) ends the process
    // quietly, as it ends any Unix tool, rather than failing the next write. Result folders are
    // swapped in before anything is printed about them, so this never leaves one half-written.
    #[cfg(unix)]
    // SAFETY: called first in main, before any thread starts; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            files,
            sim,
            out,
            trace_replication,
            study,
            shard,
            parquet,
        } => cli::run(
            &files,
            &SimOptions {
                parquet,
                ..sim.options()
            },
            &study.options(),
            &out,
            trace_replication,
            shard,
        ),
        Command::Merge {
            dirs,
            out,
            no_charts,
            parquet,
            xlsx,
            quiet,
        } => cli::merge(
            &dirs,
            &SimOptions {
                no_charts,
                parquet,
                xlsx,
                quiet,
                ..SimOptions::default()
            },
            &out,
        ),
        Command::Compare {
            files,
            baseline,
            name,
            fx,
            sim,
            study,
            out,
        } => cli::compare(
            &files,
            &cli::CompareOptions { baseline, name, fx },
            &sim.options(),
            &study.options(),
            &out,
        ),
        Command::Sweep {
            file,
            vary,
            name,
            sim,
            study,
            out,
            shard,
        } => cli::sweep(
            &file,
            &vary,
            name.as_deref(),
            &sim.options(),
            &study.options(),
            &out,
            shard,
        ),
        Command::Tornado {
            file,
            params,
            swing,
            sim,
            study,
            out,
            shard,
        } => cli::tornado(
            &file,
            &params,
            swing,
            &sim.options(),
            &study.options(),
            &out,
            shard,
        ),
        Command::Explore {
            files,
            draws,
            design,
            inputs,
            thresholds,
            name,
            discover,
            evidence,
            no_evidence,
            sim,
            out,
            shard,
        } => cli::explore(
            &files,
            &cli::explore::ExploreOptions {
                draws,
                design,
                inputs,
                thresholds,
                name,
                discover,
                evidence,
                no_evidence,
                shard,
            },
            &sim.options(),
            &out,
        )
        .map(|_| ()),
        Command::Diff { a, b, sets } => cli::diff(&a, &b, &sets),
        Command::Plot { dirs } => cli::plot(&dirs),
        Command::Validate { files, sets } => cli::validate(&files, &sets).map(|_| ()),
        Command::Bench { files, reps } => cli::bench::run(&files, reps),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", cli::printable(e.to_string()));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
