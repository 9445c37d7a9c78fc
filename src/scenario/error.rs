//! Errors in scenario files, each pinned to a file, line and column.

use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file where the offending key (or the nearest enclosing one) is.
    pub file: PathBuf,
    /// 1-based line, 0 if unknown.
    pub line: usize,
    /// 1-based column, 0 if unknown.
    pub column: usize,
    /// The key path, e.g. `site["St John's"].beds`.
    pub key: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    /// `file:line:column: key: message`, or `file: key: message` when the
    /// problem is the file as a whole (no line).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column.max(1))?;
        }
        write!(f, ": {}: {}", self.key, self.message)
    }
}

/// All problems found in a scenario (never empty).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

impl From<ScenarioError> for ScenarioErrors {
    fn from(e: ScenarioError) -> Self {
        ScenarioErrors(vec![e])
    }
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A table key.
    Key(String),
    /// An element of an array of named tables, by its `name`.
    Named(String),
    /// An array element by position.
    Index(usize),
}

/// Renders a key path as `a.b["name"].c[2]`.
pub fn render_path(path: &[PathStep]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            PathStep::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathStep::Named(n) => out.push_str(&format!("[{n:?}]")),
            PathStep::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        "(top level)".to_string()
    } else {
        out
    }
}

/// 1-based (line, column) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, column)
}

/// ` (did you mean "…"?)` naming the known name nearest to `name`, if any is near.
pub fn suggest(name: &str, known: &HashSet<&str>) -> String {
    let mut candidates: Vec<&&str> = known.iter().collect();
    candidates.sort();
    candidates
        .into_iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (did you mean {k:?}?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_paths_render() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("ab", 0), (1, 1));
        let p = [
            PathStep::Key("site".into()),
            PathStep::Named("A".into()),
            PathStep::Key("beds".into()),
        ];
        assert_eq!(render_path(&p), "site[\"A\"].beds");
    }
}
