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
    /// The area swept for sizing (sizing_curve.csv's `area`), when recorded.
    pub sizing_area: Option<String>,
    /// sizing.csv: (scenario, year) → the smallest swept value whose mean meets the target.
    pub sizing_answer: BTreeMap<(String, i32), f64>,
    /// Each area's kind (`region`, `borough`, `site`, `line`), from summary.csv.
    pub area_types: BTreeMap<String, String>,
    /// Replications behind each figure (the largest `n` of summary.csv).
    pub replications: u64,
    /// uncertainty.csv: (scenario, year, area, metric) → the spread over
    /// replications (sd), the spread left to chance, and the share of
    /// variance the parameters explain.
    pub uncertainty: BTreeMap<SummaryKey, Spread>,
    /// drivers.csv: (scenario, year, area, metric) → (parameter,
    /// standardised regression coefficient), strongest first.
    pub drivers: BTreeMap<SummaryKey, Vec<(String, f64)>>,
    /// cost_effectiveness.csv: option → (cost difference, hospital deaths
    /// avoided) per replication.
    pub ce_plane: BTreeMap<String, Vec<(f64, f64)>>,
    /// acceptability.csv: option → (willingness to pay, probability cost
    /// effective).
    pub acceptability: BTreeMap<String, Vec<(f64, f64)>>,
    /// sensitivity.csv: (metric, year) → one-way effects, largest swing
    /// first.
    pub sensitivity: BTreeMap<(String, i32), Vec<OneWayEffect>>,
    /// manifest.json.
    pub manifest: serde_json::Value,
    /// The years the answers and forest plots are for, when chosen
    /// (`carecap report DIR --years`); otherwise 2030 and 2035.
    pub chosen_years: Option<Vec<i32>>,
}

/// One parameter's one-way effect on a metric (a row of sensitivity.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct OneWayEffect {
    /// The parameter.
    pub parameter: String,
    /// Its low and high values.
    pub values: (f64, f64),
    /// The paired differences from the central run at the low and the
    /// high value.
    pub low: f64,
    /// See `low`.
    pub high: f64,
}

/// An output's spread over replications split between parameters and chance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Standard deviation over replications.
    pub sd_total: f64,
    /// Standard deviation with the parameters' effects taken out.
    pub sd_chance: f64,
    /// Share of variance the parameters explain.
    pub parameter_share: f64,
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

/// A table's header and rows.
struct Table {
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(path: &Path) -> Result<Table, csv::Error> {
        let mut reader = csv::Reader::from_path(path)?;
        let header = reader.headers()?.iter().map(String::from).collect();
        let rows = reader.records().collect::<Result<_, _>>()?;
        Ok(Table { header, rows })
    }

    /// The index of column `name`.
    fn col(&self, name: &str) -> Result<usize, String> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("expected a column {name:?}"))
    }
}

/// A field of a row (empty when the row is short).
fn field(row: &csv::StringRecord, at: usize) -> &str {
    row.get(at).unwrap_or("")
}

