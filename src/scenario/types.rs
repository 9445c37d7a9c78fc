//! The scenario file format: serde types mirroring the TOML tables.
//!
//! Every table rejects unknown keys. Units are in the key names
//! (`_days`, `_share`, `_per_week`, `_fte`). Shares are fractions 0–1.
//! Defaults (used when a key is omitted) are the NW London figures the
//! baseline documents; the baseline writes every one of them out with its
//! source.

use super::units::*;
use crate::engine::roster::HOURS_PER_WEEK;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario after `extends` has been resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Path of the scenario this one changes, relative to this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Name, horizon, replications, seed.
    pub scenario: ScenarioMeta,
    /// Region-wide demand settings (boroughs may override some).
    #[serde(default)]
    pub demand: Demand,
    /// The boroughs (areas) whose residents are simulated.
    #[serde(rename = "borough", default)]
    pub boroughs: Vec<Borough>,
    /// Hospice in-patient units.
    #[serde(rename = "site", default)]
    pub sites: Vec<Site>,
    /// How people move through care.
    #[serde(default)]
    pub pathway: Pathway,
    /// Enhanced end-of-life beds (the beds themselves are per borough).
    #[serde(default)]
    pub enhanced_beds: EnhancedBeds,
    /// Bereavement support for carers.
    #[serde(default)]
    pub bereavement: Bereavement,
    /// Day hospice units.
    #[serde(rename = "day_hospice", default, skip_serializing_if = "Vec::is_empty")]
    pub day_hospices: Vec<super::support::DayHospice>,
    /// Out-patient clinics.
    #[serde(
        rename = "outpatient_clinic",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub outpatient_clinics: Vec<super::support::OutpatientClinic>,
    /// Psychological support services.
    #[serde(
        rename = "psychological_support",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub psychological_support: Vec<super::support::PsychologicalSupport>,
    /// Population segments (none: one population, as before).
    #[serde(rename = "segment", default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<super::community::Segment>,
    /// Caring communities: patient and citizen partners.
    #[serde(
        rename = "caring_community",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub caring_communities: Vec<super::community::CaringCommunity>,
    /// Care coordination in primary care.
    #[serde(
        rename = "care_coordination",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub care_coordination: Vec<super::community::CareCoordination>,
    /// What each integration model of care coordination does.
    #[serde(
        default,
        skip_serializing_if = "super::community::CoordinationModels::is_default"
    )]
    pub coordination_models: super::community::CoordinationModels,
    /// Long-term care homes: a setting with beds and residents.
    #[serde(rename = "care_home", default, skip_serializing_if = "Vec::is_empty")]
    pub care_homes: Vec<super::community::CareHome>,
    /// Clinical coaching of community organisations in cohorts.
    #[serde(rename = "coaching", default, skip_serializing_if = "Vec::is_empty")]
    pub coaching: Vec<super::community::Coaching>,
    /// What coaching does at full capability.
    #[serde(
        default,
        skip_serializing_if = "super::community::CoachingEffects::is_default"
    )]
    pub coaching_effects: super::community::CoachingEffects,
    /// 24/7 specialist advice lines.
    #[serde(rename = "advice_line", default)]
    pub advice_lines: Vec<AdviceLine>,
    /// Who calls the advice lines, when, and what calls lead to.
    #[serde(default)]
    pub calls: Calls,
    /// Workforce supply dynamics and demand conventions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workforce: Option<Workforce>,
    /// Unit costs.
    #[serde(default)]
    pub costs: Costs,
    /// Scheduled changes to parameters (phased roll-outs).
    #[serde(rename = "intervention", default)]
    pub interventions: Vec<Intervention>,
    /// Parameter uncertainty beyond single distributions: a file of joint
    /// parameter sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
}

/// `[uncertainty]`: parameters drawn jointly from a file of sets, and the
/// switch that turns parameter uncertainty off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// A CSV file of joint parameter sets, relative to the scenario file
    /// that names it: columns `set,parameter,value`, as `carecap
    /// calibrate` writes `posterior.csv`. Each replication takes one whole
    /// set (stratified over the sets), so the parameters keep their
    /// correlations. A parameter the scenario writes as a distribution is
    /// drawn from that distribution instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sets: Option<String>,
    /// `false`: no parameter is sampled. Each distribution stands at its
    /// median and the sets file is not read, so the numbers written in
    /// the scenario stand (a point-estimate run, chance only).
    #[serde(default = "yes")]
    pub sample: bool,
}

fn yes() -> bool {
    true
}

impl Scenario {
    /// The staffing conventions in force: (uplift on rostered cover,
    /// contracted hours per FTE per week), defaults when there is no
    /// `[workforce]` table.
    pub fn staffing_conventions(&self) -> (f64, f64) {
        self.workforce
            .as_ref()
            .map_or((uplift().get(), hours_per_fte().get()), |w| {
                (w.uplift.get(), w.hours_per_fte_week.get())
            })
    }
}

/// `[scenario]`: identity, horizon and sampling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioMeta {
    /// Short name; also the default output folder `output/<name>/`.
    pub name: String,
    /// What the scenario represents.
    #[serde(default)]
    pub description: String,
    /// First reported calendar year.
    pub start_year: i32,
    /// Number of reported years.
    pub years: u32,
    /// Days simulated before the first reported day (discarded).
    #[serde(default = "default_warmup")]
    pub warmup_days: u32,
    /// Independent replications.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Master seed of every random stream.
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_warmup() -> u32 {
    365
}
fn default_replications() -> u32 {
    30
}
fn default_seed() -> u64 {
    20_251_123
}

