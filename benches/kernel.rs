//! Kernel throughput: the M/M/30/30 hospice-bed model (λ = 2/day, mean stay
//! 14 days) over 5 simulated years, reported in events per second.

use carecap::engine::time::DAY;
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

criterion_group!(benches, kernel);
criterion_main!(benches);
