//! The event loop: a clock, the future-event list and a model that reacts.
//!
//! A model is any type implementing [`Model`]. The loop pops the earliest
//! event, advances the clock to it and hands it to the model, which may
//! schedule more events through the [`Scheduler`]. The loop itself does no
//! I/O and allocates nothing once the event list has reached its peak size.

use super::queue::EventQueue;
use super::time::SimTime;

/// The clock and the future-event list, handed to a model on every event.
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
    processed: u64,
}

impl<E> std::fmt::Debug for Scheduler<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("now", &self.now)
            .field("queue", &self.queue)
            .field("processed", &self.processed)
            .finish()
    }
}

impl<E> Scheduler<E> {
    /// A scheduler at time zero with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::with_capacity(capacity),
            processed: 0,
        }
    }

    /// The current simulation time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time`. A time in the past is moved to now, so
    /// the clock never runs backwards (the event list moves it: its last
    /// time taken out is now).
    pub fn schedule_at(&mut self, time: SimTime, event: E) {
        self.queue.push(time, event);
    }

    /// Schedules `event` after `delay` ticks.
    pub fn schedule_in(&mut self, delay: u64, event: E) {
        self.queue.push(self.now.plus(delay), event);
    }

    /// Number of events handed to the model so far.
    pub fn events_processed(&self) -> u64 {
        self.processed
    }

    /// Number of events waiting.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// A simulated system: it reacts to its own events.
pub trait Model {
    /// The model's event type; keep it small and `Copy`-like, it is moved
    /// through the heap.
    type Event;

    /// Handles one event at `sched.now()`.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);
}

/// Runs `model` until no event is due at or before `end`; the clock is left
/// at `end`. Returns the number of events handled by this call.
///
/// ```
/// use carecap::engine::{run_until, Model, Scheduler, SimTime};
///
/// struct Ticker { ticks: u32 }
/// impl Model for Ticker {
///     type Event = ();
///     fn handle(&mut self, _: (), sched: &mut Scheduler<()>) {
///         self.ticks += 1;
///         sched.schedule_in(10, ());
///     }
/// }
///
/// let mut model = Ticker { ticks: 0 };
/// let mut sched = Scheduler::with_capacity(1);
/// sched.schedule_at(SimTime(0), ());
/// run_until(&mut model, &mut sched, SimTime(95));
/// assert_eq!(model.ticks, 10); // t = 0, 10, …, 90
/// ```
pub fn run_until<M: Model>(model: &mut M, sched: &mut Scheduler<M::Event>, end: SimTime) -> u64 {
    let before = sched.processed;
    while let Some((time, event)) = sched.queue.pop_due(end) {
        sched.now = time;
        sched.processed += 1;
        model.handle(event, sched);
    }
    sched.now = sched.now.max(end);
    sched.processed - before
}