impl Results {
    /// Reads the folder `dir`. Columns are found by their header names, so
    /// a folder written before `area_type` was added still reads.
    pub fn read(dir: &Path) -> Result<Results, String> {
        let err = |f: &str, e: &dyn std::fmt::Display| format!("{}: {e}", dir.join(f).display());
        let mut r = Results::default();
        let summary = Table::read(&dir.join("summary.csv")).map_err(|e| err("summary.csv", &e))?;
        let cols = |t: &Table, f: &str, names: &[&str]| -> Result<Vec<usize>, String> {
            names
                .iter()
                .map(|n| t.col(n).map_err(|e| err(f, &e)))
                .collect()
        };
        let c = cols(
            &summary,
            "summary.csv",
            &[
                "scenario", "year", "area", "metric", "mean", "ci_low", "ci_high", "p10", "p90",
            ],
        )?;
        let area_type = summary.col("area_type").ok();
        let n_col = summary.col("n").ok();
        for row in &summary.rows {
            let scenario = unguard(field(row, c[0])).to_string();
            if !r.scenarios.contains(&scenario) {
                r.scenarios.push(scenario.clone());
            }
            let area = unguard(field(row, c[2])).to_string();
            if let Some(t) = area_type {
                r.area_types
                    .entry(area.clone())
                    .or_insert_with(|| field(row, t).to_string());
            }
            if let Some(n) = n_col.and_then(|n| field(row, n).parse::<u64>().ok()) {
                r.replications = r.replications.max(n);
            }
            let stat = Stat {
                mean: num(field(row, c[4])),
                lo: num(field(row, c[5])),
                hi: num(field(row, c[6])),
                p10: num(field(row, c[7])),
                p90: num(field(row, c[8])),
            };
            r.summary.insert(
                (
                    scenario,
                    field(row, c[1]).parse().unwrap_or(0),
                    area,
                    unguard(field(row, c[3])).to_string(),
                ),
                stat,
            );
        }
        if dir.join("compare.csv").exists() {
            let t = Table::read(&dir.join("compare.csv")).map_err(|e| err("compare.csv", &e))?;
            let c = cols(
                &t,
                "compare.csv",
                &[
                    "option",
                    "year",
                    "area",
                    "metric",
                    "diff_mean",
                    "diff_ci_low",
                    "diff_ci_high",
                ],
            )?;
            for row in &t.rows {
                let stat = Stat {
                    mean: num(field(row, c[4])),
                    lo: num(field(row, c[5])),
                    hi: num(field(row, c[6])),
                    p10: f64::NAN,
                    p90: f64::NAN,
                };
                r.compare.insert(
                    (
                        unguard(field(row, c[0])).to_string(),
                        field(row, c[1]).parse().unwrap_or(0),
                        unguard(field(row, c[2])).to_string(),
                        unguard(field(row, c[3])).to_string(),
                    ),
                    stat,
                );
            }
        }
        if dir.join("by_hour.csv").exists() {
            let t = Table::read(&dir.join("by_hour.csv")).map_err(|e| err("by_hour.csv", &e))?;
            let c = cols(
                &t,
                "by_hour.csv",
                &[
                    "scenario", "year", "area", "hour", "metric", "mean", "ci_low", "ci_high",
                ],
            )?;
            for row in &t.rows {
                let key = (
                    unguard(field(row, c[0])).to_string(),
                    field(row, c[1]).parse().unwrap_or(0),
                    unguard(field(row, c[2])).to_string(),
                    unguard(field(row, c[4])).to_string(),
                );
                let hour: usize = field(row, c[3]).parse().unwrap_or(0).min(23);
                let stat = Stat {
                    mean: num(field(row, c[5])),
                    lo: num(field(row, c[6])),
                    hi: num(field(row, c[7])),
                    p10: f64::NAN,
                    p90: f64::NAN,
                };
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
            let t = Table::read(&dir.join("sizing_curve.csv"))
                .map_err(|e| err("sizing_curve.csv", &e))?;
            let c = cols(
                &t,
                "sizing_curve.csv",
                &[
                    "scenario",
                    "year",
                    "parameter",
                    "value",
                    "metric",
                    "mean",
                    "ci_low",
                    "ci_high",
                    "p_meet",
                ],
            )?;
            let area = t.col("area").ok();
            for row in &t.rows {
                r.sizing_labels =
                    Some((field(row, c[4]).to_string(), field(row, c[2]).to_string()));
                if let Some(a) = area {
                    r.sizing_area = Some(unguard(field(row, a)).to_string());
                }
                let stat = Stat {
                    mean: num(field(row, c[5])),
                    lo: num(field(row, c[6])),
                    hi: num(field(row, c[7])),
                    p10: f64::NAN,
                    p90: f64::NAN,
                };
                r.sizing
                    .entry((
                        unguard(field(row, c[0])).to_string(),
                        field(row, c[1]).parse().unwrap_or(0),
                    ))
                    .or_default()
                    .push((num(field(row, c[3])), stat, num(field(row, c[8]))));
            }
        }
        if dir.join("sizing.csv").exists() {
            let t = Table::read(&dir.join("sizing.csv")).map_err(|e| err("sizing.csv", &e))?;
            let c = cols(&t, "sizing.csv", &["scenario", "year", "smallest_value"])?;
            for row in &t.rows {
                r.sizing_answer.insert(
                    (
                        unguard(field(row, c[0])).to_string(),
                        field(row, c[1]).parse().unwrap_or(0),
                    ),
                    num(field(row, c[2])),
                );
            }
        }
        r.read_uncertainty(dir)?;
        let manifest = crate::fsread::read_text(&dir.join("manifest.json"), super::MAX_READ_BYTES)
            .map_err(|e| err("manifest.json", &e))?;
        r.manifest = serde_json::from_str(&manifest).map_err(|e| err("manifest.json", &e))?;
        Ok(r)
    }

    /// The currency the run's costs are in (its first scenario's
    /// `[costs] currency`; "£" for a run that recorded none).
    pub fn currency(&self) -> &str {
        self.manifest["scenarios"][0]["currency"]
            .as_str()
            .unwrap_or("£")
    }

    /// Reads `uncertainty.csv` and `drivers.csv`, when the run wrote them.
    fn read_uncertainty(&mut self, dir: &Path) -> Result<(), String> {
        let err = |f: &str, e: &dyn std::fmt::Display| format!("{}: {e}", dir.join(f).display());
        let key = |row: &csv::StringRecord, c: &[usize]| -> SummaryKey {
            (
                unguard(field(row, c[0])).to_string(),
                field(row, c[1]).parse().unwrap_or(0),
                unguard(field(row, c[2])).to_string(),
                unguard(field(row, c[3])).to_string(),
            )
        };
        let file = "uncertainty.csv";
        if dir.join(file).exists() {
            let t = Table::read(&dir.join(file)).map_err(|e| err(file, &e))?;
            let names = [
                "scenario",
                "year",
                "area",
                "metric",
                "sd_total",
                "sd_chance",
                "parameter_share",
            ];
            let c: Vec<usize> = names
                .iter()
                .map(|n| t.col(n).map_err(|e| err(file, &e)))
                .collect::<Result<_, _>>()?;
            for row in &t.rows {
                let spread = Spread {
                    sd_total: num(field(row, c[4])),
                    sd_chance: num(field(row, c[5])),
                    parameter_share: num(field(row, c[6])),
                };
                self.uncertainty.insert(key(row, &c), spread);
            }
        }
        for (file, names, plane) in [
            (
                "cost_effectiveness.csv",
                ["option", "cost_difference", "hospital_deaths_avoided"],
                true,
            ),
            (
                "acceptability.csv",
                ["option", "willingness_to_pay", "p_cost_effective"],
                false,
            ),
        ] {
            if !dir.join(file).exists() {
                continue;
            }
            let t = Table::read(&dir.join(file)).map_err(|e| err(file, &e))?;
            let c: Vec<usize> = names
                .iter()
                .map(|n| t.col(n).map_err(|e| err(file, &e)))
                .collect::<Result<_, _>>()?;
            let into = if plane {
                &mut self.ce_plane
            } else {
                &mut self.acceptability
            };
            for row in &t.rows {
                into.entry(unguard(field(row, c[0])).to_string())
                    .or_default()
                    .push((num(field(row, c[1])), num(field(row, c[2]))));
            }
        }
        let file = "sensitivity.csv";
        if dir.join(file).exists() {
            let t = Table::read(&dir.join(file)).map_err(|e| err(file, &e))?;
            let names = [
                "metric",
                "year",
                "parameter",
                "low_value",
                "high_value",
                "low_diff",
                "high_diff",
            ];
            let c: Vec<usize> = names
                .iter()
                .map(|n| t.col(n).map_err(|e| err(file, &e)))
                .collect::<Result<_, _>>()?;
            for row in &t.rows {
                self.sensitivity
                    .entry((
                        field(row, c[0]).to_string(),
                        field(row, c[1]).parse().unwrap_or(0),
                    ))
                    .or_default()
                    .push(OneWayEffect {
                        parameter: unguard(field(row, c[2])).to_string(),
                        values: (num(field(row, c[3])), num(field(row, c[4]))),
                        low: num(field(row, c[5])),
                        high: num(field(row, c[6])),
                    });
            }
        }
        let file = "drivers.csv";
        if dir.join(file).exists() {
            let t = Table::read(&dir.join(file)).map_err(|e| err(file, &e))?;
            let names = ["scenario", "year", "area", "metric", "parameter", "src"];
            let c: Vec<usize> = names
                .iter()
                .map(|n| t.col(n).map_err(|e| err(file, &e)))
                .collect::<Result<_, _>>()?;
            for row in &t.rows {
                self.drivers
                    .entry(key(row, &c))
                    .or_default()
                    .push((unguard(field(row, c[4])).to_string(), num(field(row, c[5]))));
            }
        }
        Ok(())
    }

    /// The yearly series of `metric` in `area` for `scenario`: one lookup
    /// a year, jumping from year to year of the scenario's keys (a table
    /// of a national study holds hundreds of thousands).
    pub fn series(&self, scenario: &str, area: &str, metric: &str) -> Vec<(f64, Stat)> {
        let mut out = Vec::new();
        let mut from = i32::MIN;
        let start = |year| (scenario.to_string(), year, String::new(), String::new());
        while let Some(((s, year, _, _), _)) = self.summary.range(start(from)..).next() {
            if s != scenario {
                break;
            }
            let year = *year;
            if let Some(v) = self.get(scenario, year, area, metric)
                && !v.mean.is_nan()
            {
                out.push((year as f64, v));
            }
            match year.checked_add(1) {
                Some(next) => from = next,
                None => break,
            }
        }
        out
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
