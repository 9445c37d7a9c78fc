//! The community side: population segments (reported by segment, adding
//! up to the region, reach by segment), and the programmes upstream of the
//! specialist services: caring communities (partners' capacity, effects,
//! recruitment) and care coordination in primary care (earlier and more
//! referrals, the coordinators' caseload), long-term care homes as a setting with residents,
//! clinical coaching in cohorts (capability, its decay, fewer transfers), and the Ontario
//! region's comparison of integration models. Paired comparisons (same seed, same replication)
//! make small effects testable with few replications.

use super::common::{Values, carecap_ok, repo, run_config};
use carecap::model::CareConfig;
use carecap::scenario::community::{CareCoordination, CaringCommunity, IntegrationModel, Segment};
use carecap::scenario::types::Scenario;
use carecap::scenario::units::{
    CostPerYear, Fte, Lowering, Multiplier, PatientsPerFte, Places, Share, Years,
};
use carecap::scenario::{self};
use carecap::stats::Welford;
use carecap::stats::ci::half_width;

/// The baseline over `years` years.
fn baseline(years: u32) -> Scenario {
    let mut s = scenario::read(&repo("scenarios/nwl-baseline.toml"))
        .expect("baseline")
        .scenario;
    s.scenario.years = years;
    s.segments.clear();
    s
}

/// A segment with `share` of deaths and every other key left to the
/// region's.
fn segment(name: &str, share: f64) -> Segment {
    Segment {
        name: name.into(),
        share: Share::new(share).unwrap(),
        need_share: None,
        reach: None,
        cancer_share: None,
        prognosis: None,
        preferred_place: None,
        unknown_place_of_death: None,
        crisis_rate_multiplier: Multiplier::new(1.0).unwrap(),
    }
}

/// Deaths at a constant rate (no growth, no winter peak), so that the
/// share of a year's deaths referred is the chance of a referral: the
/// deaths of people referred come later than their referral.
fn steady_deaths(s: &mut Scenario) {
    s.demand.seasonality = vec![1.0; 12];
    for b in &mut s.boroughs {
        b.deaths.growth = Some(carecap::scenario::units::Growth::new(0.0).unwrap());
    }
}

fn run(s: &Scenario, reps: u64) -> Vec<Values> {
    run_config(&CareConfig::new(s), reps)
}

/// Per replication and year, `metric` in `area`.
fn values(runs: &[Values], area: &str, metric: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for v in runs {
        let mut years: Vec<(i32, f64)> = v
            .iter()
            .filter(|((a, _, m), _)| a == area && *m == metric)
            .map(|((_, y, _), x)| (*y, *x))
            .collect();
        years.sort_by_key(|(y, _)| *y);
        out.extend(years.into_iter().map(|(_, x)| x));
    }
    out
}

/// Asserts the mean of `xs` is within its 99.9% confidence interval of
/// `expected`.
fn assert_mean(what: &str, xs: &[f64], expected: f64) {
    let mut w = Welford::new();
    xs.iter().for_each(|&x| w.push(x));
    let h = half_width(&w, 0.999);
    assert!(
        (w.mean() - expected).abs() <= h,
        "{what}: {:.4} ± {h:.4} (99.9% CI), expected {expected:.4}",
        w.mean()
    );
}

/// Asserts that `a − b`, paired by replication, is above 0 with 99%
/// confidence.
fn assert_paired_higher(what: &str, a: &[f64], b: &[f64]) {
    let mut w = Welford::new();
    a.iter().zip(b).for_each(|(x, y)| w.push(x - y));
    let h = half_width(&w, 0.99);
    assert!(
        w.mean() - h > 0.0,
        "{what}: paired difference {:.4} ± {h:.4} (99% CI) is not above 0",
        w.mean()
    );
}

