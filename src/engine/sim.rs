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
    /// the clock never runs backwards.
    pub fn schedule_at(&mut self, time: SimTime, event: E) {
        self.queue.push(time.max(self.now), event);
    }

    /// Schedules `event` after `delay` ticks.
    pub fn schedule_in(&mut self, delay: u64, event: E) {
        self.queue.push(self.now.plus(delay), event);
    }

    /// The time of the earliest pending event.
    pub fn next_time(&self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// Takes the earliest pending event out and moves the clock to it, for
    /// a caller that hands it to a model itself (counted as handled).
    pub fn take_next(&mut self) -> Option<(SimTime, E)> {
        let (time, event) = self.queue.pop()?;
        self.now = time;
        self.processed += 1;
        Some((time, event))
    }

    /// Hands every pending event over, earliest first (FIFO among equal
    /// times), without handling them: they move to other event lists.
    /// The scheduler is left empty, its clock where it was.
    pub fn hand_over(&mut self, mut to: impl FnMut(SimTime, E)) {
        while let Some((time, event)) = self.queue.pop() {
            to(time, event);
        }
        self.queue.restart_at(self.now);
    }

    /// Moves the clock of a scheduler with nothing pending to `time`,
    /// earlier or later (a scratch list reused at each of a driver's
    /// instants). Does nothing while events are pending.
    pub fn restart_at(&mut self, time: SimTime) {
        if self.queue.is_empty() {
            self.now = time;
            self.queue.restart_at(time);
        }
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

/// The most pending events the loop scans to see which comes next.
const LOOK_AHEAD_SCAN: usize = 256;

/// A simulated system: it reacts to its own events.
pub trait Model {
    /// The model's event type; keep it small and `Copy`-like, it is moved
    /// through the heap.
    type Event;

    /// Handles one event at `sched.now()`.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);

    /// Whether the loop should tell the model, before the next event, which
    /// event is expected after it ([`Model::expect`]). Off by default:
    /// looking costs a short scan of the event list, worth paying only when
    /// the model's state is too large for the processor's caches.
    fn looks_ahead(&self) -> bool {
        false
    }

    /// A hint, before an event is handled, of the event expected next (when
    /// [`Model::looks_ahead`]), so that a model can start fetching the state it
    /// will need (a person's record among many) while it handles this one.
    /// Nothing may depend on it: the default does nothing.
    fn expect(&self, _next: &Self::Event) {}
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
        if model.looks_ahead()
            && let Some(next) = sched.queue.peek_next(LOOK_AHEAD_SCAN)
        {
            model.expect(next);
        }
        model.handle(event, sched);
    }
    sched.now = sched.now.max(end);
    sched.processed - before
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Each event (a number, in the order scheduled) schedules up to two
    /// more at pseudo-random times ahead; it keeps what the loop said to
    /// expect next and the first number scheduled after the hint.
    struct Chain {
        state: u64,
        next_id: u64,
        expected: Cell<Option<u64>>,
        previous_hint: Option<u64>,
        first_since: u64,
        checked: u64,
        wrong: u64,
    }

    impl Model for Chain {
        type Event = u64;

        fn looks_ahead(&self) -> bool {
            true
        }

        fn expect(&self, next: &u64) {
            self.expected.set(Some(*next));
        }

        fn handle(&mut self, event: u64, sched: &mut Scheduler<u64>) {
            let now = sched.now().ticks();
            // The hint made before the previous event must name this one
            // unless this one was scheduled after the hint (by the
            // previous event, due earlier than the hinted one).
            if let Some(expected) = self.previous_hint.take()
                && event < self.first_since
            {
                self.checked += 1;
                self.wrong += u64::from(expected != event);
            }
            self.previous_hint = self.expected.take();
            self.first_since = self.next_id;
            for _ in 0..2 {
                self.state ^= self.state << 13;
                self.state ^= self.state >> 7;
                self.state ^= self.state << 17;
                if sched.pending() < 200 {
                    let at = now + 1 + self.state % 1000;
                    sched.schedule_at(SimTime(at), self.next_id);
                    self.next_id += 1;
                }
            }
        }
    }

    /// The event the loop says comes next is the one handled next, unless
    /// the model scheduled one due before it; and it says so for most
    /// events.
    #[test]
    fn the_expected_event_is_the_next_handled() {
        let mut model = Chain {
            state: 88_172_645_463_325_252,
            next_id: 1,
            expected: Cell::new(None),
            previous_hint: None,
            first_since: 0,
            checked: 0,
            wrong: 0,
        };
        let mut sched = Scheduler::with_capacity(256);
        sched.schedule_at(SimTime(0), 0);
        let events = run_until(&mut model, &mut sched, SimTime(1_000_000));
        assert!(events > 10_000, "{events} events");
        assert_eq!(
            model.wrong, 0,
            "{} of {} hints wrong",
            model.wrong, model.checked
        );
        assert!(
            model.checked * 10 > events * 9,
            "{} hints checked in {events} events",
            model.checked
        );
    }
}
