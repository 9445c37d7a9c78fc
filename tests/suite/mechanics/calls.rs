//! Advice-line calls of caseload patients keep their rate whatever else
//! happens to the patient at home.
//!
//! A patient's calls are a Poisson process while they are at home on the
//! caseload (a rate a day, times a multiplier in the last fortnight). Each
//! change of plan at home (a crisis resolved at home, the last days
//! beginning) must leave that process as it was. Keeping a pending call
//! but drawing again where the last draw fell after death gives the "no
//! more calls" outcome a second chance at every change of plan and makes
//! too many calls (4% in the baseline, more here, where crises are
//! frequent). The reference is exact: with a fixed prognosis, no beds and
//! no transfers, each referral is at home on the caseload from referral to
//! death and makes `rate × (prognosis − a fortnight) + rate × multiplier ×
//! a fortnight` calls on average.

use carecap::batch::run::result_keys;
use carecap::model::{CareConfig, simulate};
use carecap::scenario;
use carecap::stats::Welford;
use carecap::stats::ci::half_width;

const PROGNOSIS_DAYS: f64 = 60.0;
const CALLS_PER_DAY: f64 = 0.05;
const LATE_MULTIPLIER: f64 = 3.0;
const REPLICATIONS: u64 = 60;

fn scenario_text() -> String {
    format!(
        "[scenario]\nname = \"calls\"\nstart_year = 2025\nyears = 1\nwarmup_days = 120\n\
         replications = {REPLICATIONS}\nseed = 31\n\
         [demand]\nneed_share = 1\nreach = 1\n\
         [[borough]]\nname = \"Validation\"\ndeaths = {{ base = 3000, base_year = 2025 }}\n\
         cspc = {{ nurses_fte = 100, caseload_per_fte = 100 }}\nhah = {{ slots = 0, cover = \"24/7\" }}\n\
         [pathway]\n\
         prognosis_cancer = {{ dist = \"fixed\", days = {PROGNOSIS_DAYS} }}\n\
         prognosis_non_cancer = {{ dist = \"fixed\", days = {PROGNOSIS_DAYS} }}\n\
         preferred_place = {{ home = 1, care_home = 0, hospice = 0, hospital = 0 }}\n\
         crises_per_week = 2\ncrises_per_week_last_fortnight = 2\ncrisis_bed_share = 0\n\
         terminal_phase = {{ dist = \"fixed\", days = 4 }}\nterminal_hospital_share = 0\n\
         [[advice_line]]\nname = \"Line\"\nboroughs = [\"Validation\"]\n\
         roster = [{{ days = \"all\", from = 0, to = 24, handlers = 20 }}]\n\
         handling_time = {{ dist = \"exponential\", mean_minutes = 5 }}\n\
         patience = {{ dist = \"exponential\", mean_minutes = 600 }}\ncallback_share = 0\n\
         [calls]\nper_patient_day = {CALLS_PER_DAY}\nlast_fortnight_multiplier = {LATE_MULTIPLIER}\n\
         hour_of_day = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n\
         day_of_week = [1,1,1,1,1,1,1]\n\
         outcomes = {{ advice = 1, visit = 0, hah = 0, ambulance = 0 }}\n\
         abandoned_ambulance_share = 0\n"
    )
}

fn config() -> CareConfig {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.toml");
    std::fs::write(&path, scenario_text()).unwrap();
    let s = scenario::read(&path).expect("valid scenario").scenario;
    CareConfig::new(&s)
}

#[test]
fn caseload_calls_keep_their_rate_through_changes_of_plan() {
    let cfg = config();
    let keys = result_keys(&cfg);
    let metric = |area: &str, name: &str| {
        keys.iter()
            .find(|(_, k)| k.area == area && k.metric == name)
            .map(|(i, _)| *i)
            .unwrap_or_else(|| panic!("no {name} for {area}"))
    };
    let calls = metric("Line", "calls");
    let crises = metric("Validation", "crises");
    let referrals = metric("Validation", "referrals");
    // Routine calls per referral, one value a replication (each crisis
    // on the caseload is one call to the line as well).
    let mut per_referral = Welford::new();
    let mut crises_seen = 0.0;
    let units: Vec<u64> = (0..REPLICATIONS).collect();
    carecap::batch::run_units(
        &units,
        0,
        |rep| simulate(&cfg, rep),
        |_, r| {
            crises_seen += r.values[crises];
            per_referral.push((r.values[calls] - r.values[crises]) / r.values[referrals]);
        },
    )
    .unwrap();
    // Changes of plan at home really happen: about 17 crises a referral.
    assert!(crises_seen > 10.0 * REPLICATIONS as f64 * 3000.0);
    let expected = CALLS_PER_DAY * (PROGNOSIS_DAYS - 14.0) + CALLS_PER_DAY * LATE_MULTIPLIER * 14.0;
    let half = half_width(&per_referral, 0.999);
    assert!(
        (per_referral.mean() - expected).abs() < half,
        "{:.4} routine calls a referral ± {half:.4}, expected {expected:.4}",
        per_referral.mean()
    );
}
