//! Psychological support for patients and carers: a capacity-limited
//! service (clients at once = staff in post × clients per FTE) with a
//! waiting list, offering a course of sessions. Caseload patients are
//! referred when taken on, carers when the person they cared for dies
//! (each with the service's share). A patient's course ends at their death
//! if it comes first; people who die waiting, and referrals turned away by
//! a full list, are unmet need (`psych_unmet`).

use super::ids::{Area, BoroughId, borough_ids};
use super::metrics::{BoroughCounts, Ledger, YearOut, mean_days, per_year};
use super::units::StaffedUnits;
use super::workforce::fte_year_cost;
use super::workforce::{SupplyConfig, role};
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, keyed_uniform};
use crate::engine::time::{SECOND, ticks_from_days};
use crate::engine::{Scheduler, SimTime};
use crate::scenario::types::Role;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Psychological support metrics.
    pub enum PsychMetric {
        psych_referrals: B, "Patients and carers referred to psychological support.";
        psych_started: B, "Courses of psychological support started.";
        psych_clients_mean: B, "Time-average clients in a course of support.";
        psych_waiting_mean: B, "Time-average people waiting for psychological support.";
        psych_wait_days_mean: B, "Mean days from referral to the start of a course, for courses started in the year.";
        psych_unmet: B, "Referrals not met: turned away by a full list, or the patient died waiting.";
        fte_demand_psychologist: R, "Psychologist FTE needed: (clients + people waiting) ÷ clients per FTE.";
        fte_supply_psychologist: R, "Psychologists in post, FTE.";
        fte_gap_psychologist: R, "Demand − supply, psychologists (positive: a shortfall).";
    }
}

/// One psychological support service, compiled.
#[derive(Debug, Clone)]
pub struct PsychConfig {
    /// Name.
    pub name: String,
    /// Boroughs served.
    pub boroughs: Vec<BoroughId>,
    /// Staff establishment, FTE.
    pub establishment: f64,
    /// Clients at once per FTE.
    pub clients_per_fte: f64,
    /// Length of a course, ticks.
    pub course: u64,
    /// Sessions in a course.
    pub sessions: u32,
    /// Share of people taken on who are referred.
    pub patient_share: f64,
    /// Share of caseload deaths whose carers are referred.
    pub carer_share: f64,
    /// Waiting-list limit.
    pub waiting_list: usize,
    /// Cost per session.
    pub cost_per_session: f64,
    /// Yearly running cost.
    pub programmes_per_year: f64,
    /// Cost per FTE-year.
    pub fte_year_cost: f64,
}

impl PsychConfig {
    /// Every service of a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<PsychConfig> {
        let fte_year_cost = fte_year_cost(s, Role::Psychologist);
        s.psychological_support
            .iter()
            .map(|p| PsychConfig {
                name: p.name.clone(),
                boroughs: borough_ids(s, &p.boroughs),
                establishment: p.staff_fte.get(),
                clients_per_fte: p.clients_per_fte.get(),
                course: ticks_from_days(p.sessions as f64 * p.days_between_sessions.get()),
                sessions: p.sessions,
                patient_share: p.patient_referral_share.get(),
                carer_share: p.carer_referral_share.get(),
                waiting_list: p.waiting_list.get() as usize,
                cost_per_session: p.cost_per_session.get(),
                programmes_per_year: p.cost_per_year.get(),
                fte_year_cost,
            })
            .collect()
    }

    fn capacity(&self, fte: f64) -> u32 {
        (fte * self.clients_per_fte + 1e-9).floor() as u32
    }
}

/// The service's own events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CourseEnds {
    /// Service.
    pub service: u16,
    /// Client id (a patient's slot, or a carer's number with bit 31 set):
    /// 32 bits, so that a pending event is 16 bytes.
    pub client: u32,
    /// Generation of the client's course (stale if it ended early).
    pub generation: u32,
}

crate::additive! {
    /// One borough's use of psychological support in one year.
    pub struct PsychTally {
        /// Referrals.
        pub referrals: u64,
        /// Courses started.
        pub started: u64,
        /// Their waits, seconds.
        pub wait_seconds: f64,
        /// Turned away or died waiting.
        pub unmet: u64,
        /// Clients × ticks.
        pub clients_area: f64,
        /// Waiting × ticks.
        pub waiting_area: f64,
    }
}

/// The bit that marks a carer's client id; a patient's id is their slot
/// (people alive at once, far fewer than 2^31).
const CARER: u64 = 1 << 31;

/// A client of the service.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Client {
    service: u16,
    borough: u16,
    waiting: bool,
    in_course: bool,
    generation: u32,
}

