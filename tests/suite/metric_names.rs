//! Every place that names a metric names a real one. Code names metrics by
//! the services' enum variants (checked by the compiler); where a name is
//! written as text — in the report, the batch runner, sweep files' sizing
//! targets — this test checks it against the metric table: a string in the
//! source within two edits of a metric name must be that metric name (a
//! misspelt `"ipu_ocupancy_pct"` would otherwise select nothing, silently).

use carecap::model::METRICS;
use carecap::model::advice::BY_HOUR_METRICS;
use std::path::Path;

/// Words near a metric name that are not metric names: a random-stream
/// purpose and two scenario keys.
const NOT_METRICS: [&str; 3] = ["referral", "call", "cspc_visit"];

fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != cb));
            prev = here;
        }
    }
    row[b.len()]
}

fn files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// Quoted lower-case words of four or more characters.
fn quoted(text: &str) -> Vec<&str> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            w.len() >= 4
                && w.starts_with(|c: char| c.is_ascii_lowercase())
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect()
}

#[test]
fn every_metric_named_in_the_code_and_the_shipped_sweeps_exists() {
    let names: Vec<&str> = METRICS
        .iter()
        .map(|m| m.name)
        .chain(BY_HOUR_METRICS)
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src"), "rs", &mut paths);
    files(&root.join("scenarios"), "toml", &mut paths);
    let mut wrong = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("readable");
        for word in quoted(&text) {
            if names.contains(&word) || NOT_METRICS.contains(&word) {
                continue;
            }
            if let Some(near) = names.iter().find(|m| edits(word, m) <= 2) {
                wrong.push(format!(
                    "{}: {word:?} (did you mean {near:?}?)",
                    path.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "not metric names:\n{}", wrong.join("\n"));
}

#[test]
fn a_sweep_sizing_an_unknown_metric_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sweep = dir.path().join("sweep.toml");
    std::fs::write(
        &sweep,
        "[[parameter]]\ntarget = \"site\"\nnames = [\"St John's Hospice\"]\nparameter = \"beds\"\nvalues = [18, 20]\n\n[sizing]\nmetric = \"ipu_ocupancy_pct\"\nbelow = 85\n",
    )
    .unwrap();
    let out = super::common::carecap(&["validate", sweep.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("metric") && stderr.contains("did you mean \"ipu_occupancy_pct\""),
        "{stderr}"
    );
}