/// A duration distribution in days.
///
/// Written as a tagged table, e.g. `{ dist = "lognormal", median_days = 11,
/// sigma = 0.87 }`, `{ dist = "lognormal", mean_days = 16, sd_days = 14 }`,
/// `{ dist = "exponential", mean_days = 14 }` or `{ dist = "fixed", days = 3 }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Duration {
    /// Lognormal, by median and sigma (of the log) or by mean and sd.
    Lognormal {
        /// Median in days (with `sigma`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        median_days: Option<f64>,
        /// Standard deviation of ln(days) (with `median_days`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sigma: Option<f64>,
        /// Mean in days (with `sd_days`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean_days: Option<f64>,
        /// Standard deviation in days (with `mean_days`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sd_days: Option<f64>,
    },
    /// Exponential with a mean.
    Exponential {
        /// Mean in days.
        mean_days: f64,
    },
    /// Always the same.
    Fixed {
        /// Days.
        days: f64,
    },
}

impl Duration {
    /// The mean in days (0 for a lognormal without its parameters).
    pub fn mean_days(&self) -> f64 {
        match *self {
            Duration::Lognormal {
                median_days: Some(m),
                sigma: Some(s),
                ..
            } => m * (s * s / 2.0).exp(),
            Duration::Lognormal {
                mean_days: Some(m), ..
            } => m,
            Duration::Lognormal { .. } => 0.0,
            Duration::Exponential { mean_days } => mean_days,
            Duration::Fixed { days } => days,
        }
    }

    /// A lognormal by median and sigma.
    pub fn lognormal(median_days: f64, sigma: f64) -> Self {
        Duration::Lognormal {
            median_days: Some(median_days),
            sigma: Some(sigma),
            mean_days: None,
            sd_days: None,
        }
    }
}

/// Shares of places of death (or of preferences); they must sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceShares {
    /// At home.
    pub home: Share,
    /// In a care home.
    pub care_home: Share,
    /// In a hospice (in-patient unit or enhanced end-of-life bed).
    pub hospice: Share,
    /// In an acute hospital.
    pub hospital: Share,
}

/// `[demand]`: region-wide demand settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Demand {
    /// Share of deaths with palliative-care need (evidence 0.63–0.82).
    pub need_share: Share,
    /// Share of need that reaches community specialist palliative care.
    pub reach: Share,
    /// Share of referrals with a cancer diagnosis.
    pub cancer_share: Share,
    /// Twelve monthly multipliers (January first); rescaled to average 1.
    pub seasonality: Vec<f64>,
    /// Seven day-of-week multipliers (Monday first); rescaled to average 1.
    pub day_of_week: Vec<f64>,
    /// Place of death of people not known to the specialist service.
    pub unknown_place_of_death: PlaceShares,
}

impl Default for Demand {
    fn default() -> Self {
        Demand {
            need_share: Share(0.75),
            reach: Share(0.48),
            cancer_share: Share(0.75),
            seasonality: vec![1.0; 12],
            day_of_week: vec![1.0; 7],
            unknown_place_of_death: PlaceShares {
                home: Share(0.25),
                care_home: Share(0.22),
                hospice: Share(0.01),
                hospital: Share(0.52),
            },
        }
    }
}

/// Deaths per year in a borough: a table by year, or a base year with growth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deaths {
    /// Deaths in `base_year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<DeathsPerYear>,
    /// The year `base` refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_year: Option<i32>,
    /// Annual growth as a fraction (0.01 = +1% a year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth: Option<Growth>,
    /// Deaths by calendar year, e.g. `{ "2025" = 1900, "2026" = 1920 }`;
    /// years after the last use the last value, years before the first the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_year: Option<BTreeMap<String, DeathsPerYear>>,
}

impl Deaths {
    /// Deaths in calendar `year`: from `by_year` (years after the last use
    /// the last value, years before the first the first), or `base` grown
    /// by `growth` a year from `base_year`.
    pub fn in_year(&self, year: i32) -> f64 {
        if let Some(table) = &self.by_year {
            let mut rows: Vec<(i32, f64)> = table
                .iter()
                .filter_map(|(k, v)| Some((k.parse().ok()?, v.get())))
                .collect();
            rows.sort_by_key(|r| r.0);
            return rows
                .iter()
                .rev()
                .find(|(y, _)| *y <= year)
                .or(rows.first())
                .map_or(0.0, |r| r.1);
        }
        let base = self.base.map_or(0.0, DeathsPerYear::get);
        let growth = self.growth.map_or(0.0, Growth::get);
        base * (1.0 + growth).powi(year - self.base_year.unwrap_or(year))
    }
}

/// Community specialist palliative care team of a borough.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cspc {
    /// Clinical nurse specialists in post (FTE).
    pub nurses_fte: Fte,
    /// Patients one FTE holds on caseload at once.
    pub caseload_per_fte: PatientsPerFte,
}

/// Hours a hospice-at-home service covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Cover {
    /// Round the clock.
    #[serde(rename = "24/7")]
    AllDay,
    /// Daytime only.
    #[serde(rename = "daytime")]
    Daytime,
}

/// Hospice at home of a borough.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HospiceAtHome {
    /// Patients the service can care for at once.
    pub slots: Places,
    /// Hours of cover.
    pub cover: Cover,
    /// Hospice-at-home nurses and carers (FTE establishment); absent: slots
    /// are not limited by staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_fte: Option<Fte>,
    /// Hands-on care hours per patient per day.
    #[serde(default = "nine")]
    pub hours_per_patient_day: HoursPerDay,
}

