//! `carecap calibrate SCENARIO --targets TARGETS.toml`: fitting a
//! scenario's uncertain parameters to what was observed.
//!
//! Method: approximate Bayesian computation by rejection (Pritchard et
//! al. 1999; Beaumont, Zhang & Balding 2002), on common random numbers.
//! The scenario's parameters given as distributions are the priors. `sets`
//! parameter sets are drawn from them (a Latin hypercube); each is run for
//! the same `replications` (so sets differ only by their parameters), over
//! the years up to the last target year. A set's distance from the data is
//! the root mean square of (simulated mean − observed) ÷ the target's sd
//! over the targets; the `accept` share of sets nearest the data is the
//! posterior sample.
//!
//! Written to the results folder: `calibration.csv` (every set: its values,
//! simulated targets, distance, accepted), `posterior.csv` (the accepted
//! sets), `fit.csv` (each target against the prior and the posterior),
//! `posterior.toml` (each parameter as a distribution fitted to the accepted
//! values by their moments, to paste into the scenario), `charts/calibration.*`
//! (prior against posterior), and `manifest.json`.

use super::plan::{Overrides, ParameterSets, Plan};
use super::run::{RunError, RunOptions, folder_name, prepare_output};
use super::run_units;
use crate::model::config::CareConfig;
use crate::model::system::simulate;
use crate::report::atomic::write_atomic;
use crate::report::folder::FolderLock;
use crate::report::tables::{csv_field, number};
use crate::scenario::uncertain::UncertainParameter;
use crate::scenario::{self, ScenarioErrors};
use crate::stats::Welford;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A targets file.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// How the fit runs.
    #[serde(default)]
    pub calibration: Settings,
    /// What was observed.
    #[serde(rename = "target")]
    pub targets: Vec<Target>,
}

/// `[calibration]`: how the fit runs.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Parameter sets drawn from the priors.
    pub sets: u32,
    /// Replications of each set (the same for every set).
    pub replications: u32,
    /// Share of sets accepted (nearest the data).
    pub accept: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sets: 200,
            replications: 2,
            accept: 0.1,
        }
    }
}

/// `[[target]]`: one observed value.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Metric (as in metrics.csv).
    pub metric: String,
    /// Area (default the region, `ALL`).
    #[serde(default = "all")]
    pub area: String,
    /// Calendar year.
    pub year: i32,
    /// Observed value.
    pub value: f64,
    /// Its uncertainty (standard deviation), above 0.
    pub sd: f64,
    /// Where the figure comes from.
    #[serde(default)]
    pub source: String,
}

fn all() -> String {
    "ALL".into()
}

/// Most parameter sets a calibration may draw.
pub const MAX_SETS: u32 = 100_000;

/// A finished calibration.
#[derive(Debug, Clone)]
pub struct Calibrated {
    /// Where the results are.
    pub out_dir: PathBuf,
    /// Sets run and accepted.
    pub sets: usize,
    /// Sets accepted.
    pub accepted: usize,
    /// Each fitted parameter.
    pub parameters: Vec<Fitted>,
    /// Per target: metric, area, year, observed, posterior mean of the simulated value.
    pub fit: Vec<(String, String, i32, f64, f64)>,
}

/// One parameter before and after the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Its name.
    pub name: String,
    /// The prior's 95% interval.
    pub prior: (f64, f64),
    /// The posterior's 95% interval (of the accepted sets).
    pub posterior: (f64, f64),
    /// The posterior mean.
    pub mean: f64,
}

