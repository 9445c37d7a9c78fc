//! carecap: a discrete-event simulator of palliative and end-of-life care
//! capacity and demand.
//!
//! Layers, bottom up:
//! - [`engine`]: the DES kernel (clock, event list, random streams, capacity
//!   pools, rosters, arrivals); no care words;
//! - [`stats`]: streaming statistics and queueing formulas;
//! - [`model`]: models on the kernel — the care model, one module per
//!   service, and the textbook queueing model used to validate the kernel
//!   and benchmark it;
//! - [`scenario`]: scenario files, inheritance, validation;
//! - [`report`]: CSV, charts and the HTML report;
//! - [`batch`]: replications in parallel, deterministic for any thread count.

#![warn(missing_docs)]

pub mod batch;
pub mod cli;
pub mod engine;
pub mod fsread;
pub mod model;
pub mod report;
pub mod scenario;
pub mod stats;
