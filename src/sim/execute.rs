//! The one executor. A [`Study`] says what to simulate (its points: resolved scenarios, each a run
//! of its own, on one seed); an [`Executor`] (one worker pool and the work budget of a
//! replication) runs any range of its replications into one [`Sink`] per point. A direct run, a
//! `--precision` batch, a compare, a sweep point, a tornado swing, an explore draw and a shard
//! are all calls of [`Executor::execute`]; they differ only in the range and in the sink.
//!
//! Replication `r` of a point depends on `(seed, r)` alone, so the rows are the same whatever
//! the threads, the ranges or the order in which ranges run.

use super::engine::{self, Workspace};
use super::observe::NoTrace;
use super::row::RepRow;
use super::runner::{draw_params, timeline_days, RunConfig, RunResult};
use super::spool::Spool;
use super::timeline::Timeline;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How a study reports its progress and learns that the user wants it to stop. The command
/// layer shows a progress bar; tests and library users may pass [`Silent`].
pub trait Progress: Sync {
    /// Replications planned so far (called again when more batches are planned).
    fn planned(&self, label: &str, replications: u64);
    /// One replication is done.
    fn done_one(&self);
    /// The study has ended.
    fn finish(&self);
    /// Set when the study should stop as soon as it can.
    fn cancel(&self) -> &AtomicBool;
}

/// Reports nothing and is never cancelled.
#[derive(Default)]
pub struct Silent(AtomicBool);

impl Progress for Silent {
    fn planned(&self, _label: &str, _replications: u64) {}
    fn done_one(&self) {}
    fn finish(&self) {}
    fn cancel(&self) -> &AtomicBool {
        &self.0
    }
}

/// Where the executor puts a point's rows: handed over in replication order, a chunk at a time.
pub trait Sink {
    /// Takes the rows of the next replications.
    fn take(&mut self, rows: Vec<RepRow>) -> Result<()>;
}

impl Sink for Spool {
    fn take(&mut self, rows: Vec<RepRow>) -> Result<()> {
        self.append(&rows)
    }
}

impl Sink for Vec<RepRow> {
    fn take(&mut self, mut rows: Vec<RepRow>) -> Result<()> {
        self.append(&mut rows);
        Ok(())
    }
}

/// What to simulate: the points (each a resolved scenario, run on its own rows and timeline) and
/// the seed they share, so that points are compared on common random numbers.
#[derive(Clone, Copy, Debug)]
pub struct Study<'a> {
    /// The points, in order.
    pub points: &'a [Scenario],
    /// Seed of every random stream.
    pub seed: u64,
}

impl<'a> Study<'a> {
    /// A study of `points` on `seed`.
    pub fn new(points: &'a [Scenario], seed: u64) -> Study<'a> {
        Study { points, seed }
    }

    /// One output per point: its sink (made by `sink` from the point), an empty timeline.
    pub fn outputs<S>(
        &self,
        mut sink: impl FnMut(&Scenario) -> Result<S>,
    ) -> Result<Vec<Output<S>>> {
        self.points
            .iter()
            .map(|s| Ok(Output::new(s, sink(s)?)))
            .collect()
    }

    /// One spool per point, each in a temporary folder of its own under `dir`.
    pub fn spools(&self, dir: &std::path::Path) -> Result<Vec<Output<Spool>>> {
        self.outputs(|s| super::runner::spool_for(s, dir))
    }

    /// Whose replications a progress bar counts: the point's name, or how many points.
    pub fn label(&self) -> String {
        match self.points {
            [one] => one.name.clone(),
            many => format!("{} runs", many.len()),
        }
    }
}

/// What one point has produced so far: its rows (in a sink), its daily timeline, and the time
/// spent simulating it.
#[derive(Debug)]
pub struct Output<S> {
    /// The rows, in replication order.
    pub rows: S,
    /// Daily timeline across its replications.
    pub timeline: Timeline,
    /// Wall-clock time spent on it.
    pub elapsed: Duration,
}

impl<S> Output<S> {
    /// An empty output of `s` into `rows`.
    pub fn new(s: &Scenario, rows: S) -> Output<S> {
        Output {
            rows,
            timeline: Timeline::new(timeline_days(s)),
            elapsed: Duration::ZERO,
        }
    }
}

impl Output<Spool> {
    /// The point's run, as the writers take it.
    pub fn into_run(self, seed: u64, threads: usize) -> RunResult {
        RunResult {
            rows: self.rows,
            timeline: self.timeline,
            seed,
            elapsed: self.elapsed,
            threads,
        }
    }
}

/// `--shard K/M`: the K-th (0-based) of M contiguous ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard (0-based).
    pub k: u64,
    /// Shards in all.
    pub m: u64,
}

