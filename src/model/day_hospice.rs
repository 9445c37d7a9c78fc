//! Day hospice: units open some days a week with a number of places a
//! day; people taken onto a CSPC caseload in a unit's boroughs are
//! referred with the unit's share and attend a number of days a week, from
//! a waiting list when the unit is full, until their last days or death.
//! Attending lowers the person's crisis rate and the chance that their
//! carer needs bereavement support (both parameters). Staff in post open
//! the places (FTE per daily place).

use super::ids::{Area, BoroughId, borough_ids};
use super::metrics::{BoroughCounts, Ledger, YearOut, mean_days, per_year};
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
    /// Day hospice metrics.
    pub enum DayHospiceMetric {
        day_hospice_referrals: B, "People on the caseload referred to a day hospice.";
        day_hospice_starts: B, "People who started attending a day hospice.";
        day_hospice_attending_mean: B, "Time-average people attending a day hospice (on its books).";
        day_hospice_attendances: B, "Attendance days: people attending × attendance days a week.";
        day_hospice_waiting_mean: B, "Time-average people waiting for a day hospice place.";
        day_hospice_wait_days_mean: B, "Mean days from referral to a place, for people who started in the year.";
        day_hospice_died_waiting: B, "People who died (or reached their last days) waiting for a place.";
        day_hospice_unmet: B, "Referrals turned away: the unit's waiting list full.";
        fte_demand_day_hospice_nurse: R, "Day hospice FTE needed: (people attending + waiting) × attendance days ÷ days open × FTE per daily place.";
        fte_supply_day_hospice_nurse: R, "Day hospice FTE in post.";
        fte_gap_day_hospice_nurse: R, "Demand − supply, day hospice (positive: a shortfall).";
    }
}

/// One day hospice unit, compiled.
#[derive(Debug, Clone)]
pub struct DayHospiceConfig {
    /// Name.
    pub name: String,
    /// Boroughs served.
    pub boroughs: Vec<BoroughId>,
    /// Places a day.
    pub places_per_day: u32,
    /// Days open a week.
    pub days_open: u32,
    /// Days a week a person attends.
    pub attendance_days: u32,
    /// Share of people taken on who are referred.
    pub referral_share: f64,
    /// Waiting-list limit.
    pub waiting_list: usize,
    /// FTE per daily place.
    pub staff_per_place: f64,
    /// Staff establishment, FTE.
    pub establishment: f64,
    /// Relative crisis rate while attending.
    pub crisis_rr: f64,
    /// Relative chance the carer needs bereavement support.
    pub carer_rr: f64,
    /// Cost per attendance day.
    pub cost_per_attendance: f64,
    /// Yearly running cost.
    pub programmes_per_year: f64,
    /// Cost per FTE-year.
    pub fte_year_cost: f64,
}

impl DayHospiceConfig {
    /// Every unit of a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<DayHospiceConfig> {
        let fte_year_cost = fte_year_cost(s, Role::DayHospiceNurse);
        s.day_hospices
            .iter()
            .map(|d| DayHospiceConfig {
                name: d.name.clone(),
                boroughs: borough_ids(s, &d.boroughs),
                places_per_day: d.places_per_day.get(),
                days_open: d.days_open_per_week.max(1),
                attendance_days: d.attendance_days_per_week.max(1),
                referral_share: d.referral_share.get(),
                waiting_list: d.waiting_list.get() as usize,
                staff_per_place: d.staff_per_place.get(),
                establishment: d.staff_fte.map_or(
                    d.places_per_day.get() as f64 * d.staff_per_place.get(),
                    |f| f.get(),
                ),
                crisis_rr: d.crisis_rr.get(),
                carer_rr: d.carer_bereavement_rr.get(),
                cost_per_attendance: d.cost_per_attendance.get(),
                programmes_per_year: d.cost_per_year.get(),
                fte_year_cost,
            })
            .collect()
    }

    /// People attending at once when `places` places a day are open.
    fn attendees(&self, places: u32) -> u32 {
        places * self.days_open / self.attendance_days
    }
}

crate::additive! {
    /// One borough's use of day hospice in one year.
    pub struct DayTally {
        /// Referrals.
        pub referrals: u64,
        /// Starts.
        pub starts: u64,
        /// Their waits, seconds.
        pub wait_seconds: f64,
        /// Died or reached their last days waiting.
        pub died_waiting: u64,
        /// Turned away (list full).
        pub unmet: u64,
        /// Attending × ticks.
        pub attending_area: f64,
        /// Attendance days × ticks ÷ week (attending × days a week ÷ 7).
        pub attendance_area: f64,
        /// Waiting × ticks.
        pub waiting_area: f64,
    }
}