impl HospiceAtHome {
    /// Staff (FTE) who keep every slot open: slots × care hours a week ÷
    /// hours per FTE × (1 + uplift). What "not limited by staff" amounts to.
    pub fn staff_for_every_slot(&self, uplift: f64, hours_per_fte_week: f64) -> f64 {
        self.slots.get() as f64 * self.hours_per_patient_day.get() * 7.0 / hours_per_fte_week
            * (1.0 + uplift)
    }
}

fn nine() -> HoursPerDay {
    HoursPerDay(9.0)
}

/// `[[borough]]`: an area, its deaths and its community services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Borough {
    /// Borough name (unique; the key used to merge options).
    pub name: String,
    /// Residents (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Deaths per year.
    pub deaths: Deaths,
    /// Overrides `[demand].need_share`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need_share: Option<Share>,
    /// Overrides `[demand].reach`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach: Option<Share>,
    /// The community specialist palliative care team.
    pub cspc: Cspc,
    /// Hospice at home.
    pub hah: HospiceAtHome,
    /// Enhanced end-of-life beds in the borough.
    #[serde(default)]
    pub enhanced_beds: Places,
    /// Multiplier on crisis rates (1 = as `[pathway]`).
    #[serde(default = "one")]
    pub crisis_rate_multiplier: Multiplier,
}

fn one() -> Multiplier {
    Multiplier(1.0)
}

/// `[[site]]`: a hospice in-patient unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Site name (unique).
    pub name: String,
    /// Beds open to the region.
    pub beds: Places,
    /// Boroughs whose residents come here first.
    pub catchment: Vec<String>,
    /// Other sites to try, in order, when this one is full.
    #[serde(default)]
    pub overflow: Vec<String>,
    /// Time from admission to planned discharge home, for a person who is
    /// still alive then and not yet in their last days. A stay ends at that
    /// discharge or at the person's own death, whichever comes first (no
    /// one is discharged in their last days), so the unit's length of stay
    /// and the share dying in the unit are outcomes, not inputs.
    pub discharge_after: Duration,
    /// Longest bed waiting list (0: no list, a full unit turns people away).
    #[serde(default)]
    pub waiting_list: Places,
    /// Nurses on duty per occupied bed at any hour (0.5 = one nurse to two beds).
    #[serde(default = "half")]
    pub nurses_per_bed: FtePerBed,
    /// Nurse establishment (FTE); absent: enough to staff every bed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nurses_fte: Option<Fte>,
    /// Palliative medicine consultants (FTE establishment).
    #[serde(default = "one_fte")]
    pub consultant_fte: Fte,
    /// Consultant FTE below which the unit closes to admissions.
    #[serde(default = "half_fte")]
    pub min_consultant_fte: Fte,
    /// Consultant FTE needed per occupied bed (demand), with
    /// `min_consultant_fte` as a floor.
    #[serde(default = "consultant_per_bed")]
    pub consultant_fte_per_bed: FtePerBed,
}

impl Site {
    /// Nurse establishment (FTE) that staffs every bed round the clock:
    /// the default when `nurses_fte` is absent.
    pub fn nurses_for_every_bed(&self, uplift: f64, hours_per_fte_week: f64) -> f64 {
        self.beds.get() as f64 * self.nurses_per_bed.get() * HOURS_PER_WEEK as f64
            / hours_per_fte_week
            * (1.0 + uplift)
    }
}

fn half() -> FtePerBed {
    FtePerBed(0.5)
}
fn one_fte() -> Fte {
    Fte(1.0)
}
fn half_fte() -> Fte {
    Fte(0.5)
}
fn consultant_per_bed() -> FtePerBed {
    FtePerBed(0.05)
}

/// `[pathway]`: how people on the specialist caseload move through care.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Pathway {
    /// Referral to death, cancer.
    pub prognosis_cancer: Duration,
    /// Referral to death, other diagnoses.
    pub prognosis_non_cancer: Duration,
    /// Preferred place of death.
    pub preferred_place: PlaceShares,
    /// Share of people on the caseload with an Urgent Care Plan.
    pub ucp_uptake: Share,
    /// Relative risk that a crisis needs a bed, or that the last days end
    /// in hospital, with an Urgent Care Plan.
    pub ucp_rr: RelativeRisk,
    /// Home visits per week on the caseload.
    pub visits_per_week: PerWeek,
    /// Home visits per week in the last fortnight of life.
    pub visits_per_week_last_fortnight: PerWeek,
    /// Crises per week on the caseload.
    pub crises_per_week: PerWeek,
    /// Crises per week in the last fortnight of life.
    pub crises_per_week_last_fortnight: PerWeek,
    /// Share of crises that cannot be resolved at home and need a bed.
    pub crisis_bed_share: Share,
    /// Length of the terminal phase (last days of life).
    pub terminal_phase: Duration,
    /// Share of terminal phases at home ending in hospital, without
    /// hospice at home or a care plan.
    pub terminal_hospital_share: Share,
    /// Share of would-be hospital transfers in the last days that a free
    /// bed (hospice IPU or enhanced end-of-life bed) can take instead.
    pub bed_diversion_share: Share,
    /// Relative risk of that hospital transfer with 24/7 hospice at home.
    pub hah_hospital_rr: RelativeRisk,
    /// Fraction of the 24/7 effect that a daytime-only service gives.
    pub daytime_hah_effect: Share,
    /// Acute hospital stay.
    pub acute_stay: Duration,
    /// People this close to death (days) go first on waiting lists.
    pub urgent_days: Days,
}

