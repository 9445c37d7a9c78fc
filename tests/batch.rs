//! `carecap batch`: folders of scenarios, sweeps and sizing.

mod common;

use carecap::stats::erlang::erlang_b;
use common::carecap_ok;

#[test]
fn sizing_finds_the_erlang_b_answer_every_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sizing");
    carecap_ok(&[
        "batch",
        "scenarios/validation/erlang-b.toml",
        "--sweep",
        "scenarios/sweeps/erlang-b-beds.toml",
        "--reps",
        "200",
        "--out",
        out.to_str().unwrap(),
    ]);
    let target = 0.0475;
    let expected = (28..60).find(|&c| erlang_b(28.0, c) < target).unwrap();
    assert_eq!(expected, 34);
    let mut reader = csv::Reader::from_path(out.join("sizing.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 5, "one row per year");
    for row in rows {
        assert_eq!(row[3].parse::<u32>().unwrap(), expected, "{row:?}");
    }
    let curve = std::fs::read_to_string(out.join("sizing_curve.csv")).unwrap();
    assert_eq!(
        curve.lines().count(),
        1 + 9 * 5,
        "every value in every year"
    );
}

#[test]
fn a_folder_runs_every_scenario_in_it_and_compares_with_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("batch");
    carecap_ok(&[
        "batch",
        "scenarios/validation",
        "--reps",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.lines().any(|l| l.starts_with("erlang-b,")));
    assert!(summary.lines().any(|l| l.starts_with("erlang-c,")));
    assert!(out.join("compare.csv").exists());
}

#[test]
fn linked_sweep_values_move_together() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("beds");
    carecap_ok(&[
        "batch",
        "scenarios/nwl-baseline.toml",
        "--sweep",
        "scenarios/sweeps/st-johns-beds.toml",
        "--reps",
        "4",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    // Beds without nurses would not open: staffed beds must rise with every step.
    let staffed: Vec<f64> = summary
        .lines()
        .filter(|l| l.contains(",2035,St John's Hospice,ipu_staffed_beds_mean,"))
        .map(|l| l.split(',').nth(4).unwrap().parse().unwrap())
        .collect();
    assert_eq!(staffed.len(), 5);
    assert!(staffed.windows(2).all(|w| w[1] > w[0] + 1.0), "{staffed:?}");
    assert!(out.join("sizing.csv").exists());
}
