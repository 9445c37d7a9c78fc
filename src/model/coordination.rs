//! Care coordination in primary care: coordinators attached to the
//! practices of an entry's boroughs under an integration model (total,
//! partial or virtual), with a caseload (coordinators in post × people per
//! FTE). A person whose practice is covered (a draw keyed on the person,
//! with chance practices covered ÷ practices) is coordinated if the
//! caseload has room when their need begins; the integration model then
//! sets how much earlier they are identified (their time from referral to
//! death is longer), how many more of them are identified at all (reach
//! uplift), and their crisis and last-days hospital rates. A coordinated
//! person holds a caseload place until they die. Roll-out across
//! practices is an intervention on `practices_covered`.

use super::ids::{Area, BoroughId, borough_ids};
use super::metrics::{Ledger, YearOut, mean_days, per_year};
use super::units::StaffedUnits;
use super::workforce::fte_year_cost;
use super::workforce::{SupplyConfig, role, staffed_units};
use crate::engine::SimTime;
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, keyed_uniform};
use crate::engine::time::{DAY, SECOND};
use crate::scenario::types::Role;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Care coordination metrics.
    pub enum CoordinationMetric {
        coordinated: B, "People whose care a primary-care coordinator started coordinating (covered practice, caseload with room).";
        coordination_unmet: B, "People referred from covered practices but not coordinated: the coordinators' caseload was full.";
        coordinated_referrals: B, "Referrals to CSPC of coordinated people (the reach uplift included).";
        referral_to_death_days_mean: B, "Mean days from referral to death of everyone referred in the year (coordinated people are referred earlier).";
        coordinated_mean: R, "Time-average people coordinated at once.";
        fte_demand_care_coordinator: R, "Care coordinator FTE needed: (mean people coordinated + people of covered practices turned away × the mean time their entry's people were coordinated ÷ 365 days) ÷ caseload per FTE.";
        fte_supply_care_coordinator: R, "Care coordinator FTE in post.";
        fte_gap_care_coordinator: R, "Demand − supply, care coordinators (positive: a shortfall).";
    }
}

/// One care coordination entry, compiled.
#[derive(Debug, Clone)]
pub struct CoordinationConfig {
    /// Name.
    pub name: String,
    /// Boroughs covered.
    pub boroughs: Vec<BoroughId>,
    /// Share of practices with a coordinator attached.
    pub coverage: f64,
    /// People coordinated at once per FTE.
    pub caseload_per_fte: f64,
    /// Coordinators' establishment, FTE.
    pub establishment: f64,
    /// Ticks earlier a coordinated person is referred.
    pub earlier: u64,
    /// Share of otherwise-unreferred deaths that coordination refers.
    pub reach_uplift: f64,
    /// Relative crisis rate of coordinated people.
    pub crisis_rr: f64,
    /// Relative chance of a last-days hospital transfer.
    pub hospital_rr: f64,
    /// Yearly programme cost.
    pub programmes_per_year: f64,
    /// Cost per coordinator FTE-year.
    pub fte_year_cost: f64,
}

impl CoordinationConfig {
    /// Every entry of a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<CoordinationConfig> {
        let fte_year_cost = fte_year_cost(s, Role::CareCoordinator);
        s.care_coordination
            .iter()
            .map(|k| {
                let effect = s.coordination_models.effect(k.model);
                let practices = k.practices.get().max(1) as f64;
                CoordinationConfig {
                    name: k.name.clone(),
                    boroughs: borough_ids(s, &k.boroughs),
                    coverage: (k.practices_covered.get() as f64 / practices).min(1.0),
                    caseload_per_fte: k.caseload_per_fte.get(),
                    establishment: k.coordinators_fte.get(),
                    earlier: (effect.identified_earlier_days.get() * DAY as f64) as u64,
                    reach_uplift: effect.reach_uplift.get(),
                    crisis_rr: effect.crisis_rr.get(),
                    hospital_rr: effect.hospital_rr.get(),
                    programmes_per_year: k.cost_per_year.get(),
                    fte_year_cost,
                }
            })
            .collect()
    }

    fn places(&self, fte: f64) -> u32 {
        staffed_units(fte * self.caseload_per_fte, 1.0)
    }
}

