//! `leaksim merge`: joins the shard folders of one run (`leaksim run --shard K/M`) into the
//! folder `leaksim run` writes in one go, byte for byte.

use super::progress::Step;
use super::shard::Manifest;
use super::*;
use crate::output;
use crate::output::folder::Staged;
use crate::sim::runner::RunResult;
use crate::sim::spool::Spool;

/// `leaksim merge`: checks that `dirs` are the shards of one run, then writes its folder under
/// `out`. Nothing is written when a shard is missing, repeated, foreign or damaged.
pub fn merge(dirs: &[PathBuf], opts: &SimOptions, out: &Path) -> Result<()> {
    // Ctrl-C then leaves the earlier folder as it was (exit 130), the staging one removed.
    super::progress::cancel_flag();
    if dirs.iter().any(|d| super::study_shards::is_study_shard(d)) {
        return super::study_shards::merge_study(dirs, opts, out);
    }
    let step = Step::start(
        &format!(
            "merging {} shard folders: files, statistics and charts",
            dirs.len()
        ),
        opts.quiet,
    );
    let (s, first, result) = join(dirs, !opts.no_charts)?;
    let m = first.shard.m;
    let mut opts = opts.clone();
    opts.command = merged_command(&first.command, opts.parquet, opts.xlsx);
    let rows = output::disk::rows_file_bytes(&s, first.replications, opts.parquet);
    output::disk::check(
        out,
        rows,
        &format!("merging `{}`", s.name),
        "write --parquet, ",
    )?;
    let stage = Staged::begin(&out.join(&s.name))?;
    let dir = stage.path().to_path_buf();
    let analyses = write_run_folder(&dir, &s, &result, None, &first.thresholds, opts.parquet)?;
    write_provenance(&dir, &opts, first.seed, first.replications, &[&s])?;
    finish_folder(&dir, &opts)?;
    let target = stage.target().to_path_buf();
    stage.commit()?;
    drop(step);
    print!(
        "{}",
        output::terminal::run_summary(&s, &result, &analyses.summary)
    );
    println!("  merged {m} shards; wrote {}", target.display());
    Ok(())
}

/// Whether `dir` is a shard folder (it has a manifest).
pub(crate) fn is_shard(dir: &Path) -> bool {
    dir.join(super::shard::MANIFEST).is_file()
}

/// Joins the shard folders of one run: its scenario, the first shard's manifest, and the run's
/// rows and timeline as one result. Refuses shards that are missing, repeated, foreign or damaged,
/// and a run whose analysis (with `charts`) would not fit in the memory available.
pub(crate) fn join(dirs: &[PathBuf], charts: bool) -> Result<(Scenario, Manifest, RunResult)> {
    let manifests = dirs
        .iter()
        .map(|d| Manifest::read(d))
        .collect::<Result<Vec<_>>>()?;
    let first = &manifests[0];
    check_same_run(dirs, &manifests)?;
    // The scenario the shards ran, read back from the first shard and checked against its digest.
    let s = super::shard::load_resolved(&dirs[0], &first.digest, "manifest")?;
    let m = first.shard.m;
    check_replications(first.replications)?;
    crate::analysis::memory::check(&s, first.replications, charts)?;
    let shards: Vec<_> = manifests.iter().map(|man| man.shard).collect();
    let order = super::shard::in_shard_order(dirs, &shards, &format!("`{}`", first.scenario))?;
    let mut spools = Vec::with_capacity(m as usize);
    let mut timeline = crate::sim::timeline::Timeline::new(crate::sim::runner::timeline_days(&s));
    let (mut elapsed, mut threads) = (0.0, 1);
    for i in order {
        let (dir, man) = (&dirs[i], &manifests[i]);
        let (start, count) = man.shard.range(man.replications);
        man.verify(dir)?;
        let spool = Spool::open(dir)?.with_params(s.window_columns().len(), s.params.len())?;
        check_paths(dir, &spool, &s)?;
        if (man.first, man.count) != (start, count)
            || spool.first() != start
            || spool.len() != count
        {
            return Err(Error::Usage(format!(
                "{}: shard {}/{m} should hold replications {start}..{} but holds {}..{}",
                dir.display(),
                man.shard.k,
                start + count,
                spool.first(),
                spool.first() + spool.len()
            )));
        }
        if spool.reach_len() != s.reach_len() {
            return Err(Error::Usage(format!(
                "{}: rows of {} values, not the {} of scenario `{}`",
                dir.display(),
                spool.width(),
                crate::sim::metrics::idx::COUNT
                    + s.window_columns().len()
                    + s.params.len()
                    + s.reach_len(),
                s.name
            )));
        }
        let part = Manifest::timeline(dir, timeline.days())?;
        if part.days() != timeline.days() || part.replications() != count {
            return Err(Error::Usage(format!(
                "{}: its timeline does not cover its {count} replications of {} days",
                dir.display(),
                timeline.days()
            )));
        }
        timeline.merge(&part);
        elapsed += man.elapsed;
        threads = threads.max(man.threads);
        spools.push(spool);
    }
    let result = RunResult {
        rows: Spool::concat(spools)?,
        timeline,
        seed: first.seed,
        elapsed: std::time::Duration::from_secs_f64(elapsed),
        threads,
    };
    Ok((s, manifests[0].clone(), result))
}