impl Shard {
    /// Parses `K/M` (0 <= K < M).
    pub fn parse(text: &str) -> std::result::Result<Shard, String> {
        let bad = || {
            format!("expected K/M with 0 <= K < M (e.g. 0/4, or $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), found `{text}`")
        };
        let (k, m) = text.split_once('/').ok_or_else(bad)?;
        let (k, m): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            m.trim().parse().map_err(|_| bad())?,
        );
        if m == 0 || k >= m {
            return Err(bad());
        }
        Ok(Shard { k, m })
    }

    /// Refuses more shards than the `n` replications of `name` (a shard would be empty).
    pub fn check(&self, n: u64, name: &str) -> Result<()> {
        if self.m > n {
            return Err(Error::Usage(format!(
                "--shard {}/{}: more shards than the {n} replications of `{name}`",
                self.k, self.m
            )));
        }
        Ok(())
    }

    /// Its replications of `n`: `(first, count)`, the ranges of the M shards covering 0..n once.
    pub fn range(&self, n: u64) -> (u64, u64) {
        let at = |k: u64| (u128::from(n) * u128::from(k) / u128::from(self.m)) as u64;
        (at(self.k), at(self.k + 1) - at(self.k))
    }
}

/// Replications simulated at once and held in memory before they go to the sink.
pub const CHUNK: u64 = 16_384;

/// Runs studies: one pool of worker threads, and the events a replication may take.
pub struct Executor {
    pool: rayon::ThreadPool,
    max_events: u64,
}

/// What one worker accumulates: its workspace, its rows (tagged with their replication) and its
/// part of the timeline.
struct Part {
    workspace: Workspace,
    rows: Vec<(u64, RepRow)>,
    timeline: Timeline,
}

