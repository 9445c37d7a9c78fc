//! The replication driver: one replication of the care model on the
//! kernel. It owns the plan in force, the people, the services and the
//! demand (each borough's stream of people entering the last phase of
//! life), dispatches events to the pathway and the services, and keeps the
//! calendar: year boundaries (tallies written and reset), the monthly
//! workforce step, and the phases interventions switch to.
//!
//! The region runs as its [parts](super::parts) (groups of boroughs that
//! share no service), each on its own event list between calendar events
//! (see `EventLists`); results are those of one list, bit for bit.
//!
//! Every person draws their own randomness from their own stream (keyed
//! by borough and arrival number), so the same person behaves the same in
//! every option until capacity makes their paths differ.

use super::advice::{BY_HOUR_METRICS, LineEvent};
use super::config::CareConfig;
use super::ids::{BoroughId, LineId, SiteId};
use super::metrics::YEAR;
use super::person::{Person, PersonRef};
pub use super::services::CareEvent;
use super::services::{METRIC_COUNT, Services};
use crate::engine::arrivals::ArrivalProcess;
use crate::engine::rng::{Purpose, StreamRng, stream};
use crate::engine::{Model, Scheduler, SimTime, run_until};

/// What one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Metric values, `[year][area][metric]` flattened; areas as
    /// [`CareConfig::areas`], metrics as
    /// [`METRICS`](super::services::METRICS).
    pub values: Vec<f64>,
    /// Advice-line values by hour of day, `[year][line or ALL][hour][metric]`
    /// flattened; metrics as [`BY_HOUR_METRICS`].
    pub by_hour: Vec<f64>,
    /// Events handled.
    pub events: u64,
}

/// Each borough's stream of people entering the last phase of life.
#[derive(Debug)]
struct Demand {
    arrivals: Vec<ArrivalProcess>,
    rngs: Vec<StreamRng>,
    seen: Vec<u64>,
}

/// The simulated care system for one replication.
pub struct CareSystem<'a> {
    root: &'a CareConfig,
    pub(super) cfg: &'a CareConfig,
    pub(super) replication: u64,
    demand: Demand,
    pub(super) people: Vec<Person>,
    /// Free slots of the people table, by part (a part reuses its own, so
    /// that its people stay near one another).
    free_slots: Vec<Vec<u32>>,
    /// Home visits drawn at a year boundary, by borough, not yet counted.
    visits_due: Vec<u64>,
    pub(super) services: Services,
    boundaries_seen: u32,
    year: Option<usize>,
    values: Vec<f64>,
    by_hour_values: Vec<f64>,
}

impl std::fmt::Debug for CareSystem<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CareSystem")
            .field("replication", &self.replication)
            .field("people", &self.people.len())
            .finish()
    }
}

/// Runs replication `replication` of `cfg` to the end of its horizon.
pub fn simulate(cfg: &CareConfig, replication: u64) -> ReplicationResult {
    simulate_with_checkpoint(cfg, replication, SimTime(cfg.end()), || {})
}

/// [`simulate`], calling `checkpoint` once the clock reaches `at` (used to
/// measure the steady state, e.g. that no event allocates after warm-up).
pub fn simulate_with_checkpoint(
    cfg: &CareConfig,
    replication: u64,
    at: SimTime,
    checkpoint: impl FnOnce(),
) -> ReplicationResult {
    assert!(
        cfg.parts.fits(cfg),
        "the plan's parts are stale: recompute them with Parts::of after changing its boroughs or units"
    );
    let mut system = CareSystem::new(cfg, replication);
    let mut lists = EventLists::new(cfg);
    // The first events, scheduled as a calendar event schedules, then
    // handed to their lists.
    let first = &mut lists.scratch;
    for b in cfg.borough_ids() {
        system.schedule_arrival(b, first);
    }
    for l in cfg.line_ids() {
        system.services.lines.schedule_public_call(l, first);
    }
    for k in 0..=cfg.years as u64 {
        first.schedule_at(SimTime(cfg.warmup + k * YEAR), CareEvent::YearBoundary);
    }
    system.services.start(cfg, first);
    system.apply_staffing(first);
    first.schedule_in(YEAR / 12, CareEvent::WorkforceMonth);
    for (k, (at, _)) in cfg.changes.iter().enumerate() {
        first.schedule_at(SimTime(*at), CareEvent::ConfigChange(k as u16));
    }
    lists.hand_over(&system);
    let end = SimTime(cfg.end());
    lists.run(&mut system, at.min(end));
    checkpoint();
    lists.run(&mut system, end);
    ReplicationResult {
        events: lists.events_processed() + system.services.bereavement.events_processed(),
        values: system.values,
        by_hour: system.by_hour_values,
    }
}

