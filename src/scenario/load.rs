//! Reading scenario files: TOML parsing, `extends` resolution and merging,
//! typed deserialisation, and pinning every error to file:line:column.
//!
//! Merge rule: an option file is laid over the file it extends. Tables merge
//! key by key; arrays of tables whose entries have a `name` merge entry by
//! entry (same name: merged; new name: appended; `remove = true` deletes
//! the entry of that name); any other value is replaced.

use super::error::{PathStep, ScenarioError, ScenarioErrors, line_column, render_path};
use super::types::Scenario;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// Largest scenario file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Deepest `extends` chain accepted.
pub const MAX_EXTENDS_DEPTH: usize = 16;

/// A source file that contributed to a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// Path as given or resolved.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// A scenario with its sources, not yet validated.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The typed scenario.
    pub scenario: Scenario,
    /// Files from the one named on the command line to the root of the chain.
    pub files: Vec<SourceFile>,
    /// The merged document.
    pub merged: Table,
    /// SHA-256 (hex) of the merged document as canonical TOML.
    pub resolved_sha256: String,
    /// The parameters written as distributions or drawn from a file of
    /// joint sets (their medians stand in `merged` and `scenario`); empty
    /// when every number is fixed.
    pub uncertain: Vec<super::uncertain::UncertainParameter>,
    /// The file of joint parameter sets (`[uncertainty] sets`), if any.
    pub sets_file: Option<SourceFile>,
    /// How many shards share the replications (1 unless the command line
    /// splits the study): the size limits apply to one shard's share, the
    /// work one machine does.
    pub shards: u64,
    /// Who set the replications: the file, or (with no line in the file
    /// to show) the command line or the study's baseline.
    pub replications_set_by: ReplicationsSetBy,
}

/// Who set a scenario's number of replications.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReplicationsSetBy {
    /// The scenario's file (or a file it extends).
    #[default]
    File,
    /// `--reps` on the command line.
    CommandLine,
    /// The baseline of the comparison or batch the scenario is an option
    /// of (options run with their baseline's replications).
    Baseline,
}

impl Loaded {
    /// An error at `path` in whichever file defines it (the option first).
    pub fn error_at(&self, path: &[PathStep], message: impl Into<String>) -> ScenarioError {
        locate_error(&self.files, path, message.into())
    }

    /// An error of `key` that no line of the files gives (a value the
    /// command line set), in the file named on the command line.
    pub fn error_in_file(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        let file = self.files.first().map(|f| f.path.as_path());
        plain_error(file.unwrap_or(Path::new("")), key, message.into())
    }

    /// This scenario with its uncertain parameters set to `values` (one
    /// per parameter, in order), deserialised again; the overrides of the
    /// command line (replications, seed) are kept.
    pub fn with_values(&self, values: &[f64]) -> Result<Loaded, ScenarioErrors> {
        let mut doc = self.merged.clone();
        for (p, &x) in self.uncertain.iter().zip(values) {
            super::uncertain::set(&mut doc, &p.path, p.toml_value(x));
        }
        let root = Value::Table(doc.clone());
        let mut scenario: Scenario = serde_path_to_error::deserialize(root.clone())
            .map_err(|e| locate_serde(&self.files, &root, &[], &e))?;
        scenario.scenario.replications = self.scenario.scenario.replications;
        scenario.scenario.seed = self.scenario.scenario.seed;
        Ok(Loaded {
            scenario,
            merged: doc,
            ..self.clone()
        })
    }
}

fn plain_error(file: &Path, key: &str, message: String) -> ScenarioError {
    ScenarioError {
        file: file.to_path_buf(),
        line: 0,
        column: 0,
        key: key.into(),
        message,
    }
}

