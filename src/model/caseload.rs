//! The community specialist palliative care (CSPC) caseload of each
//! borough: places from the nurses in post × caseload per FTE, a FIFO
//! waiting list (urgent before routine) that people can die on, home
//! visits, and the nurses' supply, demand and cost.

use super::ids::{Area, BoroughId, SegmentId};
use super::metrics::{Ledger, Levels, YearOut, mean_days, per_year};
use super::workforce::fte_year_cost;
use super::workforce::{StaffPool, SupplyConfig, pool_key, role};
use crate::engine::SimTime;
use crate::engine::pool::{CapacityPool, Request, Waiter};
use crate::engine::time::SECOND;
use crate::scenario::types::Role;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Caseload metrics.
    pub enum CaseloadMetric {
        cspc_caseload_mean: B, "Time-average number of people on the CSPC caseload.";
        cspc_capacity_mean: B, "Time-average CSPC caseload places (staff in post × caseload per FTE).";
        cspc_waiting_mean: B, "Time-average number waiting for a caseload place.";
        cspc_wait_days_mean: BG, "Mean days from referral to a caseload place, for people taken on in the year.";
        cspc_visits: B, "CSPC home visits (scheduled, and those an advice call leads to).";
        fte_demand_cspc_nurse: B, "CSPC nurse FTE needed for the demand that arrived: (mean caseload + mean waiting list) ÷ caseload per FTE.";
        fte_supply_cspc_nurse: B, "CSPC nurse FTE in post (time-average).";
        fte_gap_cspc_nurse: B, "Demand − supply, CSPC nurses (positive: a shortfall).";
    }
}

/// One borough's caseload, compiled.
#[derive(Debug, Clone)]
pub struct CaseloadConfig {
    /// Patients per CSPC nurse FTE.
    pub caseload_per_fte: f64,
    /// CSPC nurse establishment, FTE.
    pub establishment: f64,
    /// Caseload places with every post filled.
    pub capacity: u32,
    /// Cost per visit.
    pub visit_cost: f64,
    /// Cost per nurse FTE-year.
    pub fte_year_cost: f64,
}

impl CaseloadConfig {
    /// Every borough's caseload from a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<CaseloadConfig> {
        let fte_year_cost = fte_year_cost(s, Role::CspcNurse);
        s.boroughs
            .iter()
            .map(|b| CaseloadConfig {
                caseload_per_fte: b.cspc.caseload_per_fte.get(),
                establishment: b.cspc.nurses_fte.get(),
                capacity: (b.cspc.nurses_fte.get() * b.cspc.caseload_per_fte.get()).floor() as u32,
                visit_cost: s.costs.cspc_visit.get(),
                fte_year_cost,
            })
            .collect()
    }
}

crate::additive! {
    /// A borough's caseload in one year.
    pub struct CaseloadTally {
        /// People taken onto the caseload.
        pub taken_on: u64,
        /// Their waits, seconds.
        pub wait_seconds: f64,
        /// Caseload × ticks.
        pub caseload_area: f64,
        /// Caseload places × ticks.
        pub capacity_area: f64,
        /// Waiting × ticks.
        pub waiting_area: f64,
        /// Visits.
        pub visits: u64,
        /// Staff and costs.
        pub ledger: Ledger,
    }
}

/// The caseloads of every borough in one replication.
#[derive(Debug)]
pub struct Caseloads {
    pools: Vec<CapacityPool>,
    staff: Vec<StaffPool>,
    levels: Vec<Levels<4>>,
    tallies: Vec<CaseloadTally>,
    /// People taken on and their waits, by borough and segment
    /// (`[borough][segment]`): a segment's row adds its boroughs up in
    /// borough order, so it does not depend on which borough's events
    /// ran first.
    segment_waits: Vec<(u64, f64)>,
    segments: usize,
}

/// Priority of people whose prognosis is short (served first).
pub const URGENT: usize = 0;
/// Priority of everyone else.
pub const ROUTINE: usize = 1;