/// The event lists of one replication: one per [part](super::parts) of
/// the region, the region's calendar (year boundaries, the monthly
/// workforce step, interventions), and a scratch list for what a calendar
/// event schedules.
///
/// Between two calendar events no part's events touch another's services,
/// so each part's list runs on its own up to the tick before the next
/// calendar event, one part after another: a part's people, units and
/// pending events stay in the processor's caches while it runs. The
/// calendar event then comes first at its tick, by construction. On one
/// list it came first too unless a part's event due at the same
/// millisecond had been scheduled before it (a year boundary or an
/// intervention is scheduled at the start, the workforce step a month
/// ahead): a tie the millisecond clock makes rare, and the split and the
/// whole region order it alike. What it schedules goes to the list of the
/// part it belongs to.
struct EventLists {
    parts: Vec<Scheduler<CareEvent>>,
    calendar: Scheduler<CareEvent>,
    scratch: Scheduler<CareEvent>,
}

/// Room for pending events of a whole region (shared out among its parts).
const PENDING_EVENTS: usize = 8192;

impl EventLists {
    fn new(cfg: &CareConfig) -> Self {
        let parts = &cfg.parts;
        let boroughs = cfg.boroughs.len().max(1);
        EventLists {
            parts: (0..parts.count())
                .map(|p| {
                    let share = cfg.borough_ids().filter(|&b| parts.of_borough(b) == p);
                    Scheduler::with_capacity((PENDING_EVENTS * share.count() / boroughs).max(256))
                })
                .collect(),
            calendar: Scheduler::with_capacity(64),
            scratch: Scheduler::with_capacity(1024),
        }
    }

    /// Handles every event due at or before `end`.
    fn run(&mut self, system: &mut CareSystem, end: SimTime) {
        loop {
            let next = self.calendar.next_time().filter(|&t| t <= end);
            let before = match next {
                Some(t) => t.ticks().checked_sub(1).map(SimTime),
                None => Some(end),
            };
            if let Some(before) = before {
                for part in &mut self.parts {
                    run_until(system, part, before);
                }
            }
            let Some((at, event)) = next.and_then(|_| self.calendar.take_next()) else {
                return;
            };
            self.scratch.restart_at(at);
            system.handle(event, &mut self.scratch);
            self.hand_over(system);
        }
    }

    /// Moves what was scheduled on the scratch list to the lists the
    /// events belong to.
    fn hand_over(&mut self, system: &CareSystem) {
        let (parts, calendar) = (&mut self.parts, &mut self.calendar);
        self.scratch
            .hand_over(|at, event| match system.part_of(&event) {
                Some(p) => parts[p].schedule_at(at, event),
                None => calendar.schedule_at(at, event),
            });
    }

    /// Events handled on every list.
    fn events_processed(&self) -> u64 {
        let parts: u64 = self.parts.iter().map(Scheduler::events_processed).sum();
        parts + self.calendar.events_processed()
    }
}

impl<'a> CareSystem<'a> {
    fn new(cfg: &'a CareConfig, replication: u64) -> Self {
        let nb = cfg.boroughs.len();
        let areas = cfg.areas().len();
        let by_hour = (cfg.lines.len() + 1) * 24 * BY_HOUR_METRICS.len();
        CareSystem {
            root: cfg,
            cfg,
            replication,
            demand: Demand {
                arrivals: cfg
                    .boroughs
                    .iter()
                    .map(|b| ArrivalProcess::new(b.deaths.clone()))
                    .collect(),
                rngs: (0..nb)
                    .map(|b| stream(cfg.seed, Purpose::new("deaths", b as u64), replication))
                    .collect(),
                seen: vec![0; nb],
            },
            people: Vec::with_capacity(4096),
            free_slots: (0..cfg.parts.count())
                .map(|_| Vec::with_capacity(1024))
                .collect(),
            visits_due: vec![0; nb],
            services: Services::new(cfg, replication),
            boundaries_seen: 0,
            year: None,
            values: vec![f64::NAN; cfg.years as usize * areas * METRIC_COUNT],
            by_hour_values: vec![f64::NAN; cfg.years as usize * by_hour],
        }
    }

