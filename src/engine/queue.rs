//! The future-event list: a monotone radix heap keyed by time, first in
//! first out among equal times.
//!
//! Two events due at the same tick leave the queue in the order they were
//! scheduled (FIFO), so the order never depends on layout, hashing or
//! thread timing: it is exactly the order of a binary heap on (time,
//! insertion sequence).
//!
//! Simulation time never goes backwards, so the queue is a radix heap:
//! each pending event sits in the bucket of the highest bit in which its
//! time differs from the last time taken out (bucket 0: the same time).
//! Pushing is an append; taking out, once the current instant is used up,
//! shares the lowest non-empty bucket out among the empty buckets below it
//! around its earliest time. An event moves down at most 64 buckets in its
//! life, and the buckets are plain vectors, so a large list stays
//! cache-friendly where a binary heap would chase pointers through memory.
//!
//! The key is the time alone, not (time, sequence): every bucket holds its
//! events in the order they were scheduled, because a bucket is only ever
//! appended to, by new events (scheduled after everything pending) or by
//! the share-out of a higher bucket while it is empty, which keeps that
//! bucket's order. So the current instant's bucket is a FIFO and no
//! sequence number is stored, ties need no sorting, and an entry is the
//! time and the event.

use super::time::SimTime;
use std::collections::VecDeque;

/// The buckets: time XOR last taken differs first in bit `i − 1` for
/// bucket `i`; bucket 0 (the `now` deque) holds times equal to the last taken.
const BUCKETS: usize = 65;

/// Buckets from this one up (times differing by a second or more) start
/// with room for an eighth of the expected pending events.
const FIRST_WIDE_BUCKET: usize = 10;

struct Entry<E> {
    time: u64,
    event: E,
}

/// Pending events, earliest first, FIFO among equal times.
///
/// Times pushed must not be earlier than the last time popped (the
/// simulation clock never runs backwards); an earlier time is treated as the
/// last time popped. Once the buckets have grown to their largest sizes,
/// pushing and popping do not allocate.
pub struct EventQueue<E> {
    /// Events due at `last`, in the order they were scheduled.
    now: VecDeque<Entry<E>>,
    /// Buckets 1..=64 (index 0 unused: the current instant is `now`).
    buckets: Vec<Vec<Entry<E>>>,
    last: u64,
    /// Bit `i − 1` set when bucket `i` (1..=64) holds an event.
    occupied: u64,
    /// The earliest time in each bucket (index 0 unused), kept as events
    /// arrive so that sharing a bucket out reads it once.
    earliest: [u64; BUCKETS],
    len: usize,
}

