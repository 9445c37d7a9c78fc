//! `carecap sensitivity SCENARIO`: which uncertain parameters drive the
//! answer.
//!
//! Two analyses in one study, on common random numbers:
//! - **one-way**: a *central* run with every uncertain parameter at its
//!   median, then for each parameter a run with it at its 10th percentile
//!   (*low*) and one at its 90th (*high*), the others at their medians.
//!   Every run shares the seed and replications, so a parameter with no
//!   effect on an output moves it by exactly nothing. The paired
//!   differences from the central run, region-wide in the chosen year, are
//!   the tornado (`sensitivity.csv`, `charts/tornado.*`), parameters ranked
//!   by swing (|high − low| effect);
//! - **global**: the scenario itself, each replication with its own Latin
//!   hypercube parameter set, whose outputs regressed on the parameters
//!   give standardised regression coefficients (`drivers.csv`) and the
//!   share of variance the parameters explain (`uncertainty.csv`).

use super::plan::{Overrides, Plan};
use super::run::{RunError, RunReport};
use crate::report::atomic::write_atomic;
use crate::report::manifest::ManifestFile;
use crate::report::results::Results;
use crate::report::tables::{csv_field, number};
use std::path::Path;

/// Cumulative probability of a parameter's low value.
pub const LOW: f64 = 0.10;
/// Cumulative probability of a parameter's high value.
pub const HIGH: f64 = 0.90;
/// The file of one-way effects.
pub const FILE: &str = "sensitivity.csv";
/// Metric of the tornado when none is named.
pub const DEFAULT_METRIC: &str = "ipu_occupancy_pct";

/// What a sensitivity study reports on.
#[derive(Debug, Clone, PartialEq)]
pub struct OneWay {
    /// The tornado's metric.
    pub metric: String,
    /// Its year (default: the last).
    pub year: i32,
    /// Name of the central run.
    pub central: String,
    /// Per parameter: name, low value, high value, low run, high run.
    pub parameters: Vec<(String, f64, f64, String, String)>,
}

/// The plans of a sensitivity study of `path`: the central run, each
/// parameter low and high, then the scenario with its parameters sampled.
pub fn plans(
    path: &Path,
    overrides: &Overrides,
    metric: Option<&str>,
    year: Option<i32>,
) -> Result<(Vec<Plan>, OneWay), RunError> {
    let sampled = Plan::read(path, overrides)?;
    let params = sampled.loaded.uncertain.clone();
    if params.is_empty() {
        return Err(RunError::Refused(format!(
            "{}: no parameter is given as a distribution, so there is nothing to vary; write the \
             uncertain ones as e.g. reach = {{ dist = \"beta\", mean = 0.48, sd = 0.05 }}",
            path.display()
        )));
    }
    let metric = metric.unwrap_or(DEFAULT_METRIC).to_string();
    if crate::model::services::metric(&metric).is_none() {
        return Err(RunError::Refused(format!(
            "--metric {metric:?}: expected one of the metrics listed in metrics.csv"
        )));
    }
    let cfg = &sampled.config;
    let (first, last) = (cfg.start_year, cfg.start_year + cfg.years as i32 - 1);
    let year = year.unwrap_or(last);
    if !(first..=last).contains(&year) {
        return Err(RunError::Refused(format!(
            "--year {year}: expected a year the scenario reports, {first} to {last}"
        )));
    }
    let central: Vec<f64> = params.iter().map(|p| p.central()).collect();
    let shared = sampled.same_sampling();
    let fixed = |values: &[f64], name: String| -> Result<Plan, RunError> {
        let mut loaded = sampled.loaded.with_values(values)?;
        loaded.uncertain.clear();
        loaded.scenario.scenario.name = name;
        Ok(Plan::build(loaded, &shared)?)
    };
    let central_name = format!("{} central", sampled.name);
    let mut plans = vec![fixed(&central, central_name.clone())?];
    let mut one_way = Vec::new();
    for (j, p) in params.iter().enumerate() {
        let mut runs = Vec::new();
        let mut values = Vec::new();
        for (tag, q) in [("low", LOW), ("high", HIGH)] {
            let mut set = central.clone();
            set[j] = p.quantile(q);
            let name = format!("{} {tag}", p.name);
            plans.push(fixed(&set, name.clone())?);
            runs.push(name);
            values.push(set[j]);
        }
        one_way.push((
            p.name.clone(),
            values[0],
            values[1],
            runs[0].clone(),
            runs[1].clone(),
        ));
    }
    plans.push(sampled);
    Ok((
        plans,
        OneWay {
            metric,
            year,
            central: central_name,
            parameters: one_way,
        },
    ))
}

