//! `leaksim merge`: joins the shard folders of one run (`leaksim run --shard K/M`), of one study
//! (`sweep --shard`, `tornado --shard`) or of one exploration (`explore --shard`) into the folder
//! the command writes in one go, byte for byte: the shards are read back and checked by
//! [`crate::output::shards`] (or [`crate::output::explore_shards`]), then handed to the writer the
//! command itself uses.

use super::ending::{write_folder, Finish, Record};
use super::progress::Step;
use super::shard::point_dir;
use super::*;
use crate::output;
use crate::output::explore_shards::{is_explore_shard, ExploreManifest};
use crate::output::shards::{is_study_shard, join, load_resolved, Joined};
use crate::output::study_shards::{check_same_study, StudyKind, StudyManifest};
use crate::sim::runner::{RunConfig, RunResult};

/// `leaksim merge`: checks that `dirs` are the shards of one run or study, then writes its folder
/// under `out`. Nothing is written when a shard is missing, repeated, foreign or damaged.
pub fn merge(dirs: &[PathBuf], opts: &SimOptions, out: &Path) -> Result<()> {
    // Ctrl-C then leaves the earlier folder as it was (exit 130), the staging one removed.
    super::progress::cancel_flag();
    if dirs.iter().any(|d| is_explore_shard(d)) {
        return merge_explore(dirs, opts, out);
    }
    if dirs.iter().any(|d| is_study_shard(d)) {
        return merge_study(dirs, opts, out);
    }
    let step = Step::start(
        &format!(
            "merging {} shard folders: files, statistics and charts",
            dirs.len()
        ),
        opts.quiet,
    );
    let Joined {
        scenario: s,
        manifest: first,
        run: result,
    } = join(dirs, !opts.no_charts)?;
    let mut opts = opts.clone();
    opts.command = merged_command(&first.command, opts.parquet, opts.xlsx);
    let rows = output::disk::rows_file_bytes(&s, first.replications, opts.parquet);
    output::disk::check(
        out,
        rows,
        &format!("merging `{}`", s.name),
        "write --parquet, ",
    )?;
    let record = Record {
        seed: first.seed,
        replications: first.replications,
        scenarios: &[&s],
    };
    let (target, analyses) =
        write_folder(&out.join(&s.name), &opts, Finish::Results(record), |dir| {
            write_run_folder(dir, &s, &result, None, &first.thresholds, opts.parquet)
        })?;
    drop(step);
    print!(
        "{}",
        output::terminal::run_summary(&s, &result, &analyses.summary)
    );
    println!(
        "  merged {} shards; wrote {}",
        first.shards,
        target.display()
    );
    Ok(())
}

/// `leaksim merge` of study shard folders: checks that they are the M shards of one study, joins
/// each point's shards as a run's, and writes the study's folder as the study itself does.
fn merge_study(dirs: &[PathBuf], opts: &SimOptions, out: &Path) -> Result<()> {
    let manifests = dirs
        .iter()
        .map(|d| StudyManifest::read(d))
        .collect::<Result<Vec<_>>>()?;
    check_same_study(dirs, &manifests)?;
    let (first, kind) = &manifests[0];
    super::sweep_name::check_study_folder_name(&first.name).map_err(|m| {
        Error::damaged(
            dirs[0].join(crate::output::shards::STUDY_MANIFEST),
            format!("study name {}: {m}", first.name),
        )
    })?;
    let base = load_resolved(&dirs[0], &first.digest, "study manifest")?;
    let step = super::progress::Step::start(
        &format!(
            "merging {} {} shard folders of {} points: statistics and charts",
            dirs.len(),
            first.study,
            first.points
        ),
        opts.quiet,
    );
    let runs = (0..first.points)
        .map(|i| {
            let point: Vec<PathBuf> = dirs.iter().map(|d| d.join(point_dir(i))).collect();
            Ok(join(&point, false)?.run)
        })
        .collect::<Result<Vec<RunResult>>>()?;
    if opts.parquet {
        eprintln!(
            "note: --parquet changes nothing for a sweep or a tornado, which write no row files"
        );
    }
    let mut opts = opts.clone();
    opts.command = merged_command(&first.command, false, opts.xlsx);
    drop(step);
    let dir = match kind {
        StudyKind::Sweep { paths, labels } => {
            let plan = super::sweep::SweepPlan {
                folder: &first.name,
                paths,
                labels,
                base: &base,
            };
            super::sweep::write_sweep_folder(&plan, &runs, first.seed, None, &opts, out)?
        }
        StudyKind::Tornado { metric, swings } => {
            let index = metric_index(metric)?;
            let swings: Vec<(String, f64, f64)> = swings
                .iter()
                .map(|s| (s.path.clone(), s.low, s.high))
                .collect();
            let (mean, rows) = crate::analysis::tornado::tornado_rows(&swings, &runs, index)?;
            let cfg = RunConfig {
                seed: first.seed,
                replications: first.replications,
                threads: None,
                max_events: opts.max_events(),
            };
            super::tornado::write_tornado_folder(&base, metric, mean, &rows, &cfg, &opts, out)?
        }
    };
    println!("  merged {} shards; wrote {}", first.shards, dir.display());
    Ok(())
}

