//! Out-patient clinics: sessions through the working week, each with a
//! number of first appointments for new patients; people taken onto a
//! CSPC caseload in a clinic's boroughs are referred with the clinic's
//! share and wait (FIFO) for a first appointment, or die or reach their
//! last days waiting. Clinicians in post decide how many of the week's
//! sessions run.

use super::ids::{Area, BoroughId, borough_ids};
use super::metrics::{BoroughCounts, Ledger, YearOut, mean_days, per_year};
use super::units::StaffedUnits;
use super::workforce::fte_year_cost;
use super::workforce::{SupplyConfig, role, staffed_units};
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, keyed_uniform};
use crate::engine::time::{DAY, HOUR, SECOND, WEEK};
use crate::engine::{Scheduler, SimTime};
use crate::scenario::types::Role;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Out-patient metrics.
    pub enum OutpatientMetric {
        outpatient_referrals: B, "People on the caseload referred to an out-patient clinic.";
        outpatient_first_appointments: B, "First appointments held.";
        outpatient_waiting_mean: B, "Time-average people waiting for a first appointment.";
        outpatient_wait_days_mean: B, "Mean days from referral to first appointment, for first appointments in the year.";
        outpatient_died_waiting: B, "People who died (or reached their last days) waiting for a first appointment.";
        outpatient_unmet: B, "Referrals turned away: the clinic's waiting list full.";
        outpatient_sessions: R, "Clinic sessions held (sessions without clinicians in post are cancelled).";
        fte_demand_outpatient_clinician: R, "Out-patient clinician FTE needed: sessions a week × FTE per weekly session.";
        fte_supply_outpatient_clinician: R, "Out-patient clinician FTE in post.";
        fte_gap_outpatient_clinician: R, "Demand − supply, out-patient clinicians (positive: a shortfall).";
    }
}

/// One out-patient clinic, compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicConfig {
    /// Name.
    pub name: String,
    /// Boroughs served.
    pub boroughs: Vec<BoroughId>,
    /// Sessions a week.
    pub sessions: u32,
    /// First appointments per session.
    pub first_per_session: u32,
    /// Appointments per session in all.
    pub appointments_per_session: u32,
    /// Share of people taken on who are referred.
    pub referral_share: f64,
    /// Waiting-list limit.
    pub waiting_list: usize,
    /// FTE per weekly session.
    pub staff_per_session: f64,
    /// Clinicians in post (establishment), FTE.
    pub establishment: f64,
    /// Cost per appointment.
    pub cost_per_appointment: f64,
    /// Yearly running cost.
    pub programmes_per_year: f64,
    /// Cost per FTE-year.
    pub fte_year_cost: f64,
}

impl ClinicConfig {
    /// Every clinic of a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<ClinicConfig> {
        let fte_year_cost = fte_year_cost(s, Role::OutpatientClinician);
        s.outpatient_clinics
            .iter()
            .map(|c| ClinicConfig {
                name: c.name.clone(),
                boroughs: borough_ids(s, &c.boroughs),
                sessions: c.sessions_per_week,
                first_per_session: c.first_appointments_per_session.get(),
                appointments_per_session: c.appointments_per_session.get(),
                referral_share: c.referral_share.get(),
                waiting_list: c.waiting_list.get() as usize,
                staff_per_session: c.staff_per_session.get(),
                establishment: c.staff_fte.map_or(
                    c.sessions_per_week as f64 * c.staff_per_session.get(),
                    |f| f.get(),
                ),
                cost_per_appointment: c.cost_per_appointment.get(),
                programmes_per_year: c.cost_per_year.get(),
                fte_year_cost,
            })
            .collect()
    }
}

/// When the `k`-th of `n` weekly sessions starts, ticks into the week
/// (the clock's week starts on a Monday at midnight): weekdays in turn,
/// mornings at 09:00, then afternoons at 13:00, then evenings.
pub fn session_offset(k: u32) -> u64 {
    let day = (k % 5) as u64;
    let round = (k / 5) as u64;
    day * DAY + (9 + 4 * round).min(23) * HOUR
}

/// The clinics' own events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClinicSession {
    /// Clinic.
    pub clinic: u16,
    /// Session of the week.
    pub k: u16,
    /// Generation of the clinic's weekly plan (stale if replanned).
    pub generation: u32,
}

