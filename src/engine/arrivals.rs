//! Arrivals as a non-homogeneous Poisson process with a piecewise-constant
//! rate.
//!
//! The next arrival is found by inversion: draw an Exp(1) amount of
//! "integrated rate" and walk forward through the rate segments until it is
//! used up. This is exact across rate changes (no arrival is skipped or
//! displaced at a boundary) and needs no upper bound on the rate, unlike
//! thinning. The exact time is kept in floating point and only the reported
//! time is rounded to whole clock ticks, so rounding never accumulates.

use super::time::{SimTime, ticks_from_f64};
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use std::sync::Arc;

/// A rate that is constant on consecutive segments; the last segment's rate
/// continues for ever, or, for a periodic rate, the pattern repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct PiecewiseRate {
    starts: Vec<f64>,
    per_second: Vec<f64>,
    period: Option<f64>,
}

impl PiecewiseRate {
    /// A constant rate, in events per tick.
    pub fn constant(per_second: f64) -> Self {
        PiecewiseRate {
            starts: vec![0.0],
            per_second: vec![per_second.max(0.0)],
            period: None,
        }
    }

    /// A pattern of segments of `width` ticks that repeats for ever (for
    /// example 168 hourly rates for a week).
    pub fn periodic(width: u64, per_second: Vec<f64>) -> Self {
        let period = (width * per_second.len().max(1) as u64) as f64;
        PiecewiseRate {
            period: Some(period),
            ..Self::from_equal_segments(width, per_second)
        }
    }

    /// Segments of `width` ticks starting at time zero, with the given
    /// rates (events per tick; negative values count as zero).
    pub fn from_equal_segments(width: u64, per_second: Vec<f64>) -> Self {
        let starts = (0..per_second.len())
            .map(|i| (i as u64 * width) as f64)
            .collect();
        let per_second = per_second.into_iter().map(|r| r.max(0.0)).collect();
        PiecewiseRate {
            starts,
            per_second,
            period: None,
        }
    }

    /// The rate at tick `t`.
    pub fn at(&self, t: f64) -> f64 {
        self.per_second[self.segment_of(self.fold(t))]
    }

    /// `t` folded into the first period (unchanged if not periodic).
    fn fold(&self, t: f64) -> f64 {
        self.period.map_or(t, |p| t.rem_euclid(p))
    }

    /// Expected number of arrivals in `[from, to)` (ticks).
    pub fn integral(&self, from: f64, to: f64) -> f64 {
        if let Some(p) = self.period {
            let base = (from / p).floor() * p;
            let flat = PiecewiseRate {
                period: None,
                ..self.clone()
            };
            let mut total = 0.0;
            let mut start = base;
            while start < to {
                let (a, b) = (from.max(start) - start, (to - start).min(p));
                if b > a {
                    total += flat.integral(a, b);
                }
                start += p;
            }
            return total;
        }
        let mut total = 0.0;
        let mut i = self.segment_of(from);
        let mut t = from;
        while t < to {
            let end = self.segment_end(i).min(to);
            total += self.per_second[i] * (end - t);
            t = end;
            i += 1;
            if i >= self.per_second.len() {
                total += self.per_second[i - 1] * (to - t).max(0.0);
                break;
            }
        }
        total
    }

    fn segment_of(&self, t: f64) -> usize {
        self.starts.partition_point(|&s| s <= t).saturating_sub(1)
    }

    fn segment_end(&self, i: usize) -> f64 {
        self.starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.period.unwrap_or(f64::INFINITY))
    }
}

/// A stream of arrival times from a [`PiecewiseRate`].
#[derive(Debug, Clone)]
pub struct ArrivalProcess {
    rate: Arc<PiecewiseRate>,
    segment: usize,
    exact: f64,
    offset: f64,
    /// The current segment's rate and absolute end, kept at hand so that
    /// an arrival within the segment reads nothing else.
    segment_rate: f64,
    segment_end: f64,
}

impl ArrivalProcess {
    /// A process starting at time zero.
    pub fn new(rate: impl Into<Arc<PiecewiseRate>>) -> Self {
        Self::starting_at(rate, SimTime::ZERO)
    }

    /// A process whose first arrival is drawn from `start` on.
    pub fn starting_at(rate: impl Into<Arc<PiecewiseRate>>, start: SimTime) -> Self {
        let rate = rate.into();
        let t = start.ticks() as f64;
        let offset = rate.period.map_or(0.0, |p| (t / p).floor() * p);
        let segment = rate.segment_of(t - offset);
        let mut process = ArrivalProcess {
            rate,
            segment,
            exact: t,
            offset,
            segment_rate: 0.0,
            segment_end: 0.0,
        };
        process.enter_segment();
        process
    }

