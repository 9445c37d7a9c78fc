//! The long-format tables: `replications.csv` (one row per scenario,
//! replication, year, area, metric) and `summary.csv` (mean, sd, 95% CI,
//! p10, p90, n across replications).
//!
//! Numbers are printed with Rust's shortest round-trip formatting, so the
//! same values always give the same bytes. A value that is undefined (a
//! mean over no stays, a percentage of no deaths) is written as an empty
//! field and left out of the summary's n. Names that a spreadsheet would
//! read as a formula are written with a leading `'` ([`csv_field`]).

use crate::stats::{QuantileSketch, Welford, ci};

use std::io::{self, Write};

/// Header of `replications.csv`.
pub const REPLICATIONS_HEADER: &str = "scenario,replication,year,area_type,area,metric,value";
/// Header of `summary.csv`.
pub const SUMMARY_HEADER: &str =
    "scenario,year,area_type,area,metric,mean,sd,ci_low,ci_high,p10,p90,n";

/// Header of `compare.csv`.
pub const COMPARE_HEADER: &str = "option,baseline,year,area_type,area,metric,diff_mean,diff_ci_low,diff_ci_high,pct_change,p_better";

/// Header of `by_hour.csv`.
pub const BY_HOUR_HEADER: &str = "scenario,year,which,area,hour,metric,mean,ci_low,ci_high";

/// One key of the result tables: which scenario, year, area and metric.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// Year label.
    pub year: i32,
    /// Kind of area: `region`, `borough`, `site`, `line` or `segment`
    /// ([`area_type`]).
    pub area_type: &'static str,
    /// Area name.
    pub area: String,
    /// Metric name.
    pub metric: &'static str,
}

/// The `area_type` column's word for a kind of area.
pub fn area_type(kind: crate::model::metrics::AreaKind) -> &'static str {
    use crate::model::metrics::AreaKind;
    match kind {
        AreaKind::Borough => "borough",
        AreaKind::Site => "site",
        AreaKind::Line => "line",
        AreaKind::Segment => "segment",
        AreaKind::All => "region",
    }
}

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text field (a scenario, area or line name) as written in the tables:
/// guarded against spreadsheet formulas by a leading `'` when it starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return, then quoted if
/// needed. Numbers are never passed through here, so -0.5 stays a number.
pub fn csv_field(s: &str) -> String {
    let guarded = if s.starts_with(FORMULA_STARTS) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A text field read back from the tables, without the formula guard
/// [`csv_field`] added.
pub fn unguard(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => field,
    }
}

/// A number as written in the tables (empty for NaN).
pub fn number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// Streaming statistics of one key across replications.
#[derive(Debug, Clone, Default)]
pub struct Across {
    moments: Welford,
    quantiles: QuantileSketch,
    /// Parameters are uncertain: the interval is the spread over
    /// replications (see [`Across::interval`]).
    spread: bool,
}

impl Across {
    /// Statistics whose interval is the 95% uncertainty interval when
    /// `uncertain` (some parameters are distributions), else the 95%
    /// confidence interval of the mean.
    pub fn new(uncertain: bool) -> Across {
        Across {
            spread: uncertain,
            ..Across::default()
        }
    }

    /// Adds a replication's value (NaN is skipped).
    pub fn push(&mut self, x: f64) {
        if !x.is_nan() {
            self.moments.push(x);
            self.quantiles.add(x);
        }
    }

    /// mean, sd, ci_low, ci_high, p10, p90, n, for a value of `metric`
    /// (whose range bounds the interval: see [`bounded_interval`]).
    pub fn row(&self, metric: &str) -> [String; 7] {
        let w = &self.moments;
        let (lo, hi) = self.interval(metric);
        [
            number(w.mean()),
            number(w.sd()),
            number(lo),
            number(hi),
            number(self.quantiles.quantile(0.10)),
            number(self.quantiles.quantile(0.90)),
            w.count().to_string(),
        ]
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        self.moments.mean()
    }