/// Psychological support services of one replication.
#[derive(Debug)]
pub struct PsychServices {
    pools: Vec<CapacityPool>,
    /// Levels: clients, people waiting.
    units: StaffedUnits<2>,
    /// Patients by slot.
    patients: Vec<Client>,
    /// Carers by number (a carer is never taken off a list early).
    carers: Vec<Client>,
    /// Carer numbers free for reuse (their course is over).
    free_carers: Vec<u64>,
    /// Clients and people waiting, by borough.
    counts: BoroughCounts<2>,
    tallies: Vec<PsychTally>,
    seed: u64,
    rep: u64,
}

impl PsychServices {
    /// Services at their starting staffing.
    pub fn new(
        cfg: &[PsychConfig],
        supply: Option<SupplyConfig>,
        boroughs: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        let served = cfg.iter().map(|c| (&c.boroughs[..], c.establishment));
        PsychServices {
            pools: cfg
                .iter()
                .map(|c| CapacityPool::new(c.capacity(c.establishment), c.waiting_list, 1))
                .collect(),
            units: StaffedUnits::new(role::PSYCHOLOGIST, served, boroughs, supply, seed, rep),
            patients: Vec::new(),
            carers: Vec::new(),
            free_carers: Vec::new(),
            counts: BoroughCounts::new(boroughs),
            tallies: vec![PsychTally::default(); boroughs],
            seed,
            rep,
        }
    }

    fn client(&mut self, id: u64) -> &mut Client {
        let (list, i) = if id & CARER != 0 {
            (&mut self.carers, (id & !CARER) as usize)
        } else {
            (&mut self.patients, id as usize)
        };
        if i >= list.len() {
            list.resize(i + 1, Client::default());
        }
        &mut list[i]
    }

    /// Patient `id` (of `b`, key `key`) is taken onto the caseload.
    pub fn refer_patient<E: From<CourseEnds>>(
        &mut self,
        id: usize,
        b: BoroughId,
        key: u64,
        cfg: &[PsychConfig],
        sched: &mut Scheduler<E>,
    ) {
        let Some(u) = self.units.unit_of(b) else {
            return;
        };
        let draw = keyed_uniform(self.seed, Purpose::new("psych.patient", 0), self.rep, key);
        if draw < cfg[u].patient_share {
            self.refer(id as u64, u, b, cfg, sched);
        }
    }

    /// Patient (key `key`, of `b`) died: their carer may be referred.
    pub fn refer_carer<E: From<CourseEnds>>(
        &mut self,
        b: BoroughId,
        key: u64,
        cfg: &[PsychConfig],
        sched: &mut Scheduler<E>,
    ) {
        let Some(u) = self.units.unit_of(b) else {
            return;
        };
        let draw = keyed_uniform(self.seed, Purpose::new("psych.carer", 0), self.rep, key);
        if draw < cfg[u].carer_share {
            let id = match self.free_carers.pop() {
                Some(id) => id,
                None => CARER | self.carers.len() as u64,
            };
            self.refer(id, u, b, cfg, sched);
        }
    }

    fn refer<E: From<CourseEnds>>(
        &mut self,
        id: u64,
        u: usize,
        b: BoroughId,
        cfg: &[PsychConfig],
        sched: &mut Scheduler<E>,
    ) {
        let now = sched.now().ticks();
        self.tallies[b.index()].referrals += 1;
        let generation = self.client(id).generation.wrapping_add(1);
        *self.client(id) = Client {
            service: u as u16,
            borough: b.0,
            waiting: true,
            in_course: false,
            generation,
        };
        match self.pools[u].request(id, 0, SimTime(now)) {
            Request::Granted => self.start(id, 0, cfg, sched),
            Request::Queued => self.count(b, now, [0, 1]),
            Request::Refused => {
                self.tallies[b.index()].unmet += 1;
                self.client(id).waiting = false;
                if id & CARER != 0 {
                    self.free_carers.push(id);
                }
            }
        }
        self.observe_unit(u, now, &cfg[u]);
    }

    fn start<E: From<CourseEnds>>(
        &mut self,
        id: u64,
        waited: u64,
        cfg: &[PsychConfig],
        sched: &mut Scheduler<E>,
    ) {
        let now = sched.now().ticks();
        let c = self.client(id);
        c.waiting = false;
        c.in_course = true;
        let (u, b, generation) = (c.service as usize, BoroughId(c.borough), c.generation);
        let t = &mut self.tallies[b.index()];
        t.started += 1;
        t.wait_seconds += waited as f64 / SECOND as f64;
        self.count(b, now, [1, 0]);
        let course = cfg[u].course;
        let event = CourseEnds {
            service: u as u16,
            client: id as u32,
            generation,
        };
        sched.schedule_in(course, event.into());
    }

    /// Changes borough `b`'s counts of clients and people waiting.
    fn count(&mut self, b: BoroughId, now: u64, delta: [i32; 2]) {
        let ([clients, waiting], dt) = self.counts.change(b, now, delta);
        let t = &mut self.tallies[b.index()];
        t.clients_area += clients * dt;
        t.waiting_area += waiting * dt;
    }

