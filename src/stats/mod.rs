//! Streaming statistics: everything is updated one observation at a time,
//! so memory does not grow with run length or with replications.
//!
//! - [`Welford`]: count, mean, variance (n − 1);
//! - [`TimeWeighted`]: time-average, maximum and time above a level;
//! - [`QuantileSketch`]: p10/p90/p95 with a 0.5% relative-error guarantee;
//! - [`ci`]: Student t intervals for means;
//! - [`erlang`]: the queueing results the engine is validated against;
//! - [`regression`]: outputs regressed on sampled parameters (global
//!   sensitivity, the variance parameters explain).

pub mod ci;
pub mod erlang;
pub mod level;
pub mod regression;
pub mod sketch;
pub mod welford;

pub use level::TimeWeighted;
pub use sketch::QuantileSketch;
pub use welford::Welford;
