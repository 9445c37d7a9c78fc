//! The care model's compiled configuration: a validated scenario turned
//! into clock ticks, per-tick rates, indices and samplers, ready for the
//! event loop.

use super::dist::Sampler;
use crate::engine::arrivals::PiecewiseRate;
use crate::engine::roster::{HOURS_PER_WEEK, Roster};
use crate::engine::time::{DAY, HOUR, MINUTE, SECOND};
use crate::scenario::types::{AdviceLine, Calls, Cover, PlaceShares, Role, Scenario};
use crate::scenario::units::Fte;
use std::sync::Arc;

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
            p.home.get(),
            p.home.get() + p.care_home.get(),
            p.home.get() + p.care_home.get() + p.hospice.get(),
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
    /// Rate of people entering their last phase of life (deaths), per tick.
    pub deaths: Arc<PiecewiseRate>,
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
    /// The advice line residents call, if any.
    pub line: Option<usize>,
    /// Patients per CSPC nurse FTE.
    pub caseload_per_fte: f64,
    /// CSPC nurse establishment, FTE.
    pub cspc_establishment: f64,
    /// Hospice-at-home staff establishment, FTE (`None`: not staff-limited).
    pub hah_establishment: Option<f64>,
    /// Hospice-at-home FTE needed per patient.
    pub hah_fte_per_patient: f64,
    /// Hospice-at-home care hours per patient-day.
    pub hah_hours_per_day: f64,
    /// Programme costs in force for the borough, per year.
    pub programmes_per_year: f64,
}

/// Unit costs, compiled.
#[derive(Debug, Clone, Default)]
pub struct CostConfig {
    /// Per occupied IPU bed-day.
    pub ipu_bed_day: f64,
    /// Per IPU bed-day available (beds in the unit, open or not).
    pub ipu_bed_day_available: f64,
    /// Per occupied enhanced bed-day.
    pub enhanced_bed_day: f64,
    /// Per enhanced bed-day available.
    pub enhanced_bed_day_available: f64,
    /// Per hospice-at-home slot-day available.
    pub hah_slot_day_available: f64,
    /// Per acute bed-day.
    pub acute_bed_day: f64,
    /// Per hospice-at-home care hour.
    pub hah_hour: f64,
    /// Per answered call.
    pub call: f64,
    /// Per CSPC visit.
    pub cspc_visit: f64,
    /// Per FTE-year in post, by role.
    pub fte_year: [f64; 5],
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
    /// Time from admission to planned discharge.
    pub discharge_after: Sampler,
    /// Nurse FTE needed per occupied (or staffed) bed, uplift included.
    pub nurse_fte_per_bed: f64,
    /// Nurse establishment, FTE.
    pub nurse_establishment: f64,
    /// Consultant establishment, FTE.
    pub consultant_establishment: f64,
    /// Consultant FTE below which the unit closes.
    pub min_consultant_fte: f64,
    /// Consultant FTE needed per occupied bed.
    pub consultant_fte_per_bed: f64,
    /// Programme costs in force for the site, per year.
    pub programmes_per_year: f64,
}

/// One advice line, compiled.
#[derive(Debug, Clone)]
pub struct LineConfig {
    /// Name.
    pub name: String,
    /// Handlers on duty by hour of week, fully staffed.
    pub roster: Roster,
    /// Handling time.
    pub handling: Sampler,
    /// Patience, if callers abandon.
    pub patience: Option<Sampler>,
    /// Answer target, ticks.
    pub target: u64,
    /// Public calls, per tick (a weekly pattern of hours), when open to all.
    pub public_calls: Option<PiecewiseRate>,
    /// Share of abandoned callers called back.
    pub callback_share: f64,
    /// Delay before a callback, ticks.
    pub callback_delay: u64,
    /// FTE needed to cover the roster (uplift included).
    pub fte_needed: f64,
    /// Advice-nurse establishment, FTE.
    pub establishment: f64,
    /// The line's yearly running cost and programme costs in force.
    pub programmes_per_year: f64,
}

/// Call generation, compiled.
#[derive(Debug, Clone)]
pub struct CallsConfig {
    /// Calls per caseload patient per tick, before profiles.
    pub per_patient: f64,
    /// Multiplier in the last fortnight.
    pub late_multiplier: f64,
    /// Multiplier by hour of week (hour-of-day × day-of-week, mean 1).
    pub hour_of_week: [f64; 168],
    /// Largest value of `hour_of_week`.
    pub peak: f64,
    /// Cumulative shares: advice, visit, hah (ambulance is the rest).
    pub outcomes: [f64; 3],
    /// Share of abandoned calls ending in an ambulance.
    pub abandoned_ambulance_share: f64,
    /// Relative risk a crisis needs a bed when answered in target.
    pub answered_crisis_rr: f64,
}