impl Caseloads {
    /// Caseloads at their starting staffing.
    pub fn new(
        cfg: &[CaseloadConfig],
        supply: Option<SupplyConfig>,
        segments: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        Caseloads {
            pools: cfg
                .iter()
                .map(|c| CapacityPool::new(c.capacity, usize::MAX, 2))
                .collect(),
            staff: cfg
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let key = pool_key(role::CSPC_NURSE, i);
                    StaffPool::new(c.establishment, supply, seed, key, rep)
                })
                .collect(),
            levels: vec![Levels::default(); cfg.len()],
            tallies: vec![CaseloadTally::default(); cfg.len()],
            segment_waits: vec![(0, 0.0); cfg.len() * segments],
            segments,
        }
    }

    /// Asks for a place for person `id` (granted, or queued without limit).
    pub fn request(&mut self, b: BoroughId, id: u64, priority: usize, now: u64) -> Request {
        self.pools[b.index()].request(id, priority, SimTime(now))
    }

    /// Counts a person of `b` (segment `g`) taken on after waiting
    /// `waited` ticks.
    pub fn count_taken_on(&mut self, b: BoroughId, g: Option<SegmentId>, waited: u64) {
        let seconds = waited as f64 / SECOND as f64;
        let t = &mut self.tallies[b.index()];
        t.taken_on += 1;
        t.wait_seconds += seconds;
        if let Some(g) = g {
            let w = &mut self.segment_waits[b.index() * self.segments + g.index()];
            w.0 += 1;
            w.1 += seconds;
        }
    }

    /// Counts `visits` home visits.
    pub fn count_visits(&mut self, b: BoroughId, visits: u64, cfg: &CaseloadConfig) {
        let t = &mut self.tallies[b.index()];
        t.visits += visits;
        t.ledger.costs.activity += cfg.visit_cost * visits as f64;
    }

    /// A place is given up; the next person waiting, if the team has room.
    pub fn release(&mut self, b: BoroughId) -> Option<Waiter> {
        self.pools[b.index()].release()
    }

    /// Person `id` leaves the waiting list (died waiting).
    pub fn renege(&mut self, b: BoroughId, id: u64) {
        self.pools[b.index()].renege(id);
    }

    /// Places follow the nurses in post.
    pub fn apply_staffing(&mut self, b: BoroughId, cfg: &CaseloadConfig) {
        let fte = self.staff[b.index()].fte;
        let places = (fte * cfg.caseload_per_fte + 1e-9).floor() as u32;
        self.pools[b.index()].set_capacity(places);
    }

    /// The next person waiting, if a place is free.
    pub fn admit_next(&mut self, b: BoroughId) -> Option<Waiter> {
        self.pools[b.index()].admit_next()
    }

    /// New establishments and supply dynamics (an intervention).
    pub fn replan(&mut self, cfg: &[CaseloadConfig], supply: Option<SupplyConfig>) {
        for (pool, c) in self.staff.iter_mut().zip(cfg) {
            pool.replan(c.establishment, supply);
        }
    }

    /// One month of staff supply.
    pub fn step_month(&mut self) {
        self.staff.iter_mut().for_each(StaffPool::step_month);
    }

    /// Integrates borough `b`'s levels up to `now` and reads the new ones.
    pub fn observe(&mut self, b: BoroughId, now: u64, cfg: &CaseloadConfig) {
        let i = b.index();
        let pool = &self.pools[i];
        let next = [
            pool.busy() as f64,
            pool.capacity() as f64,
            pool.waiting() as f64,
            self.staff[i].fte,
        ];
        let ([caseload, capacity, waiting, fte], dt) = self.levels[i].advance(now, next);
        if dt > 0.0 {
            let t = &mut self.tallies[i];
            t.caseload_area += caseload * dt;
            t.capacity_area += capacity * dt;
            t.waiting_area += waiting * dt;
            t.ledger.staff.demand_area[role::CSPC_NURSE] +=
                (caseload + waiting) / cfg.caseload_per_fte.max(1e-12) * dt;
            let r = role::CSPC_NURSE;
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
        for g in out.segments() {
            let mut t = CaseloadTally::default();
            for w in self
                .segment_waits
                .iter()
                .skip(g.index())
                .step_by(self.segments)
            {
                t.taken_on += w.0;
                t.wait_seconds += w.1;
            }
            write(out, Area::Segment(g), &t);
        }
        write(out, Area::All, &CaseloadTally::sum(&self.tallies));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(CaseloadTally::default());
        self.segment_waits.fill((0, 0.0));
    }
}

fn write(out: &mut YearOut, area: Area, t: &CaseloadTally) {
    use CaseloadMetric::*;
    let (d, s) = (
        t.ledger.staff.demand_area[role::CSPC_NURSE],
        t.ledger.staff.supply_area[role::CSPC_NURSE],
    );
    for &m in CaseloadMetric::ALL {
        let v = match m {
            cspc_caseload_mean => per_year(t.caseload_area),
            cspc_capacity_mean => per_year(t.capacity_area),
            cspc_waiting_mean => per_year(t.waiting_area),
            cspc_wait_days_mean => mean_days(t.wait_seconds, t.taken_on),
            cspc_visits => t.visits as f64,
            fte_demand_cspc_nurse => per_year(d),
            fte_supply_cspc_nurse => per_year(s),
            fte_gap_cspc_nurse => per_year(d - s),
        };
        out.put(area, m as usize, v);
    }
}
