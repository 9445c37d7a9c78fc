//! The event loop allocates nothing per event in steady state.
//!
//! A counting global allocator wraps the system one; after a warm-up that
//! lets the event list and waiting lists reach their working size, a long
//! further stretch of simulation must make zero allocations.

use carecap::engine::time::{DAY, MINUTE, SECOND};
use carecap::engine::{SimTime, run_until};
use carecap::model::queueing::{QueueConfig, ServiceSystem, ServiceTime};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Only the thread running the simulation counts: the test harness's
    /// own threads may allocate at any time.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTING.with(|c| c.get()) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn steady_state_allocations(config: QueueConfig) -> (u64, u64) {
    let mut system = ServiceSystem::new(config, 1, 0, 20);
    let mut sched = system.start();
    run_until(&mut system, &mut sched, SimTime(60 * DAY));
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    let events = run_until(&mut system, &mut sched, SimTime(400 * DAY));
    COUNTING.with(|c| c.set(false));
    (ALLOCATIONS.load(Ordering::Relaxed) - before, events)
}

#[test]
fn loss_and_delay_systems_allocate_nothing_per_event() {
    let loss = QueueConfig {
        arrival_rate: 2.0 / DAY as f64,
        service: ServiceTime::Exponential {
            mean: 14.0 * DAY as f64,
        },
        servers: 30,
        queue_limit: 0,
        mean_patience: None,
        warmup: 0,
        observed: 400 * DAY,
    };
    let impatient = QueueConfig {
        arrival_rate: 200.0 / DAY as f64,
        service: ServiceTime::Exponential {
            mean: 12.0 * MINUTE as f64,
        },
        servers: 2,
        queue_limit: usize::MAX,
        mean_patience: Some(300.0 * SECOND as f64),
        ..loss.clone()
    };
    for config in [loss, impatient] {
        let (allocations, events) = steady_state_allocations(config);
        assert!(events > 1000, "only {events} events");
        assert_eq!(
            allocations, 0,
            "{allocations} allocations over {events} events"
        );
    }
}

#[test]
fn the_care_model_does_not_allocate_per_event_after_warm_up() {
    use carecap::model::CareConfig;
    use carecap::model::simulate_with_checkpoint;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nwl-baseline.toml");
    let mut scenario = carecap::scenario::read(&path).unwrap().scenario;
    scenario.scenario.years = 4;
    let cfg = CareConfig::new(&scenario);
    // Measure the last two simulated years, after the warm-up and two years
    // in which lists and pools reach their working size.
    let checkpoint = SimTime(cfg.warmup + 2 * 365 * DAY);
    let before_events = carecap::model::simulate(&cfg, 0).events;
    let mut start = 0;
    COUNTING.with(|c| c.set(false));
    let result = simulate_with_checkpoint(&cfg, 0, checkpoint, || {
        start = ALLOCATIONS.load(Ordering::Relaxed);
        COUNTING.with(|c| c.set(true));
    });
    COUNTING.with(|c| c.set(false));
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - start;
    assert_eq!(
        result.events, before_events,
        "the checkpoint changed the run"
    );
    let measured = result.events * 2 / 5; // the last two of five simulated years, roughly
    eprintln!("{allocations} allocations over about {measured} events");
    // Pools, lists and the population still grow now and then (demand grows
    // each year), by doubling: a handful of allocations, never one per event.
    assert!(
        allocations <= 64,
        "{allocations} allocations over about {measured} events"
    );
}
