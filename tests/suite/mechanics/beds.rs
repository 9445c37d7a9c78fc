//! Beds: routing in the last days, enhanced-bed diversion, deaths fixed by the person.

use carecap::model::CareConfig;
use carecap::scenario::units::{CallsPerPatientDay, PerWeek, Places, Share};
use carecap::scenario::{self, Scenario};
use carecap::stats::Welford;
use carecap::stats::ci::half_width;
use std::collections::HashMap;

/// (area, year, metric) → value, for one replication.
type Values = HashMap<(String, i32, &'static str), f64>;

/// The NW London baseline over `years` years.
fn baseline(years: u32) -> Scenario {
    let path = super::common::repo("scenarios/nwl-baseline.toml");
    let mut s = scenario::read(&path).expect("baseline is valid").scenario;
    s.scenario.years = years;
    // The one-population model: the bed rules do not depend on segments.
    s.segments.clear();
    s
}

/// Runs replications `0..reps` in-process, in replication order.
fn run(s: &Scenario, reps: u64) -> Vec<Values> {
    let cfg = CareConfig::new(s);
    super::common::run_config(&cfg, reps)
}

/// Sum over the years of `metric` in `area`.
fn total(v: &Values, area: &str, metric: &str) -> f64 {
    v.iter()
        .filter(|((a, _, m), _)| a == area && *m == metric)
        .map(|(_, x)| x)
        .sum()
}

/// Everyone prefers to die at home, has no crisis and makes no call: the
/// only bed use is a would-be hospital transfer in the last days. Beds are
/// plentiful and always staffed, of one kind only: `ipu` hospice beds at
/// every site, or enhanced beds in every borough.
fn last_days_only(ipu: bool) -> Scenario {
    let mut s = baseline(2);
    let p = &mut s.pathway;
    let share = |x: f64| Share::new(x).unwrap();
    p.preferred_place.home = share(1.0);
    p.preferred_place.care_home = share(0.0);
    p.preferred_place.hospice = share(0.0);
    p.preferred_place.hospital = share(0.0);
    p.crises_per_week = PerWeek::new(0.0).unwrap();
    p.crises_per_week_last_fortnight = PerWeek::new(0.0).unwrap();
    s.calls.per_patient_day = CallsPerPatientDay::new(0.0).unwrap();
    s.workforce = None;
    let plenty = Places::new(2_000).unwrap();
    let none = Places::new(0).unwrap();
    for site in &mut s.sites {
        site.beds = if ipu { plenty } else { none };
        site.nurses_fte = None;
    }
    for b in &mut s.boroughs {
        b.enhanced_beds = if ipu { none } else { plenty };
    }
    s
}

#[test]
fn last_days_routing_treats_ipu_and_enhanced_beds_alike() {
    // Same people (same seed), plentiful beds of one kind or the other: a
    // would-be hospital transfer in the last days is diverted to a free bed
    // by one rule, whichever kind it is, so as many die in a hospice bed
    // with IPU beds only as in an enhanced bed with enhanced beds only.
    let with_ipu = run(&last_days_only(true), 4);
    let with_enhanced = run(&last_days_only(false), 4);
    let mut diverted = 0.0;
    for (rep, (i, e)) in with_ipu.iter().zip(&with_enhanced).enumerate() {
        for ((area, year, metric), &x) in i {
            let pair = match *metric {
                "cspc_deaths_hospice" => "cspc_deaths_enhanced_bed",
                "cspc_deaths_hospital" | "cspc_deaths_home" => metric,
                _ => continue,
            };
            let y = e[&(area.clone(), *year, pair)];
            assert_eq!(
                x, y,
                "replication {rep}, {area} {year}: {metric} with IPU beds only {x}, \
                 {pair} with enhanced beds only {y}"
            );
        }
        diverted += total(i, "ALL", "cspc_deaths_hospice");
    }
    assert!(diverted > 0.0, "no one was diverted to a bed");
}

#[test]
fn only_the_evidence_share_of_last_days_transfers_is_diverted() {
    // With a free enhanced bed always at hand, the share of would-be hospital
    // transfers (deaths in hospital or in a diverting bed) that end in a bed
    // is the diversion share (R40: 63%), within a 99% CI over replications.
    let s = last_days_only(false);
    let share = s.pathway.bed_diversion_share.get();
    let mut w = Welford::new();
    for v in run(&s, 8) {
        let bed = total(&v, "ALL", "cspc_deaths_enhanced_bed");
        let hospital = total(&v, "ALL", "cspc_deaths_hospital");
        w.push(bed / (bed + hospital));
    }
    let h = half_width(&w, 0.99);
    assert!(
        (w.mean() - share).abs() <= h,
        "diverted share {:.4} ± {h:.4}, expected {share}",
        w.mean()
    );
}

#[test]
fn beds_do_not_move_deaths() {
    // Common random numbers: an option that changes only beds (more beds at
    // every site, staffed, and more enhanced beds in every borough) leaves
    // every death, caseload death and referral where and when it was, in
    // every replication, borough and year; it moves only where people die.
    let base = baseline(3);
    let mut more = base.clone();
    for site in &mut more.sites {
        site.beds = Places::new(site.beds.get() + 10).unwrap();
        site.nurses_fte = None;
    }
    for b in &mut more.boroughs {
        b.enhanced_beds = Places::new(b.enhanced_beds.get() + 4).unwrap();
    }
    let a = run(&base, 5);
    let b = run(&more, 5);
    let mut moved = false;
    for (rep, (x, y)) in a.iter().zip(&b).enumerate() {
        for (key, &vx) in x {
            let (area, year, metric) = key;
            if matches!(*metric, "deaths" | "cspc_deaths" | "referrals") {
                let vy = y[key];
                assert_eq!(
                    vx, vy,
                    "replication {rep}, {area} {year}: {metric} {vx} with the baseline's \
                     beds, {vy} with more beds"
                );
            }
        }
        moved |= total(x, "ALL", "deaths_hospital") != total(y, "ALL", "deaths_hospital");
    }
    assert!(moved, "more beds changed no place of death");
}

#[test]
fn retired_stay_keys_are_refused_naming_their_replacement() {
    // A site's length of stay and die-in-unit share are outcomes now: a file
    // that still gives them is refused with what replaced them, not misread.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old-keys.toml");
    let baseline = super::common::repo("scenarios/nwl-baseline.toml");
    std::fs::write(
        &file,
        format!(
            "extends = {:?}\n[[site]]\nname = \"St Luke's Hospice\"\n\
             length_of_stay = {{ dist = \"lognormal\", median_days = 11, sigma = 0.87 }}\n\
             die_in_unit_share = 0.55\n[enhanced_beds]\ndie_in_bed_share = 0.6\n",
            baseline.display().to_string()
        ),
    )
    .unwrap();
    let r = super::common::carecap(&["validate", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(!r.status.success(), "old keys were accepted");
    for key in ["length_of_stay", "die_in_unit_share", "die_in_bed_share"] {
        assert!(
            stderr.contains(&format!("`{key}` is no longer a scenario key")),
            "{key} not named: {stderr}"
        );
    }
    assert!(stderr.contains("`discharge_after`"), "{stderr}");
}
