//! `carecap batch`: many scenarios, and sweeps over parameter grids, in one
//! parallel study; and sizing: the smallest swept capacity that meets a
//! target, year by year.
//!
//! A sweep file lists parameters, each with the values to try:
//!
//! ```toml
//! [[parameter]]
//! target = "site"            # as in [[intervention]]
//! names = ["St John's Hospice"]
//! parameter = "beds"
//! values = [18, 20, 22, 24]
//!
//! [sizing]                   # optional, with one parameter
//! metric = "ipu_turned_away_pct"
//! area = "ALL"
//! below = 5.0                # or: above = 95.0
//! ```
//!
//! Every scenario is run at every point of the grid (the cartesian product
//! of the values), all with the first scenario's seed and replications, so
//! the variants see the same residents and the search for the smallest
//! capacity compares like with like.

use super::plan::{Overrides, Plan};
use super::run::{RunError, RunReport};
use crate::report::atomic::write_atomic;
use crate::report::manifest::ManifestFile;
use crate::report::tables;
use crate::scenario::schedule::{entry_names, parameter_table};
use crate::scenario::{self, Loaded, Scenario, ScenarioError, ScenarioErrors};
use crate::stats::Welford;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// A sweep file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Parameters and their values.
    #[serde(rename = "parameter")]
    pub parameters: Vec<SweepParameter>,
    /// The target whose smallest meeting value is wanted.
    #[serde(default)]
    pub sizing: Option<Sizing>,
    /// The file read (path as given) and the SHA-256 of its bytes, recorded
    /// in the manifest and the report's provenance.
    #[serde(skip)]
    #[schemars(skip)]
    pub file: Option<ManifestFile>,
}

/// One swept parameter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepParameter {
    /// Table (as for interventions).
    pub target: String,
    /// Entries of an array (default all).
    #[serde(default)]
    pub names: Option<Vec<String>>,
    /// Dotted key.
    pub parameter: String,
    /// Values to try, in order.
    #[schemars(with = "Vec<serde_json::Value>")]
    pub values: Vec<Value>,
    /// Other keys of the same entries that move in step with this one (one
    /// value per value above), e.g. the nurses that staff swept beds.
    #[serde(default)]
    pub with: Vec<Linked>,
}

/// A key set in step with a swept parameter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Linked {
    /// Dotted key.
    pub parameter: String,
    /// One value per value of the swept parameter.
    #[schemars(with = "Vec<serde_json::Value>")]
    pub values: Vec<Value>,
}

/// A sizing target.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sizing {
    /// Metric name.
    pub metric: String,
    /// Area (default `ALL`).
    #[serde(default = "all")]
    pub area: String,
    /// Met when the mean is below this.
    #[serde(default)]
    pub below: Option<f64>,
    /// Met when the mean is above this.
    #[serde(default)]
    pub above: Option<f64>,
}

fn all() -> String {
    "ALL".into()
}

impl Sizing {
    fn met(&self, x: f64) -> bool {
        self.below.is_none_or(|b| x < b) && self.above.is_none_or(|a| x > a)
    }
}

/// Most variants one sweep may create.
pub const MAX_VARIANTS: usize = 1_000;

fn sweep_error(path: &Path, message: String) -> RunError {
    RunError::Invalid(ScenarioErrors(vec![ScenarioError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        key: "sweep".into(),
        message,
    }]))
}