/// `leaksim merge` of explore shard folders: checks that they are the M shards of one
/// exploration, plans it again from the deals they carry and the options they record, joins
/// their draws in draw order and writes the exploration's folder as `explore` does.
fn merge_explore(dirs: &[PathBuf], opts: &SimOptions, out: &Path) -> Result<()> {
    use super::explore::{finish, plan_exploration, ExploreOptions};
    use crate::analysis::explore::driver::{metric_names, Draws};
    use crate::output::explore_shards::{check_same_exploration, load_deal, read_draws};
    let manifests = dirs
        .iter()
        .map(|d| ExploreManifest::read(d))
        .collect::<Result<Vec<_>>>()?;
    let order = check_same_exploration(dirs, &manifests)?;
    let first = &manifests[0];
    let manifest = dirs[0].join(crate::output::explore_shards::EXPLORE_MANIFEST);
    let deals = first
        .deal
        .iter()
        .enumerate()
        .map(|(i, d)| load_deal(&dirs[0], i, &d.digest))
        .collect::<Result<Vec<_>>>()?;
    let e = ExploreOptions {
        draws: first.draws,
        design: super::explore::parse_design(&first.design)
            .map_err(|m| Error::damaged(&manifest, format!("design: {m}")))?,
        inputs: first.inputs.clone(),
        thresholds: first.thresholds.clone(),
        name: first.name.clone(),
        discover: first.discover.clone(),
        evidence: first.evidence.clone(),
        no_evidence: first.no_evidence,
        shard: None,
    };
    if opts.parquet || opts.xlsx {
        eprintln!("note: --parquet and --xlsx change nothing for an exploration");
    }
    let opts = SimOptions {
        replications: Some(first.reps),
        seed: Some(first.seed),
        max_events: Some(first.max_events),
        command: first.command.clone(),
        sets: Vec::new(),
        parquet: false,
        xlsx: false,
        ..opts.clone()
    };
    let planned = plan_exploration(deals, &e, &opts)?;
    if planned.design.rows.len() != first.rows {
        return Err(Error::damaged(
            &manifest,
            format!(
                "{} rows of the design, but its settings lay {}",
                first.rows,
                planned.design.rows.len()
            ),
        ));
    }
    let metrics = metric_names(&planned.deals).len();
    let parts = order
        .iter()
        .map(|&i| read_draws(&dirs[i], &manifests[i], metrics))
        .collect::<Result<Vec<_>>>()?;
    let secs = manifests.iter().map(|m| m.elapsed_seconds).sum();
    let threads = manifests.iter().map(|m| m.threads).max().unwrap_or(1);
    finish(
        &planned,
        Draws::join(parts),
        &e,
        &opts,
        out,
        (secs, threads),
    )?;
    println!("  merged {} shards", first.shards);
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
