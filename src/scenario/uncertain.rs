//! Parameters written as distributions: parameter uncertainty (DESIGN §2.8).
//!
//! Any number in a scenario, in the baseline or an option, may be written
//! as a distribution instead of a value:
//!
//! ```toml
//! reach = { dist = "beta", mean = 0.48, sd = 0.05 }
//! ```
//!
//! Loading finds every such table in the merged document, checks it
//! against the parameter's type (its range, whether it is whole, read from
//! the scenario's JSON Schema, so a type states its limits once) and stands
//! its median in, so the scenario validates and runs like a fixed one.
//! A run then gives every replication its own parameter set: a Latin
//! hypercube over the replications of a block, each parameter's column
//! drawn from its own stream, keyed by the seed and the parameter's path.
//! So the same replication gets the same value of a parameter in every
//! option that has it (comparisons stay paired), adding a parameter moves
//! no other parameter's values, and a fixed number stays fixed (as does
//! a distribution with no spread, which is a fixed number written another
//! way: the run is the fixed run, byte for byte).
//!
//! Supported: `beta` (mean, sd), `triangular` (low, mode, high), `uniform`
//! (low, high), `lognormal` (mean, sd), `gamma` (mean, sd) and `normal`
//! (mean, sd, truncated to the parameter's range). Every other distribution
//! must lie within the parameter's range. A whole-number parameter (beds,
//! places) takes the sampled value rounded to the nearest whole number.

use super::error::{PathStep, render_path};
use crate::engine::rng::{Purpose, stream};
use rand::RngExt;
use serde::Deserialize;
use statrs::distribution::{
    Beta, ContinuousCDF, Gamma, LogNormal, Normal, Triangular, Uniform as UniformDist,
};
use toml::{Table, Value};

/// A parameter's distribution, as written in a scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Distribution {
    /// Beta by its mean and standard deviation (a share, 0–1).
    Beta {
        /// Mean.
        mean: f64,
        /// Standard deviation (0: the mean, always).
        sd: f64,
    },
    /// Triangular from `low` to `high`, most likely `mode`.
    Triangular {
        /// Lowest value.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Highest value.
        high: f64,
    },
    /// Uniform from `low` to `high`.
    Uniform {
        /// Lowest value.
        low: f64,
        /// Highest value.
        high: f64,
    },
    /// Lognormal by its mean and standard deviation (not of its log).
    Lognormal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Gamma by its mean and standard deviation.
    Gamma {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Normal, truncated to the parameter's range.
    Normal {
        /// Mean (before truncation).
        mean: f64,
        /// Standard deviation (before truncation).
        sd: f64,
    },
    /// One column of the scenario's file of joint parameter sets
    /// (`[uncertainty] sets`): the parameter's value in each set, in the
    /// file's order. Never written in a scenario: replications draw whole
    /// sets (see [`joint_sets`]), so a set's parameters keep their
    /// correlations; alone, it is the empirical distribution of its values.
    #[serde(skip)]
    Sets(std::sync::Arc<[f64]>),
}

/// The values a parameter may take, from its type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Least value (−∞ when unbounded).
    pub min: f64,
    /// Greatest value (+∞ when unbounded).
    pub max: f64,
    /// The least value itself is excluded.
    pub min_open: bool,
    /// Whole numbers only.
    pub whole: bool,
}

impl Range {
    fn contains(&self, x: f64) -> bool {
        (x > self.min || (!self.min_open && x == self.min)) && x <= self.max
    }

    fn describe(&self) -> String {
        let low = if self.min_open { "above " } else { "" };
        match (self.min.is_finite(), self.max.is_finite()) {
            (true, true) => format!("{low}{} to {}", self.min, self.max),
            (true, false) => format!("{low}{} or more", self.min),
            (false, true) => format!("{} or less", self.max),
            (false, false) => "any number".into(),
        }
    }
}

/// One parameter of a scenario given as a distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainParameter {
    /// Where it is in the merged document.
    pub path: Vec<PathStep>,
    /// Its name as `params.csv` and the reports write it, e.g.
    /// `borough["Brent"].reach`.
    pub name: String,
    /// Its distribution.
    pub distribution: Distribution,
    /// The values its type allows.
    pub range: Range,
}