/// Reads a scenario file named on the command line or by `extends`
/// (`referrer`): a regular file of at most [`MAX_FILE_BYTES`] in UTF-8.
/// Text that is not UTF-8 is an error at its line and column in the file
/// itself; anything else is an error of the `extends` key that named it.
fn read_file(
    path: &Path,
    referrer: Option<&Path>,
    files: &[SourceFile],
) -> Result<String, ScenarioError> {
    use crate::fsread::{ReadError, read_text};
    match read_text(path, MAX_FILE_BYTES) {
        Ok(text) => Ok(text),
        Err(ReadError::NotUtf8 { line, column }) => Err(ScenarioError {
            file: path.to_path_buf(),
            line,
            column,
            key: "file".into(),
            message: ReadError::NotUtf8 { line, column }.to_string(),
        }),
        Err(e) => {
            let message = e.at(path);
            Err(match referrer {
                Some(r) => extends_error(files, r, message),
                None => plain_error(path, "file", message),
            })
        }
    }
}

/// Parses TOML text, naming the key of a duplicate and giving every error a
/// position (the end of the file when the parser gives none).
fn parse(path: &Path, text: &str) -> Result<Table, ScenarioError> {
    text.parse::<Table>().map_err(|e| {
        let span = e.span().unwrap_or(text.len()..text.len());
        let (line, column) = line_column(text, span.start);
        let mut message = e.message().trim().to_string();
        if message.contains("max recursion depth") {
            message = "expected arrays and tables nested less deeply (the reader's limit is \
                       reached here)"
                .into();
        }
        if message.starts_with("duplicate key") && !message.contains('`') {
            let key = text.get(span).unwrap_or("").trim();
            message = format!("expected each key once, found `{key}` again ({message})");
        }
        ScenarioError {
            file: path.to_path_buf(),
            line,
            column,
            key: "syntax".into(),
            message,
        }
    })
}

/// Parses `text` (from `path`) as TOML and deserialises it as `T`, every
/// error at its line and column under the key `what`; returns the value
/// and the source for locating later errors.
pub fn parse_as<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<(T, SourceFile), ScenarioErrors> {
    let table = parse(path, text).map_err(|mut e| {
        e.key = what.into();
        e
    })?;
    let source = SourceFile {
        path: path.to_path_buf(),
        text: text.to_string(),
    };
    let root = Value::Table(table);
    let value = serde_path_to_error::deserialize(root.clone())
        .map_err(|e| locate_serde(std::slice::from_ref(&source), &root, &[], &e))?;
    Ok((value, source))
}

/// Reads the file at `path` (a regular file of at most [`MAX_FILE_BYTES`]
/// in UTF-8) and deserialises it as `T`, as [`parse_as`] does; a file that
/// cannot be read is an error of the file as a whole under the key `what`.
/// For the files beside scenarios: sweeps and calibration targets.
pub fn read_as<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
) -> Result<(T, SourceFile), ScenarioErrors> {
    let text = crate::fsread::read_text(path, MAX_FILE_BYTES)
        .map_err(|e| ScenarioErrors(vec![plain_error(path, what, e.at(path))]))?;
    parse_as(path, &text, what)
}

