//! `leaksim tornado`.

use super::ending::{write_folder, Finish, Record};
use super::progress::Bar;
use super::shard::{run_study_shard, ShardedStudy};
use super::*;
use crate::analysis::tornado::{
    tornado as run_tornado, tornado_plan, tornado_scenarios, TornadoRow,
};
use crate::output;
use crate::output::study_shards::{StudyKind, Swing};
use crate::sim::execute::Shard;
use crate::sim::execute::Study;
use crate::sim::runner::RunConfig;

/// `leaksim tornado`: swings each uncertain parameter (and each `--param`) from low to high with
/// the others at their medians, and ranks them by the swing of the metric; with `shard`, only that
/// shard's replications of every run, into a tornado shard folder for `leaksim merge`.
pub fn tornado(
    file: &Path,
    params: &[String],
    swing: f64,
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
    shard: Option<Shard>,
) -> Result<()> {
    if !(swing > 0.0 && swing.is_finite()) {
        return Err(Error::Usage(format!(
            "--swing must be > 0 (e.g. 0.5 for +/-50%), found {swing}"
        )));
    }
    let metric = metric_index(&study.metric)?;
    let s = Scenario::load(file, &opts.sets)?;
    let plan = tornado_plan(&s, params, swing)?;
    let cfg = opts.config(&s);
    check_replications(cfg.replications)?;
    let mut median_sets = opts.sets.clone();
    median_sets.extend(plan.medians.iter().cloned());
    let medians = Scenario::load(file, &median_sets)?;
    let folder = format!("{}-tornado", s.name);
    if let Some(sh) = shard {
        let scenarios = tornado_scenarios(file, &opts.sets, &plan)?;
        for p in &scenarios {
            crate::analysis::budget::check(p, cfg.max_events)?;
        }
        let kind = StudyKind::Tornado {
            metric: study.metric.clone(),
            swings: plan
                .swings
                .iter()
                .map(|(path, low, high)| Swing {
                    path: path.clone(),
                    low: *low,
                    high: *high,
                })
                .collect(),
        };
        let shard_study = ShardedStudy {
            kind,
            folder: &folder,
            scenarios: &scenarios,
            base: &medians,
        };
        return run_study_shard(&shard_study, &cfg, opts, false, sh, out);
    }
    // The base and each swing's two ends are spooled at once.
    let runs = 1 + 2 * plan.swings.len() as u64;
    let spool = output::disk::spool_bytes(&medians, cfg.replications).saturating_mul(runs);
    output::disk::check(out, spool, &format!("a tornado of {runs} runs"), "")?;
    let scenarios = tornado_scenarios(file, &opts.sets, &plan)?;
    let points = Study::new(&scenarios, cfg.seed);
    let bar = Bar::new(opts.quiet);
    let resources = opts.resources(out);
    let (base, rows) = run_tornado(&points, &plan, metric, cfg.replications, resources, &bar)?;
    let dir = write_tornado_folder(&medians, &study.metric, base, &rows, &cfg, opts, out)?;
    println!("wrote {}", dir.display());
    Ok(())
}

/// Writes a tornado's folder `out/<name>-tornado/` (tornado.csv, provenance, the scenario at its
/// medians resolved, charts) from its `rows` and the `base` mean of `metric` with every parameter
/// at its median, prints its table, and returns the folder.
pub(crate) fn write_tornado_folder(
    medians: &Scenario,
    metric: &str,
    base: f64,
    rows: &[TornadoRow],
    cfg: &RunConfig,
    opts: &SimOptions,
    out: &Path,
) -> Result<PathBuf> {
    let record = Record {
        seed: cfg.seed,
        replications: cfg.replications,
        scenarios: &[medians],
    };
    let target = out.join(format!("{}-tornado", medians.name));
    let (dir, ()) = write_folder(&target, opts, Finish::Results(record), |dir| {
        output::studies::write_tornado(&dir.join("tornado.csv"), rows, metric, base)?;
        let resolved = medians.resolved_toml(cfg.seed, cfg.replications);
        output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
            w.write_all(resolved.as_bytes())
        })
    })?;
    print!(
        "{}",
        output::terminal::tornado_table(&medians.name, metric, base, rows)
    );
    Ok(dir)
}
