//! Full-model throughput: one replication of the NW London baseline
//! (8 boroughs, 6 sites, one warm-up year and 11 reported years), reported
//! in events per second. The 100-replication wall time is reported by
//! `carecap run` itself (manifest.json: wall_seconds, events_per_second).

use carecap::model::{CareConfig, simulate};
use carecap::scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn baseline(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nwl-baseline.toml");
    let loaded = scenario::read(&path).expect("baseline is valid");
    let cfg = CareConfig::new(&loaded.scenario);
    let events = simulate(&cfg, 0).events;
    let mut group = c.benchmark_group("care_model");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    let mut rep = 0;
    group.bench_function("nwl_baseline_one_replication", |b| {
        b.iter(|| {
            rep += 1;
            black_box(simulate(&cfg, rep))
        })
    });
    group.finish();
}

criterion_group!(benches, baseline);
criterion_main!(benches);
