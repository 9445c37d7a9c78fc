//! `carecap compare`: common random numbers, paired differences, appraisal.

use crate::common;

use carecap::stats::Welford;
use carecap::stats::ci::half_width;
use common::{carecap_ok, repo};
use std::path::Path;

fn write_option(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(format!("{name}.toml"));
    let text = format!(
        "extends = {:?}\n[scenario]\nname = \"{name}\"\n{body}",
        repo("scenarios/nwl-baseline.toml").display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn compare(dir: &Path, options: &[String], reps: &str) -> std::path::PathBuf {
    let out = dir.join("out");
    let mut args = vec!["compare", "scenarios/nwl-baseline.toml"];
    args.extend(options.iter().map(String::as_str));
    args.extend(["--reps", reps, "--out", out.to_str().unwrap()]);
    carecap_ok(&args);
    out
}

#[test]
fn an_option_identical_to_the_baseline_differs_by_exactly_zero() {
    let dir = tempfile::tempdir().unwrap();
    let same = write_option(dir.path(), "same", "");
    let out = compare(dir.path(), &[same], "4");
    let mut reader = csv::Reader::from_path(out.join("compare.csv")).unwrap();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        for col in 6..9 {
            assert!(
                row[col].is_empty() || row[col].parse::<f64>().unwrap() == 0.0,
                "{row:?}"
            );
        }
        rows += 1;
    }
    assert!(rows > 5_000, "only {rows} rows");
    assert!(
        std::fs::read_to_string(out.join("appraisal.md"))
            .unwrap()
            .contains("| same |")
    );
}

#[test]
fn paired_intervals_are_narrower_than_unpaired_ones() {
    let dir = tempfile::tempdir().unwrap();
    let beds = write_option(
        dir.path(),
        "more-beds",
        "[[site]]\nname = \"St John's Hospice\"\nbeds = 24\nnurses_fte = 75.0\n",
    );
    let out = compare(dir.path(), &[beds], "30");
    let mut base = Welford::new();
    let mut option = Welford::new();
    let mut paired = Welford::new();
    let text = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    let mut values: std::collections::BTreeMap<(String, u64), f64> = Default::default();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() == 7 && f[2] == "2030" && f[4] == "ALL" && f[5] == "deaths_hospice" {
            assert_eq!(f[3], "region");
            values.insert(
                (f[0].to_string(), f[1].parse().unwrap()),
                f[6].parse().unwrap(),
            );
        }
    }
    for rep in 0..30u64 {
        let (b, o) = (
            values[&("nwl-baseline".to_string(), rep)],
            values[&("more-beds".to_string(), rep)],
        );
        base.push(b);
        option.push(o);
        paired.push(o - b);
    }
    let paired_half = half_width(&paired, 0.95);
    let se_unpaired = (base.variance() / 30.0 + option.variance() / 30.0).sqrt();
    let unpaired_half = carecap::stats::ci::t_critical(0.95, 58) * se_unpaired;
    eprintln!(
        "deaths in hospice 2030, more beds − baseline: {:.1}; paired ±{paired_half:.1}, unpaired ±{unpaired_half:.1}",
        paired.mean()
    );
    assert!(
        paired_half < unpaired_half,
        "common random numbers did not narrow the interval"
    );
    assert!(
        paired.mean() - paired_half > 0.0,
        "more beds should mean more deaths in hospice"
    );
}
