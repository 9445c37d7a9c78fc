//! Staffing and costs: demand for staff from the demand that arrived, per-role gaps, capacity costs.

use carecap::model::CareConfig;
use carecap::scenario::types::{Intervention, Role, Scenario};
use carecap::scenario::units::{Cost, CostPerYear, Date, Fte, Places, Share};
use carecap::scenario::{self, Loaded, schedule};
use carecap::stats::Welford;
use carecap::stats::ci::half_width;
use std::collections::HashMap;

use carecap::model::workforce::ROLES;

/// One replication's values: (area, year, metric) → value.
type Values = HashMap<(String, i32, &'static str), f64>;

fn load(path: &str, years: u32) -> Loaded {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let mut loaded = scenario::read(&path).expect("scenario is valid");
    loaded.scenario.scenario.years = years;
    loaded
}

/// Runs replications `0..reps` of the scenario with its interventions.
fn run(loaded: &Loaded, reps: u64) -> Vec<Values> {
    let phases = schedule::phases(loaded).expect("phases are valid");
    let cfg = CareConfig::from_phases(&phases);
    super::common::run_config(&cfg, reps)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn years(loaded: &Loaded) -> std::ops::Range<i32> {
    let s = &loaded.scenario.scenario;
    s.start_year..s.start_year + s.years as i32
}

/// FTE per occupied (or wanted) bed, uplift included, as the README defines it.
fn nurse_fte_per_bed(s: &Scenario, nurses_per_bed: f64) -> f64 {
    let w = s.workforce.as_ref().unwrap();
    nurses_per_bed * 168.0 / w.hours_per_fte_week.get() * (1.0 + w.uplift.get())
}

#[test]
fn ipu_nurse_demand_counts_people_waiting_for_and_refused_a_bed() {
    let mut loaded = load("scenarios/nwl-baseline.toml", 2);
    // Nurses for a third of the beds in every unit, so that overflow to
    // another unit cannot absorb the demand: beds close while people wait,
    // and short waiting lists fill so that some are refused.
    for x in &mut loaded.scenario.sites {
        x.nurses_fte = x.nurses_fte.map(|n| Fte::new(n.get() / 3.0).unwrap());
        x.waiting_list = x.waiting_list.min(Places::new(2).unwrap());
    }
    let site = "St John's Hospice";
    let sj = loaded
        .scenario
        .sites
        .iter()
        .find(|x| x.name == site)
        .unwrap();
    let (beds, nurses_per_bed) = (sj.beds.get() as f64, sj.nurses_per_bed.get());
    let per_bed = nurse_fte_per_bed(&loaded.scenario, nurses_per_bed);
    let runs = run(&loaded, 8);
    let (mut gap, mut waiting, mut refused) = (Welford::new(), 0.0, 0.0);
    for rep in &runs {
        for year in years(&loaded) {
            let v = |m: &'static str| rep[&(site.to_string(), year, m)];
            assert!(
                v("ipu_staffed_beds_mean") < beds,
                "beds close for want of nurses"
            );
            waiting += v("ipu_waiting_mean");
            refused += v("ipu_turned_away");
            gap.push(v("fte_gap_ipu_nurse"));
        }
    }
    assert!(
        waiting > 0.0 && refused > 0.0,
        "people wait and are refused"
    );
    let hw = half_width(&gap, 0.95);
    assert!(
        gap.mean() - hw > 0.0,
        "a site short of nurses shows a shortfall: gap {} ± {hw}",
        gap.mean()
    );
    for rep in &runs {
        for year in years(&loaded) {
            let v = |m: &'static str| rep[&(site.to_string(), year, m)];
            // Exact: the staff needed for beds occupied, people waiting, and
            // the stay each refused person would have had.
            let wanted_beds =
                v("ipu_occupancy_mean") + v("ipu_waiting_mean") + v("ipu_refused_bed_days") / 365.0;
            assert!(
                close(v("fte_demand_ipu_nurse"), wanted_beds * per_bed),
                "{year}: demand {} vs {}",
                v("fte_demand_ipu_nurse"),
                wanted_beds * per_bed
            );
        }
    }
}

#[test]
fn cspc_nurse_demand_counts_the_waiting_list() {
    let mut loaded = load("scenarios/nwl-baseline.toml", 2);
    let borough = "Brent";
    let b = loaded
        .scenario
        .boroughs
        .iter_mut()
        .find(|b| b.name == borough)
        .unwrap();
    b.cspc.nurses_fte = Fte::new(b.cspc.nurses_fte.get() / 2.0).unwrap();
    let per_fte = b.cspc.caseload_per_fte.get();
    let runs = run(&loaded, 6);
    let mut waiting = Welford::new();
    for rep in &runs {
        for year in years(&loaded) {
            let v = |m: &'static str| rep[&(borough.to_string(), year, m)];
            let above_caseload_only =
                v("fte_demand_cspc_nurse") - v("cspc_caseload_mean") / per_fte;
            assert!(
                close(above_caseload_only, v("cspc_waiting_mean") / per_fte),
                "{year}: {above_caseload_only} vs {}",
                v("cspc_waiting_mean") / per_fte
            );
            waiting.push(v("cspc_waiting_mean"));
        }
    }
    assert!(
        waiting.mean() - half_width(&waiting, 0.95) > 1.0,
        "the waiting list is long"
    );
}

#[test]
fn hah_demand_counts_unmet_episodes_at_the_expected_episode_length() {
    let loaded = load("scenarios/nwl-baseline.toml", 2);
    let s = &loaded.scenario;
    let episode_years = s.pathway.terminal_phase.mean_days() / 365.0;
    let w = s.workforce.as_ref().unwrap();
    let runs = run(&loaded, 4);
    let mut unmet = 0.0;
    for rep in &runs {
        for year in years(&loaded) {
            for b in &s.boroughs {
                let v = |m: &'static str| rep[&(b.name.clone(), year, m)];
                let per_patient = b.hah.hours_per_patient_day.get() * 7.0
                    / w.hours_per_fte_week.get()
                    * (1.0 + w.uplift.get());
                let patients = v("hah_occupancy_mean") + v("hah_unmet") * episode_years;
                assert!(
                    close(v("fte_demand_hah_nurse"), patients * per_patient),
                    "{} {year}",
                    b.name
                );
                unmet += v("hah_unmet");
            }
        }
    }
    assert!(unmet > 0.0, "some hospice-at-home requests go unmet");
}

#[test]
fn a_surplus_in_one_role_or_area_never_hides_a_shortfall() {
    let mut loaded = load("scenarios/nwl-baseline.toml", 2);
    for site in &mut loaded.scenario.sites {
        site.nurses_fte = site.nurses_fte.map(|n| Fte::new(n.get() / 2.0).unwrap());
    }
    let runs = run(&loaded, 3);
    let mut region_short = 0.0;
    for rep in &runs {
        for year in years(&loaded) {
            let mut short_anywhere = [false; ROLES.len()];
            let mut shortfall_sum = 0.0;
            let areas: Vec<&String> = rep
                .keys()
                .filter(|(a, y, m)| *y == year && *m == "fte_short_roles" && a != "ALL")
                .map(|(a, _, _)| a)
                .collect();
            for area in areas {
                let (mut short, mut shortfall) = (0.0, 0.0);
                for (r, role) in ROLES.iter().enumerate() {
                    let metric = format!("fte_gap_{role}");
                    let Some(gap) = rep
                        .iter()
                        .find(|((a, y, m), _)| a == area && *y == year && *m == metric)
                        .map(|(_, v)| *v)
                    else {
                        continue;
                    };
                    if gap > 0.0 {
                        short += 1.0;
                        shortfall += gap;
                        short_anywhere[r] = true;
                    }
                }
                let v = |m: &'static str| rep[&(area.clone(), year, m)];
                assert_eq!(v("fte_short_roles"), short, "{area} {year}");
                assert!(close(v("fte_shortfall_total"), shortfall), "{area} {year}");
                shortfall_sum += shortfall;
            }
            let all = |m: &'static str| rep[&("ALL".to_string(), year, m)];
            // Roles reported for the region only (the supportive services'
            // staff): the region is their one area.
            for (r, role) in ROLES.iter().enumerate() {
                let metric = format!("fte_gap_{role}");
                let in_an_area = rep
                    .keys()
                    .any(|(a, y, m)| a != "ALL" && *y == year && *m == metric);
                let region_gap = rep
                    .iter()
                    .find(|((a, y, m), _)| a == "ALL" && *y == year && *m == metric)
                    .map(|(_, v)| *v);
                if let (false, Some(gap)) = (in_an_area, region_gap)
                    && gap > 0.0
                {
                    short_anywhere[r] = true;
                    shortfall_sum += gap;
                }
            }
            let roles_short = short_anywhere.iter().filter(|s| **s).count() as f64;
            assert_eq!(all("fte_short_roles"), roles_short, "ALL {year}");
            assert!(
                close(all("fte_shortfall_total"), shortfall_sum),
                "ALL {year}"
            );
            region_short += all("fte_short_roles");
        }
    }
    assert!(
        region_short > 0.0,
        "half the IPU nurses leave some role short"
    );
}

/// A programme cost on an intervention that changes nothing else.
fn with_programme(loaded: &mut Loaded, from: &str, cost: f64) {
    let ucp = loaded.scenario.pathway.ucp_uptake.get();
    loaded.scenario.interventions.push(Intervention {
        name: "Programme".into(),
        target: "pathway".into(),
        names: None,
        parameter: "ucp_uptake".into(),
        value: toml::Value::Float(ucp),
        from: Date::parse(from).unwrap(),
        ramp_months: 0,
        cohorts: None,
        cost_per_year: CostPerYear::new(cost).unwrap(),
    });
}

#[test]
fn cost_total_is_staff_beds_activity_and_programmes() {
    let mut loaded = load("scenarios/nwl-baseline.toml", 2);
    let cost = 365_000.0;
    with_programme(&mut loaded, "2025-07-01", cost);
    let runs = run(&loaded, 3);
    for rep in &runs {
        for ((area, year, metric), total) in rep {
            if *metric != "cost_total" {
                continue;
            }
            let v = |m: &'static str| rep[&(area.clone(), *year, m)];
            let parts =
                v("cost_staff") + v("cost_beds") + v("cost_activity") + v("cost_programmes");
            assert!(close(*total, parts), "{area} {year}: {total} vs {parts}");
        }
        let all = |y: i32, m: &'static str| rep[&("ALL".to_string(), y, m)];
        // From 1 July (day 181 of 365) in the first year, all of the second.
        assert!(close(all(2025, "cost_programmes"), cost * 184.0 / 365.0));
        assert!(close(all(2026, "cost_programmes"), cost));
        assert!(all(2025, "cost_beds") > 0.0, "beds available cost");
        assert!(all(2025, "cost_staff") > 0.0, "staff in post cost");
    }
}

/// Every CSPC visit is costed, whatever led to it: a scheduled visit, or
/// an advice call whose outcome is a visit — including a call that would
/// have started hospice at home had the person been in their last
/// fortnight (that visit once went uncosted).
#[test]
fn every_visit_is_costed_whatever_led_to_it() {
    let mut loaded = load("scenarios/nwl-baseline.toml", 2);
    let zero = Cost::new(0.0).unwrap();
    let c = &mut loaded.scenario.costs;
    for cost in [
        &mut c.enhanced_bed_day,
        &mut c.enhanced_bed_day_available,
        &mut c.hah_slot_day_available,
        &mut c.acute_bed_day,
        &mut c.hah_hour,
    ] {
        *cost = zero;
    }
    c.cspc_visit = Cost::new(100.0).unwrap();
    let share = |x: f64| Share::new(x).unwrap();
    let o = &mut loaded.scenario.calls.outcomes;
    (o.advice, o.visit, o.hah, o.ambulance) = (share(0.0), share(0.2), share(0.8), share(0.0));
    let runs = run(&loaded, 2);
    let mut visits = 0.0;
    for rep in &runs {
        for b in &loaded.scenario.boroughs {
            for year in years(&loaded) {
                let v = |m: &'static str| rep[&(b.name.clone(), year, m)];
                assert!(
                    close(v("cost_activity"), 100.0 * v("cspc_visits")),
                    "{} {year}: activity {} for {} visits",
                    b.name,
                    v("cost_activity"),
                    v("cspc_visits")
                );
                visits += v("cspc_visits");
            }
        }
    }
    assert!(visits > 0.0);
}

#[test]
fn reopening_a_unit_costs_its_staff_and_beds() {
    let base = load("scenarios/nwl-baseline.toml", 3);
    let option = load("scenarios/options/reopen-pembridge.toml", 3);
    let costs = &option.scenario.costs;
    let unit_cost = |role: Role| costs.fte_year.get(&role).map_or(0.0, |c| c.get());
    let beds = 13.0;
    let reps = 6;
    let (a, b) = (run(&base, reps), run(&option, reps));
    let year = 2027;
    let mut diff = Welford::new();
    for (x, y) in a.iter().zip(&b) {
        let pembridge = |m: &'static str| y[&("Pembridge".to_string(), year, m)];
        let bound = pembridge("fte_supply_ipu_nurse") * unit_cost(Role::IpuNurse)
            + pembridge("fte_supply_consultant") * unit_cost(Role::Consultant);
        assert!(
            bound > 0.0,
            "the scenario prices the nurses and consultants it recruits"
        );
        let all = |r: &Values, m: &'static str| r[&("ALL".to_string(), year, m)];
        let d = all(y, "cost_staff") - all(x, "cost_staff");
        assert!(d >= bound * (1.0 - 1e-9), "staff cost +{d} below {bound}");
        diff.push(d);
        let beds_cost = all(y, "cost_beds") - all(x, "cost_beds");
        assert!(
            close(beds_cost, beds * 365.0 * costs.ipu_bed_day_available.get()),
            "13 beds open all year: {beds_cost}"
        );
    }
    assert!(diff.mean() - half_width(&diff, 0.95) > 0.0);
}
