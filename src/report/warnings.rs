//! Warnings a planner must read before the numbers: waiting lists that
//! grow through the horizon.
//!
//! A waiting list that grows year after year has no steady state: demand
//! outruns the service, and every figure that depends on the wait (died
//! waiting, time to first contact) keeps worsening after the last reported
//! year. The check uses only the yearly means of the summary table, so
//! `run`, `compare`, `batch`, `merge` and `carecap report DIR` all find the
//! same warnings from the same numbers.
//!
//! A list is flagged when both hold:
//! - the least-squares trend of its yearly mean level is upward with a 95%
//!   confidence interval (Student t, years − 2 degrees of freedom) above
//!   zero; and
//! - the growth is material: from the first to the last year the mean level
//!   rises by at least half its first-year level and by at least one person
//!   (one day of bed wait, one minute of call wait).

use crate::stats::ci::t_critical;
use std::collections::BTreeMap;

/// Yearly means: (scenario, area, metric) → (year, mean), in year order.
pub type YearlyMeans = BTreeMap<(String, String, String), Vec<(i32, f64)>>;

/// One kind of waiting list and the metric that measures its level.
struct Queue {
    /// Metric of the list's level.
    metric: &'static str,
    /// Only areas that also report this metric (picks one kind of area).
    marker: Option<&'static str>,
    /// Whether the region (`ALL`) is the list's area.
    region: bool,
    /// What the level measures, in planners' words.
    what: &'static str,
    /// Unit of the level.
    unit: &'static str,
    /// Smallest rise that matters.
    floor: f64,
}

/// Every waiting list the model has.
const QUEUES: [Queue; 4] = [
    Queue {
        metric: "cspc_waiting_mean",
        marker: None,
        region: false,
        what: "the CSPC caseload waiting list (people waiting for a place, time-average)",
        unit: "people",
        floor: 1.0,
    },
    Queue {
        metric: "ipu_wait_days_mean",
        marker: Some("ipu_occupancy_mean"),
        region: false,
        what: "the in-patient unit bed waiting list (mean days waited for a bed)",
        unit: "days",
        floor: 1.0,
    },
    Queue {
        metric: "bereavement_waiting_mean",
        marker: None,
        region: true,
        what: "the bereavement support waiting list (carers waiting, time-average)",
        unit: "people",
        floor: 1.0,
    },
    Queue {
        metric: "call_wait_seconds_mean",
        marker: Some("handler_utilisation_pct"),
        region: false,
        what: "the advice-line queue (mean wait of answered calls)",
        unit: "seconds",
        floor: 60.0,
    },
];

/// The least-squares trend of `points`: (slope, 95% CI low, high), or
/// `None` with fewer than three points.
pub fn trend(points: &[(i32, f64)]) -> Option<(f64, f64, f64)> {
    let n = points.len();
    if n < 3 {
        return None;
    }
    let mx = points.iter().map(|p| p.0 as f64).sum::<f64>() / n as f64;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let sxx: f64 = points.iter().map(|p| (p.0 as f64 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 as f64 - mx) * (p.1 - my)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let ssr: f64 = points
        .iter()
        .map(|p| (p.1 - my - slope * (p.0 as f64 - mx)).powi(2))
        .sum();
    let se = (ssr / (n - 2) as f64 / sxx).sqrt();
    let h = t_critical(0.95, (n - 2) as u64) * se;
    Some((slope, slope - h, slope + h))
}

/// A level for a sentence: whole numbers with separators from 100 up.
fn level(x: f64) -> String {
    if x.abs() < 100.0 {
        return format!("{x:.1}");
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

/// The warning for one list's yearly means, if it grows through the horizon.
fn growing(q: &Queue, scenario: &str, area: &str, points: &[(i32, f64)]) -> Option<String> {
    let points: Vec<(i32, f64)> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
    let (slope, lo, hi) = trend(&points)?;
    let (&(y0, first), &(y1, last)) = (points.first()?, points.last()?);
    let material = last - first >= q.floor.max(0.5 * first.max(0.0));
    (lo > 0.0 && material).then(|| {
        format!(
            "{scenario}: {} {} grows through the horizon, from {} {unit} in {y0} to {} in {y1} (trend +{} {unit} a year, 95% CI {} to {}); demand outruns the service and the list is still growing in {y1}.",
            q.what,
            if area == "ALL" {
                "across the region (ALL)".to_string()
            } else {
                format!("in {area}")
            },
            level(first),
            level(last),
            level(slope),
            level(lo),
            level(hi),
            unit = q.unit,
        )
    })
}

/// Warnings for every waiting list, in every area, of every scenario in
/// `means`, that grows through the horizon (see the module comment).
pub fn growing_queues(means: &YearlyMeans) -> Vec<String> {
    let reports = |scenario: &str, area: &str, metric: &str| {
        means.contains_key(&(scenario.to_string(), area.to_string(), metric.to_string()))
    };
    let mut out = Vec::new();
    for q in &QUEUES {
        for ((scenario, area, metric), points) in means {
            let right_area = if q.region {
                area == "ALL"
            } else {
                area != "ALL" && q.marker.is_none_or(|m| reports(scenario, area, m))
            };
            if metric == q.metric && right_area {
                out.extend(growing(q, scenario, area, points));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_has_its_slope_and_no_width() {
        let points: Vec<(i32, f64)> = (2025..2030).map(|y| (y, 3.0 * y as f64 - 7.0)).collect();
        let (b, lo, hi) = trend(&points).unwrap();
        assert!((b - 3.0).abs() < 1e-9 && (hi - lo).abs() < 1e-6);
        assert_eq!(level(1932.6), "1,933");
        assert_eq!(level(-123456.0), "-123,456");
        assert_eq!(level(65.71), "65.7");
    }
}