crate::additive! {
    /// One borough's out-patient referrals in one year.
    pub struct ClinicTally {
        /// Referrals.
        pub referrals: u64,
        /// First appointments.
        pub first: u64,
        /// Their waits, seconds.
        pub wait_seconds: f64,
        /// Died or reached their last days waiting.
        pub died_waiting: u64,
        /// Turned away.
        pub unmet: u64,
        /// Waiting × ticks.
        pub waiting_area: f64,
    }
}

/// Out-patient clinics of one replication.
#[derive(Debug)]
pub struct Clinics {
    lists: Vec<CapacityPool>,
    /// No levels of its own: clinicians in post only.
    units: StaffedUnits<0>,
    generation: Vec<u32>,
    sessions_held: u64,
    /// The clinic and borough each person slot waits for (`None`: not).
    waiting: Vec<Option<(u16, u16)>>,
    /// People waiting, by borough.
    counts: BoroughCounts<1>,
    tallies: Vec<ClinicTally>,
    seed: u64,
    rep: u64,
}

impl Clinics {
    /// Clinics at their starting staffing, with empty lists.
    pub fn new(
        cfg: &[ClinicConfig],
        supply: Option<SupplyConfig>,
        boroughs: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        let served = cfg.iter().map(|c| (&c.boroughs[..], c.establishment));
        let staff_role = role::OUTPATIENT_CLINICIAN;
        Clinics {
            lists: cfg
                .iter()
                .map(|c| CapacityPool::new(0, c.waiting_list, 1))
                .collect(),
            units: StaffedUnits::new(staff_role, served, boroughs, supply, seed, rep),
            generation: vec![0; cfg.len()],
            sessions_held: 0,
            waiting: Vec::new(),
            counts: BoroughCounts::new(boroughs),
            tallies: vec![ClinicTally::default(); boroughs],
            seed,
            rep,
        }
    }

    /// Schedules the first week's sessions of every clinic (or of one
    /// whose plan changed) from `now`.
    pub fn schedule_week<E: From<ClinicSession>>(
        &mut self,
        clinic: usize,
        cfg: &ClinicConfig,
        sched: &mut Scheduler<E>,
    ) {
        let now = sched.now().ticks();
        let week_start = now - now % WEEK;
        for k in 0..cfg.sessions {
            let mut at = week_start + session_offset(k);
            if at < now {
                at += WEEK;
            }
            let event = ClinicSession {
                clinic: clinic as u16,
                k: k as u16,
                generation: self.generation[clinic],
            };
            sched.schedule_at(SimTime(at), event.into());
        }
    }

    /// Person `id` (of `b`, key `key`) is taken onto the caseload:
    /// referred with the clinic's share, and put on its list.
    pub fn refer(&mut self, id: usize, b: BoroughId, key: u64, now: u64, cfg: &[ClinicConfig]) {
        let Some(u) = self.units.unit_of(b) else {
            return;
        };
        let draw = keyed_uniform(self.seed, Purpose::new("outpatients", 0), self.rep, key);
        if draw >= cfg[u].referral_share {
            return;
        }
        self.tallies[b.index()].referrals += 1;
        match self.lists[u].request(id as u64, 0, SimTime(now)) {
            Request::Queued => {
                if id >= self.waiting.len() {
                    self.waiting.resize(id + 1, None);
                }
                self.waiting[id] = Some((u as u16, b.0));
                self.count(b, now, 1);
            }
            _ => self.tallies[b.index()].unmet += 1,
        }
    }

    fn count(&mut self, b: BoroughId, now: u64, delta: i32) {
        let ([waiting], dt) = self.counts.change(b, now, [delta]);
        self.tallies[b.index()].waiting_area += waiting * dt;
    }

    /// Person `id` leaves any list (their last days began, or they died).
    pub fn leave(&mut self, id: usize, now: u64) {
        if let Some(Some((u, b))) = self.waiting.get(id).copied() {
            self.lists[u as usize].renege(id as u64);
            self.waiting[id] = None;
            let b = BoroughId(b);
            self.tallies[b.index()].died_waiting += 1;
            self.count(b, now, -1);
        }
    }

