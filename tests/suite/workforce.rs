//! The workforce model's accounting and feedback.

use crate::common;

use carecap::model::CareConfig;
use carecap::scenario::types::Role;
use carecap::scenario::units::{Fte, Share, SharePerYear};
use carecap::scenario::{self, Scenario};
use carecap::stats::Welford;
use carecap::stats::ci::half_width;
use std::path::Path;

fn baseline() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nwl-baseline.toml");
    let mut s = scenario::read(&path).expect("baseline is valid").scenario;
    s.scenario.years = 3;
    s
}

/// Runs `reps` replications; returns, per replication, (area, year, metric) → value.
fn run(
    s: &Scenario,
    reps: u64,
) -> Vec<std::collections::HashMap<(String, i32, &'static str), f64>> {
    let cfg = CareConfig::new(s);
    common::run_config(&cfg, reps)
}

#[test]
fn without_attrition_or_recruitment_supply_stays_at_its_start() {
    let mut s = baseline();
    let w = s.workforce.as_mut().unwrap();
    for role in w.roles.values_mut() {
        role.attrition = Share::new(0.0).unwrap();
        role.recruitment = SharePerYear::new(0.0).unwrap();
    }
    let vacancy = w.roles[&Role::IpuNurse].vacancy.get();
    let cspc_vacancy = w.roles[&Role::CspcNurse].vacancy.get();
    let runs = run(&s, 3);
    for site in s.sites.iter().filter(|x| x.beds.get() > 0) {
        let expected = site.nurses_fte.unwrap().get() * (1.0 - vacancy);
        for rep in &runs {
            for year in 2025..2028 {
                let got = rep[&(site.name.clone(), year, "fte_supply_ipu_nurse")];
                assert!(
                    (got - expected).abs() < 1e-9 * expected,
                    "{} {year}: {got} vs {expected}",
                    site.name
                );
            }
        }
    }
    let cspc: f64 = s
        .boroughs
        .iter()
        .map(|b| b.cspc.nurses_fte.get())
        .sum::<f64>()
        * (1.0 - cspc_vacancy);
    let got = runs[0][&("ALL".to_string(), 2027, "fte_supply_cspc_nurse")];
    assert!((got - cspc).abs() < 1e-9 * cspc, "{got} vs {cspc}");
}

#[test]
fn demand_is_proportional_to_the_demand_that_arrived() {
    let s = baseline();
    let w = s.workforce.as_ref().unwrap();
    let runs = run(&s, 3);
    for rep in &runs {
        for year in 2025..2028 {
            for site in s.sites.iter().filter(|x| x.beds.get() > 0) {
                let per_bed = site.nurses_per_bed.get() * 168.0 / w.hours_per_fte_week.get()
                    * (1.0 + w.uplift.get());
                let v = |m: &'static str| rep[&(site.name.clone(), year, m)];
                let wanted = v("ipu_occupancy_mean")
                    + v("ipu_waiting_mean")
                    + v("ipu_refused_bed_days") / 365.0;
                let demand = v("fte_demand_ipu_nurse");
                assert!(
                    (demand - wanted * per_bed).abs() < 1e-9 * (1.0 + demand),
                    "{}",
                    site.name
                );
            }
            for b in &s.boroughs {
                let v = |m: &'static str| rep[&(b.name.clone(), year, m)];
                let people = v("cspc_caseload_mean") + v("cspc_waiting_mean");
                let demand = v("fte_demand_cspc_nurse");
                assert!(
                    (demand * b.cspc.caseload_per_fte.get() - people).abs() < 1e-9 * (1.0 + people)
                );
            }
        }
    }
}

#[test]
fn a_nurse_shortage_closes_beds_and_turns_people_away() {
    let base = baseline();
    let mut short = base.clone();
    // A hiring freeze on top of a 40% vacancy.
    let nurses = short
        .workforce
        .as_mut()
        .unwrap()
        .roles
        .get_mut(&Role::IpuNurse)
        .unwrap();
    nurses.vacancy = Share::new(0.4).unwrap();
    nurses.recruitment = SharePerYear::new(0.0).unwrap();
    let reps = 30;
    let (a, b) = (run(&base, reps), run(&short, reps));
    let key = |m: &'static str| ("ALL".to_string(), 2025, m);
    let mut refused = Welford::new();
    for (x, y) in a.iter().zip(&b) {
        assert!(y[&key("ipu_staffed_beds_mean")] < x[&key("ipu_staffed_beds_mean")]);
        let lost = |r: &std::collections::HashMap<_, f64>| {
            r[&key("ipu_turned_away")] + r[&key("ipu_died_waiting")]
        };
        refused.push(lost(y) - lost(x));
    }
    // Paired difference (same residents in both runs): its 99.9% interval lies above zero.
    let h = half_width(&refused, 0.999);
    assert!(
        refused.mean() - h > 0.0,
        "turned away + died waiting rose by {} ± {h}",
        refused.mean()
    );
}

#[test]
fn a_unit_without_consultant_cover_admits_no_one() {
    let mut s = baseline();
    let site = s
        .sites
        .iter_mut()
        .find(|x| x.name == "Michael Sobell House")
        .unwrap();
    site.consultant_fte = Fte::new(0.3).unwrap();
    let runs = run(&s, 2);
    for rep in &runs {
        assert_eq!(
            rep[&("Michael Sobell House".to_string(), 2026, "ipu_admissions")],
            0.0
        );
        assert_eq!(
            rep[&(
                "Michael Sobell House".to_string(),
                2026,
                "ipu_staffed_beds_mean"
            )],
            0.0
        );
        assert!(
            rep[&("Hillingdon".to_string(), 2026, "ipu_admissions")] > 0.0,
            "overflow still admits"
        );
    }
}