/// Supply dynamics of one role, per month.
#[derive(Debug, Clone, Copy)]
pub struct SupplyConfig {
    /// Expected leavers per FTE in post per month.
    pub monthly_attrition: f64,
    /// Share of open vacancies filled per month.
    pub monthly_recruitment: f64,
    /// Months from offer to start.
    pub lag_months: usize,
    /// Share vacant at the start.
    pub vacancy: f64,
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
    /// Visit rate per tick, before / in the last fortnight.
    pub visit_rates: (f64, f64),
    /// Crisis rate per tick, before / in the last fortnight.
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
    /// Time from admission to planned discharge from an enhanced bed.
    pub enhanced_discharge_after: Sampler,
    /// Share of would-be hospital transfers in the last days that a free
    /// bed can take instead.
    pub bed_diversion_share: f64,
    /// Share of deaths whose carers are referred for bereavement support.
    pub bereavement_share: f64,
    /// Bereavement places.
    pub bereavement_capacity: u32,
    /// Bereavement waiting-list limit.
    pub bereavement_waiting: usize,
    /// Length of bereavement support.
    pub bereavement_duration: Sampler,
    /// Mean terminal phase, ticks: the expected length of a
    /// hospice-at-home episode that found no slot.
    pub hah_episode_mean: f64,
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
    /// Warm-up in ticks.
    pub warmup: u64,
    /// Boroughs.
    pub boroughs: Vec<BoroughConfig>,
    /// Sites.
    pub sites: Vec<SiteConfig>,
    /// Pathway.
    pub pathway: PathwayConfig,
    /// Advice lines.
    pub lines: Vec<LineConfig>,
    /// Call generation.
    pub calls: CallsConfig,
    /// Supply dynamics by role (`None`: constant at establishment).
    pub supply: [Option<SupplyConfig>; 5],
    /// Later phases (interventions): from a time in ticks, the whole
    /// configuration is the given one.
    pub changes: Vec<(u64, Arc<CareConfig>)>,
    /// Unit costs.
    pub costs: CostConfig,
    /// Region-wide programme costs in force (bereavement service, and
    /// interventions on region-wide tables), per year.
    pub region_programmes_per_year: f64,
}