/// Reads a sweep file: a regular file of at most
/// [`MAX_FILE_BYTES`](crate::scenario::load::MAX_FILE_BYTES), every problem
/// at its line and column.
pub fn read_sweep(path: &Path) -> Result<SweepFile, RunError> {
    use crate::scenario::error::PathStep;
    use crate::scenario::load::locate_error;
    let (sweep, source) =
        scenario::load::read_as::<SweepFile>(path, "sweep").map_err(RunError::Invalid)?;
    let at = |steps: &[PathStep], message: String| {
        locate_error(std::slice::from_ref(&source), steps, message)
    };
    let parameter = |i: usize, key: &str| {
        vec![
            PathStep::Key("parameter".into()),
            PathStep::Index(i),
            PathStep::Key(key.into()),
        ]
    };
    let mut errors = Vec::new();
    let points: usize = sweep
        .parameters
        .iter()
        .map(|p| p.values.len().max(1))
        .product();
    if sweep.parameters.is_empty() || points > MAX_VARIANTS {
        errors.push(at(
            &[PathStep::Key("parameter".into())],
            format!("expected 1 to {MAX_VARIANTS} grid points, found {points}"),
        ));
    }
    for (i, p) in sweep.parameters.iter().enumerate() {
        if p.with.iter().any(|l| l.values.len() != p.values.len()) {
            errors.push(at(
                &parameter(i, "with"),
                format!(
                    "expected as many `with` values as values of {} ({})",
                    p.parameter,
                    p.values.len()
                ),
            ));
        }
        if !crate::scenario::schedule::TARGETS.contains(&p.target.as_str()) {
            errors.push(at(
                &parameter(i, "target"),
                format!(
                    "expected one of {}, found {:?}",
                    crate::scenario::schedule::TARGETS.join(", "),
                    p.target
                ),
            ));
        }
    }
    if let Some(sizing) = &sweep.sizing
        && crate::model::services::metric(&sizing.metric).is_none()
    {
        let known: std::collections::HashSet<&str> =
            crate::model::METRICS.iter().map(|m| m.name).collect();
        errors.push(at(
            &[
                PathStep::Key("sizing".into()),
                PathStep::Key("metric".into()),
            ],
            format!(
                "expected a metric (see the README's metric table), found {:?}{}",
                sizing.metric,
                crate::scenario::error::suggest(&sizing.metric, &known)
            ),
        ));
    }
    if sweep.sizing.is_some() && sweep.parameters.len() != 1 {
        errors.push(at(
            &[PathStep::Key("sizing".into())],
            "expected exactly one [[parameter]] with [sizing]".into(),
        ));
    }
    if errors.is_empty() {
        Ok(SweepFile {
            file: Some(ManifestFile {
                path: path.display().to_string(),
                sha256: crate::report::manifest::sha256_hex(source.text.as_bytes()),
            }),
            ..sweep
        })
    } else {
        Err(RunError::Invalid(ScenarioErrors(errors)))
    }
}

fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The variants of `loaded` over the sweep grid.
fn variants(
    loaded: &Loaded,
    sweep: &SweepFile,
    path: &Path,
) -> Result<Vec<(Loaded, Vec<Value>)>, RunError> {
    let base: Table = match Value::try_from(&loaded.scenario) {
        Ok(Value::Table(t)) => t,
        _ => Table::new(),
    };
    let mut grid: Vec<Vec<Value>> = vec![Vec::new()];
    for p in &sweep.parameters {
        grid = grid
            .into_iter()
            .flat_map(|point| {
                p.values
                    .iter()
                    .map(move |v| [point.clone(), vec![v.clone()]].concat())
            })
            .collect();
    }
    let mut out = Vec::new();
    for point in grid {
        let mut doc = base.clone();
        let mut labels = Vec::new();
        for (p, value) in sweep.parameters.iter().zip(&point) {
            let entries: Vec<Option<String>> = match entry_names(&doc, &p.target) {
                Some(all) => p
                    .names
                    .clone()
                    .unwrap_or(all)
                    .into_iter()
                    .map(Some)
                    .collect(),
                None => vec![None],
            };
            let index = p.values.iter().position(|v| v == value).unwrap_or(0);
            let keys = std::iter::once((&p.parameter, value))
                .chain(p.with.iter().map(|l| (&l.parameter, &l.values[index])));
            for (parameter, v) in keys {
                let leaf = parameter
                    .rsplit('.')
                    .next()
                    .unwrap_or(parameter)
                    .to_string();
                for entry in &entries {
                    let table = parameter_table(&mut doc, &p.target, entry.as_deref(), parameter)
                        .ok_or_else(|| {
                        let which = entry
                            .as_ref()
                            .map_or(String::new(), |name| format!(" of {name:?}"));
                        sweep_error(
                            path,
                            format!(
                                "expected an existing entry for {}.{parameter}{which}",
                                p.target
                            ),
                        )
                    })?;
                    table.insert(leaf.clone(), v.clone());
                }
            }
            labels.push(format!("{}={}", p.parameter, label(value)));
        }
        let name = format!("{} {}", loaded.scenario.scenario.name, labels.join(" "));
        if let Some(Value::Table(meta)) = doc.get_mut("scenario") {
            meta.insert("name".into(), Value::String(name));
        }
        let scenario: Scenario = serde_path_to_error::deserialize(Value::Table(doc.clone()))
            .map_err(|e| {
                sweep_error(
                    path,
                    format!(
                        "a swept value does not fit: {}: {}",
                        e.path(),
                        scenario::load::explain_serde(&e.inner().to_string())
                    ),
                )
            })?;
        let canonical = toml::to_string(&doc).unwrap_or_default();
        let variant = Loaded {
            scenario,
            merged: doc,
            resolved_sha256: crate::report::manifest::sha256_hex(canonical.as_bytes()),
            files: loaded.files.clone(),
            uncertain: loaded.uncertain.clone(),
            sets_file: loaded.sets_file.clone(),
            shards: loaded.shards,
            replications_set_by: loaded.replications_set_by,
        };
        out.push((variant, point));
    }
    Ok(out)
}