/// Where a person stands with day hospice.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Stage {
    /// Never referred, or forgotten.
    #[default]
    None,
    /// On the list since a time.
    Waiting(u64),
    /// Attending.
    Attending,
    /// Stopped (last days) after attending or waiting.
    Left,
}

/// A person referred to day hospice.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Member {
    unit: u16,
    borough: u16,
    stage: Stage,
    attended: bool,
}

/// Day hospice units of one replication.
#[derive(Debug)]
pub struct DayHospices {
    pools: Vec<CapacityPool>,
    /// Levels: people attending, waiting.
    units: StaffedUnits<2>,
    members: Vec<Member>,
    /// People attending and waiting, by borough.
    counts: BoroughCounts<2>,
    /// Attendance days a week ÷ 7 at the unit serving each borough.
    borough_attendance: Vec<f64>,
    tallies: Vec<DayTally>,
    seed: u64,
    rep: u64,
}

impl DayHospices {
    /// Units at their starting staffing.
    pub fn new(
        cfg: &[DayHospiceConfig],
        supply: Option<SupplyConfig>,
        boroughs: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        let served = cfg.iter().map(|c| (&c.boroughs[..], c.establishment));
        let units = StaffedUnits::new(role::DAY_HOSPICE_NURSE, served, boroughs, supply, seed, rep);
        let borough_attendance = (0..boroughs)
            .map(|b| {
                let unit = units.unit_of(BoroughId(b as u16));
                unit.map_or(0.0, |u| cfg[u].attendance_days as f64 / 7.0)
            })
            .collect();
        DayHospices {
            pools: cfg
                .iter()
                .map(|c| CapacityPool::new(c.attendees(c.places_per_day), c.waiting_list, 1))
                .collect(),
            units,
            members: Vec::new(),
            counts: BoroughCounts::new(boroughs),
            borough_attendance,
            tallies: vec![DayTally::default(); boroughs],
            seed,
            rep,
        }
    }

    fn member(&mut self, id: usize) -> &mut Member {
        if id >= self.members.len() {
            self.members.resize(id + 1, Member::default());
        }
        &mut self.members[id]
    }

    /// Person `id` (a resident of `b` with key `key`) is taken onto the
    /// caseload: referred with the unit's share (a keyed draw, so the same
    /// person is referred in every option), then given a place or a place
    /// on the list.
    pub fn refer(&mut self, id: usize, b: BoroughId, key: u64, now: u64, cfg: &[DayHospiceConfig]) {
        let Some(u) = self.units.unit_of(b) else {
            return;
        };
        let draw = keyed_uniform(self.seed, Purpose::new("day_hospice", 0), self.rep, key);
        if draw >= cfg[u].referral_share {
            return;
        }
        self.tallies[b.index()].referrals += 1;
        *self.member(id) = Member {
            unit: u as u16,
            borough: b.0,
            stage: Stage::Waiting(now),
            attended: false,
        };
        match self.pools[u].request(id as u64, 0, SimTime(now)) {
            Request::Granted => self.start(id, 0, now, &cfg[u]),
            Request::Queued => {
                self.count(b, now, [0, 1]);
                self.observe_unit(u, now, &cfg[u]);
            }
            Request::Refused => {
                self.tallies[b.index()].unmet += 1;
                self.members[id] = Member::default();
            }
        }
    }

    fn start(&mut self, id: usize, waited: u64, now: u64, cfg: &DayHospiceConfig) {
        let m = &mut self.members[id];
        let (u, b) = (m.unit as usize, BoroughId(m.borough));
        m.stage = Stage::Attending;
        m.attended = true;
        let t = &mut self.tallies[b.index()];
        t.starts += 1;
        t.wait_seconds += waited as f64 / SECOND as f64;
        self.count(b, now, [1, 0]);
        self.observe_unit(u, now, cfg);
    }

    /// Changes borough `b`'s counts of people attending and waiting.
    fn count(&mut self, b: BoroughId, now: u64, delta: [i32; 2]) {
        let ([attending, waiting], dt) = self.counts.change(b, now, delta);
        let t = &mut self.tallies[b.index()];
        t.attending_area += attending * dt;
        t.attendance_area += attending * self.borough_attendance[b.index()] * dt;
        t.waiting_area += waiting * dt;
    }

    /// Person `id` stops attending or waiting (their last days began, or
    /// they died): their place goes to the next person waiting.
    pub fn leave(&mut self, id: usize, now: u64, cfg: &[DayHospiceConfig]) {
        let Some(m) = self.members.get(id).copied() else {
            return;
        };
        let (u, b) = (m.unit as usize, BoroughId(m.borough));
        match m.stage {
            Stage::Waiting(_) => {
                self.pools[u].renege(id as u64);
                self.tallies[b.index()].died_waiting += 1;
                self.count(b, now, [0, -1]);
            }
            Stage::Attending => {
                self.count(b, now, [-1, 0]);
                if let Some(next) = self.pools[u].release() {
                    let next_borough = BoroughId(self.members[next.id as usize].borough);
                    self.count(next_borough, now, [0, -1]);
                    self.start(next.id as usize, now - next.since.ticks(), now, &cfg[u]);
                }
            }
            Stage::None | Stage::Left => return,
        }
        self.members[id].stage = Stage::Left;
        self.observe_unit(u, now, &cfg[u]);
    }

