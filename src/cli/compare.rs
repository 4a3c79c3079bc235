//! `leaksim compare`.

use super::ending::{write_folder, Finish, Record};
use super::progress::{Bar, Step};
use super::*;
use crate::analysis::compare::compare_rows;
use crate::analysis::precision::{run_many, MultiRun, Target};
use crate::output;
use crate::sim::runner::RunResult;

/// `leaksim compare`: runs every scenario on common random numbers and compares each with the
/// baseline. Writes `out/name/` (compare.csv, tail.csv, diff.txt, each scenario's run folder).
/// `files` may instead all be shard folders (`run --shard`): each scenario's shards are joined
/// and compared without running anything.
pub fn compare(
    files: &[PathBuf],
    c: &CompareOptions,
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
) -> Result<()> {
    let (baseline, name) = (c.baseline.as_str(), c.name.as_str());
    let (scenarios, sharded, b) = deals(files, c, opts, study)?;
    crate::scenario::check_folder_name(name)
        .map_err(|m| Error::Usage(format!("--name {name}: {m}")))?;
    if let Some(r) = opts.replications {
        check_replications(r)?;
    }
    let precision = study.precision()?;
    for s in &scenarios {
        crate::analysis::budget::check(s, opts.max_events())?;
    }
    let (seed, batch) = match &sharded {
        Some(runs) => (runs[0].seed, Some(runs[0].rows.len())),
        None => shared_settings(&scenarios, opts),
    };
    let most = precision.as_ref().map_or(
        batch.unwrap_or(crate::sim::runner::DEFAULT_REPLICATIONS),
        |p| p.max_reps,
    );
    check_room(&scenarios, opts, most, sharded.is_some(), out)?;
    warn_unpaired(&scenarios, opts, seed, batch);
    let targets: Vec<(String, Target)> = (0..scenarios.len())
        .filter(|&i| i != b)
        .map(|i| {
            (
                format!("{} - {}", scenarios[i].name, baseline),
                Target::Delta {
                    run: i,
                    baseline: b,
                },
            )
        })
        .collect();
    let multi = match sharded {
        Some(runs) => MultiRun {
            runs,
            convergence: Vec::new(),
            stop: Stop::Fixed,
        },
        None => run_many(
            &crate::sim::execute::Study::new(&scenarios, seed),
            batch,
            precision.as_ref(),
            &targets,
            opts.resources(out),
            &Bar::new(opts.quiet),
        )?,
    };
    let step = Step::start(
        &format!("{name}: writing files, statistics and charts"),
        opts.quiet,
    );
    let all: Vec<&Scenario> = scenarios.iter().collect();
    let record = Record {
        seed,
        replications: multi.runs[0].rows.len(),
        scenarios: &all,
    };
    let compared = Compared {
        scenarios: &scenarios,
        multi: &multi,
        baseline: b,
        seed,
    };
    let (dir, rows) = write_folder(&out.join(name), opts, Finish::Results(record), |dir| {
        write_compare_files(dir, &compared, opts, &study.thresholds)
    })?;
    drop(step);
    print!(
        "{}",
        output::terminal::compare_table(&rows, baseline, multi.runs[0].rows.len() as usize, seed)
    );
    let uncertain = scenarios.iter().map(|s| s.params.len()).max().unwrap_or(0);
    println!("{}", output::terminal::interval_note(uncertain));
    print_stop(&multi.stop, precision.as_ref(), &dir);
    Ok(())
}

/// The options of `leaksim compare` beside the shared ones.
#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    /// `--baseline`: the scenario every other is compared with.
    pub baseline: String,
    /// `--name`: the comparison's folder.
    pub name: String,
    /// `--fx CURRENCY=RATE`.
    pub fx: Vec<String>,
}