    /// Reads the current segment's rate and end.
    fn enter_segment(&mut self) {
        self.segment_rate = self.rate.per_second[self.segment];
        self.segment_end = self.offset + self.rate.segment_end(self.segment);
    }

    /// The rate this process follows.
    pub fn rate(&self) -> &PiecewiseRate {
        &self.rate
    }

    /// The next arrival time, or `None` if the rate is zero from here on.
    pub fn next<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Option<SimTime> {
        let mut need: f64 = Exp1.sample(rng);
        loop {
            let (rate, end) = (self.segment_rate, self.segment_end);
            if rate > 0.0 {
                let available = rate * (end - self.exact);
                if need <= available {
                    self.exact += need / rate;
                    return Some(SimTime(ticks_from_f64(self.exact)));
                }
                need -= available;
            } else if end.is_infinite() {
                return None;
            }
            self.exact = end;
            self.segment += 1;
            if self.segment == self.rate.per_second.len() {
                // Only a periodic rate gets here: its last segment ends.
                self.segment = 0;
                self.offset += self.rate.period.unwrap_or(0.0);
            }
            self.enter_segment();
        }
    }
}

/// A periodic, piecewise-constant rate *shape* (for example 168 hourly
/// multipliers for a week) with its running integral, so that the time at
/// which a given amount of rate has accrued is found in a step or two (a
/// guide table) instead of a walk through every segment in between. For a
/// process restarted from many points (each person's calls), where
/// [`ArrivalProcess`] suits one long stream walked forward.
///
/// The integral `G(t)` is in "multiplier × ticks" from time zero; a
/// Poisson process with rate `r × shape(t)` has its next event after `t0`
/// at `G⁻¹(G(t0) + E / r)` with `E ~ Exp(1)`: inversion, exact, one draw.
///
/// ```
/// use carecap::engine::arrivals::PeriodicProfile;
///
/// // Two segments of 10 ticks, multipliers 1 then 2: 30 a period.
/// let p = PeriodicProfile::new(10, &[1.0, 2.0]);
/// assert_eq!(p.integral_to(25), 35.0);
/// assert_eq!(p.time_at(35.0), 25);
/// // Nothing accrues in a segment of zero.
/// let gap = PeriodicProfile::new(10, &[0.0, 2.0]);
/// assert_eq!(gap.time_at(0.0), 10);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodicProfile {
    width: u64,
    period: u64,
    shape: Vec<f64>,
    /// `cumulative[i]`: the integral over one period up to segment `i`'s
    /// start; one more entry than `shape`, the last the period's total.
    cumulative: Vec<f64>,
    /// `guide[k]`: the segment holding the point `k / GUIDE` of the way
    /// through the period's total, so that inversion starts at most a few
    /// segments before the answer (a guide table, not a binary search:
    /// the search's chain of dependent loads cost more than thinning).
    guide: Vec<u32>,
    /// 1 / `shape[i]` (zero for a zero), so inversion multiplies.
    inverse_shape: Vec<f64>,
    /// 1 / the period's total (zero for a shape of zeros).
    inverse_total: f64,
    /// Whole periods before the clock's end.
    last_cycle: f64,
}

/// Buckets of [`PeriodicProfile`]'s guide table.
const GUIDE: usize = 1024;

impl PeriodicProfile {
    /// Segments of `width` ticks (at least one) with the given multipliers
    /// (negative or NaN values count as zero), repeating from time zero.
    pub fn new(width: u64, shape: &[f64]) -> Self {
        let width = width.max(1);
        let mut shape: Vec<f64> = shape.iter().map(|v| v.max(0.0)).collect();
        if shape.is_empty() {
            shape.push(0.0);
        }
        let mut cumulative = Vec::with_capacity(shape.len() + 1);
        let mut total = 0.0;
        cumulative.push(total);
        for v in &shape {
            total += v * width as f64;
            cumulative.push(total);
        }
        let period = width.saturating_mul(shape.len() as u64);
        let mut profile = PeriodicProfile {
            width,
            period,
            shape,
            cumulative,
            guide: Vec::new(),
            inverse_shape: Vec::new(),
            inverse_total: if total > 0.0 { 1.0 / total } else { 0.0 },
            last_cycle: (u64::MAX / period) as f64,
        };
        let inverse = |v: f64| if v > 0.0 { 1.0 / v } else { 0.0 };
        profile.inverse_shape = profile.shape.iter().map(|&v| inverse(v)).collect();
        profile.guide = (0..GUIDE)
            .map(|k| profile.segment_from(0, total * k as f64 / GUIDE as f64) as u32)
            .collect();
        profile
    }

