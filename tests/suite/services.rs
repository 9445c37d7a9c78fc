//! The supportive services the caseload refers to — day hospice,
//! out-patient clinics, psychological support — against queueing theory
//! (their capacity limits and waiting lists), paired comparisons of more
//! capacity, and the shipped options that change them.

use super::common::{Values, repo, run_config};
use carecap::model::CareConfig;
use carecap::scenario::support::{DayHospice, OutpatientClinic, PsychologicalSupport};
use carecap::scenario::types::{Deaths, Duration, Scenario};
use carecap::scenario::units::{
    CallsPerPatientDay, Cost, CostPerYear, Days, DeathsPerYear, Fte, FtePerBed, Growth, Lowering,
    PatientsPerFte, PerWeek, Places, Share,
};
use carecap::scenario::{self};
use carecap::stats::Welford;
use carecap::stats::ci::half_width;

/// Deaths per year in each of the baseline's 8 boroughs.
const DEATHS: f64 = 365.0;

/// The baseline made stationary and simple: 8 boroughs each with
/// `DEATHS` a year at a constant rate, everyone referred and taken onto
/// the caseload at once, prognosis `prognosis`, no terminal phase (people
/// leave the services at death), no crises or calls, no staff dynamics,
/// and none of the supportive services.
fn stationary(prognosis: Duration, years: u32) -> Scenario {
    let path = repo("scenarios/nwl-baseline.toml");
    let mut s = scenario::read(&path).expect("baseline").scenario;
    s.scenario.years = years;
    s.demand.need_share = Share::new(1.0).unwrap();
    s.demand.reach = Share::new(1.0).unwrap();
    s.demand.seasonality = vec![1.0; 12];
    s.demand.day_of_week = vec![1.0; 7];
    for b in &mut s.boroughs {
        b.deaths = Deaths {
            base: Some(DeathsPerYear::new(DEATHS).unwrap()),
            base_year: Some(s.scenario.start_year),
            growth: Some(Growth::new(0.0).unwrap()),
            by_year: None,
        };
        b.need_share = None;
        b.reach = None;
        b.cspc.nurses_fte = Fte::new(10_000.0).unwrap();
    }
    let p = &mut s.pathway;
    p.prognosis_cancer = prognosis;
    p.prognosis_non_cancer = prognosis;
    p.terminal_phase = Duration::Fixed { days: 0.0 };
    p.crises_per_week = PerWeek::new(0.0).unwrap();
    p.crises_per_week_last_fortnight = PerWeek::new(0.0).unwrap();
    s.calls.per_patient_day = CallsPerPatientDay::new(0.0).unwrap();
    s.workforce = None;
    s.day_hospices.clear();
    s.outpatient_clinics.clear();
    s.psychological_support.clear();
    // One population, everyone referred.
    s.segments.clear();
    s
}

fn all_boroughs(s: &Scenario) -> Vec<String> {
    s.boroughs.iter().map(|b| b.name.clone()).collect()
}

/// Referrals a day across the region in [`stationary`].
fn arrivals_per_day(s: &Scenario) -> f64 {
    s.boroughs.len() as f64 * DEATHS / 365.0
}

fn run(s: &Scenario, reps: u64) -> Vec<Values> {
    run_config(&CareConfig::new(s), reps)
}

