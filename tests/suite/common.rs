//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the carecap binary with `args` from the repository root.
pub fn carecap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carecap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("carecap runs")
}

/// Runs carecap with `args`, insists that it succeeds, and returns stdout.
pub fn carecap_ok(args: &[&str]) -> String {
    let r = carecap(args);
    assert!(
        r.status.success(),
        "carecap {args:?} failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    String::from_utf8_lossy(&r.stdout).to_string()
}

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Reads replications.csv: (replication, year, area, metric) → value.
pub fn read_replications(dir: &Path) -> BTreeMap<(u64, i32, String, String), f64> {
    let mut reader =
        csv::Reader::from_path(dir.join("replications.csv")).expect("replications.csv");
    let mut out = BTreeMap::new();
    for row in reader.records() {
        let row = row.expect("row");
        let value: f64 = row[6].parse().unwrap_or(f64::NAN);
        out.insert(
            (
                row[1].parse().unwrap(),
                row[2].parse().unwrap(),
                row[4].to_string(),
                row[5].to_string(),
            ),
            value,
        );
    }
    out
}

/// Sum over years of `metric` in `area`, per replication.
pub fn per_replication(
    rows: &BTreeMap<(u64, i32, String, String), f64>,
    area: &str,
    metric: &str,
) -> BTreeMap<u64, f64> {
    let mut out = BTreeMap::new();
    for ((rep, _, a, m), v) in rows {
        if a == area && m == metric {
            *out.entry(*rep).or_insert(0.0) += v;
        }
    }
    out
}

/// One replication's values: (area, year, metric) → value.
pub type Values = std::collections::HashMap<(String, i32, &'static str), f64>;

/// Runs replications `0..reps` of a compiled configuration in-process, in
/// replication order.
pub fn run_config(cfg: &carecap::model::CareConfig, reps: u64) -> Vec<Values> {
    let keys = carecap::batch::run::result_keys(cfg);
    let units: Vec<u64> = (0..reps).collect();
    let mut out = Vec::new();
    carecap::batch::run_units(
        &units,
        0,
        |rep| carecap::model::simulate(cfg, rep),
        |_, r| {
            out.push(
                keys.iter()
                    .map(|(i, k)| ((k.area.clone(), k.year, k.metric), r.values[*i]))
                    .collect(),
            );
        },
    )
    .expect("replications run");
    out
}
