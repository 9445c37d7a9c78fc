//! What the care model measures: per-year, per-area tallies and the
//! metric table computed from them.
//!
//! A [`Tally`] holds additive raw sums (counts, waits in seconds,
//! level × clock-tick integrals) for one area and one year, in four groups:
//! residents' outcomes (kept by borough), bed-unit figures (by site), call
//! figures (by line, and by the caller's borough) and workforce figures (by
//! the area each role belongs to). The region (`ALL`) adds each group from
//! one kind of area only, so nothing is counted twice, and its percentages
//! and means come out properly pooled. The two non-additive figures, the
//! 95th percentile of occupied beds and the 90th percentile of call waits,
//! are kept separately ([`Percentiles`]).

use super::config::{PLACES, YEAR};
use crate::engine::time::{DAY, SECOND};
use crate::scenario::types::Role;

/// Which kinds of area a metric is reported for (`ALL` always).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Boroughs (by residence).
    pub borough: bool,
    /// Hospice in-patient sites.
    pub site: bool,
    /// Advice lines.
    pub line: bool,
}

/// The kinds of area results are reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    /// A borough.
    Borough,
    /// A hospice in-patient site.
    Site,
    /// An advice line.
    Line,
    /// The whole region (`ALL`).
    All,
}

impl Scope {
    /// Whether a metric with this scope is reported for `kind`.
    pub fn covers(&self, kind: AreaKind) -> bool {
        match kind {
            AreaKind::Borough => self.borough,
            AreaKind::Site => self.site,
            AreaKind::Line => self.line,
            AreaKind::All => true,
        }
    }
}

const B: Scope = Scope {
    borough: true,
    site: false,
    line: false,
};
const S: Scope = Scope {
    borough: false,
    site: true,
    line: false,
};
const L: Scope = Scope {
    borough: false,
    site: false,
    line: true,
};
const BS: Scope = Scope {
    borough: true,
    site: true,
    line: false,
};
const BL: Scope = Scope {
    borough: true,
    site: false,
    line: true,
};
const BSL: Scope = Scope {
    borough: true,
    site: true,
    line: true,
};
const R: Scope = Scope {
    borough: false,
    site: false,
    line: false,
};

/// Workforce roles, in metric order.
pub const ROLES: [&str; 5] = Role::NAMES;
/// Index of each role.
pub mod role {
    use crate::scenario::types::Role;
    /// Community specialist palliative care nurse (per borough).
    pub const CSPC_NURSE: usize = Role::CspcNurse as usize;
    /// Hospice-at-home nurse or carer (per borough).
    pub const HAH_NURSE: usize = Role::HahNurse as usize;
    /// In-patient unit nurse (per site).
    pub const IPU_NURSE: usize = Role::IpuNurse as usize;
    /// Palliative medicine consultant (per site).
    pub const CONSULTANT: usize = Role::Consultant as usize;
    /// Advice-line nurse (per line).
    pub const ADVICE_NURSE: usize = Role::AdviceNurse as usize;
}

macro_rules! metrics {
    ($($id:ident = $name:literal, $scope:ident, $doc:literal;)*) => {
        /// Every metric, in output order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        pub enum Metric { $(#[doc = $doc] $id,)* }
        /// (metric, column name, scope, definition) for every metric.
        pub const METRICS: &[(Metric, &str, Scope, &str)] = &[$((Metric::$id, $name, $scope, $doc),)*];
    };
}

