//! What the care model measures: per-year, per-area tallies and the
//! metric table computed from them.
//!
//! A [`Tally`] holds additive raw sums (counts, waits in seconds,
//! level × seconds integrals) for one area and one year. Because every
//! field is additive, the region (`ALL`) is the field-wise sum of its
//! boroughs and sites, and percentages and means for `ALL` come out
//! properly pooled. The one non-additive figure, the 95th percentile of
//! occupied beds, is kept as an exact time-at-level histogram per site and
//! for the region.

use super::config::{PLACES, YEAR};
use crate::engine::time::DAY;

/// Which kind of area a metric is reported for (plus `ALL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Boroughs (by residence).
    Borough,
    /// Hospice in-patient sites.
    Site,
    /// Both.
    Both,
}

macro_rules! metrics {
    ($($id:ident = $name:literal, $scope:ident, $doc:literal;)*) => {
        /// Every metric, in output order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        pub enum Metric { $(#[doc = $doc] $id,)* }
        /// (metric, column name, scope, definition) for every metric.
        pub const METRICS: &[(Metric, &str, Scope, &str)] = &[$((Metric::$id, $name, Scope::$scope, $doc),)*];
    };
}

metrics! {
    referrals = "referrals", Borough, "People referred to community specialist palliative care (CSPC) in the year.";
    deaths = "deaths", Borough, "All deaths of residents.";
    deaths_home = "deaths_home", Borough, "Deaths at home.";
    deaths_care_home = "deaths_care_home", Borough, "Deaths in a care home.";
    deaths_hospice = "deaths_hospice", Borough, "Deaths in a hospice in-patient unit (IPU).";
    deaths_enhanced_bed = "deaths_enhanced_bed", Borough, "Deaths in an enhanced end-of-life bed.";
    deaths_hospital = "deaths_hospital", Borough, "Deaths in an acute hospital.";
    cspc_deaths = "cspc_deaths", Borough, "Deaths of people who were on a CSPC caseload.";
    cspc_deaths_home = "cspc_deaths_home", Borough, "Of those, at home.";
    cspc_deaths_care_home = "cspc_deaths_care_home", Borough, "Of those, in a care home.";
    cspc_deaths_hospice = "cspc_deaths_hospice", Borough, "Of those, in a hospice IPU.";
    cspc_deaths_enhanced_bed = "cspc_deaths_enhanced_bed", Borough, "Of those, in an enhanced bed.";
    cspc_deaths_hospital = "cspc_deaths_hospital", Borough, "Of those, in hospital.";
    cspc_deaths_home_pct = "cspc_deaths_home_pct", Borough, "Share of CSPC patients' deaths at home, %.";
    cspc_deaths_hospital_pct = "cspc_deaths_hospital_pct", Borough, "Share of CSPC patients' deaths in hospital, %.";
    preferred_place_met_pct = "preferred_place_met_pct", Borough, "Share of CSPC patients who died where they preferred, % (hospice preference is met by an IPU or enhanced bed).";
    died_waiting = "died_waiting", Borough, "People who died on a waiting list (CSPC caseload or IPU bed).";
    cspc_died_waiting = "cspc_died_waiting", Borough, "People who died waiting for a CSPC caseload place.";
    ipu_died_waiting = "ipu_died_waiting", Both, "People who died waiting for an IPU bed.";
    cspc_caseload_mean = "cspc_caseload_mean", Borough, "Time-average number of people on the CSPC caseload.";
    cspc_capacity_mean = "cspc_capacity_mean", Borough, "Time-average CSPC caseload places.";
    cspc_waiting_mean = "cspc_waiting_mean", Borough, "Time-average number waiting for a caseload place.";
    cspc_wait_days_mean = "cspc_wait_days_mean", Borough, "Mean days from referral to a caseload place, for people taken on in the year.";
    cspc_visits = "cspc_visits", Borough, "CSPC home visits.";
    crises = "crises", Borough, "Crises among people on the caseload.";
    ipu_admissions = "ipu_admissions", Both, "Admissions to hospice IPUs (borough: of residents; site: to the site).";
    ipu_turned_away = "ipu_turned_away", Both, "Bed requests refused: every suitable unit full and the waiting list full or absent.";
    ipu_wait_days_mean = "ipu_wait_days_mean", Both, "Mean days on the bed waiting list, for admissions from the list.";
    ipu_occupancy_mean = "ipu_occupancy_mean", Site, "Time-average occupied IPU beds.";
    ipu_occupancy_p95 = "ipu_occupancy_p95", Site, "95th percentile of occupied IPU beds over time (exact).";
    ipu_occupancy_pct = "ipu_occupancy_pct", Site, "Mean occupied beds / mean staffed beds, %.";
    ipu_staffed_beds_mean = "ipu_staffed_beds_mean", Site, "Time-average beds open (staffed).";
    ipu_los_days_mean = "ipu_los_days_mean", Site, "Mean length of stay of IPU stays ending in the year, days.";
    ipu_deaths = "ipu_deaths", Site, "Deaths in the unit.";
    enhanced_admissions = "enhanced_admissions", Borough, "Admissions to enhanced end-of-life beds.";
    enhanced_occupancy_mean = "enhanced_occupancy_mean", Borough, "Time-average occupied enhanced beds.";
    hah_patients = "hah_patients", Borough, "People who started a hospice-at-home episode.";
    hah_unmet = "hah_unmet", Borough, "People who wanted hospice at home in their last days but found no slot.";
    hah_occupancy_mean = "hah_occupancy_mean", Borough, "Time-average hospice-at-home patients.";
    acute_admissions = "acute_admissions", Borough, "Acute hospital admissions of people on the caseload.";
    bereavement_referrals = "bereavement_referrals", Borough, "Carers referred to bereavement support.";
    bereavement_waiting_mean = "bereavement_waiting_mean", Borough, "Time-average carers waiting for bereavement support (region only).";
}

