//! Textbook queueing systems on the kernel: M/M/c/c (loss), M/M/c (delay),
//! M/M/c+M (Erlang A), M/G/∞. They share one model, [`ServiceSystem`], built
//! from the kernel's blocks ([`ArrivalProcess`], [`CapacityPool`]), so the
//! validation tests and the kernel benchmark exercise the same code paths as
//! the care model.

use crate::engine::arrivals::{ArrivalProcess, PiecewiseRate};
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, StreamRng, stream};
use crate::engine::time::ticks_from_f64;
use crate::engine::{Model, Scheduler, SimTime, run_until};
use crate::stats::TimeWeighted;
use rand_distr::{Distribution, Exp, LogNormal};

/// A service (or length-of-stay) distribution in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ServiceTime {
    /// Exponential with this mean.
    Exponential {
        /// Mean in clock ticks.
        mean: f64,
    },
    /// Lognormal: `ln S ~ Normal(mu, sigma)`.
    LogNormal {
        /// Mean of ln S.
        mu: f64,
        /// Standard deviation of ln S.
        sigma: f64,
    },
}

impl ServiceTime {
    /// The mean, in clock ticks.
    pub fn mean(&self) -> f64 {
        match *self {
            ServiceTime::Exponential { mean } => mean,
            ServiceTime::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
        }
    }

    /// The distribution made ready to draw from, once per system rather
    /// than once per draw.
    fn sampler(&self) -> Sampler {
        match *self {
            ServiceTime::Exponential { mean } => match Exp::new(1.0 / mean) {
                Ok(d) => Sampler::Exponential(d),
                Err(_) => Sampler::Fixed(mean),
            },
            ServiceTime::LogNormal { mu, sigma } => match LogNormal::new(mu, sigma) {
                Ok(d) => Sampler::LogNormal(d),
                Err(_) => Sampler::Fixed(mu.exp()),
            },
        }
    }
}

/// A [`ServiceTime`] ready to draw from; a degenerate parameter (a zero
/// or infinite mean) gives its fixed central value.
#[derive(Debug, Clone, Copy)]
enum Sampler {
    Exponential(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Fixed(f64),
}

impl Sampler {
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        match self {
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Fixed(x) => *x,
        }
    }
}

/// A multi-server queue with Poisson arrivals.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueConfig {
    /// Arrivals per tick.
    pub arrival_rate: f64,
    /// Service time.
    pub service: ServiceTime,
    /// Servers.
    pub servers: u32,
    /// Waiting-list limit: 0 makes a loss system; `usize::MAX` unlimited.
    pub queue_limit: usize,
    /// Mean patience in clock ticks (exponential) or `None` for infinite.
    pub mean_patience: Option<f64>,
    /// Seconds simulated before statistics start.
    pub warmup: u64,
    /// Seconds observed after the warm-up.
    pub observed: u64,
}

/// What one replication observed after its warm-up.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct QueueStats {
    /// Arrivals in the window.
    pub arrivals: u64,
    /// Arrivals turned away (no server, no room to wait).
    pub blocked: u64,
    /// Arrivals that had to wait.
    pub waited: u64,
    /// Arrivals that gave up waiting.
    pub abandoned: u64,
    /// Arrivals served (immediately or after waiting).
    pub served: u64,
    /// Served arrivals that waited longer than the threshold.
    pub waited_over_threshold: u64,
    /// Mean wait of served arrivals, clock ticks.
    pub mean_wait_served: f64,
    /// Mean time spent queueing by everyone who queued and left the queue
    /// in the window (served or abandoned), clock ticks.
    pub mean_time_in_queue: f64,
    /// Queue departures in the window (served from the queue or abandoned).
    pub queue_departures: u64,
    /// Time-average number waiting.
    pub mean_queue: f64,
    /// Time-average number in service.
    pub mean_busy: f64,
    /// Events handled in the whole run.
    pub events: u64,
}

/// Events of the [`ServiceSystem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueEvent {
    /// A customer arrives.
    Arrival,
    /// A server finishes.
    Departure,
    /// Customer `id`'s patience runs out. Identifiers are 32 bits, so that
    /// a pending event is 16 bytes with its time; they wrap after 2^32
    /// arrivals, and an old customer's event could only be taken for a
    /// waiting one's if 2^32 people arrived within one patience time.
    PatienceEnds(u32),
}

/// The simulated queue.
#[derive(Debug)]
pub struct ServiceSystem {
    config: QueueConfig,
    arrivals: ArrivalProcess,
    arrival_rng: StreamRng,
    service_rng: StreamRng,
    patience_rng: StreamRng,
    service: Sampler,
    patience: Option<Sampler>,
    pool: CapacityPool,
    next_id: u32,
    window_start: SimTime,
    wait_threshold: u64,
    busy: TimeWeighted,
    queue: TimeWeighted,
    /// Total wait of the arrivals served in the window (their count is
    /// `stats.served`).
    served_wait: f64,
    /// Total time queued by those who left the queue in the window (their
    /// count is `stats.queue_departures`).
    queue_time: f64,
    stats: QueueStats,
}

