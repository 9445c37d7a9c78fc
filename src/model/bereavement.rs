//! Bereavement support for carers, region-wide: a capacity-limited
//! service with a waiting list; carers are referred at a death. A sink,
//! run on its own event list (see [`Bereavement`]).

use super::dist::Sampler;
use super::ids::{Area, BoroughId};
use super::metrics::{Levels, YearOut, per_year};
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, StreamRng, stream};
use crate::engine::timelog::TimeLog;
use crate::engine::{Model, Scheduler, SimTime, run_until};
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Bereavement support metrics.
    pub enum BereavementMetric {
        bereavement_referrals: B, "Carers referred to bereavement support.";
        bereavement_waiting_mean: R, "Time-average carers waiting for bereavement support (region only).";
    }
}

/// The bereavement service, compiled.
#[derive(Debug, Clone)]
pub struct BereavementConfig {
    /// Share of deaths of caseload patients whose carers are referred.
    pub referral_share: f64,
    /// Places.
    pub capacity: u32,
    /// Waiting-list limit.
    pub waiting_list: usize,
    /// Length of support.
    pub duration: Sampler,
}

impl BereavementConfig {
    /// The service of a validated scenario.
    pub fn compile(s: &Scenario) -> BereavementConfig {
        BereavementConfig {
            referral_share: s.bereavement.referral_share.get(),
            capacity: s.bereavement.capacity.get(),
            waiting_list: s.bereavement.waiting_list.get() as usize,
            duration: Sampler::new(&s.bereavement.support_duration),
        }
    }
}

/// The service's own events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BereavementEvent {
    /// A carer's support ends.
    SupportEnds,
}

/// Bereavement support in one replication.
///
/// Nothing flows back from it to the pathway (a carer's support changes
/// no patient's path), so it is a sink with its own event list: deaths
/// log their referrals, and at each calendar event (see
/// [`Bereavement::catch_up`]) the referrals logged since are fed to the
/// service in time order. The region's boroughs may run on separate event
/// lists between calendar events ([`parts`](super::parts)); the service
/// still sees every carer in the order they were referred.
#[derive(Debug)]
pub struct Bereavement {
    service: Support,
    events: Scheduler<BereavementEvent>,
    /// Carers referred since the last catch-up: their borough, by time.
    referred: TimeLog<BoroughId>,
}

/// The service's places, list and tallies.
#[derive(Debug)]
struct Support {
    pool: CapacityPool,
    rng: StreamRng,
    next_carer: u64,
    level: Levels<1>,
    referrals: Vec<u64>,
    waiting_area: f64,
}

/// The service run on its own event list under a plan.
struct Running<'a> {
    service: &'a mut Support,
    cfg: &'a BereavementConfig,
}

impl Model for Running<'_> {
    type Event = BereavementEvent;

    fn handle(&mut self, _event: BereavementEvent, sched: &mut Scheduler<BereavementEvent>) {
        let service = &mut *self.service;
        if service.pool.release().is_some() {
            service.start(self.cfg, sched);
        }
        service.observe(sched.now().ticks());
    }
}

impl Bereavement {
    /// An empty service for `boroughs` boroughs' carers.
    pub fn new(cfg: &BereavementConfig, boroughs: usize, seed: u64, rep: u64) -> Self {
        Bereavement {
            service: Support {
                pool: CapacityPool::new(cfg.capacity, cfg.waiting_list, 1),
                rng: stream(seed, Purpose::new("bereavement", 0), rep),
                next_carer: 0,
                level: Levels::default(),
                referrals: vec![0; boroughs],
                waiting_area: 0.0,
            },
            events: Scheduler::with_capacity(256),
            referred: TimeLog::with_capacity(256),
        }
    }

    /// A carer from borough `b` is referred at `now` (logged; the service
    /// takes them on when it catches up).
    pub fn refer(&mut self, b: BoroughId, now: u64) {
        self.referred.push(now, b);
    }

    /// Runs the service up to `now` (a calendar event: no referral is
    /// logged later than it), taking the carers referred since the last
    /// catch-up in time order, and integrates the waiting list to `now`.
    pub fn catch_up(&mut self, now: u64, cfg: &BereavementConfig) {
        let mut running = Running {
            service: &mut self.service,
            cfg,
        };
        for (at, b) in self.referred.drain_in_time_order() {
            run_until(&mut running, &mut self.events, SimTime(at));
            running.service.refer(b, cfg, &mut self.events);
        }
        run_until(&mut running, &mut self.events, SimTime(now));
        self.service.observe(now);
    }

    /// Events the service has handled (supports ended).
    pub fn events_processed(&self) -> u64 {
        self.events.events_processed()
    }

    /// Places and list limit after an intervention (once caught up to it);
    /// carers waiting start as places open.
    pub fn replan(&mut self, cfg: &BereavementConfig) {
        let service = &mut self.service;
        service.pool.set_capacity(cfg.capacity);
        service.pool.set_queue_limit(cfg.waiting_list);
        while service.pool.admit_next().is_some() {
            service.start(cfg, &mut self.events);
        }
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        self.service.write_year(out);
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.service.reset_year();
    }
}

impl Support {
    fn refer(
        &mut self,
        b: BoroughId,
        cfg: &BereavementConfig,
        sched: &mut Scheduler<BereavementEvent>,
    ) {
        let now = sched.now();
        self.referrals[b.index()] += 1;
        let id = self.next_carer;
        self.next_carer += 1;
        if self.pool.request(id, 0, now) == Request::Granted {
            self.start(cfg, sched);
        }
        self.observe(now.ticks());
    }

    fn start(&mut self, cfg: &BereavementConfig, sched: &mut Scheduler<BereavementEvent>) {
        let d = cfg.duration.ticks(&mut self.rng);
        sched.schedule_in(d, BereavementEvent::SupportEnds);
    }

    /// Integrates the waiting list up to `now`.
    fn observe(&mut self, now: u64) {
        let ([waiting], dt) = self.level.advance(now, [self.pool.waiting() as f64]);
        self.waiting_area += waiting * dt;
    }

    fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            out.put(Area::Borough(b), 0, self.referrals[b.index()] as f64);
        }
        out.put(Area::All, 0, self.referrals.iter().sum::<u64>() as f64);
        out.put(Area::All, 1, per_year(self.waiting_area));
    }

    fn reset_year(&mut self) {
        self.referrals.fill(0);
        self.waiting_area = 0.0;
    }
}
