//! One scenario made ready to run, once: load (with `extends`) → apply the
//! command line's overrides (`--reps`, `--seed`) → validate → phase the
//! interventions → compile the care model's configuration. Every command
//! that runs scenarios (run, compare, batch, a shard, merge, slurm) builds
//! its scenarios through [`Plan::build`] and nothing validates or compiles
//! a scenario a second time.

use super::run::result_keys;
use crate::model::config::CareConfig;
use crate::report::manifest::{ManifestFile, ManifestScenario, sha256_hex};
use crate::report::tables::Key;
use crate::scenario::schedule::Phase;
use crate::scenario::{self, Loaded, ScenarioErrors};
use std::path::Path;
use std::sync::Arc;

/// What the command line changes in a scenario before it is checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--reps`: replications.
    pub replications: Option<u32>,
    /// `--seed`: the master seed.
    pub seed: Option<u64>,
}

impl Overrides {
    /// Writes the overrides into `loaded`'s scenario.
    fn apply(&self, loaded: &mut Loaded) {
        let meta = &mut loaded.scenario.scenario;
        if let Some(r) = self.replications {
            meta.replications = r;
        }
        if let Some(s) = self.seed {
            meta.seed = s;
        }
    }
}

/// A scenario checked and compiled, ready to simulate.
#[derive(Debug)]
pub struct Plan {
    /// Scenario name.
    pub name: String,
    /// The scenario as loaded, with the overrides applied.
    pub loaded: Loaded,
    /// Its phases (the scenario as it stands, then one per change date).
    pub phases: Vec<Phase>,
    /// The compiled configuration of every phase.
    pub config: Arc<CareConfig>,
    /// The result keys it reports.
    pub keys: Vec<(usize, Key)>,
    /// Its files and their hashes, for the manifest.
    pub sources: ManifestScenario,
}

impl Plan {
    /// Loads the scenario at `path` and builds its plan.
    pub fn read(path: &Path, overrides: &Overrides) -> Result<Plan, ScenarioErrors> {
        Plan::build(scenario::load::load(path)?, overrides)
    }

    /// Applies `overrides` to a loaded (not yet checked) scenario, checks
    /// it and its phases, and compiles it.
    pub fn build(mut loaded: Loaded, overrides: &Overrides) -> Result<Plan, ScenarioErrors> {
        overrides.apply(&mut loaded);
        let scenario::Checked { loaded, phases } = scenario::check(loaded)?;
        let config = CareConfig::from_phases(&phases);
        let keys = result_keys(&config);
        let sources = ManifestScenario {
            name: loaded.scenario.scenario.name.clone(),
            files: loaded
                .files
                .iter()
                .map(|f| ManifestFile {
                    path: f.path.display().to_string(),
                    sha256: sha256_hex(f.text.as_bytes()),
                })
                .collect(),
            resolved_sha256: loaded.resolved_sha256.clone(),
        };
        Ok(Plan {
            name: loaded.scenario.scenario.name.clone(),
            loaded,
            phases,
            config: Arc::new(config),
            keys,
            sources,
        })
    }

    /// Replications to run.
    pub fn replications(&self) -> u64 {
        self.loaded.scenario.scenario.replications as u64
    }

    /// The master seed.
    pub fn seed(&self) -> u64 {
        self.loaded.scenario.scenario.seed
    }

    /// The overrides that give another scenario this one's replications
    /// and seed (the options of a comparison, the variants of a batch).
    pub fn same_sampling(&self) -> Overrides {
        Overrides {
            replications: Some(self.loaded.scenario.scenario.replications),
            seed: Some(self.seed()),
        }
    }
}
