//! Simulation: the discrete-event engine ([`engine`]), the metric row it fills ([`metrics`]), what
//! it reports while running ([`observe`], [`timeline`]), the one executor ([`execute`]) that runs
//! any range of a study's replications in parallel on reproducible streams into a sink per
//! point, what a run is ([`runner`], [`row`]) and where its rows go ([`spool`]).
//!
//! This folder imports `model`, `scenario` and `random`; `analysis`, `output` and `cli` import it.

pub mod bare;
pub mod engine;
pub mod execute;
pub mod metrics;
pub mod observe;
pub mod row;
pub mod runner;
pub mod spool;
mod spool_format;
pub mod timeline;
