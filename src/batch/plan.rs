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
use crate::scenario::load::ReplicationsSetBy;
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
    /// `--shard K/N` or `carecap slurm --shards N`: the study is split into
    /// N shards, and the size limits apply to one shard's replications (0
    /// or 1: not split).
    pub shards: u64,
    /// The replications are the study's baseline's (an option of a
    /// comparison or batch), not the command line's.
    pub from_baseline: bool,
}

impl Overrides {
    /// Writes the overrides into `loaded`'s scenario.
    fn apply(&self, loaded: &mut Loaded) {
        let meta = &mut loaded.scenario.scenario;
        if let Some(r) = self.replications {
            meta.replications = r;
            loaded.replications_set_by = match self.from_baseline {
                true => ReplicationsSetBy::Baseline,
                false => ReplicationsSetBy::CommandLine,
            };
        }
        if let Some(s) = self.seed {
            meta.seed = s;
        }
        loaded.shards = self.shards.max(1);
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
    /// The parameter set of every replication, when any parameter is a
    /// distribution.
    pub sets: Option<ParameterSets>,
}

/// The stream name of the Latin hypercube column that picks each
/// replication's set from a file of joint parameter sets (no parameter's
/// name: those are paths from the top-level table, never beginning `[`).
const JOINT_SETS: &str = "[uncertainty] sets";

/// The sampled values of a scenario's uncertain parameters, one set per
/// replication: Latin hypercubes over blocks of the scenario's
/// replications (see [`crate::scenario::uncertain`]).
#[derive(Debug, Clone)]
pub struct ParameterSets {
    /// The parameters' names, in the scenario's order.
    pub names: Vec<String>,
    /// Replications per Latin hypercube block.
    block: u64,
    /// `values[rep][param]`.
    values: Vec<Vec<f64>>,
}

impl ParameterSets {
    /// The sets of replications `0..reps` of `loaded` with `seed`, in
    /// blocks of `block` replications.
    pub fn new(loaded: &Loaded, seed: u64, block: u64, reps: u64) -> ParameterSets {
        let mut sets = ParameterSets {
            names: loaded.uncertain.iter().map(|p| p.name.clone()).collect(),
            block: block.max(1),
            values: Vec::new(),
        };
        sets.extend_to(loaded, seed, reps);
        sets
    }

    /// Adds whole blocks until replications `0..reps` have a set. A
    /// parameter given as a distribution has its own Latin hypercube
    /// column; the parameters of a file of joint sets share one, which
    /// picks the set (stratified over the sets, so each is used about
    /// equally often), and take that set's values together.
    pub fn extend_to(&mut self, loaded: &Loaded, seed: u64, reps: u64) {
        use crate::scenario::uncertain::{Distribution, latin_hypercube_column};
        while (self.values.len() as u64) < reps {
            let b = self.values.len() as u64 / self.block;
            let size = self.block as usize;
            let mut chosen_set: Option<Vec<usize>> = None;
            let columns: Vec<Vec<f64>> = loaded
                .uncertain
                .iter()
                .map(|p| match &p.distribution {
                    Distribution::Sets(values) => {
                        let set = chosen_set.get_or_insert_with(|| {
                            latin_hypercube_column(seed, JOINT_SETS, b, size)
                                .into_iter()
                                .map(|u| ((u * values.len() as f64) as usize).min(values.len() - 1))
                                .collect()
                        });
                        set.iter().map(|&i| values[i]).collect()
                    }
                    _ => latin_hypercube_column(seed, &p.name, b, size)
                        .into_iter()
                        .map(|u| p.quantile(u))
                        .collect(),
                })
                .collect();
            for i in 0..size {
                self.values.push(columns.iter().map(|c| c[i]).collect());
            }
        }
    }