metrics! {
    referrals = "referrals", B, "People referred to community specialist palliative care (CSPC) in the year.";
    deaths = "deaths", B, "All deaths of residents.";
    deaths_home = "deaths_home", B, "Deaths at home.";
    deaths_care_home = "deaths_care_home", B, "Deaths in a care home.";
    deaths_hospice = "deaths_hospice", B, "Deaths in a hospice in-patient unit (IPU).";
    deaths_enhanced_bed = "deaths_enhanced_bed", B, "Deaths in an enhanced end-of-life bed.";
    deaths_hospital = "deaths_hospital", B, "Deaths in an acute hospital.";
    cspc_deaths = "cspc_deaths", B, "Deaths of people who were on a CSPC caseload.";
    cspc_deaths_home = "cspc_deaths_home", B, "Of those, at home.";
    cspc_deaths_care_home = "cspc_deaths_care_home", B, "Of those, in a care home.";
    cspc_deaths_hospice = "cspc_deaths_hospice", B, "Of those, in a hospice IPU.";
    cspc_deaths_enhanced_bed = "cspc_deaths_enhanced_bed", B, "Of those, in an enhanced bed.";
    cspc_deaths_hospital = "cspc_deaths_hospital", B, "Of those, in hospital.";
    cspc_deaths_home_pct = "cspc_deaths_home_pct", B, "Share of CSPC patients' deaths at home, %.";
    cspc_deaths_hospital_pct = "cspc_deaths_hospital_pct", B, "Share of CSPC patients' deaths in hospital, %.";
    preferred_place_met_pct = "preferred_place_met_pct", B, "Share of CSPC patients who died where they preferred, % (a hospice preference is met by an IPU or enhanced bed).";
    died_waiting = "died_waiting", B, "People who died on a waiting list (CSPC caseload or IPU bed).";
    cspc_died_waiting = "cspc_died_waiting", B, "People who died waiting for a CSPC caseload place.";
    ipu_died_waiting = "ipu_died_waiting", BS, "People who died waiting for an IPU bed.";
    cspc_caseload_mean = "cspc_caseload_mean", B, "Time-average number of people on the CSPC caseload.";
    cspc_capacity_mean = "cspc_capacity_mean", B, "Time-average CSPC caseload places (staff in post × caseload per FTE).";
    cspc_waiting_mean = "cspc_waiting_mean", B, "Time-average number waiting for a caseload place.";
    cspc_wait_days_mean = "cspc_wait_days_mean", B, "Mean days from referral to a caseload place, for people taken on in the year.";
    cspc_visits = "cspc_visits", B, "CSPC home visits (scheduled, and those an advice call leads to).";
    crises = "crises", B, "Crises among people on the caseload.";
    ipu_admissions = "ipu_admissions", BS, "Admissions to hospice IPUs (borough: of residents; site: to the site).";
    ipu_turned_away = "ipu_turned_away", BS, "Bed requests refused: every suitable unit full (or closed) and the waiting list full or absent.";
    ipu_wait_days_mean = "ipu_wait_days_mean", BS, "Mean days on the bed waiting list, for admissions from the list.";
    ipu_occupancy_mean = "ipu_occupancy_mean", S, "Time-average occupied IPU beds.";
    ipu_waiting_mean = "ipu_waiting_mean", S, "Time-average people on the unit's bed waiting list.";
    ipu_occupancy_p95 = "ipu_occupancy_p95", S, "95th percentile of occupied IPU beds over time (exact).";
    ipu_occupancy_pct = "ipu_occupancy_pct", S, "Mean occupied beds ÷ mean staffed beds, %.";
    ipu_staffed_beds_mean = "ipu_staffed_beds_mean", S, "Time-average beds open: min(beds, nurses in post ÷ nurses needed per bed), 0 while consultant cover is below the minimum.";
    ipu_los_days_mean = "ipu_los_days_mean", S, "Mean length of stay of IPU stays ending in the year, days.";
    ipu_deaths = "ipu_deaths", S, "Deaths in the unit.";
    ipu_refused_bed_days = "ipu_refused_bed_days", S, "Bed-days that refused requests would have used (each person's own stay to their planned discharge or death), the basis of their staff demand.";
    enhanced_admissions = "enhanced_admissions", B, "Admissions to enhanced end-of-life beds.";
    enhanced_occupancy_mean = "enhanced_occupancy_mean", B, "Time-average occupied enhanced beds.";
    hah_patients = "hah_patients", B, "People who started a hospice-at-home episode.";
    hah_unmet = "hah_unmet", B, "People who wanted hospice at home in their last days but found no slot.";
    hah_occupancy_mean = "hah_occupancy_mean", B, "Time-average hospice-at-home patients.";
    hah_slots_mean = "hah_slots_mean", B, "Time-average hospice-at-home slots open (staff-limited).";
    acute_admissions = "acute_admissions", B, "Acute hospital admissions of people on the caseload.";
    bereavement_referrals = "bereavement_referrals", B, "Carers referred to bereavement support.";
    bereavement_waiting_mean = "bereavement_waiting_mean", R, "Time-average carers waiting for bereavement support (region only).";
    calls = "calls", BL, "Calls offered to advice lines (line: all; borough: about its residents).";
    calls_answered_in_target_pct = "calls_answered_in_target_pct", BL, "Calls answered within the line's target, % of calls offered.";
    calls_waited_pct = "calls_waited_pct", BL, "Calls that found every handler busy, % of calls offered.";
    calls_abandoned_pct = "calls_abandoned_pct", BL, "Callers who hung up before an answer, % of calls offered.";
    call_wait_seconds_mean = "call_wait_seconds_mean", BL, "Mean wait of answered calls, seconds.";
    call_wait_seconds_p90 = "call_wait_seconds_p90", L, "90th percentile wait of answered calls, seconds (0.5% relative accuracy).";
    handler_utilisation_pct = "handler_utilisation_pct", L, "Handler time busy ÷ handler time on duty, %.";
    callbacks = "callbacks", BL, "Callbacks made to callers who abandoned.";
    call_ambulances = "call_ambulances", BL, "Ambulances that followed a call (an outcome, or after abandoning).";
    fte_demand_cspc_nurse = "fte_demand_cspc_nurse", B, "CSPC nurse FTE needed for the demand that arrived: (mean caseload + mean waiting list) ÷ caseload per FTE.";
    fte_supply_cspc_nurse = "fte_supply_cspc_nurse", B, "CSPC nurse FTE in post (time-average).";
    fte_gap_cspc_nurse = "fte_gap_cspc_nurse", B, "Demand − supply, CSPC nurses (positive: a shortfall).";
    fte_demand_hah_nurse = "fte_demand_hah_nurse", B, "Hospice-at-home FTE needed: (mean patients + requests with no slot × mean terminal phase ÷ 365 days) × care hours a day × 7 ÷ hours per FTE × (1 + uplift).";
    fte_supply_hah_nurse = "fte_supply_hah_nurse", B, "Hospice-at-home FTE in post.";
    fte_gap_hah_nurse = "fte_gap_hah_nurse", B, "Demand − supply, hospice at home (positive: a shortfall).";
    fte_demand_ipu_nurse = "fte_demand_ipu_nurse", S, "IPU nurse FTE needed: (mean occupied beds + mean waiting list + requests refused × mean stay ÷ 365 days) × nurses per bed × 168 ÷ hours per FTE × (1 + uplift).";
    fte_supply_ipu_nurse = "fte_supply_ipu_nurse", S, "IPU nurse FTE in post.";
    fte_gap_ipu_nurse = "fte_gap_ipu_nurse", S, "Demand − supply, IPU nurses (positive: a shortfall).";
    fte_demand_consultant = "fte_demand_consultant", S, "Consultant FTE needed while the unit has beds (open or shut): max(minimum cover, (occupied beds + waiting list) × FTE per bed), plus requests refused × mean stay ÷ 365 days × FTE per bed.";
    fte_supply_consultant = "fte_supply_consultant", S, "Consultant FTE in post.";
    fte_gap_consultant = "fte_gap_consultant", S, "Demand − supply, consultants (positive: a shortfall).";
    fte_demand_advice_nurse = "fte_demand_advice_nurse", L, "Advice-line FTE needed: the line's roster (handler-hours a week, the line's standard) ÷ hours per FTE × (1 + uplift).";
    fte_supply_advice_nurse = "fte_supply_advice_nurse", L, "Advice-line FTE in post.";
    fte_gap_advice_nurse = "fte_gap_advice_nurse", L, "Demand − supply, advice line (positive: a shortfall).";
    fte_short_roles = "fte_short_roles", BSL, "Roles short of staff: for a borough, site or line, the roles whose yearly gap is above 0; region-wide, the roles short in at least one area (a surplus elsewhere does not count against it).";
    fte_shortfall_total = "fte_shortfall_total", BSL, "Staff short, FTE: the sum of the positive gaps only, by role and area (region: over every area), so no surplus offsets a shortfall.";
    acute_occupancy_mean = "acute_occupancy_mean", B, "Time-average caseload patients in acute hospital (acute bed-days ÷ 365).";
    ipu_turned_away_pct = "ipu_turned_away_pct", BS, "Bed requests turned away, % of requests that were admitted at once, joined the list or were turned away.";
    cost_acute = "cost_acute", B, "Acute bed-day cost of caseload patients.";
    cost_staff = "cost_staff", BSL, "Staff cost: FTE in post × cost per FTE-year, every role.";
    cost_beds = "cost_beds", BSL, "Capacity cost: IPU beds, enhanced beds and hospice-at-home slots available (used or not) × cost per bed- or slot-day.";
    cost_activity = "cost_activity", BSL, "Activity cost: occupied bed-days (IPU, enhanced, acute), hospice-at-home care hours, calls answered, CSPC visits.";
    cost_programmes = "cost_programmes", BSL, "Programme cost: yearly costs of interventions and services while in force, pro rata (region-wide programmes in ALL only).";
    cost_total = "cost_total", BSL, "cost_staff + cost_beds + cost_activity + cost_programmes.";
}

