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
use rustc_hash::FxHashMap;
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

/// A place on a waiting list: the waiter and the ticket of their request.
/// An entry whose ticket is no longer the id's live ticket is a left-over
/// of someone who reneged, skipped when it reaches the front.
#[derive(Debug, Clone, Copy)]
struct Entry {
    waiter: Waiter,
    ticket: u64,
}

/// Capacity units, how many are busy, and who waits for one.
///
/// Reneging costs O(1): the waiter is dropped from an index of live
/// requests and their list entry is skipped when it reaches the front;
/// when left-overs outnumber live waiters the lists are compacted, so the
/// lists never hold more than about twice the people waiting.
#[derive(Debug, Clone)]
pub struct CapacityPool {
    capacity: u32,
    busy: u32,
    queue_limit: usize,
    levels: Vec<VecDeque<Entry>>,
    /// Live requests: id → (ticket, joined). Fx hashing: the ids are the
    /// caller's small integers, and the map is never iterated, so its order
    /// (which the hasher decides) never reaches a result.
    live: FxHashMap<u64, (u64, SimTime)>,
    next_ticket: u64,
    /// Left-over entries of people who reneged.
    stale: usize,
    /// Waiting-list entries examined so far (admissions, reneging and
    /// compaction), a measure of the work the lists cost.
    examined: u64,
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
            live: FxHashMap::with_capacity_and_hasher(queue_limit.min(64), Default::default()),
            next_ticket: 0,
            stale: 0,
            examined: 0,
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
        self.busy < self.capacity && self.live.is_empty()
    }

    /// Number of people waiting.
    pub fn waiting(&self) -> usize {
        self.live.len()
    }

    /// Waiting-list entries examined so far: grows in proportion to the
    /// requests, admissions and reneges, never with their product.
    pub fn entries_examined(&self) -> u64 {
        self.examined
    }

    /// Asks for one unit for `id` at `now`, waiting at `priority` if none is
    /// free (priorities beyond the last level use the last level). An `id`
    /// must not be on the list twice.
    pub fn request(&mut self, id: u64, priority: usize, now: SimTime) -> Request {
        if self.has_free_unit() {
            self.busy += 1;
            return Request::Granted;
        }
        if self.live.len() >= self.queue_limit {
            return Request::Refused;
        }
        let level = priority.min(self.levels.len() - 1);
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let waiter = Waiter { id, since: now };
        self.levels[level].push_back(Entry { waiter, ticket });
        let previous = self.live.insert(id, (ticket, now));
        debug_assert!(previous.is_none(), "id {id} is already waiting");
        self.examined += 1;
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
        if self.busy >= self.capacity || self.live.is_empty() {
            return None;
        }
        for level in &mut self.levels {
            while let Some(entry) = level.pop_front() {
                self.examined += 1;
                let id = entry.waiter.id;
                if self.live.get(&id).map(|l| l.0) == Some(entry.ticket) {
                    self.live.remove(&id);
                    self.busy += 1;
                    return Some(entry.waiter);
                }
                self.stale -= 1;
            }
        }
        None
    }

    /// Removes `id` from the waiting list (they gave up, or died waiting).
    /// Returns their entry, or `None` if they were not waiting.
    pub fn renege(&mut self, id: u64) -> Option<Waiter> {
        let (_, since) = self.live.remove(&id)?;
        self.examined += 1;
        self.stale += 1;
        if self.stale > 32 && self.stale > self.live.len() {
            self.compact();
        }
        Some(Waiter { id, since })
    }

    /// Drops the left-overs of people who reneged.
    fn compact(&mut self) {
        let live = &self.live;
        let mut examined = 0;
        for level in &mut self.levels {
            examined += level.len() as u64;
            level.retain(|e| live.get(&e.waiter.id).map(|l| l.0) == Some(e.ticket));
        }
        self.examined += examined;
        self.stale = 0;
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

    #[test]
    fn reneging_costs_constant_work_however_long_the_list() {
        // A line with no handler on duty: everyone who calls waits and
        // hangs up, most recent first (the worst case for a scan from the
        // front). A linear scan examines n²/2 entries; the index, O(n).
        let n = 20_000u64;
        let mut pool = CapacityPool::new(0, usize::MAX, 1);
        for id in 0..n {
            pool.request(id, 0, SimTime(id));
        }
        for id in (0..n).rev() {
            assert_eq!(pool.renege(id).map(|w| w.since), Some(SimTime(id)));
        }
        assert_eq!(pool.waiting(), 0);
        assert!(
            pool.entries_examined() <= 4 * n,
            "{} entries examined for {n} requests and reneges",
            pool.entries_examined()
        );
    }

    #[test]
    fn a_waiter_who_reneged_and_asked_again_keeps_only_the_new_place() {
        let mut pool = CapacityPool::new(0, 10, 1);
        pool.request(1, 0, SimTime(0));
        pool.request(2, 0, SimTime(1));
        pool.renege(1);
        pool.request(1, 0, SimTime(2));
        pool.set_capacity(3);
        let order: Vec<(u64, SimTime)> =
            std::iter::from_fn(|| pool.admit_next().map(|w| (w.id, w.since))).collect();
        assert_eq!(order, vec![(2, SimTime(1)), (1, SimTime(2))]);
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

    proptest::proptest! {
        /// The pool against a plain list kept in arrival order: the same
        /// admissions, in the same order, whatever mix of requests, releases,
        /// reneges and capacity changes.
        #[test]
        fn admits_exactly_as_a_plain_ordered_list(ops in proptest::collection::vec((0u8..4, 0u64..12), 0..400)) {
            let mut pool = CapacityPool::new(2, 8, 2);
            let mut list: Vec<(u64, usize, SimTime)> = Vec::new();
            let (mut busy, mut capacity) = (0u32, 2u32);
            for (t, (op, id)) in ops.into_iter().enumerate() {
                let now = SimTime(t as u64);
                let mut expected_admitted = Vec::new();
                match op {
                    0 if !list.iter().any(|w| w.0 == id) => {
                        let level = (id % 2) as usize;
                        let expected = if busy < capacity && list.is_empty() {
                            busy += 1;
                            Request::Granted
                        } else if list.len() >= 8 {
                            Request::Refused
                        } else {
                            list.push((id, level, now));
                            Request::Queued
                        };
                        proptest::prop_assert_eq!(pool.request(id, level, now), expected);
                    }
                    1 if busy > 0 => {
                        busy -= 1;
                        let got = pool.release();
                        if busy < capacity
                            && let Some(i) = first(&list)
                        {
                            let w = list.remove(i);
                            busy += 1;
                            expected_admitted.push(Waiter { id: w.0, since: w.2 });
                        }
                        proptest::prop_assert_eq!(got.into_iter().collect::<Vec<_>>(), expected_admitted);
                    }
                    2 => {
                        let pos = list.iter().position(|w| w.0 == id);
                        let expected = pos.map(|i| { let w = list.remove(i); Waiter { id: w.0, since: w.2 } });
                        proptest::prop_assert_eq!(pool.renege(id), expected);
                    }
                    3 => {
                        capacity = (id % 4) as u32;
                        pool.set_capacity(capacity);
                        let got: Vec<Waiter> = std::iter::from_fn(|| pool.admit_next()).collect();
                        while busy < capacity {
                            let Some(i) = first(&list) else { break };
                            let w = list.remove(i);
                            busy += 1;
                            expected_admitted.push(Waiter { id: w.0, since: w.2 });
                        }
                        proptest::prop_assert_eq!(got, expected_admitted);
                    }
                    _ => {}
                }
                proptest::prop_assert_eq!(pool.waiting(), list.len());
                proptest::prop_assert_eq!(pool.busy(), busy);
            }
        }
    }

    /// The first waiter of the most urgent level in a plain list.
    fn first(list: &[(u64, usize, SimTime)]) -> Option<usize> {
        (0..2).find_map(|level| list.iter().position(|w| w.1 == level))
    }
}
