//! Kernel throughput, reported in events per second:
//! - the M/M/30/30 hospice-bed model (λ = 2/day, mean stay 14 days) over 5
//!   simulated years: a short event list (about thirty pending);
//! - the classic "hold" model of event-list studies: a list held at a
//!   fixed size (1,000 and 100,000 pending events), each event taken out
//!   scheduling one more a random delay later, as a large region's people,
//!   calls and stays do.

use carecap::engine::time::{DAY, MINUTE};
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
    group.finish();
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
