//! `manifest.json`: what was run, with what, and how fast.

use serde::Serialize;

/// A file: a scenario file that contributed to the run (path as given), or
/// a file the run wrote (path relative to the results folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ManifestFile {
    /// Path.
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
    /// The currency its costs are in, as printed before amounts.
    pub currency: String,
    /// Its parameters given as distributions (`params.csv` has the value
    /// each replication drew).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncertain_parameters: Vec<String>,
}

/// The run manifest.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// carecap version.
    pub carecap_version: String,
    /// This run's id: every file listed in `files` belongs to it.
    pub run_id: String,
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
    /// Wall-clock seconds of the simulation (for a merge: the shards'
    /// seconds summed).
    pub wall_seconds: f64,
    /// Events processed.
    pub events: u64,
    /// Events per second of wall time (for a merge: of the shards).
    pub events_per_second: f64,
    /// Seconds the merge itself took (merged results only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_seconds: Option<f64>,
    /// What the 95% intervals of `summary.csv` and `compare.csv` are
    /// ([`CONFIDENCE_INTERVAL`] or [`UNCERTAINTY_INTERVAL`]).
    pub interval: String,
    /// Plain sentences a planner must read before the numbers: waiting
    /// lists that grow through the horizon, units closed from the first day.
    pub warnings: Vec<String>,
    /// Every file of the run in the results folder, with its SHA-256
    /// (the report and charts are added when drawn).
    pub files: Vec<ManifestFile>,
}

/// The intervals of a run whose parameters are all fixed.
pub const CONFIDENCE_INTERVAL: &str = "confidence: the 95% interval of the mean over replications \
     (Student t, kept within the metric's range); chance only, every parameter fixed";

/// The intervals of a run with parameters given as distributions.
pub const UNCERTAINTY_INTERVAL: &str = "uncertainty: the 2.5th to 97.5th percentile over \
     replications, each with its own sampled parameter set; holds what we do not know about the \
     parameters as well as chance";

/// SHA-256 of `bytes`, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
