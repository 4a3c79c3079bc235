//! `leaksim sweep`.

use super::progress::Bar;
use super::*;
use crate::analysis::precision::{run_many, Target};
use crate::analysis::summary::metric_summaries;
use crate::analysis::sweep::{parse_vary, sweep_scenarios, Vary};
use crate::output;
use crate::output::folder::Staged;

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
    let folder = name
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}-sweep", scenarios[0].name));
    crate::scenario::check_folder_name(&folder)
        .map_err(|m| Error::Usage(format!("--name {folder}: {m}")))?;
    let (seed, batch) = shared_settings(&scenarios, opts);
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
    let paths: Vec<String> = varies.iter().map(|v| v.path.clone()).collect();
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
        &scenarios,
        seed,
        batch,
        precision.as_ref(),
        &targets,
        opts.resources(out),
        &Bar::new(opts.quiet),
    )?;
    let stage = Staged::begin(&out.join(&folder))?;
    let dir = stage.path().to_path_buf();
    let summaries = multi
        .runs
        .iter()
        .map(metric_summaries)
        .collect::<Result<Vec<_>>>()?;
    output::studies::write_sweep(&dir.join("sweep.csv"), &paths, &labels, &summaries)?;
    if precision.is_some() {
        output::studies::write_convergence(&dir.join("convergence.csv"), &multi.convergence)?;
    }
    let base = Scenario::load(file, &opts.sets)?;
    write_provenance(&dir, opts, seed, multi.runs[0].rows.len(), &[&base])?;
    let resolved = base.resolved_toml(seed, multi.runs[0].rows.len());
    output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    finish_folder(&dir, opts)?;
    let dir = stage.target().to_path_buf();
    stage.commit()?;
    print!(
        "{}",
        output::terminal::sweep_table(&paths, &labels, &summaries)
    );
    print_stop(&multi.stop, precision.as_ref(), &dir);
    Ok(())
}
