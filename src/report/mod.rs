//! Everything written to disk: atomic files, the CSV tables and the run
//! manifest.

pub mod appraisal;
pub mod atomic;
pub mod manifest;
pub mod tables;
