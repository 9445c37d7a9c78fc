//! Backcast: the NW London baseline's first year lands in published ranges.
//! Each target is checked on the 95% confidence interval of the mean over
//! 60 replications: the whole interval must lie inside the range.

use carecap::batch::run::result_keys;
use carecap::model::{CareConfig, simulate};
use carecap::scenario;
use carecap::stats::Welford;
use carecap::stats::ci::mean_interval;
use std::path::Path;

struct Target {
    metric: &'static str,
    low: f64,
    high: f64,
    source: &'static str,
}

const TARGETS: &[Target] = &[
    Target {
        metric: "deaths",
        low: 11_500.0,
        high: 13_500.0,
        source: "NWL ICB: 12,111 deaths in 2022 (R1), +2.4%/yr (R2 need growth)",
    },
    Target {
        metric: "ipu_admissions",
        low: 850.0,
        high: 1_250.0,
        source: "NWL ICS: 962 admissions 2021, ~1,084 by 2027 (R2)",
    },
    Target {
        metric: "ipu_occupancy_pct",
        low: 65.0,
        high: 92.0,
        source: "NWL 76% (2021) to 86% (2027) (R2); England 74.8% (R22)",
    },
    Target {
        metric: "ipu_los_days_mean",
        low: 14.0,
        high: 19.0,
        source: "NWL 16.4 d (R2); national 15 d (R24); 14-17.6 d (R25)",
    },
    Target {
        metric: "cspc_deaths_home_pct",
        low: 40.0,
        high: 60.0,
        source: "MDS: community SPC patients die at home 49.8% (R22)",
    },
    Target {
        metric: "cspc_deaths_hospital_pct",
        low: 15.0,
        high: 35.0,
        source: "MDS: community SPC patients die in hospital 23.9% (R22)",
    },
];

#[test]
fn first_year_of_the_baseline_matches_published_figures() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nwl-baseline.toml");
    let mut loaded = scenario::read(&path).expect("baseline is valid");
    loaded.scenario.scenario.years = 1;
    let cfg = CareConfig::new(&loaded.scenario);
    let keys = result_keys(&cfg);
    let mut stats: Vec<Welford> = vec![Welford::new(); TARGETS.len()];
    let units: Vec<u64> = (0..60).collect();
    carecap::batch::run_units(
        &units,
        0,
        |rep| simulate(&cfg, rep),
        |_, result| {
            for (target, w) in TARGETS.iter().zip(stats.iter_mut()) {
                let (index, _) = keys
                    .iter()
                    .find(|(_, k)| k.area == "ALL" && k.metric == target.metric)
                    .unwrap();
                w.push(result.values[*index]);
            }
        },
    )
    .unwrap();
    let mut failures = Vec::new();
    for (t, w) in TARGETS.iter().zip(&stats) {
        let (lo, hi) = mean_interval(w, 0.95);
        eprintln!(
            "{}: {:.1} (95% CI {lo:.1}-{hi:.1}), target {}-{} [{}]",
            t.metric,
            w.mean(),
            t.low,
            t.high,
            t.source
        );
        if lo < t.low || hi > t.high {
            failures.push(t.metric);
        }
    }
    assert!(
        failures.is_empty(),
        "outside published ranges: {failures:?}"
    );
}
