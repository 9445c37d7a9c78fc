//! The option appraisal: the options side by side on the outcomes planners
//! weigh, region-wide in the last year, each with its 95% interval and its
//! paired difference from the baseline, and the first year each option
//! breaches a planning target. Each outcome's label says which way is
//! better; staff appear as what is short (never netted against a surplus)
//! and as what they cost, so the extra staff an option needs read as a
//! cost, not a gain. The cost is shown whole and split into staff, beds
//! and slots available, activity and programmes. Written as `appraisal.csv` (one row per
//! scenario, for analysis) and `appraisal.md` (a table to paste into a
//! paper).

use super::tables::{Key, csv_field, number};
use crate::batch::study::CompareRow;
use std::collections::HashMap;

/// The outcomes compared, with how a reader should read a change.
pub const OUTCOMES: [(&str, &str); 13] = [
    (
        "preferred_place_met_pct",
        "died where they preferred, % (higher is better)",
    ),
    (
        "cspc_deaths_hospital_pct",
        "CSPC patients dying in hospital, % (lower is better)",
    ),
    (
        "died_waiting",
        "died waiting, caseload or bed (lower is better)",
    ),
    (
        "ipu_turned_away",
        "IPU requests turned away (lower is better)",
    ),
    (
        "calls_answered_in_target_pct",
        "calls answered in target, % (higher is better)",
    ),
    (
        "fte_short_roles",
        "roles short of staff somewhere (lower is better)",
    ),
    (
        "fte_shortfall_total",
        "staff short, FTE, shortfalls only (lower is better)",
    ),
    ("cost_total", "total cost (a rise is a cost)"),
    (
        "cost_staff",
        "staff cost: extra staff an option needs cost more",
    ),
    ("cost_beds", "beds and slots available cost"),
    ("cost_activity", "activity cost"),
    ("cost_programmes", "programme cost"),
    ("cost_acute", "acute bed-day cost (within activity)"),
];

/// A planning target: (metric, description, breached when the mean is …).
pub type Target = (&'static str, &'static str, fn(f64) -> bool);

/// A mean with its 95% interval.
type Estimate = (f64, (f64, f64));

/// Planning targets whose first breach is reported: (metric, description,
/// breached when the mean is …).
pub const TARGETS: [Target; 3] = [
    ("ipu_occupancy_pct", "IPU occupancy at or above 85%", |x| {
        x >= 85.0
    }),
    (
        "calls_answered_in_target_pct",
        "under 95% of calls answered in target",
        |x| x < 95.0,
    ),
    (
        "fte_short_roles",
        "a role short of staff (any role, any area)",
        |x| x > 0.0,
    ),
];

/// A scenario's summary means: key → (mean, 95% interval).
#[derive(Debug, Clone)]
pub struct Means {
    /// Scenario name.
    pub name: String,
    /// Values.
    pub values: HashMap<Key, (f64, (f64, f64))>,
}

/// One scenario's line of the appraisal.
#[derive(Debug, Clone)]
struct Line {
    name: String,
    outcomes: Vec<(Estimate, Option<Estimate>)>,
    breaches: Vec<Option<i32>>,
}

/// The appraisal of a comparison.
#[derive(Debug, Clone)]
pub struct Appraisal {
    year: i32,
    baseline: String,
    lines: Vec<Line>,
}