    fn schedule_arrival(&mut self, b: BoroughId, sched: &mut Scheduler<CareEvent>) {
        let i = b.index();
        if let Some(t) = self.demand.arrivals[i].next(&mut self.demand.rngs[i]) {
            sched.schedule_at(t, CareEvent::Arrival(b));
        }
    }

    /// The key of the next person of borough `b` (and the arrival after
    /// theirs scheduled).
    pub(super) fn next_person(&mut self, b: BoroughId, sched: &mut Scheduler<CareEvent>) -> u64 {
        self.schedule_arrival(b, sched);
        let k = self.demand.seen[b.index()];
        self.demand.seen[b.index()] += 1;
        ((b.index() as u64) << 40) | k
    }

    /// The free slots of the people table kept for borough `b`'s part.
    pub(super) fn free_slots_of(&mut self, b: BoroughId) -> &mut Vec<u32> {
        &mut self.free_slots[self.root.parts.of_borough(b)]
    }

    /// The part whose list `event` belongs on (`None`: the calendar's).
    fn part_of(&self, event: &CareEvent) -> Option<usize> {
        let parts = &self.root.parts;
        Some(match *event {
            CareEvent::YearBoundary | CareEvent::WorkforceMonth | CareEvent::ConfigChange(_) => {
                return None;
            }
            CareEvent::Arrival(b) => parts.of_borough(b),
            CareEvent::Crisis(r)
            | CareEvent::Terminal(r)
            | CareEvent::Referral(r)
            | CareEvent::Death(r)
            | CareEvent::StayEnds(r)
            | CareEvent::PatientCall(r) => parts.of_borough(self.people[r.slot as usize].borough),
            CareEvent::Line(e) => parts.of_line(e.line().index()),
            CareEvent::Clinic(c) => parts.of_clinic(c.clinic as usize),
            CareEvent::Course(c) => parts.of_psych(c.service as usize),
        })
    }

    /// The slot of `r` if it is still current.
    pub(super) fn current(&self, r: PersonRef) -> Option<usize> {
        self.holding(r, |p| p.epoch)
    }

    /// The slot of `r` if the person there still holds the plan it was
    /// made for: `epoch` of their record (their plans, death, last days or
    /// next call) is still `r`'s.
    fn holding(&self, r: PersonRef, epoch: impl Fn(&Person) -> u32) -> Option<usize> {
        let slot = r.slot as usize;
        (epoch(self.people.get(slot)?) == r.epoch).then_some(slot)
    }

    /// A reference to the person in `slot` as they are now.
    pub(super) fn person_ref(&self, slot: usize) -> PersonRef {
        PersonRef {
            slot: slot as u32,
            epoch: self.people[slot].epoch,
        }
    }

    // ---- the calendar ------------------------------------------------

    fn on_year_boundary(&mut self, now: u64) {
        self.services.flush(now, self.cfg);
        // Everyone's visits so far, counted once per borough: costs are
        // then added in borough order, not in the order of people's slots
        // (which depends on how the region falls into parts).
        for slot in 0..self.people.len() {
            if let Some((b, visits)) = self.draw_visits(slot, now) {
                self.visits_due[b.index()] += visits;
            }
        }
        for b in self.cfg.borough_ids() {
            let visits = std::mem::take(&mut self.visits_due[b.index()]);
            (self.services.caseload).count_visits(b, visits, &self.cfg.caseload[b.index()]);
        }
        if let Some(y) = self.year {
            let width = self.values.len() / self.cfg.years as usize;
            let by_hour = self.by_hour_values.len() / self.cfg.years as usize;
            self.services.write_year(
                self.cfg,
                &mut self.values[y * width..(y + 1) * width],
                &mut self.by_hour_values[y * by_hour..(y + 1) * by_hour],
            );
        }
        let k = self.boundaries_seen as usize;
        self.boundaries_seen += 1;
        self.year = (k < self.cfg.years as usize).then_some(k);
        self.services.reset_year();
    }

