//! The community side: population segments (reported by segment, adding
//! up to the region, reach by segment), and the programmes upstream of the
//! specialist services: caring communities (partners' capacity, effects,
//! recruitment) and care coordination in primary care (earlier and more
//! referrals, the coordinators' caseload). Paired comparisons (same seed, same replication)
//! make small effects testable with few replications.

use super::common::{Values, repo, run_config};
use carecap::model::CareConfig;
use carecap::scenario::community::{CareCoordination, CaringCommunity, IntegrationModel, Segment};
use carecap::scenario::types::Scenario;
use carecap::scenario::units::{
    CostPerYear, Fte, Lowering, Multiplier, PatientsPerFte, Places, Share,
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