    /// The integral over one whole period.
    pub fn period_total(&self) -> f64 {
        self.cumulative[self.shape.len()]
    }

    /// `G(t)`: the integral of the shape from time zero to tick `t`.
    pub fn integral_to(&self, t: u64) -> f64 {
        let (cycles, within) = (t / self.period, t % self.period);
        let i = (within / self.width) as usize;
        let into = (within - i as u64 * self.width) as f64;
        cycles as f64 * self.period_total() + self.cumulative[i] + into * self.shape[i]
    }

    /// `G⁻¹(y)`: the first tick (rounded down) by which `y` has accrued, or
    /// `u64::MAX` if it never does (a shape of zeros, or beyond the clock).
    pub fn time_at(&self, y: f64) -> u64 {
        let total = self.period_total();
        let periods = y.max(0.0) * self.inverse_total;
        if total <= 0.0 || y.is_nan() || periods >= self.last_cycle {
            // A shape of zeros, NaN, or past the end of time.
            return u64::MAX;
        }
        // Truncation is the floor here: `periods` is not negative.
        let cycles = periods as u64;
        let rest = (y - cycles as f64 * total).clamp(0.0, total);
        let bucket = ((rest * self.inverse_total * GUIDE as f64) as usize).min(GUIDE - 1);
        let i = self.segment_from(self.guide[bucket] as usize, rest);
        let into = (rest - self.cumulative[i]) * self.inverse_shape[i];
        let into = into.clamp(0.0, self.width as f64);
        let within = (i as u64 * self.width + into as u64).min(self.period - 1);
        (cycles * self.period).saturating_add(within)
    }

    /// The segment in which `rest` (within one period's total) accrues,
    /// searching forward from segment `from`: the last segment starting at
    /// or before `rest`, past any segments of zero.
    fn segment_from(&self, from: usize, rest: f64) -> usize {
        let n = self.shape.len();
        let mut i = from;
        while i + 1 < n && self.cumulative[i + 1] <= rest {
            i += 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::{Purpose, stream};

    #[test]
    fn integral_sums_segments_and_extends_the_last() {
        let r = PiecewiseRate::from_equal_segments(10, vec![1.0, 0.0, 2.0]);
        assert_eq!(r.integral(0.0, 30.0), 30.0);
        assert_eq!(r.integral(5.0, 25.0), 15.0);
        assert_eq!(r.integral(30.0, 40.0), 20.0);
        assert_eq!(r.at(15.0), 0.0);
    }

    #[test]
    fn periodic_rate_repeats_and_can_start_late() {
        let r = PiecewiseRate::periodic(10, vec![0.0, 1.0]);
        assert_eq!(r.at(25.0), 0.0);
        assert_eq!(r.at(35.0), 1.0);
        assert_eq!(r.integral(5.0, 45.0), 20.0);
        let mut p = ArrivalProcess::starting_at(r, SimTime(1000));
        let mut rng = stream(1, Purpose::new("t", 1), 0);
        for _ in 0..200 {
            let t = p.next(&mut rng).unwrap().ticks();
            assert!(
                t >= 1000 && (t % 20 >= 10 || t.is_multiple_of(20)),
                "arrival at {t}"
            );
        }
    }

    #[test]
    fn no_arrivals_in_zero_rate_segments() {
        let r = PiecewiseRate::from_equal_segments(100, vec![0.5, 0.0, 0.5, 0.0]);
        let mut p = ArrivalProcess::new(r);
        let mut rng = stream(1, Purpose::new("t", 0), 0);
        let mut n = 0;
        while let Some(t) = p.next(&mut rng) {
            let s = t.ticks();
            assert!(s <= 100 || (200..=300).contains(&s), "arrival at {s}");
            n += 1;
        }
        assert!(n > 0);
    }

    #[test]
    fn periodic_profile_inverts_its_integral() {
        let shape: Vec<f64> = (0..168).map(|h| 0.5 + (h % 24) as f64 / 24.0).collect();
        let p = PeriodicProfile::new(3_600_000, &shape);
        for t in [
            0,
            1,
            3_599_999,
            3_600_000,
            604_800_000 * 3 + 12_345_678,
            315_360_000_000,
        ] {
            let back = p.time_at(p.integral_to(t));
            assert!(back.abs_diff(t) <= 1, "{t} came back as {back}");
        }
        // Monotone, and a zero shape never accrues anything.
        assert!(p.integral_to(10) < p.integral_to(11));
        assert_eq!(PeriodicProfile::new(10, &[0.0, 0.0]).time_at(1.0), u64::MAX);
        assert_eq!(p.time_at(f64::NAN), u64::MAX);
    }
}
