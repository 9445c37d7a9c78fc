//! Duration samplers compiled from scenario distributions, in clock ticks.

use crate::engine::arrivals::PeriodicProfile;
use crate::engine::time::{DAY, ticks_from_f64};
use crate::scenario::types::Duration;
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal};
use statrs::distribution::ContinuousCDF;

/// A ready-to-sample duration distribution.
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Lognormal in days, with the log's mean and sd (for quantiles).
    LogNormal(LogNormal<f64>, f64, f64),
    /// Exponential in days, with its mean (for quantiles).
    Exponential(Exp<f64>, f64),
    /// A fixed number of days.
    Fixed(f64),
}

impl Sampler {
    /// Compiles a validated scenario distribution.
    pub fn new(d: &Duration) -> Sampler {
        match *d {
            Duration::Lognormal {
                median_days,
                sigma,
                mean_days,
                sd_days,
            } => {
                let (mu, sigma) = match (median_days, sigma, mean_days, sd_days) {
                    (Some(m), Some(s), _, _) => (m.ln(), s),
                    (_, _, Some(mean), Some(sd)) => {
                        let s2 = (1.0 + (sd / mean).powi(2)).ln();
                        (mean.ln() - s2 / 2.0, s2.sqrt())
                    }
                    _ => (0.0, 0.0),
                };
                LogNormal::new(mu, sigma).map_or(Sampler::Fixed(mu.exp()), |d| {
                    Sampler::LogNormal(d, mu, sigma)
                })
            }
            Duration::Exponential { mean_days } => Exp::new(1.0 / mean_days)
                .map_or(Sampler::Fixed(mean_days), |d| {
                    Sampler::Exponential(d, mean_days)
                }),
            Duration::Fixed { days } => Sampler::Fixed(days),
        }
    }

    /// One draw, in whole ticks (milliseconds).
    pub fn ticks<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let days = match self {
            Sampler::LogNormal(d, _, _) => d.sample(rng),
            Sampler::Exponential(d, _) => d.sample(rng),
            Sampler::Fixed(days) => *days,
        };
        ticks_from_f64(days * DAY as f64)
    }

    /// The duration at quantile `u` (0 < u < 1), in whole ticks: the
    /// draw made with a uniform the person drew earlier, so that one
    /// person's draw is the same whichever distribution applies.
    pub fn ticks_at(&self, u: f64) -> u64 {
        let u = u.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON);
        let days = match *self {
            Sampler::LogNormal(_, mu, sigma) => {
                let z = statrs::distribution::Normal::standard().inverse_cdf(u);
                (mu + sigma * z).exp()
            }
            Sampler::Exponential(_, mean) => -(1.0 - u).ln() * mean,
            Sampler::Fixed(days) => days,
        };
        ticks_from_f64(days * DAY as f64)
    }
}

/// The next event of a Poisson process whose rate is `base` per tick
/// until `switch_at` and `late` per tick after it, from `now`; exact by
/// inversion with one exponential draw. `None` if it never happens.
pub fn next_two_rate_event<R: Rng + ?Sized>(
    rng: &mut R,
    now: u64,
    switch_at: u64,
    base: f64,
    late: f64,
) -> Option<u64> {
    let mut need: f64 = rand_distr::Exp1.sample(rng);
    let mut t = now as f64;
    if t < switch_at as f64 {
        let span = switch_at as f64 - t;
        if base > 0.0 && need <= base * span {
            return Some(ticks_from_f64(t + need / base));
        }
        need -= base * span;
        t = switch_at as f64;
    }
    if late > 0.0 {
        Some(ticks_from_f64(t + need / late))
    } else {
        None
    }
}

