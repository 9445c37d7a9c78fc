//! `--precision`: as many replications as the answer needs.
//!
//! Replications run in batches of the scenario's replications (the first
//! batch is the scenario's own run). After each batch, the 95% confidence
//! interval of the mean of every chosen metric, region-wide, every year and
//! every scenario of the study, is compared with the target: its half-width
//! must be at most the target × |mean| (a relative precision, e.g. 2%).
//! The run stops after the first batch where every one is within target,
//! or at the most replications allowed. Batches are whole and checked in
//! replication order, so the number needed does not depend on the thread
//! count. With uncertain parameters each batch is one Latin hypercube block,
//! and the interval checked is still that of the mean (how well the run
//! pins the expected value down), not the uncertainty interval.

use crate::stats::Welford;
use crate::stats::ci::half_width;

/// Metrics checked when none are named.
pub const DEFAULT_METRICS: [&str; 4] = [
    "ipu_occupancy_pct",
    "preferred_place_met_pct",
    "deaths_hospital",
    "cost_total",
];

/// A precision target.
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    /// Largest half-width allowed, as a share of |mean| (0.02 for 2%).
    pub relative: f64,
    /// Metrics checked (region-wide, every year).
    pub metrics: Vec<String>,
    /// Most replications to run.
    pub max_replications: u64,
}

impl Precision {
    /// Parses `2%` or `0.02` (a share above 0 and below 1).
    pub fn parse_target(text: &str) -> Result<f64, String> {
        let t = text.trim();
        let value = match t.strip_suffix('%') {
            Some(pct) => pct.trim().parse::<f64>().map(|x| x / 100.0),
            None => t.parse::<f64>(),
        };
        match value {
            Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
            _ => Err(format!(
                "expected a relative precision such as 2% or 0.02 (above 0, below 100%), found {text:?}"
            )),
        }
    }

    /// Checks the metric names (each must be a metric of the model).
    pub fn check_metrics(&self) -> Result<(), String> {
        for m in &self.metrics {
            if crate::model::services::metric(m).is_none() {
                return Err(format!(
                    "--precision-metrics: {m:?} is not a metric (metrics.csv lists them)"
                ));
            }
        }
        Ok(())
    }
}

/// What the precision rule found, for the manifest and the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Outcome {
    /// The target, as a share of the mean.
    pub target: f64,
    /// Metrics checked.
    pub metrics: Vec<String>,
    /// Replications run.
    pub replications: u64,
    /// Whether every checked interval met the target.
    pub met: bool,
    /// The widest relative half-width left, and where: (scenario, year,
    /// metric).
    pub widest: Option<(f64, String, i32, String)>,
}

/// The running check: one accumulator per watched value.
#[derive(Debug, Clone)]
pub struct Watch {
    /// (member, value index, scenario, year, metric) of each watched value.
    places: Vec<(usize, usize, String, i32, String)>,
    values: Vec<Welford>,
}

impl Watch {
    /// Watches `metrics` region-wide in every member's keys.
    pub fn new(members: &[super::plan::Plan], metrics: &[String]) -> Watch {
        let mut places = Vec::new();
        for (m, plan) in members.iter().enumerate() {
            for (index, key) in &plan.keys {
                if key.area == "ALL" && metrics.iter().any(|x| x == key.metric) {
                    places.push((
                        m,
                        *index,
                        plan.name.clone(),
                        key.year,
                        key.metric.to_string(),
                    ));
                }
            }
        }
        let values = vec![Welford::new(); places.len()];
        Watch { places, values }
    }

    /// Adds one replication's values (`values[member][index]`).
    pub fn push(&mut self, values: &[&[f64]]) {
        for ((m, i, ..), acc) in self.places.iter().zip(self.values.iter_mut()) {
            let v = values[*m][*i];
            if !v.is_nan() {
                acc.push(v);
            }
        }
    }

    /// The widest relative half-width and where; a mean of zero with no
    /// spread counts as met, a mean of zero with spread as not.
    pub fn widest(&self) -> Option<(f64, String, i32, String)> {
        self.places
            .iter()
            .zip(&self.values)
            .map(|((_, _, s, y, m), w)| {
                let h = half_width(w, 0.95);
                let rel = if h == 0.0 {
                    0.0
                } else if w.mean() == 0.0 || h.is_nan() {
                    f64::INFINITY
                } else {
                    h / w.mean().abs()
                };
                (rel, s.clone(), *y, m.clone())
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// Whether every watched interval is within `relative`.
    pub fn met(&self, relative: f64) -> bool {
        self.widest().is_none_or(|w| w.0 <= relative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_as_percent_or_share() {
        assert_eq!(Precision::parse_target("2%"), Ok(0.02));
        assert_eq!(Precision::parse_target("0.05"), Ok(0.05));
        assert!(Precision::parse_target("0").is_err());
        assert!(Precision::parse_target("150%").is_err());
        assert!(Precision::parse_target("two").is_err());
    }
}
