//! `leaksim sweep`.

use super::ending::{write_folder, Finish, Record};
use super::progress::Bar;
use super::shard::{run_study_shard, ShardedStudy};
use super::*;
use crate::analysis::precision::{run_many, ConvergenceRow, Target};
use crate::analysis::summary::metric_summaries;
use crate::analysis::sweep::{parse_vary, sweep_scenarios, Vary};
use crate::output;
use crate::output::study_shards::StudyKind;
use crate::sim::execute::Shard;
use crate::sim::runner::{RunConfig, RunResult};

/// `leaksim sweep`: runs one scenario at every point of the `--vary` grid, on common random numbers;
/// with `shard`, only that shard's replications of every point, into a sweep shard folder for
/// `leaksim merge`.
pub fn sweep(
    file: &Path,
    varies: &[String],
    name: Option<&str>,
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
    shard: Option<Shard>,
) -> Result<()> {
    if varies.is_empty() {
        return Err(Error::Usage(
            "sweep needs at least one --vary PATH=FROM..TO:STEP or PATH=V1,V2".into(),
        ));
    }
    let varies: Vec<Vary> = varies
        .iter()
        .map(|v| parse_vary(v))
        .collect::<Result<_>>()?;
    let points = sweep_scenarios(file, &opts.sets, &varies)?;
    if let Some(r) = opts.replications {
        check_replications(r)?;
    }
    let precision = study.precision()?;
    for (_, s) in &points {
        crate::analysis::budget::check(s, opts.max_events())?;
    }
    let scenarios: Vec<Scenario> = points.iter().map(|(_, s)| s.clone()).collect();
    let labels: Vec<Vec<String>> = points.iter().map(|(p, _)| p.clone()).collect();
    let paths: Vec<String> = varies.iter().map(|v| v.path.clone()).collect();
    let folder = match name {
        Some(n) => {
            super::sweep_name::check_study_folder_name(n)
                .map_err(|m| Error::Usage(format!("--name {n}: {m}")))?;
            n.to_string()
        }
        None => {
            let f = super::sweep_name::default_sweep_folder(&scenarios[0].name, &paths);
            super::sweep_name::check_study_folder_name(&f)
                .map_err(|m| Error::Usage(format!("sweep folder {f}: {m}")))?;
            f
        }
    };
    let (seed, batch) = shared_settings(&scenarios, opts);
    if let Some(sh) = shard {
        let study_shard = ShardedStudy {
            kind: StudyKind::Sweep { paths, labels },
            folder: &folder,
            scenarios: &scenarios,
            base: &Scenario::load(file, &opts.sets)?,
        };
        let cfg = RunConfig {
            seed,
            replications: batch.unwrap_or(crate::sim::runner::DEFAULT_REPLICATIONS),
            threads: opts.threads,
            max_events: opts.max_events(),
        };
        return run_study_shard(&study_shard, &cfg, opts, precision.is_some(), sh, out);
    }
    let most = precision.as_ref().map_or(
        batch.unwrap_or(crate::sim::runner::DEFAULT_REPLICATIONS),
        |p| p.max_reps,
    );
    let rows = scenarios.iter().fold(0u64, |a, s| {
        a.saturating_add(output::disk::spool_bytes(s, most))
    });
    output::disk::check(
        out,
        rows,
        &format!("sweeping {} points", scenarios.len()),
        "sweep fewer points, ",
    )?;
    let targets: Vec<(String, Target)> = labels
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
                Target::Own(i),
            )
        })
        .collect();
    let multi = run_many(
        &crate::sim::execute::Study::new(&scenarios, seed),
        batch,
        precision.as_ref(),
        &targets,
        opts.resources(out),
        &Bar::new(opts.quiet),
    )?;
    let base = Scenario::load(file, &opts.sets)?;
    let plan = SweepPlan {
        folder: &folder,
        paths: &paths,
        labels: &labels,
        base: &base,
    };
    let convergence = precision.as_ref().map(|_| multi.convergence.as_slice());
    let dir = write_sweep_folder(&plan, &multi.runs, seed, convergence, opts, out)?;
    print_stop(&multi.stop, precision.as_ref(), &dir);
    Ok(())
}

/// What a sweep's folder records: its name, varied paths, each point's values, and the base
/// scenario (without the varied values).
pub(crate) struct SweepPlan<'a> {
    pub folder: &'a str,
    pub paths: &'a [String],
    pub labels: &'a [Vec<String>],
    pub base: &'a Scenario,
}

/// Writes a sweep's folder from the runs of its points (sweep.csv, convergence.csv when given,
/// provenance, resolved scenario, charts), prints its table, and returns the folder.
pub(crate) fn write_sweep_folder(
    plan: &SweepPlan,
    runs: &[RunResult],
    seed: u64,
    convergence: Option<&[ConvergenceRow]>,
    opts: &SimOptions,
    out: &Path,
) -> Result<PathBuf> {
    let summaries = runs
        .iter()
        .map(metric_summaries)
        .collect::<Result<Vec<_>>>()?;
    let n = runs[0].rows.len();
    let record = Record {
        seed,
        replications: n,
        scenarios: &[plan.base],
    };
    let (dir, ()) = write_folder(
        &out.join(plan.folder),
        opts,
        Finish::Results(record),
        |dir| {
            output::studies::write_sweep(
                &dir.join("sweep.csv"),
                plan.paths,
                plan.labels,
                &summaries,
            )?;
            if let Some(rows) = convergence {
                output::studies::write_convergence(&dir.join("convergence.csv"), rows)?;
            }
            let resolved = plan.base.resolved_toml(seed, n);
            output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
                w.write_all(resolved.as_bytes())
            })
        },
    )?;
    print!(
        "{}",
        output::terminal::sweep_table(plan.paths, plan.labels, &summaries)
    );
    Ok(dir)
}
