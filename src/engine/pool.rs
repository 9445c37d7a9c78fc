//! A pool of identical units of capacity (beds, slots, call handlers) with a
//! waiting list.
//!
//! Requests are granted while a unit is free. Otherwise the requester joins
//! the waiting list at its priority level (0 is served first, FIFO within a
//! level), or is refused when the pool has no list or the list is full.
//! Waiters may leave before being served ([`CapacityPool::renege`]), and the
//! capacity may change at any time: when it falls below the number of busy
//! units, no one is evicted; units simply are not handed on until the pool is
//! back under its capacity (a handler finishes the call in hand at shift end).
//!
//! The pool knows nothing of time beyond the timestamps it is given, and it
//! holds no statistics: callers record what they need.

use super::time::SimTime;
use std::collections::VecDeque;

/// Someone on the waiting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiter {
    /// The caller's identifier for the requester.
    pub id: u64,
    /// When the requester joined the list.
    pub since: SimTime,
}

/// What happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// A unit was free and is now held by the requester.
    Granted,
    /// No unit was free; the requester is on the waiting list.
    Queued,
    /// No unit was free and the list is absent or full.
    Refused,
}

/// Capacity units, how many are busy, and who waits for one.
#[derive(Debug, Clone)]
pub struct CapacityPool {
    capacity: u32,
    busy: u32,
    queue_limit: usize,
    levels: Vec<VecDeque<Waiter>>,
    waiting: usize,
}

impl CapacityPool {
    /// A pool of `capacity` units whose waiting list holds at most
    /// `queue_limit` people (0: no list, requests are refused when full),
    /// with `priority_levels` levels (at least one).
    pub fn new(capacity: u32, queue_limit: usize, priority_levels: usize) -> Self {
        let levels = priority_levels.max(1);
        let reserve = queue_limit.min(4096);
        CapacityPool {
            capacity,
            busy: 0,
            queue_limit,
            levels: (0..levels)
                .map(|_| VecDeque::with_capacity(reserve))
                .collect(),
            waiting: 0,
        }
    }

    /// Units in service now (may exceed capacity just after a cut).
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Current capacity.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// True when a request now would be granted at once.
    pub fn has_free_unit(&self) -> bool {
        self.busy < self.capacity && self.waiting == 0
    }

    /// Number of people waiting.
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    /// Asks for one unit for `id` at `now`, waiting at `priority` if none is
    /// free (priorities beyond the last level use the last level).
    pub fn request(&mut self, id: u64, priority: usize, now: SimTime) -> Request {
        if self.busy < self.capacity && self.waiting == 0 {
            self.busy += 1;
            return Request::Granted;
        }
        if self.waiting >= self.queue_limit {
            return Request::Refused;
        }
        let level = priority.min(self.levels.len() - 1);
        self.levels[level].push_back(Waiter { id, since: now });
        self.waiting += 1;
        Request::Queued
    }

    /// Returns one unit. If the pool is under capacity afterwards and
    /// someone waits, the unit passes straight to them and they are
    /// returned (they now hold it).
    pub fn release(&mut self) -> Option<Waiter> {
        debug_assert!(self.busy > 0, "release with nothing busy");
        self.busy = self.busy.saturating_sub(1);
        self.admit_next()
    }

    /// Sets a new capacity. If it rose, call [`CapacityPool::admit_next`]
    /// until it returns `None` to serve the waiting list.
    pub fn set_capacity(&mut self, capacity: u32) {
        self.capacity = capacity;
    }

    /// Sets a new waiting-list limit; people already waiting stay.
    pub fn set_queue_limit(&mut self, queue_limit: usize) {
        self.queue_limit = queue_limit;
    }

    /// Hands a free unit to the first waiter, if there is both.
    pub fn admit_next(&mut self) -> Option<Waiter> {
        if self.busy >= self.capacity || self.waiting == 0 {
            return None;
        }
        let waiter = self.levels.iter_mut().find_map(|q| q.pop_front())?;
        self.waiting -= 1;
        self.busy += 1;
        Some(waiter)
    }

    /// Removes `id` from the waiting list (they gave up, or died waiting).
    /// Returns their entry, or `None` if they were not waiting.
    pub fn renege(&mut self, id: u64) -> Option<Waiter> {
        for level in &mut self.levels {
            if let Some(pos) = level.iter().position(|w| w.id == id) {
                self.waiting -= 1;
                return level.remove(pos);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_queues_refuses_and_hands_on() {
        let mut pool = CapacityPool::new(1, 2, 1);
        assert_eq!(pool.request(1, 0, SimTime(0)), Request::Granted);
        assert_eq!(pool.request(2, 0, SimTime(1)), Request::Queued);
        assert_eq!(pool.request(3, 0, SimTime(2)), Request::Queued);
        assert_eq!(pool.request(4, 0, SimTime(3)), Request::Refused);
        let next = pool.release().unwrap();
        assert_eq!(
            next,
            Waiter {
                id: 2,
                since: SimTime(1)
            }
        );
        assert_eq!(pool.busy(), 1);
        assert_eq!(pool.waiting(), 1);
    }

    #[test]
    fn higher_priority_served_first_fifo_within_level() {
        let mut pool = CapacityPool::new(1, 10, 2);
        pool.request(0, 0, SimTime(0));
        pool.request(1, 1, SimTime(1));
        pool.request(2, 0, SimTime(2));
        pool.request(3, 0, SimTime(3));
        let order: Vec<u64> = std::iter::from_fn(|| pool.release().map(|w| w.id)).collect();
        assert_eq!(order, vec![2, 3, 1]);
    }

    #[test]
    fn renege_removes_from_the_middle() {
        let mut pool = CapacityPool::new(0, 10, 1);
        for id in 0..4 {
            pool.request(id, 0, SimTime(id));
        }
        assert_eq!(pool.renege(2).map(|w| w.since), Some(SimTime(2)));
        assert_eq!(pool.renege(2), None);
        pool.set_capacity(10);
        let order: Vec<u64> = std::iter::from_fn(|| pool.admit_next().map(|w| w.id)).collect();
        assert_eq!(order, vec![0, 1, 3]);
    }

    #[test]
    fn a_capacity_cut_evicts_no_one_but_stops_hand_on() {
        let mut pool = CapacityPool::new(2, 5, 1);
        pool.request(0, 0, SimTime(0));
        pool.request(1, 0, SimTime(0));
        pool.request(2, 0, SimTime(0));
        pool.set_capacity(1);
        assert_eq!(pool.busy(), 2);
        assert_eq!(pool.release(), None, "still at capacity after one leaves");
        assert_eq!(pool.release().map(|w| w.id), Some(2));
    }

    proptest::proptest! {
        #[test]
        fn busy_never_exceeds_capacity_without_a_cut(ops in proptest::collection::vec(0u8..3, 0..300)) {
            let mut pool = CapacityPool::new(3, 4, 2);
            let mut next_id = 0;
            for op in ops {
                match op {
                    0 => { pool.request(next_id, (next_id % 2) as usize, SimTime(next_id)); next_id += 1; }
                    1 => { if pool.busy() > 0 { pool.release(); } }
                    _ => { pool.renege(next_id / 2); }
                }
                proptest::prop_assert!(pool.busy() <= 3);
                proptest::prop_assert!(pool.waiting() <= 4);
                proptest::prop_assert!(pool.waiting() == 0 || pool.busy() == 3);
            }
        }
    }
}
