//! carecap: a discrete-event simulator of palliative and end-of-life care
//! capacity and demand.
//!
//! Layers, bottom up:
//! - [`engine`]: the DES kernel (clock, event list, random streams, capacity
//!   pools, rosters, arrivals); no care words;
//! - [`stats`]: streaming statistics and queueing formulas;
//! - [`queueing`]: textbook queueing systems built on the kernel, used to
//!   validate it and to benchmark it;
//! - [`batch`]: replications in parallel, deterministic for any thread count.

#![warn(missing_docs)]

pub mod batch;
pub mod cli;
pub mod engine;
pub mod fsread;
pub mod model;
pub mod queueing;
pub mod report;
pub mod scenario;
pub mod stats;