    /// A session: if clinicians are in post for it, its first appointments
    /// go to the people at the head of the list; the next week's session
    /// is scheduled.
    pub fn handle<E: From<ClinicSession>>(
        &mut self,
        event: ClinicSession,
        cfg: &[ClinicConfig],
        sched: &mut Scheduler<E>,
    ) {
        let u = event.clinic as usize;
        if event.generation != self.generation[u] {
            return;
        }
        let now = sched.now().ticks();
        sched.schedule_in(WEEK, event.into());
        let c = &cfg[u];
        self.observe_unit(u, now, c);
        let open = c
            .sessions
            .min(staffed_units(self.units.fte(u), c.staff_per_session));
        if u32::from(event.k) >= open {
            return;
        }
        self.sessions_held += 1;
        self.lists[u].set_capacity(c.first_per_session);
        let mut seen = 0;
        while let Some(next) = self.lists[u].admit_next() {
            seen += 1;
            let id = next.id as usize;
            let (_, b) = self.waiting[id].take().unwrap_or_default();
            let b = BoroughId(b);
            let t = &mut self.tallies[b.index()];
            t.first += 1;
            t.wait_seconds += (now - next.since.ticks()) as f64 / SECOND as f64;
            self.count(b, now, -1);
        }
        // The appointments are over: the list's "places" are handed back
        // with none to hand on until the next session.
        let list = &mut self.lists[u];
        list.set_capacity(0);
        for _ in 0..seen {
            list.release();
        }
        let appointments = c.appointments_per_session.max(seen) as f64;
        self.units.ledger(u).costs.activity += appointments * c.cost_per_appointment;
    }

    /// New establishments, list limits and weekly plans (an intervention).
    pub fn replan<E: From<ClinicSession>>(
        &mut self,
        old: &[ClinicConfig],
        cfg: &[ClinicConfig],
        supply: Option<SupplyConfig>,
        sched: &mut Scheduler<E>,
    ) {
        self.units
            .replan(cfg.iter().map(|c| c.establishment), supply);
        for (u, c) in cfg.iter().enumerate() {
            self.lists[u].set_queue_limit(c.waiting_list);
            if c.sessions != old[u].sessions {
                self.generation[u] += 1;
                self.schedule_week(u, c, sched);
            }
        }
    }

    /// One month of staff supply.
    pub fn step_month(&mut self) {
        self.units.step_month();
    }

    fn observe_unit(&mut self, u: usize, now: u64, c: &ClinicConfig) {
        let ([], dt, l) = self
            .units
            .observe(u, now, [], c.fte_year_cost, c.programmes_per_year);
        let r = role::OUTPATIENT_CLINICIAN;
        l.staff.demand_area[r] += c.sessions as f64 * c.staff_per_session * dt;
    }

    /// Integrates every level up to `now`.
    pub fn flush(&mut self, now: u64, cfg: &[ClinicConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
        }
        for b in self.counts.boroughs() {
            self.count(b, now, 0);
        }
    }

    /// Staff and costs of every clinic this year.
    pub fn ledgers(&self) -> &[Ledger] {
        self.units.ledgers()
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        write(out, Area::All, &ClinicTally::sum(&self.tallies));
        use OutpatientMetric::*;
        out.put(
            Area::All,
            outpatient_sessions as usize,
            self.sessions_held as f64,
        );
        let fte = [
            fte_demand_outpatient_clinician,
            fte_supply_outpatient_clinician,
            fte_gap_outpatient_clinician,
        ];
        self.units.write_region(out, fte.map(|m| m as usize));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(ClinicTally::default());
        self.units.reset_year();
        self.sessions_held = 0;
    }
}

fn write(out: &mut YearOut, area: Area, t: &ClinicTally) {
    use OutpatientMetric::*;
    let values = [
        (outpatient_referrals, t.referrals as f64),
        (outpatient_first_appointments, t.first as f64),
        (outpatient_waiting_mean, per_year(t.waiting_area)),
        (
            outpatient_wait_days_mean,
            mean_days(t.wait_seconds, t.first),
        ),
        (outpatient_died_waiting, t.died_waiting as f64),
        (outpatient_unmet, t.unmet as f64),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