    /// The 95% interval of `metric`: with fixed parameters, the
    /// confidence interval of the mean, within the metric's range (see
    /// [`bounded_interval`]); with uncertain parameters, the uncertainty
    /// interval: the 2.5th to 97.5th percentile over replications, each of
    /// which drew its own parameter set, so it holds what we do not know
    /// as well as chance.
    pub fn interval(&self, metric: &str) -> (f64, f64) {
        if self.spread {
            (
                self.quantiles.quantile(0.025),
                self.quantiles.quantile(0.975),
            )
        } else {
            bounded_interval(&self.moments, crate::report::labels::kind(metric))
        }
    }

    /// The `q` quantile over replications.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles.quantile(q)
    }

    /// The moments over replications.
    pub fn moments(&self) -> &Welford {
        &self.moments
    }
}

/// Streaming statistics of one key's paired differences (option −
/// baseline, replication by replication).
#[derive(Debug, Clone, Default)]
pub struct Paired {
    /// Mean and spread of the differences.
    pub moments: Welford,
    /// Their quantiles, kept when parameters are uncertain.
    spread: Option<QuantileSketch>,
    /// Whether more is better for the metric (`None`: neither).
    higher_is_better: Option<bool>,
    /// Replications in which the option did better, and in which the two
    /// were equal.
    better: u64,
    ties: u64,
}

impl Paired {
    /// Differences of `metric` whose interval is the uncertainty interval
    /// when `uncertain`, else the confidence interval of the mean difference.
    pub fn new(uncertain: bool, metric: &str) -> Paired {
        Paired {
            spread: uncertain.then(QuantileSketch::default),
            higher_is_better: crate::report::labels::higher_is_better(metric),
            ..Paired::default()
        }
    }

    /// Adds one replication's difference.
    pub fn push(&mut self, d: f64) {
        if d.is_nan() {
            return;
        }
        self.moments.push(d);
        if let Some(q) = &mut self.spread {
            q.add(d);
        }
        match self.higher_is_better {
            _ if d == 0.0 => self.ties += 1,
            Some(true) if d > 0.0 => self.better += 1,
            Some(false) if d < 0.0 => self.better += 1,
            _ => {}
        }
    }

    /// The mean difference.
    pub fn mean(&self) -> f64 {
        self.moments.mean()
    }

    /// The 95% interval of the difference: of its mean (Student t) with
    /// fixed parameters; the 2.5th–97.5th percentile of the paired
    /// differences with uncertain ones.
    pub fn interval(&self) -> (f64, f64) {
        match &self.spread {
            Some(q) => (q.quantile(0.025), q.quantile(0.975)),
            None => ci::mean_interval(&self.moments, 0.95),
        }
    }

    /// The probability that the option is better than the baseline: the
    /// share of replications where it did better, ties counted half (NaN
    /// for a metric with no better direction).
    pub fn p_better(&self) -> f64 {
        let n = self.moments.count();
        if n == 0 || self.higher_is_better.is_none() {
            return f64::NAN;
        }
        (self.better as f64 + 0.5 * self.ties as f64) / n as f64
    }
}

/// The 95% interval for the mean of the replications' values in `w`, never
/// leaving the range of a `kind` of number. It is the Student t interval
/// when that stays in range (the usual case); otherwise:
/// - counts (whole events a year): the exact Poisson (Garwood) interval of
///   the mean, from the total over the replications;
/// - percentages: the t interval on the log-odds scale (delta method),
///   mapped back, so it stays within 0–100;
/// - other quantities that cannot be negative (levels, days, FTE, £): the
///   t interval on the log scale (delta method), mapped back, so it stays
///   above 0.
///
/// A mean with no spread (every replication 0) keeps its interval [0, 0].
pub fn bounded_interval(w: &Welford, kind: crate::report::labels::Kind) -> (f64, f64) {
    use crate::report::labels::Kind;
    use statrs::distribution::{ContinuousCDF, Gamma};
    let (lo, hi) = ci::mean_interval(w, 0.95);
    let (min, max) = kind.range();
    if !(lo < min || hi > max) || w.count() < 2 {
        return (lo, hi);
    }
    let n = w.count() as f64;
    let m = w.mean();
    let t = ci::t_critical(0.95, w.count() - 1);
    let se = w.sd() / n.sqrt();
    match kind {
        Kind::Count => {
            let total = (m * n).round().max(0.0);
            let q =
                |shape: f64, p: f64| Gamma::new(shape, 1.0).map_or(f64::NAN, |g| g.inverse_cdf(p));
            let low = if total == 0.0 { 0.0 } else { q(total, 0.025) };
            (low / n, q(total + 1.0, 0.975) / n)
        }
        Kind::Pct => {
            let p = m / 100.0;
            if p <= 0.0 || p >= 1.0 {
                return (m, m);
            }
            let logit = (p / (1.0 - p)).ln();
            let h = t * se / 100.0 / (p * (1.0 - p));
            let expit = |x: f64| 100.0 / (1.0 + (-x).exp());
            (expit(logit - h), expit(logit + h))
        }
        _ => {
            if m <= 0.0 {
                return (m.max(0.0), m.max(0.0));
            }
            let h = t * se / m;
            (m * (-h).exp(), m * h.exp())
        }
    }
}

