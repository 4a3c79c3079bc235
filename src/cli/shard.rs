//! `--shard K/M` of `run`, `sweep` and `tornado`: one of M contiguous ranges of the replications
//! of every point, run by the one executor and written as a shard folder (see
//! [`crate::output::shards`] for what it holds) that `leaksim merge` joins with the others.

use super::ending::{write_folder, Finish};
use super::progress::Bar;
use super::*;
use crate::analysis::precision::Progress;
use crate::output::shards::{Manifest, FORMAT, TIMELINE};
use crate::output::study_shards::{StudyKind, StudyManifest};
use crate::sim::execute::{Executor, Shard, Study};
use crate::sim::runner::RunConfig;
use crate::sim::spool::Spool;

/// What a shard records beside its rows: the run's configuration, which shard, the command that
/// reproduces the whole run in one go, and tail.csv's thresholds.
struct ShardRun<'a> {
    cfg: &'a RunConfig,
    shard: Shard,
    command: &'a str,
    thresholds: &'a [f64],
}

/// Runs shard `shard` of `s` and writes its folder `out/<name>/`, replaced whole.
pub(crate) fn run_shard(
    s: &Scenario,
    opts: &SimOptions,
    thresholds: &[f64],
    shard: Shard,
    out: &Path,
) -> Result<()> {
    let cfg = opts.config(s);
    shard.check(cfg.replications, &s.name)?;
    let exec = Executor::new(cfg.threads, cfg.max_events)?;
    let (first, count) = shard.range(cfg.replications);
    let bar = Bar::new(opts.quiet);
    bar.planned(&format!("{} shard {}/{}", s.name, shard.k, shard.m), count);
    let run = ShardRun {
        cfg: &cfg,
        shard,
        command: &opts.command,
        thresholds,
    };
    let (target, elapsed) = write_folder(&out.join(&s.name), opts, Finish::Shard, |dir| {
        write_point(&exec, s, &run, dir, &bar)
    })?;
    bar.finish();
    println!(
        "{}: shard {}/{}, replications {}..{} of {} (seed {}) in {:.2} s\n  wrote {}",
        s.name,
        shard.k,
        shard.m,
        first,
        first + count,
        cfg.replications,
        cfg.seed,
        elapsed,
        target.display()
    );
    Ok(())
}

/// Runs shard `run.shard` of `s` and writes its files into `dir` (made if missing): rows,
/// timeline, resolved scenario, manifest. Returns its seconds.
fn write_point(
    exec: &Executor,
    s: &Scenario,
    run: &ShardRun,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<f64> {
    let (first, count) = run.shard.range(run.cfg.replications);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let study = Study::new(std::slice::from_ref(s), run.cfg.seed);
    let mut outputs = study.outputs(|s| {
        let (w, p, r) = (s.window_columns().len(), s.params.len(), s.reach_len());
        Spool::create_from(dir, w, p, r, first)
    })?;
    exec.execute(&study, first..first + count, &mut outputs, progress)?;
    let out = outputs.pop().expect("one point, one output");
    drop(out.rows);
    let elapsed = out.elapsed.as_secs_f64();
    crate::output::write_atomic(&dir.join(TIMELINE), |w| {
        w.write_all(&out.timeline.to_bytes())
    })?;
    write_resolved(dir, s, run.cfg)?;
    Manifest {
        format: FORMAT,
        leaksim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: s.name.clone(),
        digest: s.digest(),
        seed: run.cfg.seed,
        replications: run.cfg.replications,
        shard: run.shard.k,
        shards: run.shard.m,
        first,
        count,
        command: run.command.to_string(),
        thresholds: run.thresholds.to_vec(),
        elapsed_seconds: elapsed,
        threads: exec.threads(),
        sha256: Manifest::checksums(dir)?,
    }
    .write(dir)?;
    Ok(elapsed)
}

/// Writes `dir/scenario.resolved.toml` of `s` run under `cfg`.
fn write_resolved(dir: &Path, s: &Scenario, cfg: &RunConfig) -> Result<()> {
    let resolved = s.resolved_toml(cfg.seed, cfg.replications);
    crate::output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })
}

/// A study to shard: its kind, folder name, the scenario of each point, and its base scenario
/// (recorded in its folder).
pub(crate) struct ShardedStudy<'a> {
    pub kind: StudyKind,
    pub folder: &'a str,
    pub scenarios: &'a [Scenario],
    pub base: &'a Scenario,
}

/// The folder of point `i` inside a study shard folder.
pub(crate) fn point_dir(i: usize) -> String {
    format!("point-{i:03}")
}

/// Runs shard `shard` of every point of `study` under `cfg` and writes the study shard folder
/// `out/<folder>/`, replaced whole. `precision` says whether `--precision` was given (refused).
pub(crate) fn run_study_shard(
    study: &ShardedStudy,
    cfg: &RunConfig,
    opts: &SimOptions,
    precision: bool,
    shard: Shard,
    out: &Path,
) -> Result<()> {
    let refused = [
        (
            precision,
            "--precision (a shard runs a fixed range of replications)",
        ),
        (opts.xlsx, "--xlsx (give it to `leaksim merge`)"),
    ];
    if let Some((_, what)) = refused.iter().find(|(on, _)| *on) {
        return Err(Error::Usage(format!(
            "--shard {}/{} does not go with {what}",
            shard.k, shard.m
        )));
    }
    check_replications(cfg.replications)?;
    shard.check(cfg.replications, study.folder)?;
    let (first, count) = shard.range(cfg.replications);
    let points = study.scenarios.len();
    let rows = study.scenarios.iter().fold(0u64, |a, s| {
        a.saturating_add(crate::output::disk::spool_bytes(s, count))
    });
    let what = format!("shard {}/{} of {points} points", shard.k, shard.m);
    crate::output::disk::check(out, rows, &what, "split it into more shards, ")?;
    let exec = Executor::new(cfg.threads, cfg.max_events)?;
    let bar = Bar::new(opts.quiet);
    let label = format!("{} shard {}/{}", study.folder, shard.k, shard.m);
    bar.planned(&label, count * points as u64);
    let run = ShardRun {
        cfg,
        shard,
        command: &opts.command,
        thresholds: &[],
    };
    let start = std::time::Instant::now();
    let (target, ()) = write_folder(&out.join(study.folder), opts, Finish::Shard, |dir| {
        for (i, s) in study.scenarios.iter().enumerate() {
            write_point(&exec, s, &run, &dir.join(point_dir(i)), &bar)?;
        }
        write_resolved(dir, study.base, cfg)?;
        let manifest = StudyManifest {
            format: FORMAT,
            study: String::new(),
            leaksim_version: env!("CARGO_PKG_VERSION").to_string(),
            name: study.folder.to_string(),
            digest: study.base.digest(),
            seed: cfg.seed,
            replications: cfg.replications,
            shard: 0,
            shards: 0,
            command: opts.command.clone(),
            points,
            paths: None,
            values: None,
            metric: None,
            swings: None,
        };
        StudyManifest::new(&study.kind, shard, manifest).write(dir)
    })?;
    bar.finish();
    println!(
        "{}: shard {}/{} of {points} points, replications {first}..{} of {} (seed {}) in {:.2} s\n  wrote {}",
        study.folder,
        shard.k,
        shard.m,
        first + count,
        cfg.replications,
        cfg.seed,
        start.elapsed().as_secs_f64(),
        target.display()
    );
    Ok(())
}
