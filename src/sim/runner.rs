//! Runs replications in parallel, reproducibly: replication `r` depends on `(seed, r)` alone.

use super::engine::{self, PathRow, Workspace};
use super::metrics::Metrics;
use super::observe::{NoTrace, TraceRow};
use super::spool::Spool;
use super::timeline::Timeline;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::random::{SourceId, Stream};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The seed used when neither the command line nor the scenario gives one.
pub const DEFAULT_SEED: u64 = 20_220_617;
/// Replications when neither the command line nor the scenario gives a number.
pub const DEFAULT_REPLICATIONS: u64 = 10_000;

/// How to run a scenario.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Seed of all random streams.
    pub seed: u64,
    /// Number of replications.
    pub replications: u64,
    /// Worker threads (None: all cores).
    pub threads: Option<usize>,
    /// Events a replication may take before the run stops with an error (`--max-events`).
    pub max_events: u64,
}

/// One replication's results.
#[derive(Clone, Debug)]
pub struct RepRow {
    /// Metrics.
    pub metrics: Metrics,
    /// Values drawn for the uncertain parameters, in [`Scenario::params`] order.
    pub params: Vec<f64>,
    /// Per named measurement window: reached (0/1), then records (see [`Scenario::window_columns`]).
    pub windows: Vec<f64>,
    /// Records each recipient obtained per route, class, actor and store.
    pub paths: Vec<PathRow>,
    /// Distinct records per (recipient, class), then read by staff per (jurisdiction, class):
    /// see [`crate::sim::engine::Outcome::reach`].
    pub reach: Vec<f64>,
}

/// All replications of one scenario.
#[derive(Debug)]
pub struct RunResult {
    /// Rows in replication order, on disk.
    pub rows: Spool,
    /// Daily timeline across replications.
    pub timeline: Timeline,
    /// Seed used.
    pub seed: u64,
    /// Wall-clock time of the simulation.
    pub elapsed: Duration,
    /// Threads used.
    pub threads: usize,
}

impl RunResult {
    /// Total events simulated.
    pub fn events(&self) -> Result<f64> {
        Ok(self.rows.metric(super::metrics::idx::EVENTS)?.iter().sum())
    }

    /// Replications run.
    pub fn replications(&self) -> u64 {
        self.rows.len()
    }
}

/// Draws the uncertain parameters of replication `rep` (each from its own stream).
pub fn draw_params(s: &Scenario, seed: u64, rep: u64) -> Vec<f64> {
    s.params
        .iter()
        .map(|p| {
            let mut rng = Stream::new(seed, rep, SourceId::from_name(&p.path));
            let v = p.dist.sample(&mut rng);
            if p.integer {
                v.round().max(0.0)
            } else {
                v
            }
        })
        .collect()
}

/// A thread pool with `threads` workers (None: one per core).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))
}

/// The whole days a scenario's horizon covers (the length of its timeline).
pub fn timeline_days(s: &Scenario) -> usize {
    s.horizon_days.floor().max(0.0) as usize
}

/// What one worker accumulates: its workspace, its rows (tagged with their replication) and its
/// part of the timeline.
struct Part {
    workspace: Workspace,
    rows: Vec<(u64, RepRow)>,
    timeline: Timeline,
}

/// Runs replications `first..first + count` of `s` on `pool`, adding their days to `timeline`;
/// `on_done` is called after each one. Returns [`Error::Interrupted`] if `cancel` is set, and
/// [`Error::Budget`] if a replication needs more than `max_events` events.
#[allow(clippy::too_many_arguments)]
pub fn run_range(
    s: &Scenario,
    seed: u64,
    first: u64,
    count: u64,
    max_events: u64,
    pool: &rayon::ThreadPool,
    cancel: &AtomicBool,
    on_done: &(dyn Fn() + Sync),
    timeline: &mut Timeline,
) -> Result<Vec<RepRow>> {
    let fixed_model = s.params.is_empty().then(|| Model::build(s, &[]));
    let days = timeline_days(s);
    let new_part = || Part {
        workspace: Workspace::new(),
        rows: Vec::new(),
        timeline: Timeline::new(days),
    };
    // The first replication found over its budget, if any: the others then stop.
    let over = AtomicU64::new(u64::MAX);
    let part = pool.install(|| {
        (first as usize..(first + count) as usize)
            .into_par_iter()
            .with_min_len(64)
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
                on_done();
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

/// Replications simulated at once and held in memory before they go to the spool.
pub const CHUNK: u64 = 16_384;

/// A new spool for the rows of `s`, in a temporary folder under `dir`.
pub fn spool_for(s: &Scenario, dir: &std::path::Path) -> Result<Spool> {
    Spool::create_temp(dir, s.window_columns().len(), s.params.len(), s.reach_len())
}

/// Runs replications `first..first + count` of `s` as [`run_range`] does, [`CHUNK`] at a time,
/// appending their rows to `spool` in replication order.
#[allow(clippy::too_many_arguments)]
pub fn run_into(
    s: &Scenario,
    seed: u64,
    first: u64,
    count: u64,
    max_events: u64,
    pool: &rayon::ThreadPool,
    cancel: &AtomicBool,
    on_done: &(dyn Fn() + Sync),
    timeline: &mut Timeline,
    spool: &mut Spool,
) -> Result<()> {
    let mut at = first;
    while at < first + count {
        let n = CHUNK.min(first + count - at);
        let rows = run_range(s, seed, at, n, max_events, pool, cancel, on_done, timeline)?;
        spool.append(&rows)?;
        at += n;
    }
    Ok(())
}

/// Runs all replications of a scenario, spooling rows under `spool_dir`.
pub fn run(
    s: &Scenario,
    cfg: &RunConfig,
    spool_dir: &std::path::Path,
    cancel: &AtomicBool,
    on_done: &(dyn Fn() + Sync),
) -> Result<RunResult> {
    let pool = pool(cfg.threads)?;
    let start = Instant::now();
    let mut timeline = Timeline::new(timeline_days(s));
    let mut rows = spool_for(s, spool_dir)?;
    run_into(
        s,
        cfg.seed,
        0,
        cfg.replications,
        cfg.max_events,
        &pool,
        cancel,
        on_done,
        &mut timeline,
        &mut rows,
    )?;
    Ok(RunResult {
        rows,
        timeline,
        seed: cfg.seed,
        elapsed: start.elapsed(),
        threads: pool.current_num_threads(),
    })
}

/// Every event of replication `rep`, as the untraced run simulated it.
pub fn trace(s: &Scenario, seed: u64, rep: u64) -> Vec<TraceRow> {
    let params = draw_params(s, seed, rep);
    let model = Model::build(s, &params);
    let mut rows = Vec::new();
    engine::simulate(
        &model,
        engine::Replication {
            seed,
            rep,
            max_events: u64::MAX,
        },
        &mut Workspace::new(),
        &mut rows,
        &mut (),
    );
    rows
}