/// Per replication, the mean over the run's years of `metric` for ALL.
fn yearly_mean(runs: &[Values], metric: &str) -> Vec<f64> {
    runs.iter()
        .map(|v| {
            let xs: Vec<f64> = v
                .iter()
                .filter(|((a, _, m), _)| a == "ALL" && *m == metric)
                .map(|(_, x)| *x)
                .collect();
            xs.iter().sum::<f64>() / xs.len() as f64
        })
        .collect()
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

/// Asserts that `a − b`, paired by replication, is below 0 with 99%
/// confidence.
fn assert_paired_lower(what: &str, a: &[f64], b: &[f64]) {
    let mut w = Welford::new();
    a.iter().zip(b).for_each(|(x, y)| w.push(x - y));
    let h = half_width(&w, 0.99);
    assert!(
        w.mean() + h < 0.0,
        "{what}: paired difference {:.4} ± {h:.4} (99% CI) is not below 0",
        w.mean()
    );
}

/// Poisson(a) probabilities for 0..=n.
fn poisson(a: f64, n: usize) -> Vec<f64> {
    let mut p = vec![(-a).exp()];
    for k in 1..=n {
        p.push(p[k - 1] * a / k as f64);
    }
    p
}

fn day_hospice(s: &Scenario, places: u32, share: f64) -> DayHospice {
    DayHospice {
        name: "Day hospice".into(),
        boroughs: all_boroughs(s),
        places_per_day: Places::new(places).unwrap(),
        days_open_per_week: 5,
        attendance_days_per_week: 5,
        referral_share: Share::new(share).unwrap(),
        waiting_list: Places::new(100_000).unwrap(),
        staff_per_place: FtePerBed::new(0.25).unwrap(),
        staff_fte: None,
        crisis_rr: Lowering::new(1.0).unwrap(),
        carer_bereavement_rr: Lowering::new(1.0).unwrap(),
        cost_per_attendance: Cost::new(0.0).unwrap(),
        cost_per_year: CostPerYear::new(0.0).unwrap(),
    }
}

/// With exponential prognoses and attendance until death, everyone
/// referred leaves at the same rate whether attending or waiting (death is
/// memoryless), so the number referred and alive is M/M/∞: Poisson with
/// mean λ × mean prognosis. Places cap attendance: attending = min(N, c),
/// waiting = (N − c)⁺. Little's law ties the waiting list to its waits.
#[test]
fn day_hospice_places_cap_attendance_as_theory_says() {
    let prognosis_days = 10.0;
    let mut s = stationary(
        Duration::Exponential {
            mean_days: prognosis_days,
        },
        3,
    );
    let share = 0.5;
    let places = 38;
    s.day_hospices.push(day_hospice(&s, places, share));
    let a = arrivals_per_day(&s) * share * prognosis_days;
    let p = poisson(a, 400);
    let c = places as usize;
    let attending: f64 = p.iter().enumerate().map(|(k, q)| q * k.min(c) as f64).sum();
    let waiting: f64 = p
        .iter()
        .enumerate()
        .map(|(k, q)| q * k.saturating_sub(c) as f64)
        .sum();
    let runs = run(&s, 40);
    assert_mean(
        "attending (time-average)",
        &yearly_mean(&runs, "day_hospice_attending_mean"),
        attending,
    );
    assert_mean(
        "waiting (time-average)",
        &yearly_mean(&runs, "day_hospice_waiting_mean"),
        waiting,
    );
    // No one attends beyond the places, in any year of any replication.
    for v in &runs {
        for ((_, _, m), x) in v {
            if *m == "day_hospice_attending_mean" {
                assert!(
                    *x <= places as f64 + 1e-9,
                    "{x} attending > {places} places"
                );
            }
        }
    }
}

#[test]
fn more_day_hospice_places_shorten_the_wait_paired() {
    let mut s = stationary(Duration::Exponential { mean_days: 10.0 }, 3);
    s.day_hospices.push(day_hospice(&s, 38, 0.5));
    let mut more = s.clone();
    more.day_hospices[0].places_per_day = Places::new(42).unwrap();
    let (few, many) = (run(&s, 20), run(&more, 20));
    for metric in ["day_hospice_wait_days_mean", "day_hospice_waiting_mean"] {
        assert_paired_lower(
            metric,
            &yearly_mean(&many, metric),
            &yearly_mean(&few, metric),
        );
    }
    // The same people are referred in both (keyed draws).
    assert_eq!(
        yearly_mean(&few, "day_hospice_referrals"),
        yearly_mean(&many, "day_hospice_referrals")
    );
}

fn clinic(s: &Scenario, sessions: u32, first: u32, share: f64) -> OutpatientClinic {
    OutpatientClinic {
        name: "Clinic".into(),
        boroughs: all_boroughs(s),
        sessions_per_week: sessions,
        first_appointments_per_session: Places::new(first).unwrap(),
        appointments_per_session: Places::new(first + 4).unwrap(),
        referral_share: Share::new(share).unwrap(),
        waiting_list: Places::new(100_000).unwrap(),
        staff_per_session: FtePerBed::new(0.1).unwrap(),
        staff_fte: None,
        cost_per_appointment: Cost::new(0.0).unwrap(),
        cost_per_year: CostPerYear::new(0.0).unwrap(),
    }
}

/// Prognoses far longer than any wait, so no one dies waiting: every
/// referral gets a first appointment, the clinics see them at the arrival
/// rate, and Little's law holds on the list with the known rate:
/// people waiting = λ × mean wait.
#[test]
fn outpatient_list_obeys_littles_law_with_the_known_rate() {
    let mut s = stationary(Duration::Fixed { days: 400.0 }, 3);
    let share = 0.25;
    s.outpatient_clinics.push(clinic(&s, 4, 4, share));
    let lambda = arrivals_per_day(&s) * share; // per day; capacity 16 a week
    let runs = run(&s, 30);
    let waiting = yearly_mean(&runs, "outpatient_waiting_mean");
    let wait = yearly_mean(&runs, "outpatient_wait_days_mean");
    let little: Vec<f64> = waiting
        .iter()
        .zip(&wait)
        .map(|(l, w)| l - lambda * w)
        .collect();
    assert_mean("waiting − λ × mean wait", &little, 0.0);
    assert_mean(
        "first appointments a year",
        &yearly_mean(&runs, "outpatient_first_appointments"),
        lambda * 365.0,
    );
    for v in &runs {
        for ((a, y, m), x) in v {
            if a == "ALL" && *m == "outpatient_first_appointments" {
                let sessions = v[&(a.clone(), *y, "outpatient_sessions")];
                assert!(
                    *x <= sessions * 4.0,
                    "{x} first appointments in {sessions} sessions"
                );
            }
        }
    }
}

#[test]
fn more_clinic_sessions_shorten_the_wait_paired() {
    let mut s = stationary(Duration::Fixed { days: 400.0 }, 3);
    s.outpatient_clinics.push(clinic(&s, 4, 4, 0.25));
    let mut more = s.clone();
    more.outpatient_clinics[0].sessions_per_week = 5;
    let (few, many) = (run(&s, 20), run(&more, 20));
    for metric in ["outpatient_wait_days_mean", "outpatient_waiting_mean"] {
        assert_paired_lower(
            metric,
            &yearly_mean(&many, metric),
            &yearly_mean(&few, metric),
        );
    }
}

fn psych(s: &Scenario, fte: f64, carers: f64) -> PsychologicalSupport {
    PsychologicalSupport {
        name: "Psychological support".into(),
        boroughs: all_boroughs(s),
        staff_fte: Fte::new(fte).unwrap(),
        clients_per_fte: PatientsPerFte::new(10.0).unwrap(),
        sessions: 6,
        days_between_sessions: Days::new(7.0).unwrap(),
        patient_referral_share: Share::new(0.0).unwrap(),
        carer_referral_share: Share::new(carers).unwrap(),
        waiting_list: Places::new(100_000).unwrap(),
        cost_per_session: Cost::new(0.0).unwrap(),
        cost_per_year: CostPerYear::new(0.0).unwrap(),
    }
}

/// Carers only, a fixed course of 42 days and room for everyone: carers
/// are referred at the caseload's deaths (in the stationary run, at the
/// arrival rate × the carer share), so the clients in a course are
/// M/D/∞: λ × 42 days on average, and every referral starts.
#[test]
fn psychological_support_clients_are_lambda_times_the_course() {
    let mut s = stationary(Duration::Exponential { mean_days: 10.0 }, 3);
    let share = 0.5;
    s.psychological_support.push(psych(&s, 100.0, share));
    let lambda = arrivals_per_day(&s) * share;
    let runs = run(&s, 30);
    assert_mean(
        "clients in a course",
        &yearly_mean(&runs, "psych_clients_mean"),
        lambda * 42.0,
    );
    assert_mean(
        "courses started a year",
        &yearly_mean(&runs, "psych_started"),
        lambda * 365.0,
    );
    assert!(
        yearly_mean(&runs, "psych_waiting_mean")
            .iter()
            .all(|&w| w == 0.0)
    );
}

#[test]
fn more_psychologists_shorten_the_wait_paired() {
    // λ × course = 4 a day × 42 days = 168 clients; 17.5 and 18.5 FTE
    // give 175 and 185 places.
    let mut s = stationary(Duration::Exponential { mean_days: 10.0 }, 3);
    s.psychological_support.push(psych(&s, 17.5, 0.5));
    let mut more = s.clone();
    more.psychological_support[0].staff_fte = Fte::new(18.5).unwrap();
    let (few, many) = (run(&s, 20), run(&more, 20));
    for metric in ["psych_wait_days_mean", "psych_waiting_mean"] {
        assert_paired_lower(
            metric,
            &yearly_mean(&many, metric),
            &yearly_mean(&few, metric),
        );
    }
    for v in &few {
        for ((a, _, m), x) in v {
            if a == "ALL" && *m == "psych_clients_mean" {
                assert!(*x <= 175.0 + 1e-9, "{x} clients > 175 places");
            }
        }
    }
}

fn compiled(path: &str, years: u32) -> CareConfig {
    let loaded = scenario::read(&repo(path)).expect("valid scenario");
    let mut phases = scenario::schedule::phases(&loaded).expect("phases");
    for p in &mut phases {
        p.scenario.scenario.years = years;
    }
    CareConfig::from_phases(&phases)
}

/// Each shipped option moves its own service's metrics (paired with the
/// baseline, common random numbers), and leaves the others' people alone.
#[test]
fn each_shipped_option_moves_its_service() {
    let years = 4; // 2025-2028: the options start in 2026 and 2027
    let reps = 12;
    let base = run_config(&compiled("scenarios/nwl-baseline.toml", years), reps);
    let last = |runs: &[Values], area: &str, metric: &str| -> Vec<f64> {
        runs.iter()
            .map(|v| v[&(area.to_string(), 2028, carecap_metric(metric))])
            .collect()
    };
    let day = run_config(
        &compiled("scenarios/options/day-hospice-every-borough.toml", years),
        reps,
    );
    for b in ["Ealing", "Hounslow"] {
        assert!(
            last(&base, b, "day_hospice_starts")
                .iter()
                .all(|&x| x == 0.0)
        );
        assert!(last(&day, b, "day_hospice_starts").iter().all(|&x| x > 0.0));
    }
    let more: Vec<f64> = last(&day, "ALL", "day_hospice_attending_mean");
    assert_paired_lower(
        "day hospice attending (baseline − option)",
        &last(&base, "ALL", "day_hospice_attending_mean"),
        &more,
    );
    let clinics = run_config(
        &compiled(
            "scenarios/options/outpatient-clinics-twice-weekly.toml",
            years,
        ),
        reps,
    );
    assert_paired_lower(
        "out-patient wait",
        &last(&clinics, "ALL", "outpatient_wait_days_mean"),
        &last(&base, "ALL", "outpatient_wait_days_mean"),
    );
    // Clinics change no one's path elsewhere: deaths and crises identical.
    for m in ["deaths_hospital", "crises", "day_hospice_starts"] {
        assert_eq!(last(&clinics, "ALL", m), last(&base, "ALL", m), "{m}");
    }
    let psych = run_config(
        &compiled(
            "scenarios/options/psychological-support-expanded.toml",
            years,
        ),
        reps,
    );
    assert_paired_lower(
        "psychological support courses (baseline − option)",
        &last(&base, "ALL", "psych_started"),
        &last(&psych, "ALL", "psych_started"),
    );
}

/// The `&'static str` a metric is keyed by in [`Values`].
fn carecap_metric(name: &str) -> &'static str {
    carecap::model::METRICS
        .iter()
        .find(|m| m.name == name)
        .map(|m| m.name)
        .unwrap_or_else(|| panic!("no metric {name}"))
}

/// Attending day hospice lowers crises (the crisis process thinned by the
/// unit's relative rate): with a strong effect, paired crises fall.
#[test]
fn day_hospice_attendance_lowers_crises() {
    let mut s = stationary(Duration::Exponential { mean_days: 30.0 }, 2);
    s.pathway.crises_per_week = PerWeek::new(0.5).unwrap();
    s.pathway.crises_per_week_last_fortnight = PerWeek::new(1.0).unwrap();
    let mut with = s.clone();
    let mut unit = day_hospice(&s, 1000, 0.5);
    unit.crisis_rr = Lowering::new(0.5).unwrap();
    with.day_hospices.push(unit);
    let (base, attended) = (run(&s, 10), run(&with, 10));
    assert_paired_lower(
        "crises",
        &yearly_mean(&attended, "crises"),
        &yearly_mean(&base, "crises"),
    );
}
