//! Simulation: the discrete-event engine ([`engine`]), the metric row it fills ([`metrics`]), what
//! it reports while running ([`observe`], [`timeline`]), and the replication runner ([`runner`])
//! that runs replications in parallel on reproducible streams.
//!
//! This folder imports `model`, `scenario` and `random`; `analysis`, `output` and `cli` import it.

pub mod bare;
pub mod engine;
pub mod metrics;
pub mod observe;
pub mod runner;
pub mod spool;
pub mod timeline;