/// Number of metrics.
pub const METRIC_COUNT: usize = METRICS.len();

trait AddTo {
    fn add_to(&mut self, other: &Self);
}
impl AddTo for u64 {
    fn add_to(&mut self, o: &Self) {
        *self += o;
    }
}
impl AddTo for f64 {
    fn add_to(&mut self, o: &Self) {
        *self += o;
    }
}
impl<T: AddTo, const N: usize> AddTo for [T; N] {
    fn add_to(&mut self, o: &Self) {
        self.iter_mut().zip(o).for_each(|(a, b)| a.add_to(b));
    }
}

macro_rules! additive {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name { $($(#[$fm])* pub $field: $ty,)* }
        impl $name {
            /// Adds `o` field by field.
            pub fn add(&mut self, o: &Self) { $( self.$field.add_to(&o.$field); )* }
        }
    };
}

additive! {
    /// Outcomes of residents, kept by borough.
    pub struct Residents {
        /// Referrals.
        pub referrals: u64,
        /// Deaths by place.
        pub deaths: [u64; PLACES],
        /// Deaths of caseload patients by place.
        pub cspc_deaths: [u64; PLACES],
        /// Caseload patients who died where they preferred.
        pub preference_met: u64,
        /// Died waiting for a caseload place.
        pub cspc_died_waiting: u64,
        /// Died waiting for an IPU bed.
        pub ipu_died_waiting: u64,
        /// People taken onto the caseload.
        pub cspc_taken_on: u64,
        /// Their waits, seconds.
        pub cspc_wait_seconds: f64,
        /// Caseload × ticks.
        pub caseload_area: f64,
        /// Caseload places × ticks.
        pub caseload_capacity_area: f64,
        /// Waiting for the caseload × ticks.
        pub cspc_waiting_area: f64,
        /// Visits.
        pub visits: u64,
        /// Crises.
        pub crises: u64,
        /// IPU admissions.
        pub ipu_admissions: u64,
        /// IPU requests refused.
        pub ipu_turned_away: u64,
        /// IPU requests (admitted at once, queued or refused).
        pub ipu_requests: u64,
        /// Admissions from the waiting list.
        pub ipu_from_list: u64,
        /// Their waits, seconds.
        pub ipu_wait_seconds: f64,
        /// Enhanced bed admissions.
        pub enhanced_admissions: u64,
        /// Occupied enhanced beds × ticks.
        pub enhanced_area: f64,
        /// HAH episodes started.
        pub hah_patients: u64,
        /// HAH requests with no slot.
        pub hah_unmet: u64,
        /// HAH patients × ticks.
        pub hah_area: f64,
        /// HAH slots × ticks.
        pub hah_slots_area: f64,
        /// Acute admissions.
        pub acute_admissions: u64,
        /// Bereavement referrals.
        pub bereavement_referrals: u64,
        /// Carers waiting × ticks (region).
        pub bereavement_waiting_area: f64,
        /// Caseload patients in acute hospital × ticks.
        pub acute_area: f64,
        /// Acute bed-day cost.
        pub acute_cost: f64,
        /// Activity cost: acute and enhanced bed-days, hospice-at-home
        /// hours, visits.
        pub activity_cost: f64,
        /// Capacity cost: enhanced beds and hospice-at-home slots available.
        pub capacity_cost: f64,
        /// Programme costs (borough's; region-only ones in the region's).
        pub programme_cost: f64,
    }
}

additive! {
    /// What happens in hospice in-patient units, kept by site.
    pub struct Units {
        /// Occupied beds × ticks.
        pub occupied_area: f64,
        /// Staffed beds × ticks.
        pub staffed_area: f64,
        /// Stays ended.
        pub stays_ended: u64,
        /// Their lengths, seconds.
        pub stay_seconds: f64,
        /// Deaths in units.
        pub deaths: u64,
        /// Refused requests' would-be stays, ticks.
        pub refused_stay: f64,
        /// People on the waiting list × ticks.
        pub waiting_area: f64,
        /// Occupied bed-day cost.
        pub activity_cost: f64,
        /// Available bed-day cost.
        pub capacity_cost: f64,
        /// Programme costs.
        pub programme_cost: f64,
    }
}

additive! {
    /// Advice-line traffic, kept by line and by the caller's borough.
    pub struct CallTally {
        /// Calls offered.
        pub offered: u64,
        /// Answered.
        pub answered: u64,
        /// Answered within target.
        pub in_target: u64,
        /// Found all handlers busy.
        pub waited: u64,
        /// Abandoned.
        pub abandoned: u64,
        /// Waits of answered calls, seconds.
        pub wait_seconds: f64,
        /// Callbacks made.
        pub callbacks: u64,
        /// Ambulances after a call.
        pub ambulances: u64,
        /// Busy handlers × ticks.
        pub busy_area: f64,
        /// On-duty handlers × ticks.
        pub on_duty_area: f64,
        /// Cost of answered calls.
        pub activity_cost: f64,
        /// The line's yearly running and programme costs.
        pub programme_cost: f64,
    }
}

additive! {
    /// Workforce demand and supply, FTE × ticks, by role.
    pub struct Staffing {
        /// Demand.
        pub demand_area: [f64; 5],
        /// Supply.
        pub supply_area: [f64; 5],
        /// Staff cost.
        pub cost: f64,
        /// Areas whose gap is positive, by role (filled for the region by
        /// [`Tally::region`]; 0 in an area's own tally).
        pub short_areas: [u64; 5],
        /// Sum of the areas' positive gaps, FTE × ticks, by role (region
        /// only, as `short_areas`).
        pub shortfall_area: [f64; 5],
    }
}

impl Staffing {
    /// Counts the roles short in `area` into the region's shortfalls.
    fn count_shortfalls(&mut self, area: &Staffing) {
        for r in 0..ROLES.len() {
            let gap = area.demand_area[r] - area.supply_area[r];
            if gap > 0.0 {
                self.short_areas[r] += 1;
                self.shortfall_area[r] += gap;
            }
        }
    }

    /// Roles short of staff: in an area, whose gap is positive; in the
    /// region, short in some area.
    fn short_roles(&self) -> usize {
        (0..ROLES.len())
            .filter(|&r| self.short_areas[r] > 0 || self.demand_area[r] > self.supply_area[r])
            .count()
    }

    /// Positive gaps only, FTE × ticks (the region's: over its areas).
    fn shortfall(&self) -> f64 {
        (0..ROLES.len())
            .map(|r| {
                let own = (self.demand_area[r] - self.supply_area[r]).max(0.0);
                own.max(self.shortfall_area[r])
            })
            .sum()
    }
}

/// Raw, additive sums for one area in one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Residents' outcomes.
    pub residents: Residents,
    /// Unit figures.
    pub units: Units,
    /// Calls.
    pub calls: CallTally,
    /// Workforce.
    pub staff: Staffing,
}

/// The non-additive percentiles of an area's year.
#[derive(Debug, Clone, Copy)]
pub struct Percentiles {
    /// 95th percentile of occupied beds.
    pub occupancy_p95: f64,
    /// 90th percentile of answered call waits, seconds.
    pub wait_p90: f64,
}

impl Tally {
    /// The region's tally from its boroughs, sites and lines (each group
    /// from the one kind of area that owns it) and region-only residents'
    /// figures.
    pub fn region(
        boroughs: &[Tally],
        sites: &[Tally],
        lines: &[Tally],
        region: &Residents,
    ) -> Tally {
        let mut all = Tally {
            residents: region.clone(),
            ..Tally::default()
        };
        boroughs
            .iter()
            .for_each(|t| all.residents.add(&t.residents));
        sites.iter().for_each(|t| all.units.add(&t.units));
        lines.iter().for_each(|t| all.calls.add(&t.calls));
        boroughs.iter().chain(sites).chain(lines).for_each(|t| {
            all.staff.add(&t.staff);
            all.staff.count_shortfalls(&t.staff);
        });
        all
    }

    fn cost_staff(&self) -> f64 {
        self.staff.cost
    }

    fn cost_beds(&self) -> f64 {
        self.residents.capacity_cost + self.units.capacity_cost
    }

    fn cost_activity(&self) -> f64 {
        self.residents.activity_cost + self.units.activity_cost + self.calls.activity_cost
    }

    fn cost_programmes(&self) -> f64 {
        self.residents.programme_cost + self.units.programme_cost + self.calls.programme_cost
    }

    /// The value of `metric`.
    pub fn value(&self, metric: Metric, pc: Percentiles) -> f64 {
        use Metric::*;
        let (r, u, c) = (&self.residents, &self.units, &self.calls);
        let year = YEAR as f64;
        let pct = |num: u64, den: u64| {
            if den == 0 {
                f64::NAN
            } else {
                100.0 * num as f64 / den as f64
            }
        };
        let ratio = |num: f64, den: f64| {
            if den > 0.0 {
                100.0 * num / den
            } else {
                f64::NAN
            }
        };
        let mean_days = |sum: f64, n: u64| {
            if n == 0 {
                f64::NAN
            } else {
                sum / n as f64 / (DAY / SECOND) as f64
            }
        };
        let cspc_total: u64 = r.cspc_deaths.iter().sum();
        let n = |x: u64| x as f64;
        let fte = |area: f64| area / year;
        let (d, s) = (&self.staff.demand_area, &self.staff.supply_area);
        match metric {
            referrals => n(r.referrals),
            deaths => n(r.deaths.iter().sum()),
            deaths_home => n(r.deaths[0]),
            deaths_care_home => n(r.deaths[1]),
            deaths_hospice => n(r.deaths[2]),
            deaths_enhanced_bed => n(r.deaths[3]),
            deaths_hospital => n(r.deaths[4]),
            cspc_deaths => n(cspc_total),
            cspc_deaths_home => n(r.cspc_deaths[0]),
            cspc_deaths_care_home => n(r.cspc_deaths[1]),
            cspc_deaths_hospice => n(r.cspc_deaths[2]),
            cspc_deaths_enhanced_bed => n(r.cspc_deaths[3]),
            cspc_deaths_hospital => n(r.cspc_deaths[4]),
            cspc_deaths_home_pct => pct(r.cspc_deaths[0], cspc_total),
            cspc_deaths_hospital_pct => pct(r.cspc_deaths[4], cspc_total),
            preferred_place_met_pct => pct(r.preference_met, cspc_total),
            died_waiting => n(r.cspc_died_waiting + r.ipu_died_waiting),
            cspc_died_waiting => n(r.cspc_died_waiting),
            ipu_died_waiting => n(r.ipu_died_waiting),
            cspc_caseload_mean => r.caseload_area / year,
            cspc_capacity_mean => r.caseload_capacity_area / year,
            cspc_waiting_mean => r.cspc_waiting_area / year,
            cspc_wait_days_mean => mean_days(r.cspc_wait_seconds, r.cspc_taken_on),
            cspc_visits => n(r.visits),
            crises => n(r.crises),
            ipu_admissions => n(r.ipu_admissions),
            ipu_turned_away => n(r.ipu_turned_away),
            ipu_wait_days_mean => mean_days(r.ipu_wait_seconds, r.ipu_from_list),
            ipu_occupancy_mean => u.occupied_area / year,
            ipu_waiting_mean => u.waiting_area / year,
            ipu_occupancy_p95 => pc.occupancy_p95,
            ipu_occupancy_pct => ratio(u.occupied_area, u.staffed_area),
            ipu_staffed_beds_mean => u.staffed_area / year,
            ipu_los_days_mean => mean_days(u.stay_seconds, u.stays_ended),
            ipu_deaths => n(u.deaths),
            ipu_refused_bed_days => u.refused_stay / DAY as f64,
            enhanced_admissions => n(r.enhanced_admissions),
            enhanced_occupancy_mean => r.enhanced_area / year,
            hah_patients => n(r.hah_patients),
            hah_unmet => n(r.hah_unmet),
            hah_occupancy_mean => r.hah_area / year,
            hah_slots_mean => r.hah_slots_area / year,
            acute_admissions => n(r.acute_admissions),
            bereavement_referrals => n(r.bereavement_referrals),
            bereavement_waiting_mean => r.bereavement_waiting_area / year,
            calls => n(c.offered),
            calls_answered_in_target_pct => pct(c.in_target, c.offered),
            calls_waited_pct => pct(c.waited, c.offered),
            calls_abandoned_pct => pct(c.abandoned, c.offered),
            call_wait_seconds_mean => {
                if c.answered == 0 {
                    f64::NAN
                } else {
                    c.wait_seconds / c.answered as f64
                }
            }
            call_wait_seconds_p90 => pc.wait_p90,
            handler_utilisation_pct => ratio(c.busy_area, c.on_duty_area),
            callbacks => n(c.callbacks),
            call_ambulances => n(c.ambulances),
            fte_demand_cspc_nurse => fte(d[0]),
            fte_supply_cspc_nurse => fte(s[0]),
            fte_gap_cspc_nurse => fte(d[0] - s[0]),
            fte_demand_hah_nurse => fte(d[1]),
            fte_supply_hah_nurse => fte(s[1]),
            fte_gap_hah_nurse => fte(d[1] - s[1]),
            fte_demand_ipu_nurse => fte(d[2]),
            fte_supply_ipu_nurse => fte(s[2]),
            fte_gap_ipu_nurse => fte(d[2] - s[2]),
            fte_demand_consultant => fte(d[3]),
            fte_supply_consultant => fte(s[3]),
            fte_gap_consultant => fte(d[3] - s[3]),
            fte_demand_advice_nurse => fte(d[4]),
            fte_supply_advice_nurse => fte(s[4]),
            fte_gap_advice_nurse => fte(d[4] - s[4]),
            fte_short_roles => self.staff.short_roles() as f64,
            fte_shortfall_total => fte(self.staff.shortfall()),
            acute_occupancy_mean => r.acute_area / year,
            ipu_turned_away_pct => pct(r.ipu_turned_away, r.ipu_requests),
            cost_acute => r.acute_cost,
            cost_staff => self.cost_staff(),
            cost_beds => self.cost_beds(),
            cost_activity => self.cost_activity(),
            cost_programmes => self.cost_programmes(),
            cost_total => {
                self.cost_staff() + self.cost_beds() + self.cost_activity() + self.cost_programmes()
            }
        }
    }
}

/// Clock ticks spent at each integer level, for exact time-weighted quantiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LevelHistogram {
    seconds: Vec<u64>,
}