/// The deals compared: loaded from scenario files, or joined from shard folders (with their
/// runs), in the baseline's currency; and the baseline's index.
fn deals(
    files: &[PathBuf],
    c: &CompareOptions,
    opts: &SimOptions,
    study: &StudyOptions,
) -> Result<(Vec<Scenario>, Option<Vec<RunResult>>, usize)> {
    let sharded = if files.iter().any(|f| crate::output::shards::is_shard(f)) {
        Some(join_scenarios(files, opts, study)?)
    } else {
        None
    };
    let scenarios = match &sharded {
        Some((scenarios, _)) => scenarios.clone(),
        None => load_all(files, &opts.sets)?,
    };
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let b = names
        .iter()
        .position(|n| *n == c.baseline.as_str())
        .ok_or_else(|| {
            Error::Usage(format!(
                "--baseline `{}` is not among the scenarios compared ({}){}",
                c.baseline,
                names.join(", "),
                crate::error::suggestion(&c.baseline, names.iter().copied())
            ))
        })?;
    let fx = super::fx::parse_fx(&c.fx)?;
    let scenarios = if sharded.is_some() {
        super::fx::align_currencies(&[], &opts.sets, scenarios, b, &fx)?
    } else {
        super::fx::align_currencies(files, &opts.sets, scenarios, b, &fx)?
    };
    Ok((scenarios, sharded.map(|(_, runs)| runs), b))
}

/// Refuses a comparison whose rows would not fit: the memory of each analysis and, unless shard
/// folders hold the rows, the spools of every scenario at once, plus the row files.
fn check_room(
    scenarios: &[Scenario],
    opts: &SimOptions,
    most: u64,
    sharded: bool,
    out: &Path,
) -> Result<()> {
    // Shard folders' memory was checked as they were joined.
    let mut rows = 0u64;
    for s in scenarios {
        if !sharded {
            crate::analysis::memory::check(s, most, !opts.no_charts)?;
            rows = rows.saturating_add(output::disk::spool_bytes(s, most));
        }
        rows = rows.saturating_add(output::disk::rows_file_bytes(s, most, false));
    }
    let what = format!("comparing {} scenarios", scenarios.len());
    let instead = if sharded {
        ""
    } else {
        "compare shard folders (--shard K/M on run), "
    };
    output::disk::check(out, rows, &what, instead)
}

/// Warns when the scenarios cover different periods, and notes when their `[run]` settings
/// differ (every scenario then runs with the shared `seed` and `batch`, so that they are paired).
fn warn_unpaired(scenarios: &[Scenario], opts: &SimOptions, seed: u64, batch: Option<u64>) {
    for s in &scenarios[1..] {
        let first = &scenarios[0];
        if s.horizon_days != first.horizon_days || s.start_date != first.start_date {
            eprintln!(
                "warning: `{}` ({} days from {}) and `{}` ({} days from {}) differ in horizon or start date: their figures cover different periods",
                first.name,
                first.horizon_days,
                first.start_date.as_deref().unwrap_or("day 0"),
                s.name,
                s.horizon_days,
                s.start_date.as_deref().unwrap_or("day 0")
            );
        }
    }
    let seeds: Vec<Option<u64>> = scenarios.iter().map(|s| s.run.seed).collect();
    let reps: Vec<Option<u64>> = scenarios.iter().map(|s| s.run.replications).collect();
    if (opts.seed.is_none() && seeds.iter().any(|x| *x != seeds[0]))
        || (opts.replications.is_none() && reps.iter().any(|x| *x != reps[0]))
    {
        eprintln!(
            "note: the scenarios' [run] settings differ; every scenario runs with seed {seed} and {} replications (those of `{}`), so that they are paired",
            batch.map_or("the default number of".to_string(), |b| b.to_string()),
            scenarios[0].name
        );
    }
}

/// What a comparison has run: its scenarios, their runs, the baseline's index and the seed.
struct Compared<'a> {
    scenarios: &'a [Scenario],
    multi: &'a MultiRun,
    baseline: usize,
    seed: u64,
}

