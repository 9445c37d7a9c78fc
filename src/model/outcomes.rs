//! Residents' outcomes, kept by borough and by population segment: referrals, crises, deaths by
//! place (everyone, and people known to the CSPC service), whether the
//! preferred place was met, deaths on a waiting list; and the yearly
//! programme costs of the borough's and the region's interventions.

use super::ids::{Area, BoroughId, SegmentId};
use super::metrics::{Ledger, Levels, YearOut, pct, per_year};
use super::person::{PLACES, Place};

crate::metric_table! {
    /// Residents' outcome metrics.
    pub enum OutcomeMetric {
        referrals: BG, "People referred to community specialist palliative care (CSPC) in the year.";
        deaths: BG, "All deaths of residents.";
        deaths_home: BG, "Deaths at home.";
        deaths_care_home: BG, "Deaths in a care home.";
        deaths_hospice: BG, "Deaths in a hospice in-patient unit (IPU).";
        deaths_enhanced_bed: BG, "Deaths in an enhanced end-of-life bed.";
        deaths_hospital: BG, "Deaths in an acute hospital.";
        cspc_deaths: BG, "Deaths of people who were on a CSPC caseload.";
        cspc_deaths_home: BG, "Of those, at home.";
        cspc_deaths_care_home: BG, "Of those, in a care home.";
        cspc_deaths_hospice: BG, "Of those, in a hospice IPU.";
        cspc_deaths_enhanced_bed: BG, "Of those, in an enhanced bed.";
        cspc_deaths_hospital: BG, "Of those, in hospital.";
        cspc_deaths_home_pct: BG, "Share of CSPC patients' deaths at home, %.";
        cspc_deaths_hospital_pct: BG, "Share of CSPC patients' deaths in hospital, %.";
        preferred_place_met_pct: BG, "Share of CSPC patients who died where they preferred, % (a hospice preference is met by an IPU or enhanced bed).";
        died_waiting: BG, "People who died on a waiting list (CSPC caseload or IPU bed).";
        cspc_died_waiting: BG, "People who died waiting for a CSPC caseload place.";
        crises: BG, "Crises among people on the caseload.";
    }
}

crate::additive! {
    /// One borough's residents in one year.
    pub struct OutcomeTally {
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
        /// Died waiting for a bed.
        pub bed_died_waiting: u64,
        /// Crises.
        pub crises: u64,
        /// Programme costs.
        pub ledger: Ledger,
    }
}

/// Residents' outcomes of one replication.
#[derive(Debug)]
pub struct Outcomes {
    boroughs: Vec<OutcomeTally>,
    segments: Vec<OutcomeTally>,
    borough_levels: Vec<Levels<1>>,
    region: Ledger,
    region_level: Levels<1>,
}

impl Outcomes {
    /// Nothing counted yet, for `boroughs` boroughs and `segments`
    /// population segments.
    pub fn new(boroughs: usize, segments: usize) -> Self {
        Outcomes {
            boroughs: vec![OutcomeTally::default(); boroughs],
            segments: vec![OutcomeTally::default(); segments],
            borough_levels: vec![Levels::default(); boroughs],
            region: Ledger::default(),
            region_level: Levels::default(),
        }
    }

    /// The tallies a resident of `b` in segment `g` counts in.
    fn tallies(&mut self, b: BoroughId, g: Option<SegmentId>) -> [Option<&mut OutcomeTally>; 2] {
        let segment = match g {
            Some(g) => self.segments.get_mut(g.index()),
            None => None,
        };
        [Some(&mut self.boroughs[b.index()]), segment]
    }

    /// A resident of `b` (segment `g`) is referred.
    pub fn count_referral(&mut self, b: BoroughId, g: Option<SegmentId>) {
        for t in self.tallies(b, g).into_iter().flatten() {
            t.referrals += 1;
        }
    }

    /// A crisis of a resident of `b` (segment `g`).
    pub fn count_crisis(&mut self, b: BoroughId, g: Option<SegmentId>) {
        for t in self.tallies(b, g).into_iter().flatten() {
            t.crises += 1;
        }
    }

    /// A resident of `b` (segment `g`) died in a bed's waiting list.
    pub fn count_bed_died_waiting(&mut self, b: BoroughId, g: Option<SegmentId>) {
        for t in self.tallies(b, g).into_iter().flatten() {
            t.bed_died_waiting += 1;
        }
    }

    /// A death of a resident of `b` (segment `g`) at `place`: of someone
    /// never taken on (`known` `None`: not referred, or died waiting for
    /// the caseload when `waiting`), or of a caseload patient who did or
    /// did not die where they preferred.
    pub fn count_death(
        &mut self,
        b: BoroughId,
        g: Option<SegmentId>,
        place: Place,
        known: Option<bool>,
        waiting: bool,
    ) {
        for t in self.tallies(b, g).into_iter().flatten() {
            t.deaths[place as usize] += 1;
            match known {
                Some(met) => {
                    t.cspc_deaths[place as usize] += 1;
                    t.preference_met += met as u64;
                }
                None if waiting => t.cspc_died_waiting += 1,
                None => {}
            }
        }
    }

    /// Integrates the programme costs in force up to `now`: the
    /// borough's (`per_year` each) and the region's.
    pub fn observe(
        &mut self,
        now: u64,
        borough_per_year: impl Iterator<Item = f64>,
        region_per_year: f64,
    ) {
        for (i, p) in borough_per_year.enumerate() {
            let ([per_year_in_force], dt) = self.borough_levels[i].advance(now, [p]);
            self.boroughs[i].ledger.costs.programmes += per_year_in_force * per_year(dt);
        }
        let ([region], dt) = self.region_level.advance(now, [region_per_year]);
        self.region.costs.programmes += region * per_year(dt);
    }

    /// Programme costs of borough `b` this year.
    pub fn ledger(&self, b: BoroughId) -> &Ledger {
        &self.boroughs[b.index()].ledger
    }

    /// Region-wide programme costs this year.
    pub fn region_ledger(&self) -> &Ledger {
        &self.region
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.boroughs[b.index()]);
        }
        for g in out.segments() {
            write(out, Area::Segment(g), &self.segments[g.index()]);
        }
        write(out, Area::All, &OutcomeTally::sum(&self.boroughs));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.boroughs.fill(OutcomeTally::default());
        self.segments.fill(OutcomeTally::default());
        self.region = Ledger::default();
    }
}

fn write(out: &mut YearOut, area: Area, r: &OutcomeTally) {
    use OutcomeMetric::*;
    let cspc_total: u64 = r.cspc_deaths.iter().sum();
    let n = |x: u64| x as f64;
    for &m in OutcomeMetric::ALL {
        let v = match m {
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
            died_waiting => n(r.cspc_died_waiting + r.bed_died_waiting),
            cspc_died_waiting => n(r.cspc_died_waiting),
            crises => n(r.crises),
        };
        out.put(area, m as usize, v);
    }
}