impl Appraisal {
    /// Builds the appraisal from the comparison rows and each scenario's
    /// means (baseline first).
    pub fn new(rows: &[CompareRow], means: &[Means]) -> Appraisal {
        let year = means[0].values.keys().map(|k| k.year).max().unwrap_or(0);
        let first = means[0].values.keys().map(|k| k.year).min().unwrap_or(0);
        let key = |metric: &'static str, year: i32| Key {
            year,
            area_type: "region",
            area: "ALL".into(),
            metric,
        };
        let diffs: HashMap<(&str, &Key), &CompareRow> = rows
            .iter()
            .map(|r| ((r.option.as_str(), &r.key), r))
            .collect();
        let lines = means
            .iter()
            .enumerate()
            .map(|(i, m)| Line {
                name: m.name.clone(),
                outcomes: OUTCOMES
                    .iter()
                    .map(|(metric, _)| {
                        let k = key(metric, year);
                        let value = m
                            .values
                            .get(&k)
                            .copied()
                            .unwrap_or((f64::NAN, (f64::NAN, f64::NAN)));
                        let diff = (i > 0).then(|| {
                            diffs
                                .get(&(m.name.as_str(), &k))
                                .map_or((f64::NAN, (f64::NAN, f64::NAN)), |r| {
                                    (r.diff.mean(), r.diff.interval())
                                })
                        });
                        (value, diff)
                    })
                    .collect(),
                breaches: TARGETS
                    .iter()
                    .map(|(metric, _, breached)| {
                        (first..=year).find(|y| {
                            m.values
                                .get(&key(metric, *y))
                                .is_some_and(|(v, _)| breached(*v))
                        })
                    })
                    .collect(),
            })
            .collect();
        Appraisal {
            year,
            baseline: means[0].name.clone(),
            lines,
        }
    }

    /// `appraisal.csv`: one row per scenario.
    pub fn csv(&self) -> String {
        let mut header = vec!["scenario".to_string(), "year".to_string()];
        for (m, _) in OUTCOMES {
            for suffix in [
                "",
                "_ci_low",
                "_ci_high",
                "_diff",
                "_diff_ci_low",
                "_diff_ci_high",
            ] {
                header.push(format!("{m}{suffix}"));
            }
        }
        for (m, _, _) in TARGETS {
            header.push(format!("first_breach_{m}"));
        }
        let mut out = header.join(",") + "\n";
        for line in &self.lines {
            let mut cells = vec![csv_field(&line.name), self.year.to_string()];
            for ((mean, (lo, hi)), diff) in &line.outcomes {
                let (d, (dlo, dhi)) = diff.unwrap_or((0.0, (0.0, 0.0)));
                cells.extend([*mean, *lo, *hi, d, dlo, dhi].map(number));
            }
            cells.extend(
                line.breaches
                    .iter()
                    .map(|b| b.map_or(String::new(), |y| y.to_string())),
            );
            out += &(cells.join(",") + "\n");
        }
        out
    }

    /// `appraisal.md`: the options side by side, for a paper.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# Option appraisal, {year}\n\nRegion-wide (`ALL`) means over replications with 95% confidence intervals; for each option, the paired difference from the baseline ({base}) on the same simulated residents. A difference whose interval excludes 0 is a real effect of the option, not noise.\n\n",
            year = self.year,
            base = escape(&self.baseline)
        );
        out += "| scenario |";
        for (_, label) in OUTCOMES {
            out += &format!(" {label} |");
        }
        out += "\n|---|";
        out += &"---:|".repeat(OUTCOMES.len());
        out += "\n";
        for line in &self.lines {
            out += &format!("| {} |", escape(&line.name));
            for ((mean, _), diff) in &line.outcomes {
                let cell = match diff {
                    None => fmt(*mean),
                    Some((d, (lo, hi))) => format!(
                        "{} ({}{} [{}, {}])",
                        fmt(*mean),
                        if *d >= 0.0 { "+" } else { "" },
                        fmt(*d),
                        fmt(*lo),
                        fmt(*hi)
                    ),
                };
                out += &format!(" {cell} |");
            }
            out += "\n";
        }
        out += "\n## First year a target is breached\n\n| scenario |";
        for (_, label, _) in TARGETS {
            out += &format!(" {label} |");
        }
        out += "\n|---|";
        out += &"---|".repeat(TARGETS.len());
        out += "\n";
        for line in &self.lines {
            out += &format!("| {} |", escape(&line.name));
            for b in &line.breaches {
                out += &format!(
                    " {} |",
                    b.map_or("not by ".to_string() + &self.year.to_string(), |y| y
                        .to_string())
                );
            }
            out += "\n";
        }
        out
    }
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else if x.abs() >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
