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
        let refused = [
            (
                precision.is_some(),
                "--precision (a shard runs a fixed range of replications)",
            ),
            (
                trace_replication.is_some(),
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
        for s in &scenarios {
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
        for s in &scenarios {
            super::shard::run_shard(s, opts, &study.thresholds, sh, out)?;
        }
        return Ok(());
    }
    // Scenarios run one after the other: their files add up, one spool at a time.
    let (mut files, mut spool) = (0u64, 0u64);
    for s in &scenarios {
        let cfg = opts.config(s);
        check_replications(cfg.replications)?;
        crate::analysis::budget::check(s, cfg.max_events)?;
        let most = precision.as_ref().map_or(cfg.replications, |p| p.max_reps);
        crate::analysis::memory::check(s, most, !opts.no_charts)?;
        files = files.saturating_add(output::disk::rows_file_bytes(s, most, opts.parquet));
        spool = spool.max(output::disk::spool_bytes(s, most));
        if trace_replication.is_some() {
            files = files.saturating_add(output::disk::trace_bytes(s, cfg.max_events));
        }
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
    let what = match scenarios.as_slice() {
        [s] => format!("running `{}`", s.name),
        all => format!("running {} scenarios", all.len()),
    };
    output::disk::check(
        out,
        files.saturating_add(spool),
        &what,
        "shard it over machines (--shard K/M), ",
    )?;
    for s in &scenarios {
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
            precision.as_ref(),
            &targets,
            opts.resources(out),
            &Bar::new(opts.quiet),
        )?;
        let result = &multi.runs[0];
        let trace = match trace_replication {
            Some(t) if t >= result.rows.len() => {
                return Err(Error::Usage(format!(
                    "--trace-replication {t} is out of range: the run stopped at {} replications",
                    result.rows.len()
                )))
            }
            t => t,
        };
        let step = Step::start(
            &format!("{}: writing files, statistics and charts", s.name),
            opts.quiet,
        );
        let record = Record {
            seed: cfg.seed,
            replications: result.rows.len(),
            scenarios: &[s],
        };
        let (dir, analyses) =
            write_folder(&out.join(&s.name), opts, Finish::Results(record), |dir| {
                let thresholds = &study.thresholds;
                let analyses = write_run_folder(dir, s, result, None, thresholds, opts.parquet)?;
                if let Some(t) = trace {
                    output::trace::write(&dir.join("trace.csv"), s, cfg.seed, t)?;
                }
                if precision.is_some() {
                    let file = dir.join("convergence.csv");
                    output::studies::write_convergence(&file, &multi.convergence)?;
                }
                Ok(analyses)
            })?;
        drop(step);
        print!(
            "{}",
            output::terminal::run_summary(s, result, &analyses.summary)
        );
        print_stop(&multi.stop, precision.as_ref(), &dir);
    }
    Ok(())
}
