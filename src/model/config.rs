//! The care model's compiled configuration: a validated scenario turned
//! into seconds, per-second rates, indices and samplers, ready for the
//! event loop.

use super::dist::Sampler;
use crate::engine::arrivals::PiecewiseRate;
use crate::engine::time::DAY;
use crate::scenario::types::{Cover, PlaceShares, Scenario};
use crate::scenario::validate::deaths_in_year;

/// Days in a simulated year (leap days are ignored).
pub const DAYS_PER_YEAR: u64 = 365;
/// Seconds in a simulated year.
pub const YEAR: u64 = DAYS_PER_YEAR * DAY;

const MONTH_DAYS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Places of death, in the order used by metric tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At home.
    Home = 0,
    /// In a care home.
    CareHome = 1,
    /// In a hospice in-patient unit.
    Hospice = 2,
    /// In an enhanced end-of-life bed.
    EnhancedBed = 3,
    /// In an acute hospital.
    Hospital = 4,
}

/// Number of [`Place`] values.
pub const PLACES: usize = 5;

/// Cumulative shares for drawing a place from [`PlaceShares`]
/// (home, care home, hospice, hospital).
#[derive(Debug, Clone, Copy)]
pub struct PlaceDraw([f64; 3]);

impl PlaceDraw {
    fn new(p: &PlaceShares) -> Self {
        PlaceDraw([
            p.home,
            p.home + p.care_home,
            p.home + p.care_home + p.hospice,
        ])
    }

    /// The place for a uniform draw `u` in [0, 1).
    pub fn pick(&self, u: f64) -> Place {
        match self.0.iter().position(|&c| u < c) {
            Some(0) => Place::Home,
            Some(1) => Place::CareHome,
            Some(_) => Place::Hospice,
            None => Place::Hospital,
        }
    }
}

/// One borough, compiled.
#[derive(Debug, Clone)]
pub struct BoroughConfig {
    /// Name.
    pub name: String,
    /// Rate of people entering their last phase of life (deaths), per second.
    pub deaths: PiecewiseRate,
    /// Need share × reach: probability a death is preceded by a referral.
    pub referral_share: f64,
    /// Caseload places (nurses × caseload per FTE, rounded down).
    pub caseload_capacity: u32,
    /// Hospice-at-home slots.
    pub hah_slots: u32,
    /// Share of the 24/7 hospice-at-home effect the service gives (1 or
    /// the daytime share).
    pub hah_effect: f64,
    /// Enhanced end-of-life beds.
    pub enhanced_beds: u32,
    /// Multiplier on crisis rates.
    pub crisis_multiplier: f64,
    /// Sites to try for a bed, in order (first is the home site).
    pub site_order: Vec<usize>,
}

/// One hospice in-patient unit, compiled.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Name.
    pub name: String,
    /// Beds.
    pub beds: u32,
    /// Waiting-list limit.
    pub waiting_list: usize,
    /// Length of stay.
    pub stay: Sampler,
    /// Share of stays ending in death.
    pub die_share: f64,
}

