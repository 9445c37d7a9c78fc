//! Scenario files: TOML types, `extends` resolution and merging, validation
//! with file:line:column errors, and the JSON Schema for editors.
//!
//! Entry point: [`read`] loads a file (and what it extends), deserialises it
//! and validates it, returning every problem it finds.

pub mod error;
pub mod load;
pub mod schedule;
pub mod types;
pub mod units;
pub mod validate;

pub use error::{ScenarioError, ScenarioErrors};
pub use load::{Loaded, SourceFile};
pub use types::Scenario;

use std::path::Path;

/// Loads, merges and validates the scenario at `path`, including every
/// phase its interventions create.
pub fn read(path: &Path) -> Result<Loaded, ScenarioErrors> {
    let loaded = load::load(path)?;
    let errors = validate::validate(&loaded);
    if errors.is_empty() {
        schedule::phases(&loaded)?;
        Ok(loaded)
    } else {
        Err(ScenarioErrors(errors))
    }
}

/// The JSON Schema of scenario files, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Scenario);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
