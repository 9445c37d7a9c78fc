//! Kernel throughput, reported in events per second:
//! - the M/M/30/30 hospice-bed model (λ = 2/day, mean stay 14 days) over 5
//!   simulated years: a short event list (about thirty pending), three ways:
//!   `mm30_30_5_years`, the kernel with its general queueing model
//!   (`ServiceSystem`); `mm30_30_5_years_hand_written`, the floor, the
//!   least any event loop must do, by hand with a binary heap;
//!   `mm30_30_5_years_kernel_minimal`, the floor's model line for line on
//!   the kernel, so that kernel ÷ floor is the kernel's own cost and
//!   minimal ÷ general the cost of the general model
//!   (`benches/simpy_mm3030.py` runs the same model in SimPy);
//! - the classic "hold" model of event-list studies: a list held at a
//!   fixed size (1,000 and 100,000 pending events), each event taken out
//!   scheduling one more a random delay later, as a large region's people,
//!   calls and stays do.

use carecap::engine::rng::{Purpose, stream};
use carecap::engine::time::{DAY, MINUTE, ticks_from_f64};
use carecap::engine::{Model, Scheduler, SimTime, run_until};
use carecap::model::queueing::{QueueConfig, ServiceSystem, ServiceTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn loss_system() -> QueueConfig {
    QueueConfig {
        arrival_rate: 2.0 / DAY as f64,
        service: ServiceTime::Exponential {
            mean: 14.0 * DAY as f64,
        },
        servers: 30,
        queue_limit: 0,
        mean_patience: None,
        warmup: 0,
        observed: 5 * 365 * DAY,
    }
}

fn kernel(c: &mut Criterion) {
    let config = loss_system();
    let events = ServiceSystem::new(config.clone(), 1, 0, 0).run().events;
    let mut group = c.benchmark_group("kernel");
    group.throughput(Throughput::Elements(events));
    let mut rep = 0u64;
    group.bench_function("mm30_30_5_years", |b| {
        b.iter(|| {
            rep += 1;
            black_box(ServiceSystem::new(config.clone(), 1, rep, 0).run())
        })
    });
    // The floor handles as many events (arrivals and departures) in
    // expectation; its own count over many replications sets the rate.
    let floor_events = (1..=20).map(|r| hand_written_loss_system(r).0).sum::<u64>() / 20;
    group.throughput(Throughput::Elements(floor_events));
    group.bench_function("mm30_30_5_years_hand_written", |b| {
        b.iter(|| {
            rep += 1;
            black_box(hand_written_loss_system(rep))
        })
    });
    // Same model, same draws, same order of events: the same results.
    for r in 1..=5 {
        assert_eq!(minimal_loss_system(r), hand_written_loss_system(r));
    }
    group.bench_function("mm30_30_5_years_kernel_minimal", |b| {
        b.iter(|| {
            rep += 1;
            black_box(minimal_loss_system(rep))
        })
    });
    group.finish();
}

/// The floor: M/M/30/30 over 5 years as the least any event loop must do —
/// a binary heap of (time, sequence, event), a count of busy beds, the
/// same generator and draws as the kernel's model (its named streams,
/// exponential gaps and stays), the same statistics (arrivals turned away,
/// time-weighted beds in use) — and nothing general. Returns (events,
/// turned away, mean beds in use).
fn hand_written_loss_system(rep: u64) -> (u64, u64, f64) {
    use rand_distr::{Distribution, Exp};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    const ARRIVAL: u8 = 0;
    const DEPARTURE: u8 = 1;
    let end = 5 * 365 * DAY;
    let mut arrivals = stream(1, Purpose::new("queue.arrivals", 0), rep);
    let mut stays = stream(1, Purpose::new("queue.service", 0), rep);
    let gap = Exp::new(2.0 / DAY as f64).expect("a rate");
    let stay = Exp::new(1.0 / (14.0 * DAY as f64)).expect("a rate");
    let mut heap = BinaryHeap::with_capacity(64);
    let (mut seq, mut events, mut busy, mut blocked) = (0u64, 0u64, 0u32, 0u64);
    let (mut last, mut bed_time) = (0u64, 0.0f64);
    heap.push(Reverse((
        ticks_from_f64(gap.sample(&mut arrivals)),
        seq,
        ARRIVAL,
    )));
    while let Some(Reverse((t, _, kind))) = heap.pop() {
        if t > end {
            break;
        }
        events += 1;
        bed_time += busy as f64 * (t - last) as f64;
        last = t;
        seq += 1;
        if kind == ARRIVAL {
            let next = t + ticks_from_f64(gap.sample(&mut arrivals));
            heap.push(Reverse((next, seq, ARRIVAL)));
            seq += 1;
            if busy < 30 {
                busy += 1;
                let out = t + ticks_from_f64(stay.sample(&mut stays));
                heap.push(Reverse((out, seq, DEPARTURE)));
            } else {
                blocked += 1;
            }
        } else {
            busy -= 1;
        }
    }
    bed_time += busy as f64 * (end - last) as f64;
    (events, blocked, bed_time / end as f64)
}

/// The floor's model, line for line, driven by the kernel (its
/// [`Scheduler`], event list and [`run_until`]) instead of a hand-written
/// loop: the ratio of the two is the kernel's own cost, apart from the
/// general model (`ServiceSystem`: piecewise arrivals, a waiting list,
/// patience, a warm-up window) that `mm30_30_5_years` also pays for.
struct MinimalLossSystem {
    arrivals: carecap::engine::rng::StreamRng,
    stays: carecap::engine::rng::StreamRng,
    gap: rand_distr::Exp<f64>,
    stay: rand_distr::Exp<f64>,
    busy: u32,
    blocked: u64,
    last: u64,
    bed_time: f64,
}

#[derive(Clone, Copy)]
enum LossEvent {
    Arrival,
    Departure,
}

impl Model for MinimalLossSystem {
    type Event = LossEvent;

    fn handle(&mut self, event: LossEvent, sched: &mut Scheduler<LossEvent>) {
        use rand_distr::Distribution;
        let t = sched.now().ticks();
        self.bed_time += self.busy as f64 * (t - self.last) as f64;
        self.last = t;
        match event {
            LossEvent::Arrival => {
                let gap = ticks_from_f64(self.gap.sample(&mut self.arrivals));
                sched.schedule_in(gap, LossEvent::Arrival);
                if self.busy < 30 {
                    self.busy += 1;
                    let out = ticks_from_f64(self.stay.sample(&mut self.stays));
                    sched.schedule_in(out, LossEvent::Departure);
                } else {
                    self.blocked += 1;
                }
            }
            LossEvent::Departure => self.busy -= 1,
        }
    }
}

/// Runs [`MinimalLossSystem`]; returns what the floor returns.
fn minimal_loss_system(rep: u64) -> (u64, u64, f64) {
    use rand_distr::{Distribution, Exp};
    let end = 5 * 365 * DAY;
    let mut model = MinimalLossSystem {
        arrivals: stream(1, Purpose::new("queue.arrivals", 0), rep),
        stays: stream(1, Purpose::new("queue.service", 0), rep),
        gap: Exp::new(2.0 / DAY as f64).expect("a rate"),
        stay: Exp::new(1.0 / (14.0 * DAY as f64)).expect("a rate"),
        busy: 0,
        blocked: 0,
        last: 0,
        bed_time: 0.0,
    };
    let mut sched = Scheduler::with_capacity(64);
    let first = ticks_from_f64(model.gap.sample(&mut model.arrivals));
    sched.schedule_at(SimTime(first), LossEvent::Arrival);
    let events = run_until(&mut model, &mut sched, SimTime(end));
    model.bed_time += model.busy as f64 * (end - model.last) as f64;
    (events, model.blocked, model.bed_time / end as f64)
}

/// Each event schedules one more, up to about a week ahead with many
/// short delays (a cheap xorshift, so the bench measures the list).
struct Hold {
    state: u64,
}

impl Hold {
    fn delay(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        // Mostly minutes to hours, sometimes days.
        let r = self.state >> 11;
        if r & 7 == 0 {
            r % (7 * DAY)
        } else {
            r % (6 * 60 * MINUTE)
        }
    }
}

impl Model for Hold {
    type Event = u32;
    fn handle(&mut self, event: u32, sched: &mut Scheduler<u32>) {
        let d = self.delay();
        sched.schedule_in(d, event);
    }
}

fn hold(c: &mut Criterion) {
    const EVENTS: u64 = 1_000_000;
    let mut group = c.benchmark_group("kernel");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(10);
    for pending in [1_000u32, 100_000] {
        group.bench_function(format!("hold_{pending}_pending"), |b| {
            b.iter(|| {
                let mut model = Hold {
                    state: 0x9E37_79B9_7F4A_7C15,
                };
                let mut sched = Scheduler::with_capacity(pending as usize);
                for e in 0..pending {
                    let d = model.delay();
                    sched.schedule_at(SimTime(d), e);
                }
                // Run until a million events have been handled.
                let mut end = SimTime(0);
                while sched.events_processed() < EVENTS {
                    end = end.plus(DAY);
                    run_until(&mut model, &mut sched, end);
                }
                black_box(sched.events_processed())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, kernel, hold);
criterion_main!(benches);