/// A distribution ready to draw from: its quantile function, truncated to
/// the parameter's range where that is asked for.
enum Quantile {
    Constant(f64),
    Beta(Beta),
    Triangular(Triangular),
    Uniform(UniformDist),
    LogNormal(LogNormal),
    Gamma(Gamma),
    /// A normal and the cumulative probabilities of the range's ends.
    Normal(Normal, f64, f64),
    /// Values, sorted: the empirical distribution.
    Empirical(Vec<f64>),
}

impl Quantile {
    fn new(d: &Distribution, range: &Range) -> Result<Quantile, String> {
        let check = |ok: bool, what: &str| if ok { Ok(()) } else { Err(what.to_string()) };
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        Ok(match d.clone() {
            Distribution::Beta { mean, sd } => {
                check(finite(&[mean, sd]), "expected finite numbers")?;
                check(
                    (0.0..=1.0).contains(&mean) && sd >= 0.0,
                    "expected a beta mean from 0 to 1 and an sd of 0 or more",
                )?;
                if sd == 0.0 {
                    return Ok(Quantile::Constant(mean));
                }
                let var = sd * sd;
                let most = mean * (1.0 - mean);
                check(
                    var < most,
                    &format!(
                        "expected a beta sd below sqrt(mean × (1 − mean)) = {:.4}, found {sd}",
                        most.sqrt()
                    ),
                )?;
                let k = most / var - 1.0;
                Quantile::Beta(Beta::new(mean * k, (1.0 - mean) * k).map_err(|e| e.to_string())?)
            }
            Distribution::Triangular { low, mode, high } => {
                check(finite(&[low, mode, high]), "expected finite numbers")?;
                check(
                    low <= mode && mode <= high,
                    "expected low ≤ mode ≤ high for a triangular distribution",
                )?;
                if low == high {
                    return Ok(Quantile::Constant(low));
                }
                Quantile::Triangular(Triangular::new(low, high, mode).map_err(|e| e.to_string())?)
            }
            Distribution::Uniform { low, high } => {
                check(finite(&[low, high]), "expected finite numbers")?;
                check(
                    low <= high,
                    "expected low ≤ high for a uniform distribution",
                )?;
                if low == high {
                    return Ok(Quantile::Constant(low));
                }
                Quantile::Uniform(UniformDist::new(low, high).map_err(|e| e.to_string())?)
            }
            Distribution::Lognormal { mean, sd } | Distribution::Gamma { mean, sd } => {
                check(finite(&[mean, sd]), "expected finite numbers")?;
                check(
                    mean > 0.0 && sd >= 0.0,
                    "expected a mean above 0 and an sd of 0 or more",
                )?;
                if sd == 0.0 {
                    return Ok(Quantile::Constant(mean));
                }
                let var = sd * sd;
                if matches!(d, Distribution::Gamma { .. }) {
                    Quantile::Gamma(
                        Gamma::new(mean * mean / var, mean / var).map_err(|e| e.to_string())?,
                    )
                } else {
                    let s2 = (1.0 + var / (mean * mean)).ln();
                    Quantile::LogNormal(
                        LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt())
                            .map_err(|e| e.to_string())?,
                    )
                }
            }
            Distribution::Normal { mean, sd } => {
                check(finite(&[mean, sd]), "expected finite numbers")?;
                check(sd >= 0.0, "expected an sd of 0 or more")?;
                check(
                    range.contains(mean),
                    &format!(
                        "expected a mean within the parameter's range ({}), found {mean}",
                        range.describe()
                    ),
                )?;
                if sd == 0.0 {
                    return Ok(Quantile::Constant(mean));
                }
                let n = Normal::new(mean, sd).map_err(|e| e.to_string())?;
                let (a, b) = (n.cdf(range.min), n.cdf(range.max));
                Quantile::Normal(n, a, b)
            }
            Distribution::Sets(values) => {
                let mut sorted = values.to_vec();
                sorted.sort_by(f64::total_cmp);
                match (sorted.first(), sorted.last()) {
                    (Some(&lo), Some(&hi)) if lo == hi => Quantile::Constant(lo),
                    (Some(_), Some(_)) => Quantile::Empirical(sorted),
                    _ => return Err("expected at least one parameter set".into()),
                }
            }
        })
    }

    /// The support of the distribution: (least, greatest, least excluded).
    fn support(&self) -> (f64, f64, bool) {
        match self {
            Quantile::Constant(x) => (*x, *x, false),
            Quantile::Beta(_) => (0.0, 1.0, false),
            Quantile::Triangular(t) => (t.min(), t.max(), false),
            Quantile::Uniform(u) => (u.min(), u.max(), false),
            Quantile::LogNormal(_) | Quantile::Gamma(_) => (0.0, f64::INFINITY, true),
            Quantile::Normal(..) => (f64::NEG_INFINITY, f64::INFINITY, false),
            Quantile::Empirical(v) => (v[0], v[v.len() - 1], false),
        }
    }

    fn at(&self, p: f64) -> f64 {
        match self {
            Quantile::Constant(x) => *x,
            Quantile::Beta(d) => d.inverse_cdf(p),
            Quantile::Triangular(d) => d.inverse_cdf(p),
            Quantile::Uniform(d) => d.inverse_cdf(p),
            Quantile::LogNormal(d) => d.inverse_cdf(p),
            Quantile::Gamma(d) => d.inverse_cdf(p),
            Quantile::Normal(d, a, b) => d.inverse_cdf(a + p * (b - a)),
            Quantile::Empirical(v) => v[((p * v.len() as f64) as usize).min(v.len() - 1)],
        }
    }
}