/// Counts reported by segment add up to the region's, in every year and
/// replication, exactly: every resident is in one segment.
#[test]
fn segment_counts_sum_to_the_region() {
    let mut s = baseline(2);
    let mut cancer = segment("Cancer", 0.3);
    cancer.cancer_share = Some(Share::new(1.0).unwrap());
    cancer.reach = Some(Share::new(0.8).unwrap());
    let mut frail = segment("Frailty and dementia", 0.45);
    frail.cancer_share = Some(Share::new(0.0).unwrap());
    frail.crisis_rate_multiplier = Multiplier::new(1.3).unwrap();
    let mut home = segment("Care-home residents", 0.25);
    home.reach = Some(Share::new(0.2).unwrap());
    s.segments = vec![cancer, frail, home];
    let runs = run(&s, 4);
    let names = ["Cancer", "Frailty and dementia", "Care-home residents"];
    for metric in [
        "referrals",
        "deaths",
        "deaths_home",
        "deaths_care_home",
        "deaths_hospice",
        "deaths_enhanced_bed",
        "deaths_hospital",
        "cspc_deaths",
        "cspc_deaths_hospital",
        "died_waiting",
        "cspc_died_waiting",
        "crises",
        "acute_admissions",
    ] {
        let region = values(&runs, "ALL", metric);
        let mut sum = vec![0.0; region.len()];
        for g in names {
            let by_segment = values(&runs, g, metric);
            assert_eq!(by_segment.len(), region.len(), "{metric} of {g}");
            sum.iter_mut().zip(by_segment).for_each(|(a, x)| *a += x);
        }
        assert_eq!(sum, region, "{metric}: segments against the region");
        assert!(region.iter().sum::<f64>() > 0.0, "{metric} never counted");
    }
    // Waits and the preferred place are reported by segment too.
    for g in names {
        assert!(!values(&runs, g, "cspc_wait_days_mean").is_empty());
        assert!(
            values(&runs, g, "preferred_place_met_pct")
                .iter()
                .all(|x| (0.0..=100.0).contains(x))
        );
    }
}

/// A segment whose need reaches the service more often has more of its
/// deaths referred: the share referred of each segment is need × reach
/// within its confidence interval, and the higher reach is higher, paired.
#[test]
fn a_segment_with_higher_reach_has_a_higher_share_referred() {
    let mut s = baseline(1);
    steady_deaths(&mut s);
    let (need, low, high) = (0.75, 0.3, 0.6);
    s.demand.need_share = Share::new(need).unwrap();
    for b in &mut s.boroughs {
        b.need_share = None;
        b.reach = None;
    }
    let mut less = segment("Most deprived", 0.5);
    less.reach = Some(Share::new(low).unwrap());
    let mut more = segment("Least deprived", 0.5);
    more.reach = Some(Share::new(high).unwrap());
    s.segments = vec![less, more];
    let runs = run(&s, 10);
    let share = |g: &str| -> Vec<f64> {
        let referred = values(&runs, g, "referrals");
        let deaths = values(&runs, g, "deaths");
        referred.iter().zip(&deaths).map(|(r, d)| r / d).collect()
    };
    let (deprived, affluent) = (share("Most deprived"), share("Least deprived"));
    assert_mean("share referred, reach 0.3", &deprived, need * low);
    assert_mean("share referred, reach 0.6", &affluent, need * high);
    assert_paired_higher("higher reach, higher share referred", &affluent, &deprived);
    // Half the deaths in each (the keyed draw splits by share).
    let deaths = values(&runs, "Most deprived", "deaths");
    let all = values(&runs, "ALL", "deaths");
    let half: Vec<f64> = deaths.iter().zip(&all).map(|(d, a)| d / a).collect();
    assert_mean("share of deaths in a half segment", &half, 0.5);
}

