//! The results folder as a reader gets it: `metrics.csv` (the data
//! dictionary), the `area_type` column of the long tables, `results.xlsx`
//! read back with calamine, sizing with the chance of meeting the target
//! and the swept file in the manifest, and the short terminal summary.

use crate::common;

use calamine::{Data, Reader, open_workbook_auto};
use carecap::model::METRICS;
use carecap::model::advice::BY_HOUR_METRICS;
use common::carecap_ok;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn header(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string()
}

fn records(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn tables_carry_area_types_a_dictionary_and_a_workbook_with_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    carecap_ok(&[
        "compare",
        "scenarios/nwl-baseline.toml",
        "scenarios/options/hah-24-7.toml",
        "--reps",
        "3",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        header(&out.join("replications.csv")),
        "scenario,replication,year,area_type,area,metric,value"
    );
    assert_eq!(
        header(&out.join("summary.csv")),
        "scenario,year,area_type,area,metric,mean,sd,ci_low,ci_high,p10,p90,n"
    );
    assert_eq!(
        header(&out.join("compare.csv")),
        "option,baseline,year,area_type,area,metric,diff_mean,diff_ci_low,diff_ci_high,pct_change,p_better"
    );
    // The dictionary: one row per metric, and every (metric, area type) of
    // the summary is one it declares.
    let dictionary = records(&out.join("metrics.csv"));
    let by_hour_only = BY_HOUR_METRICS
        .iter()
        .filter(|n| !METRICS.iter().any(|m| m.name == **n))
        .count();
    assert_eq!(dictionary.len(), METRICS.len() + by_hour_only);
    let declared: BTreeMap<String, (String, String)> = dictionary
        .iter()
        .map(|r| (r[0].to_string(), (r[1].to_string(), r[4].to_string())))
        .collect();
    let summary = records(&out.join("summary.csv"));
    let mut seen = BTreeSet::new();
    for row in &summary {
        let (area_type, area, metric) = (&row[2], &row[3], &row[4]);
        assert_eq!(area == "ALL", area_type == "region", "{row:?}");
        let (label, types) = &declared[metric];
        assert!(!label.contains('_'), "{metric}: label {label}");
        assert!(
            types.split(' ').any(|t| t == area_type),
            "{metric} reported for a {area_type}, declared for {types}"
        );
        seen.insert(area_type.to_string());
    }
    assert_eq!(
        seen,
        ["borough", "line", "region", "segment", "site"]
            .map(String::from)
            .into()
    );
    let boroughs: BTreeSet<&str> = summary
        .iter()
        .filter(|r| &r[2] == "borough")
        .map(|r| r.get(3).unwrap())
        .collect();
    assert!(boroughs.contains("Harrow") && !boroughs.contains("St John's Hospice"));
    // The workbook: every sheet, and the summary's numbers exactly.
    let mut book = open_workbook_auto(out.join("results.xlsx")).unwrap();
    let names = book.sheet_names();
    for sheet in ["summary", "compare", "appraisal", "metrics", "parameters"] {
        assert!(
            names.iter().any(|n| n == sheet),
            "no {sheet} sheet: {names:?}"
        );
    }
    let range = book.worksheet_range("summary").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), summary.len() + 1);
    assert_eq!(rows[0][5], Data::String("mean".into()));
    for (row, csv) in rows[1..].iter().zip(&summary) {
        assert_eq!(row[0], Data::String(csv[0].to_string()));
        assert_eq!(row[3], Data::String(csv[3].to_string()));
        for c in [5, 7, 8] {
            match (&row[c], csv[c].parse::<f64>()) {
                (Data::Float(x), Ok(y)) => assert_eq!(*x, y, "{csv:?}"),
                (Data::Empty, Err(_)) => {}
                (cell, _) => panic!("{cell:?} against {:?}", &csv[c]),
            }
        }
    }
    let params = book.worksheet_range("parameters").unwrap();
    let flags: Vec<String> = params
        .rows()
        .skip(1)
        .map(|r| r[5].to_string())
        .filter(|f| !f.is_empty())
        .collect();
    assert!(flags.len() > 40, "only {} flagged inputs", flags.len());
    assert!(flags.iter().all(|f| ["S", "D", "I"].contains(&f.as_str())));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"results.xlsx\"") && manifest.contains("\"metrics.csv\""));
}

#[test]
fn sizing_reports_the_chance_of_meeting_the_target_and_the_swept_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("beds");
    let stdout = carecap_ok(&[
        "batch",
        "scenarios/nwl-baseline.toml",
        "--sweep",
        "scenarios/sweeps/st-johns-beds.toml",
        "--reps",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let sizing = records(&out.join("sizing.csv"));
    assert!(!sizing.is_empty());
    for row in &sizing {
        let p: f64 = row[8].parse().unwrap();
        assert!((0.0..=1.0).contains(&p), "{row:?}");
        assert_eq!(&row[9], "ALL");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["sweep"]["path"].as_str(),
        Some("scenarios/sweeps/st-johns-beds.toml")
    );
    assert_eq!(manifest["sweep"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(manifest["sweep"]["sizing"]["metric"], "ipu_occupancy_pct");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("How much capacity meets the target?"));
    assert!(html.contains("Chance of meeting the target"));
    assert!(
        html.contains("st-johns-beds.toml"),
        "sweep not in the provenance"
    );
    let answers = &html[html.find("id=answers").unwrap()..html.find("id=evidence").unwrap()];
    let sizing_answer = &answers[answers.find("How many beds").unwrap()..];
    let sizing_answer = &sizing_answer[..sizing_answer.find("</dd>").unwrap()];
    assert!(
        sizing_answer.contains("St John&#39;s Hospice needs")
            && sizing_answer.contains("% of replications"),
        "{sizing_answer}"
    );
    assert!(stdout.contains("How many beds does each site need?"));
    assert!(stdout.contains("St John's Hospice needs"));
    let mut book = open_workbook_auto(out.join("results.xlsx")).unwrap();
    assert!(book.sheet_names().iter().any(|n| n == "sizing"));
    let range = book.worksheet_range("sizing").unwrap();
    assert_eq!(range.rows().count(), sizing.len() + 1);
}

#[test]
fn the_terminal_answers_first_and_verbose_adds_the_full_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let short = carecap_ok(&[
        "run",
        "scenarios/nwl-baseline.toml",
        "--reps",
        "3",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    for expected in [
        "When do hospice beds reach the occupancy ceiling?",
        "Which boroughs fall short first, and when?",
        "Can every role be staffed?",
        "Only 3 replications",
        "Tables:",
    ] {
        assert!(short.contains(expected), "{expected:?} missing: {short}");
    }
    assert!(!short.contains("Region (ALL)"), "the full table by default");
    assert!(
        short.lines().count() < 60,
        "{} lines",
        short.lines().count()
    );
    let verbose = carecap_ok(&[
        "run",
        "scenarios/nwl-baseline.toml",
        "--reps",
        "3",
        "--no-charts",
        "--verbose",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(verbose.contains("Region (ALL)") && verbose.contains("cost_total"));
    assert!(verbose.contains("When do hospice beds reach the occupancy ceiling?"));
}
