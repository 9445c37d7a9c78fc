//! Parts: a region falls into groups of boroughs that share no service,
//! each run on its own event list between calendar events. Where the
//! region splits (a shared site, line or unit joins boroughs; overflow
//! joins sites' catchments), and that results are exactly those of the
//! whole region on one event list, bit for bit, events included.

use carecap::model::CareConfig;
use carecap::model::ids::BoroughId;
use carecap::model::parts::Parts;
use carecap::model::simulate;
use carecap::scenario::{self, schedule};
use common::repo;
use std::sync::Arc;

use crate::common;

fn compile(path: &std::path::Path) -> CareConfig {
    let loaded = scenario::read(path).unwrap_or_else(|e| panic!("{e}"));
    CareConfig::new(&loaded.scenario)
}

/// The national scenario, shortened to `years` after a short warm-up.
fn england(years: u32) -> CareConfig {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.toml");
    let england = repo("scenarios/scale/england.toml");
    let text = format!(
        "extends = {:?}\n\n[scenario]\nyears = {years}\nwarmup_days = 90\n",
        england.display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    compile(&path)
}

#[test]
fn the_national_scenario_splits_into_its_integrated_care_boards() {
    let cfg = england(1);
    let parts = Parts::of(&cfg);
    assert_eq!(parts.count(), 42);
    // Boroughs that share an advice line share a part, and no others do.
    for a in cfg.borough_ids() {
        for b in cfg.borough_ids() {
            let line = |x: BoroughId| cfg.boroughs[x.index()].line;
            assert_eq!(
                parts.of_borough(a) == parts.of_borough(b),
                line(a) == line(b),
                "{} and {}",
                cfg.boroughs[a.index()].name,
                cfg.boroughs[b.index()].name
            );
        }
    }
}

#[test]
fn hospice_overflow_joins_the_nw_london_boroughs_into_one_part() {
    let cfg = compile(&repo("scenarios/nwl-baseline.toml"));
    assert_eq!(Parts::of(&cfg).count(), 1);
    // Without the advice lines and the supportive services, the sites
    // still join every borough: residents overflow to other catchments'
    // sites.
    let mut sites_only = cfg.clone();
    sites_only.lines.clear();
    for b in &mut sites_only.boroughs {
        b.line = None;
    }
    sites_only.day_hospice.clear();
    sites_only.clinics.clear();
    sites_only.psych.clear();
    assert_eq!(Parts::of(&sites_only).count(), 1);
    // Each borough on its own home site only: no two share anything.
    for b in &mut sites_only.boroughs {
        b.site_order.truncate(1);
    }
    let homes: std::collections::BTreeSet<_> = sites_only
        .boroughs
        .iter()
        .map(|b| b.site_order[0])
        .collect();
    assert_eq!(Parts::of(&sites_only).count(), homes.len());
    assert!(homes.len() > 1);
}

/// Replications `0..reps` of `split` and of the same plan on one event
/// list give the same values, by-hour values and events, bit for bit.
fn assert_split_is_whole(split: &CareConfig, reps: u64) {
    assert!(split.parts.count() > 1);
    let mut whole = split.clone();
    whole.parts = Parts::whole(&whole);
    for rep in 0..reps {
        let (a, b) = (simulate(split, rep), simulate(&whole, rep));
        assert_eq!(a.events, b.events, "replication {rep}: events");
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert!(
            bits(&a.values) == bits(&b.values),
            "replication {rep}: metric values differ"
        );
        assert!(
            bits(&a.by_hour) == bits(&b.by_hour),
            "replication {rep}: by-hour values differ"
        );
    }
}

#[test]
fn results_are_those_of_the_whole_region_on_one_event_list() {
    assert_split_is_whole(&england(2), 2);
}

/// NW London with `option` (in `scenarios/options/`) cut where its
/// services allow: each borough's beds at its home site only,
/// psychological support for Harrow and Brent only, and a home visit
/// costed at a figure that rounds, so costs added in another order would
/// show.
fn nw_london_in_parts(option: &str) -> CareConfig {
    let path = repo(&format!("scenarios/options/{option}.toml"));
    let loaded = scenario::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let phases = schedule::phases(&loaded).expect("phases");
    let mut cfg = CareConfig::from_phases(&phases);
    assert!(!cfg.changes.is_empty());
    let cut = |c: &mut CareConfig| {
        for b in &mut c.boroughs {
            b.site_order.truncate(1);
        }
        let harrow_and_brent =
            |b: &BoroughId| ["Harrow", "Brent"].contains(&c.boroughs[b.index()].name.as_str());
        let kept: Vec<BoroughId> = c.psych[0]
            .boroughs
            .iter()
            .copied()
            .filter(harrow_and_brent)
            .collect();
        c.psych[0].boroughs = kept;
        for caseload in &mut c.caseload {
            caseload.visit_cost = 37.3;
        }
    };
    cut(&mut cfg);
    for (_, phase) in &mut cfg.changes {
        cut(Arc::make_mut(phase));
    }
    cfg.parts = Parts::of(&cfg);
    cfg
}

/// The day hospice option: interventions open a unit and add places;
/// clinics and courses have events of their own.
#[test]
fn a_split_region_with_its_supportive_services_and_interventions_is_the_whole() {
    let cfg = nw_london_in_parts("day-hospice-every-borough");
    assert!(!cfg.clinics.is_empty() && !cfg.day_hospice.is_empty());
    assert_eq!(cfg.parts.count(), 4);
    assert_split_is_whole(&cfg, 3);
}

/// Care coordination in every borough's practices: an entry's demand for
/// the people it turns away reads how long its own people held a place
/// (a region-wide mean would read other parts' departures out of order).
#[test]
fn a_split_region_with_care_coordination_is_the_whole() {
    let cfg = nw_london_in_parts("care-coordination");
    assert!(cfg.coordination.len() > 1);
    assert_eq!(cfg.parts.count(), 4);
    assert_split_is_whole(&cfg, 3);
}