impl Default for Pathway {
    fn default() -> Self {
        Pathway {
            prognosis_cancer: Duration::lognormal(53.0, 1.0),
            prognosis_non_cancer: Duration::lognormal(27.0, 1.0),
            preferred_place: PlaceShares {
                home: Share(0.55),
                care_home: Share(0.12),
                hospice: Share(0.25),
                hospital: Share(0.08),
            },
            ucp_uptake: Share(0.40),
            ucp_rr: RelativeRisk(0.8),
            visits_per_week: PerWeek(1.0),
            visits_per_week_last_fortnight: PerWeek(3.0),
            crises_per_week: PerWeek(0.05),
            crises_per_week_last_fortnight: PerWeek(0.5),
            crisis_bed_share: Share(0.35),
            terminal_phase: Duration::lognormal(4.0, 0.6),
            terminal_hospital_share: Share(0.30),
            bed_diversion_share: Share(0.63),
            hah_hospital_rr: RelativeRisk(0.4),
            daytime_hah_effect: Share(0.5),
            acute_stay: Duration::lognormal(7.0, 0.8),
            urgent_days: Days(14.0),
        }
    }
}

/// `[enhanced_beds]`: how enhanced end-of-life beds are used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EnhancedBeds {
    /// Time from admission to planned discharge, as a site's
    /// `discharge_after`: the stay ends then or at the person's own death.
    pub discharge_after: Duration,
}

impl Default for EnhancedBeds {
    fn default() -> Self {
        EnhancedBeds {
            discharge_after: Duration::lognormal(10.0, 0.8),
        }
    }
}

/// `[bereavement]`: support for carers after a death.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Bereavement {
    /// Share of deaths of people on the caseload whose carers are referred.
    pub referral_share: Share,
    /// Carers supported at once across the region.
    pub capacity: Places,
    /// Length of support.
    pub support_duration: Duration,
    /// Longest waiting list.
    pub waiting_list: Places,
    /// The service's own yearly cost beyond staff and activity (a
    /// programme cost; 0 leaves it out).
    pub cost_per_year: CostPerYear,
}

impl Default for Bereavement {
    fn default() -> Self {
        Bereavement {
            referral_share: Share(0.3),
            capacity: Places(300),
            support_duration: Duration::Exponential { mean_days: 90.0 },
            waiting_list: Places(10_000),
            cost_per_year: CostPerYear(0.0),
        }
    }
}

/// A duration in minutes, written like [`Duration`] but with `_minutes`
/// keys: `{ dist = "exponential", mean_minutes = 10 }`,
/// `{ dist = "lognormal", median_minutes = 8, sigma = 0.6 }`,
/// `{ dist = "lognormal", mean_minutes = 10, sd_minutes = 8 }`,
/// `{ dist = "fixed", minutes = 5 }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Minutes {
    /// Lognormal.
    Lognormal {
        /// Median, minutes (with `sigma`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        median_minutes: Option<f64>,
        /// Standard deviation of ln(minutes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sigma: Option<f64>,
        /// Mean, minutes (with `sd_minutes`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean_minutes: Option<f64>,
        /// Standard deviation, minutes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sd_minutes: Option<f64>,
    },
    /// Exponential.
    Exponential {
        /// Mean, minutes.
        mean_minutes: f64,
    },
    /// Always the same.
    Fixed {
        /// Minutes.
        minutes: f64,
    },
}

impl Minutes {
    /// The same distribution in days.
    pub fn in_days(&self) -> Duration {
        let d = |m: Option<f64>| m.map(|x| x / 1440.0);
        match *self {
            Minutes::Lognormal {
                median_minutes,
                sigma,
                mean_minutes,
                sd_minutes,
            } => Duration::Lognormal {
                median_days: d(median_minutes),
                sigma,
                mean_days: d(mean_minutes),
                sd_days: d(sd_minutes),
            },
            Minutes::Exponential { mean_minutes } => Duration::Exponential {
                mean_days: mean_minutes / 1440.0,
            },
            Minutes::Fixed { minutes } => Duration::Fixed {
                days: minutes / 1440.0,
            },
        }
    }
}

/// Days a shift applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ShiftDays {
    /// Every day.
    All,
    /// Monday to Friday.
    Weekdays,
    /// Saturday and Sunday.
    Weekends,
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl ShiftDays {
    /// Whether day `d` (0 = Monday) is included.
    pub fn includes(self, d: usize) -> bool {
        match self {
            ShiftDays::All => true,
            ShiftDays::Weekdays => d < 5,
            ShiftDays::Weekends => d >= 5,
            one => one as usize - ShiftDays::Mon as usize == d,
        }
    }
}

/// One shift pattern of a roster: `handlers` on duty from hour `from` to
/// hour `to` on the given days. Shifts add up. If `from > to` the shift
/// covers `from`–24 and 0–`to` of the same listed days (a night).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Days.
    pub days: ShiftDays,
    /// First hour (0–23).
    pub from: u32,
    /// Hour the shift ends (1–24).
    pub to: u32,
    /// Handlers on duty.
    pub handlers: u32,
}