/// Number of metrics.
pub const METRIC_COUNT: usize = METRICS.len();

/// Raw, additive sums for one area in one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
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
    /// Caseload × seconds.
    pub caseload_area: f64,
    /// Caseload places × seconds.
    pub caseload_capacity_area: f64,
    /// Waiting for the caseload × seconds.
    pub cspc_waiting_area: f64,
    /// Visits.
    pub visits: u64,
    /// Crises.
    pub crises: u64,
    /// IPU admissions.
    pub ipu_admissions: u64,
    /// IPU requests refused.
    pub ipu_turned_away: u64,
    /// Admissions from the waiting list.
    pub ipu_from_list: u64,
    /// Their waits, seconds.
    pub ipu_wait_seconds: f64,
    /// Occupied beds × seconds.
    pub ipu_occupied_area: f64,
    /// Staffed beds × seconds.
    pub ipu_staffed_area: f64,
    /// Stays ended.
    pub ipu_stays_ended: u64,
    /// Their lengths, seconds.
    pub ipu_stay_seconds: f64,
    /// Deaths in units.
    pub ipu_deaths: u64,
    /// Enhanced bed admissions.
    pub enhanced_admissions: u64,
    /// Occupied enhanced beds × seconds.
    pub enhanced_area: f64,
    /// HAH episodes started.
    pub hah_patients: u64,
    /// HAH requests with no slot.
    pub hah_unmet: u64,
    /// HAH patients × seconds.
    pub hah_area: f64,
    /// Acute admissions.
    pub acute_admissions: u64,
    /// Bereavement referrals.
    pub bereavement_referrals: u64,
    /// Carers waiting × seconds.
    pub bereavement_waiting_area: f64,
}

impl Tally {
    /// Adds `other` field by field.
    pub fn add(&mut self, o: &Tally) {
        self.referrals += o.referrals;
        for p in 0..PLACES {
            self.deaths[p] += o.deaths[p];
            self.cspc_deaths[p] += o.cspc_deaths[p];
        }
        self.preference_met += o.preference_met;
        self.cspc_died_waiting += o.cspc_died_waiting;
        self.ipu_died_waiting += o.ipu_died_waiting;
        self.cspc_taken_on += o.cspc_taken_on;
        self.cspc_wait_seconds += o.cspc_wait_seconds;
        self.caseload_area += o.caseload_area;
        self.caseload_capacity_area += o.caseload_capacity_area;
        self.cspc_waiting_area += o.cspc_waiting_area;
        self.visits += o.visits;
        self.crises += o.crises;
        self.ipu_admissions += o.ipu_admissions;
        self.ipu_turned_away += o.ipu_turned_away;
        self.ipu_from_list += o.ipu_from_list;
        self.ipu_wait_seconds += o.ipu_wait_seconds;
        self.ipu_occupied_area += o.ipu_occupied_area;
        self.ipu_staffed_area += o.ipu_staffed_area;
        self.ipu_stays_ended += o.ipu_stays_ended;
        self.ipu_stay_seconds += o.ipu_stay_seconds;
        self.ipu_deaths += o.ipu_deaths;
        self.enhanced_admissions += o.enhanced_admissions;
        self.enhanced_area += o.enhanced_area;
        self.hah_patients += o.hah_patients;
        self.hah_unmet += o.hah_unmet;
        self.hah_area += o.hah_area;
        self.acute_admissions += o.acute_admissions;
        self.bereavement_referrals += o.bereavement_referrals;
        self.bereavement_waiting_area += o.bereavement_waiting_area;
    }