    /// The values of replication `rep` (empty beyond the sets drawn).
    pub fn of(&self, rep: u64) -> &[f64] {
        self.values.get(rep as usize).map_or(&[], Vec::as_slice)
    }
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
        let sets = (!loaded.uncertain.is_empty()).then(|| {
            let reps = loaded.scenario.scenario.replications as u64;
            ParameterSets::new(&loaded, loaded.scenario.scenario.seed, reps, reps)
        });
        if let Some(sets) = &sets {
            preflight(&loaded, sets, 0)?;
        }
        let config = CareConfig::from_phases(&phases);
        let keys = result_keys(&config);
        let sources = ManifestScenario {
            name: loaded.scenario.scenario.name.clone(),
            files: loaded
                .files
                .iter()
                .chain(&loaded.sets_file)
                .map(|f| ManifestFile {
                    path: f.path.display().to_string(),
                    sha256: sha256_hex(f.text.as_bytes()),
                })
                .collect(),
            resolved_sha256: loaded.resolved_sha256.clone(),
            currency: loaded.scenario.costs.currency.symbol().to_string(),
            uncertain_parameters: loaded.uncertain.iter().map(|p| p.name.clone()).collect(),
        };
        Ok(Plan {
            name: loaded.scenario.scenario.name.clone(),
            loaded,
            phases,
            config: Arc::new(config),
            keys,
            sources,
            sets,
        })
    }

    /// The compiled configuration replication `rep` runs: the plan's own,
    /// or, when parameters are uncertain, the scenario with that
    /// replication's parameter set (checked before the run started).
    pub fn config_for(&self, rep: u64) -> Result<Arc<CareConfig>, ScenarioErrors> {
        match &self.sets {
            None => Ok(self.config.clone()),
            Some(sets) => {
                let checked = sampled(&self.loaded, sets, rep)?;
                Ok(Arc::new(CareConfig::from_phases(&checked.phases)))
            }
        }
    }

    /// Draws parameter sets for replications up to `reps` (more Latin
    /// hypercube blocks, for `--precision`) and checks them.
    pub fn extend_sets(&mut self, reps: u64) -> Result<(), ScenarioErrors> {
        let seed = self.seed();
        if let Some(sets) = &mut self.sets {
            let from = sets.values.len() as u64;
            sets.extend_to(&self.loaded, seed, reps);
            preflight(&self.loaded, sets, from)?;
        }
        Ok(())
    }

    /// Replications to run.
    pub fn replications(&self) -> u64 {
        self.loaded.scenario.scenario.replications as u64
    }

    /// The master seed.
    pub fn seed(&self) -> u64 {
        self.loaded.scenario.scenario.seed
    }

    /// The parameter names and values of replication `rep` (none when
    /// every parameter is fixed).
    pub fn parameters(&self, rep: u64) -> Vec<(&str, f64)> {
        self.sets.as_ref().map_or_else(Vec::new, |s| {
            s.names
                .iter()
                .map(String::as_str)
                .zip(s.of(rep).iter().copied())
                .collect()
        })
    }

    /// The overrides that give another scenario this one's replications
    /// and seed (the options of a comparison, the variants of a batch).
    pub fn same_sampling(&self) -> Overrides {
        Overrides {
            replications: Some(self.loaded.scenario.scenario.replications),
            seed: Some(self.seed()),
            shards: self.loaded.shards,
            from_baseline: true,
        }
    }
}

/// `loaded` with replication `rep`'s parameter set, checked and phased.
fn sampled(
    loaded: &Loaded,
    sets: &ParameterSets,
    rep: u64,
) -> Result<scenario::Checked, ScenarioErrors> {
    let values = sets.of(rep);
    loaded
        .with_values(values)
        .and_then(scenario::check)
        .map_err(|ScenarioErrors(errors)| {
            let set: Vec<String> = sets
                .names
                .iter()
                .zip(values)
                .map(|(n, v)| format!("{n} = {v}"))
                .collect();
            ScenarioErrors(
                errors
                    .into_iter()
                    .map(|mut e| {
                        e.message = format!(
                            "{} (with replication {rep}'s sampled parameters: {})",
                            e.message,
                            set.join(", ")
                        );
                        e
                    })
                    .collect(),
            )
        })
}

/// Checks the parameter sets of replications `from..` before anything
/// runs, so a sampled set the scenario's checks refuse (shares that no
/// longer add up, say) is an input error, not a failure mid-run.
fn preflight(loaded: &Loaded, sets: &ParameterSets, from: u64) -> Result<(), ScenarioErrors> {
    use rayon::prelude::*;
    let reps: Vec<u64> = (from..sets.values.len() as u64).collect();
    reps.par_iter()
        .map(|&rep| sampled(loaded, sets, rep).map(|_| ()))
        .find_first(Result::is_err)
        .unwrap_or(Ok(()))
}