    /// Interventions: phase `k` takes over. Every level is integrated up to
    /// now under the old configuration, then capacities, staff plans, rosters
    /// and public call streams follow the new one.
    fn on_config_change(&mut self, k: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        self.services.flush(now, self.cfg);
        let Some((_, next)) = self.root.changes.get(k) else {
            return;
        };
        let old = self.cfg;
        self.cfg = next;
        let cfg = self.cfg;
        // Programme costs held from now on are the new phase's (nothing is
        // integrated: no time has passed since the flush above).
        self.services.observe_programmes(now, cfg);
        let supply = &cfg.supply;
        let sv = &mut self.services;
        sv.enhanced.replan(&cfg.enhanced);
        sv.ipu.replan(
            &cfg.sites,
            [
                supply[super::workforce::role::IPU_NURSE],
                supply[super::workforce::role::CONSULTANT],
            ],
        );
        sv.bereavement.replan(&cfg.bereavement);
        for l in cfg.line_ids() {
            let i = l.index();
            sv.lines
                .replan_public(l, &old.lines[i], &cfg.lines[i], sched);
        }
        sv.caseload
            .replan(&cfg.caseload, supply[super::workforce::role::CSPC_NURSE]);
        sv.hah
            .replan(&cfg.hah, supply[super::workforce::role::HAH_NURSE]);
        sv.lines
            .replan(&cfg.lines, supply[super::workforce::role::ADVICE_NURSE]);
        sv.replan(old, cfg, sched);
        self.apply_staffing(sched);
    }

    /// The monthly workforce step.
    fn on_workforce_month(&mut self, sched: &mut Scheduler<CareEvent>) {
        self.services.flush(sched.now().ticks(), self.cfg);
        self.services.step_month();
        self.apply_staffing(sched);
        sched.schedule_in(YEAR / 12, CareEvent::WorkforceMonth);
    }

    /// Staffed capacity of every service from the staff in post; people
    /// waiting are taken on where places open.
    fn apply_staffing(&mut self, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        for b in cfg.borough_ids() {
            let i = b.index();
            let sv = &mut self.services;
            sv.caseload.observe(b, now, &cfg.caseload[i]);
            sv.hah.observe(b, now, &cfg.hah[i]);
            sv.caseload.apply_staffing(b, &cfg.caseload[i]);
            sv.hah.apply_staffing(b, &cfg.hah[i]);
            while let Some(next) = self.services.caseload.admit_next(b) {
                self.take_on(next.id as usize, now - next.since.ticks(), sched);
            }
            self.services.caseload.observe(b, now, &cfg.caseload[i]);
            self.services.hah.observe(b, now, &cfg.hah[i]);
        }
        for s in cfg.site_ids() {
            let sc = &cfg.sites[s.index()];
            self.services.ipu.observe(s, now, sc);
            self.services.ipu.apply_staffing(s, sc);
            while let Some(next) = self.services.ipu.admit_next(s) {
                self.admit_from_list(next, s, sched);
            }
            self.services.ipu.observe(s, now, sc);
        }
        for l in cfg.line_ids() {
            self.services
                .lines
                .apply_staffing(l, now, &cfg.lines[l.index()]);
            self.set_handlers(l, sched);
        }
        self.services.apply_staffing(cfg, sched);
    }

    /// Line `l`'s handlers for the current hour: waiting callers are
    /// answered by handlers coming on duty, and the next change planned.
    pub(super) fn set_handlers(&mut self, l: LineId, sched: &mut Scheduler<CareEvent>) {
        let lc = &self.cfg.lines[l.index()];
        self.services.lines.set_on_duty(l, sched.now(), lc);
        while let Some(answer) = self.services.lines.answer_waiting(l, lc, sched) {
            self.after_answer(l, answer, sched);
        }
        self.services.lines.schedule_roster_change(l, lc, sched);
    }