/// Reads and checks a targets file.
pub fn read_targets(path: &Path) -> Result<Targets, ScenarioErrors> {
    let (targets, source): (Targets, _) = scenario::load::read_as(path, "targets")?;
    let at = |steps: &[&str], i: Option<usize>, message: String| {
        let mut path = Vec::new();
        for (k, s) in steps.iter().enumerate() {
            path.push(scenario::error::PathStep::Key(s.to_string()));
            if k == 0
                && let Some(i) = i
            {
                path.push(scenario::error::PathStep::Index(i));
            }
        }
        scenario::load::locate_error(std::slice::from_ref(&source), &path, message)
    };
    let mut errors = Vec::new();
    let s = &targets.calibration;
    if s.sets < 2 || s.sets > MAX_SETS {
        errors.push(at(
            &["calibration", "sets"],
            None,
            format!("expected 2 to {MAX_SETS} parameter sets, found {}", s.sets),
        ));
    }
    if s.replications == 0 || s.replications > 1000 {
        errors.push(at(
            &["calibration", "replications"],
            None,
            format!(
                "expected 1 to 1000 replications per set, found {}",
                s.replications
            ),
        ));
    }
    if !(s.accept > 0.0 && s.accept <= 1.0) || (s.accept * s.sets as f64) < 1.0 {
        errors.push(at(
            &["calibration", "accept"],
            None,
            format!(
                "expected a share above 0 and at most 1 that accepts at least one set, found {}",
                s.accept
            ),
        ));
    }
    if targets.targets.is_empty() {
        errors.push(at(
            &["target"],
            None,
            "expected at least one [[target]]".into(),
        ));
    }
    for (i, t) in targets.targets.iter().enumerate() {
        if crate::model::services::metric(&t.metric).is_none() {
            errors.push(at(
                &["target", "metric"],
                Some(i),
                format!(
                    "expected a metric listed in metrics.csv, found {:?}",
                    t.metric
                ),
            ));
        }
        if !(t.sd > 0.0 && t.sd.is_finite() && t.value.is_finite()) {
            errors.push(at(
                &["target", "sd"],
                Some(i),
                format!(
                    "expected a finite value and an sd above 0, found sd {}",
                    t.sd
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(targets)
    } else {
        Err(ScenarioErrors(errors))
    }
}

/// Runs the calibration of the scenario at `path` to `targets_path`.
pub fn calibrate(
    path: &Path,
    targets_path: &Path,
    overrides: &Overrides,
    opts: &RunOptions,
) -> Result<Calibrated, RunError> {
    let targets = read_targets(targets_path)?;
    let plan = Plan::read(path, overrides)?;
    let params = plan.loaded.uncertain.clone();
    if params.is_empty() {
        return Err(RunError::Refused(format!(
            "{}: no parameter is given as a distribution, so there is nothing to fit; write each \
             parameter to fit with its prior, e.g. reach = {{ dist = \"uniform\", low = 0.3, high = 0.7 }}",
            path.display()
        )));
    }
    let cfg = &plan.config;
    let first = cfg.start_year;
    let last_target = targets
        .targets
        .iter()
        .map(|t| t.year)
        .max()
        .unwrap_or(first);
    let last = first + cfg.years as i32 - 1;
    let keys = super::run::result_keys(cfg);
    let mut index = Vec::new();
    for t in &targets.targets {
        let found = keys
            .iter()
            .find(|(_, k)| k.year == t.year && k.area == t.area && k.metric == t.metric);
        match found {
            Some((i, _)) if t.year <= last => index.push(*i),
            _ => {
                return Err(RunError::Refused(format!(
                    "{}: target {} in {} for {:?} is not among the scenario's results ({first} to \
                     {last}, its areas and ALL)",
                    targets_path.display(),
                    t.metric,
                    t.year,
                    t.area
                )));
            }
        }
    }
    let s = &targets.calibration;
    let sets_n = s.sets as u64;
    let sets = ParameterSets::new(&plan.loaded, plan.seed(), sets_n, sets_n);
    let years = (last_target - first + 1) as u32;
    let reps = s.replications as u64;
    let out_dir = opts.out.clone().unwrap_or_else(|| {
        Path::new("output").join(format!("calibrate-{}", folder_name(&plan.name)))
    });
    prepare_output(&out_dir)?;
    let lock = FolderLock::acquire(&out_dir).map_err(|source| RunError::Output {
        path: out_dir.clone(),
        source,
    })?;
    let bar = super::progress_bar(sets_n * reps, opts.progress, "calibrating", "runs");
    let units: Vec<u64> = (0..sets_n * reps).collect();
    let mut simulated = vec![vec![0.0; index.len()]; sets_n as usize];
    let mut failed = None;
    run_units(
        &units,
        opts.threads,
        |u| {
            let cfg = set_config(&plan, sets.of(u / reps), years)?;
            let result = simulate(&cfg, u % reps);
            Ok(index
                .iter()
                .map(|&i| result.values[i])
                .collect::<Vec<f64>>())
        },
        |u, values: Result<Vec<f64>, RunError>| {
            match values {
                Ok(values) => {
                    for (acc, v) in simulated[(u / reps) as usize].iter_mut().zip(values) {
                        *acc += v / reps as f64;
                    }
                }
                Err(e) => failed = failed.take().or(Some(e)),
            }
            bar.inc(1);
        },
    )?;
    bar.finish_and_clear();
    if let Some(e) = failed {
        return Err(e);
    }
    let distance: Vec<f64> = simulated
        .iter()
        .map(|sim| {
            let sum: f64 = sim
                .iter()
                .zip(&targets.targets)
                .map(|(x, t)| ((x - t.value) / t.sd).powi(2))
                .sum();
            (sum / targets.targets.len() as f64).sqrt()
        })
        .collect();
    let mut order: Vec<usize> = (0..sets_n as usize).collect();
    order.sort_by(|&a, &b| distance[a].total_cmp(&distance[b]).then(a.cmp(&b)));
    let keep = ((s.accept * sets_n as f64).round() as usize).clamp(1, sets_n as usize);
    let mut accepted = vec![false; sets_n as usize];
    for &i in &order[..keep] {
        accepted[i] = true;
    }
    let fit = Fit {
        params: &params,
        sets: &sets,
        targets: &targets.targets,
        simulated: &simulated,
        distance: &distance,
        accepted: &accepted,
    };
    fit.write(&out_dir, path, targets_path, &plan)?;
    drop(lock);
    Ok(Calibrated {
        out_dir,
        sets: sets_n as usize,
        accepted: keep,
        parameters: params
            .iter()
            .enumerate()
            .map(|(j, p)| {
                let post = fit.accepted_values(j);
                Fitted {
                    name: p.name.clone(),
                    prior: (p.quantile(0.025), p.quantile(0.975)),
                    posterior: (quantile(&post, 0.025), quantile(&post, 0.975)),
                    mean: mean(&post),
                }
            })
            .collect(),
        fit: targets
            .targets
            .iter()
            .enumerate()
            .map(|(k, t)| {
                (
                    t.metric.clone(),
                    t.area.clone(),
                    t.year,
                    t.value,
                    fit.simulated_mean(k, true),
                )
            })
            .collect(),
    })
}

/// The configuration of one parameter set, over `years`.
fn set_config(plan: &Plan, values: &[f64], years: u32) -> Result<CareConfig, RunError> {
    let mut loaded = plan.loaded.with_values(values)?;
    loaded.uncertain.clear();
    loaded.scenario.scenario.years = years;
    let checked = scenario::check(loaded)?;
    Ok(CareConfig::from_phases(&checked.phases))
}

/// Mean and sd of `xs` (the sd 0 below two values).
fn moments(xs: &[f64]) -> (f64, f64) {
    let mut w = Welford::new();
    xs.iter().for_each(|x| w.push(*x));
    let sd = if w.count() < 2 { 0.0 } else { w.sd() };
    (w.mean(), sd)
}

fn mean(xs: &[f64]) -> f64 {
    moments(xs).0
}

/// The `q` quantile of `xs` (linear between order statistics).
fn quantile(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let at = q * (v.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (at - lo as f64)
}

/// Everything the calibration found, for writing.
struct Fit<'a> {
    params: &'a [UncertainParameter],
    sets: &'a ParameterSets,
    targets: &'a [Target],
    simulated: &'a [Vec<f64>],
    distance: &'a [f64],
    accepted: &'a [bool],
}

impl Fit<'_> {
    fn accepted_values(&self, j: usize) -> Vec<f64> {
        (0..self.accepted.len())
            .filter(|&i| self.accepted[i])
            .map(|i| self.sets.of(i as u64)[j])
            .collect()
    }

    fn simulated_values(&self, k: usize, posterior: bool) -> Vec<f64> {
        (0..self.accepted.len())
            .filter(|&i| !posterior || self.accepted[i])
            .map(|i| self.simulated[i][k])
            .collect()
    }

    fn simulated_mean(&self, k: usize, posterior: bool) -> f64 {
        mean(&self.simulated_values(k, posterior))
    }

    fn write(
        &self,
        dir: &Path,
        scenario_path: &Path,
        targets_path: &Path,
        plan: &Plan,
    ) -> Result<(), RunError> {
        let mut files = vec![
            ("calibration.csv", self.all_sets()),
            ("posterior.csv", self.posterior_csv()),
            ("fit.csv", self.fit_csv()),
            ("posterior.toml", self.posterior_toml()),
        ];
        let chart = self.chart();
        let svg = crate::report::charts::svg(&chart, "prior and posterior 95% intervals").map_err(
            |e| RunError::Write {
                path: dir.join("charts"),
                source: std::io::Error::other(e),
            },
        )?;
        let charts = dir.join("charts");
        std::fs::create_dir_all(&charts).map_err(|source| RunError::Write {
            path: charts.clone(),
            source,
        })?;
        crate::report::charts::png(
            &chart,
            "prior and posterior 95% intervals",
            &charts.join("calibration.png"),
        )
        .map_err(|e| RunError::Write {
            path: charts.join("calibration.png"),
            source: std::io::Error::other(e),
        })?;
        files.push(("charts/calibration.svg", svg));
        let mut written = Vec::new();
        for (name, text) in &files {
            let path = dir.join(name);
            let sha = write_atomic(&path, text.as_bytes())
                .map_err(|source| RunError::Write { path, source })?;
            written.push(serde_json::json!({ "path": name, "sha256": sha }));
        }
        let manifest = serde_json::json!({
            "carecap_version": env!("CARGO_PKG_VERSION"),
            "command": "calibrate",
            "method": "approximate Bayesian computation, rejection on a Latin hypercube of the \
                       priors, common random numbers",
            "scenario": scenario_path.display().to_string(),
            "resolved_sha256": plan.loaded.resolved_sha256,
            "targets": targets_path.display().to_string(),
            "seed": plan.seed(),
            "sets": self.accepted.len(),
            "accepted": self.accepted.iter().filter(|a| **a).count(),
            "files": written,
        });
        let path = dir.join("manifest.json");
        write_atomic(
            &path,
            serde_json::to_string_pretty(&manifest)
                .unwrap_or_default()
                .as_bytes(),
        )
        .map_err(|source| RunError::Write { path, source })?;
        Ok(())
    }

    fn all_sets(&self) -> String {
        let mut out = String::from("set,distance,accepted");
        for p in self.params {
            out += &format!(",{}", csv_field(&p.name));
        }
        for t in self.targets {
            out += &format!(
                ",{}",
                csv_field(&format!("{} {} {}", t.metric, t.area, t.year))
            );
        }
        out.push('\n');
        for (i, d) in self.distance.iter().enumerate() {
            out += &format!("{i},{},{}", number(*d), self.accepted[i]);
            for v in self.sets.of(i as u64) {
                out += &format!(",{}", number(*v));
            }
            for v in &self.simulated[i] {
                out += &format!(",{}", number(*v));
            }
            out.push('\n');
        }
        out
    }

    fn posterior_csv(&self) -> String {
        let mut out = String::from("set,parameter,value\n");
        for i in (0..self.accepted.len()).filter(|&i| self.accepted[i]) {
            for (p, v) in self.params.iter().zip(self.sets.of(i as u64)) {
                out += &format!("{i},{},{}\n", csv_field(&p.name), number(*v));
            }
        }
        out
    }

    fn fit_csv(&self) -> String {
        let mut out = String::from(
            "metric,area,year,observed,sd,prior_mean,prior_low,prior_high,posterior_mean,\
             posterior_low,posterior_high,within_2sd,source\n",
        );
        for (k, t) in self.targets.iter().enumerate() {
            let prior = self.simulated_values(k, false);
            let post = self.simulated_values(k, true);
            let pm = mean(&post);
            out += &format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                t.metric,
                csv_field(&t.area),
                t.year,
                number(t.value),
                number(t.sd),
                number(mean(&prior)),
                number(quantile(&prior, 0.025)),
                number(quantile(&prior, 0.975)),
                number(pm),
                number(quantile(&post, 0.025)),
                number(quantile(&post, 0.975)),
                (pm - t.value).abs() <= 2.0 * t.sd,
                csv_field(&t.source)
            );
        }
        out
    }

    /// Each parameter as a distribution fitted to its accepted values by
    /// their mean and sd: beta for a share (0–1), gamma for a positive
    /// number, normal (cut to the range) otherwise; a whole number keeps
    /// the normal, rounded when sampled.
    fn posterior_toml(&self) -> String {
        let mut out = String::from(
            "# Posterior of `carecap calibrate`: each fitted parameter as a distribution with the\n\
             # mean and sd of the accepted sets (moment matching; the accepted sets themselves,\n\
             # with their correlations, are in posterior.csv). Paste each line over the prior in\n\
             # the scenario, at the parameter's place.\n",
        );
        for (j, p) in self.params.iter().enumerate() {
            let v = self.accepted_values(j);
            let (m, s) = moments(&v);
            let r = &p.range;
            let dist = if s == 0.0 {
                format!("{{ dist = \"normal\", mean = {m}, sd = 0 }}")
            } else if r.min == 0.0 && r.max == 1.0 && m > 0.0 && m < 1.0 && s * s < m * (1.0 - m) {
                format!("{{ dist = \"beta\", mean = {m}, sd = {s} }}")
            } else if r.min >= 0.0 && r.max.is_infinite() && m > 0.0 && !r.whole {
                format!("{{ dist = \"gamma\", mean = {m}, sd = {s} }}")
            } else {
                format!("{{ dist = \"normal\", mean = {m}, sd = {s} }}")
            };
            out += &format!("# {}\n{} = {dist}\n", p.name, leaf(&p.name));
        }
        out
    }

    fn chart(&self) -> crate::report::charts::Chart {
        use crate::report::charts::{Chart, Forest, Point};
        let mut rows = Vec::new();
        for (j, p) in self.params.iter().enumerate().rev() {
            let post = self.accepted_values(j);
            // Each parameter on the scale of its prior's 95% interval.
            let (lo, hi) = (p.quantile(0.025), p.quantile(0.975));
            let at = |x: f64| if hi > lo { (x - lo) / (hi - lo) } else { 0.5 };
            rows.push((
                format!("{} posterior", p.name),
                1,
                Point {
                    x: 0.0,
                    y: at(mean(&post)),
                    lo: at(quantile(&post, 0.025)),
                    hi: at(quantile(&post, 0.975)),
                },
            ));
            rows.push((
                format!("{} prior", p.name),
                0,
                Point {
                    x: 0.0,
                    y: at(p.central()),
                    lo: 0.0,
                    hi: 1.0,
                },
            ));
        }
        let narrowed = self
            .params
            .iter()
            .enumerate()
            .filter(|(j, p)| {
                let post = self.accepted_values(*j);
                quantile(&post, 0.975) - quantile(&post, 0.025)
                    < 0.5 * (p.quantile(0.975) - p.quantile(0.025))
            })
            .count();
        Chart::Forest(Forest {
            title: format!(
                "The data narrow {narrowed} of {} parameters to under half their prior range",
                self.params.len()
            ),
            x_label: "Within the prior's 95% interval (0: its 2.5th percentile, 1: its 97.5th)"
                .into(),
            better_right: None,
            panels: vec![("95% intervals".into(), rows)],
        })
    }
}

/// The last key of a parameter's path (`reach` of `demand.reach`).
fn leaf(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}