impl LevelHistogram {
    /// A histogram with room for levels `0..=max` (it grows if needed).
    pub fn with_max(max: u32) -> Self {
        LevelHistogram {
            seconds: vec![0; max as usize + 1],
        }
    }

    /// Records `seconds` (clock ticks) spent at `level`.
    pub fn add(&mut self, level: u32, seconds: u64) {
        let i = level as usize;
        if i >= self.seconds.len() {
            self.seconds.resize(i + 1, 0);
        }
        self.seconds[i] += seconds;
    }

    /// The smallest level at or below which at least `q` of the time was
    /// spent (NaN if no time recorded).
    pub fn quantile(&self, q: f64) -> f64 {
        let total: u64 = self.seconds.iter().sum();
        if total == 0 {
            return f64::NAN;
        }
        let mut acc = 0u64;
        for (level, &s) in self.seconds.iter().enumerate() {
            acc += s;
            if acc as f64 >= q * total as f64 {
                return level as f64;
            }
        }
        (self.seconds.len() - 1) as f64
    }

    /// Forgets everything, keeping the allocation.
    pub fn clear(&mut self) {
        self.seconds.iter_mut().for_each(|s| *s = 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantile_is_time_weighted() {
        let mut h = LevelHistogram::with_max(3);
        h.add(0, 50);
        h.add(2, 45);
        h.add(5, 5);
        assert_eq!(h.quantile(0.5), 0.0);
        assert_eq!(h.quantile(0.95), 2.0);
        assert_eq!(h.quantile(0.96), 5.0);
    }

    #[test]
    fn metric_names_are_unique_and_roles_have_three_metrics() {
        let mut names: Vec<&str> = METRICS.iter().map(|m| m.1).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), METRIC_COUNT);
        for role in ROLES {
            for kind in ["demand", "supply", "gap"] {
                assert!(
                    names.contains(&format!("fte_{kind}_{role}").as_str()),
                    "{kind} {role}"
                );
            }
        }
    }
}
