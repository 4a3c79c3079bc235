//! leaksim: a discrete-event Monte Carlo simulator of user-data leakage under deal structures.
//!
//! A scenario file ([`scenario`]) describes data classes, stores, flows, actors, jurisdictions and
//! controls. [`model`] fixes its parameters for one replication, [`engine`] simulates it, [`runner`]
//! runs replications in parallel on reproducible random streams ([`rng`]), and [`stats`] and
//! [`output`] summarise and write the results.
#![warn(missing_docs)]

pub mod analysis;
pub mod app;
pub mod bench;
pub mod charts;
pub mod diff;
pub mod dist;
pub mod engine;
pub mod error;
pub mod metrics;
pub mod model;
pub mod output;
pub mod plot;
pub mod queueing;
pub mod report;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod stats;
pub mod study;
pub mod timeline;

pub use error::{Error, Result};
pub use scenario::Scenario;