    /// Forgets person `id` (their slot will be reused).
    pub fn forget(&mut self, id: usize) {
        if let Some(m) = self.members.get_mut(id) {
            *m = Member::default();
        }
    }

    /// The relative crisis rate of person `id` (1 unless attending).
    pub fn crisis_rr(&self, id: usize, cfg: &[DayHospiceConfig]) -> f64 {
        match self.members.get(id) {
            Some(m) if m.stage == Stage::Attending => cfg[m.unit as usize].crisis_rr,
            _ => 1.0,
        }
    }

    /// The relative chance that person `id`'s carer needs bereavement
    /// support (1 unless the person attended).
    pub fn carer_rr(&self, id: usize, cfg: &[DayHospiceConfig]) -> f64 {
        match self.members.get(id) {
            Some(m) if m.attended => cfg[m.unit as usize].carer_rr,
            _ => 1.0,
        }
    }

    /// Places open follow the staff in post; people waiting start as
    /// places open.
    pub fn apply_staffing(&mut self, now: u64, cfg: &[DayHospiceConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
            let places = c
                .places_per_day
                .min(staffed_units(self.units.fte(u), c.staff_per_place));
            self.pools[u].set_capacity(c.attendees(places));
            while let Some(next) = self.pools[u].admit_next() {
                let b = BoroughId(self.members[next.id as usize].borough);
                self.count(b, now, [0, -1]);
                self.start(next.id as usize, now - next.since.ticks(), now, c);
            }
            self.observe_unit(u, now, c);
        }
    }

    /// New establishments, list limits and dynamics (an intervention).
    pub fn replan(&mut self, cfg: &[DayHospiceConfig], supply: Option<SupplyConfig>) {
        self.units
            .replan(cfg.iter().map(|c| c.establishment), supply);
        for (pool, c) in self.pools.iter_mut().zip(cfg) {
            pool.set_queue_limit(c.waiting_list);
        }
    }

    /// One month of staff supply.
    pub fn step_month(&mut self) {
        self.units.step_month();
    }

    fn observe_unit(&mut self, u: usize, now: u64, c: &DayHospiceConfig) {
        let pool = &self.pools[u];
        let next = [pool.busy() as f64, pool.waiting() as f64];
        let ([attending, waiting], dt, l) =
            self.units
                .observe(u, now, next, c.fte_year_cost, c.programmes_per_year);
        let r = role::DAY_HOSPICE_NURSE;
        let per_place = c.attendance_days as f64 / c.days_open as f64;
        l.staff.demand_area[r] += (attending + waiting) * per_place * c.staff_per_place * dt;
        let attendance_days = attending * c.attendance_days as f64 / 7.0 * (dt / DAY as f64);
        l.costs.activity += attendance_days * c.cost_per_attendance;
    }

    /// Integrates every level up to `now`.
    pub fn flush(&mut self, now: u64, cfg: &[DayHospiceConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
        }
        for b in self.counts.boroughs() {
            self.count(b, now, [0, 0]);
        }
    }

    /// Staff and costs of every unit this year.
    pub fn ledgers(&self) -> &[Ledger] {
        self.units.ledgers()
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        write(out, Area::All, &DayTally::sum(&self.tallies));
        use DayHospiceMetric::*;
        let fte = [
            fte_demand_day_hospice_nurse,
            fte_supply_day_hospice_nurse,
            fte_gap_day_hospice_nurse,
        ];
        self.units.write_region(out, fte.map(|m| m as usize));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(DayTally::default());
        self.units.reset_year();
    }
}

fn write(out: &mut YearOut, area: Area, t: &DayTally) {
    use DayHospiceMetric::*;
    let values = [
        (day_hospice_referrals, t.referrals as f64),
        (day_hospice_starts, t.starts as f64),
        (day_hospice_attending_mean, per_year(t.attending_area)),
        (day_hospice_attendances, t.attendance_area / DAY as f64),
        (day_hospice_waiting_mean, per_year(t.waiting_area)),
        (
            day_hospice_wait_days_mean,
            mean_days(t.wait_seconds, t.starts),
        ),
        (day_hospice_died_waiting, t.died_waiting as f64),
        (day_hospice_unmet, t.unmet as f64),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
