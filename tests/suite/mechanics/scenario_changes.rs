//! Scenario changes: ramps from the value in force, demand projections, units that open.

use carecap::model::CareConfig;
use carecap::scenario::units::Fte;
use carecap::scenario::{self, schedule};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Writes an option file extending the shipped baseline into `dir` and
/// returns its path; `body` starts inside its `[scenario]` table.
fn option_file(dir: &Path, name: &str, body: &str) -> PathBuf {
    let baseline = super::common::repo("scenarios/nwl-baseline.toml");
    let text = format!(
        "extends = {:?}\n[scenario]\nname = {name:?}\n{body}",
        baseline.display().to_string()
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("option file written");
    path
}

/// Every phase of the scenario at `path`, compiled.
fn compiled(path: &Path) -> (Vec<schedule::Phase>, CareConfig) {
    let loaded = scenario::read(path).expect("option is valid");
    let phases = schedule::phases(&loaded).expect("phases");
    let cfg = CareConfig::from_phases(&phases);
    (phases, cfg)
}

const REACH_RAMP: &str = r#"
[[intervention]]
name = "Reach in Brent"
target = "borough"
names = ["Brent"]
parameter = "reach"
value = 0.70
from = "2026-01-01"
ramp_months = 120
"#;

#[test]
fn a_ramp_starts_from_the_value_in_force_whether_written_or_defaulted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let two_years = format!("years = 2\n{REACH_RAMP}");
    let defaulted = option_file(dir.path(), "reach-defaulted", &two_years);
    let written = option_file(
        dir.path(),
        "reach-written",
        &format!("years = 2\n[[borough]]\nname = \"Brent\"\nreach = 0.48\n{REACH_RAMP}"),
    );
    let (phases, a) = compiled(&defaulted);
    let (_, b) = compiled(&written);
    // The baseline writes reach once, in [demand]; Brent inherits it.
    let base = &phases[0].scenario;
    let brent = base
        .boroughs
        .iter()
        .position(|x| x.name == "Brent")
        .unwrap();
    assert_eq!(base.boroughs[brent].reach, None);
    // Month k of the ramp (k = 1..120) has moved k/120 of the way.
    let (from, to) = (base.demand.reach.get(), 0.70);
    let need = base.demand.need_share.get();
    assert_eq!(a.changes.len(), 120);
    for (k, (_, later)) in a.changes.iter().enumerate() {
        let reach = from + (to - from) * (k + 1) as f64 / 120.0;
        let got = later.boroughs[brent].referral_share;
        assert!(
            (got - need * reach).abs() <= 1e-12,
            "month {}: referral share {got}, expected {}",
            k + 1,
            need * reach
        );
    }
    same_phases(&a, &b);
}

/// Asserts that two compiled configurations are identical, phase by phase.
fn same_phases(a: &CareConfig, b: &CareConfig) {
    let alone = |c: &CareConfig| {
        let mut c = c.clone();
        c.changes.clear();
        format!("{c:?}")
    };
    assert!(alone(a) == alone(b), "the first phases differ");
    assert_eq!(a.changes.len(), b.changes.len());
    for (k, ((ta, x), (tb, y))) in a.changes.iter().zip(&b.changes).enumerate() {
        assert_eq!(ta, tb, "change {k} starts at another time");
        assert!(alone(x) == alone(y), "change {k} compiles differently");
    }
}

/// The shipped baseline, read and validated.
fn baseline() -> scenario::Loaded {
    scenario::read(&super::common::repo("scenarios/nwl-baseline.toml")).expect("baseline is valid")
}

/// Runs `reps` replications of `s` (its phases compiled) in-process and
/// returns, per replication, (area, year, metric) → value.
fn run(
    s: &carecap::scenario::Scenario,
    reps: u64,
) -> Vec<HashMap<(String, i32, &'static str), f64>> {
    let loaded = scenario::Loaded {
        scenario: s.clone(),
        ..baseline()
    };
    let cfg = CareConfig::from_phases(&schedule::phases(&loaded).expect("phases"));
    super::common::run_config(&cfg, reps)
}

#[test]
fn every_unit_open_today_has_staffed_beds_in_the_first_year() {
    let mut s = baseline().scenario;
    s.scenario.years = 1;
    let year = s.scenario.start_year;
    let runs = run(&s, 20);
    // Pembridge has admitted no one since October 2018 (R11); every other unit is open.
    let open_today: Vec<&str> = s
        .sites
        .iter()
        .filter(|x| x.name != "Pembridge")
        .map(|x| x.name.as_str())
        .collect();
    assert!(
        open_today.len() >= 5,
        "the baseline's units: {open_today:?}"
    );
    for (rep, r) in runs.iter().enumerate() {
        for site in &open_today {
            let staffed = r[&(site.to_string(), year, "ipu_staffed_beds_mean")];
            assert!(
                staffed > 0.0,
                "{site} has no staffed beds in {year}, replication {rep}"
            );
        }
    }
}

