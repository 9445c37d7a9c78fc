//! Scenario changes: ramps from the value in force, demand projections, units that open.

use carecap::model::CareConfig;
use carecap::scenario::{self, schedule};
use std::path::{Path, PathBuf};

/// Writes an option file extending the shipped baseline into `dir` and
/// returns its path.
fn option_file(dir: &Path, name: &str, body: &str) -> PathBuf {
    let baseline = super::common::repo("scenarios/nwl-baseline.toml");
    let text = format!(
        "extends = {:?}\n[scenario]\nname = {name:?}\nyears = 2\n{body}",
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
    let defaulted = option_file(dir.path(), "reach-defaulted", REACH_RAMP);
    let written = option_file(
        dir.path(),
        "reach-written",
        &format!("[[borough]]\nname = \"Brent\"\nreach = 0.48\n{REACH_RAMP}"),
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
    let (from, to) = (base.demand.reach, 0.70);
    let need = base.demand.need_share;
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
