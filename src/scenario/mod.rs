//! Scenario files: TOML types, `extends` resolution and merging, validation
//! with file:line:column errors, and the JSON Schema for editors.
//!
//! Entry points: [`load::load`] reads a file (and what it extends) and
//! deserialises it, every value checked by its type ([`units`]); [`check`]
//! validates what needs more than one value and phases the interventions;
//! [`read`] does both. Running a scenario goes through
//! [`batch::plan::Plan`](crate::batch::plan::Plan), which applies the
//! command line's overrides between the two.

pub mod community;
pub mod error;
pub mod load;
pub mod schedule;
pub mod support;
pub mod types;
pub mod uncertain;
pub mod units;
pub mod validate;

pub use error::{ScenarioError, ScenarioErrors};
pub use load::{Loaded, SourceFile};
pub use types::Scenario;

use std::path::Path;

/// A scenario that passed every check, with its phases.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The scenario as loaded.
    pub loaded: Loaded,
    /// Its phases: the scenario as it stands, then one per change date of
    /// its interventions (each validated).
    pub phases: Vec<schedule::Phase>,
}

/// Validates a loaded scenario and phases its interventions, once;
/// returns every problem found.
pub fn check(loaded: Loaded) -> Result<Checked, ScenarioErrors> {
    let errors = validate::validate(&loaded);
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }
    let phases = schedule::phases(&loaded)?;
    Ok(Checked { loaded, phases })
}

/// Loads, merges and checks the scenario at `path` (see [`check`]).
pub fn read(path: &Path) -> Result<Loaded, ScenarioErrors> {
    check(load::load(path)?).map(|c| c.loaded)
}

/// The JSON Schema of scenario files, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Scenario);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