/// Reads `path` and everything it extends, merged (child over parent).
/// `sets` becomes the file of joint parameter sets the chain names, resolved
/// against the file that names it (the option's over its baseline's); an
/// empty name (`sets = ""`) is no file, so an option can drop its
/// baseline's sets.
fn read_chain(
    path: &Path,
    files: &mut Vec<SourceFile>,
    added: &mut Vec<NewEntry>,
    sets: &mut Option<Option<PathBuf>>,
) -> Result<Table, ScenarioError> {
    let mut chain: Vec<(PathBuf, Table)> = Vec::new();
    let mut next = Some((path.to_path_buf(), None::<PathBuf>));
    while let Some((current, referrer)) = next.take() {
        let canonical = current.canonicalize().unwrap_or_else(|_| current.clone());
        if chain
            .iter()
            .any(|(p, _)| p.canonicalize().unwrap_or_else(|_| p.clone()) == canonical)
        {
            let short = |p: &Path| {
                p.file_name()
                    .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
            };
            let cycle: Vec<String> = chain.iter().map(|(p, _)| short(p)).collect();
            let from = referrer.unwrap_or_else(|| current.clone());
            return Err(extends_error(
                files,
                &from,
                format!(
                    "expected a chain of `extends` without cycles, found {} → {}",
                    cycle.join(" → "),
                    short(&current)
                ),
            ));
        }
        if chain.len() >= MAX_EXTENDS_DEPTH {
            let message = format!(
                "expected at most {MAX_EXTENDS_DEPTH} levels of `extends`, found more (this one names {})",
                current.display()
            );
            return Err(match &referrer {
                Some(r) => extends_error(files, r, message),
                None => plain_error(&current, "extends", message),
            });
        }
        let text = read_file(&current, referrer.as_deref(), files)?;
        let table = parse(&current, &text)?;
        files.push(SourceFile {
            path: current.clone(),
            text,
        });
        let dir = current.parent().unwrap_or(Path::new("."));
        if let (None, Some(file)) = (
            &sets,
            table
                .get("uncertainty")
                .and_then(|u| u.get("sets"))
                .and_then(Value::as_str),
        ) {
            *sets = Some((!file.is_empty()).then(|| dir.join(file)));
        }
        if let Some(parent) = table.get("extends") {
            let Some(parent) = parent.as_str() else {
                return Err(extends_error(
                    files,
                    &current,
                    format!("expected a file path string, found {}", parent.type_str()),
                ));
            };
            next = Some((dir.join(parent), Some(current.clone())));
        }
        chain.push((current, table));
    }
    let mut merged = Table::new();
    for (_, table) in chain.into_iter().rev() {
        added.extend(new_entries(&merged, &table));
        merge(&mut merged, table);
    }
    merged.remove("extends");
    Ok(merged)
}

fn extends_error(files: &[SourceFile], file: &Path, message: String) -> ScenarioError {
    let source: Vec<SourceFile> = files.iter().filter(|f| f.path == file).cloned().collect();
    let mut e = locate_error(&source, &[PathStep::Key("extends".into())], message);
    e.file = file.to_path_buf();
    e
}

/// Lays `over` onto `base` by the merge rule in the module docs.
pub fn merge(base: &mut Table, over: Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (Some(Value::Array(b)), Value::Array(o)) if all_named(b) && all_named(&o) => {
                merge_named(b, o)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn name_of(v: &Value) -> Option<&str> {
    v.as_table()?.get("name")?.as_str()
}

fn all_named(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|v| name_of(v).is_some())
}

fn merge_named(base: &mut Vec<Value>, over: Vec<Value>) {
    for item in over {
        let name = name_of(&item).map(str::to_owned);
        let removes = item
            .as_table()
            .and_then(|t| t.get("remove"))
            .and_then(Value::as_bool)
            == Some(true);
        let position = base
            .iter()
            .position(|b| name_of(b).map(str::to_owned) == name);
        match (position, item) {
            (Some(i), _) if removes => {
                base.remove(i);
            }
            (None, _) if removes => {}
            (Some(i), Value::Table(t)) => {
                if let Value::Table(existing) = &mut base[i] {
                    merge(existing, t);
                }
            }
            (_, item) => base.push(item),
        }
    }
}

/// An entry of an array of named tables that a file adds to the entries of
/// the files it extends (a new site, borough, line or intervention).
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// The array (`site`, `borough`, …).
    table: String,
    /// The new entry's name.
    name: String,
    /// The names the extended files already had.
    known: Vec<String>,
}