/// Writes a comparison's files into `dir`: each scenario's run folder, compare.csv, tail.csv,
/// diff.txt and, with a precision target, convergence.csv. Returns compare.csv's rows.
fn write_compare_files(
    dir: &Path,
    c: &Compared,
    opts: &SimOptions,
    thresholds: &[f64],
) -> Result<Vec<crate::analysis::compare::CompareRow>> {
    let (scenarios, runs, b) = (c.scenarios, &c.multi.runs, c.baseline);
    let mut tails = Vec::new();
    for (s, r) in scenarios.iter().zip(runs) {
        let analyses = write_run_folder(&dir.join(&s.name), s, r, None, thresholds, false)?;
        write_provenance(&dir.join(&s.name), opts, c.seed, r.rows.len(), &[s])?;
        tails.push((s.name.as_str(), analyses.tail));
    }
    let tails: Vec<(&str, &[_])> = tails.iter().map(|(n, t)| (*n, t.as_slice())).collect();
    let rows = compare_rows(scenarios, runs, b)?;
    let baseline = &scenarios[b].name;
    output::studies::write_compare(&dir.join("compare.csv"), &rows, baseline)?;
    output::files::write_tail(&dir.join("tail.csv"), &tails, true)?;
    let diffs: String = scenarios
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != b)
        .map(|(_, s)| crate::scenario::diff::render(&scenarios[b], s) + "\n")
        .collect();
    output::write_atomic(&dir.join("diff.txt"), |w| w.write_all(diffs.as_bytes()))?;
    if !c.multi.convergence.is_empty() {
        let file = dir.join("convergence.csv");
        output::studies::write_convergence(&file, &c.multi.convergence)?;
    }
    Ok(rows)
}

/// The scenarios and runs of shard folders (`run --shard` of every scenario on one seed and
/// replications), grouped by scenario in the order of their first folder.
fn join_scenarios(
    dirs: &[PathBuf],
    opts: &SimOptions,
    study: &StudyOptions,
) -> Result<(Vec<Scenario>, Vec<RunResult>)> {
    if let Some(f) = dirs.iter().find(|f| !crate::output::shards::is_shard(f)) {
        return Err(Error::Usage(format!(
            "{}: not a shard folder; compare takes scenario files or shard folders, not both",
            f.display()
        )));
    }
    let given = [
        (opts.seed.is_some(), "--seed"),
        (opts.replications.is_some(), "--reps"),
        (!opts.sets.is_empty(), "--set"),
        (study.precision.is_some(), "--precision"),
    ];
    if let Some((_, o)) = given.iter().find(|(on, _)| *on) {
        return Err(Error::Usage(format!(
            "{o} does not go with shard folders: they carry their scenario, seed and replications"
        )));
    }
    let mut groups: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for d in dirs {
        let m = crate::output::shards::Manifest::read(d)?;
        match groups.iter_mut().find(|g| g.0 == m.scenario) {
            Some(g) => g.1.push(d.clone()),
            None => groups.push((m.scenario, vec![d.clone()])),
        }
    }
    let (mut scenarios, mut runs) = (Vec::new(), Vec::new());
    let mut first: Option<(String, u64, u64)> = None;
    for (name, group) in &groups {
        let crate::output::shards::Joined {
            scenario: s,
            manifest: m,
            run: r,
        } = crate::output::shards::join(group, !opts.no_charts)?;
        match &first {
            None => first = Some((name.clone(), m.seed, m.replications)),
            Some((f, seed, reps)) if (*seed, *reps) != (m.seed, m.replications) => {
                return Err(Error::Usage(format!(
                    "the shards of `{name}` ran seed {} and {} replications, those of `{f}` seed {seed} and {reps}: compared scenarios must share both to be paired",
                    m.seed, m.replications
                )));
            }
            Some(_) => {}
        }
        scenarios.push(s);
        runs.push(r);
    }
    Ok((scenarios, runs))
}
