//! The one ending of every command that writes a folder: stage it, let the command write its
//! files, record its provenance, add `results.xlsx` and the charts as the options ask, and
//! commit it whole (the earlier folder replaced at once, or left as it was on any error or
//! Ctrl-C). A fix to how folders are finished lands here once.

use super::*;
use crate::output::folder::Staged;

/// What `provenance.toml` records of a folder: the seed, the replications and the scenarios.
pub(crate) struct Record<'a> {
    /// Seed of every run in the folder.
    pub seed: u64,
    /// Replications of each run.
    pub replications: u64,
    /// The scenarios whose digests it lists.
    pub scenarios: &'a [&'a Scenario],
}

/// How a folder ends.
pub(crate) enum Finish<'a> {
    /// A results folder: provenance, then `results.xlsx` and the charts as `opts` asks.
    Results(Record<'a>),
    /// A results folder whose charts the command draws itself once its provenance is written
    /// (`explore`), unless charts are off.
    DrawnBy(Record<'a>, &'a dyn Fn(&Path) -> Result<()>),
    /// A shard folder: the command's files only (merge finishes the run).
    Shard,
}

/// Stages `target`, lets `write` fill the staging folder, finishes it as `finish` says, and
/// commits it. Returns the folder's final path and what `write` returned.
pub(crate) fn write_folder<T>(
    target: &Path,
    opts: &SimOptions,
    finish: Finish,
    write: impl FnOnce(&Path) -> Result<T>,
) -> Result<(PathBuf, T)> {
    let stage = Staged::begin(target)?;
    let dir = stage.path().to_path_buf();
    let written = write(&dir)?;
    match finish {
        Finish::Results(r) => {
            write_provenance(&dir, opts, r.seed, r.replications, r.scenarios)?;
            finish_folder(&dir, opts)?;
        }
        Finish::DrawnBy(r, draw) => {
            write_provenance(&dir, opts, r.seed, r.replications, r.scenarios)?;
            if !opts.no_charts {
                draw(&dir)?;
            }
        }
        Finish::Shard => {}
    }
    let target = stage.target().to_path_buf();
    stage.commit()?;
    Ok((target, written))
}