/// `[[advice_line]]`: a 24/7 specialist advice line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdviceLine {
    /// Line name (unique).
    pub name: String,
    /// Boroughs whose patients and carers call this line.
    pub boroughs: Vec<String>,
    /// Handler roster by hour of the week.
    pub roster: Vec<Shift>,
    /// Handling time.
    pub handling_time: Minutes,
    /// Caller patience before hanging up; absent: callers never abandon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<Minutes>,
    /// Answer-time target, seconds.
    #[serde(default = "sixty")]
    pub answer_target_seconds: u32,
    /// Whether people not known to services may call.
    #[serde(default)]
    pub open_to_all: bool,
    /// Calls a day from the public when open to all (before hour and day profiles).
    #[serde(default)]
    pub public_calls_per_day: CallsPerDay,
    /// Share of abandoned callers who are called back.
    #[serde(default)]
    pub callback_share: Share,
    /// Minutes until a callback.
    #[serde(default = "fifteen")]
    pub callback_delay_minutes: DelayMinutes,
    /// Advice-line nurse establishment (FTE); absent: enough for the roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nurses_fte: Option<Fte>,
    /// The line's own yearly running cost beyond its nurses and calls
    /// (telephony, systems; a programme cost, 0 leaves it out).
    #[serde(default)]
    pub cost_per_year: CostPerYear,
}

impl Shift {
    /// Handler-hours this shift puts on the roster in a week.
    pub fn handler_hours_per_week(&self) -> u64 {
        let days = (0..7).filter(|&d| self.days.includes(d)).count() as u64;
        let hours = if self.from < self.to {
            self.to - self.from
        } else {
            24 - self.from.min(24) + self.to
        };
        days * hours as u64 * self.handlers as u64
    }
}

impl AdviceLine {
    /// Nurse FTE that covers the roster: handler-hours a week ÷ hours per
    /// FTE × (1 + uplift); the default when `nurses_fte` is absent.
    pub fn roster_fte(&self, uplift: f64, hours_per_fte_week: f64) -> f64 {
        let hours: u64 = self.roster.iter().map(Shift::handler_hours_per_week).sum();
        hours as f64 / hours_per_fte_week * (1.0 + uplift)
    }
}

fn sixty() -> u32 {
    60
}
fn fifteen() -> DelayMinutes {
    DelayMinutes(15.0)
}

/// Shares of call outcomes; they must sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallOutcomes {
    /// Advice only.
    pub advice: Share,
    /// A CSPC visit.
    pub visit: Share,
    /// Hospice at home is started.
    pub hah: Share,
    /// An ambulance / emergency department.
    pub ambulance: Share,
}

/// `[calls]`: who calls the advice lines and what calls lead to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Calls {
    /// Calls about each caseload patient per day (patients, carers, professionals).
    pub per_patient_day: CallsPerPatientDay,
    /// Multiplier on that rate in the last fortnight of life.
    pub last_fortnight_multiplier: Multiplier,
    /// 24 hour-of-day multipliers (midnight first); rescaled to average 1.
    pub hour_of_day: Vec<f64>,
    /// 7 day-of-week multipliers (Monday first); rescaled to average 1.
    pub day_of_week: Vec<f64>,
    /// Outcomes of answered routine calls.
    pub outcomes: CallOutcomes,
    /// Share of abandoned calls that end in an ambulance.
    pub abandoned_ambulance_share: Share,
    /// Relative risk that a crisis needs a bed when its call is answered within target.
    pub answered_crisis_rr: RelativeRisk,
}

impl Default for Calls {
    fn default() -> Self {
        let mut hours = vec![0.6; 7];
        hours.push(0.8);
        hours.extend(std::iter::repeat_n(1.04, 12));
        hours.extend(std::iter::repeat_n(1.6, 4));
        Calls {
            per_patient_day: CallsPerPatientDay(0.05),
            last_fortnight_multiplier: Multiplier(2.0),
            hour_of_day: hours,
            day_of_week: vec![1.0; 7],
            outcomes: CallOutcomes {
                advice: Share(0.65),
                visit: Share(0.20),
                hah: Share(0.10),
                ambulance: Share(0.05),
            },
            abandoned_ambulance_share: Share(0.15),
            answered_crisis_rr: RelativeRisk(0.8),
        }
    }
}

/// A workforce role, written in scenario files by its snake_case name
/// (`[workforce.roles.cspc_nurse]`, `[costs] fte_year = { consultant = … }`).
/// Each role belongs to one kind of area; the order is the order of the
/// role metrics (`fte_demand_<role>`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Community specialist palliative care nurse (per borough).
    CspcNurse,
    /// Hospice-at-home nurse or carer (per borough).
    HahNurse,
    /// In-patient unit nurse (per site).
    IpuNurse,
    /// Palliative medicine consultant (per site).
    Consultant,
    /// Advice-line nurse (per line).
    AdviceNurse,
    /// Day hospice nurse or carer (per unit; reported for the region).
    DayHospiceNurse,
    /// Out-patient clinician (per clinic; reported for the region).
    OutpatientClinician,
    /// Psychologist or counsellor (per service; reported for the region).
    Psychologist,
    /// Patient or citizen partner of a caring community, counted as people
    /// (per programme; reported for the region).
    CommunityPartner,
    /// Care coordinator in primary care (per entry; reported for the region).
    CareCoordinator,
}

