//! Bereavement support for carers, region-wide: a capacity-limited
//! service with a waiting list; carers are referred at a death.

use super::dist::Sampler;
use super::ids::{Area, BoroughId};
use super::metrics::{Levels, YearOut, per_year};
use crate::engine::Scheduler;
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, StreamRng, stream};
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
#[derive(Debug)]
pub struct Bereavement {
    pool: CapacityPool,
    rng: StreamRng,
    next_carer: u64,
    level: Levels<1>,
    referrals: Vec<u64>,
    waiting_area: f64,
}

impl Bereavement {
    /// An empty service for `boroughs` boroughs' carers.
    pub fn new(cfg: &BereavementConfig, boroughs: usize, seed: u64, rep: u64) -> Self {
        Bereavement {
            pool: CapacityPool::new(cfg.capacity, cfg.waiting_list, 1),
            rng: stream(seed, Purpose::new("bereavement", 0), rep),
            next_carer: 0,
            level: Levels::default(),
            referrals: vec![0; boroughs],
            waiting_area: 0.0,
        }
    }

    /// A carer from borough `b` is referred.
    pub fn refer<E: From<BereavementEvent>>(
        &mut self,
        b: BoroughId,
        cfg: &BereavementConfig,
        sched: &mut Scheduler<E>,
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

    fn start<E: From<BereavementEvent>>(
        &mut self,
        cfg: &BereavementConfig,
        sched: &mut Scheduler<E>,
    ) {
        let d = cfg.duration.ticks(&mut self.rng);
        sched.schedule_in(d, BereavementEvent::SupportEnds.into());
    }

    /// Handles the service's own event.
    pub fn handle<E: From<BereavementEvent>>(
        &mut self,
        _event: BereavementEvent,
        cfg: &BereavementConfig,
        sched: &mut Scheduler<E>,
    ) {
        if self.pool.release().is_some() {
            self.start(cfg, sched);
        }
        self.observe(sched.now().ticks());
    }

    /// Places and list limit after an intervention; carers waiting start
    /// as places open.
    pub fn replan<E: From<BereavementEvent>>(
        &mut self,
        cfg: &BereavementConfig,
        sched: &mut Scheduler<E>,
    ) {
        self.pool.set_capacity(cfg.capacity);
        self.pool.set_queue_limit(cfg.waiting_list);
        while self.pool.admit_next().is_some() {
            self.start(cfg, sched);
        }
    }

    /// Integrates the waiting list up to `now`.
    pub fn observe(&mut self, now: u64) {
        let ([waiting], dt) = self.level.advance(now, [self.pool.waiting() as f64]);
        self.waiting_area += waiting * dt;
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            out.put(Area::Borough(b), 0, self.referrals[b.index()] as f64);
        }
        out.put(Area::All, 0, self.referrals.iter().sum::<u64>() as f64);
        out.put(Area::All, 1, per_year(self.waiting_area));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.referrals.fill(0);
        self.waiting_area = 0.0;
    }
}
