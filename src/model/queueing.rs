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
use crate::stats::{TimeWeighted, Welford};
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

    fn sample(&self, rng: &mut StreamRng) -> f64 {
        match *self {
            ServiceTime::Exponential { mean } => match Exp::new(1.0 / mean) {
                Ok(d) => d.sample(rng),
                Err(_) => mean,
            },
            ServiceTime::LogNormal { mu, sigma } => match LogNormal::new(mu, sigma) {
                Ok(d) => d.sample(rng),
                Err(_) => mu.exp(),
            },
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
    /// Customer `id`'s patience runs out.
    PatienceEnds(u64),
}

/// The simulated queue.
#[derive(Debug)]
pub struct ServiceSystem {
    config: QueueConfig,
    arrivals: ArrivalProcess,
    arrival_rng: StreamRng,
    service_rng: StreamRng,
    patience_rng: StreamRng,
    pool: CapacityPool,
    next_id: u64,
    window_start: SimTime,
    wait_threshold: u64,
    busy: TimeWeighted,
    queue: TimeWeighted,
    served_wait: Welford,
    queue_time: Welford,
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
            pool: CapacityPool::new(config.servers, config.queue_limit, levels),
            next_id: 0,
            window_start,
            wait_threshold,
            busy: TimeWeighted::new(window_start, 0.0, f64::INFINITY),
            queue: TimeWeighted::new(window_start, 0.0, f64::INFINITY),
            served_wait: Welford::new(),
            queue_time: Welford::new(),
            stats: QueueStats::default(),
            config,
        }
    }

    fn observing(&self, now: SimTime) -> bool {
        now >= self.window_start
    }

    fn track_levels(&mut self, now: SimTime) {
        if self.observing(now) {
            self.busy.set(now, self.pool.busy() as f64);
            self.queue.set(now, self.pool.waiting() as f64);
        } else {
            self.busy =
                TimeWeighted::new(self.window_start, self.pool.busy() as f64, f64::INFINITY);
            self.queue =
                TimeWeighted::new(self.window_start, self.pool.waiting() as f64, f64::INFINITY);
        }
    }

    fn start_service(&mut self, sched: &mut Scheduler<QueueEvent>) {
        let s = self.config.service.sample(&mut self.service_rng);
        sched.schedule_in(ticks_from_f64(s), QueueEvent::Departure);
    }

    fn record_queue_exit(&mut self, since: SimTime, now: SimTime, served: bool) {
        if !self.observing(since) {
            return;
        }
        let wait = now.since(since) as f64;
        self.queue_time.push(wait);
        self.stats.queue_departures += 1;
        if served {
            self.served_wait.push(wait);
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
        self.next_id += 1;
        let observe = self.observing(now);
        let outcome = self.pool.request(id, 0, now);
        if observe {
            self.stats.arrivals += 1;
        }
        match outcome {
            Request::Granted => {
                if observe {
                    self.stats.served += 1;
                    self.served_wait.push(0.0);
                }
                self.start_service(sched);
            }
            Request::Queued => {
                if observe {
                    self.stats.waited += 1;
                }
                if let Some(mean) = self.config.mean_patience {
                    let patience = ServiceTime::Exponential { mean }.sample(&mut self.patience_rng);
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
        let mut sched = Scheduler::with_capacity(1024);
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
        self.stats.mean_wait_served = self.served_wait.mean();
        self.stats.mean_time_in_queue = self.queue_time.mean();
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
            QueueEvent::PatienceEnds(id) => self.on_patience_end(id, sched.now()),
        }
    }
}
