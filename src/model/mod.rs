//! Models on the [`engine`](crate::engine) kernel: the care model of a
//! region's palliative and end-of-life services, and beside it the
//! textbook queueing model ([`queueing`]) the kernel is validated against.
//! They share nothing but the kernel.
//!
//! ## The care model, one module per service
//!
//! ```text
//!             system  (replication driver: calendar, events, phases)
//!               │
//!             pathway (where a person goes next, from services' outcomes)
//!               │
//!             services (registry: every service, metric order, totals)
//!   ┌────────┬────────┼────────┬────────┬────────┬──────────┐
//! caseload  ipu  enhanced   hah    acute   advice   bereavement  outcomes
//!   └──────── each: compiled config, pool, staff, levels, tallies, rows
//!             config (the compiled plan) · parts · person · ids · metrics · workforce · dist
//! ```
//!
//! `parts` splits a region into groups of boroughs that share no service;
//! `system` runs each on its own event list between calendar events.
//!
//! Beside them: the supportive services (`day_hospice`, `outpatients`,
//! `psychology`), the community side upstream of the specialist services
//! (`caring`: community partners; `coordination`: care coordinators in
//! primary care) and `segments` (population segments and the keyed draw
//! that puts each resident in one).
//!
//! A service owns its compiled config (`SiteConfig`, `LineConfig`, …), its
//! capacity pool, its staff pools, its levels and tallies, and writes its
//! own metric rows; it is addressed by typed ids ([`ids`]) and never calls
//! another service or the pathway: it reports outcomes (a call answered in
//! target, the next person off a waiting list) and the pathway decides
//! what follows.
//!
//! ## A parameter's walk, from scenario file to metric
//!
//! `beds = 19` under a `[[site]]` in the scenario file is read into
//! [`scenario::types::Site`](crate::scenario::types::Site), checked by the
//! validator, compiled by [`ipu::SiteConfig::compile`] into
//! `SiteConfig::beds`; [`ipu::IpuSites`] opens `min(beds, nurses in post ÷
//! nurses per bed)` of them (`apply_staffing`), the pathway's bed rule asks
//! it for free beds, and `IpuSites::observe` integrates occupied and
//! staffed beds over time into the site's tally, which `write_year` turns
//! into `ipu_occupancy_mean`, `ipu_staffed_beds_mean` and
//! `ipu_occupancy_pct` for the site and the region.

pub mod acute;
pub mod advice;
pub mod bereavement;
pub mod care_homes;
pub mod caring;
pub mod caseload;
pub mod coaching;
pub mod config;
pub mod coordination;
pub mod day_hospice;
pub mod dist;
pub mod enhanced;
pub mod hah;
pub mod ids;
pub mod ipu;
pub mod metrics;
pub mod outcomes;
pub mod outpatients;
pub mod parts;
pub mod pathway;
pub mod person;
pub mod psychology;
pub mod queueing;
pub mod segments;
pub mod services;
pub mod system;
pub mod units;
pub mod workforce;

pub use config::CareConfig;
pub use services::{METRIC_COUNT, METRICS};
pub use system::{ReplicationResult, simulate, simulate_with_checkpoint};