    /// A course ends (unless it ended early): the place goes to the next
    /// person waiting.
    pub fn handle<E: From<CourseEnds>>(
        &mut self,
        event: CourseEnds,
        cfg: &[PsychConfig],
        sched: &mut Scheduler<E>,
    ) {
        let id = u64::from(event.client);
        let c = *self.client(id);
        if c.generation != event.generation || !c.in_course {
            return;
        }
        self.end_course(id, cfg, sched);
    }

    fn end_course<E: From<CourseEnds>>(
        &mut self,
        id: u64,
        cfg: &[PsychConfig],
        sched: &mut Scheduler<E>,
    ) {
        let now = sched.now().ticks();
        let c = self.client(id);
        c.in_course = false;
        let (u, b) = (c.service as usize, BoroughId(c.borough));
        self.count(b, now, [-1, 0]);
        let sessions = cfg[u].sessions as f64;
        self.units.ledger(u).costs.activity += sessions * cfg[u].cost_per_session;
        if id & CARER != 0 {
            self.free_carers.push(id);
        }
        if let Some(next) = self.pools[u].release() {
            let nb = BoroughId(self.client(next.id).borough);
            self.count(nb, now, [0, -1]);
            self.start(next.id, now - next.since.ticks(), cfg, sched);
        }
        self.observe_unit(u, now, &cfg[u]);
    }

    /// Patient `id` died: a course in progress ends (the sessions held so
    /// far are costed as a whole course), or they leave the list unmet.
    pub fn patient_died<E: From<CourseEnds>>(
        &mut self,
        id: usize,
        cfg: &[PsychConfig],
        sched: &mut Scheduler<E>,
    ) {
        let Some(c) = self.patients.get(id).copied() else {
            return;
        };
        let now = sched.now().ticks();
        let (u, b) = (c.service as usize, BoroughId(c.borough));
        if c.in_course {
            self.end_course(id as u64, cfg, sched);
        } else if c.waiting {
            self.pools[u].renege(id as u64);
            self.tallies[b.index()].unmet += 1;
            self.count(b, now, [0, -1]);
            self.observe_unit(u, now, &cfg[u]);
        }
        self.patients[id] = Client {
            generation: c.generation.wrapping_add(1),
            ..Client::default()
        };
    }

    /// Places follow the staff in post; people waiting start as places open.
    pub fn apply_staffing<E: From<CourseEnds>>(
        &mut self,
        cfg: &[PsychConfig],
        sched: &mut Scheduler<E>,
    ) {
        let now = sched.now().ticks();
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
            self.pools[u].set_capacity(c.capacity(self.units.fte(u)));
            while let Some(next) = self.pools[u].admit_next() {
                let b = BoroughId(self.client(next.id).borough);
                self.count(b, now, [0, -1]);
                self.start(next.id, now - next.since.ticks(), cfg, sched);
            }
            self.observe_unit(u, now, c);
        }
    }

    /// New establishments, list limits and dynamics (an intervention).
    pub fn replan(&mut self, cfg: &[PsychConfig], supply: Option<SupplyConfig>) {
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

    fn observe_unit(&mut self, u: usize, now: u64, c: &PsychConfig) {
        let pool = &self.pools[u];
        let next = [pool.busy() as f64, pool.waiting() as f64];
        let ([clients, waiting], dt, l) =
            self.units
                .observe(u, now, next, c.fte_year_cost, c.programmes_per_year);
        let r = role::PSYCHOLOGIST;
        l.staff.demand_area[r] += (clients + waiting) / c.clients_per_fte.max(1e-12) * dt;
    }

    /// Integrates every level up to `now`.
    pub fn flush(&mut self, now: u64, cfg: &[PsychConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
        }
        for b in self.counts.boroughs() {
            self.count(b, now, [0, 0]);
        }
    }

    /// Staff and costs of every service this year.
    pub fn ledgers(&self) -> &[Ledger] {
        self.units.ledgers()
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        write(out, Area::All, &PsychTally::sum(&self.tallies));
        use PsychMetric::*;
        let fte = [
            fte_demand_psychologist,
            fte_supply_psychologist,
            fte_gap_psychologist,
        ];
        self.units.write_region(out, fte.map(|m| m as usize));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(PsychTally::default());
        self.units.reset_year();
    }
}

fn write(out: &mut YearOut, area: Area, t: &PsychTally) {
    use PsychMetric::*;
    let values = [
        (psych_referrals, t.referrals as f64),
        (psych_started, t.started as f64),
        (psych_clients_mean, per_year(t.clients_area)),
        (psych_waiting_mean, per_year(t.waiting_area)),
        (psych_wait_days_mean, mean_days(t.wait_seconds, t.started)),
        (psych_unmet, t.unmet as f64),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