impl Role {
    /// Every role, in metric order.
    pub const ALL: [Role; 10] = [
        Role::CspcNurse,
        Role::HahNurse,
        Role::IpuNurse,
        Role::Consultant,
        Role::AdviceNurse,
        Role::DayHospiceNurse,
        Role::OutpatientClinician,
        Role::Psychologist,
        Role::CommunityPartner,
        Role::CareCoordinator,
    ];
    /// Number of roles.
    pub const COUNT: usize = Role::ALL.len();
    /// Every role's name, in metric order.
    pub const NAMES: [&'static str; 10] = [
        Role::CspcNurse.name(),
        Role::HahNurse.name(),
        Role::IpuNurse.name(),
        Role::Consultant.name(),
        Role::AdviceNurse.name(),
        Role::DayHospiceNurse.name(),
        Role::OutpatientClinician.name(),
        Role::Psychologist.name(),
        Role::CommunityPartner.name(),
        Role::CareCoordinator.name(),
    ];

    /// The name used in scenario files and metric names.
    pub const fn name(self) -> &'static str {
        match self {
            Role::CspcNurse => "cspc_nurse",
            Role::HahNurse => "hah_nurse",
            Role::IpuNurse => "ipu_nurse",
            Role::Consultant => "consultant",
            Role::AdviceNurse => "advice_nurse",
            Role::DayHospiceNurse => "day_hospice_nurse",
            Role::OutpatientClinician => "outpatient_clinician",
            Role::Psychologist => "psychologist",
            Role::CommunityPartner => "community_partner",
            Role::CareCoordinator => "care_coordinator",
        }
    }

    /// The role called `name`, if any.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Role {
    /// A role by name; an unknown name is refused with the list of roles
    /// and the nearest one.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Role::from_name(&name).ok_or_else(|| {
            let known: std::collections::HashSet<&str> = Role::NAMES.into_iter().collect();
            serde::de::Error::custom(format!(
                "expected one of the roles {}, found {name:?}{}",
                Role::NAMES.join(", "),
                super::error::suggest(&name, &known)
            ))
        })
    }
}

/// The schema of a table keyed by role names (`{ cspc_nurse = …, … }`):
/// keys are [`Role`]s, values `V`.
struct RoleTable<V>(std::marker::PhantomData<V>);

impl<V: JsonSchema> JsonSchema for RoleTable<V> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("RoleTable_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let keys = generator.subschema_for::<Role>();
        let values = generator.subschema_for::<V>();
        schemars::json_schema!({
            "type": "object",
            "propertyNames": keys,
            "additionalProperties": values,
        })
    }
}

/// Supply dynamics of one role.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSupply {
    /// Share of staff in post leaving per year.
    pub attrition: Share,
    /// Share of vacant posts filled per year (adverts that succeed). In
    /// steady state the vacancy rate is attrition ÷ (attrition + recruitment
    /// × (1 − vacancy)/vacancy …): to hold vacancy v, use attrition × (1 − v) / v.
    pub recruitment: SharePerYear,
    /// Days from offer to start.
    pub hiring_lag_days: Days,
    /// Share of the establishment vacant at the start.
    pub vacancy: Share,
}

/// `[workforce]`: supply dynamics per role and the demand conventions.
///
/// Roles: `cspc_nurse` (per borough), `hah_nurse` (per borough),
/// `ipu_nurse` and `consultant` (per site), `advice_nurse` (per line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workforce {
    /// Uplift on rostered cover for leave, sickness and training (0.22–0.30).
    #[serde(default = "uplift")]
    pub uplift: Uplift,
    /// Contracted hours per FTE per week.
    #[serde(default = "hours_per_fte")]
    pub hours_per_fte_week: HoursPerWeek,
    /// Supply dynamics by role; a role not listed keeps its establishment.
    #[serde(default)]
    #[schemars(with = "RoleTable<RoleSupply>")]
    pub roles: BTreeMap<Role, RoleSupply>,
}

fn uplift() -> Uplift {
    Uplift(0.25)
}
fn hours_per_fte() -> HoursPerWeek {
    HoursPerWeek(37.5)
}

/// `[costs]`: unit costs (any currency; 0 leaves an item out).
///
/// Four kinds, reported apart: staff in post (`fte_year`), capacity
/// available whether used or not (`*_available`), activity (per occupied
/// bed-day, hour, call, visit) and programmes (`cost_per_year` on an
/// intervention or service). A cost belongs in one kind only: when staff
/// are costed by role, a bed's cost is its non-staff part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Costs {
    /// The currency of every cost below, as printed before amounts in
    /// reports (default "£").
    pub currency: Currency,
    /// Per occupied hospice in-patient bed-day (activity: drugs, food,
    /// consumables).
    pub ipu_bed_day: Cost,
    /// Per hospice in-patient bed-day available (the unit's beds, open or
    /// shut for want of staff): the bed's fixed, non-staff cost.
    pub ipu_bed_day_available: Cost,
    /// Per occupied enhanced end-of-life bed-day.
    pub enhanced_bed_day: Cost,
    /// Per enhanced end-of-life bed-day available (a bed commissioned
    /// whether used or not).
    pub enhanced_bed_day_available: Cost,
    /// Per hospice-at-home slot-day available (the slots the service
    /// offers): its fixed, non-staff cost.
    pub hah_slot_day_available: Cost,
    /// Per acute hospital bed-day of people on the caseload.
    pub acute_bed_day: Cost,
    /// Per hour of hospice-at-home care.
    pub hah_hour: Cost,
    /// Per advice-line call answered.
    pub call: Cost,
    /// Per CSPC home visit.
    pub cspc_visit: Cost,
    /// Per FTE-year in post, by role (staff not already in a bed-day cost).
    #[schemars(with = "RoleTable<Cost>")]
    pub fte_year: BTreeMap<Role, Cost>,
}

