//! `leaksim run`.

use super::ending::{write_folder, Finish, Record};
use super::progress::{Bar, Step};
use super::*;
use crate::analysis::precision::{run_many, Target};
use crate::output;
use crate::sim::execute::Shard;

/// `leaksim run`: simulates each scenario and writes its folder (files, charts, report) under `out`;
/// with `shard`, only that shard's replications, into a shard folder for `leaksim merge`.
pub fn run(
    files: &[PathBuf],
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
    trace_replication: Option<u64>,
    shard: Option<Shard>,
) -> Result<()> {
    let scenarios = load_all(files, &opts.sets)?;
    let precision = study.precision()?;
    if let Some(sh) = shard {
        let given = [precision.is_some(), trace_replication.is_some()];
        return run_shards(&scenarios, opts, study, (sh, given), out);
    }
    let plan = RunPlan {
        opts,
        study,
        precision: precision.as_ref(),
        trace: trace_replication,
        out,
    };
    check_run(&scenarios, &plan)?;
    for s in &scenarios {
        run_one(s, &plan)?;
    }
    Ok(())
}

/// What a plain run of every scenario needs: the options, the precision target, the replication
/// to trace, the output folder.
struct RunPlan<'a> {
    opts: &'a SimOptions,
    study: &'a StudyOptions,
    precision: Option<&'a Precision>,
    trace: Option<u64>,
    out: &'a Path,
}

/// `run --shard K/M`: refuses options a shard cannot take (`given`: whether `--precision` and
/// `--trace-replication` were given), checks the disk, and runs the shard of every scenario.
fn run_shards(
    scenarios: &[Scenario],
    opts: &SimOptions,
    study: &StudyOptions,
    (sh, given): (Shard, [bool; 2]),
    out: &Path,
) -> Result<()> {
    let refused = [
        (
            given[0],
            "--precision (a shard runs a fixed range of replications)",
        ),
        (
            given[1],
            "--trace-replication (trace one replication with a plain run)",
        ),
        (opts.parquet, "--parquet (give it to `leaksim merge`)"),
        (opts.xlsx, "--xlsx (give it to `leaksim merge`)"),
    ];
    if let Some((_, what)) = refused.iter().find(|(on, _)| *on) {
        return Err(Error::Usage(format!(
            "--shard {}/{} does not go with {what}",
            sh.k, sh.m
        )));
    }
    let mut rows = 0u64;
    for s in scenarios {
        let n = opts.config(s).replications;
        check_replications(n)?;
        crate::analysis::budget::check(s, opts.max_events())?;
        rows = rows.saturating_add(output::disk::spool_bytes(s, sh.range(n).1));
    }
    output::disk::check(
        out,
        rows,
        &format!("shard {}/{}", sh.k, sh.m),
        "split it into more shards, ",
    )?;
    for s in scenarios {
        super::shard::run_shard(s, opts, &study.thresholds, sh, out)?;
    }
    Ok(())
}

/// Checks every scenario before any runs: replications, work budget, memory, the traced
/// replication, and the disk their files need (scenarios run one after the other: their files
/// add up, one spool at a time).
fn check_run(scenarios: &[Scenario], plan: &RunPlan) -> Result<()> {
    let opts = plan.opts;
    let (mut files, mut spool) = (0u64, 0u64);
    for s in scenarios {
        let cfg = opts.config(s);
        check_replications(cfg.replications)?;
        crate::analysis::budget::check(s, cfg.max_events)?;
        let most = plan.precision.map_or(cfg.replications, |p| p.max_reps);
        crate::analysis::memory::check(s, most, !opts.no_charts)?;
        files = files.saturating_add(output::disk::rows_file_bytes(s, most, opts.parquet));
        spool = spool.max(output::disk::spool_bytes(s, most));
        if plan.trace.is_some() {
            files = files.saturating_add(output::disk::trace_bytes(s, cfg.max_events));
        }
        if let (Some(t), None) = (plan.trace, plan.precision) {
            if t >= cfg.replications {
                return Err(Error::Usage(format!(
                    "--trace-replication {t} is out of range: `{}` runs replications 0 to {}",
                    s.name,
                    cfg.replications - 1
                )));
            }
        }
    }
    let what = match scenarios {
        [s] => format!("running `{}`", s.name),
        all => format!("running {} scenarios", all.len()),
    };
    output::disk::check(
        plan.out,
        files.saturating_add(spool),
        &what,
        "shard it over machines (--shard K/M), ",
    )
}

/// Runs one scenario (in batches with a precision target), writes its folder and prints its
/// summary.
fn run_one(s: &Scenario, plan: &RunPlan) -> Result<()> {
    let (opts, precision) = (plan.opts, plan.precision);
    let cfg = opts.config(s);
    let batch = if precision.is_some() {
        opts.replications.or(s.run.replications)
    } else {
        Some(cfg.replications)
    };
    let targets = [(s.name.clone(), Target::Own(0))];
    let multi = run_many(
        &crate::sim::execute::Study::new(std::slice::from_ref(s), cfg.seed),
        batch,
        precision,
        &targets,
        opts.resources(plan.out),
        &Bar::new(opts.quiet),
    )?;
    let result = &multi.runs[0];
    if let Some(t) = plan.trace.filter(|&t| t >= result.rows.len()) {
        return Err(Error::Usage(format!(
            "--trace-replication {t} is out of range: the run stopped at {} replications",
            result.rows.len()
        )));
    }
    let step = Step::start(
        &format!("{}: writing files, statistics and charts", s.name),
        opts.quiet,
    );
    let record = Record {
        seed: cfg.seed,
        replications: result.rows.len(),
        scenarios: &[s],
    };
    let (dir, analyses) = write_folder(
        &plan.out.join(&s.name),
        opts,
        Finish::Results(record),
        |dir| {
            let thresholds = &plan.study.thresholds;
            let analyses = write_run_folder(dir, s, result, None, thresholds, opts.parquet)?;
            if let Some(t) = plan.trace {
                output::trace::write(&dir.join("trace.csv"), s, cfg.seed, t)?;
            }
            if precision.is_some() {
                let file = dir.join("convergence.csv");
                output::studies::write_convergence(&file, &multi.convergence)?;
            }
            Ok(analyses)
        },
    )?;
    drop(step);
    print!(
        "{}",
        output::terminal::run_summary(s, result, &analyses.summary)
    );
    print_stop(&multi.stop, precision, &dir);
    Ok(())
}
