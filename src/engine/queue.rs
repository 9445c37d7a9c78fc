//! The future-event list: a monotone radix heap keyed by (time, insertion
//! sequence).
//!
//! Two events due at the same tick leave the queue in the order they were
//! scheduled (FIFO). The sequence number makes the order total, so it never
//! depends on layout, hashing or thread timing.
//!
//! Simulation time never goes backwards, so the queue is a radix heap:
//! each pending event sits in the bucket of the highest bit in which its key
//! differs from the last key taken out. Pushing is an append; taking out
//! empties the lowest non-empty bucket into lower ones around its minimum.
//! An event moves down at most 128 buckets in its life, and the buckets are
//! plain vectors, so a large list stays cache-friendly where a binary heap
//! would chase pointers through memory.

use super::time::SimTime;

/// The buckets: key XOR last taken differs first in bit `i − 1` for bucket
/// `i`; bucket 0 holds the key equal to the last taken.
const BUCKETS: usize = 129;

struct Entry<E> {
    /// `time << 64 | sequence`: unique, ordered as (time, sequence).
    key: u128,
    event: E,
}

/// Pending events, earliest first, FIFO among equal times.
///
/// Times pushed must not be earlier than the last time popped (the
/// simulation clock never runs backwards); an earlier time is treated as the
/// last time popped. Once the buckets have grown to their largest sizes,
/// pushing and popping do not allocate.
pub struct EventQueue<E> {
    buckets: Vec<Vec<Entry<E>>>,
    /// Room for the events of the bucket being shared out.
    spare: Vec<Entry<E>>,
    last: u128,
    /// Bit `i − 1` set when bucket `i` (1..=128) holds an event.
    occupied: u128,
    len: usize,
    next_seq: u64,
}

impl<E> std::fmt::Debug for EventQueue<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventQueue")
            .field("pending", &self.len)
            .field("next_seq", &self.next_seq)
            .finish()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue with room for about `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        // Every bucket starts with room, so that one first used late in a run
        // (the clock crossing a power of two) does not allocate: the buckets
        // of keys differing in time (65 and up) hold most events, those
        // differing only in sequence (ties) a few. Each keeps what it grows
        // to; the spare, which takes a whole bucket at a time, starts large.
        let per_time_bucket = (capacity / 8).max(16);
        EventQueue {
            buckets: (0..BUCKETS)
                .map(|b| Vec::with_capacity(if b > 64 { per_time_bucket } else { 16 }))
                .collect(),
            spare: Vec::with_capacity(capacity.max(4)),
            last: 0,
            occupied: 0,
            len: 0,
            next_seq: 0,
        }
    }

    fn bucket_of(&self, key: u128) -> usize {
        (128 - (key ^ self.last).leading_zeros()) as usize
    }

    fn put(&mut self, entry: Entry<E>) {
        let b = self.bucket_of(entry.key);
        if b > 0 {
            self.occupied |= 1 << (b - 1);
        }
        self.buckets[b].push(entry);
    }

    /// Adds an event due at `time`.
    pub fn push(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let earliest = (self.last >> 64) as u64;
        let key = ((time.0.max(earliest) as u128) << 64) | seq as u128;
        self.put(Entry { key, event });
        self.len += 1;
    }

    /// Makes bucket 0 hold the earliest event; false if nothing is pending.
    fn settle(&mut self) -> bool {
        if !self.buckets[0].is_empty() {
            return true;
        }
        if self.occupied == 0 {
            return false;
        }
        let i = self.occupied.trailing_zeros() as usize + 1;
        self.occupied &= !(1 << (i - 1));
        // Copy the bucket out (each bucket keeps its own capacity, so sizes
        // settle once and nothing allocates in steady state) and share its
        // events among the lower buckets around their minimum.
        let mut moving = std::mem::take(&mut self.spare);
        moving.append(&mut self.buckets[i]);
        self.last = moving.iter().map(|e| e.key).min().unwrap_or(self.last);
        for entry in moving.drain(..) {
            self.put(entry);
        }
        self.spare = moving;
        true
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if !self.settle() {
            return None;
        }
        let entry = self.buckets[0].pop()?;
        self.len -= 1;
        Some((SimTime((entry.key >> 64) as u64), entry.event))
    }

    /// The time of the earliest pending event.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        if !self.settle() {
            return None;
        }
        self.buckets[0]
            .last()
            .map(|e| SimTime((e.key >> 64) as u64))
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

    proptest::proptest! {
        /// Interleaved pushes (never before the clock) and pops leave in
        /// exactly the order of a binary heap on (time, sequence).
        #[test]
        fn pops_match_a_binary_heap_on_time_then_sequence(
            ops in proptest::collection::vec((0u8..3, 0u64..1_000_000_000), 0..600)
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
                    let got = q.pop();
                    let want = reference.pop().map(|Reverse((t, s))| (SimTime(t), s));
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
