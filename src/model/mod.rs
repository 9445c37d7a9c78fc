//! The care model: palliative and end-of-life care services of a region,
//! built on the [`engine`](crate::engine) kernel.
//!
//! - [`config`]: a validated scenario compiled into rates, samplers and
//!   indices;
//! - [`care`]: the system's state, bookkeeping and event dispatch;
//! - [`pathway`]: what happens to a referred person, from referral to death;
//! - [`advice`]: the advice lines and their callers;
//! - [`workforce`]: staff supply by role and the capacity it staffs;
//! - [`metrics`]: the per-year, per-area measures and their definitions;
//! - [`dist`]: duration samplers and two-rate Poisson timing.

pub mod advice;
pub mod care;
pub mod config;
pub mod dist;
pub mod metrics;
pub mod pathway;
pub mod workforce;

pub use care::{ReplicationResult, simulate};
pub use config::CareConfig;
