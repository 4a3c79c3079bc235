//! What a run is (its configuration, its result), the draws of a replication's uncertain
//! parameters, and the trace of one replication. Replications run through
//! [`super::execute::Executor`]; replication `r` depends on `(seed, r)` alone.

use super::engine::{self, Workspace};
use super::observe::{TraceRow, Tracer};
use super::spool::Spool;
use super::timeline::Timeline;
use crate::error::Result;
use crate::model::Model;
use crate::random::{SourceId, Stream};
use crate::scenario::Scenario;
use std::time::Duration;

pub use super::row::RepRow;

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

/// The whole days a scenario's horizon covers (the length of its timeline).
pub fn timeline_days(s: &Scenario) -> usize {
    s.horizon_days.floor().max(0.0) as usize
}

/// A new spool for the rows of `s`, in a temporary folder under `dir`.
pub fn spool_for(s: &Scenario, dir: &std::path::Path) -> Result<Spool> {
    Spool::create_temp(dir, s.window_columns().len(), s.params.len(), s.reach_len())
}

/// Simulates replication `rep` of `s` under `seed` exactly as the untraced run did, giving each of
/// its events to `tracer` as it happens (no work budget: the run already held it).
pub fn trace_into<T: Tracer>(s: &Scenario, seed: u64, rep: u64, tracer: &mut T) {
    let params = draw_params(s, seed, rep);
    let model = Model::build(s, &params);
    engine::simulate(
        &model,
        engine::Replication {
            seed,
            rep,
            max_events: u64::MAX,
        },
        &mut Workspace::new(),
        tracer,
        &mut (),
    );
}

/// Every event of replication `rep`, as the untraced run simulated it, held in memory (for
/// tests; `run --trace-replication` streams them with [`trace_into`]).
pub fn trace(s: &Scenario, seed: u64, rep: u64) -> Vec<TraceRow> {
    let mut rows = Vec::new();
    trace_into(s, seed, rep, &mut rows);
    rows
}
