//! Simulation time: whole seconds since the start of a run.
//!
//! Time is an integer so that twenty simulated years keep one-second
//! resolution and two runs never disagree about which of two events came
//! first because of floating-point rounding.

/// A point on the simulation clock, in whole seconds from the run's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

/// One second.
pub const SECOND: u64 = 1;
/// One minute in seconds.
pub const MINUTE: u64 = 60;
/// One hour in seconds.
pub const HOUR: u64 = 3_600;
/// One day in seconds.
pub const DAY: u64 = 86_400;
/// One week in seconds.
pub const WEEK: u64 = 7 * DAY;

impl SimTime {
    /// The start of the clock.
    pub const ZERO: SimTime = SimTime(0);
    /// The latest representable time (used as "never").
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// Whole seconds since the start.
    pub fn seconds(self) -> u64 {
        self.0
    }

    /// Time in (fractional) days since the start.
    pub fn days(self) -> f64 {
        self.0 as f64 / DAY as f64
    }

    /// A time `days` days after the start, rounded to the nearest second.
    pub fn from_days(days: f64) -> SimTime {
        SimTime(seconds_from_days(days))
    }

    /// This time plus a duration in seconds, saturating at [`SimTime::NEVER`].
    pub fn plus(self, seconds: u64) -> SimTime {
        SimTime(self.0.saturating_add(seconds))
    }

    /// Seconds elapsed from `earlier` to `self` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Hour of the week, 0 = Monday 00:00–01:00 (the run starts on a Monday).
    pub fn hour_of_week(self) -> usize {
        ((self.0 % WEEK) / HOUR) as usize
    }
}

/// A non-negative duration in days converted to whole seconds, rounded to
/// nearest; negative or NaN input gives zero, huge input saturates.
pub fn seconds_from_days(days: f64) -> u64 {
    seconds_from_f64(days * DAY as f64)
}

/// A non-negative duration in seconds rounded to whole seconds; negative or
/// NaN input gives zero, huge input saturates.
pub fn seconds_from_f64(seconds: f64) -> u64 {
    if seconds.is_nan() || seconds <= 0.0 {
        0
    } else if seconds >= u64::MAX as f64 {
        u64::MAX
    } else {
        // Round half up; cheaper than f64::round, which is a libm call.
        (seconds + 0.5) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_saturate() {
        assert_eq!(SimTime::from_days(1.5).seconds(), 129_600);
        assert_eq!(seconds_from_days(-3.0), 0);
        assert_eq!(seconds_from_days(f64::NAN), 0);
        assert_eq!(seconds_from_f64(1e30), u64::MAX);
        assert_eq!(SimTime::NEVER.plus(5), SimTime::NEVER);
        assert_eq!(SimTime(3 * DAY + 5 * HOUR).hour_of_week(), 77);
    }
}