/// Entries of `over` that are new to a non-empty array of `base`.
fn new_entries(base: &Table, over: &Table) -> Vec<NewEntry> {
    let mut out = Vec::new();
    for (key, value) in over {
        let (Some(Value::Array(old)), Value::Array(new)) = (base.get(key), value) else {
            continue;
        };
        let known: Vec<String> = old.iter().filter_map(name_of).map(str::to_owned).collect();
        if known.is_empty() {
            continue;
        }
        for name in new.iter().filter_map(name_of) {
            if !known.iter().any(|k| k == name) {
                out.push(NewEntry {
                    table: key.clone(),
                    name: name.to_string(),
                    known: known.clone(),
                });
            }
        }
    }
    out
}

/// Keys an entry of the array `table` must have (from the schema).
fn required_keys(table: &str) -> Vec<String> {
    use super::support::{DayHospice, OutpatientClinic, PsychologicalSupport};
    use super::types::{AdviceLine, Borough, Intervention, Site};
    let schema = match table {
        "segment" => schemars::schema_for!(super::community::Segment),
        "caring_community" => schemars::schema_for!(super::community::CaringCommunity),
        "care_coordination" => schemars::schema_for!(super::community::CareCoordination),
        "care_home" => schemars::schema_for!(super::community::CareHome),
        "coaching" => schemars::schema_for!(super::community::Coaching),
        "day_hospice" => schemars::schema_for!(DayHospice),
        "outpatient_clinic" => schemars::schema_for!(OutpatientClinic),
        "psychological_support" => schemars::schema_for!(PsychologicalSupport),
        "site" => schemars::schema_for!(Site),
        "borough" => schemars::schema_for!(Borough),
        "advice_line" => schemars::schema_for!(AdviceLine),
        "intervention" => schemars::schema_for!(Intervention),
        _ => return Vec::new(),
    };
    let value = serde_json::to_value(&schema).unwrap_or_default();
    value["required"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A new entry that lacks keys every entry needs is almost always a
/// misspelt name: say so, with the nearest existing name, in plain words.
fn incomplete_new_entries(
    files: &[SourceFile],
    merged: &Table,
    added: &[NewEntry],
) -> Vec<ScenarioError> {
    let mut errors = Vec::new();
    for entry in added {
        let Some(Value::Array(items)) = merged.get(&entry.table) else {
            continue;
        };
        let Some(item) = items
            .iter()
            .filter_map(Value::as_table)
            .find(|t| t.get("name").and_then(Value::as_str) == Some(entry.name.as_str()))
        else {
            continue;
        };
        let missing: Vec<String> = required_keys(&entry.table)
            .into_iter()
            .filter(|k| !item.contains_key(k))
            .map(|k| format!("`{k}`"))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let known: std::collections::HashSet<&str> =
            entry.known.iter().map(String::as_str).collect();
        let what = entry.table.replace('_', " ");
        let message = format!(
            "{:?} is not a {what} of the scenario this file extends{}; a new {what} needs {}",
            entry.name,
            super::error::suggest(&entry.name, &known),
            missing.join(", ")
        );
        let path = [
            PathStep::Key(entry.table.clone()),
            PathStep::Named(entry.name.clone()),
        ];
        errors.push(locate_error(files, &path, message));
    }
    errors
}

/// Loads `path`, resolving `extends`, and deserialises it.
pub fn load(path: &Path) -> Result<Loaded, ScenarioErrors> {
    let mut files = Vec::new();
    let mut added = Vec::new();
    let mut sets = None;
    let mut merged = read_chain(path, &mut files, &mut added, &mut sets)?;
    let canonical = toml::to_string(&merged).unwrap_or_default();
    let resolved_sha256 = hex(&Sha256::digest(canonical.as_bytes()));
    let mut uncertain = super::uncertain::extract(&mut merged).map_err(|found| {
        ScenarioErrors(
            found
                .into_iter()
                .map(|(path, message)| locate_error(&files, &path, message))
                .collect(),
        )
    })?;
    let sample = merged
        .get("uncertainty")
        .and_then(|u| u.get("sample"))
        .and_then(Value::as_bool)
        != Some(false);
    let mut errors = retired_keys(&files, &merged);
    let sets_file = match sets {
        Some(Some(file)) if sample => read_sets(&files, &file, &mut merged, &mut uncertain)
            .map_err(|e| errors.push(e))
            .ok(),
        _ => None,
    };
    if !sample {
        uncertain.clear();
    }
    let incomplete = incomplete_new_entries(&files, &merged, &added);
    let deserialised: Option<Scenario> =
        match serde_path_to_error::deserialize(Value::Table(merged.clone())) {
            Ok(scenario) => Some(scenario),
            Err(e) => {
                let first = locate_serde(&files, &Value::Table(merged.clone()), &[], &e);
                // An incomplete new entry is explained once, not key by missing key.
                let explained =
                    |e: &ScenarioError| incomplete.iter().any(|n| e.key.starts_with(&n.key));
                errors.extend(
                    every_serde_error(&files, &merged, first)
                        .into_iter()
                        .filter(|e| !explained(e)),
                );
                None
            }
        };
    errors.extend(incomplete);
    let scenario = match deserialised {
        Some(scenario) if errors.is_empty() => scenario,
        _ => {
            errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            errors.dedup();
            return Err(ScenarioErrors(errors));
        }
    };
    Ok(Loaded {
        scenario,
        files,
        merged,
        resolved_sha256,
        uncertain,
        sets_file,
        shards: 1,
        replications_set_by: ReplicationsSetBy::File,
    })
}

/// Reads the file of joint parameter sets at `file` and adds its
/// parameters to `uncertain` (see [`super::uncertain::joint_sets`]); an
/// error is one of the `[uncertainty] sets` key that names it.
fn read_sets(
    files: &[SourceFile],
    file: &Path,
    merged: &mut Table,
    uncertain: &mut Vec<super::uncertain::UncertainParameter>,
) -> Result<SourceFile, ScenarioError> {
    let key = [
        PathStep::Key("uncertainty".into()),
        PathStep::Key("sets".into()),
    ];
    let error = |message: String| locate_error(files, &key, message);
    let text = crate::fsread::read_text(file, MAX_FILE_BYTES).map_err(|e| error(e.at(file)))?;
    let joint = super::uncertain::joint_sets(merged, uncertain, &file.display().to_string(), &text)
        .map_err(error)?;
    uncertain.extend(joint);
    Ok(SourceFile {
        path: file.to_path_buf(),
        text,
    })
}

/// Keys that once were inputs and no longer mean anything: (table, key,
/// what replaced it). A file that still has one is refused with that
/// explanation, rather than having it silently ignored or misread.
const RETIRED_KEYS: &[(&str, &str, &str)] = &[
    (
        "site",
        "length_of_stay",
        "a stay now ends at the person's own time of death or at planned discharge, so the \
         unit's length of stay is an outcome; give the time from admission to planned \
         discharge as `discharge_after`",
    ),
    (
        "site",
        "die_in_unit_share",
        "who dies in the unit now follows from each person's own time of death and the \
         unit's `discharge_after`; remove it (the share is an outcome: ipu_deaths ÷ \
         ipu_admissions)",
    ),
    (
        "enhanced_beds",
        "length_of_stay",
        "a stay now ends at the person's own time of death or at planned discharge, so the \
         length of stay is an outcome; give the time from admission to planned discharge as \
         `discharge_after`",
    ),
    (
        "enhanced_beds",
        "die_in_bed_share",
        "who dies in an enhanced bed now follows from each person's own time of death and \
         `discharge_after`; remove it",
    ),
];

/// An error for every retired key in the merged document.
fn retired_keys(files: &[SourceFile], merged: &Table) -> Vec<ScenarioError> {
    let mut errors = Vec::new();
    for &(table, key, replaced) in RETIRED_KEYS {
        let has_key = |v: &Value| v.as_table().is_some_and(|t| t.contains_key(key));
        // A plain table holds the key directly; an array of tables in an entry.
        let places: Vec<Option<PathStep>> = match merged.get(table) {
            Some(v @ Value::Table(_)) if has_key(v) => vec![None],
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter(|(_, item)| has_key(item))
                .map(|(i, item)| {
                    Some(name_of(item).map_or(PathStep::Index(i), |n| PathStep::Named(n.into())))
                })
                .collect(),
            _ => Vec::new(),
        };
        for entry in places {
            let path: Vec<PathStep> = [PathStep::Key(table.into())]
                .into_iter()
                .chain(entry)
                .chain([PathStep::Key(key.into())])
                .collect();
            let message = format!("`{key}` is no longer a scenario key: {replaced}");
            errors.push(locate_error(files, &path, message));
        }
    }
    errors
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The error `e` (from deserialising `root`, found at `prefix`) at its file,
/// line and column, in plain words.
fn locate_serde(
    files: &[SourceFile],
    root: &Value,
    prefix: &[PathStep],
    e: &serde_path_to_error::Error<toml::de::Error>,
) -> ScenarioError {
    let mut steps = prefix.to_vec();
    steps.extend(serde_path(root, e.path()));
    locate_error(files, &steps, explain_serde(e.inner().message()))
}

/// Most errors reported from one table.
const MAX_ERRORS_PER_TABLE: usize = 20;

/// Deserialises `value` as `T`; returns its errors located under `prefix`.
/// Serde stops at the first error, so the offending key is taken out and
/// the table tried again, until it deserialises or an error cannot be
/// taken out (a missing key, or one the removal itself made missing).
fn section<T: serde::de::DeserializeOwned>(
    files: &[SourceFile],
    value: &Value,
    prefix: Vec<PathStep>,
) -> Vec<ScenarioError> {
    let mut value = value.clone();
    let mut errors = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    while errors.len() < MAX_ERRORS_PER_TABLE {
        let Err(e) = serde_path_to_error::deserialize::<_, T>(value.clone()) else {
            break;
        };
        let message = e.inner().message().to_string();
        if removed
            .iter()
            .any(|k| message.trim() == format!("missing field `{k}`"))
        {
            break;
        }
        errors.push(locate_serde(files, &value, &prefix, &e));
        match remove_at(&mut value, e.path(), placeholder(&message)) {
            Some(key) => removed.push(key),
            None => break,
        }
    }
    errors
}

/// A stand-in of the type a wrong-typed value should have had (so that the
/// rest of its table can still be checked), from serde's message.
fn placeholder(message: &str) -> Option<Value> {
    let (_, expected) = message.split_once(", expected ")?;
    match expected.trim() {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
            Some(Value::Integer(0))
        }
        "f32" | "f64" => Some(Value::Float(0.0)),
        "a boolean" => Some(Value::Boolean(false)),
        "a string" => Some(Value::String(String::new())),
        "a sequence" => Some(Value::Array(Vec::new())),
        _ => None,
    }
}

/// Takes the key at the end of serde's `path` out of `value` (putting
/// `stand_in` in its place, if given); its name, or `None` if the path does
/// not end in a key of a table.
fn remove_at(
    value: &mut Value,
    path: &serde_path_to_error::Path,
    stand_in: Option<Value>,
) -> Option<String> {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path
        .iter()
        .filter(|s| matches!(s, Segment::Map { .. } | Segment::Seq { .. }))
        .collect();
    let (last, parents) = segments.split_last()?;
    let mut node = value;
    for seg in parents {
        node = match seg {
            Segment::Map { key } => node.as_table_mut()?.get_mut(key)?,
            Segment::Seq { index } => node.as_array_mut()?.get_mut(*index)?,
            _ => return None,
        };
    }
    let Segment::Map { key } = last else {
        return None;
    };
    let table = node.as_table_mut()?;
    table.remove(key)?;
    if let Some(v) = stand_in {
        table.insert(key.clone(), v);
    }
    Some(key.clone())
}

/// Deserialises each entry of the array `value` as `T`.
fn entries<T: serde::de::DeserializeOwned>(
    files: &[SourceFile],
    key: &str,
    value: &Value,
) -> Vec<ScenarioError> {
    let Some(items) = value.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .flat_map(|(i, item)| {
            let step = name_of(item).map_or(PathStep::Index(i), |n| PathStep::Named(n.into()));
            section::<T>(files, item, vec![PathStep::Key(key.into()), step])
        })
        .collect()
}

/// Every deserialisation error of the scenario, not only the `first` one
/// serde stops at: each table (and each entry of each array of tables) is
/// deserialised on its own.
fn every_serde_error(
    files: &[SourceFile],
    merged: &Table,
    first: ScenarioError,
) -> Vec<ScenarioError> {
    use super::types as t;
    let mut errors = vec![first];
    for (key, value) in merged {
        let prefix = vec![PathStep::Key(key.clone())];
        let found: Vec<ScenarioError> = match key.as_str() {
            "scenario" => section::<t::ScenarioMeta>(files, value, prefix),
            "demand" => section::<t::Demand>(files, value, prefix),
            "pathway" => section::<t::Pathway>(files, value, prefix),
            "enhanced_beds" => section::<t::EnhancedBeds>(files, value, prefix),
            "bereavement" => section::<t::Bereavement>(files, value, prefix),
            "calls" => section::<t::Calls>(files, value, prefix),
            "workforce" => section::<t::Workforce>(files, value, prefix),
            "costs" => section::<t::Costs>(files, value, prefix),
            "borough" => entries::<t::Borough>(files, key, value),
            "site" => entries::<t::Site>(files, key, value),
            "advice_line" => entries::<t::AdviceLine>(files, key, value),
            "segment" => entries::<super::community::Segment>(files, key, value),
            "caring_community" => entries::<super::community::CaringCommunity>(files, key, value),
            "care_coordination" => entries::<super::community::CareCoordination>(files, key, value),
            "care_home" => entries::<super::community::CareHome>(files, key, value),
            "coaching" => entries::<super::community::Coaching>(files, key, value),
            "coaching_effects" => {
                section::<super::community::CoachingEffects>(files, value, prefix)
            }
            "coordination_models" => {
                section::<super::community::CoordinationModels>(files, value, prefix)
            }
            "day_hospice" => entries::<super::support::DayHospice>(files, key, value),
            "outpatient_clinic" => entries::<super::support::OutpatientClinic>(files, key, value),
            "psychological_support" => {
                entries::<super::support::PsychologicalSupport>(files, key, value)
            }
            "intervention" => entries::<t::Intervention>(files, key, value),
            _ => Vec::new(),
        };
        for e in found {
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
    }
    errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    errors
}

/// Converts serde's path (indices into `root`) into named steps.
pub(crate) fn serde_path(root: &Value, path: &serde_path_to_error::Path) -> Vec<PathStep> {
    use serde_path_to_error::Segment;
    let mut steps = Vec::new();
    let mut node: Option<&Value> = Some(root);
    for seg in path.iter() {
        match seg {
            Segment::Map { key } => {
                node = node.and_then(|v| v.as_table()).and_then(|t| t.get(key));
                steps.push(PathStep::Key(key.clone()));
            }
            Segment::Seq { index } => {
                let item = node.and_then(|v| v.as_array()).and_then(|a| a.get(*index));
                match item.and_then(name_of) {
                    Some(name) => steps.push(PathStep::Named(name.to_string())),
                    None => steps.push(PathStep::Index(*index)),
                }
                node = item;
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    steps
}

/// Rewrites serde's message into "expected …, found …" in plain words,
/// with a suggestion for misspelt keys.
pub fn explain_serde(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let suggestion = candidates
            .iter()
            .map(|c| (strsim::jaro_winkler(field, c), *c))
            .filter(|(score, _)| *score > 0.75)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        return format!(
            "unknown key `{field}`{suggestion}; expected one of {}",
            candidates.join(", ")
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (found, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let choices: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return format!("expected one of {}, found {found:?}", choices.join(", "));
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            return format!(
                "expected {}, found {}",
                plain_type(expected),
                found.replace('`', "")
            );
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return format!(
            "expected key `{}` here, found nothing",
            rest.trim_end_matches('`')
        );
    }
    message.to_string()
}

/// Serde's (Rust's) name of an expected type in planners' words.
fn plain_type(expected: &str) -> String {
    let expected = expected.trim();
    let words = match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a sequence" => "a list [ … ]",
        "a map" => "a table { … }",
        "a string" => "text in quotes",
        "internally tagged enum Duration" => {
            "a distribution such as { dist = \"lognormal\", median_days = 11, sigma = 0.87 }, \
             { dist = \"exponential\", mean_days = 14 } or { dist = \"fixed\", days = 3 }"
        }
        "internally tagged enum Minutes" => {
            "a distribution such as { dist = \"lognormal\", median_minutes = 8, sigma = 0.6 }, \
             { dist = \"exponential\", mean_minutes = 10 } or { dist = \"fixed\", minutes = 5 }"
        }
        other if other.starts_with("struct ") => "a table { … }",
        other if other.starts_with("enum ") || other.starts_with("internally tagged") => {
            "one of the listed choices"
        }
        other => return other.to_string(),
    };
    words.to_string()
}

/// Pins `path` to the first file (option before base) that contains it, or
/// the longest prefix of it.
pub fn locate_error(files: &[SourceFile], path: &[PathStep], message: String) -> ScenarioError {
    let key = render_path(path);
    let mut best: Option<(usize, &SourceFile, usize)> = None;
    for file in files {
        let Ok(doc) = toml::de::DeTable::parse(&file.text) else {
            continue;
        };
        let (depth, offset) = find_span(doc.get_ref(), path);
        if best.is_none_or(|(d, _, _)| depth > d) {
            best = Some((depth, file, offset));
        }
        if depth == path.len() {
            break;
        }
    }
    match best {
        Some((_, file, offset)) => {
            let (line, column) = line_column(&file.text, offset);
            ScenarioError {
                file: file.path.clone(),
                line,
                column,
                key,
                message,
            }
        }
        None => ScenarioError {
            file: files.first().map(|f| f.path.clone()).unwrap_or_default(),
            line: 0,
            column: 0,
            key,
            message,
        },
    }
}

/// How many steps of `path` exist in `table`, and the byte offset of the
/// deepest one found.
fn find_span(table: &toml::de::DeTable<'_>, path: &[PathStep]) -> (usize, usize) {
    use toml::de::DeValue;
    let mut depth = 0;
    let mut offset = 0;
    let mut current_table = Some(table);
    let mut current_array: Option<&toml::de::DeArray<'_>> = None;
    for step in path {
        let found: Option<(usize, &DeValue<'_>)> = match step {
            PathStep::Key(k) => current_table.and_then(|t| {
                t.iter()
                    .find(|(key, _)| key.get_ref().as_ref() == k.as_str())
                    .map(|(key, v)| (key.span().start, v.get_ref()))
            }),
            PathStep::Named(n) => current_array.and_then(|a| {
                a.iter().find_map(|item| {
                    let t = item.get_ref().as_table()?;
                    let (_, name) = t.iter().find(|(key, _)| key.get_ref().as_ref() == "name")?;
                    (name.get_ref().as_str()? == n.as_str())
                        .then(|| (name.span().start, item.get_ref()))
                })
            }),
            PathStep::Index(i) => current_array
                .and_then(|a| a.get(*i))
                .map(|item| (item.span().start, item.get_ref())),
        };
        let Some((start, value)) = found else { break };
        depth += 1;
        offset = start;
        current_table = value.as_table();
        current_array = value.as_array();
    }
    (depth, offset)
}
