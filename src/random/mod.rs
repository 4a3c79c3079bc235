//! Randomness, the bottom layer: reproducible streams, the distributions scenario files may name,
//! and the special functions both need.
//!
//! Everything above may import from here; this folder imports nothing of the crate but `error`.

pub mod dist;
pub mod special;
pub mod stream;
pub mod whole;

pub use dist::Dist;
pub use stream::{SourceId, Stream};
