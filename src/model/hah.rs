//! Hospice at home (HAH) in each borough: concurrent-patient slots
//! (limited by the staff in post where the borough gives an
//! establishment), episodes until death or a move to a bed, unmet requests
//! and the staff they would have needed, care hours and their cost.

use super::ids::{Area, BoroughId};
use super::metrics::{Ledger, Levels, YearOut, per_year};
use super::workforce::fte_year_cost;
use super::workforce::{StaffPool, SupplyConfig, pool_key, role, staffed_units};
use crate::engine::SimTime;
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::time::DAY;
use crate::scenario::types::Role;
use crate::scenario::types::{Cover, Scenario};

crate::metric_table! {
    /// Hospice-at-home metrics.
    pub enum HahMetric {
        hah_patients: B, "People who started a hospice-at-home episode.";
        hah_unmet: B, "People who wanted hospice at home in their last days but found no slot.";
        hah_occupancy_mean: B, "Time-average hospice-at-home patients.";
        hah_slots_mean: B, "Time-average hospice-at-home slots open (staff-limited).";
        fte_demand_hah_nurse: B, "Hospice-at-home FTE needed: (mean patients + requests with no slot × mean terminal phase ÷ 365 days) × care hours a day × 7 ÷ hours per FTE × (1 + uplift).";
        fte_supply_hah_nurse: B, "Hospice-at-home FTE in post.";
        fte_gap_hah_nurse: B, "Demand − supply, hospice at home (positive: a shortfall).";
    }
}

/// One borough's hospice at home, compiled.
#[derive(Debug, Clone)]
pub struct HahConfig {
    /// Slots (concurrent patients) with every post filled.
    pub slots: u32,
    /// Share of the 24/7 service's effect on hospital transfers this
    /// service gives (1, or the daytime share).
    pub effect: f64,
    /// Staff establishment, FTE (`None`: not staff-limited).
    pub establishment: Option<f64>,
    /// FTE needed per patient.
    pub fte_per_patient: f64,
    /// Care hours per patient-day.
    pub hours_per_day: f64,
    /// Expected episode, ticks (the mean terminal phase): the staff time
    /// a request with no slot would have needed.
    pub episode_mean: f64,
    /// Cost per care hour.
    pub hour_cost: f64,
    /// Cost per slot-day available.
    pub slot_day_available_cost: f64,
    /// Cost per FTE-year.
    pub fte_year_cost: f64,
}

impl HahConfig {
    /// Every borough's service from a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<HahConfig> {
        let (uplift, hours) = s.staffing_conventions();
        let fte_year_cost = fte_year_cost(s, Role::HahNurse);
        s.boroughs
            .iter()
            .map(|b| HahConfig {
                slots: b.hah.slots.get(),
                effect: match b.hah.cover {
                    Cover::AllDay => 1.0,
                    Cover::Daytime => s.pathway.daytime_hah_effect.get(),
                },
                establishment: b.hah.staff_fte.map(|f| f.get()),
                fte_per_patient: b.hah.hours_per_patient_day.get() * 7.0 / hours * (1.0 + uplift),
                hours_per_day: b.hah.hours_per_patient_day.get(),
                episode_mean: s.pathway.terminal_phase.mean_days() * DAY as f64,
                hour_cost: s.costs.hah_hour.get(),
                slot_day_available_cost: s.costs.hah_slot_day_available.get(),
                fte_year_cost,
            })
            .collect()
    }
}

crate::additive! {
    /// A borough's hospice at home in one year.
    pub struct HahTally {
        /// Episodes started.
        pub patients: u64,
        /// Requests with no slot.
        pub unmet: u64,
        /// Patients × ticks.
        pub area: f64,
        /// Slots × ticks.
        pub slots_area: f64,
        /// Staff and costs.
        pub ledger: Ledger,
    }
}

/// Hospice at home of every borough in one replication.
#[derive(Debug)]
pub struct HospiceAtHome {
    pools: Vec<CapacityPool>,
    staff: Vec<StaffPool>,
    levels: Vec<Levels<3>>,
    tallies: Vec<HahTally>,
}

