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
}

impl Loaded {
    /// An error at `path` in whichever file defines it (the option first).
    pub fn error_at(&self, path: &[PathStep], message: impl Into<String>) -> ScenarioError {
        locate_error(&self.files, path, message.into())
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

fn read_file(path: &Path, referrer: Option<&Path>) -> Result<String, ScenarioError> {
    let via = referrer
        .map(|r| format!(" (named by `extends` in {})", r.display()))
        .unwrap_or_default();
    let unreadable = |e: std::io::Error| {
        let message = format!(
            "expected a readable scenario file at {}{via}, found: {e}",
            path.display()
        );
        plain_error(path, "file", message)
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(plain_error(
            path,
            "file",
            format!(
                "expected a scenario file of at most {MAX_FILE_BYTES} bytes, found {} bytes",
                meta.len()
            ),
        ));
    }
    std::fs::read_to_string(path).map_err(unreadable)
}

fn parse(path: &Path, text: &str) -> Result<Table, ScenarioError> {
    text.parse::<Table>().map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_column(text, s.start));
        ScenarioError {
            file: path.to_path_buf(),
            line,
            column,
            key: "syntax".into(),
            message: e.message().trim().to_string(),
        }
    })
}

/// Reads `path` and everything it extends, merged (child over parent).
fn read_chain(path: &Path, files: &mut Vec<SourceFile>) -> Result<Table, ScenarioError> {
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
            return Err(plain_error(
                &current,
                "extends",
                format!("expected at most {MAX_EXTENDS_DEPTH} levels of `extends`"),
            ));
        }
        let text = read_file(&current, referrer.as_deref()).map_err(|e| match &referrer {
            Some(r) => extends_error(files, r, e.message),
            None => e,
        })?;
        let table = parse(&current, &text)?;
        files.push(SourceFile {
            path: current.clone(),
            text,
        });
        if let Some(parent) = table.get("extends") {
            let Some(parent) = parent.as_str() else {
                return Err(extends_error(
                    files,
                    &current,
                    format!("expected a file path string, found {}", parent.type_str()),
                ));
            };
            let dir = current.parent().unwrap_or(Path::new("."));
            next = Some((dir.join(parent), Some(current.clone())));
        }
        chain.push((current, table));
    }
    let mut merged = Table::new();
    for (_, table) in chain.into_iter().rev() {
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

/// Loads `path`, resolving `extends`, and deserialises it.
pub fn load(path: &Path) -> Result<Loaded, ScenarioErrors> {
    let mut files = Vec::new();
    let merged = read_chain(path, &mut files)?;
    let canonical = toml::to_string(&merged).unwrap_or_default();
    let resolved_sha256 = hex(&Sha256::digest(canonical.as_bytes()));
    let retired = retired_keys(&files, &merged);
    if !retired.is_empty() {
        return Err(ScenarioErrors(retired));
    }
    let scenario: Scenario = serde_path_to_error::deserialize(Value::Table(merged.clone()))
        .map_err(|e| {
            let path = serde_path(&merged, e.path());
            let message = explain_serde(e.inner().message());
            locate_error(&files, &path, message)
        })?;
    Ok(Loaded {
        scenario,
        files,
        merged,
        resolved_sha256,
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

/// Converts serde's path (indices into the merged document) into named steps.
fn serde_path(merged: &Table, path: &serde_path_to_error::Path) -> Vec<PathStep> {
    use serde_path_to_error::Segment;
    let mut steps = Vec::new();
    let mut node: Option<&Value> = None;
    for seg in path.iter() {
        match seg {
            Segment::Map { key } => {
                node = match node {
                    None => merged.get(key),
                    Some(v) => v.as_table().and_then(|t| t.get(key)),
                };
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

/// Rewrites serde's message into "expected …, found …" with a suggestion
/// for misspelt keys.
fn explain_serde(message: &str) -> String {
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
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!("expected {expected}, found {found}");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return format!(
            "expected key `{}` here, found nothing",
            rest.trim_end_matches('`')
        );
    }
    message.to_string()
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
