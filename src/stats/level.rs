//! Time-weighted statistics of a level that changes at events (beds
//! occupied, people waiting).

use crate::engine::SimTime;

/// Time-average, maximum and share of time at or above a threshold of a
/// piecewise-constant level, over a window that starts at `start`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWeighted {
    start: SimTime,
    last_change: SimTime,
    level: f64,
    area: f64,
    max: f64,
    threshold: f64,
    ticks_at_or_above: u64,
}

impl TimeWeighted {
    /// Starts observing at `start` with the current `level`; time at or
    /// above `threshold` is tracked.
    pub fn new(start: SimTime, level: f64, threshold: f64) -> Self {
        TimeWeighted {
            start,
            last_change: start,
            level,
            area: 0.0,
            max: level,
            threshold,
            ticks_at_or_above: 0,
        }
    }

    /// The level changes to `level` at `now`.
    pub fn set(&mut self, now: SimTime, level: f64) {
        self.advance(now);
        self.level = level;
        self.max = self.max.max(level);
    }

    fn advance(&mut self, now: SimTime) {
        let dt = now.since(self.last_change);
        if dt > 0 {
            self.area += self.level * dt as f64;
            if self.level >= self.threshold {
                self.ticks_at_or_above += dt;
            }
            self.last_change = now;
        }
    }

    /// The current level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Time-average level over `[start, now]`.
    pub fn mean(&mut self, now: SimTime) -> f64 {
        self.advance(now);
        let span = now.since(self.start);
        if span == 0 {
            self.level
        } else {
            self.area / span as f64
        }
    }

    /// Integral of the level (level × ticks) over `[start, now]`.
    pub fn area(&mut self, now: SimTime) -> f64 {
        self.advance(now);
        self.area
    }

    /// Highest level seen.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// Share of `[start, now]` with level at or above the threshold.
    pub fn share_at_or_above(&mut self, now: SimTime) -> f64 {
        self.advance(now);
        let span = now.since(self.start);
        if span == 0 {
            0.0
        } else {
            self.ticks_at_or_above as f64 / span as f64
        }
    }

    /// Starts a fresh window at `now`, keeping the current level.
    pub fn restart(&mut self, now: SimTime) {
        *self = TimeWeighted::new(now, self.level, self.threshold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_over_time_not_events() {
        let mut tw = TimeWeighted::new(SimTime(0), 0.0, 2.0);
        tw.set(SimTime(10), 4.0); // 0 for 10 s
        tw.set(SimTime(20), 1.0); // 4 for 10 s
        assert_eq!(tw.mean(SimTime(40)), (40.0 + 20.0) / 40.0); // 1 for 20 s
        assert_eq!(tw.max(), 4.0);
        assert_eq!(tw.share_at_or_above(SimTime(40)), 0.25);
        tw.restart(SimTime(40));
        assert_eq!(tw.mean(SimTime(50)), 1.0);
    }
}