impl HospiceAtHome {
    /// Services at their starting staffing.
    pub fn new(cfg: &[HahConfig], supply: Option<SupplyConfig>, seed: u64, rep: u64) -> Self {
        HospiceAtHome {
            pools: cfg
                .iter()
                .map(|c| CapacityPool::new(c.slots, 0, 1))
                .collect(),
            staff: cfg
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let key = pool_key(role::HAH_NURSE, i);
                    StaffPool::new(c.establishment.unwrap_or(0.0), supply, seed, key, rep)
                })
                .collect(),
            levels: vec![Levels::default(); cfg.len()],
            tallies: vec![HahTally::default(); cfg.len()],
        }
    }

    /// Starts an episode for person `id` if a slot is free; true if so.
    pub fn start(&mut self, b: BoroughId, id: u64, now: u64) -> bool {
        let granted = self.pools[b.index()].request(id, 0, SimTime(now)) == Request::Granted;
        if granted {
            self.tallies[b.index()].patients += 1;
        }
        granted
    }

    /// A request with no slot: counted, with the staff the episode would
    /// have needed as demand.
    pub fn count_unmet(&mut self, b: BoroughId, cfg: &HahConfig) {
        let t = &mut self.tallies[b.index()];
        t.unmet += 1;
        t.ledger.staff.demand_area[role::HAH_NURSE] += cfg.fte_per_patient * cfg.episode_mean;
    }

    /// An episode ends.
    pub fn release(&mut self, b: BoroughId) {
        self.pools[b.index()].release();
    }

    /// Slots follow the staff in post.
    pub fn apply_staffing(&mut self, b: BoroughId, cfg: &HahConfig) {
        let i = b.index();
        let slots = match cfg.establishment {
            Some(_) => cfg
                .slots
                .min(staffed_units(self.staff[i].fte, cfg.fte_per_patient)),
            None => cfg.slots,
        };
        self.pools[i].set_capacity(slots);
    }

    /// New establishments and dynamics (an intervention).
    pub fn replan(&mut self, cfg: &[HahConfig], supply: Option<SupplyConfig>) {
        for (pool, c) in self.staff.iter_mut().zip(cfg) {
            pool.replan(c.establishment.unwrap_or(0.0), supply);
        }
    }

    /// One month of staff supply.
    pub fn step_month(&mut self) {
        self.staff.iter_mut().for_each(StaffPool::step_month);
    }

    /// Integrates borough `b`'s levels up to `now`.
    pub fn observe(&mut self, b: BoroughId, now: u64, cfg: &HahConfig) {
        let i = b.index();
        let fte = if cfg.establishment.is_some() {
            self.staff[i].fte
        } else {
            0.0
        };
        let next = [
            self.pools[i].busy() as f64,
            self.pools[i].capacity() as f64,
            fte,
        ];
        let ([patients, slots, fte], dt) = self.levels[i].advance(now, next);
        if dt > 0.0 {
            let t = &mut self.tallies[i];
            let days = dt / DAY as f64;
            t.area += patients * dt;
            t.slots_area += slots * dt;
            t.ledger.costs.activity += patients * cfg.hours_per_day * cfg.hour_cost * days;
            t.ledger.costs.beds += cfg.slots as f64 * cfg.slot_day_available_cost * days;
            t.ledger.staff.demand_area[role::HAH_NURSE] += patients * cfg.fte_per_patient * dt;
            let r = role::HAH_NURSE;
            t.ledger.staff_in_post(r, fte, cfg.fte_year_cost, dt);
        }
    }

    /// Staff and costs of borough `b` this year.
    pub fn ledger(&self, b: BoroughId) -> &Ledger {
        &self.tallies[b.index()].ledger
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        write(out, Area::All, &HahTally::sum(&self.tallies));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(HahTally::default());
    }
}

fn write(out: &mut YearOut, area: Area, t: &HahTally) {
    use HahMetric::*;
    let r = role::HAH_NURSE;
    let (d, s) = (t.ledger.staff.demand_area[r], t.ledger.staff.supply_area[r]);
    let values = [
        (hah_patients, t.patients as f64),
        (hah_unmet, t.unmet as f64),
        (hah_occupancy_mean, per_year(t.area)),
        (hah_slots_mean, per_year(t.slots_area)),
        (fte_demand_hah_nurse, per_year(d)),
        (fte_supply_hah_nurse, per_year(s)),
        (fte_gap_hah_nurse, per_year(d - s)),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
