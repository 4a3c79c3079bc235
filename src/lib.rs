//! leaksim: a discrete-event Monte Carlo simulator of user-data leakage under deal structures.
//!
//! The pipeline runs top to bottom, and imports flow the same way, from the commands down:
//!
//! - [`cli`]: one function per command (run, compare, sweep, tornado, diff, plot, validate, bench),
//!   progress and cancellation; the binary `src/main.rs` only parses the command line and calls it.
//! - [`output`]: files (CSV columns and writers, `report.html`, charts) and terminal text; it
//!   formats what analysis computed.
//! - [`analysis`]: numbers from replication rows (statistics, tail risk, paired comparison,
//!   sensitivity, queueing formulas) and the study drivers (precision targets, sweeps, tornados).
//! - [`sim`]: the discrete-event engine, its metric row, trace and timeline observers, and the
//!   replication runner (parallel, reproducible).
//! - [`model`]: a scenario with its parameters fixed for one replication, as indices and bit sets.
//! - [`scenario`]: scenario files read with positions, `extends`, `--set`, checks, the resolved
//!   form, `diff`, dates.
//! - [`random`]: reproducible random streams, distributions and special functions.
//!
//! [`error`] is shared by every stage. `docs/architecture.md` says where to add a control, a
//! metric, an output file, a chart or a command.
#![warn(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod error;
pub mod model;
pub mod output;
pub mod random;
pub mod scenario;
pub mod sim;

pub use error::{Error, Result};
pub use scenario::Scenario;