/// Segments move no random stream: one segment holding everyone, with
/// every key left to the region's, gives exactly the results of no
/// segments (the segment draw is keyed on the person).
#[test]
fn one_segment_of_everyone_changes_nothing() {
    let plain = baseline(2);
    let mut one = plain.clone();
    one.segments = vec![segment("Everyone", 1.0)];
    let (a, b) = (run(&plain, 3), run(&one, 3));
    let mut compared = 0;
    for (x, y) in a.iter().zip(&b) {
        for (key, v) in x {
            let w = y[key];
            assert!(v == &w || (v.is_nan() && w.is_nan()), "{key:?}: {v} vs {w}");
            compared += 1;
        }
    }
    assert!(compared > 1000);
    // And the segment is the region.
    assert_eq!(
        values(&b, "Everyone", "deaths_hospital"),
        values(&b, "ALL", "deaths_hospital")
    );
}

/// An intervention on a region-wide value that every segment of the
/// baseline sets for itself would change nothing: `validate` says so.
#[test]
fn an_intervention_hidden_by_the_segments_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reach.toml");
    let base = repo("scenarios/nwl-baseline.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n[scenario]\nname = \"reach\"\n\
             [[intervention]]\nname = \"Reach 70%\"\ntarget = \"demand\"\nparameter = \"reach\"\n\
             value = 0.7\nfrom = 2026-01-01\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    let out = super::common::carecap(&["validate", path.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("reach.toml:7:")
            && text.contains(
                "Reach 70% changes demand.reach, which every [[segment]] sets for itself"
            ),
        "{text}"
    );
}

/// One caring community serving every borough of `s`.
fn partners(s: &Scenario, partners: u32, per_partner: f64, share: f64) -> CaringCommunity {
    CaringCommunity {
        name: "Partners".into(),
        boroughs: s.boroughs.iter().map(|b| b.name.clone()).collect(),
        partners: Places::new(partners).unwrap(),
        people_per_partner: PatientsPerFte::new(per_partner).unwrap(),
        referral_share: Share::new(share).unwrap(),
        waiting_list: Places::new(10_000).unwrap(),
        crisis_rr: Lowering::new(1.0).unwrap(),
        hospital_rr: Lowering::new(1.0).unwrap(),
        cost_per_year: CostPerYear::new(0.0).unwrap(),
    }
}

/// Partners' capacity caps how many are supported: never more than
/// partners × people per partner at once, and, when everyone taken on is
/// referred, the places are full and people wait; with places to spare no
/// one waits and fewer are supported than there are places.
#[test]
fn partners_capacity_caps_the_people_supported() {
    let mut s = baseline(2);
    s.workforce = None; // partners in post = partners funded
    let (funded, each) = (10, 2.0);
    s.caring_communities = vec![partners(&s, funded, each, 1.0)];
    let runs = run(&s, 4);
    let places = funded as f64 * each;
    let supported = values(&runs, "ALL", "partner_supported_mean");
    let waiting = values(&runs, "ALL", "partner_waiting_mean");
    for ((x, w), p) in
        supported
            .iter()
            .zip(&waiting)
            .zip(values(&runs, "ALL", "partner_places_mean"))
    {
        assert!((p - places).abs() < 1e-9, "places {p}, expected {places}");
        assert!(*x <= places + 1e-9, "supported {x} above {places} places");
        assert!(
            *x > 0.98 * places,
            "demand exceeds places, yet {x} of {places} used"
        );
        assert!(*w > 1.0, "demand exceeds places, yet {w} waiting");
    }
    // Plenty of partners: the cap does not bind.
    let mut plenty = s.clone();
    plenty.caring_communities = vec![partners(&s, 1000, 3.0, 0.3)];
    let runs = run(&plenty, 4);
    for (x, w) in values(&runs, "ALL", "partner_supported_mean")
        .iter()
        .zip(values(&runs, "ALL", "partner_waiting_mean"))
    {
        assert!(*x > 10.0 && *x < 3000.0, "supported {x}");
        assert_eq!(w, 0.0);
    }
    assert!(
        values(&runs, "ALL", "partner_unmet")
            .iter()
            .all(|&u| u == 0.0)
    );
}