impl<E> std::fmt::Debug for EventQueue<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventQueue")
            .field("pending", &self.len)
            .field("last", &self.last)
            .finish()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue with room for about `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        // Every bucket starts with room, so that one first used late in a run
        // (the clock crossing a power of two) does not allocate: the buckets
        // of times a second or more apart hold most events, the others a
        // few. Each keeps what it grows to.
        let wide = (capacity / 8).max(16);
        EventQueue {
            now: VecDeque::with_capacity(64),
            buckets: (0..BUCKETS)
                .map(|b| match b {
                    0 => Vec::new(),
                    b if b >= FIRST_WIDE_BUCKET => Vec::with_capacity(wide),
                    _ => Vec::with_capacity(16),
                })
                .collect(),
            last: 0,
            occupied: 0,
            earliest: [u64::MAX; BUCKETS],
            len: 0,
        }
    }

    /// Adds an event due at `time`.
    pub fn push(&mut self, time: SimTime, event: E) {
        let time = time.0.max(self.last);
        let b = bucket_of(time, self.last);
        let entry = Entry { time, event };
        if b == 0 {
            self.now.push_back(entry);
        } else {
            self.occupied |= 1 << (b - 1);
            self.earliest[b] = self.earliest[b].min(time);
            self.buckets[b].push(entry);
        }
        self.len += 1;
    }

    /// Makes `now` hold the earliest events; false if nothing is pending.
    fn settle(&mut self) -> bool {
        if !self.now.is_empty() {
            return true;
        }
        if self.occupied == 0 {
            return false;
        }
        let i = self.occupied.trailing_zeros() as usize + 1;
        self.occupied &= !(1 << (i - 1));
        // Share bucket i out, in order, among the (empty) buckets below it
        // around its earliest time; it keeps its capacity, so sizes settle
        // once and nothing allocates in steady state.
        let (lower, upper) = self.buckets.split_at_mut(i);
        let last = std::mem::replace(&mut self.earliest[i], u64::MAX);
        self.last = last;
        for entry in upper[0].drain(..) {
            let b = bucket_of(entry.time, last);
            if b == 0 {
                self.now.push_back(entry);
            } else {
                self.occupied |= 1 << (b - 1);
                self.earliest[b] = self.earliest[b].min(entry.time);
                lower[b].push(entry);
            }
        }
        true
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(SimTime::NEVER)
    }

    /// Removes and returns the earliest event if it is due at or before
    /// `end`; otherwise leaves it pending, and the queue's clock where it
    /// was: events may still be pushed for any time from the last taken
    /// out (a driver that stops a list at `end` may add events due before
    /// the ones pending).
    pub fn pop_due(&mut self, end: SimTime) -> Option<(SimTime, E)> {
        if self.peek_time()? > end {
            return None;
        }
        self.settle();
        let entry = self.now.pop_front()?;
        self.len -= 1;
        Some((SimTime(entry.time), entry.event))
    }

    /// The earliest pending event, seen without taking it out or sharing a
    /// bucket out (so the clock does not move): the event that comes next
    /// unless an earlier one is pushed first. Looking costs a scan of the
    /// lowest bucket, so a bucket of more than `scan` events is not looked
    /// into (`None`); the buckets nearest the clock are usually small.
    pub fn peek_next(&self, scan: usize) -> Option<&E> {
        if let Some(entry) = self.now.front() {
            return Some(&entry.event);
        }
        if self.occupied == 0 {
            return None;
        }
        let bucket = &self.buckets[self.occupied.trailing_zeros() as usize + 1];
        if bucket.len() > scan {
            return None;
        }
        // The first of the earliest (ties leave in the order scheduled), as
        // `min_by_key` gives.
        bucket.iter().min_by_key(|e| e.time).map(|e| &e.event)
    }

    /// The time of the earliest pending event (the lowest bucket holds the
    /// earliest times, and each bucket knows its earliest).
    pub fn peek_time(&self) -> Option<SimTime> {
        if !self.now.is_empty() {
            return Some(SimTime(self.last));
        }
        if self.occupied == 0 {
            return None;
        }
        let i = self.occupied.trailing_zeros() as usize + 1;
        Some(SimTime(self.earliest[i]))
    }

    /// Moves the clock of an empty queue to `time`, earlier or later: the
    /// next events pushed are measured from there. Does nothing if events
    /// are pending (the clock cannot pass them).
    pub fn restart_at(&mut self, time: SimTime) {
        if self.is_empty() {
            self.last = time.0;
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The bucket of `time` when `last` was the last time taken out: one more
/// than the highest bit in which they differ (0 when equal).
fn bucket_of(time: u64, last: u64) -> usize {
    (64 - (time ^ last).leading_zeros()) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_leave_in_insertion_order() {
        let mut q = EventQueue::with_capacity(4);
        q.push(SimTime(5), 'c');
        q.push(SimTime(1), 'a');
        q.push(SimTime(5), 'd');
        q.push(SimTime(1), 'b');
        q.push(SimTime(5), 'e');
        let order: String = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, "abcde");
    }

    #[test]
    fn stopping_short_of_a_pending_event_leaves_room_before_it() {
        let mut q = EventQueue::with_capacity(4);
        q.push(SimTime(1), 'a');
        q.push(SimTime(1_000), 'd');
        assert_eq!(q.pop_due(SimTime(500)), Some((SimTime(1), 'a')));
        assert_eq!(q.pop_due(SimTime(500)), None);
        assert_eq!(q.peek_time(), Some(SimTime(1_000)));
        // A driver adds events due between the stop and the pending one.
        q.push(SimTime(700), 'c');
        q.push(SimTime(600), 'b');
        let order: String = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, "bcd");
    }

    proptest::proptest! {
        /// Interleaved pushes (never before the clock), pops and pops
        /// stopped short at an end (after which pushes may fall before
        /// the events pending) leave in exactly the order of a binary heap
        /// on (time, sequence).
        #[test]
        fn pops_match_a_binary_heap_on_time_then_sequence(
            ops in proptest::collection::vec((0u8..4, 0u64..1_000_000_000), 0..600)
        ) {
            use std::cmp::Reverse;
            let mut q = EventQueue::with_capacity(8);
            let mut reference = std::collections::BinaryHeap::new();
            let (mut now, mut seq) = (0u64, 0u64);
            for (op, dt) in ops {
                if op < 2 {
                    // Mostly near the clock, sometimes far ahead.
                    let t = now + if op == 0 { dt % 7 } else { dt };
                    q.push(SimTime(t), seq);
                    reference.push(Reverse((t, seq)));
                    seq += 1;
                } else {
                    // Op 3 stops at an end a little past the clock.
                    let end = if op == 2 { u64::MAX } else { now + dt % 11 };
                    let got = q.pop_due(SimTime(end));
                    let due = reference.peek().is_some_and(|Reverse((t, _))| *t <= end);
                    let want = if due { reference.pop() } else { None };
                    let want = want.map(|Reverse((t, s))| (SimTime(t), s));
                    proptest::prop_assert_eq!(got, want);
                    if let Some((t, _)) = got {
                        now = t.0;
                    }
                }
                proptest::prop_assert_eq!(q.len(), reference.len());
            }
            while let Some(want) = reference.pop() {
                let Reverse((t, s)) = want;
                proptest::prop_assert_eq!(q.pop(), Some((SimTime(t), s)));
            }
            proptest::prop_assert!(q.pop().is_none());
        }

        /// Many ties, events scheduled for the instant being handled, and
        /// cancellations as models make them (a generation per event
        /// source; a stale event is taken out and ignored): the live events
        /// handled, and their times, are those of a binary heap on (time,
        /// sequence) with the same cancellations.
        #[test]
        fn with_ties_and_cancellations_the_live_events_match_a_binary_heap(
            ops in proptest::collection::vec((0u8..5, 0u64..64, 0usize..8), 0..800)
        ) {
            use std::cmp::Reverse;
            // Event = (source, generation, sequence); a source's pending
            // event is cancelled by moving its generation on.
            let mut q = EventQueue::with_capacity(8);
            let mut reference = std::collections::BinaryHeap::new();
            let mut generation = [0u32; 8];
            let (mut now, mut seq) = (0u64, 0u64);
            let mut handled = (Vec::new(), Vec::new());
            for (op, dt, source) in ops {
                match op {
                    // Whole "hours" apart: ties are the rule.
                    0 | 1 => {
                        let t = now + (dt % 4) * 1_000 * u64::from(op);
                        let event = (source, generation[source], seq);
                        q.push(SimTime(t), event);
                        reference.push(Reverse((t, seq, event)));
                        seq += 1;
                    }
                    2 => generation[source] = generation[source].wrapping_add(1),
                    _ => {
                        let got = q.pop();
                        let want = reference.pop().map(|Reverse((t, _, e))| (SimTime(t), e));
                        proptest::prop_assert_eq!(got, want);
                        if let Some((t, (src, g, s))) = got {
                            now = t.0;
                            if generation[src] == g {
                                handled.0.push((t, s));
                            }
                        }
                    }
                }
            }
            while let Some(Reverse((t, _, (src, g, s)))) = reference.pop() {
                let got = q.pop();
                proptest::prop_assert_eq!(got, Some((SimTime(t), (src, g, s))));
                if generation[src] == g {
                    handled.1.push((SimTime(t), s));
                }
            }
            proptest::prop_assert!(q.pop().is_none() && q.is_empty());
            let times: Vec<_> = handled.0.iter().chain(&handled.1).collect();
            proptest::prop_assert!(times.windows(2).all(|w| w[0] < w[1]));
        }

        #[test]
        fn pops_are_sorted_by_time_then_sequence(times in proptest::collection::vec(0u64..20, 0..200)) {
            let mut q = EventQueue::with_capacity(times.len());
            for (i, t) in times.iter().enumerate() {
                q.push(SimTime(*t), i);
            }
            let mut last: Option<(SimTime, usize)> = None;
            while let Some((t, i)) = q.pop() {
                if let Some((lt, li)) = last {
                    proptest::prop_assert!(lt < t || (lt == t && li < i));
                }
                last = Some((t, i));
            }
        }
    }
}