impl Executor {
    /// An executor on `threads` workers (None: one per core) with a budget of `max_events`
    /// events per replication. This is where leaksim builds its worker pools.
    pub fn new(threads: Option<usize>, max_events: u64) -> Result<Executor> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.unwrap_or(0))
            .build()
            .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
        Ok(Executor { pool, max_events })
    }

    /// Worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs replications `range` of every point of `study`, point after point, into `outputs`
    /// (one per point, in order), [`CHUNK`] replications at a time. Returns
    /// [`Error::Interrupted`] when `progress` is cancelled and [`Error::Budget`] when a
    /// replication needs more events than the budget.
    pub fn execute<S: Sink>(
        &self,
        study: &Study,
        range: Range<u64>,
        outputs: &mut [Output<S>],
        progress: &dyn Progress,
    ) -> Result<()> {
        for (s, out) in study.points.iter().zip(outputs) {
            let start = Instant::now();
            let mut at = range.start;
            while at < range.end {
                let end = range.end.min(at.saturating_add(CHUNK));
                let rows = self.chunk(s, study.seed, at..end, progress, &mut out.timeline)?;
                out.rows.take(rows)?;
                at = end;
            }
            out.elapsed += start.elapsed();
        }
        Ok(())
    }

    /// `f` of every index of `range`, in parallel on this executor's workers (an `f` that runs
    /// replications nests its own parallel pieces in the same workers), in index order; the
    /// first error in index order, if any.
    pub fn each<T: Send>(
        &self,
        range: Range<usize>,
        f: impl Fn(usize) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        self.pool
            .install(|| range.into_par_iter().map(&f).collect::<Vec<Result<T>>>())
            .into_iter()
            .collect()
    }

    /// Replications `range` of `s` on `seed`, in memory (for small runs: tests, explore draws).
    pub fn rows(
        &self,
        s: &Scenario,
        seed: u64,
        range: Range<u64>,
        progress: &dyn Progress,
    ) -> Result<Vec<RepRow>> {
        let study = Study::new(std::slice::from_ref(s), seed);
        let mut out = [Output::new(s, Vec::new())];
        self.execute(&study, range, &mut out, progress)?;
        let [out] = out;
        Ok(out.rows)
    }

    /// Simulates replications `range` of `s` in parallel, adding their days to `timeline`;
    /// the rows come back in replication order.
    fn chunk(
        &self,
        s: &Scenario,
        seed: u64,
        range: Range<u64>,
        progress: &dyn Progress,
        timeline: &mut Timeline,
    ) -> Result<Vec<RepRow>> {
        let fixed_model = s.params.is_empty().then(|| Model::build(s, &[]));
        let days = timeline_days(s);
        let new_part = || Part {
            workspace: Workspace::new(),
            rows: Vec::new(),
            timeline: Timeline::new(days),
        };
        let cancel = progress.cancel();
        // The first replication found over its budget, if any: the others then stop.
        let over = AtomicU64::new(u64::MAX);
        let max_events = self.max_events;
        // Pieces of at least 64 replications, fewer when that would leave a thread idle (an
        // explore draw of 100): the rows come back in replication order either way.
        let len = (range.end - range.start) as usize;
        let min_len = (len / (4 * self.pool.current_num_threads())).clamp(1, 64);
        let part = self.pool.install(|| {
            (range.start as usize..range.end as usize)
                .into_par_iter()
                .with_min_len(min_len)
                .fold(new_part, |mut part, rep| {
                    let rep = rep as u64;
                    if cancel.load(Ordering::Relaxed) || over.load(Ordering::Relaxed) != u64::MAX {
                        return part;
                    }
                    let params = draw_params(s, seed, rep);
                    let built;
                    let model = match &fixed_model {
                        Some(m) => m,
                        None => {
                            built = Model::build(s, &params);
                            &built
                        }
                    };
                    let o = engine::simulate(
                        model,
                        engine::Replication {
                            seed,
                            rep,
                            max_events,
                        },
                        &mut part.workspace,
                        &mut NoTrace,
                        &mut part.timeline,
                    );
                    if o.over_budget {
                        over.fetch_min(rep, Ordering::Relaxed);
                        return part;
                    }
                    part.timeline.finish_replication();
                    part.rows.push((
                        rep,
                        RepRow {
                            metrics: o.metrics,
                            params,
                            paths: o.paths,
                            reach: o.reach,
                            windows: o.windows,
                        },
                    ));
                    progress.done_one();
                    part
                })
                .reduce(new_part, |mut a, b| {
                    a.rows.extend(b.rows);
                    a.timeline.merge(&b.timeline);
                    a
                })
        });
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        let rep = over.load(Ordering::Relaxed);
        if rep != u64::MAX {
            return Err(Error::Budget(format!(
                "`{}`: replication {rep} needs more than the budget of {max_events} events (an insider counts {} events): its uncertain parameters drew values too large to simulate; raise the budget with --max-events N, or narrow the distributions",
                s.name,
                engine::EVENTS_PER_INSIDER
            )));
        }
        let mut rows = part.rows;
        rows.sort_unstable_by_key(|(rep, _)| *rep);
        timeline.merge(&part.timeline);
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    }
}

/// Runs all replications of a scenario, spooling rows under `spool_dir`.
pub fn run(
    s: &Scenario,
    cfg: &RunConfig,
    spool_dir: &std::path::Path,
    progress: &dyn Progress,
) -> Result<RunResult> {
    let exec = Executor::new(cfg.threads, cfg.max_events)?;
    let study = Study::new(std::slice::from_ref(s), cfg.seed);
    let mut outputs = study.spools(spool_dir)?;
    exec.execute(&study, 0..cfg.replications, &mut outputs, progress)?;
    let out = outputs.pop().expect("one point, one output");
    Ok(out.into_run(cfg.seed, exec.threads()))
}
