//! The compiled plan of one scenario: a validated scenario turned into
//! clock ticks, per-tick rates, typed ids and samplers, ready for the event
//! loop. Each service compiles its own part (`CaseloadConfig::compile`,
//! `SiteConfig::compile`, …); this module holds demand, routing, the
//! pathway's rates, and the phases interventions switch between.

use super::acute::AcuteConfig;
use super::advice::{CallsConfig, LineConfig};
use super::bereavement::BereavementConfig;
use super::care_homes::CareHomeConfig;
use super::caring::CaringConfig;
use super::caseload::CaseloadConfig;
use super::coaching::CoachingConfig;
use super::coordination::CoordinationConfig;
use super::day_hospice::DayHospiceConfig;
use super::dist::Sampler;
use super::enhanced::EnhancedConfig;
use super::hah::HahConfig;
use super::ids::{BoroughId, LineId, SiteId};
use super::ipu::SiteConfig;
use super::metrics::{AreaKind, DAYS_PER_YEAR, YEAR};
use super::outpatients::ClinicConfig;
use super::parts::Parts;
use super::person::PlaceDraw;
use super::psychology::PsychConfig;
use super::segments::SegmentConfig;
use super::workforce::{ROLE_COUNT, SupplyConfig};
use crate::engine::arrivals::PiecewiseRate;
use crate::engine::time::DAY;
use crate::scenario::types::Role;
use crate::scenario::types::Scenario;
use std::sync::Arc;

const MONTH_DAYS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// One borough's demand and routing, compiled.
#[derive(Debug, Clone)]
pub struct BoroughConfig {
    /// Name.
    pub name: String,
    /// Rate of people entering their last phase of life (deaths), per tick.
    pub deaths: Arc<PiecewiseRate>,
    /// Need share × reach: probability a death is preceded by a referral.
    pub referral_share: f64,
    /// The same, for each population segment (empty without segments).
    pub segment_referral: Vec<f64>,
    /// Multiplier on crisis rates.
    pub crisis_multiplier: f64,
    /// Sites to try for a bed, in order (first is the home site).
    pub site_order: Vec<SiteId>,
    /// The advice line residents call, if any.
    pub line: Option<LineId>,
    /// Programme costs in force for the borough, per year.
    pub programmes_per_year: f64,
}

/// The pathway's rates and draws, compiled.
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
    /// Ticks before death at which waiting people become urgent.
    pub urgent_window: u64,
    /// Share of would-be hospital transfers in the last days that a free
    /// bed can take instead.
    pub bed_diversion_share: f64,
}

