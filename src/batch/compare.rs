//! `carecap compare BASELINE OPTION...`: the baseline and its options on
//! the same replications and seed, with paired differences.

use super::run::{RunError, RunOptions, RunReport, folder_name};
use super::study::{Member, execute};
use std::path::{Path, PathBuf};

/// Compares `options` with `baseline`.
pub fn compare(
    baseline: &Path,
    options: &[PathBuf],
    opts: &RunOptions,
) -> Result<RunReport, RunError> {
    let (members, shared, out_dir) = plan(baseline, options, opts)?;
    execute(members, out_dir, &shared, "compare")
}

/// The members of a comparison (baseline first, all sharing its seed and
/// replications), the options they run with, and the results folder.
pub fn plan(
    baseline: &Path,
    options: &[PathBuf],
    opts: &RunOptions,
) -> Result<(Vec<Member>, RunOptions, PathBuf), RunError> {
    let base = Member::read(baseline, opts)?;
    // Every scenario uses the baseline's replications and seed.
    let shared = RunOptions {
        replications: Some(base.loaded.scenario.scenario.replications),
        seed: Some(base.loaded.scenario.scenario.seed),
        ..opts.clone()
    };
    let mut members = vec![base];
    let mut errors = Vec::new();
    for path in options {
        match Member::read(path, &shared) {
            Ok(m) => members.push(m),
            Err(RunError::Invalid(e)) => errors.extend(e.0),
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(crate::scenario::ScenarioErrors(errors).into());
    }
    let out_dir = opts.out.clone().unwrap_or_else(|| {
        Path::new("output").join(format!("compare-{}", folder_name(&members[0].name)))
    });
    Ok((members, shared, out_dir))
}