impl UncertainParameter {
    /// The parameter's value at cumulative probability `p` (0–1): the
    /// distribution's quantile, kept within the range and rounded if whole.
    pub fn quantile(&self, p: f64) -> f64 {
        let q = match Quantile::new(&self.distribution, &self.range) {
            Ok(q) => q,
            Err(_) => return f64::NAN,
        };
        let x = q.at(p.clamp(0.0, 1.0));
        let x = if self.range.whole { x.round() } else { x };
        x.clamp(self.range.min, self.range.max)
    }

    /// Whether the distribution has no spread (an sd of 0, low = high):
    /// the parameter is fixed.
    pub fn is_fixed(&self) -> bool {
        matches!(
            Quantile::new(&self.distribution, &self.range),
            Ok(Quantile::Constant(_))
        )
    }

    /// The value that stands in for the parameter when it is not sampled
    /// (validation, the centre of a sensitivity analysis): the median.
    pub fn central(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The parameter as a TOML value of its type.
    pub fn toml_value(&self, x: f64) -> Value {
        if self.range.whole {
            Value::Integer(x as i64)
        } else {
            Value::Float(x)
        }
    }
}

/// Stratified uniforms for one parameter and one block of `size`
/// replications: a random permutation of the `size` strata of (0, 1), and
/// a uniform position within each, from the parameter's own stream.
/// Replication `i` of the block gets element `i`.
pub fn latin_hypercube_column(seed: u64, name: &str, block: u64, size: usize) -> Vec<f64> {
    let mut rng = stream(seed, Purpose::new(&format!("parameter {name}"), 0), block);
    let mut strata: Vec<usize> = (0..size).collect();
    for i in (1..size).rev() {
        let j = rng.random_range(0..=i);
        strata.swap(i, j);
    }
    strata
        .into_iter()
        .map(|s| {
            let within: f64 = rng.random();
            // Open interval: never exactly 0 or 1.
            ((s as f64 + within).max(1e-12) / size as f64).min(1.0 - 1e-12)
        })
        .collect()
}

/// Finds every distribution in `merged`, checks it against the parameter's
/// type and puts its median in its place. Returns the parameters, or
/// every problem found: where it is and what was expected (the caller
/// pins each to its file, line and column).
pub fn extract(
    merged: &mut Table,
) -> Result<Vec<UncertainParameter>, Vec<(Vec<PathStep>, String)>> {
    let schema = scenario_schema();
    let mut found = Vec::new();
    collect(
        schema,
        &Value::Table(merged.clone()),
        &mut Vec::new(),
        &mut found,
    );
    let mut params = Vec::new();
    let mut errors = Vec::new();
    for (path, table, range) in found {
        match parameter(&path, table, range) {
            Ok(p) => params.push(p),
            Err(message) => errors.push((path, message)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for p in &params {
        set(merged, &p.path, p.toml_value(p.central()));
    }
    // A distribution with no spread is a fixed number written another way.
    params.retain(|p| !p.is_fixed());
    Ok(params)
}

/// Most parameter sets a file of joint sets may hold.
pub const MAX_SETS: usize = 100_000;

/// The parameters of a file of joint parameter sets (`[uncertainty] sets`,
/// CSV `set,parameter,value` as `carecap calibrate` writes `posterior.csv`;
/// `file` names it in messages). Each parameter must name a number of
/// `merged` (not a `[scenario]` setting), and every set must give every
/// parameter one value within its range. A parameter in `drawn` (written
/// as a distribution) is left to its distribution. Puts each parameter's
/// median in `merged`, as [`extract`] does, and returns those that vary.
pub fn joint_sets(
    merged: &mut Table,
    drawn: &[UncertainParameter],
    file: &str,
    text: &str,
) -> Result<Vec<UncertainParameter>, String> {
    let table = SetsTable::read(file, text)?;
    let mut numbers = Vec::new();
    leaf_paths(&Value::Table(merged.clone()), &mut Vec::new(), &mut numbers);
    let schema = scenario_schema();
    let mut params = Vec::new();
    for (j, name) in table.parameters.iter().enumerate() {
        if drawn.iter().any(|p| &p.name == name) {
            continue;
        }
        let leaf = numbers.iter().find(|(p, _)| &render_path(p) == name);
        if let Some((_, false)) = leaf {
            // Not a number where the scenario has it: reading the scenario
            // reports that at its own line.
            continue;
        }
        let path = leaf
            .map(|(p, _)| p)
            .filter(|p| p.first() != Some(&PathStep::Key("scenario".into())))
            .ok_or_else(|| {
                format!(
                    "{file}: expected parameters that name numbers of the scenario \
                     (e.g. pathway.crises_per_week), found {name:?}"
                )
            })?;
        let range = range_at(schema, schema, path)
            .ok_or_else(|| format!("{file}: {name} is not a number the scenario takes"))?;
        let values: Vec<f64> = table.values.iter().map(|set| set[j]).collect();
        if let Some((i, x)) = values
            .iter()
            .enumerate()
            .find(|(_, x)| !range.contains(**x) || (range.whole && x.fract() != 0.0))
        {
            return Err(format!(
                "{file}: expected {name} within its range ({}{}), found {x} in set {}",
                range.describe(),
                if range.whole { ", whole numbers" } else { "" },
                table.sets[i]
            ));
        }
        params.push(UncertainParameter {
            path: path.clone(),
            name: name.clone(),
            distribution: Distribution::Sets(values.into()),
            range,
        });
    }
    for p in &params {
        set(merged, &p.path, p.toml_value(p.central()));
    }
    params.retain(|p| !p.is_fixed());
    Ok(params)
}

/// A file of joint parameter sets, read: `values[set][parameter]`.
struct SetsTable {
    sets: Vec<String>,
    parameters: Vec<String>,
    values: Vec<Vec<f64>>,
}

impl SetsTable {
    fn read(file: &str, text: &str) -> Result<SetsTable, String> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| format!("{file}: {e}"))?
            .clone();
        if header.iter().collect::<Vec<_>>() != ["set", "parameter", "value"] {
            return Err(format!(
                "{file}: expected the columns set,parameter,value (as calibrate's \
                 posterior.csv), found {}",
                header.iter().collect::<Vec<_>>().join(",")
            ));
        }
        let mut cells: std::collections::BTreeMap<(usize, usize), f64> = Default::default();
        let (mut sets, mut parameters) = (Vec::<String>::new(), Vec::<String>::new());
        let index = |list: &mut Vec<String>, key: &str| match list.iter().position(|k| k == key) {
            Some(i) => i,
            None => {
                list.push(key.to_string());
                list.len() - 1
            }
        };
        for record in reader.records() {
            let record = record.map_err(|e| format!("{file}: {e}"))?;
            let line = record.position().map_or(0, |p| p.line());
            let value: f64 = record[2]
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    format!(
                        "{file}:{line}: expected a number as value, found {:?}",
                        &record[2]
                    )
                })?;
            let set = index(&mut sets, record[0].trim());
            let parameter = index(&mut parameters, record[1].trim());
            if sets.len() > MAX_SETS {
                return Err(format!("{file}: expected at most {MAX_SETS} sets"));
            }
            if cells.insert((set, parameter), value).is_some() {
                return Err(format!(
                    "{file}:{line}: set {} gives {} twice",
                    sets[set], parameters[parameter]
                ));
            }
        }
        if sets.is_empty() {
            return Err(format!(
                "{file}: expected at least one parameter set, found none"
            ));
        }
        let mut values = Vec::with_capacity(sets.len());
        for (i, set) in sets.iter().enumerate() {
            let row: Result<Vec<f64>, String> = (0..parameters.len())
                .map(|j| {
                    cells.get(&(i, j)).copied().ok_or_else(|| {
                        format!("{file}: expected every set to give every parameter, but set {set} has no {}", parameters[j])
                    })
                })
                .collect();
            values.push(row?);
        }
        Ok(SetsTable {
            sets,
            parameters,
            values,
        })
    }
}