/// Everything the care model needs for one run: the plan.
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
    /// Boroughs: demand and routing.
    pub boroughs: Vec<BoroughConfig>,
    /// The pathway's rates.
    pub pathway: PathwayConfig,
    /// Population segments (empty: one population).
    pub segments: Vec<SegmentConfig>,
    /// CSPC caseloads, by borough.
    pub caseload: Vec<CaseloadConfig>,
    /// Hospice at home, by borough.
    pub hah: Vec<HahConfig>,
    /// Enhanced end-of-life beds.
    pub enhanced: EnhancedConfig,
    /// Hospice in-patient sites.
    pub sites: Vec<SiteConfig>,
    /// Advice lines.
    pub lines: Vec<LineConfig>,
    /// Calls of caseload patients and what calls lead to.
    pub calls: CallsConfig,
    /// Acute hospital.
    pub acute: AcuteConfig,
    /// Bereavement support.
    pub bereavement: BereavementConfig,
    /// Day hospice units.
    pub day_hospice: Vec<DayHospiceConfig>,
    /// Out-patient clinics.
    pub clinics: Vec<ClinicConfig>,
    /// Psychological support services.
    pub psych: Vec<PsychConfig>,
    /// Caring communities (community partners).
    pub caring: Vec<CaringConfig>,
    /// Care coordination in primary care.
    pub coordination: Vec<CoordinationConfig>,
    /// Long-term care homes.
    pub care_homes: Vec<CareHomeConfig>,
    /// Clinical coaching in cohorts.
    pub coaching: Vec<CoachingConfig>,
    /// Supply dynamics by role (`None`: constant at establishment).
    pub supply: [Option<SupplyConfig>; ROLE_COUNT],
    /// Later phases (interventions): from a time in ticks, the whole
    /// configuration is the given one.
    pub changes: Vec<(u64, Arc<CareConfig>)>,
    /// Region-wide programme costs in force (bereavement service, and
    /// interventions on region-wide tables), per year.
    pub region_programmes_per_year: f64,
    /// The groups of boroughs that share no service, each run on its own
    /// event list ([`Parts::of`] all phases; [`Parts::whole`] runs the
    /// region on one).
    pub parts: Parts,
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
                    deaths: Arc::new(PiecewiseRate::from_equal_segments(DAY, daily)),
                    referral_share: b.need_share.unwrap_or(s.demand.need_share).get()
                        * b.reach.unwrap_or(s.demand.reach).get(),
                    segment_referral: super::segments::referral_shares(s, b),
                    crisis_multiplier: b.crisis_rate_multiplier.get(),
                    site_order: site_order(s, &b.name)
                        .into_iter()
                        .map(SiteId::new)
                        .collect(),
                    line: s
                        .advice_lines
                        .iter()
                        .position(|l| l.boroughs.contains(&b.name))
                        .map(LineId::new),
                    programmes_per_year: 0.0,
                }
            })
            .collect();
        let mut cfg = CareConfig {
            seed: s.scenario.seed,
            start_year: s.scenario.start_year,
            years: s.scenario.years,
            warmup: warmup_days * DAY,
            boroughs,
            pathway: pathway(s),
            segments: SegmentConfig::compile(s),
            caseload: CaseloadConfig::compile(s),
            hah: HahConfig::compile(s),
            enhanced: EnhancedConfig::compile(s),
            sites: SiteConfig::compile(s),
            lines: LineConfig::compile(s),
            calls: CallsConfig::compile(s),
            acute: AcuteConfig::compile(s),
            bereavement: BereavementConfig::compile(s),
            day_hospice: DayHospiceConfig::compile(s),
            clinics: ClinicConfig::compile(s),
            psych: PsychConfig::compile(s),
            caring: CaringConfig::compile(s),
            coordination: CoordinationConfig::compile(s),
            care_homes: CareHomeConfig::compile(s),
            coaching: CoachingConfig::compile(s),
            supply: supply(s),
            changes: Vec::new(),
            region_programmes_per_year: s.bereavement.cost_per_year.get(),
            parts: Parts::empty(),
        };
        cfg.parts = Parts::of(&cfg);
        cfg
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
        first.parts = Parts::of(&first);
        first
    }

    /// Areas in result order: boroughs, sites, lines, population
    /// segments, then `ALL`.
    pub fn areas(&self) -> Vec<(String, AreaKind)> {
        let b = self
            .boroughs
            .iter()
            .map(|b| (b.name.clone(), AreaKind::Borough));
        let s = self.sites.iter().map(|s| (s.name.clone(), AreaKind::Site));
        let l = self.lines.iter().map(|l| (l.name.clone(), AreaKind::Line));
        let g = (self.segments.iter()).map(|g| (g.name.clone(), AreaKind::Segment));
        b.chain(s)
            .chain(l)
            .chain(g)
            .chain(std::iter::once(("ALL".to_string(), AreaKind::All)))
            .collect()
    }

    /// Numbers of boroughs, sites, lines and population segments.
    pub fn area_counts(&self) -> (usize, usize, usize, usize) {
        (
            self.boroughs.len(),
            self.sites.len(),
            self.lines.len(),
            self.segments.len(),
        )
    }

    /// Every borough's id.
    pub fn borough_ids(&self) -> impl Iterator<Item = BoroughId> + use<> {
        BoroughId::all(self.boroughs.len())
    }

    /// Every site's id.
    pub fn site_ids(&self) -> impl Iterator<Item = SiteId> + use<> {
        SiteId::all(self.sites.len())
    }

    /// Every line's id.
    pub fn line_ids(&self) -> impl Iterator<Item = LineId> + use<> {
        LineId::all(self.lines.len())
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
        urgent_window: (p.urgent_days.get() * DAY as f64) as u64,
        bed_diversion_share: p.bed_diversion_share.get(),
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

fn supply(s: &Scenario) -> [Option<SupplyConfig>; ROLE_COUNT] {
    let mut out = [None; ROLE_COUNT];
    if let Some(w) = &s.workforce {
        for (i, role) in Role::ALL.iter().enumerate() {
            out[i] = w.roles.get(role).map(|r| SupplyConfig {
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
