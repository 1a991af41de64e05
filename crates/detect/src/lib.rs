//! Leak detection: statistics and detectors per leak family.
//!
//! Pure logic: a series of [`snapshot::Snapshot`]s in, [`finding::Report`] out. No I/O.

pub mod caveats;
pub mod engine;
pub mod finding;
pub mod frames;
pub mod from_profile;
pub mod goroutine;
pub mod growth;
pub mod hangover;
pub mod heap;
pub mod mechanism;
pub mod resource;
pub mod retention;
pub mod snapshot;
pub mod source;
pub mod stats;