/// The path of every value in `value` that is not a table or an array,
/// named as [`collect`] names them, and whether it is a number.
fn leaf_paths(value: &Value, path: &mut Vec<PathStep>, out: &mut Vec<(Vec<PathStep>, bool)>) {
    match value {
        Value::Table(t) => {
            for (k, v) in t {
                path.push(PathStep::Key(k.clone()));
                leaf_paths(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (step, v) in item_steps(items).into_iter().zip(items) {
                path.push(step);
                leaf_paths(v, path, out);
                path.pop();
            }
        }
        Value::Integer(_) | Value::Float(_) => out.push((path.clone(), true)),
        _ => out.push((path.clone(), false)),
    }
}

/// The scenario files' JSON Schema as a value, built once.
fn scenario_schema() -> &'static serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::to_value(schemars::schema_for!(super::types::Scenario)).unwrap_or_default()
    })
}

/// A parameter from its table `{ dist = …, … }` at `path`.
fn parameter(path: &[PathStep], table: Table, range: Range) -> Result<UncertainParameter, String> {
    let distribution: Distribution = Value::Table(table).try_into().map_err(|e: toml::de::Error| {
        format!(
            "expected a distribution: {{ dist = \"beta\", mean, sd }}, \"triangular\" (low, mode, \
             high), \"uniform\" (low, high), \"lognormal\", \"gamma\" or \"normal\" (mean, sd); {}",
            e.message().trim()
        )
    })?;
    let q = Quantile::new(&distribution, &range)?;
    let (low, high, open) = q.support();
    let low_ok = low > range.min || (low == range.min && (!range.min_open || open));
    let fits = matches!(q, Quantile::Normal(..)) || (low_ok && high <= range.max);
    if !fits {
        return Err(format!(
            "expected a distribution within the parameter's range ({}), found one reaching {}–{} \
             (a normal is cut to the range; other distributions must fit inside it)",
            range.describe(),
            low,
            high
        ));
    }
    Ok(UncertainParameter {
        name: render_path(path),
        path: path.to_vec(),
        distribution,
        range,
    })
}

