//! Backcast: the NW London baseline's first year lands in published ranges.
//! Each target is checked on the 95% confidence interval of the mean over
//! 60 replications: the whole interval must lie inside the range. A target
//! is a reported metric, or a share of one metric in another computed in
//! each replication (the share of hospice stays ending in death).

use carecap::batch::run::result_keys;
use carecap::model::{CareConfig, simulate};
use carecap::scenario;
use carecap::stats::Welford;
use carecap::stats::ci::mean_interval;
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
    source: &'static str,
}

const TARGETS: &[Target] = &[
    Target {
        name: "deaths",
        measure: Measure::Metric("deaths"),
        low: 11_500.0,
        high: 13_500.0,
        source: "NWL ICB: 12,111 deaths in 2022 (R1), +2.4%/yr (R2 need growth)",
    },
    Target {
        name: "ipu_admissions",
        measure: Measure::Metric("ipu_admissions"),
        low: 850.0,
        high: 1_250.0,
        source: "NWL ICS: 962 admissions 2021, ~1,084 by 2027 (R2)",
    },
    Target {
        name: "ipu_occupancy_pct",
        measure: Measure::Metric("ipu_occupancy_pct"),
        low: 65.0,
        high: 92.0,
        source: "NWL 76% (2021) to 86% (2027) (R2); England 74.8% (R22)",
    },
    Target {
        name: "ipu_los_days_mean",
        measure: Measure::Metric("ipu_los_days_mean"),
        low: 14.0,
        high: 19.0,
        source: "NWL 16.4 d (R2); national 15 d (R24); 14-17.6 d (R25)",
    },
    Target {
        name: "ipu_stays_ending_in_death_pct",
        measure: Measure::Percent("ipu_deaths", "ipu_admissions"),
        low: 45.0,
        high: 65.0,
        source: "about 55% die in the unit: 45% of IPU patients discharged home (R22), ~40% return home (R23), ~50% (R2, R14b)",
    },
    Target {
        name: "cspc_deaths_home_pct",
        measure: Measure::Metric("cspc_deaths_home_pct"),
        low: 40.0,
        high: 60.0,
        source: "MDS: community SPC patients die at home 49.8% (R22)",
    },
    Target {
        name: "cspc_deaths_hospital_pct",
        measure: Measure::Metric("cspc_deaths_hospital_pct"),
        low: 18.0,
        high: 30.0,
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
    let mut stats: Vec<Welford> = vec![Welford::new(); TARGETS.len()];
    let units: Vec<u64> = (0..60).collect();
    carecap::batch::run_units(
        &units,
        0,
        |rep| simulate(&cfg, rep),
        |_, result| {
            for (&(num, den), w) in columns.iter().zip(stats.iter_mut()) {
                let value = match den {
                    None => result.values[num],
                    Some(den) => 100.0 * result.values[num] / result.values[den],
                };
                w.push(value);
            }
        },
    )
    .unwrap();
    let mut failures = Vec::new();
    for (t, w) in TARGETS.iter().zip(&stats) {
        let (lo, hi) = mean_interval(w, 0.95);
        eprintln!(
            "{}: {:.1} (95% CI {lo:.1}-{hi:.1}), target {}-{} [{}]",
            t.name,
            w.mean(),
            t.low,
            t.high,
            t.source
        );
        if lo < t.low || hi > t.high {
            failures.push(t.name);
        }
    }
    assert!(
        failures.is_empty(),
        "outside published ranges: {failures:?}"
    );
}
