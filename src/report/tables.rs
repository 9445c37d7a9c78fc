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
pub const REPLICATIONS_HEADER: &str = "scenario,replication,year,area,metric,value";
/// Header of `summary.csv`.
pub const SUMMARY_HEADER: &str = "scenario,year,area,metric,mean,sd,ci_low,ci_high,p10,p90,n";

/// Header of `compare.csv`.
pub const COMPARE_HEADER: &str =
    "option,baseline,year,area,metric,diff_mean,diff_ci_low,diff_ci_high,pct_change";

/// Header of `by_hour.csv`.
pub const BY_HOUR_HEADER: &str = "scenario,year,which,area,hour,metric,mean,ci_low,ci_high";

/// One key of the result tables: which scenario, year, area and metric.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// Year label.
    pub year: i32,
    /// Area name.
    pub area: String,
    /// Metric name.
    pub metric: &'static str,
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
}

impl Across {
    /// Adds a replication's value (NaN is skipped).
    pub fn push(&mut self, x: f64) {
        if !x.is_nan() {
            self.moments.push(x);
            self.quantiles.add(x);
        }
    }

    /// mean, sd, ci_low, ci_high, p10, p90, n.
    pub fn row(&self) -> [String; 7] {
        let w = &self.moments;
        let (lo, hi) = ci::mean_interval(w, 0.95);
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

    /// The 95% interval.
    pub fn interval(&self) -> (f64, f64) {
        ci::mean_interval(&self.moments, 0.95)
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
        "{},{rep},{},{},{},{}",
        csv_field(scenario),
        key.year,
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
        "{},{},{},{},{}",
        csv_field(scenario),
        key.year,
        csv_field(&key.area),
        key.metric,
        stats.row().join(",")
    )
}
