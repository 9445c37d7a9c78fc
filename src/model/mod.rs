//! The care model: palliative and end-of-life care services of a region,
//! built on the [`engine`](crate::engine) kernel.
//!
//! - [`config`]: a validated scenario compiled into rates, samplers and
//!   indices;
//! - [`care`]: people, services and the pathway, as one event-driven model;
//! - [`metrics`]: the per-year, per-area measures and their definitions;
//! - [`dist`]: duration samplers and two-rate Poisson timing.

pub mod care;
pub mod config;
pub mod dist;
pub mod metrics;

pub use care::{ReplicationResult, simulate};
pub use config::CareConfig;
