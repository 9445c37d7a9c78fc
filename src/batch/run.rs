//! `carecap run`: one scenario, many replications, streamed into the
//! result tables; and what every command shares: options, errors, the
//! results folder, result keys.

use super::BatchError;
use crate::model::config::CareConfig;
use crate::model::services::{METRIC_COUNT, METRICS};
use crate::report::manifest::Manifest;
use crate::report::tables::Key;
use crate::scenario::ScenarioErrors;
use std::path::{Path, PathBuf};

/// How a study runs (what it runs is its
/// [`StudyArgs`](super::study::StudyArgs)).
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads, 0 for one per core.
    pub threads: usize,
    /// Results folder (default `output/<scenario-name>/`).
    pub out: Option<PathBuf>,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// `--precision`: run replications in batches until the chosen
    /// intervals are narrow enough.
    pub precision: Option<super::precision::Precision>,
    /// `--replications`: how the per-replication table is written.
    pub replications: crate::report::replications::Format,
    /// Shards the study is split into (`--shard K/N`, `carecap slurm
    /// --shards N`; 0 or 1: not split): the size limits apply to a shard.
    pub shards: u64,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The scenario is invalid (exit code 1).
    #[error("{0}")]
    Invalid(#[from] ScenarioErrors),
    /// The results folder cannot be created or written (exit code 1).
    #[error("cannot write results to {path}: {source}")]
    Output {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing a result file failed mid-run (exit code 2).
    #[error("writing {path} failed: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// An option that cannot be used as given (exit code 1).
    #[error("{0}")]
    Refused(String),
    /// The worker pool failed (exit code 2).
    #[error(transparent)]
    Batch(#[from] BatchError),
}

impl RunError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Invalid(_) | RunError::Output { .. } | RunError::Refused(_) => 1,
            _ => 2,
        }
    }
}

/// What a finished run (or comparison) reports.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Where the results are.
    pub out_dir: PathBuf,
    /// The manifest written.
    pub manifest: Manifest,
    /// Region-wide (`ALL`) summary per year of the first scenario:
    /// (year, metric, mean, ci).
    pub headline: Vec<(i32, &'static str, f64, (f64, f64))>,
    /// Option − baseline differences (`ALL`, last year) of the headline
    /// metrics: (option, metric, mean, ci).
    pub differences: Vec<(String, &'static str, f64, (f64, f64))>,
    /// The manifest's warnings, for the terminal summary.
    pub warnings: Vec<String>,
    /// The run's hold on its results folder, kept while the sizing tables,
    /// charts and report are added.
    pub lock: Option<std::sync::Arc<crate::report::folder::FolderLock>>,
}

/// A folder name from a scenario name: letters, digits, `.`, `_`, `-`.
pub fn folder_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('.').to_string();
    if cleaned.is_empty() {
        "scenario".into()
    } else {
        cleaned
    }
}

/// Creates `dir` and checks a file can be written in it.
pub fn prepare_output(dir: &Path) -> Result<(), RunError> {
    let fail = |source| RunError::Output {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    tempfile::Builder::new()
        .prefix(".carecap-probe-")
        .tempfile_in(dir)
        .map_err(fail)?;
    Ok(())
}

/// The (value index, key) pairs reported for a configuration.
pub fn result_keys(cfg: &CareConfig) -> Vec<(usize, Key)> {
    let areas = cfg.areas();
    let mut keys = Vec::new();
    for y in 0..cfg.years as usize {
        for (a, (area, kind)) in areas.iter().enumerate() {
            for (m, def) in METRICS.iter().enumerate() {
                if def.scope.covers(*kind) && crate::model::services::reported(cfg, m) {
                    let index = (y * areas.len() + a) * METRIC_COUNT + m;
                    keys.push((
                        index,
                        Key {
                            year: cfg.start_year + y as i32,
                            area_type: crate::report::tables::area_type(*kind),
                            area: area.clone(),
                            metric: def.name,
                        },
                    ));
                }
            }
        }
    }
    keys
}

/// Runs the scenario at `path` (with the command line's `overrides`) and
/// writes its results.
pub fn run(
    path: &Path,
    overrides: &super::plan::Overrides,
    opts: &RunOptions,
) -> Result<RunReport, RunError> {
    let args = super::study::StudyArgs {
        command: super::study::StudyKind::Run,
        inputs: vec![path.to_path_buf()],
        sweep: None,
        replications: overrides.replications,
        seed: overrides.seed,
        metric: None,
        year: None,
        replications_format: opts.replications,
    };
    super::study::Study::build(&args, opts)?.run()
}