crate::additive! {
    /// One borough's care coordination in one year.
    pub struct CoordinationTally {
        /// People coordinated.
        pub coordinated: u64,
        /// Covered but the caseload was full.
        pub unmet: u64,
        /// Referrals of coordinated people.
        pub coordinated_referrals: u64,
        /// Referrals (everyone).
        pub referrals: u64,
        /// Their referral-to-death times, seconds.
        pub referral_seconds: f64,
    }
}

/// Care coordination of one replication.
#[derive(Debug)]
pub struct Coordination {
    pools: Vec<CapacityPool>,
    /// Levels: people coordinated.
    units: StaffedUnits<1>,
    /// Each entry's person-ticks coordinated this year (added up in entry
    /// order for the region).
    coordinated_area: Vec<f64>,
    /// Each entry's coordinated time of people who left (ticks) and their
    /// number, for the demand of those it turned away.
    held: Vec<(f64, u64)>,
    /// The entry coordinating each person slot (`u16::MAX`: none), and
    /// since when.
    members: Vec<(u16, u64)>,
    tallies: Vec<CoordinationTally>,
    seed: u64,
    rep: u64,
}

const NONE: u16 = u16::MAX;

impl Coordination {
    /// Coordination at its starting staffing.
    pub fn new(
        cfg: &[CoordinationConfig],
        supply: Option<SupplyConfig>,
        boroughs: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        let served = cfg.iter().map(|c| (&c.boroughs[..], c.establishment));
        let staff_role = role::CARE_COORDINATOR;
        let units = StaffedUnits::new(staff_role, served, boroughs, supply, seed, rep);
        Coordination {
            pools: (cfg.iter().enumerate())
                .map(|(u, c)| CapacityPool::new(c.places(units.fte(u)), 0, 1))
                .collect(),
            units,
            coordinated_area: vec![0.0; cfg.len()],
            held: vec![(0.0, 0); cfg.len()],
            members: Vec::new(),
            tallies: vec![CoordinationTally::default(); boroughs],
            seed,
            rep,
        }
    }

    /// The entry whose coordinators cover the practice of a person of `b`
    /// with key `key` (a keyed draw with chance practices covered ÷
    /// practices): `Ok` if their caseload has room for one more, `Err` if
    /// it is full; `None` if the practice is not covered.
    pub fn coordinator_for(
        &self,
        b: BoroughId,
        key: u64,
        cfg: &[CoordinationConfig],
    ) -> Option<Result<usize, usize>> {
        let u = self.units.unit_of(b)?;
        let draw = keyed_uniform(self.seed, Purpose::new("practice", 0), self.rep, key);
        if draw >= cfg[u].coverage {
            return None;
        }
        Some(if self.pools[u].has_free_unit() {
            Ok(u)
        } else {
            Err(u)
        })
    }

    /// A person of `b` referred from a covered practice of entry `u` whose
    /// coordinators' caseload was full. Demand for coordinators counts
    /// them: the place they would have held for as long as the people
    /// the entry coordinated so far held one.
    pub fn count_unmet(&mut self, u: usize, b: BoroughId, c: &CoordinationConfig) {
        self.tallies[b.index()].unmet += 1;
        let (held, left) = self.held[u];
        let mean_held = held / left.max(1) as f64;
        let per_fte = c.caseload_per_fte.max(1e-12);
        self.units.ledger(u).staff.demand_area[role::CARE_COORDINATOR] += mean_held / per_fte;
    }

    /// Counts a referral of a resident of `b` whose time from referral to
    /// death is `ticks` (`coordinated` if a coordinator referred them).
    pub fn count_referral(&mut self, b: BoroughId, ticks: u64, coordinated: bool) {
        let t = &mut self.tallies[b.index()];
        t.referrals += 1;
        t.referral_seconds += ticks as f64 / SECOND as f64;
        t.coordinated_referrals += coordinated as u64;
    }

