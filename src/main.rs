//! The `leaksim` command: a thin layer over the library's [`leaksim::app`] functions.

use clap::{Parser, Subcommand};
use leaksim::app::{self, SimOptions};
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
}

impl SimArgs {
    fn options(&self) -> SimOptions {
        SimOptions {
            replications: self.reps,
            seed: self.seed,
            threads: self.threads.map(|t| t as usize),
            sets: self.sets.clone(),
            quiet: self.quiet,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate scenario files and write their results under --out (one folder per scenario name):
    /// replications.csv, paths.csv, summary.csv, scenario.resolved.toml (and trace.csv).
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

fn parse_seed(s: &str) -> Result<u64, String> {
    if s == "random" {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seed = (t as u64) ^ ((t >> 64) as u64) ^ std::process::id() as u64;
        eprintln!("seed: {seed}");
        return Ok(seed);
    }
    s.parse()
        .map_err(|_| format!("expected a whole number or `random`, found `{s}`"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            files,
            sim,
            out,
            trace_replication,
        } => app::run(&files, &sim.options(), &out, trace_replication),
        Command::Validate { files, sets } => app::validate(&files, &sets).map(|_| ()),
        Command::Bench { files, reps } => leaksim::bench::run(&files, reps),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