#[test]
fn validation_warns_of_a_unit_closed_from_the_first_day() {
    let loaded = baseline();
    let quiet = scenario::validate::warnings(&loaded);
    assert!(quiet.is_empty(), "the baseline warns: {quiet:?}");
    let mut short = loaded.clone();
    let site = short
        .scenario
        .sites
        .iter_mut()
        .find(|x| x.name == "Michael Sobell House")
        .unwrap();
    // In post at the start: establishment × (1 − vacancy) < the minimum.
    let vacancy = loaded.scenario.workforce.as_ref().unwrap().roles
        [&carecap::scenario::types::Role::Consultant]
        .vacancy
        .get();
    site.consultant_fte = Fte::new(site.min_consultant_fte.get() / (1.0 - vacancy) * 0.9).unwrap();
    let warned = scenario::validate::warnings(&short);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].message.contains("Michael Sobell House"),
        "{}",
        warned[0]
    );
}

#[test]
fn referrals_grow_at_the_projected_rate_of_palliative_need() {
    // NW London palliative need: +12.7% over five years (R2, nwl-figures.md §A).
    let sourced = 1.127_f64.powf(1.0 / 5.0) - 1.0;
    let s = baseline().scenario;
    let (first, last) = (
        s.scenario.start_year,
        s.scenario.start_year + s.scenario.years as i32 - 1,
    );
    // Per replication: the least-squares slope of ln(referrals) on the year,
    // as a yearly growth rate; replications are independent.
    let years: Vec<i32> = (first..=last).collect();
    let mean_year = years.iter().sum::<i32>() as f64 / years.len() as f64;
    let sxx: f64 = years.iter().map(|&y| (y as f64 - mean_year).powi(2)).sum();
    let mut rate = carecap::stats::Welford::new();
    for r in run(&s, 20) {
        let logs: Vec<f64> = years
            .iter()
            .map(|&y| r[&("ALL".to_string(), y, "referrals")].ln())
            .collect();
        let mean_log = logs.iter().sum::<f64>() / logs.len() as f64;
        let sxy: f64 = years
            .iter()
            .zip(&logs)
            .map(|(&y, l)| (y as f64 - mean_year) * (l - mean_log))
            .sum();
        rate.push((sxy / sxx).exp() - 1.0);
    }
    let h = carecap::stats::ci::half_width(&rate, 0.95);
    assert!(
        (rate.mean() - sourced).abs() <= h,
        "referrals grow {:.4}/yr ± {h:.4} ({first}-{last}), projected need {sourced:.4}/yr",
        rate.mean()
    );
}

/// Runs the scenario at `path` (10 replications) into `out` and returns
/// the warnings recorded in its manifest.
fn run_warnings(path: &Path, out: &Path) -> Vec<String> {
    let (path, out) = (path.display().to_string(), out.display().to_string());
    super::common::carecap_ok(&["run", &path, "--reps", "10", "--no-charts", "--out", &out]);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(&out).join("manifest.json")).unwrap(),
    )
    .unwrap();
    manifest["warnings"]
        .as_array()
        .expect("manifest.json lists warnings")
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_waiting_list_that_grows_through_the_horizon_is_flagged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("baseline");
    let flagged = run_warnings(&super::common::repo("scenarios/nwl-baseline.toml"), &out);
    let bereavement: Vec<&String> = flagged
        .iter()
        .filter(|w| w.contains("bereavement support waiting list"))
        .collect();
    assert_eq!(bereavement.len(), 1, "baseline warnings: {flagged:?}");
    // The same warning comes from summary.csv alone (carecap report, merge).
    let results = carecap::report::results::Results::read(&out).expect("results");
    let again = carecap::report::warnings::growing_queues(&results.yearly_means());
    assert!(
        again.contains(bereavement[0]),
        "from summary.csv: {again:?}"
    );
    // Ample support: a place for every carer who could be on the list.
    let b = baseline().scenario.bereavement;
    let ample = option_file(
        dir.path(),
        "ample-bereavement",
        &format!(
            "[bereavement]\ncapacity = {}\n",
            b.capacity.get() + b.waiting_list.get()
        ),
    );
    let calm = run_warnings(&ample, &dir.path().join("ample"));
    assert!(
        calm.iter()
            .all(|w| !w.contains("bereavement support waiting list")),
        "false alarm: {calm:?}"
    );
}