/// Supported people have fewer crises and fewer hospital deaths than the
/// same people without partners (paired by replication), and the
/// programme's cost is its yearly cost.
#[test]
fn partners_lower_crises_and_hospital_deaths_paired() {
    let mut s = baseline(2);
    s.workforce = None;
    let mut with = s.clone();
    let mut k = partners(&s, 1000, 3.0, 0.5);
    k.crisis_rr = Lowering::new(0.5).unwrap();
    k.hospital_rr = Lowering::new(0.3).unwrap();
    k.cost_per_year = CostPerYear::new(75_000.0).unwrap();
    with.caring_communities = vec![k];
    let (base, supported) = (run(&s, 8), run(&with, 8));
    assert_paired_higher(
        "crises without partners − with",
        &values(&base, "ALL", "crises"),
        &values(&supported, "ALL", "crises"),
    );
    assert_paired_higher(
        "CSPC hospital deaths without partners − with",
        &values(&base, "ALL", "cspc_deaths_hospital"),
        &values(&supported, "ALL", "cspc_deaths_hospital"),
    );
    // Same residents: deaths unchanged.
    assert_eq!(
        values(&base, "ALL", "deaths"),
        values(&supported, "ALL", "deaths")
    );
    let extra: Vec<f64> = values(&supported, "ALL", "cost_programmes")
        .iter()
        .zip(values(&base, "ALL", "cost_programmes"))
        .map(|(a, b)| a - b)
        .collect();
    assert!(
        extra.iter().all(|x| (x - 75_000.0).abs() < 1e-3),
        "{extra:?}"
    );
}

/// Partners are recruited over time: with no one in post at the start and
/// a hiring lag, partners in post rise year on year towards those funded.
#[test]
fn partners_in_post_ramp_up_with_recruitment() {
    let mut s = baseline(3);
    s.caring_communities = vec![partners(&s, 100, 3.0, 0.3)];
    let role: carecap::scenario::types::RoleSupply =
        toml::from_str("attrition = 0.0\nrecruitment = 0.5\nhiring_lag_days = 90\nvacancy = 1.0\n")
            .expect("role");
    let w = s.workforce.as_mut().expect("the baseline has a workforce");
    w.roles
        .insert(carecap::scenario::types::Role::CommunityPartner, role);
    s.scenario.warmup_days = 0;
    let runs = run(&s, 2);
    for v in runs.chunks(1) {
        let in_post = values(v, "ALL", "fte_supply_community_partner");
        assert!(
            in_post[0] < in_post[1] && in_post[1] < in_post[2],
            "{in_post:?}"
        );
        assert!(in_post[2] <= 100.0 && in_post[0] < 50.0, "{in_post:?}");
    }
}

/// Care coordination covering `covered` of 100 practices in every borough
/// of `s`, under the `partial` model, with `fte` coordinators holding
/// `per_fte` people each.
fn coordination(s: &Scenario, covered: u32, fte: f64, per_fte: f64) -> CareCoordination {
    CareCoordination {
        name: "Coordinators".into(),
        boroughs: s.boroughs.iter().map(|b| b.name.clone()).collect(),
        model: IntegrationModel::Partial,
        practices: Places::new(100).unwrap(),
        practices_covered: Places::new(covered).unwrap(),
        coordinators_fte: Fte::new(fte).unwrap(),
        caseload_per_fte: PatientsPerFte::new(per_fte).unwrap(),
        cost_per_year: CostPerYear::new(0.0).unwrap(),
    }
}

fn partial_model(s: &mut Scenario, earlier: f64, uplift: f64) {
    let toml = format!("identified_earlier_days = {earlier}\nreach_uplift = {uplift}\n");
    s.coordination_models.partial = toml::from_str(&toml).expect("effect");
}