impl CareConfig {
    /// Compiles a validated scenario.
    pub fn new(s: &Scenario) -> CareConfig {
        let warmup_days = s.scenario.warmup_days as u64;
        let total_days = warmup_days + s.scenario.years as u64 * DAYS_PER_YEAR;
        let (uplift, hours) = s.staffing_conventions();
        let boroughs = s
            .boroughs
            .iter()
            .map(|b| {
                let daily: Vec<f64> = (0..total_days)
                    .map(|d| daily_rate(s, &b.deaths, d, warmup_days) / DAY as f64)
                    .collect();
                BoroughConfig {
                    name: b.name.clone(),
                    deaths: Arc::new(PiecewiseRate::from_equal_segments(DAY, daily)),
                    referral_share: b.need_share.unwrap_or(s.demand.need_share).get()
                        * b.reach.unwrap_or(s.demand.reach).get(),
                    caseload_capacity: (b.cspc.nurses_fte.get() * b.cspc.caseload_per_fte.get())
                        .floor() as u32,
                    hah_slots: b.hah.slots.get(),
                    hah_effect: match b.hah.cover {
                        Cover::AllDay => 1.0,
                        Cover::Daytime => s.pathway.daytime_hah_effect.get(),
                    },
                    enhanced_beds: b.enhanced_beds.get(),
                    crisis_multiplier: b.crisis_rate_multiplier.get(),
                    site_order: site_order(s, &b.name),
                    line: s
                        .advice_lines
                        .iter()
                        .position(|l| l.boroughs.contains(&b.name)),
                    caseload_per_fte: b.cspc.caseload_per_fte.get(),
                    cspc_establishment: b.cspc.nurses_fte.get(),
                    hah_establishment: b.hah.staff_fte.map(Fte::get),
                    hah_fte_per_patient: b.hah.hours_per_patient_day.get() * 7.0 / hours
                        * (1.0 + uplift),
                    hah_hours_per_day: b.hah.hours_per_patient_day.get(),
                    programmes_per_year: 0.0,
                }
            })
            .collect();
        let sites = s
            .sites
            .iter()
            .map(|x| SiteConfig {
                name: x.name.clone(),
                beds: x.beds.get(),
                waiting_list: x.waiting_list.get() as usize,
                discharge_after: Sampler::new(&x.discharge_after),
                nurse_fte_per_bed: x.nurses_per_bed.get() * 168.0 / hours * (1.0 + uplift),
                nurse_establishment: x
                    .nurses_fte
                    .map_or_else(|| x.nurses_for_every_bed(uplift, hours), Fte::get),
                consultant_establishment: x.consultant_fte.get(),
                min_consultant_fte: x.min_consultant_fte.get(),
                consultant_fte_per_bed: x.consultant_fte_per_bed.get(),
                programmes_per_year: 0.0,
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
            lines: s
                .advice_lines
                .iter()
                .map(|l| line(s, l, uplift, hours))
                .collect(),
            calls: calls(s),
            supply: supply(s),
            changes: Vec::new(),
            costs: costs(s),
            region_programmes_per_year: s.bereavement.cost_per_year.get(),
        }
    }

    /// Adds the programme costs of a phase to the areas they belong to
    /// (an intervention on a region-wide table belongs to the region).
    fn add_programmes(&mut self, programmes: &[crate::scenario::schedule::Programme]) {
        for p in programmes {
            let name = p.entry.as_deref();
            let slot = match p.target.as_str() {
                "borough" => self
                    .boroughs
                    .iter_mut()
                    .find(|b| Some(b.name.as_str()) == name)
                    .map(|b| &mut b.programmes_per_year),
                "site" => self
                    .sites
                    .iter_mut()
                    .find(|x| Some(x.name.as_str()) == name)
                    .map(|x| &mut x.programmes_per_year),
                "advice_line" => self
                    .lines
                    .iter_mut()
                    .find(|l| Some(l.name.as_str()) == name)
                    .map(|l| &mut l.programmes_per_year),
                _ => None,
            };
            *slot.unwrap_or(&mut self.region_programmes_per_year) += p.per_year;
        }
    }

    /// Compiles the phases of a scenario (see
    /// [`phases`](crate::scenario::schedule::phases)). Later phases share
    /// the first phase's arrival rates, which interventions cannot change.
    pub fn from_phases(phases: &[crate::scenario::schedule::Phase]) -> CareConfig {
        let mut first = CareConfig::new(&phases[0].scenario);
        first.add_programmes(&phases[0].programmes);
        let warmup_days = phases[0].scenario.scenario.warmup_days as i64;
        for phase in &phases[1..] {
            let mut later = CareConfig::new(&phase.scenario);
            later.add_programmes(&phase.programmes);
            for (b, base) in later.boroughs.iter_mut().zip(&first.boroughs) {
                b.deaths = base.deaths.clone();
            }
            let at = ((warmup_days + phase.from_day).max(0) as u64) * DAY;
            first.changes.push((at, Arc::new(later)));
        }
        first
    }

    /// Areas in result order: boroughs, sites, lines, then `ALL`.
    pub fn areas(&self) -> Vec<(String, super::metrics::AreaKind)> {
        use super::metrics::AreaKind;
        let b = self
            .boroughs
            .iter()
            .map(|b| (b.name.clone(), AreaKind::Borough));
        let s = self.sites.iter().map(|s| (s.name.clone(), AreaKind::Site));
        let l = self.lines.iter().map(|l| (l.name.clone(), AreaKind::Line));
        b.chain(s)
            .chain(l)
            .chain(std::iter::once(("ALL".to_string(), AreaKind::All)))
            .collect()
    }

    /// The end of the run, in ticks.
    pub fn end(&self) -> u64 {
        self.warmup + self.years as u64 * YEAR
    }
}

fn pathway(s: &Scenario) -> PathwayConfig {
    let p = &s.pathway;
    let per_week = |x: f64| x / (7 * DAY) as f64;
    PathwayConfig {
        cancer_share: s.demand.cancer_share.get(),
        prognosis_cancer: Sampler::new(&p.prognosis_cancer),
        prognosis_other: Sampler::new(&p.prognosis_non_cancer),
        preference: PlaceDraw::new(&p.preferred_place),
        unknown_place: PlaceDraw::new(&s.demand.unknown_place_of_death),
        ucp_uptake: p.ucp_uptake.get(),
        ucp_rr: p.ucp_rr.get(),
        visit_rates: (
            per_week(p.visits_per_week.get()),
            per_week(p.visits_per_week_last_fortnight.get()),
        ),
        crisis_rates: (
            per_week(p.crises_per_week.get()),
            per_week(p.crises_per_week_last_fortnight.get()),
        ),
        crisis_bed_share: p.crisis_bed_share.get(),
        terminal_phase: Sampler::new(&p.terminal_phase),
        terminal_hospital_share: p.terminal_hospital_share.get(),
        hah_hospital_rr: p.hah_hospital_rr.get(),
        acute_stay: Sampler::new(&p.acute_stay),
        urgent_window: (p.urgent_days.get() * DAY as f64) as u64,
        enhanced_discharge_after: Sampler::new(&s.enhanced_beds.discharge_after),
        bed_diversion_share: p.bed_diversion_share.get(),
        bereavement_share: s.bereavement.referral_share.get(),
        bereavement_capacity: s.bereavement.capacity.get(),
        bereavement_waiting: s.bereavement.waiting_list.get() as usize,
        bereavement_duration: Sampler::new(&s.bereavement.support_duration),
        hah_episode_mean: p.terminal_phase.mean_days() * DAY as f64,
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
    deaths.in_year(year) / DAYS_PER_YEAR as f64 * season * weekday
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

fn roster(shifts: &[crate::scenario::types::Shift]) -> Roster {
    let mut hours = [0u32; HOURS_PER_WEEK];
    for shift in shifts {
        for day in (0..7).filter(|&d| shift.days.includes(d)) {
            let covered: Vec<u32> = if shift.from < shift.to {
                (shift.from..shift.to).collect()
            } else {
                (shift.from..24).chain(0..shift.to).collect()
            };
            for h in covered {
                hours[day * 24 + h as usize] += shift.handlers;
            }
        }
    }
    Roster::from_hours(hours)
}

fn line(s: &Scenario, l: &AdviceLine, uplift: f64, hours: f64) -> LineConfig {
    let roster = roster(&l.roster);
    let fte_needed = l.roster_fte(uplift, hours);
    let profile = hour_of_week_profile(&s.calls);
    let public_calls = (l.open_to_all && l.public_calls_per_day.get() > 0.0).then(|| {
        let per_hour = l.public_calls_per_day.get() / 24.0 / HOUR as f64;
        PiecewiseRate::periodic(HOUR, profile.iter().map(|m| per_hour * m).collect())
    });
    LineConfig {
        name: l.name.clone(),
        roster,
        handling: Sampler::new(&l.handling_time.in_days()),
        patience: l.patience.as_ref().map(|p| Sampler::new(&p.in_days())),
        target: l.answer_target_seconds as u64 * SECOND,
        public_calls,
        callback_share: l.callback_share.get(),
        callback_delay: (l.callback_delay_minutes.get() * MINUTE as f64) as u64,
        fte_needed,
        establishment: l.nurses_fte.map_or(fte_needed, Fte::get),
        programmes_per_year: l.cost_per_year.get(),
    }
}

/// Hour-of-day × day-of-week multipliers, each rescaled to mean 1.
fn hour_of_week_profile(c: &Calls) -> [f64; HOURS_PER_WEEK] {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (hm, dm) = (mean(&c.hour_of_day), mean(&c.day_of_week));
    let mut out = [1.0; HOURS_PER_WEEK];
    if c.hour_of_day.len() == 24 && c.day_of_week.len() == 7 {
        for (h, o) in out.iter_mut().enumerate() {
            *o = c.hour_of_day[h % 24] / hm * c.day_of_week[h / 24] / dm;
        }
    }
    out
}

fn calls(s: &Scenario) -> CallsConfig {
    let c = &s.calls;
    let hour_of_week = hour_of_week_profile(c);
    let o = &c.outcomes;
    CallsConfig {
        per_patient: c.per_patient_day.get() / DAY as f64,
        late_multiplier: c.last_fortnight_multiplier.get(),
        peak: hour_of_week.iter().cloned().fold(0.0, f64::max),
        hour_of_week,
        outcomes: [
            o.advice.get(),
            o.advice.get() + o.visit.get(),
            o.advice.get() + o.visit.get() + o.hah.get(),
        ],
        abandoned_ambulance_share: c.abandoned_ambulance_share.get(),
        answered_crisis_rr: c.answered_crisis_rr.get(),
    }
}

fn supply(s: &Scenario) -> [Option<SupplyConfig>; 5] {
    let mut out = [None; 5];
    if let Some(w) = &s.workforce {
        for role in Role::ALL {
            out[role as usize] = w.roles.get(&role).map(|r| SupplyConfig {
                monthly_attrition: r.attrition.get() / 12.0,
                monthly_recruitment: r.recruitment.get() / 12.0,
                lag_months: (r.hiring_lag_days.get() / (DAYS_PER_YEAR as f64 / 12.0)).round()
                    as usize,
                vacancy: r.vacancy.get(),
            });
        }
    }
    out
}

fn costs(s: &Scenario) -> CostConfig {
    let c = &s.costs;
    let mut fte_year = [0.0; 5];
    for role in Role::ALL {
        fte_year[role as usize] = c.fte_year.get(&role).map_or(0.0, |c| c.get());
    }
    CostConfig {
        ipu_bed_day: c.ipu_bed_day.get(),
        ipu_bed_day_available: c.ipu_bed_day_available.get(),
        enhanced_bed_day: c.enhanced_bed_day.get(),
        enhanced_bed_day_available: c.enhanced_bed_day_available.get(),
        hah_slot_day_available: c.hah_slot_day_available.get(),
        acute_bed_day: c.acute_bed_day.get(),
        hah_hour: c.hah_hour.get(),
        call: c.call.get(),
        cspc_visit: c.cspc_visit.get(),
        fte_year,
    }
}