/// Scenario files named on the command line: files as given, folders as
/// their `*.toml` files in name order.
pub fn scenario_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, RunError> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|e| RunError::Output {
                    path: input.clone(),
                    source: e,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// The sweep and grid points of a batch, for sizing after the run.
pub type SizingPlan = Option<(SweepFile, Vec<Vec<Value>>)>;

/// Records the sweep in the run's manifest (`sweep`: the file, its
/// SHA-256, the swept parameters and the sizing target), and writes the
/// sizing tables if the sweep asked for them, adding them to the manifest.
pub fn finish_sizing(
    report: &RunReport,
    sizing: &SizingPlan,
    names: &[String],
) -> Result<(), RunError> {
    let Some((sweep, points)) = sizing else {
        return Ok(());
    };
    let manifest = report.out_dir.join(crate::report::folder::MANIFEST);
    let write_err = |source| RunError::Write {
        path: manifest.clone(),
        source,
    };
    let lock = report
        .lock
        .as_deref()
        .ok_or_else(|| write_err(std::io::Error::other("the results folder is not held")))?;
    crate::report::folder::set_field(&report.out_dir, "sweep", sweep_record(sweep), lock)
        .map_err(write_err)?;
    if let Some(target) = &sweep.sizing {
        let mut files = write_sizing(&report.out_dir, sweep, target, names, points)?;
        files.push(
            crate::report::workbook::write(&report.out_dir, &report.manifest).map_err(write_err)?,
        );
        crate::report::folder::add_files(&report.out_dir, &files, false, lock)
            .map_err(write_err)?;
    }
    Ok(())
}

/// The manifest's record of a sweep.
fn sweep_record(sweep: &SweepFile) -> serde_json::Value {
    let to_json = |v: &Value| serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "path": sweep.file.as_ref().map(|f| f.path.clone()),
        "sha256": sweep.file.as_ref().map(|f| f.sha256.clone()),
        "parameters": sweep.parameters.iter().map(|p| serde_json::json!({
            "target": p.target,
            "names": p.names,
            "parameter": p.parameter,
            "values": p.values.iter().map(to_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "site_names": sweep.parameters.first().and_then(|p| p.names.clone()),
        "sizing": sweep.sizing.as_ref().map(|s| serde_json::json!({
            "metric": s.metric,
            "area": s.area,
            "below": s.below,
            "above": s.above,
        })),
    })
}

/// The scenarios of a batch (every scenario at every grid point), all
/// with the first's replications and seed (the first with the command
/// line's `overrides`), and what sizing needs afterwards. Every problem of
/// every file is reported once.
pub fn plans(
    inputs: &[PathBuf],
    sweep_path: Option<&Path>,
    overrides: &Overrides,
) -> Result<(Vec<Plan>, SizingPlan), RunError> {
    let files = scenario_files(inputs)?;
    if files.is_empty() {
        return Err(sweep_error(
            inputs.first().map_or(Path::new("."), |p| p.as_path()),
            "expected at least one scenario file".into(),
        ));
    }
    let sweep = sweep_path.map(read_sweep).transpose()?;
    let mut plans: Vec<Plan> = Vec::new();
    let mut points: Vec<Vec<Value>> = Vec::new();
    let mut errors: Vec<ScenarioError> = Vec::new();
    let mut shared = *overrides;
    for file in &files {
        let loaded = match scenario::load::load(file) {
            Ok(l) => l,
            Err(e) => {
                errors.extend(e.0);
                continue;
            }
        };
        let expanded = match (&sweep, sweep_path) {
            (Some(s), Some(p)) => variants(&loaded, s, p)?,
            _ => vec![(loaded, Vec::new())],
        };
        for (variant, point) in expanded {
            match Plan::build(variant, &shared) {
                Ok(plan) => {
                    if plans.is_empty() {
                        shared = plan.same_sampling();
                    }
                    plans.push(plan);
                    points.push(point);
                }
                // A problem of the file itself is the same in every variant.
                Err(e) => {
                    for e in e.0 {
                        if !errors.contains(&e) {
                            errors.push(e);
                        }
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors).into());
    }
    Ok((plans, sweep.map(|s| (s, points))))
}

/// The smallest value meeting the target: (value, mean, interval, share
/// of replications meeting it).
type Smallest = (String, f64, (f64, f64), f64);

/// `sizing_curve.csv` (every value, every year: mean, CI and the share of
/// replications meeting the target) and `sizing.csv` (per scenario and
/// year, the smallest value whose mean meets it), from `replications.csv`.
fn write_sizing(
    out: &Path,
    sweep: &SweepFile,
    sizing: &Sizing,
    names: &[String],
    points: &[Vec<Value>],
) -> Result<Vec<ManifestFile>, RunError> {
    let path = out.join("replications.csv");
    let read_err = |e: csv::Error| RunError::Write {
        path: path.clone(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut reader = csv::Reader::from_path(&path).map_err(read_err)?;
    let header = reader.headers().map_err(read_err)?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| RunError::Write {
                path: path.clone(),
                source: std::io::Error::other(format!("expected a column {name:?}")),
            })
    };
    let (c_scenario, c_year, c_area, c_metric, c_value) = (
        col("scenario")?,
        col("year")?,
        col("area")?,
        col("metric")?,
        col("value")?,
    );
    let mut stats: BTreeMap<(usize, i32), (Welford, u64)> = BTreeMap::new();
    let index: std::collections::HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    for row in reader.records() {
        let row = row.map_err(read_err)?;
        let at = |c: usize| row.get(c).unwrap_or("");
        if tables::unguard(at(c_area)) != sizing.area || at(c_metric) != sizing.metric {
            continue;
        }
        let (Some(&m), Ok(year), Ok(v)) = (
            index.get(tables::unguard(at(c_scenario))),
            at(c_year).parse::<i32>(),
            at(c_value).parse::<f64>(),
        ) else {
            continue;
        };
        let entry = stats.entry((m, year)).or_insert((Welford::new(), 0));
        entry.0.push(v);
        entry.1 += sizing.met(v) as u64;
    }
    let parameter = &sweep.parameters[0].parameter;
    let mut curve =
        String::from("scenario,year,parameter,value,metric,mean,ci_low,ci_high,p_meet,area\n");
    let area = tables::csv_field(&sizing.area);
    let mut smallest: BTreeMap<(String, i32), Smallest> = BTreeMap::new();
    for ((m, year), (w, met)) in &stats {
        let value = points[*m].first().map(label).unwrap_or_default();
        let base = names[*m]
            .rsplit_once(' ')
            .map_or(names[*m].as_str(), |(b, _)| b)
            .to_string();
        // A share or count keeps an interval within its range.
        let (lo, hi) = tables::bounded_interval(w, crate::report::labels::kind(&sizing.metric));
        let p_meet = *met as f64 / w.count().max(1) as f64;
        curve += &format!(
            "{},{year},{parameter},{value},{},{},{},{},{},{area}\n",
            tables::csv_field(&base),
            sizing.metric,
            tables::number(w.mean()),
            tables::number(lo),
            tables::number(hi),
            tables::number(p_meet)
        );
        if sizing.met(w.mean()) {
            smallest
                .entry((base, *year))
                .or_insert((value, w.mean(), (lo, hi), p_meet));
        }
    }
    let mut table = String::from(
        "scenario,year,parameter,smallest_value,metric,mean,ci_low,ci_high,p_meet,area\n",
    );
    for ((base, year), (value, mean, (lo, hi), p_meet)) in &smallest {
        table += &format!(
            "{},{year},{parameter},{value},{},{},{},{},{},{area}\n",
            tables::csv_field(base),
            sizing.metric,
            tables::number(*mean),
            tables::number(*lo),
            tables::number(*hi),
            tables::number(*p_meet)
        );
    }
    let mut files = Vec::new();
    for (name, text) in [("sizing_curve.csv", curve), ("sizing.csv", table)] {
        let p = out.join(name);
        let sha256 = write_atomic(&p, text.as_bytes()).map_err(|source| RunError::Write {
            path: p.clone(),
            source,
        })?;
        files.push(ManifestFile {
            path: name.into(),
            sha256,
        });
    }
    Ok(files)
}
