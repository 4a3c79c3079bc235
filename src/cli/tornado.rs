//! `leaksim tornado`.

use super::progress::Bar;
use super::*;
use crate::analysis::tornado::{tornado as run_tornado, tornado_plan};
use crate::output;
use crate::output::folder::Staged;

/// `leaksim tornado`: swings each uncertain parameter (and each `--param`) from low to high with
/// the others at their medians, and ranks them by the swing of the metric.
pub fn tornado(
    file: &Path,
    params: &[String],
    swing: f64,
    opts: &SimOptions,
    study: &StudyOptions,
    out: &Path,
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
    // The base and each swing's two ends are spooled at once.
    let runs = 1 + 2 * plan.swings.len() as u64;
    let spool = output::disk::spool_bytes(&medians, cfg.replications).saturating_mul(runs);
    output::disk::check(out, spool, &format!("a tornado of {runs} runs"), "")?;
    let (base, rows) = run_tornado(
        file,
        &opts.sets,
        &plan,
        metric,
        &cfg,
        out,
        &Bar::new(opts.quiet),
    )?;
    let stage = Staged::begin(&out.join(format!("{}-tornado", s.name)))?;
    let dir = stage.path().to_path_buf();
    output::studies::write_tornado(&dir.join("tornado.csv"), &rows, &study.metric, base)?;
    write_provenance(&dir, opts, cfg.seed, cfg.replications, &[&medians])?;
    let resolved = medians.resolved_toml(cfg.seed, cfg.replications);
    output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    finish_folder(&dir, opts)?;
    let dir = stage.target().to_path_buf();
    stage.commit()?;
    print!(
        "{}",
        output::terminal::tornado_table(&s.name, &study.metric, base, &rows)
    );
    println!("wrote {}", dir.display());
    Ok(())
}
