//! Simulation time: whole milliseconds ("ticks") since the start of a run.
//!
//! Time is an integer so that two runs never disagree about which of two
//! events came first because of floating-point rounding. A millisecond tick
//! makes ties between independent events rare even on advice lines whose
//! calls last minutes (with one-second ticks, a call ending and another
//! arriving in the same second ran in scheduling order, which understated
//! waits); the ties that remain keep FIFO order. A `u64` of milliseconds
//! spans some 584 million years.

/// A point on the simulation clock, in ticks (milliseconds) from the run's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

/// One tick: the clock's resolution, a millisecond.
pub const TICK: u64 = 1;
/// One second in ticks.
pub const SECOND: u64 = 1_000;
/// One minute in ticks.
pub const MINUTE: u64 = 60 * SECOND;
/// One hour in ticks.
pub const HOUR: u64 = 60 * MINUTE;
/// One day in ticks.
pub const DAY: u64 = 24 * HOUR;
/// One week in ticks.
pub const WEEK: u64 = 7 * DAY;

impl SimTime {
    /// The start of the clock.
    pub const ZERO: SimTime = SimTime(0);
    /// The latest representable time (used as "never").
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// Ticks (milliseconds) since the start.
    pub fn ticks(self) -> u64 {
        self.0
    }

    /// Seconds since the start (fractional).
    pub fn as_seconds(self) -> f64 {
        self.0 as f64 / SECOND as f64
    }

    /// Time in (fractional) days since the start.
    pub fn days(self) -> f64 {
        self.0 as f64 / DAY as f64
    }

    /// A time `days` days after the start, rounded to the nearest tick.
    pub fn from_days(days: f64) -> SimTime {
        SimTime(ticks_from_days(days))
    }

    /// This time plus a duration in ticks, saturating at [`SimTime::NEVER`].
    pub fn plus(self, ticks: u64) -> SimTime {
        SimTime(self.0.saturating_add(ticks))
    }

    /// Ticks elapsed from `earlier` to `self` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Hour of the week, 0 = Monday 00:00–01:00 (the run starts on a Monday).
    pub fn hour_of_week(self) -> usize {
        ((self.0 % WEEK) / HOUR) as usize
    }
}

/// A non-negative duration in days converted to whole ticks, rounded to
/// nearest; negative or NaN input gives zero, huge input saturates.
pub fn ticks_from_days(days: f64) -> u64 {
    ticks_from_f64(days * DAY as f64)
}

/// A non-negative duration in seconds converted to whole ticks.
pub fn ticks_from_seconds(seconds: f64) -> u64 {
    ticks_from_f64(seconds * SECOND as f64)
}

/// A non-negative duration in (fractional) ticks rounded to whole ticks;
/// negative or NaN input gives zero, huge input saturates.
pub fn ticks_from_f64(ticks: f64) -> u64 {
    /// 2^63 less one half, so that `ticks + 0.5` stays below 2^63.
    const I64_LIMIT: f64 = 9_223_372_036_854_774_784.0;
    if ticks.is_nan() || ticks <= 0.0 {
        0
    } else if ticks < I64_LIMIT {
        // Round half up; cheaper than f64::round, which is a libm call. The
        // signed conversion is one instruction where the unsigned one is
        // several, and gives the same whole number below 2^63.
        (ticks + 0.5) as i64 as u64
    } else if ticks >= u64::MAX as f64 {
        u64::MAX
    } else {
        (ticks + 0.5) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_saturate() {
        assert_eq!(SimTime::from_days(1.5).ticks(), 129_600_000);
        assert_eq!(SimTime::from_days(1.5).as_seconds(), 129_600.0);
        assert_eq!(ticks_from_seconds(0.0004), 0);
        assert_eq!(ticks_from_seconds(0.0006), 1);
        assert_eq!(ticks_from_days(-3.0), 0);
        assert_eq!(ticks_from_days(f64::NAN), 0);
        assert_eq!(ticks_from_f64(1e30), u64::MAX);
        assert_eq!(SimTime::NEVER.plus(5), SimTime::NEVER);
        assert_eq!(SimTime(3 * DAY + 5 * HOUR).hour_of_week(), 77);
    }

    /// The signed fast path gives what the plain unsigned conversion gives,
    /// at halves, near 2^53 and on both sides of the switch near 2^63.
    #[test]
    fn the_fast_rounding_matches_the_unsigned_conversion() {
        let limit = 9_223_372_036_854_774_784.0_f64;
        let mut cases = vec![0.4, 0.5, 1.5, 2.5, 1e6 + 0.5, 9.007_199_254_740_993e15];
        for x in [limit, 2f64.powi(63), 2f64.powi(64)] {
            cases.extend([x.next_down(), x, x.next_up()]);
        }
        for x in cases {
            let expected = if x >= u64::MAX as f64 {
                u64::MAX
            } else {
                (x + 0.5) as u64
            };
            assert_eq!(ticks_from_f64(x), expected, "{x}");
        }
    }
}