    /// Adds the fields only sites record (occupancy, stays, deaths in unit);
    /// admissions, waits and refusals are already in the boroughs' tallies
    /// by residence, so adding them again would count them twice.
    pub fn add_site_only(&mut self, o: &Tally) {
        self.ipu_occupied_area += o.ipu_occupied_area;
        self.ipu_staffed_area += o.ipu_staffed_area;
        self.ipu_stays_ended += o.ipu_stays_ended;
        self.ipu_stay_seconds += o.ipu_stay_seconds;
        self.ipu_deaths += o.ipu_deaths;
    }

    /// The value of `metric`; `p95` is the occupancy percentile, supplied
    /// separately because it is not additive.
    pub fn value(&self, metric: Metric, p95: f64) -> f64 {
        use Metric::*;
        let year = YEAR as f64;
        let pct = |num: u64, den: u64| {
            if den == 0 {
                f64::NAN
            } else {
                100.0 * num as f64 / den as f64
            }
        };
        let mean_days = |sum: f64, n: u64| {
            if n == 0 {
                f64::NAN
            } else {
                sum / n as f64 / DAY as f64
            }
        };
        let cspc_total: u64 = self.cspc_deaths.iter().sum();
        let c = |n: u64| n as f64;
        match metric {
            referrals => c(self.referrals),
            deaths => c(self.deaths.iter().sum()),
            deaths_home => c(self.deaths[0]),
            deaths_care_home => c(self.deaths[1]),
            deaths_hospice => c(self.deaths[2]),
            deaths_enhanced_bed => c(self.deaths[3]),
            deaths_hospital => c(self.deaths[4]),
            cspc_deaths => c(cspc_total),
            cspc_deaths_home => c(self.cspc_deaths[0]),
            cspc_deaths_care_home => c(self.cspc_deaths[1]),
            cspc_deaths_hospice => c(self.cspc_deaths[2]),
            cspc_deaths_enhanced_bed => c(self.cspc_deaths[3]),
            cspc_deaths_hospital => c(self.cspc_deaths[4]),
            cspc_deaths_home_pct => pct(self.cspc_deaths[0], cspc_total),
            cspc_deaths_hospital_pct => pct(self.cspc_deaths[4], cspc_total),
            preferred_place_met_pct => pct(self.preference_met, cspc_total),
            died_waiting => c(self.cspc_died_waiting + self.ipu_died_waiting),
            cspc_died_waiting => c(self.cspc_died_waiting),
            ipu_died_waiting => c(self.ipu_died_waiting),
            cspc_caseload_mean => self.caseload_area / year,
            cspc_capacity_mean => self.caseload_capacity_area / year,
            cspc_waiting_mean => self.cspc_waiting_area / year,
            cspc_wait_days_mean => mean_days(self.cspc_wait_seconds, self.cspc_taken_on),
            cspc_visits => c(self.visits),
            crises => c(self.crises),
            ipu_admissions => c(self.ipu_admissions),
            ipu_turned_away => c(self.ipu_turned_away),
            ipu_wait_days_mean => mean_days(self.ipu_wait_seconds, self.ipu_from_list),
            ipu_occupancy_mean => self.ipu_occupied_area / year,
            ipu_occupancy_p95 => p95,
            ipu_occupancy_pct => {
                if self.ipu_staffed_area > 0.0 {
                    100.0 * self.ipu_occupied_area / self.ipu_staffed_area
                } else {
                    f64::NAN
                }
            }
            ipu_staffed_beds_mean => self.ipu_staffed_area / year,
            ipu_los_days_mean => mean_days(self.ipu_stay_seconds, self.ipu_stays_ended),
            ipu_deaths => c(self.ipu_deaths),
            enhanced_admissions => c(self.enhanced_admissions),
            enhanced_occupancy_mean => self.enhanced_area / year,
            hah_patients => c(self.hah_patients),
            hah_unmet => c(self.hah_unmet),
            hah_occupancy_mean => self.hah_area / year,
            acute_admissions => c(self.acute_admissions),
            bereavement_referrals => c(self.bereavement_referrals),
            bereavement_waiting_mean => self.bereavement_waiting_area / year,
        }
    }
}

/// Seconds spent at each integer level, for exact time-weighted quantiles.
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

    /// Records `seconds` spent at `level`.
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
    fn metric_names_are_unique() {
        let mut names: Vec<&str> = METRICS.iter().map(|m| m.1).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), METRIC_COUNT);
    }
}