/// The next event of a Poisson process whose rate is `base` per tick
/// times `profile` (an hour-of-week shape, say) until `switch_at` and
/// `late` per tick times `profile` after it, from `now`; exact by
/// inversion of the integrated rate with one exponential draw, the time
/// rounded down to a tick. `None` if it never happens.
pub fn next_profiled_event<R: Rng + ?Sized>(
    rng: &mut R,
    profile: &PeriodicProfile,
    now: u64,
    switch_at: u64,
    base: f64,
    late: f64,
) -> Option<u64> {
    let need: f64 = rand_distr::Exp1.sample(rng);
    let start = profile.integral_to(now);
    // What accrues (in profile units) before the switch.
    let before = if now < switch_at {
        profile.integral_to(switch_at) - start
    } else {
        0.0
    };
    let at = if base > 0.0 && need < base * before {
        profile.time_at(start + need / base)
    } else if late > 0.0 {
        profile.time_at(start + before + (need - base * before) / late)
    } else {
        return None;
    };
    // Rounding can put the inverse a tick before `now`, never earlier.
    (at != u64::MAX).then_some(at.max(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::{Purpose, stream};

    #[test]
    fn mean_and_sd_parameterisation_reproduces_the_mean() {
        let d = Duration::Lognormal {
            median_days: None,
            sigma: None,
            mean_days: Some(16.0),
            sd_days: Some(14.0),
        };
        let s = Sampler::new(&d);
        let mut rng = stream(3, Purpose::new("t", 0), 0);
        let n = 200_000;
        let mean = (0..n).map(|_| s.ticks(&mut rng) as f64).sum::<f64>() / n as f64 / DAY as f64;
        // sd of the mean = 14/sqrt(n) = 0.031 days; 5 sd tolerance.
        assert!((mean - 16.0).abs() < 0.16, "mean {mean}");
    }

    #[test]
    fn quantiles_invert_each_distribution() {
        let day = DAY as f64;
        let lognormal = Sampler::new(&Duration::lognormal(11.0, 0.87));
        assert!((lognormal.ticks_at(0.5) as f64 / day - 11.0).abs() < 1e-4);
        let exponential = Sampler::new(&Duration::Exponential { mean_days: 14.0 });
        let median = 14.0 * std::f64::consts::LN_2;
        assert!((exponential.ticks_at(0.5) as f64 / day - median).abs() < 1e-4);
        let fixed = Sampler::new(&Duration::Fixed { days: 3.0 });
        assert_eq!(fixed.ticks_at(0.9), 3 * DAY);
        // Monotone in the quantile.
        assert!(lognormal.ticks_at(0.2) < lognormal.ticks_at(0.8));
    }

    #[test]
    fn two_rate_process_switches_exactly() {
        let mut rng = stream(3, Purpose::new("t", 1), 0);
        // Zero rate before the switch: every event falls after it.
        for _ in 0..1000 {
            let t = next_two_rate_event(&mut rng, 0, 500, 0.0, 0.01).unwrap();
            assert!(t >= 500);
        }
        assert_eq!(next_two_rate_event(&mut rng, 0, 500, 0.0, 0.0), None);
    }

    #[test]
    fn profiled_process_follows_the_shape_and_the_switch() {
        // Shape 0.5 then 1.5 over periods of 200,000 ticks; the rate
        // triples at tick 10^7. Expected events per run in each (half,
        // segment): 10⁻⁵ × 0.5 × 5·10⁶ = 25 and 75 before, 75 and 225
        // after. (Events are many ticks apart, as calls are, so rounding
        // each one down to a tick biases nothing measurably.)
        let width = 100_000;
        let profile = PeriodicProfile::new(width, &[0.5, 1.5]);
        let (base, late, switch, end) = (1e-5, 3e-5, 10_000_000, 20_000_000);
        let runs = 2_000;
        let mut counts = [[0u64; 2]; 2];
        let mut rng = stream(3, Purpose::new("t", 2), 0);
        for _ in 0..runs {
            let mut t = 0;
            while let Some(next) = next_profiled_event(&mut rng, &profile, t, switch, base, late) {
                if next >= end {
                    break;
                }
                counts[usize::from(next >= switch)][((next / width) % 2) as usize] += 1;
                t = next;
            }
        }
        let expected = [[25.0, 75.0], [75.0, 225.0]];
        for half in 0..2 {
            for seg in 0..2 {
                // Poisson totals: 4.5 standard deviations either side.
                let mean = expected[half][seg] * runs as f64;
                let got = counts[half][seg] as f64;
                assert!(
                    (got - mean).abs() < 4.5 * mean.sqrt(),
                    "half {half} segment {seg}: {got} events, expected {mean}"
                );
            }
        }
        // A zero late rate ends the process at the switch.
        let mut rng = stream(3, Purpose::new("t", 3), 0);
        for _ in 0..1000 {
            if let Some(t) = next_profiled_event(&mut rng, &profile, 0, switch, base, 0.0) {
                assert!(t < switch);
            }
        }
    }
}