/// Pathway settings, compiled.
#[derive(Debug, Clone)]
pub struct PathwayConfig {
    /// Share of referrals with cancer.
    pub cancer_share: f64,
    /// Prognosis, cancer.
    pub prognosis_cancer: Sampler,
    /// Prognosis, other.
    pub prognosis_other: Sampler,
    /// Preferred place.
    pub preference: PlaceDraw,
    /// Place of death of people not known to the service.
    pub unknown_place: PlaceDraw,
    /// Urgent Care Plan uptake.
    pub ucp_uptake: f64,
    /// Relative risk with a plan.
    pub ucp_rr: f64,
    /// Visit rate per second, before / in the last fortnight.
    pub visit_rates: (f64, f64),
    /// Crisis rate per second, before / in the last fortnight.
    pub crisis_rates: (f64, f64),
    /// Share of crises needing a bed.
    pub crisis_bed_share: f64,
    /// Terminal phase length.
    pub terminal_phase: Sampler,
    /// Share of home terminal phases that end in hospital.
    pub terminal_hospital_share: f64,
    /// Relative risk of that with 24/7 hospice at home.
    pub hah_hospital_rr: f64,
    /// Acute stay.
    pub acute_stay: Sampler,
    /// Seconds before death at which waiting people become urgent.
    pub urgent_window: u64,
    /// Enhanced bed stay.
    pub enhanced_stay: Sampler,
    /// Share of enhanced bed stays ending in death.
    pub enhanced_die_share: f64,
    /// Share of deaths whose carers are referred for bereavement support.
    pub bereavement_share: f64,
    /// Bereavement places.
    pub bereavement_capacity: u32,
    /// Bereavement waiting-list limit.
    pub bereavement_waiting: usize,
    /// Length of bereavement support.
    pub bereavement_duration: Sampler,
}

/// Everything the care model needs for one run.
#[derive(Debug, Clone)]
pub struct CareConfig {
    /// Master seed.
    pub seed: u64,
    /// First reported calendar year.
    pub start_year: i32,
    /// Reported years.
    pub years: u32,
    /// Warm-up in seconds.
    pub warmup: u64,
    /// Boroughs.
    pub boroughs: Vec<BoroughConfig>,
    /// Sites.
    pub sites: Vec<SiteConfig>,
    /// Pathway.
    pub pathway: PathwayConfig,
}

impl CareConfig {
    /// Compiles a validated scenario.
    pub fn new(s: &Scenario) -> CareConfig {
        let warmup_days = s.scenario.warmup_days as u64;
        let total_days = warmup_days + s.scenario.years as u64 * DAYS_PER_YEAR;
        let boroughs = s
            .boroughs
            .iter()
            .map(|b| {
                let daily: Vec<f64> = (0..total_days)
                    .map(|d| daily_rate(s, &b.deaths, d, warmup_days) / DAY as f64)
                    .collect();
                BoroughConfig {
                    name: b.name.clone(),
                    deaths: PiecewiseRate::from_equal_segments(DAY, daily),
                    referral_share: b.need_share.unwrap_or(s.demand.need_share)
                        * b.reach.unwrap_or(s.demand.reach),
                    caseload_capacity: (b.cspc.nurses_fte * b.cspc.caseload_per_fte).floor() as u32,
                    hah_slots: b.hah.slots,
                    hah_effect: match b.hah.cover {
                        Cover::AllDay => 1.0,
                        Cover::Daytime => s.pathway.daytime_hah_effect,
                    },
                    enhanced_beds: b.enhanced_beds,
                    crisis_multiplier: b.crisis_rate_multiplier,
                    site_order: site_order(s, &b.name),
                }
            })
            .collect();
        let sites = s
            .sites
            .iter()
            .map(|x| SiteConfig {
                name: x.name.clone(),
                beds: x.beds,
                waiting_list: x.waiting_list as usize,
                stay: Sampler::new(&x.length_of_stay),
                die_share: x.die_in_unit_share,
            })
            .collect();
        CareConfig {
            seed: s.scenario.seed,
            start_year: s.scenario.start_year,
            years: s.scenario.years,
            warmup: warmup_days * DAY,
            boroughs,
            sites,
            pathway: pathway(s),
        }
    }

    /// The end of the run, seconds.
    pub fn end(&self) -> u64 {
        self.warmup + self.years as u64 * YEAR
    }
}

