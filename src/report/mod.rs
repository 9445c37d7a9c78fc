//! Everything written to disk: atomic files, the CSV tables and the run
//! manifest.

pub mod appraisal;
pub mod atomic;
pub mod charts;
pub mod document;
pub mod manifest;
pub mod results;
pub mod tables;
pub mod warnings;