/// Refuses a shard whose path rows name a class, recipient, actor or store the scenario does not
/// have, or a number of records that is not a whole number of records.
fn check_paths(dir: &Path, spool: &Spool, s: &Scenario) -> Result<()> {
    let file = dir.join(crate::sim::spool::PATHS_FILE);
    let (classes, recipients) = (s.classes.len(), s.jurisdictions.len() + 1);
    let (actors, stores) = (s.actors.len(), s.stores.len());
    spool.for_each_path(|rep, p| {
        let bad = |what: &str, i: u32, n: usize| {
            Err(Error::damaged(
                &file,
                format!("replication {rep}: {what} {i}, but the scenario has {n}"),
            ))
        };
        if p.class as usize >= classes {
            return bad("class", p.class, classes);
        }
        if p.recipient as usize >= recipients {
            return bad("recipient", p.recipient, recipients);
        }
        if let Some(a) = p.actor.filter(|&a| a as usize >= actors) {
            return bad("actor", a, actors);
        }
        if let Some(x) = p.store.filter(|&x| x as usize >= stores) {
            return bad("store", x, stores);
        }
        if !(p.records >= 0.0 && p.records.is_finite()) {
            return Err(Error::damaged(
                &file,
                format!("replication {rep}: {} records on a path", p.records),
            ));
        }
        Ok(())
    })
}

/// Checks that every manifest belongs to the same run as the first; the error names the shard and
/// what differs.
fn check_same_run(dirs: &[PathBuf], manifests: &[Manifest]) -> Result<()> {
    let first = &manifests[0];
    let this = env!("CARGO_PKG_VERSION");
    for (dir, man) in dirs.iter().zip(manifests) {
        let differ = |what: &str, a: String, b: String| {
            Err(Error::Usage(format!(
                "{}: not a shard of the same run as {}: {what} {b}, not {a}",
                dir.display(),
                dirs[0].display()
            )))
        };
        if man.version != this {
            return Err(Error::Usage(format!(
                "{}: written by leaksim {}, but this is leaksim {this}: merge with the version that ran the shards",
                dir.display(),
                man.version
            )));
        }
        if man.scenario != first.scenario {
            return differ("scenario", first.scenario.clone(), man.scenario.clone());
        }
        if man.digest != first.digest {
            return differ(
                "scenario digest",
                first.digest.clone(),
                format!("{} (the scenario or a --set differs)", man.digest),
            );
        }
        if man.seed != first.seed {
            return differ("seed", first.seed.to_string(), man.seed.to_string());
        }
        if man.replications != first.replications {
            return differ(
                "replications (--reps)",
                first.replications.to_string(),
                man.replications.to_string(),
            );
        }
        if man.shard.m != first.shard.m {
            return differ(
                "shard count (M of --shard K/M)",
                first.shard.m.to_string(),
                man.shard.m.to_string(),
            );
        }
        if man.thresholds != first.thresholds {
            return differ(
                "--thresholds",
                format!("{:?}", first.thresholds),
                format!("{:?}", man.thresholds),
            );
        }
        if man.command != first.command {
            // The digest, seed, replications and thresholds fix every result; the command may
            // still differ (a path to the same scenario on another node).
            eprintln!(
                "note: {} was run as `{}`, {} as `{}`; provenance.toml records the first",
                dirs[0].display(),
                first.command,
                dir.display(),
                man.command
            );
        }
    }
    Ok(())
}

/// The command that reproduces the merged folder in one run: the shards' (which never carry
/// `--parquet` or `--xlsx`), with merge's `--parquet` and `--xlsx`.
pub(crate) fn merged_command(shards: &str, parquet: bool, xlsx: bool) -> String {
    let mut c = shards.to_string();
    if parquet {
        c.push_str(" --parquet");
    }
    if xlsx {
        c.push_str(" --xlsx");
    }
    c
}