fn pathway(s: &Scenario) -> PathwayConfig {
    let p = &s.pathway;
    let per_week = |x: f64| x / (7 * DAY) as f64;
    PathwayConfig {
        cancer_share: s.demand.cancer_share,
        prognosis_cancer: Sampler::new(&p.prognosis_cancer),
        prognosis_other: Sampler::new(&p.prognosis_non_cancer),
        preference: PlaceDraw::new(&p.preferred_place),
        unknown_place: PlaceDraw::new(&s.demand.unknown_place_of_death),
        ucp_uptake: p.ucp_uptake,
        ucp_rr: p.ucp_rr,
        visit_rates: (
            per_week(p.visits_per_week),
            per_week(p.visits_per_week_last_fortnight),
        ),
        crisis_rates: (
            per_week(p.crises_per_week),
            per_week(p.crises_per_week_last_fortnight),
        ),
        crisis_bed_share: p.crisis_bed_share,
        terminal_phase: Sampler::new(&p.terminal_phase),
        terminal_hospital_share: p.terminal_hospital_share,
        hah_hospital_rr: p.hah_hospital_rr,
        acute_stay: Sampler::new(&p.acute_stay),
        urgent_window: (p.urgent_days * DAY as f64) as u64,
        enhanced_stay: Sampler::new(&s.enhanced_beds.length_of_stay),
        enhanced_die_share: s.enhanced_beds.die_in_bed_share,
        bereavement_share: s.bereavement.referral_share,
        bereavement_capacity: s.bereavement.capacity,
        bereavement_waiting: s.bereavement.waiting_list as usize,
        bereavement_duration: Sampler::new(&s.bereavement.support_duration),
    }
}

/// Sites in catchment order (each site listing the borough, in file order,
/// then their overflow sites); all sites in file order if none lists it.
fn site_order(s: &Scenario, borough: &str) -> Vec<usize> {
    let index = |name: &str| s.sites.iter().position(|x| x.name == name);
    let mut order: Vec<usize> = Vec::new();
    let homes: Vec<usize> = (0..s.sites.len())
        .filter(|&i| s.sites[i].catchment.iter().any(|c| c == borough))
        .collect();
    if homes.is_empty() {
        return (0..s.sites.len()).collect();
    }
    for &h in &homes {
        if !order.contains(&h) {
            order.push(h);
        }
    }
    for &h in &homes {
        for o in s.sites[h].overflow.iter().filter_map(|n| index(n)) {
            if !order.contains(&o) {
                order.push(o);
            }
        }
    }
    order
}

/// Expected deaths on simulation day `day` (0 = first warm-up day).
fn daily_rate(
    s: &Scenario,
    deaths: &crate::scenario::types::Deaths,
    day: u64,
    warmup_days: u64,
) -> f64 {
    let rel = day as i64 - warmup_days as i64;
    let year = s.scenario.start_year + rel.div_euclid(DAYS_PER_YEAR as i64) as i32;
    let day_of_year = rel.rem_euclid(DAYS_PER_YEAR as i64) as u64;
    let month = month_of(day_of_year);
    let season = normalised_month_weights(&s.demand.seasonality)[month];
    let dow = &s.demand.day_of_week;
    let dow_mean = dow.iter().sum::<f64>() / dow.len().max(1) as f64;
    let weekday = dow.get((day % 7) as usize).copied().unwrap_or(1.0) / dow_mean;
    deaths_in_year(deaths, year) / DAYS_PER_YEAR as f64 * season * weekday
}

fn month_of(day_of_year: u64) -> usize {
    let mut acc = 0;
    for (m, len) in MONTH_DAYS.iter().enumerate() {
        acc += len;
        if day_of_year < acc {
            return m;
        }
    }
    11
}

/// Monthly multipliers rescaled so that a 365-day year averages 1.
fn normalised_month_weights(w: &[f64]) -> [f64; 12] {
    let mut out = [1.0; 12];
    if w.len() == 12 {
        let weighted: f64 = w
            .iter()
            .zip(MONTH_DAYS)
            .map(|(x, d)| x * d as f64)
            .sum::<f64>()
            / DAYS_PER_YEAR as f64;
        for (o, x) in out.iter_mut().zip(w) {
            *o = x / weighted;
        }
    }
    out
}