impl ServiceSystem {
    /// A system for `replication` with seed `seed`; waits longer than
    /// `wait_threshold` ticks are counted separately.
    pub fn new(config: QueueConfig, seed: u64, replication: u64, wait_threshold: u64) -> Self {
        let levels = 1;
        let window_start = SimTime(config.warmup);
        ServiceSystem {
            arrivals: ArrivalProcess::new(PiecewiseRate::constant(config.arrival_rate)),
            arrival_rng: stream(seed, Purpose::new("queue.arrivals", 0), replication),
            service_rng: stream(seed, Purpose::new("queue.service", 0), replication),
            patience_rng: stream(seed, Purpose::new("queue.patience", 0), replication),
            service: config.service.sampler(),
            patience: config
                .mean_patience
                .map(|mean| ServiceTime::Exponential { mean }.sampler()),
            pool: CapacityPool::new(config.servers, config.queue_limit, levels),
            next_id: 0,
            window_start,
            wait_threshold,
            busy: TimeWeighted::new(window_start, 0.0, f64::INFINITY),
            queue: TimeWeighted::new(window_start, 0.0, f64::INFINITY),
            served_wait: 0.0,
            queue_time: 0.0,
            stats: QueueStats::default(),
            config,
        }
    }

    fn observing(&self, now: SimTime) -> bool {
        now >= self.window_start
    }

    /// Records the levels after an event. A level that did not change is
    /// left alone: its area is the same whole number either way.
    fn track_levels(&mut self, now: SimTime) {
        if self.observing(now) {
            let (busy, waiting) = (self.pool.busy() as f64, self.pool.waiting() as f64);
            if busy != self.busy.level() {
                self.busy.set(now, busy);
            }
            if waiting != self.queue.level() {
                self.queue.set(now, waiting);
            }
        } else {
            self.busy =
                TimeWeighted::new(self.window_start, self.pool.busy() as f64, f64::INFINITY);
            self.queue =
                TimeWeighted::new(self.window_start, self.pool.waiting() as f64, f64::INFINITY);
        }
    }

    fn start_service(&mut self, sched: &mut Scheduler<QueueEvent>) {
        let s = self.service.sample(&mut self.service_rng);
        sched.schedule_in(ticks_from_f64(s), QueueEvent::Departure);
    }

    fn record_queue_exit(&mut self, since: SimTime, now: SimTime, served: bool) {
        if !self.observing(since) {
            return;
        }
        let wait = now.since(since) as f64;
        self.queue_time += wait;
        self.stats.queue_departures += 1;
        if served {
            self.served_wait += wait;
            if wait > self.wait_threshold as f64 {
                self.stats.waited_over_threshold += 1;
            }
        }
    }

    fn on_arrival(&mut self, sched: &mut Scheduler<QueueEvent>) {
        let now = sched.now();
        if let Some(next) = self.arrivals.next(&mut self.arrival_rng) {
            sched.schedule_at(next, QueueEvent::Arrival);
        }
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let observe = self.observing(now);
        let outcome = self.pool.request(u64::from(id), 0, now);
        if observe {
            self.stats.arrivals += 1;
        }
        match outcome {
            Request::Granted => {
                if observe {
                    self.stats.served += 1;
                }
                self.start_service(sched);
            }
            Request::Queued => {
                if observe {
                    self.stats.waited += 1;
                }
                if let Some(sampler) = self.patience {
                    let patience = sampler.sample(&mut self.patience_rng);
                    sched.schedule_in(ticks_from_f64(patience), QueueEvent::PatienceEnds(id));
                }
            }
            Request::Refused => {
                if observe {
                    self.stats.blocked += 1;
                }
            }
        }
        self.track_levels(now);
    }

    fn on_departure(&mut self, sched: &mut Scheduler<QueueEvent>) {
        let now = sched.now();
        if let Some(waiter) = self.pool.release() {
            if self.observing(waiter.since) {
                self.stats.served += 1;
            }
            self.record_queue_exit(waiter.since, now, true);
            self.start_service(sched);
        }
        self.track_levels(now);
    }

    fn on_patience_end(&mut self, id: u64, now: SimTime) {
        if let Some(waiter) = self.pool.renege(id) {
            if self.observing(waiter.since) {
                self.stats.abandoned += 1;
            }
            self.record_queue_exit(waiter.since, now, false);
            self.track_levels(now);
        }
    }

    /// The end of the observation window.
    pub fn end(&self) -> SimTime {
        SimTime(self.config.warmup + self.config.observed)
    }

    /// A scheduler holding the first arrival, ready for [`run_until`].
    pub fn start(&mut self) -> Scheduler<QueueEvent> {
        // Room for every server's departure and a busy list's patience events
        // in one bucket of the event list, so that a run settles early.
        let mut sched = Scheduler::with_capacity(256);
        if let Some(first) = self.arrivals.next(&mut self.arrival_rng) {
            sched.schedule_at(first, QueueEvent::Arrival);
        }
        sched
    }

    /// Runs the replication to the end of its window and returns its stats.
    pub fn run(mut self) -> QueueStats {
        let mut sched = self.start();
        let end = self.end();
        run_until(&mut self, &mut sched, end);
        self.finish(&sched)
    }

    /// Closes the window at [`ServiceSystem::end`] and returns the stats.
    pub fn finish(mut self, sched: &Scheduler<QueueEvent>) -> QueueStats {
        let end = self.end();
        self.stats.mean_busy = self.busy.mean(end);
        self.stats.mean_queue = self.queue.mean(end);
        self.stats.mean_wait_served = mean_of(self.served_wait, self.stats.served);
        self.stats.mean_time_in_queue = mean_of(self.queue_time, self.stats.queue_departures);
        self.stats.events = sched.events_processed();
        self.stats
    }
}

impl Model for ServiceSystem {
    type Event = QueueEvent;

    fn handle(&mut self, event: QueueEvent, sched: &mut Scheduler<QueueEvent>) {
        match event {
            QueueEvent::Arrival => self.on_arrival(sched),
            QueueEvent::Departure => self.on_departure(sched),
            QueueEvent::PatienceEnds(id) => self.on_patience_end(u64::from(id), sched.now()),
        }
    }
}

/// A total over a count: the mean, or NaN for no values.
fn mean_of(total: f64, count: u64) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        total / count as f64
    }
}
