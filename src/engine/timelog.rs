//! A log of things that happened at given times, written out of time
//! order and read back in time order: for a region-wide tally fed by
//! groups of areas whose event lists run one after another between two
//! common instants (each group's entries are in time order, the groups'
//! are not).

/// Entries `(time, item)` logged in any order and taken out in time order,
/// ties in the order they were logged. Taking out keeps the room, so a log
/// emptied at regular instants allocates nothing once it has grown.
///
/// ```
/// use carecap::engine::timelog::TimeLog;
///
/// let mut log = TimeLog::with_capacity(4);
/// log.push(30, 'c');
/// log.push(10, 'a');
/// log.push(30, 'd');
/// log.push(20, 'b');
/// let order: String = log.drain_in_time_order().map(|(_, x)| x).collect();
/// assert_eq!(order, "abcd");
/// assert!(log.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct TimeLog<T> {
    entries: Vec<Entry<T>>,
}

#[derive(Debug, Clone)]
struct Entry<T> {
    at: u64,
    order: u32,
    item: T,
}

impl<T> TimeLog<T> {
    /// An empty log with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        TimeLog {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Logs `item` at time `at` (in ticks).
    pub fn push(&mut self, at: u64, item: T) {
        let order = self.entries.len() as u32;
        self.entries.push(Entry { at, order, item });
    }

    /// Takes every entry out, earliest first, ties in the order logged
    /// (an unstable sort on time and order: no buffer is allocated).
    pub fn drain_in_time_order(&mut self) -> impl Iterator<Item = (u64, T)> + '_ {
        self.entries.sort_unstable_by_key(|e| (e.at, e.order));
        self.entries.drain(..).map(|e| (e.at, e.item))
    }

    /// True when nothing is logged.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
