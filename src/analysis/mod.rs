//! Analysis: numbers from replication rows, and the work budget ([`budget`]) checked before any. Statistics ([`stats`]), summaries ([`summary`]), tail
//! risk ([`tail`]), who gets the data ([`reach`]), paired comparison ([`paired`], [`compare`]), sensitivity ([`sensitivity`]),
//! closed-form queueing ([`queueing`]), and the study drivers that run scenarios in batches on
//! common random numbers ([`precision`], [`sweep`], [`tornado`]).
//!
//! Functions here return values; they write nothing and print nothing. Progress and cancellation
//! reach the drivers through [`precision::Progress`]. Imports `sim`, `model`, `scenario`, `random`;
//! `output` and `cli` import it.

pub mod budget;
pub mod compare;
pub mod explore;
pub mod memory;
pub mod paired;
pub mod precision;
pub mod queueing;
pub mod reach;
pub mod routes;
pub mod sensitivity;
pub mod stats;
pub mod structural;
pub mod summary;
pub mod sweep;
pub mod tail;
pub mod tornado;