/// Every table with a `dist` key where the scenario expects a number,
/// with its path and the number's range. A `dist` table where the scenario
/// expects one (a length of stay's lognormal, say) is the model's own
/// distribution: its numbers may in turn be uncertain.
type Found = (Vec<PathStep>, Table, Range);

fn collect(
    schema: &serde_json::Value,
    value: &Value,
    path: &mut Vec<PathStep>,
    out: &mut Vec<Found>,
) {
    match value {
        Value::Table(t) => {
            if t.contains_key("dist")
                && let Some(range) = range_at(schema, schema, path)
            {
                out.push((path.clone(), t.clone(), range));
                return;
            }
            for (k, v) in t {
                path.push(PathStep::Key(k.clone()));
                collect(schema, v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (step, v) in item_steps(items).into_iter().zip(items) {
                path.push(step);
                collect(schema, v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The path step to each item of an array: its name when every item has
/// one (an array of named tables, merged by name), else its index.
fn item_steps(items: &[Value]) -> Vec<PathStep> {
    let name = |v: &Value| {
        v.as_table()
            .and_then(|t| t.get("name")?.as_str().map(str::to_string))
    };
    let named = items.iter().all(|v| name(v).is_some());
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match name(v) {
            Some(n) if named => PathStep::Named(n),
            _ => PathStep::Index(i),
        })
        .collect()
}

/// Writes `value` at `path` in `doc` (a path that is not there is left alone).
pub fn set(doc: &mut Table, path: &[PathStep], value: Value) {
    if let Some((PathStep::Key(first), rest)) = path.split_first()
        && let Some(here) = doc.get_mut(first)
    {
        set_in(here, rest, value);
    }
}

fn set_in(here: &mut Value, path: &[PathStep], value: Value) {
    let Some((step, rest)) = path.split_first() else {
        *here = value;
        return;
    };
    let next = match (step, here) {
        (PathStep::Key(k), Value::Table(t)) => t.get_mut(k),
        (PathStep::Index(i), Value::Array(a)) => a.get_mut(*i),
        (PathStep::Named(n), Value::Array(a)) => a
            .iter_mut()
            .find(|v| v.as_table().and_then(|t| t.get("name")?.as_str()) == Some(n)),
        _ => None,
    };
    if let Some(next) = next {
        set_in(next, rest, value);
    }
}

/// The range of the number at `path`, from the JSON Schema `node` (within
/// `root`, for `$ref`s); `None` if the path does not lead to a number.
fn range_at(
    root: &serde_json::Value,
    node: &serde_json::Value,
    path: &[PathStep],
) -> Option<Range> {
    let node = deref(root, node);
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(branches) = node.get(combinator).and_then(|b| b.as_array()) {
            return branches.iter().find_map(|b| range_at(root, b, path));
        }
    }
    match path.first() {
        None => leaf_range(node),
        Some(PathStep::Key(k)) => node
            .get("properties")
            .and_then(|p| p.get(k))
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()))
            .and_then(|n| range_at(root, n, &path[1..])),
        Some(PathStep::Named(_) | PathStep::Index(_)) => node
            .get("items")
            .and_then(|n| range_at(root, n, &path[1..])),
    }
}

fn deref<'a>(root: &'a serde_json::Value, node: &'a serde_json::Value) -> &'a serde_json::Value {
    let mut node = node;
    for _ in 0..16 {
        match node.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => match r
                .strip_prefix("#/$defs/")
                .and_then(|n| root["$defs"].get(n))
            {
                Some(next) => node = next,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

fn leaf_range(node: &serde_json::Value) -> Option<Range> {
    let types: Vec<&str> = match node.get("type")? {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(a) => a.iter().filter_map(|t| t.as_str()).collect(),
        _ => return None,
    };
    let whole = types.contains(&"integer") && !types.contains(&"number");
    if !whole && !types.contains(&"number") {
        return None;
    }
    let num = |k: &str| node.get(k).and_then(|v| v.as_f64());
    let (min, min_open) = match (num("minimum"), num("exclusiveMinimum")) {
        (_, Some(x)) => (x, true),
        (Some(x), None) => (x, false),
        (None, None) => (f64::NEG_INFINITY, false),
    };
    let max = num("maximum")
        .or(num("exclusiveMaximum"))
        .unwrap_or(f64::INFINITY);
    Some(Range {
        min,
        max,
        min_open,
        whole,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share() -> Range {
        Range {
            min: 0.0,
            max: 1.0,
            min_open: false,
            whole: false,
        }
    }

    fn param(d: Distribution, range: Range) -> UncertainParameter {
        UncertainParameter {
            path: vec![],
            name: "x".into(),
            distribution: d,
            range,
        }
    }

    #[test]
    fn degenerate_distributions_give_their_value_exactly() {
        for d in [
            Distribution::Beta {
                mean: 0.48,
                sd: 0.0,
            },
            Distribution::Triangular {
                low: 0.48,
                mode: 0.48,
                high: 0.48,
            },
            Distribution::Uniform {
                low: 0.48,
                high: 0.48,
            },
            Distribution::Normal {
                mean: 0.48,
                sd: 0.0,
            },
        ] {
            let p = param(d, share());
            for u in [0.01, 0.5, 0.99] {
                assert_eq!(p.quantile(u), 0.48);
            }
        }
    }

    #[test]
    fn a_normal_is_cut_to_the_range() {
        let p = param(
            Distribution::Normal {
                mean: 0.95,
                sd: 0.2,
            },
            share(),
        );
        assert!(p.quantile(0.999) <= 1.0 && p.quantile(0.001) >= 0.0);
        // Half the untruncated mass above 0.95 is cut: the median is lower.
        assert!(p.quantile(0.5) < 0.95);
    }

    #[test]
    fn latin_hypercube_puts_one_replication_in_each_stratum() {
        let n = 50;
        let u = latin_hypercube_column(7, "a", 0, n);
        let mut strata: Vec<usize> = u.iter().map(|x| (x * n as f64) as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..n).collect::<Vec<_>>());
        assert_ne!(u, latin_hypercube_column(7, "b", 0, n));
        assert_ne!(u, latin_hypercube_column(7, "a", 1, n));
        assert_eq!(u, latin_hypercube_column(7, "a", 0, n));
    }
}
