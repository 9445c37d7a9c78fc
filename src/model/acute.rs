//! Acute hospital, as far as people on the caseload use it: admissions,
//! bed-days (a level: people in acute hospital) and their cost. Acute
//! capacity is not modelled; every admission is taken.

use super::dist::Sampler;
use super::ids::{Area, BoroughId, SegmentId};
use super::metrics::{Ledger, Levels, YearOut, per_year};
use crate::engine::time::DAY;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Acute hospital metrics.
    pub enum AcuteMetric {
        acute_admissions: BG, "Acute hospital admissions of people on the caseload.";
        acute_occupancy_mean: B, "Time-average caseload patients in acute hospital (acute bed-days ÷ 365).";
        cost_acute: B, "Acute bed-day cost of caseload patients.";
    }
}

/// Acute hospital, compiled.
#[derive(Debug, Clone)]
pub struct AcuteConfig {
    /// An acute stay that does not end in death.
    pub stay: Sampler,
    /// Cost per bed-day.
    pub bed_day_cost: f64,
}

impl AcuteConfig {
    /// Acute hospital of a validated scenario.
    pub fn compile(s: &Scenario) -> AcuteConfig {
        AcuteConfig {
            stay: Sampler::new(&s.pathway.acute_stay),
            bed_day_cost: s.costs.acute_bed_day.get(),
        }
    }
}

crate::additive! {
    /// A borough's acute use in one year.
    pub struct AcuteTally {
        /// Admissions.
        pub admissions: u64,
        /// People in acute hospital × ticks.
        pub area: f64,
        /// Bed-day cost.
        pub cost: f64,
        /// Costs.
        pub ledger: Ledger,
    }
}

/// Acute hospital use of every borough's residents in one replication.
#[derive(Debug)]
pub struct AcuteHospital {
    inpatients: Vec<u32>,
    levels: Vec<Levels<1>>,
    tallies: Vec<AcuteTally>,
    /// Admissions by population segment.
    segments: Vec<AcuteTally>,
}

impl AcuteHospital {
    /// Nobody in hospital, for `boroughs` boroughs and `segments`
    /// population segments.
    pub fn new(boroughs: usize, segments: usize) -> Self {
        AcuteHospital {
            inpatients: vec![0; boroughs],
            levels: vec![Levels::default(); boroughs],
            tallies: vec![AcuteTally::default(); boroughs],
            segments: vec![AcuteTally::default(); segments],
        }
    }

    /// An admission of a resident of `b` (segment `g`).
    pub fn count_admission(&mut self, b: BoroughId, g: Option<SegmentId>) {
        self.tallies[b.index()].admissions += 1;
        if let Some(t) = g.and_then(|g| self.segments.get_mut(g.index())) {
            t.admissions += 1;
        }
    }

    /// A resident of `b` enters hospital at `now`.
    pub fn arrive(&mut self, b: BoroughId, now: u64, cfg: &AcuteConfig) {
        self.observe(b, now, cfg);
        self.inpatients[b.index()] += 1;
        self.observe(b, now, cfg);
    }

    /// A resident of `b` leaves hospital (discharge, a bed, or death).
    pub fn leave(&mut self, b: BoroughId, now: u64, cfg: &AcuteConfig) {
        self.observe(b, now, cfg);
        self.inpatients[b.index()] -= 1;
        self.observe(b, now, cfg);
    }

    /// Integrates borough `b`'s level up to `now`.
    pub fn observe(&mut self, b: BoroughId, now: u64, cfg: &AcuteConfig) {
        let i = b.index();
        let ([inpatients], dt) = self.levels[i].advance(now, [self.inpatients[i] as f64]);
        if dt > 0.0 {
            let t = &mut self.tallies[i];
            let cost = inpatients * cfg.bed_day_cost * (dt / DAY as f64);
            t.area += inpatients * dt;
            t.cost += cost;
            t.ledger.costs.activity += cost;
        }
    }

    /// Costs of borough `b` this year.
    pub fn ledger(&self, b: BoroughId) -> &Ledger {
        &self.tallies[b.index()].ledger
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        let write = |out: &mut YearOut, area, t: &AcuteTally| {
            out.put(area, 0, t.admissions as f64);
            out.put(area, 1, per_year(t.area));
            out.put(area, 2, t.cost);
        };
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        for g in out.segments() {
            write(out, Area::Segment(g), &self.segments[g.index()]);
        }
        write(out, Area::All, &AcuteTally::sum(&self.tallies));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(AcuteTally::default());
        self.segments.fill(AcuteTally::default());
    }
}
