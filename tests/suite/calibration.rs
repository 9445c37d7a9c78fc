//! Backcast: the NW London baseline's first year against published figures.
//! The baseline draws its fitted pathway rates from the calibration's joint
//! sets, so each replication has its own rates: 100 replications (each of
//! the 50 sets twice) give, per target, the median and the 95% uncertainty
//! interval (2.5th to 97.5th percentile). The median must lie in the
//! published range, and where the figure was a calibration target the
//! interval must hold the observed value (the fitted model can reproduce
//! what was seen). A target is a reported metric, or a share of one metric
//! in another computed in each replication (the share of hospice stays
//! ending in death).

use carecap::batch::plan::{Overrides, Plan};
use carecap::model::simulate;
use carecap::scenario;
use std::path::Path;

/// What a target measures in one replication's region-wide results.
enum Measure {
    /// A reported metric.
    Metric(&'static str),
    /// 100 × the first metric ÷ the second.
    Percent(&'static str, &'static str),
}

struct Target {
    name: &'static str,
    measure: Measure,
    low: f64,
    high: f64,
    /// The observed value, when the calibration was fitted to it
    /// (scenarios/calibration/nwl-targets.toml).
    observed: Option<f64>,
    source: &'static str,
}

const TARGETS: &[Target] = &[
    Target {
        name: "deaths",
        measure: Measure::Metric("deaths"),
        low: 11_500.0,
        high: 13_500.0,
        observed: None,
        source: "NWL ICB: 12,111 deaths in 2022 (R1), +2.4%/yr (R2 need growth)",
    },
    Target {
        name: "ipu_admissions",
        measure: Measure::Metric("ipu_admissions"),
        low: 850.0,
        high: 1_250.0,
        observed: Some(1043.0),
        source: "NWL ICS: 962 admissions 2021, ~1,084 by 2027 (R2)",
    },
    Target {
        name: "ipu_occupancy_pct",
        measure: Measure::Metric("ipu_occupancy_pct"),
        low: 65.0,
        high: 92.0,
        observed: Some(82.7),
        source: "NWL 76% (2021) to 86% (2027) (R2); England 74.8% (R22)",
    },
    Target {
        name: "ipu_los_days_mean",
        measure: Measure::Metric("ipu_los_days_mean"),
        low: 14.0,
        high: 19.0,
        observed: Some(16.4),
        source: "NWL 16.4 d (R2); national 15 d (R24); 14-17.6 d (R25)",
    },
    Target {
        name: "ipu_stays_ending_in_death_pct",
        measure: Measure::Percent("ipu_deaths", "ipu_admissions"),
        low: 45.0,
        high: 65.0,
        observed: None,
        source: "about 55% die in the unit: 45% of IPU patients discharged home (R22), ~40% return home (R23), ~50% (R2, R14b)",
    },
    Target {
        name: "cspc_deaths_home_pct",
        measure: Measure::Metric("cspc_deaths_home_pct"),
        low: 40.0,
        high: 60.0,
        observed: Some(49.8),
        source: "MDS: community SPC patients die at home 49.8% (R22)",
    },
    Target {
        name: "cspc_deaths_hospital_pct",
        measure: Measure::Metric("cspc_deaths_hospital_pct"),
        low: 18.0,
        high: 30.0,
        observed: Some(23.9),
        source: "MDS: community SPC patients die in hospital 23.9% (R22)",
    },
];

#[test]
fn first_year_of_the_baseline_matches_published_figures() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nwl-baseline.toml");
    let mut loaded = scenario::load::load(&path).expect("baseline is valid");
    // One year (with its warm-up), in the merged document too: each
    // replication's scenario is rebuilt from it with its own rates.
    loaded.scenario.scenario.years = 1;
    if let Some(toml::Value::Table(meta)) = loaded.merged.get_mut("scenario") {
        meta.insert("years".into(), toml::Value::Integer(1));
    }
    let reps = 100;
    let plan = Plan::build(
        loaded,
        &Overrides {
            replications: Some(reps),
            ..Default::default()
        },
    )
    .expect("baseline plan");
    assert!(
        plan.sets.is_some(),
        "the baseline's fitted rates are no longer uncertain"
    );
    let keys = &plan.keys;
    let index = |metric: &str| {
        keys.iter()
            .find(|(_, k)| k.area == "ALL" && k.metric == metric)
            .map(|(i, _)| *i)
            .unwrap_or_else(|| panic!("no region-wide {metric}"))
    };
    let columns: Vec<(usize, Option<usize>)> = TARGETS
        .iter()
        .map(|t| match t.measure {
            Measure::Metric(m) => (index(m), None),
            Measure::Percent(num, den) => (index(num), Some(index(den))),
        })
        .collect();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); TARGETS.len()];
    let units: Vec<u64> = (0..reps as u64).collect();
    carecap::batch::run_units(
        &units,
        0,
        |rep| simulate(&plan.config_for(rep).expect("checked set"), rep),
        |_, result| {
            for (&(num, den), v) in columns.iter().zip(values.iter_mut()) {
                v.push(match den {
                    None => result.values[num],
                    Some(den) => 100.0 * result.values[num] / result.values[den],
                });
            }
        },
    )
    .unwrap();
    let mut failures = Vec::new();
    for (t, v) in TARGETS.iter().zip(values.iter_mut()) {
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((q * v.len() as f64) as usize).min(v.len() - 1)];
        let (median, lo, hi) = (at(0.5), at(0.025), at(0.975));
        eprintln!(
            "{}: median {median:.1} (95% uncertainty interval {lo:.1}-{hi:.1}), published {}-{}, observed {:?} [{}]",
            t.name, t.low, t.high, t.observed, t.source
        );
        if !(t.low..=t.high).contains(&median) {
            failures.push(format!(
                "{}: median {median:.1} outside the published range",
                t.name
            ));
        }
        if let Some(o) = t.observed
            && !(lo..=hi).contains(&o)
        {
            failures.push(format!("{}: observed {o} outside {lo:.1}-{hi:.1}", t.name));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
