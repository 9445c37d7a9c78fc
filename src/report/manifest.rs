//! `manifest.json`: what was run, with what, and how fast.

use serde::Serialize;

/// A scenario file that contributed to the run.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestFile {
    /// Path as given.
    pub path: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
}

/// One scenario in the run.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestScenario {
    /// Scenario name.
    pub name: String,
    /// Files, the one named first, then what it extends.
    pub files: Vec<ManifestFile>,
    /// SHA-256 of the resolved (merged) scenario.
    pub resolved_sha256: String,
}

/// The run manifest.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// carecap version.
    pub carecap_version: String,
    /// Command that produced the results.
    pub command: String,
    /// Scenarios.
    pub scenarios: Vec<ManifestScenario>,
    /// Master seed.
    pub seed: u64,
    /// Replications per scenario.
    pub replications: u64,
    /// Worker threads.
    pub threads: usize,
    /// Random generator.
    pub generator: String,
    /// Version of the stream derivation.
    pub stream_derivation_version: u32,
    /// Start, RFC 3339 UTC.
    pub started: String,
    /// End, RFC 3339 UTC.
    pub finished: String,
    /// Wall-clock seconds.
    pub wall_seconds: f64,
    /// Events processed.
    pub events: u64,
    /// Events per second of wall time.
    pub events_per_second: f64,
    /// Plain sentences a planner must read before the numbers: waiting
    /// lists that grow through the horizon, units closed from the first day.
    pub warnings: Vec<String>,
}

/// SHA-256 of `bytes`, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
