//! Confidence intervals for a mean: Student t with n − 1 degrees of freedom.

use super::welford::Welford;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The two-sided Student t critical value for `confidence` (e.g. 0.95) and
/// `df` degrees of freedom; NaN if `df` is 0 or `confidence` is not in (0, 1).
pub fn t_critical(confidence: f64, df: u64) -> f64 {
    if df == 0 || !(confidence > 0.0 && confidence < 1.0) {
        return f64::NAN;
    }
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.5 + confidence / 2.0),
        Err(_) => f64::NAN,
    }
}

/// Half-width of the `confidence` interval for the mean of the values in
/// `w` (NaN below two values).
pub fn half_width(w: &Welford, confidence: f64) -> f64 {
    if w.count() < 2 {
        return f64::NAN;
    }
    t_critical(confidence, w.count() - 1) * w.standard_error()
}

/// The `confidence` interval `(low, high)` for the mean of the values in `w`.
///
/// ```
/// use carecap::stats::{Welford, ci::mean_interval};
/// let mut w = Welford::new();
/// for x in [9.0, 10.0, 11.0, 10.0, 10.0] { w.push(x); }
/// let (lo, hi) = mean_interval(&w, 0.95);
/// assert!(lo < 10.0 && 10.0 < hi);
/// ```
pub fn mean_interval(w: &Welford, confidence: f64) -> (f64, f64) {
    let h = half_width(w, confidence);
    (w.mean() - h, w.mean() + h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_values_match_tables() {
        // Values quoted in ENGINEERING.md (checked against statrs 0.19).
        for (df, expected) in [(4, 2.776445), (9, 2.262157), (29, 2.045230), (99, 1.984217)] {
            assert!((t_critical(0.95, df) - expected).abs() < 1e-5);
        }
        assert!(t_critical(0.95, 0).is_nan());
        assert!(t_critical(1.5, 10).is_nan());
    }
}