/// Coordinated people are referred earlier: with every practice covered
/// and room on the caseload, everyone referred is coordinated and their
/// time from referral to death is exactly the model's days longer than the
/// same people's with no practice covered (same residents, same draws).
#[test]
fn coordinated_people_are_referred_earlier() {
    let mut s = baseline(2);
    s.workforce = None;
    partial_model(&mut s, 30.0, 0.0);
    let mut none = s.clone();
    none.care_coordination = vec![coordination(&s, 0, 1000.0, 100.0)];
    let mut all = s.clone();
    all.care_coordination = vec![coordination(&s, 100, 1000.0, 100.0)];
    let (before, after) = (run(&none, 3), run(&all, 3));
    let (a, b) = (
        values(&before, "ALL", "referral_to_death_days_mean"),
        values(&after, "ALL", "referral_to_death_days_mean"),
    );
    for (x, y) in a.iter().zip(&b) {
        assert!((y - x - 30.0).abs() < 1e-6, "{x} days, then {y}");
    }
    assert_eq!(
        values(&after, "ALL", "coordinated_referrals"),
        values(&after, "ALL", "referrals")
    );
    assert_eq!(
        values(&before, "ALL", "referrals"),
        values(&after, "ALL", "referrals")
    );
    assert!(
        values(&before, "ALL", "coordinated")
            .iter()
            .all(|&x| x == 0.0)
    );
}

/// Coordination identifies more of the need: with a reach uplift, the
/// share of deaths referred is p + uplift × (1 − p) within its CI, above
/// the share without coordination (paired).
#[test]
fn coordination_raises_the_share_referred() {
    let mut s = baseline(1);
    s.workforce = None;
    for b in &mut s.boroughs {
        b.need_share = None;
        b.reach = None;
    }
    steady_deaths(&mut s);
    let p = s.demand.need_share.get() * s.demand.reach.get();
    partial_model(&mut s, 0.0, 0.5);
    let mut with = s.clone();
    with.care_coordination = vec![coordination(&s, 100, 10_000.0, 100.0)];
    let (base, coordinated) = (run(&s, 10), run(&with, 10));
    let share = |runs: &[Values]| -> Vec<f64> {
        let r = values(runs, "ALL", "referrals");
        let d = values(runs, "ALL", "deaths");
        r.iter().zip(&d).map(|(r, d)| r / d).collect()
    };
    assert_mean(
        "share referred with coordination",
        &share(&coordinated),
        p + 0.5 * (1.0 - p),
    );
    assert_paired_higher("share referred", &share(&coordinated), &share(&base));
}

/// The coordinators' caseload caps how many are coordinated at once; a
/// full caseload leaves covered people uncoordinated, and they count in
/// the demand for coordinators.
#[test]
fn coordinators_caseload_caps_the_people_coordinated() {
    let mut s = baseline(2);
    s.workforce = None;
    partial_model(&mut s, 30.0, 0.0);
    let (fte, per_fte) = (2.0, 25.0);
    s.care_coordination = vec![coordination(&s, 100, fte, per_fte)];
    let runs = run(&s, 3);
    for ((held, unmet), (demand, supply)) in values(&runs, "ALL", "coordinated_mean")
        .iter()
        .zip(values(&runs, "ALL", "coordination_unmet"))
        .zip(
            values(&runs, "ALL", "fte_demand_care_coordinator")
                .iter()
                .zip(values(&runs, "ALL", "fte_supply_care_coordinator")),
        )
    {
        assert!(
            *held <= fte * per_fte + 1e-9 && *held > 0.95 * fte * per_fte,
            "{held}"
        );
        assert!(unmet > 100.0, "{unmet}");
        assert!(*demand > supply, "demand {demand}, supply {supply}");
    }
}

// ---- care homes, coaching, the Ontario region --------------------------

/// The Ontario region over `years` years after `warmup_days` of warm-up.
fn ontario(years: u32, warmup_days: u32) -> Scenario {
    let mut s = scenario::read(&repo("scenarios/ontario-region.toml"))
        .expect("ontario-region")
        .scenario;
    s.scenario.years = years;
    s.scenario.warmup_days = warmup_days;
    s
}