    fn on_line_event(&mut self, event: LineEvent, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        match event {
            LineEvent::PublicCall { line, generation } => {
                if self.services.lines.public_call_is_current(line, generation) {
                    self.services.lines.schedule_public_call(line, sched);
                    self.on_public_call(line, sched);
                }
            }
            LineEvent::Callback { line, person } => self.on_callback(line, person, sched),
            LineEvent::CallEnds {
                line: l,
                generation,
            } => {
                let lc = &self.cfg.lines[l.index()];
                if let Some(answer) = self.services.lines.call_ends(l, generation, lc, sched) {
                    self.after_answer(l, answer, sched);
                }
                self.services.lines.observe(l, now, lc);
            }
            LineEvent::Abandon {
                line,
                call,
                generation,
            } => {
                let lc = &self.cfg.lines[line.index()];
                if let Some(record) = self
                    .services
                    .lines
                    .patience_ends(line, call, generation, now, lc)
                {
                    self.after_abandon(line, record, sched);
                }
            }
            LineEvent::RosterChange { line, generation } => {
                if self
                    .services
                    .lines
                    .roster_change_is_current(line, generation)
                {
                    self.set_handlers(line, sched)
                }
            }
        }
    }

    /// Admits `waiter` from site `s`'s list (they now hold a bed there).
    pub(super) fn admit_from_list(
        &mut self,
        waiter: crate::engine::pool::Waiter,
        s: SiteId,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        let next = waiter.id as usize;
        if self.people[next].location == super::person::Location::Acute {
            self.people[next].stay_end = super::person::NEVER;
        }
        self.admit_ipu(next, s, Some(now - waiter.since.ticks()), sched);
    }
}

/// Person records (about 150 bytes each) from which the next event's
/// person is fetched ahead: beyond about 2.5 MB, more than a core's own
/// caches hold.
const LOOK_AHEAD_PEOPLE: usize = 16_384;

impl Model for CareSystem<'_> {
    type Event = CareEvent;

    fn handle(&mut self, event: CareEvent, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        match event {
            CareEvent::Arrival(b) => self.on_arrival(b, sched),
            CareEvent::YearBoundary => self.on_year_boundary(now),
            CareEvent::WorkforceMonth => self.on_workforce_month(sched),
            CareEvent::ConfigChange(k) => self.on_config_change(k as usize, sched),
            CareEvent::Line(e) => self.on_line_event(e, sched),
            CareEvent::Clinic(_) | CareEvent::Course(_) => {
                self.services.handle(event, self.cfg, sched)
            }
            // Both belong to the death as last scheduled (its epoch).
            CareEvent::Death(r) | CareEvent::Referral(r) => {
                let Some(slot) = self.holding(r, |p| p.death_epoch) else {
                    return;
                };
                match event {
                    CareEvent::Death(_) => self.on_death(slot, sched),
                    _ => self.on_referral(slot, sched),
                }
            }
            CareEvent::Terminal(r) => {
                if let Some(slot) = self.holding(r, |p| p.terminal_epoch) {
                    self.people[slot].terminal_scheduled = u64::MAX;
                    self.on_terminal(slot, sched);
                }
            }
            // A call belongs to the call as last drawn (its epoch).
            CareEvent::PatientCall(r) => {
                if let Some(slot) = self.holding(r, |p| p.call_epoch) {
                    self.on_patient_call(slot, sched);
                }
            }
            CareEvent::Crisis(r) | CareEvent::StayEnds(r) => {
                let Some(slot) = self.current(r) else { return };
                match event {
                    CareEvent::Crisis(_) => self.on_crisis(slot, sched),
                    _ => self.on_stay_end(slot, sched),
                }
            }
        }
    }

    /// Once the people table outgrows the caches: a small region's
    /// records stay in cache and the look-ahead would only cost.
    fn looks_ahead(&self) -> bool {
        self.people.len() >= LOOK_AHEAD_PEOPLE
    }

    /// The next event's person is fetched while this event is handled: in
    /// a national model their record is one among hundreds of thousands.
    fn expect(&self, next: &CareEvent) {
        let (CareEvent::Crisis(r)
        | CareEvent::Terminal(r)
        | CareEvent::Referral(r)
        | CareEvent::Death(r)
        | CareEvent::StayEnds(r)
        | CareEvent::PatientCall(r)) = *next
        else {
            return;
        };
        if let Some(person) = self.people.get(r.slot as usize) {
            crate::engine::prefetch::prefetch(person);
        }
    }
}
