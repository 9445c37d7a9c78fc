//! Enhanced end-of-life beds (care-home or community beds) of each
//! borough: occupancy, admissions and the cost of beds available and used.

use super::dist::Sampler;
use super::ids::{Area, BoroughId};
use super::metrics::{Ledger, Levels, YearOut, per_year};
use crate::engine::SimTime;
use crate::engine::pool::CapacityPool;
use crate::engine::time::DAY;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Enhanced-bed metrics.
    pub enum EnhancedMetric {
        enhanced_admissions: B, "Admissions to enhanced end-of-life beds.";
        enhanced_occupancy_mean: B, "Time-average occupied enhanced beds.";
    }
}

/// Enhanced beds, compiled.
#[derive(Debug, Clone)]
pub struct EnhancedConfig {
    /// Beds by borough.
    pub beds: Vec<u32>,
    /// Time from admission to planned discharge.
    pub discharge_after: Sampler,
    /// Cost per occupied bed-day.
    pub bed_day_cost: f64,
    /// Cost per bed-day available.
    pub bed_day_available_cost: f64,
}

impl EnhancedConfig {
    /// Enhanced beds of a validated scenario.
    pub fn compile(s: &Scenario) -> EnhancedConfig {
        EnhancedConfig {
            beds: s.boroughs.iter().map(|b| b.enhanced_beds.get()).collect(),
            discharge_after: Sampler::new(&s.enhanced_beds.discharge_after),
            bed_day_cost: s.costs.enhanced_bed_day.get(),
            bed_day_available_cost: s.costs.enhanced_bed_day_available.get(),
        }
    }
}

crate::additive! {
    /// A borough's enhanced beds in one year.
    pub struct EnhancedTally {
        /// Admissions.
        pub admissions: u64,
        /// Occupied beds × ticks.
        pub occupied_area: f64,
        /// Costs.
        pub ledger: Ledger,
    }
}

/// The enhanced beds of every borough in one replication.
#[derive(Debug)]
pub struct EnhancedBeds {
    pools: Vec<CapacityPool>,
    levels: Vec<Levels<1>>,
    tallies: Vec<EnhancedTally>,
}

impl EnhancedBeds {
    /// Empty beds.
    pub fn new(cfg: &EnhancedConfig) -> Self {
        let n = cfg.beds.len();
        EnhancedBeds {
            pools: cfg
                .beds
                .iter()
                .map(|&b| CapacityPool::new(b, 0, 1))
                .collect(),
            levels: vec![Levels::default(); n],
            tallies: vec![EnhancedTally::default(); n],
        }
    }

    /// Free beds in borough `b`.
    pub fn free_beds(&self, b: BoroughId) -> u32 {
        let pool = &self.pools[b.index()];
        if pool.has_free_unit() {
            pool.capacity() - pool.busy()
        } else {
            0
        }
    }

    /// Takes a free bed (the caller checked one is free) for person `id`.
    pub fn admit(&mut self, b: BoroughId, id: u64, now: u64) {
        self.pools[b.index()].request(id, 0, SimTime(now));
        self.tallies[b.index()].admissions += 1;
    }

    /// A stay ends.
    pub fn release(&mut self, b: BoroughId) {
        self.pools[b.index()].release();
    }

    /// Beds after an intervention.
    pub fn replan(&mut self, cfg: &EnhancedConfig) {
        for (pool, &beds) in self.pools.iter_mut().zip(&cfg.beds) {
            pool.set_capacity(beds);
        }
    }

    /// Integrates borough `b`'s occupancy up to `now`.
    pub fn observe(&mut self, b: BoroughId, now: u64, cfg: &EnhancedConfig) {
        let i = b.index();
        let ([occupied], dt) = self.levels[i].advance(now, [self.pools[i].busy() as f64]);
        if dt > 0.0 {
            let t = &mut self.tallies[i];
            let days = dt / DAY as f64;
            t.occupied_area += occupied * dt;
            t.ledger.costs.activity += occupied * cfg.bed_day_cost * days;
            t.ledger.costs.beds += cfg.beds[i] as f64 * cfg.bed_day_available_cost * days;
        }
    }

    /// Costs of borough `b` this year.
    pub fn ledger(&self, b: BoroughId) -> &Ledger {
        &self.tallies[b.index()].ledger
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        let write = |out: &mut YearOut, area, t: &EnhancedTally| {
            out.put(area, 0, t.admissions as f64);
            out.put(area, 1, per_year(t.occupied_area));
        };
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        write(out, Area::All, &EnhancedTally::sum(&self.tallies));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(EnhancedTally::default());
    }
}