/// Every care-home coaching entry coaches all its homes in one cohort
/// starting on 1 January of `year`; community coaching is dropped; the
/// effects are only `transfer_rr`, with a half-life and refresher in years.
fn coach_every_home_in(
    s: &mut Scenario,
    year: i32,
    transfer_rr: f64,
    half_life: f64,
    refresher: f64,
) {
    use carecap::scenario::community::CoachingSetting;
    s.coaching
        .retain(|k| k.setting == CoachingSetting::CareHome);
    for k in &mut s.coaching {
        k.cohorts = [(year.to_string(), k.organisations)].into();
    }
    let e = &mut s.coaching_effects;
    e.reach_uplift = Share::new(0.0).unwrap();
    e.ucp_uplift = Share::new(0.0).unwrap();
    e.identified_earlier_days = carecap::scenario::units::Days::new(0.0).unwrap();
    e.transfer_rr = Lowering::new(transfer_rr).unwrap();
    e.half_life_years = Years::new(half_life).unwrap();
    e.refresher_every_years = Years::new(refresher).unwrap();
}

/// Residents of coached homes are transferred to hospital less often than
/// the same residents (same replications) of homes without coaching.
#[test]
fn a_coached_care_home_transfers_fewer_residents() {
    let mut coached = ontario(2, 200);
    coach_every_home_in(&mut coached, 2024, 0.5, 0.0, 0.0);
    let mut uncoached = coached.clone();
    uncoached.coaching.clear();
    let (a, b) = (run(&coached, 5), run(&uncoached, 5));
    let with = values(&a, "ALL", "care_home_transfers");
    let without = values(&b, "ALL", "care_home_transfers");
    assert_paired_higher("transfers without − with coaching", &without, &with);
    // Coaching changes where residents die, not how many die.
    assert_eq!(
        values(&a, "ALL", "care_home_resident_deaths"),
        values(&b, "ALL", "care_home_resident_deaths")
    );
    // Fully capable homes all year, and more organisations than none.
    assert!(
        values(&a, "ALL", "coaching_capability_mean")
            .iter()
            .all(|&c| (c - 1.0).abs() < 1e-12)
    );
}

/// Capability rises over the coaching year and halves every half-life
/// without a refresher; a refresher restores it. The yearly mean is read
/// from weekly midpoints over 52 weeks (364 of the year's 365 days): the
/// midpoint rule is exact for the ramp and within 1e-5 for the decay, and
/// the day left out moves a mean by at most |slope| × 1/365 < 0.002.
#[test]
fn capability_decays_without_a_refresher() {
    let mean = |s: &Scenario| values(&run(s, 1), "ALL", "coaching_capability_mean");
    let mut decays = ontario(3, 30);
    coach_every_home_in(&mut decays, 2025, 1.0, 1.0, 0.0);
    let mut refreshed = decays.clone();
    coach_every_home_in(&mut refreshed, 2025, 1.0, 1.0, 1.0);
    let (d, r) = (mean(&decays), mean(&refreshed));
    let ln2 = std::f64::consts::LN_2;
    let expected = [0.5, 0.5 / ln2, 0.25 / ln2];
    for (year, (got, want)) in d.iter().zip(expected).enumerate() {
        assert!((got - want).abs() < 0.003, "year {year}: {got} vs {want}");
    }
    assert!(d[2] < d[1], "capability should fall: {d:?}");
    // A refresher every year after the coaching year: the third year is the
    // second again.
    assert!(
        (r[2] - r[1]).abs() < 1e-12 && (r[1] - d[1]).abs() < 1e-12,
        "{r:?}"
    );
}

