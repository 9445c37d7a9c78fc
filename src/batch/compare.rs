//! `carecap compare BASELINE OPTION...`: the baseline and its options on
//! the same replications and seed, with paired differences.

use super::plan::{Overrides, Plan};
use super::run::RunError;
use crate::scenario::ScenarioErrors;
use std::path::{Path, PathBuf};

/// The scenarios of a comparison, baseline first: the baseline with the
/// command line's `overrides`, every option with the baseline's
/// replications and seed. Every problem of every file is reported.
pub fn plans(
    baseline: &Path,
    options: &[PathBuf],
    overrides: &Overrides,
) -> Result<Vec<Plan>, RunError> {
    let base = Plan::read(baseline, overrides)?;
    let shared = base.same_sampling();
    let mut plans = vec![base];
    let mut errors = Vec::new();
    for path in options {
        match Plan::read(path, &shared) {
            Ok(p) => plans.push(p),
            Err(e) => errors.extend(e.0),
        }
    }
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors).into());
    }
    Ok(plans)
}