/// Waves of boroughs starting in successive periods.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cohorts {
    /// Boroughs per wave, in the order of `names` (or of the file).
    pub size: u32,
    /// Months between the starts of successive waves.
    pub every_months: u32,
}

/// `[[intervention]]`: a change to one parameter from a date, optionally
/// per borough in waves, with a linear ramp. Only parameters a running
/// model takes up may change ([`CHANGEABLE`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Intervention {
    /// What the change is (for messages and reports).
    pub name: String,
    /// The table the parameter is in: `borough`, `site`, `advice_line`
    /// (arrays of named tables) or `demand`, `pathway`, `calls`,
    /// `enhanced_beds`, `bereavement`, `workforce`, `costs`.
    pub target: String,
    /// For arrays: which entries (default: all, in file order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Vec<String>>,
    /// Dotted key within the target, e.g. `enhanced_beds`, `hah.cover`,
    /// `cspc.nurses_fte`, `roles.cspc_nurse.attrition`.
    pub parameter: String,
    /// The new value (a number is ramped linearly; anything else switches).
    #[schemars(with = "serde_json::Value")]
    pub value: toml::Value,
    /// Start date, a TOML date (`from = 2027-04-01`; the quoted form
    /// `"2027-04-01"` is read too).
    pub from: Date,
    /// Months over which a number moves from its old to its new value.
    #[serde(default)]
    pub ramp_months: u32,
    /// Waves of boroughs (target `borough` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohorts: Option<Cohorts>,
    /// The programme's own yearly cost, in force while the intervention is
    /// (from `from`, ramped like the change, pro rata over the year), shared
    /// equally by the entries it names; 0 leaves it out.
    #[serde(default)]
    pub cost_per_year: CostPerYear,
}

/// What an `[[intervention]]` may change while a run is under way: for
/// each table it may target, the parameters (dotted keys; `*` stands for
/// any one key, such as a role) whose new value the running model takes
/// up from the change date. A parameter is changeable if it is one of
/// these or lies inside one. Everything else is refused when the scenario
/// is checked, with the reason from [`FIXED_FOR_THE_RUN`] if it has one:
/// an intervention never silently does nothing.
///
/// How each is taken up: capacities, waiting-list limits, staff
/// establishments, rosters and public call streams are reset at the change
/// (see the care model's configuration change); rates, shares, durations,
/// costs and relative risks are read from the configuration in force each
/// time they are used, so they apply to what happens from the change on
/// (a person's prognosis and preferences are drawn when they arrive).
pub const CHANGEABLE: [(&str, &[&str]); 16] = [
    (
        "care_coordination",
        &[
            "practices_covered",
            "coordinators_fte",
            "caseload_per_fte",
            "cost_per_year",
        ],
    ),
    (
        "caring_community",
        &[
            "partners",
            "people_per_partner",
            "referral_share",
            "waiting_list",
            "crisis_rr",
            "hospital_rr",
            "cost_per_year",
        ],
    ),
    (
        "segment",
        &[
            "need_share",
            "reach",
            "cancer_share",
            "prognosis",
            "preferred_place",
            "unknown_place_of_death",
            "crisis_rate_multiplier",
        ],
    ),
    (
        "day_hospice",
        &[
            "places_per_day",
            "days_open_per_week",
            "referral_share",
            "waiting_list",
            "staff_per_place",
            "staff_fte",
            "crisis_rr",
            "carer_bereavement_rr",
            "cost_per_attendance",
            "cost_per_year",
        ],
    ),
    (
        "outpatient_clinic",
        &[
            "sessions_per_week",
            "first_appointments_per_session",
            "appointments_per_session",
            "referral_share",
            "waiting_list",
            "staff_per_session",
            "staff_fte",
            "cost_per_appointment",
            "cost_per_year",
        ],
    ),
    (
        "psychological_support",
        &[
            "staff_fte",
            "clients_per_fte",
            "sessions",
            "days_between_sessions",
            "patient_referral_share",
            "carer_referral_share",
            "waiting_list",
            "cost_per_session",
            "cost_per_year",
        ],
    ),
    (
        "borough",
        &[
            "need_share",
            "reach",
            "cspc",
            "hah",
            "enhanced_beds",
            "crisis_rate_multiplier",
        ],
    ),
    (
        "site",
        &[
            "beds",
            "discharge_after",
            "waiting_list",
            "nurses_per_bed",
            "nurses_fte",
            "consultant_fte",
            "min_consultant_fte",
            "consultant_fte_per_bed",
        ],
    ),
    (
        "advice_line",
        &[
            "roster",
            "handling_time",
            "patience",
            "answer_target_seconds",
            "open_to_all",
            "public_calls_per_day",
            "callback_share",
            "callback_delay_minutes",
            "nurses_fte",
            "cost_per_year",
        ],
    ),
    (
        "demand",
        &[
            "need_share",
            "reach",
            "cancer_share",
            "unknown_place_of_death",
        ],
    ),
    (
        "pathway",
        &[
            "prognosis_cancer",
            "prognosis_non_cancer",
            "preferred_place",
            "ucp_uptake",
            "ucp_rr",
            "visits_per_week",
            "visits_per_week_last_fortnight",
            "crises_per_week",
            "crises_per_week_last_fortnight",
            "crisis_bed_share",
            "terminal_phase",
            "terminal_hospital_share",
            "bed_diversion_share",
            "hah_hospital_rr",
            "daytime_hah_effect",
            "acute_stay",
            "urgent_days",
        ],
    ),
    (
        "calls",
        &[
            "per_patient_day",
            "last_fortnight_multiplier",
            "hour_of_day",
            "day_of_week",
            "outcomes",
            "abandoned_ambulance_share",
            "answered_crisis_rr",
        ],
    ),
    ("enhanced_beds", &["discharge_after"]),
    (
        "bereavement",
        &[
            "referral_share",
            "capacity",
            "support_duration",
            "waiting_list",
            "cost_per_year",
        ],
    ),
    (
        "workforce",
        &[
            "uplift",
            "hours_per_fte_week",
            "roles.*.attrition",
            "roles.*.recruitment",
            "roles.*.hiring_lag_days",
        ],
    ),
    (
        "costs",
        &[
            "ipu_bed_day",
            "ipu_bed_day_available",
            "enhanced_bed_day",
            "enhanced_bed_day_available",
            "hah_slot_day_available",
            "acute_bed_day",
            "hah_hour",
            "call",
            "cspc_visit",
            "fte_year",
        ],
    ),
];