/// Writes one `replications.csv` row.
pub fn write_replication_row<W: Write>(
    w: &mut W,
    scenario: &str,
    rep: u64,
    key: &Key,
    value: f64,
) -> io::Result<()> {
    writeln!(
        w,
        "{},{rep},{},{},{},{},{}",
        csv_field(scenario),
        key.year,
        key.area_type,
        csv_field(&key.area),
        key.metric,
        number(value)
    )
}

/// Writes one `summary.csv` row.
pub fn write_summary_row<W: Write>(
    w: &mut W,
    scenario: &str,
    key: &Key,
    stats: &Across,
) -> io::Result<()> {
    writeln!(
        w,
        "{},{},{},{},{},{}",
        csv_field(scenario),
        key.year,
        key.area_type,
        csv_field(&key.area),
        key.metric,
        stats.row(key.metric).join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::labels::Kind;

    fn welford(xs: &[f64]) -> Welford {
        let mut w = Welford::new();
        xs.iter().for_each(|x| w.push(*x));
        w
    }

    #[test]
    fn intervals_never_leave_the_range_of_their_numbers() {
        // A rare count: the t interval would go below zero.
        let rare = welford(&[0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let (lo, hi) = ci::mean_interval(&rare, 0.95);
        assert!(lo < 0.0);
        let (lo, hi2) = bounded_interval(&rare, Kind::Count);
        assert!(lo > 0.0 && lo < 0.1, "{lo}");
        // Garwood: total 1 in 10 replications → [0.0025, 0.557].
        assert!((hi2 - 0.5572).abs() < 1e-3, "{hi2}");
        assert!(hi > 0.0);
        // Two events in five replications: Garwood [0.048, 1.44].
        let two = welford(&[0.0, 0.0, 2.0, 0.0, 0.0]);
        let (lo, hi) = bounded_interval(&two, Kind::Count);
        assert!((lo - 0.2422 / 5.0).abs() < 1e-3, "{lo}");
        assert!((hi - 7.2247 / 5.0).abs() < 1e-3, "{hi}");
        // A share near 100%.
        let share = welford(&[100.0, 100.0, 99.0, 100.0, 96.0]);
        let (lo, hi) = bounded_interval(&share, Kind::Pct);
        assert!(
            lo > 90.0 && lo < 99.0 && hi <= 100.0 && hi > 99.0,
            "{lo} {hi}"
        );
        // A level near zero.
        let level = welford(&[0.0, 0.1, 0.0, 2.0]);
        let (lo, hi) = bounded_interval(&level, Kind::Level);
        assert!(lo > 0.0 && hi > level.mean(), "{lo} {hi}");
        // In range: the t interval, unchanged; a gap may be negative.
        let wide = welford(&[100.0, 110.0, 90.0, 105.0]);
        assert_eq!(
            bounded_interval(&wide, Kind::Count),
            ci::mean_interval(&wide, 0.95)
        );
        let gap = welford(&[-1.0, 0.5, -0.2]);
        assert_eq!(
            bounded_interval(&gap, Kind::Gap),
            ci::mean_interval(&gap, 0.95)
        );
    }
}