/// Writes `sensitivity.csv` from the study's results: for every headline
/// metric region-wide in the chosen year, each parameter's low and high
/// effects (paired differences from the central run, with their 95%
/// intervals), its swing and rank, and its standardised regression
/// coefficient from the sampled run.
pub fn finish(report: &RunReport, one_way: &OneWay, sampled: &str) -> Result<(), RunError> {
    let dir = &report.out_dir;
    let fail = |e: String| RunError::Write {
        path: dir.join(FILE),
        source: std::io::Error::other(e),
    };
    let r = Results::read(dir).map_err(fail)?;
    let mut out = String::from(
        "metric,year,area,parameter,low_value,high_value,central_mean,low_diff,low_ci_low,\
         low_ci_high,high_diff,high_ci_low,high_ci_high,swing,rank,src\n",
    );
    let metrics: Vec<String> = r
        .compare
        .keys()
        .filter(|(o, y, a, _)| *y == one_way.year && a == "ALL" && *o == one_way.parameters[0].3)
        .map(|k| k.3.clone())
        .collect();
    for metric in &metrics {
        let key = |run: &str| {
            (
                run.to_string(),
                one_way.year,
                "ALL".to_string(),
                metric.clone(),
            )
        };
        let central = r
            .get(&one_way.central, one_way.year, "ALL", metric)
            .map_or(f64::NAN, |s| s.mean);
        let drivers = r.drivers.get(&key(sampled));
        let mut rows: Vec<(f64, &str, String)> = Vec::new();
        for (name, low_value, high_value, low_run, high_run) in &one_way.parameters {
            let (Some(low), Some(high)) =
                (r.compare.get(&key(low_run)), r.compare.get(&key(high_run)))
            else {
                continue;
            };
            let swing = (high.mean - low.mean).abs();
            let fields = [
                number(*low_value),
                number(*high_value),
                number(central),
                number(low.mean),
                number(low.lo),
                number(low.hi),
                number(high.mean),
                number(high.lo),
                number(high.hi),
                number(swing),
            ];
            rows.push((swing, name, fields.join(",")));
        }
        // Largest swing first; ties (no effect at all) keep the file's order.
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (rank, (_, name, fields)) in rows.iter().enumerate() {
            let src = drivers
                .and_then(|d| d.iter().find(|(p, _)| p == name))
                .map_or(f64::NAN, |d| d.1);
            out += &format!(
                "{metric},{},ALL,{},{fields},{},{}\n",
                one_way.year,
                csv_field(name),
                rank + 1,
                number(src)
            );
        }
    }
    let path = dir.join(FILE);
    let sha256 = write_atomic(&path, out.as_bytes()).map_err(|source| RunError::Write {
        path: path.clone(),
        source,
    })?;
    let lock = report
        .lock
        .as_deref()
        .ok_or_else(|| fail("the results folder is not held".into()))?;
    crate::report::folder::set_field(
        dir,
        "sensitivity",
        serde_json::json!({
            "metric": one_way.metric,
            "year": one_way.year,
            "low_quantile": LOW,
            "high_quantile": HIGH,
            "central": one_way.central,
            "sampled": sampled,
        }),
        lock,
    )
    .map_err(|e| fail(e.to_string()))?;
    crate::report::folder::add_files(
        dir,
        &[ManifestFile {
            path: FILE.into(),
            sha256,
        }],
        false,
        lock,
    )
    .map_err(|e| fail(e.to_string()))
}