/// Parameters a running model cannot change, with why: (table or `*` for
/// any, dotted key or `*`-pattern, reason). A parameter inside one of
/// these is fixed too.
pub const FIXED_FOR_THE_RUN: [(&str, &str, &str); 16] = [
    (
        "care_coordination",
        "boroughs",
        "which entry covers which boroughs is the region's structure; change it in the \
         scenario (or an option file) instead",
    ),
    (
        "caring_community",
        "boroughs",
        "which programme serves which boroughs is the region's structure; change it in the \
         scenario (or an option file) instead",
    ),
    (
        "segment",
        "share",
        "the population's mix of segments is set for the run, as deaths are; change it in \
         the scenario instead",
    ),
    (
        "day_hospice",
        "boroughs",
        "which units serve which boroughs is the region's structure; change it in the \
         scenario (or an option file) instead",
    ),
    (
        "day_hospice",
        "attendance_days_per_week",
        "each borough's attendance pattern is set when the run starts; change it in the \
         scenario instead",
    ),
    (
        "outpatient_clinic",
        "boroughs",
        "which units serve which boroughs is the region's structure; change it in the \
         scenario (or an option file) instead",
    ),
    (
        "psychological_support",
        "boroughs",
        "which units serve which boroughs is the region's structure; change it in the \
         scenario (or an option file) instead",
    ),
    (
        "borough",
        "deaths",
        "interventions cannot change arrivals; change it in the scenario instead",
    ),
    (
        "demand",
        "seasonality",
        "interventions cannot change arrivals; change it in the scenario instead",
    ),
    (
        "demand",
        "day_of_week",
        "interventions cannot change arrivals; change it in the scenario instead",
    ),
    (
        "*",
        "name",
        "names label the results of the whole run; rename the entry in the scenario instead",
    ),
    (
        "borough",
        "population",
        "it is informational and the model does not use it",
    ),
    (
        "site",
        "catchment",
        "which units serve which boroughs is the region's structure; change it in the \
         scenario (or an option file) instead",
    ),
    (
        "site",
        "overflow",
        "which units serve which boroughs is the region's structure; change it in the \
         scenario (or an option file) instead",
    ),
    (
        "advice_line",
        "boroughs",
        "which line serves which borough is the region's structure; change it in the \
         scenario (or an option file) instead",
    ),
    (
        "workforce",
        "roles.*.vacancy",
        "it is the share of posts empty at the start; during a run staff in post change \
         only by attrition and recruitment, so change those instead",
    ),
];

/// Whether the dotted key `outer` is `inner` or contains it, `*` in
/// either standing for any one key.
fn covers(outer: &str, inner: &str) -> bool {
    let (outer, inner): (Vec<&str>, Vec<&str>) =
        (outer.split('.').collect(), inner.split('.').collect());
    outer.len() <= inner.len()
        && outer
            .iter()
            .zip(&inner)
            .all(|(a, b)| *a == "*" || *b == "*" || a == b)
}

/// Checks that an intervention on `target` may change `parameter` while
/// the model runs (see [`CHANGEABLE`]); the reason in words otherwise.
pub fn check_change(target: &str, parameter: &str) -> Result<(), String> {
    let Some((_, allowed)) = CHANGEABLE.iter().find(|(t, _)| *t == target) else {
        let tables: Vec<&str> = CHANGEABLE.iter().map(|(t, _)| *t).collect();
        return Err(format!(
            "expected one of {}, found {target:?}",
            tables.join(", ")
        ));
    };
    if let Some((_, _, why)) = FIXED_FOR_THE_RUN
        .iter()
        .find(|(t, p, _)| (*t == "*" || *t == target) && covers(p, parameter))
    {
        return Err(format!(
            "{target}.{parameter} is fixed for the whole run: {why}"
        ));
    }
    if allowed.iter().any(|a| covers(a, parameter)) {
        return Ok(());
    }
    let inside: Vec<&str> = allowed
        .iter()
        .copied()
        .filter(|a| covers(parameter, a))
        .collect();
    if !inside.is_empty() {
        return Err(format!(
            "{target}.{parameter} holds keys that cannot change during a run; change {} one by one instead",
            inside.join(", ")
        ));
    }
    let known: std::collections::HashSet<&str> = allowed.iter().copied().collect();
    Err(format!(
        "expected a parameter of [{target}] that a running model can change ({}), found {parameter:?}{}",
        allowed.join(", "),
        super::error::suggest(parameter, &known)
    ))
}