/// Deaths of care-home residents add up: in the home, in hospital and
/// elsewhere make every resident's death; with beds for everyone and no
/// other deaths in a care home, the region's deaths in a care home are
/// exactly the residents' deaths in their home, and the residents' segment
/// dies only as residents. Deaths by place add up to all deaths.
#[test]
fn care_home_deaths_and_others_sum_to_totals() {
    let mut s = ontario(2, 400);
    for h in &mut s.care_homes {
        h.beds = Places::new(100_000).unwrap();
    }
    let no_care_home = |p: &mut carecap::scenario::types::PlaceShares| {
        p.home = Share::new(p.home.get() + p.care_home.get()).unwrap();
        p.care_home = Share::new(0.0).unwrap();
    };
    no_care_home(&mut s.demand.unknown_place_of_death);
    no_care_home(&mut s.pathway.preferred_place);
    let runs = run(&s, 3);
    let mut areas: Vec<String> = s.boroughs.iter().map(|b| b.name.clone()).collect();
    areas.push("ALL".into());
    for area in &areas {
        let get = |m: &str| values(&runs, area, m);
        let parts: Vec<f64> = (0..get("deaths").len())
            .map(|i| {
                [
                    "care_home_deaths_in_home",
                    "care_home_deaths_hospital",
                    "care_home_deaths_elsewhere",
                ]
                .iter()
                .map(|m| get(m)[i])
                .sum()
            })
            .collect();
        assert_eq!(parts, get("care_home_resident_deaths"), "{area}");
        assert_eq!(
            get("deaths_care_home"),
            get("care_home_deaths_in_home"),
            "{area}"
        );
        let places: Vec<f64> = (0..get("deaths").len())
            .map(|i| {
                [
                    "deaths_home",
                    "deaths_care_home",
                    "deaths_hospice",
                    "deaths_enhanced_bed",
                    "deaths_hospital",
                ]
                .iter()
                .map(|m| get(m)[i])
                .sum()
            })
            .collect();
        assert_eq!(places, get("deaths"), "{area}");
        assert!(get("care_home_died_waiting").iter().all(|&x| x == 0.0));
    }
    assert_eq!(
        values(&runs, "Long-term care residents", "deaths"),
        values(&runs, "ALL", "care_home_resident_deaths")
    );
}

/// The integration models identify need in the order their reach uplifts
/// say, on the same residents: total > partial > virtual > none.
#[test]
fn ontario_integration_models_order_identification() {
    let option = |model: &str| {
        let path = repo(&format!(
            "scenarios/options/ontario/coordination-{model}.toml"
        ));
        let mut s = scenario::read(&path).expect("option").scenario;
        s.scenario.years = 3;
        s.scenario.warmup_days = 200;
        // Every practice covered from the start (CareConfig::new runs one phase).
        for k in &mut s.care_coordination {
            k.practices_covered = k.practices;
        }
        values(&run(&s, 4), "ALL", "referrals")
    };
    let none = values(&run(&ontario(3, 200), 4), "ALL", "referrals");
    let (total, partial, virtual_link) = (option("total"), option("partial"), option("virtual"));
    assert_paired_higher("total − partial", &total, &partial);
    assert_paired_higher("partial − virtual", &partial, &virtual_link);
    assert_paired_higher("virtual − none", &virtual_link, &none);
}

/// `carecap compare` runs the Ontario region against its options and ranks
/// them with paired intervals and costs.
#[test]
fn ontario_compare_runs_and_ranks_the_options() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["compare", "scenarios/ontario-region.toml"];
    let options = [
        "scenarios/options/ontario/coordination-total.toml",
        "scenarios/options/ontario/coordination-partial.toml",
        "scenarios/options/ontario/coordination-virtual.toml",
        "scenarios/options/ontario/coaching-two-cohorts.toml",
    ];
    args.extend(options);
    args.extend(["--reps", "2", "--no-charts", "--out", out.to_str().unwrap()]);
    let stdout = carecap_ok(&args);
    assert!(stdout.contains("Which option does most"), "{stdout}");
    let appraisal = std::fs::read_to_string(out.join("appraisal.md")).unwrap();
    for name in [
        "ontario-coordination-total",
        "ontario-coordination-partial",
        "ontario-coordination-virtual",
        "ontario-coaching-two-cohorts",
    ] {
        assert!(appraisal.contains(&format!("| {name} |")), "{name} missing");
    }
    let compare = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(compare.contains(",region,ALL,care_home_transfers,"));
    assert!(compare.contains(",region,ALL,cost_programmes,"));
}
