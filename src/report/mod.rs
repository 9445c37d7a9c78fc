//! Everything written to disk: atomic files, the CSV tables and the run
//! manifest.

pub mod answers;
pub mod appraisal;
pub mod atomic;
pub mod charts;
pub mod document;
pub mod folder;
pub mod labels;
pub mod manifest;
pub mod replications;
pub mod results;
pub mod tables;
pub mod terminal;
pub mod warnings;
pub mod workbook;

/// Most bytes read from a small file of a results folder (a manifest).
pub const MAX_READ_BYTES: u64 = 64 << 20;