    /// Entry `u` starts coordinating person `slot` of `b` (found by
    /// [`Self::coordinator_for`]).
    pub fn start(&mut self, u: usize, slot: usize, b: BoroughId, now: u64, c: &CoordinationConfig) {
        if slot >= self.members.len() {
            self.members.resize(slot + 1, (NONE, 0));
        }
        self.observe_unit(u, now, c);
        if self.pools[u].request(slot as u64, 0, SimTime(now)) == Request::Granted {
            self.members[slot] = (u as u16, now);
            self.tallies[b.index()].coordinated += 1;
        }
        self.observe_unit(u, now, c);
    }

    /// Person `slot` died: their coordinator's place is free again.
    pub fn leave(&mut self, slot: usize, now: u64, cfg: &[CoordinationConfig]) {
        let Some(&(u, since)) = self.members.get(slot) else {
            return;
        };
        if u == NONE {
            return;
        }
        let u = u as usize;
        self.observe_unit(u, now, &cfg[u]);
        self.pools[u].release();
        self.members[slot] = (NONE, 0);
        self.held[u].0 += now.saturating_sub(since) as f64;
        self.held[u].1 += 1;
        self.observe_unit(u, now, &cfg[u]);
    }

    fn unit_of(&self, slot: usize) -> Option<usize> {
        match self.members.get(slot) {
            Some(&(u, _)) if u != NONE => Some(u as usize),
            _ => None,
        }
    }

    /// The relative crisis rate of person `slot` (1 unless coordinated).
    pub fn crisis_rr(&self, slot: usize, cfg: &[CoordinationConfig]) -> f64 {
        self.unit_of(slot).map_or(1.0, |u| cfg[u].crisis_rr)
    }

    /// The relative chance that person `slot`'s last days end in hospital
    /// (1 unless coordinated).
    pub fn hospital_rr(&self, slot: usize, cfg: &[CoordinationConfig]) -> f64 {
        self.unit_of(slot).map_or(1.0, |u| cfg[u].hospital_rr)
    }

    /// Places follow the coordinators in post (people already coordinated
    /// keep their coordinator).
    pub fn apply_staffing(&mut self, now: u64, cfg: &[CoordinationConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
            self.pools[u].set_capacity(c.places(self.units.fte(u)));
        }
    }

    /// New establishments and dynamics (an intervention).
    pub fn replan(&mut self, cfg: &[CoordinationConfig], supply: Option<SupplyConfig>) {
        self.units
            .replan(cfg.iter().map(|c| c.establishment), supply);
    }

    /// One month of coordinators' supply.
    pub fn step_month(&mut self) {
        self.units.step_month();
    }

    fn observe_unit(&mut self, u: usize, now: u64, c: &CoordinationConfig) {
        let next = [self.pools[u].busy() as f64];
        let ([coordinated], dt, l) =
            self.units
                .observe(u, now, next, c.fte_year_cost, c.programmes_per_year);
        let r = role::CARE_COORDINATOR;
        l.staff.demand_area[r] += coordinated / c.caseload_per_fte.max(1e-12) * dt;
        self.coordinated_area[u] += coordinated * dt;
    }

    /// Integrates every level up to `now`.
    pub fn flush(&mut self, now: u64, cfg: &[CoordinationConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
        }
    }

    /// Staff and costs of every entry this year.
    pub fn ledgers(&self) -> &[Ledger] {
        self.units.ledgers()
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        let all = CoordinationTally::sum(&self.tallies);
        write(out, Area::All, &all);
        use CoordinationMetric::*;
        out.put(
            Area::All,
            coordinated_mean as usize,
            per_year(self.coordinated_area.iter().fold(0.0, |a, x| a + x)),
        );
        let fte = [
            fte_demand_care_coordinator,
            fte_supply_care_coordinator,
            fte_gap_care_coordinator,
        ];
        self.units.write_region(out, fte.map(|m| m as usize));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(CoordinationTally::default());
        self.units.reset_year();
        self.coordinated_area.fill(0.0);
    }
}

fn write(out: &mut YearOut, area: Area, t: &CoordinationTally) {
    use CoordinationMetric::*;
    let values = [
        (coordinated, t.coordinated as f64),
        (coordination_unmet, t.unmet as f64),
        (coordinated_referrals, t.coordinated_referrals as f64),
        (
            referral_to_death_days_mean,
            mean_days(t.referral_seconds, t.referrals),
        ),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
