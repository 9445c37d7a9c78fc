//! Reading a results folder back (summary.csv, compare.csv, by_hour.csv,
//! sizing_curve.csv, manifest.json), so that charts and the report are
//! drawn from the files a reviewer has, and can be redrawn without
//! re-running (`carecap report DIR`).

use super::tables::unguard;
use std::collections::BTreeMap;
use std::path::Path;

/// A mean with its 95% interval and its p10–p90 range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    /// Mean.
    pub mean: f64,
    /// 95% CI low.
    pub lo: f64,
    /// 95% CI high.
    pub hi: f64,
    /// 10th percentile (NaN where not available).
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// (scenario, year, area, metric).
pub type SummaryKey = (String, i32, String, String);

/// One point of a sizing curve: (swept value, metric, share meeting the target).
pub type SizingPoint = (f64, Stat, f64);

/// Everything in a results folder.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// summary.csv.
    pub summary: BTreeMap<SummaryKey, Stat>,
    /// Scenario names in file order.
    pub scenarios: Vec<String>,
    /// compare.csv: (option, year, area, metric) → difference.
    pub compare: BTreeMap<SummaryKey, Stat>,
    /// by_hour.csv: (scenario, year, area, metric) → 24 values.
    pub by_hour: BTreeMap<SummaryKey, [Stat; 24]>,
    /// sizing_curve.csv: (scenario, year) → [(value, mean, lo, hi, p_meet)].
    pub sizing: BTreeMap<(String, i32), Vec<SizingPoint>>,
    /// The sizing metric and parameter.
    pub sizing_labels: Option<(String, String)>,
    /// manifest.json.
    pub manifest: serde_json::Value,
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

/// A mean and its interval from columns `at`, `at + 1`, `at + 2` (no percentiles).
fn interval(row: &csv::StringRecord, at: usize) -> Stat {
    Stat {
        mean: num(&row[at]),
        lo: num(&row[at + 1]),
        hi: num(&row[at + 2]),
        p10: f64::NAN,
        p90: f64::NAN,
    }
}

fn rows(path: &Path) -> Result<Vec<csv::StringRecord>, csv::Error> {
    let mut reader = csv::Reader::from_path(path)?;
    reader.records().collect()
}

impl Results {
    /// Reads the folder `dir`.
    pub fn read(dir: &Path) -> Result<Results, String> {
        let err = |f: &str, e: &dyn std::fmt::Display| format!("{}: {e}", dir.join(f).display());
        let mut r = Results::default();
        for row in rows(&dir.join("summary.csv")).map_err(|e| err("summary.csv", &e))? {
            let scenario = unguard(&row[0]).to_string();
            if !r.scenarios.contains(&scenario) {
                r.scenarios.push(scenario.clone());
            }
            let stat = Stat {
                mean: num(&row[4]),
                lo: num(&row[6]),
                hi: num(&row[7]),
                p10: num(&row[8]),
                p90: num(&row[9]),
            };
            r.summary.insert(
                (
                    scenario,
                    row[1].parse().unwrap_or(0),
                    unguard(&row[2]).to_string(),
                    unguard(&row[3]).to_string(),
                ),
                stat,
            );
        }
        if dir.join("compare.csv").exists() {
            for row in rows(&dir.join("compare.csv")).map_err(|e| err("compare.csv", &e))? {
                let stat = interval(&row, 5);
                r.compare.insert(
                    (
                        unguard(&row[0]).to_string(),
                        row[2].parse().unwrap_or(0),
                        unguard(&row[3]).to_string(),
                        unguard(&row[4]).to_string(),
                    ),
                    stat,
                );
            }
        }
        if dir.join("by_hour.csv").exists() {
            for row in rows(&dir.join("by_hour.csv")).map_err(|e| err("by_hour.csv", &e))? {
                let key = (
                    unguard(&row[0]).to_string(),
                    row[1].parse().unwrap_or(0),
                    unguard(&row[3]).to_string(),
                    unguard(&row[5]).to_string(),
                );
                let hour: usize = row[4].parse().unwrap_or(0).min(23);
                let stat = interval(&row, 6);
                let empty = Stat {
                    mean: f64::NAN,
                    lo: f64::NAN,
                    hi: f64::NAN,
                    p10: f64::NAN,
                    p90: f64::NAN,
                };
                r.by_hour.entry(key).or_insert([empty; 24])[hour] = stat;
            }
        }
        if dir.join("sizing_curve.csv").exists() {
            for row in
                rows(&dir.join("sizing_curve.csv")).map_err(|e| err("sizing_curve.csv", &e))?
            {
                r.sizing_labels = Some((row[4].to_string(), row[2].to_string()));
                let stat = interval(&row, 5);
                r.sizing
                    .entry((unguard(&row[0]).to_string(), row[1].parse().unwrap_or(0)))
                    .or_default()
                    .push((num(&row[3]), stat, num(&row[8])));
            }
        }
        let manifest = crate::fsread::read_text(&dir.join("manifest.json"), super::MAX_READ_BYTES)
            .map_err(|e| err("manifest.json", &e))?;
        r.manifest = serde_json::from_str(&manifest).map_err(|e| err("manifest.json", &e))?;
        Ok(r)
    }

    /// The yearly series of `metric` in `area` for `scenario`.
    pub fn series(&self, scenario: &str, area: &str, metric: &str) -> Vec<(f64, Stat)> {
        self.summary
            .iter()
            .filter(|((s, _, a, m), _)| s == scenario && a == area && m == metric)
            .map(|((_, y, _, _), v)| (*y as f64, *v))
            .filter(|(_, v)| !v.mean.is_nan())
            .collect()
    }

    /// Areas reporting `metric` for `scenario` (excluding `ALL`), in order of first appearance.
    pub fn areas(&self, scenario: &str, metric: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (s, _, a, m) in self.summary.keys() {
            if s == scenario && m == metric && a != "ALL" && !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }

    /// One value.
    pub fn get(&self, scenario: &str, year: i32, area: &str, metric: &str) -> Option<Stat> {
        self.summary
            .get(&(
                scenario.to_string(),
                year,
                area.to_string(),
                metric.to_string(),
            ))
            .copied()
    }

    /// The yearly means of every (scenario, area, metric), in year order.
    pub fn yearly_means(&self) -> super::warnings::YearlyMeans {
        let mut means = super::warnings::YearlyMeans::new();
        for ((scenario, year, area, metric), stat) in &self.summary {
            means
                .entry((scenario.clone(), area.clone(), metric.clone()))
                .or_default()
                .push((*year, stat.mean));
        }
        means
    }

    /// The first and last year.
    pub fn years(&self) -> (i32, i32) {
        let years = self.summary.keys().map(|k| k.1);
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        for y in years {
            lo = lo.min(y);
            hi = hi.max(y);
        }
        (lo, hi)
    }
}
