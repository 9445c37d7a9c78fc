//! The charts and the self-contained HTML report of a results folder. The
//! report answers first: its first page holds each planner's question
//! answered in a sentence with a year and an interval
//! ([`answers`]), the warnings, and in a comparison the
//! options ranked for each reported year; then the evidence: the borough ×
//! year grid of first breaches, small multiples per site, borough and
//! role, options over time, forest plots for the reported years, sizing
//! with the chance of meeting the target, and the provenance with a link to
//! every file. Everything is drawn from the result files, so `carecap
//! report DIR` redraws it without re-running. The page has inline SVG and
//! CSS (with a print stylesheet), no scripts and no external requests; all
//! scenario-supplied text is HTML-escaped. Labels and numbers come from
//! [`labels`].

use super::answers::{self, BOROUGH_TARGETS, OPTION_METRICS};
use super::atomic::write_atomic;
use super::charts::{self, Chart, Forest, LineChart, Panels, Point, Series, Stacked};
use super::folder::{self, FolderLock};
use super::labels::{self, Kind};
use super::manifest::ManifestFile;
use super::results::{Results, Spread, Stat};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A chart with where it goes and how to read it.
struct Figure {
    stem: &'static str,
    section: Section,
    chart: Chart,
    reading: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Beds,
    Boroughs,
    Staff,
    Calls,
    Options,
    Uncertainty,
    Sizing,
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A value of `metric` with its interval, as HTML (the interval in grey).
fn with_ci(r: &Results, metric: &str, s: Option<Stat>) -> String {
    match s {
        Some(s) if s.mean.is_finite() => {
            let kind = labels::kind(metric);
            let text = labels::interval(kind, s.mean, Some((s.lo, s.hi)), r.currency());
            match text.split_once(" (") {
                Some((v, ci)) => format!("{} <span class=ci>({}</span>", escape(v), escape(ci)),
                None => escape(&text),
            }
        }
        _ => "–".into(),
    }
}

fn points(series: &[(f64, Stat)], fan: bool) -> Vec<Point> {
    series
        .iter()
        .map(|(x, s)| {
            let (lo, hi) = if fan && s.p10.is_finite() {
                (s.p10, s.p90)
            } else {
                (s.lo, s.hi)
            };
            Point {
                x: *x,
                y: s.mean,
                lo,
                hi,
            }
        })
        .collect()
}

fn series(name: &str, points: Vec<Point>) -> Series {
    Series {
        name: name.into(),
        points,
        dashed: false,
        colour: None,
    }
}

/// A small line chart (a panel of small multiples, or a whole chart).
fn panel(title: &str, y_label: &str, series: Vec<Series>, zero: bool) -> LineChart {
    LineChart {
        title: title.into(),
        x_label: "Year".into(),
        y_label: y_label.into(),
        series,
        reference: None,
        integer_x: true,
        zero,
    }
}

/// A short name for a panel title (the full label is in the reading);
/// money is in `currency`.
fn short_label(metric: &str, currency: &str) -> String {
    let name = match metric {
        "preferred_place_met_pct" => "Died where preferred (%)",
        "died_waiting" => "Died waiting (a year)",
        "cspc_deaths_hospital_pct" => "Caseload deaths in hospital (%)",
        "ipu_turned_away" => "Turned away from a bed (a year)",
        "fte_shortfall_total" => "Staff short (FTE)",
        "cost_total" => return format!("Total cost ({currency} a year)"),
        "ipu_occupancy_pct" => "Bed occupancy (%)",
        "hah_unmet" => "Hospice at home unmet (a year)",
        other => other,
    };
    name.to_string()
}

/// Whether a metric's axis starts at zero (counts, levels, FTE, £).
fn zero_axis(metric: &str) -> bool {
    !matches!(labels::kind(metric), Kind::Pct | Kind::Gap)
}

/// Small multiples of `metric`, one panel per area, on a shared scale.
fn per_area(
    r: &Results,
    s: &str,
    metric: &str,
    areas: &[String],
    fan: bool,
    title: String,
    reference: Option<(f64, String)>,
) -> Chart {
    let name = labels::label(metric);
    Chart::Panels(Panels {
        title,
        y_label: labels::with_unit(metric, r.currency()),
        panels: areas
            .iter()
            .map(|a| {
                let area = if a == "ALL" { "Region (all)" } else { a };
                panel(
                    area,
                    &name,
                    vec![series(&name, points(&r.series(s, a, metric), fan))],
                    zero_axis(metric),
                )
            })
            .collect(),
        zero: zero_axis(metric),
        reference,
        shared_y: true,
    })
}

/// The first year `metric` in `area` reaches `level` (mean), if it does.
fn first_at(r: &Results, s: &str, area: &str, metric: &str, level: f64) -> Option<(i32, Stat)> {
    r.series(s, area, metric)
        .into_iter()
        .find(|(_, st)| st.mean >= level)
        .map(|(y, st)| (y as i32, st))
}

fn figures(r: &Results) -> Vec<Figure> {
    let base = r.scenarios.first().cloned().unwrap_or_default();
    let (first, last) = r.years();
    let mut out = Vec::new();
    let boroughs = answers::boroughs(r, &base);
    let sites = answers::sites(r, &base);

    // Beds.
    let mut units: Vec<String> = sites
        .iter()
        .filter(|s| !r.series(&base, s, "ipu_occupancy_pct").is_empty())
        .cloned()
        .collect();
    units.push("ALL".into());
    let region = first_at(r, &base, "ALL", "ipu_occupancy_pct", answers::CEILING);
    let first_site = sites
        .iter()
        .filter_map(|s| {
            first_at(r, &base, s, "ipu_occupancy_pct", answers::CEILING).map(|(y, _)| (y, s))
        })
        .min();
    let title = match (region, first_site) {
        (Some((y, _)), Some((sy, site))) => {
            format!("Hospice beds reach the 85% ceiling region-wide in {y}; {site} first, in {sy}")
        }
        (Some((y, _)), None) => format!("Hospice beds reach the 85% ceiling region-wide in {y}"),
        (None, Some((sy, site))) => {
            format!("Region-wide beds stay under 85% to {last}, but {site} reaches it in {sy}")
        }
        (None, None) => format!("Hospice beds stay under the 85% ceiling to {last}"),
    };
    out.push(Figure {
        stem: "ipu_occupancy",
        section: Section::Beds,
        chart: per_area(
            r,
            &base,
            "ipu_occupancy_pct",
            &units,
            false,
            title,
            Some((answers::CEILING, "85% planning ceiling".into())),
        ),
        reading: "One panel per hospice unit and one for the region, on the same scale: the line is mean occupancy of staffed beds, the band its 95% confidence interval, the dashed line the 85% ceiling above which waits and refusals climb. A unit with no line has no beds open.".into(),
    });
    let died = r.get(&base, last, "ALL", "died_waiting");
    out.push(Figure {
        stem: "ipu_pressure",
        section: Section::Beds,
        chart: Chart::Line(LineChart {
            title: match died {
                Some(d) => format!(
                    "{} people a year die waiting for care by {last}",
                    labels::value(Kind::Count, d.mean, r.currency())
                ),
                None => "People turned away from, or dying while waiting for, care".into(),
            },
            x_label: "Year".into(),
            y_label: "People a year".into(),
            series: vec![
                series("Turned away from a hospice bed (list full)", points(&r.series(&base, "ALL", "ipu_turned_away"), false)),
                series("Died waiting for a hospice bed", points(&r.series(&base, "ALL", "ipu_died_waiting"), false)),
                series("Died waiting (caseload place or bed)", points(&r.series(&base, "ALL", "died_waiting"), false)),
            ],
            reference: None,
            integer_x: true,
            zero: true,
        }),
        reading: "People a year region-wide, with 95% confidence bands; the axis starts at zero. Each line has its own marker and pattern.".into(),
    });
    let referrals = r.series(&base, "ALL", "referrals");
    let growth = match (referrals.first(), referrals.last()) {
        (Some(a), Some(b)) if a.1.mean > 0.0 => format!(
            "Referrals grow {:.0}% from {first} to {last}",
            100.0 * (b.1.mean / a.1.mean - 1.0)
        ),
        _ => "Referrals to community palliative care".into(),
    };
    out.push(Figure {
        stem: "demand_referrals",
        section: Section::Beds,
        chart: per_area(
            r,
            &base,
            "referrals",
            &boroughs,
            true,
            format!("{growth}, by borough"),
            None,
        ),
        reading: "One panel per borough on the same scale, starting at zero: the line is the mean number of referrals a year; the shaded fan holds the middle 80% of replications (p10 to p90), the year-to-year spread a planner should expect.".into(),
    });

    // Boroughs.
    let breaches = answers::first_breaches(r, &base);
    let first_wait = breaches
        .iter()
        .filter_map(|(b, y)| y[0].map(|y| (y, b)))
        .min();
    out.push(Figure {
        stem: "borough_waits",
        section: Section::Boroughs,
        chart: per_area(
            r,
            &base,
            "cspc_wait_days_mean",
            &boroughs,
            false,
            match first_wait {
                Some((y, b)) => format!("Caseload waits pass 2 days first in {b}, in {y}"),
                None => format!("Caseload waits stay under 2 days in every borough to {last}"),
            },
            Some((2.0, "2-day planning target".into())),
        ),
        reading: "One panel per borough on the same scale: mean days from referral to a caseload place, with 95% confidence bands; the dashed line is the 2-day target of the breach grid.".into(),
    });
    let unmet = r.get(&base, last, "ALL", "hah_unmet");
    out.push(Figure {
        stem: "hah_capacity",
        section: Section::Boroughs,
        chart: Chart::Panels(Panels {
            title: match unmet {
                Some(u) => format!(
                    "Hospice at home: {} people found no place in {last}",
                    labels::value(Kind::Count, u.mean, r.currency())
                ),
                None => "Hospice at home: patients against places staffed".into(),
            },
            y_label: "Patients at once (time-average)".into(),
            panels: boroughs
                .iter()
                .map(|b| {
                    panel(
                        b,
                        "Patients at once",
                        vec![
                            series("Patients on hospice at home", points(&r.series(&base, b, "hah_occupancy_mean"), false)),
                            Series {
                                name: "Places staffed".into(),
                                points: points(&r.series(&base, b, "hah_slots_mean"), false),
                                dashed: true,
                                colour: Some(1),
                            },
                        ],
                        true,
                    )
                })
                .collect(),
            zero: true,
            reference: None,
            shared_y: true,
        }),
        reading: "One panel per borough: when the solid line (patients) nears the dashed one (places staffed), people who want to die at home find no place.".into(),
    });

    // Staff.
    let mut roles = Vec::new();
    let mut short = 0;
    for (k, (role, name)) in labels::ROLE_LABELS.iter().enumerate() {
        let demand = r.series(&base, "ALL", &format!("fte_demand_{role}"));
        if demand.is_empty() {
            continue;
        }
        let supply = r.series(&base, "ALL", &format!("fte_supply_{role}"));
        if demand
            .iter()
            .zip(&supply)
            .any(|(d, s)| d.1.mean > s.1.mean + 0.05)
        {
            short += 1;
        }
        let _ = k;
        roles.push(panel(
            name,
            "FTE",
            vec![
                Series {
                    name: "Needed".into(),
                    points: points(&demand, false),
                    dashed: true,
                    colour: Some(3),
                },
                Series {
                    name: "In post".into(),
                    points: points(&supply, false),
                    dashed: false,
                    colour: Some(0),
                },
            ],
            true,
        ));
    }
    let n_roles = roles.len();
    out.push(Figure {
        stem: "workforce",
        section: Section::Staff,
        chart: Chart::Panels(Panels {
            title: if short == 0 {
                format!("Every role is staffed region-wide to {last}")
            } else {
                format!("{short} of {n_roles} roles need more staff than are in post region-wide")
            },
            y_label: "Full-time equivalents".into(),
            panels: roles,
            zero: true,
            reference: None,
            shared_y: false,
        }),
        reading: "One panel per role, each on its own scale from zero: the dashed line with triangles is the staff needed for the demand that arrived, the solid line with circles the staff in post. Dashed above solid is a shortfall. Region-wide totals net areas against each other; the table above counts shortfalls only.".into(),
    });

    // Calls.
    if let Some(hours) = r.by_hour.get(&(
        base.clone(),
        last,
        "ALL".into(),
        "calls_answered_in_target_pct".to_string(),
    )) {
        let hourly = |h: &[Stat; 24]| -> Vec<Point> {
            h.iter()
                .enumerate()
                .filter(|(_, s)| s.mean.is_finite())
                .map(|(i, s)| Point {
                    x: i as f64,
                    y: s.mean,
                    lo: s.lo,
                    hi: s.hi,
                })
                .collect()
        };
        let mut lines = vec![series("Answered within target", hourly(hours))];
        if let Some(ab) = r.by_hour.get(&(
            base.clone(),
            last,
            "ALL".into(),
            "calls_abandoned_pct".to_string(),
        )) {
            lines.push(series("Hung up before an answer", hourly(ab)));
        }
        let worst = hours
            .iter()
            .enumerate()
            .filter(|(_, s)| s.mean.is_finite())
            .min_by(|a, b| a.1.mean.total_cmp(&b.1.mean));
        out.push(Figure {
            stem: "calls_by_hour",
            section: Section::Calls,
            chart: Chart::Line(LineChart {
                title: match worst {
                    Some((h, s)) => format!(
                        "Advice lines answer fewest calls in time at {h:02}:00 ({:.0}%), {last}",
                        s.mean
                    ),
                    None => format!("Advice lines by hour of day, {last}"),
                },
                x_label: "Hour of day (call arrival)".into(),
                y_label: "Share of calls offered (%)".into(),
                series: lines,
                reference: Some((95.0, "95% answered in target (NHS 111 standard)".into())),
                integer_x: true,
                zero: false,
            }),
            reading: "Service level and abandonment by the hour calls arrive, all lines together, with 95% confidence bands. Dips show the hours when too few handlers are on duty.".into(),
        });
    }

    // Deaths by place.
    let places = [
        "deaths_home",
        "deaths_care_home",
        "deaths_hospice",
        "deaths_enhanced_bed",
        "deaths_hospital",
    ];
    let place_names: Vec<String> = ["Home", "Care home", "Hospice", "Enhanced bed", "Hospital"]
        .map(String::from)
        .to_vec();
    let compare = r.scenarios.len() > 1;
    let bars: Vec<(String, Vec<f64>)> = if compare {
        r.scenarios
            .iter()
            .map(|s| {
                (
                    s.clone(),
                    places
                        .iter()
                        .map(|p| r.get(s, last, "ALL", p).map_or(f64::NAN, |x| x.mean))
                        .collect(),
                )
            })
            .collect()
    } else {
        let mid = (first + last) / 2;
        [first, mid, last]
            .iter()
            .map(|y| {
                (
                    y.to_string(),
                    places
                        .iter()
                        .map(|p| r.get(&base, *y, "ALL", p).map_or(f64::NAN, |x| x.mean))
                        .collect(),
                )
            })
            .collect()
    };
    let hospital_share = |v: &[f64]| {
        let total: f64 = v.iter().filter(|x| x.is_finite()).sum();
        if total > 0.0 {
            100.0 * v[4] / total
        } else {
            f64::NAN
        }
    };
    let share = bars.last().map_or(f64::NAN, |b| hospital_share(&b.1));
    out.push(Figure {
        stem: "deaths_by_place",
        section: if compare { Section::Options } else { Section::Beds },
        chart: Chart::Stacked(Stacked {
            title: if compare {
                format!("Deaths by place, {last}: options barely move where people die")
            } else {
                format!("{share:.0}% of deaths are in hospital in {last}")
            },
            y_label: "Deaths a year (mean)".into(),
            parts: place_names,
            bars,
        }),
        reading: "All deaths of residents by place (means over replications), stacked in the legend's order. Compare with ONS: England 2022 hospital 43%, home 29%, care home 20%, hospice 5%.".into(),
    });

    out.extend(fan_figure(r, &base));
    out.extend(tornado_figure(r));
    out.extend(cost_effectiveness_figures(r));

    if compare {
        // Options over time: one panel per headline outcome, a line per scenario.
        let panels: Vec<LineChart> = OPTION_METRICS
            .iter()
            .map(|(m, _)| {
                panel(
                    &short_label(m, r.currency()),
                    &labels::label(m),
                    r.scenarios
                        .iter()
                        .map(|s| series(s, points(&r.series(s, "ALL", m), false)))
                        .collect(),
                    zero_axis(m),
                )
            })
            .collect();
        out.push(Figure {
            stem: "options_over_time",
            section: Section::Options,
            chart: Chart::Panels(Panels {
                title: "Baseline and options over time, on the headline outcomes".into(),
                y_label: "Region-wide means".into(),
                panels,
                zero: false,
                reference: None,
                shared_y: false,
            }),
            reading: format!(
                "One panel per headline outcome, each on its own scale, one line per scenario (the same marker and pattern in every panel), with 95% confidence bands. Panels: {}.",
                OPTION_METRICS
                    .iter()
                    .map(|(m, _)| labels::with_unit(m, r.currency()))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        });
        let years = answers::report_years(r);
        for (metric, better_up) in OPTION_METRICS {
            let panels: Vec<charts::ForestPanel> = years
                .iter()
                .map(|y| {
                    let mut rows: Vec<charts::ForestRow> = r.scenarios[1..]
                        .iter()
                        .enumerate()
                        .filter_map(|(i, o)| {
                            let d = r
                                .compare
                                .get(&(o.clone(), *y, "ALL".into(), metric.into()))?;
                            d.mean.is_finite().then_some((
                                o.clone(),
                                i + 1,
                                Point {
                                    x: 0.0,
                                    y: d.mean,
                                    lo: d.lo,
                                    hi: d.hi,
                                },
                            ))
                        })
                        .collect();
                    // Worst at the bottom, best at the top.
                    rows.sort_by(|a, b| {
                        let (x, y) = (a.2.y, b.2.y);
                        if better_up {
                            x.total_cmp(&y)
                        } else {
                            y.total_cmp(&x)
                        }
                    });
                    (y.to_string(), rows)
                })
                .collect();
            if panels.iter().all(|p| p.1.is_empty()) {
                continue;
            }
            let best = panels
                .last()
                .and_then(|p| p.1.last())
                .map(|row| row.0.clone())
                .unwrap_or_default();
            let label = labels::label(metric);
            out.push(Figure {
                stem: match metric {
                    "preferred_place_met_pct" => "forest_preferred_place",
                    "cspc_deaths_hospital_pct" => "forest_hospital_deaths",
                    "died_waiting" => "forest_died_waiting",
                    "ipu_turned_away" => "forest_turned_away",
                    "fte_shortfall_total" => "forest_staff_short",
                    _ => "forest_cost",
                },
                section: Section::Options,
                chart: Chart::Forest(Forest {
                    title: if metric == "cost_total" {
                        format!("Total cost against the baseline: {best} adds least by {}", years.last().unwrap_or(&last))
                    } else {
                        format!("{label}: {best} does most by {}", years.last().unwrap_or(&last))
                    },
                    x_label: format!(
                        "Option − baseline, {} (mean, 95% CI)",
                        labels::kind(metric).unit(r.currency())
                    ),
                    better_right: Some(better_up),
                    panels,
                }),
                reading: format!(
                    "One panel per year; each marker is an option's mean difference from the baseline on the same simulated residents, the bar its paired 95% confidence interval; options are ordered by effect, best at the top, and the cue under the axis shows which way is better. A bar that does not cross zero is a real effect. Measure: {}.",
                    labels::with_unit(metric, r.currency())
                ),
            });
        }
    }

    if let Some((metric, parameter)) = &r.sizing_labels {
        let years: Vec<i32> = {
            let mut y: Vec<i32> = r.sizing.keys().map(|k| k.1).collect();
            y.sort();
            y.dedup();
            y
        };
        let panels: Vec<LineChart> = years
            .iter()
            .map(|y| LineChart {
                title: y.to_string(),
                x_label: parameter.clone(),
                y_label: "Replications meeting the target (%)".into(),
                series: r
                    .sizing
                    .iter()
                    .filter(|((_, yy), _)| yy == y)
                    .enumerate()
                    .map(|(i, ((s, _), v))| Series {
                        name: s.clone(),
                        points: v
                            .iter()
                            .map(|(x, _, p)| Point {
                                x: *x,
                                y: 100.0 * p,
                                lo: f64::NAN,
                                hi: f64::NAN,
                            })
                            .collect(),
                        dashed: false,
                        colour: Some(i),
                    })
                    .collect(),
                reference: None,
                integer_x: false,
                zero: true,
            })
            .collect();
        let rows = answers::sizing_rows(r);
        let title = match rows
            .iter()
            .find(|row| answers::report_years(r).contains(&row.1))
            .or(rows.last())
        {
            Some((_, y, v, _, p)) => format!(
                "{} {parameter} meet the target in {y} ({:.0}% of replications)",
                labels::thousands(*v, 0),
                100.0 * p
            ),
            None => format!("No swept {parameter} meets the target"),
        };
        out.push(Figure {
            stem: "sizing_curve",
            section: Section::Sizing,
            chart: Chart::Panels(Panels {
                title,
                y_label: "Replications meeting the target (%)".into(),
                panels,
                zero: true,
                reference: Some((50.0, "half of replications".into())),
                shared_y: true,
            }),
            reading: format!(
                "One panel per year: at each swept {parameter}, the share of replications in which {} meets the target. Read across to the value where the curve reaches the certainty you need; the table above gives the smallest value whose mean meets it.",
                labels::label(metric).to_lowercase()
            ),
        });
    }
    out
}

/// The chart's footer: what its marks and bands are, over how many
/// replications, and the run it comes from.
fn footer(r: &Results, figure: &Figure) -> String {
    let m = &r.manifest;
    let names = match r.scenarios.len() {
        0..=2 => r.scenarios.join(", "),
        n => format!("{} and {} options", r.scenarios[0], n - 1),
    };
    let interval = if m["interval"]
        .as_str()
        .is_some_and(|i| i.starts_with("uncertainty"))
    {
        "95% uncertainty interval"
    } else {
        "95% CI"
    };
    let n = answers::replications(r);
    let what = match (figure.stem, &figure.chart) {
        ("demand_referrals", _) => {
            format!("Means over {n} replications; fans: p10–p90 of replications")
        }
        ("uncertainty_fan", _) => {
            format!("Means over {n} replications; bands: ±1.96 sd, all and chance alone")
        }
        ("tornado", _) => {
            format!("One-way effects, means of paired differences over {n} replications")
        }
        ("acceptability", _) => format!("Shares of {n} replications"),
        (_, Chart::Scatter(_)) => format!("One point per replication and option, {n} replications"),
        (_, Chart::Stacked(_)) => format!("Means over {n} replications"),
        (_, Chart::Forest(_)) => {
            format!("Paired differences over {n} replications; bars: {interval}")
        }
        _ => format!("Means over {n} replications; bands: {interval}"),
    };
    format!(
        "{what} · {names} · seed {} · carecap {}",
        m["seed"],
        m["carecap_version"].as_str().unwrap_or("?"),
    )
}

/// Draws `charts/*.png`, `charts/*.svg` and `report.html` for the results
/// in `dir`; returns the files written. Takes the folder's lock (so not
/// while a [`RunReport`](crate::batch::run::RunReport) of this process
/// holds it: use [`render_held`] then), and refuses a folder whose files
/// belong to different runs.
pub fn render(dir: &Path) -> Result<Vec<PathBuf>, String> {
    render_held(dir, None, None)
}

/// How an error of [`render_held`] about its `years` begins (an input
/// error, where the others are failures to read or write the folder).
pub const BAD_YEARS: &str = "--years: expected years the results cover";

/// Like [`render`], by a run that already holds the folder (`lock`), with
/// the answers and forest plots for `years` when given (each must be a
/// year of the results).
pub fn render_held(
    dir: &Path,
    lock: Option<&FolderLock>,
    years: Option<&[i32]>,
) -> Result<Vec<PathBuf>, String> {
    let mut r = Results::read(dir)?;
    if let Some(years) = years {
        let (first, last) = r.years();
        if let Some(y) = years.iter().find(|y| !(first..=last).contains(*y)) {
            return Err(format!("{BAD_YEARS} ({first} to {last}), found {y}"));
        }
        r.chosen_years = Some(years.to_vec());
    }
    let taken;
    let lock = match lock {
        Some(lock) => lock,
        None => {
            taken = FolderLock::acquire(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            &taken
        }
    };
    folder::verify(dir)?;
    folder::clear_drawn(dir, lock).map_err(|e| format!("{}: {e}", dir.display()))?;
    let chart_dir = dir.join("charts");
    std::fs::create_dir_all(&chart_dir).map_err(|e| format!("{}: {e}", chart_dir.display()))?;
    let mut written = Vec::new();
    let mut entries = Vec::new();
    let mut svgs = Vec::new();
    let figures = figures(&r);
    for f in &figures {
        let png = format!("charts/{}.png", f.stem);
        let foot = footer(&r, f);
        charts::png(&f.chart, &foot, &dir.join(&png))?;
        entries.push(folder::entry(dir, &png).map_err(|e| format!("{png}: {e}"))?);
        let svg = charts::svg(&f.chart, &foot)?;
        let svg_name = format!("charts/{}.svg", f.stem);
        let svg_path = dir.join(&svg_name);
        let sha256 = write_atomic(&svg_path, svg.as_bytes())
            .map_err(|e| format!("{}: {e}", svg_path.display()))?;
        entries.push(ManifestFile {
            path: svg_name,
            sha256,
        });
        written.extend([dir.join(png), svg_path]);
        svgs.push(svg);
    }
    let html = page(&r, &figures, &svgs);
    let report = dir.join("report.html");
    let sha256 =
        write_atomic(&report, html.as_bytes()).map_err(|e| format!("{}: {e}", report.display()))?;
    entries.push(ManifestFile {
        path: "report.html".into(),
        sha256,
    });
    written.push(report);
    folder::add_files(dir, &entries, true, lock)
        .map_err(|e| format!("{}: {e}", dir.join(folder::MANIFEST).display()))?;
    Ok(written)
}

const STYLE: &str = "body{font-family:DejaVu Sans,Verdana,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em}h2{margin-top:2em;border-bottom:2px solid #0072b2;padding-bottom:.2em}\
figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #ddd}figcaption{font-size:.95em;color:#444;margin-top:.4em}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right;vertical-align:top}\
th:first-child,td:first-child{text-align:left}.ci{color:#666;font-size:.85em}.note{color:#555;font-size:.9em}code{background:#f3f3f3}\
.answers{border:2px solid #0072b2;padding:.3em 1.2em 1em;margin:1em 0}.answers h2{margin-top:.4em}\
.answers dt{font-weight:bold;margin-top:.8em}.answers dd{margin:.2em 0 0 0}\
.caution{color:#a33b00;font-weight:bold}\
.warnings{border:3px solid #d55e00;background:#fff4e5;padding:.2em 1em;margin:1.2em 0}.warnings h3{margin:.5em 0 .2em;color:#a33b00}\
td.breach{background:#fde0c5;font-weight:bold}td.ok{color:#999}\
@media print{body{max-width:none;margin:0;font-size:10pt}\
.answers dd,.warnings li{break-inside:avoid}.answers dt,h2,h3{break-after:avoid}\
table{break-inside:auto}tr,td,th{break-inside:avoid}thead{display:table-header-group}\
figure{break-inside:avoid}figure svg{max-height:17cm;border:none}\
#evidence{break-before:page}a{color:inherit;text-decoration:none}}\
@page{size:A4;margin:14mm}";

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = String::from("<table><thead><tr>");
    for h in header {
        let _ = write!(t, "<th>{}</th>", escape(h));
    }
    t.push_str("</tr></thead><tbody>");
    for row in rows {
        t.push_str("<tr>");
        for cell in row {
            if let Some(rest) = cell.strip_prefix("\u{1}") {
                let _ = write!(t, "<td class=breach>{rest}</td>");
            } else if let Some(rest) = cell.strip_prefix("\u{2}") {
                let _ = write!(t, "<td class=ok>{rest}</td>");
            } else {
                let _ = write!(t, "<td>{cell}</td>");
            }
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

fn figures_of(figures: &[Figure], svgs: &[String], section: Section) -> String {
    let mut out = String::new();
    for (f, svg) in figures.iter().zip(svgs) {
        if f.section == section {
            let svg = svg.trim_start_matches(|c| c != '<');
            let svg = svg
                .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .unwrap_or(svg);
            let _ = write!(
                out,
                "<figure id=\"{}\">{}<figcaption><b>{}</b>. {} <a href=\"charts/{}.png\">PNG</a> · <a href=\"charts/{}.svg\">SVG</a></figcaption></figure>",
                f.stem,
                svg,
                escape(f.chart.title()),
                escape(&f.reading),
                f.stem,
                f.stem
            );
        }
    }
    out
}

/// The outcomes whose spread the fan chart splits into parameters and chance.
const FAN_METRICS: [&str; 6] = [
    "preferred_place_met_pct",
    "ipu_occupancy_pct",
    "died_waiting",
    "hah_unmet",
    "fte_shortfall_total",
    "cost_total",
];

/// The fan chart, when parameters are uncertain: each headline outcome of
/// the baseline over the years, its 95% uncertainty interval (parameters
/// and chance) around the chance-alone band (mean ± 1.96 × the spread left
/// when the parameters' effects are taken out).
fn fan_figure(r: &Results, base: &str) -> Option<Figure> {
    let (_, last) = r.years();
    let spread = |y: i32, m: &str| {
        r.uncertainty
            .get(&(base.to_string(), y, "ALL".to_string(), m.to_string()))
            .copied()
    };
    let metrics: Vec<&str> = FAN_METRICS
        .iter()
        .copied()
        .filter(|m| spread(last, m).is_some())
        .collect();
    if metrics.is_empty() {
        return None;
    }
    let panels: Vec<LineChart> = metrics
        .iter()
        .map(|m| {
            let means = r.series(base, "ALL", m);
            let (lo_bound, hi_bound) = labels::kind(m).range();
            let band = |sd: fn(&Spread) -> f64| -> Vec<Point> {
                means
                    .iter()
                    .filter_map(|(x, st)| {
                        let h = 1.96 * sd(&spread(*x as i32, m)?);
                        Some(Point {
                            x: *x,
                            y: st.mean,
                            lo: (st.mean - h).max(lo_bound),
                            hi: (st.mean + h).min(hi_bound),
                        })
                    })
                    .collect()
            };
            panel(
                &short_label(m, r.currency()),
                &labels::label(m),
                vec![
                    series("Parameters and chance", band(|s| s.sd_total)),
                    series("Chance alone", band(|s| s.sd_chance)),
                ],
                zero_axis(m),
            )
        })
        .collect();
    let mostly = metrics
        .iter()
        .filter(|m| spread(last, m).is_some_and(|s| s.parameter_share > 0.5))
        .count();
    let title = format!(
        "Unknown parameters outweigh chance in {mostly} of {} outcomes by {last}",
        metrics.len()
    );
    Some(Figure {
        stem: "uncertainty_fan",
        section: Section::Uncertainty,
        chart: Chart::Panels(Panels {
            title,
            y_label: "Region-wide".into(),
            panels,
            zero: false,
            reference: None,
            shared_y: false,
        }),
        reading: "Each panel: the baseline's mean over the years, with two bands of ±1.96 \
                  standard deviations. The wide band is the spread over replications, each of \
                  which drew its own parameter set: what we do not know and chance together. \
                  The narrow band is chance alone: the spread left when the parameters' \
                  (linear) effects are taken out, from uncertainty.csv. Where the wide band is much wider, better evidence on \
                  the parameters (drivers.csv names them) would narrow the answer more than \
                  more replications would."
            .into(),
    })
}

/// The cost-effectiveness plane and acceptability curves of a comparison
/// with costs: each option's cost difference from the baseline against
/// the hospital deaths it avoids over the horizon, and the probability it
/// is cost effective at each willingness to pay per death avoided.
fn cost_effectiveness_figures(r: &Results) -> Vec<Figure> {
    if r.ce_plane.is_empty() {
        return Vec::new();
    }
    let options: Vec<&String> = r.scenarios.iter().skip(1).collect();
    let mean = |v: &[(f64, f64)]| {
        let n = v.len().max(1) as f64;
        (
            v.iter().map(|p| p.0).sum::<f64>() / n,
            v.iter().map(|p| p.1).sum::<f64>() / n,
        )
    };
    let means: Vec<(f64, f64)> = options
        .iter()
        .filter_map(|o| r.ce_plane.get(*o).map(|v| mean(v)))
        .collect();
    let avoid = means.iter().filter(|m| m.1 > 0.0).count();
    let dominant = means.iter().filter(|m| m.1 > 0.0 && m.0 < 0.0).count();
    let clouds: Vec<(String, Vec<(f64, f64)>)> = options
        .iter()
        .filter_map(|o| {
            let points = r.ce_plane.get(*o)?;
            Some(((*o).clone(), points.iter().map(|p| (p.1, p.0)).collect()))
        })
        .collect();
    let mut out = vec![Figure {
        stem: "cost_effectiveness_plane",
        section: Section::Options,
        chart: Chart::Scatter(charts::Scatter {
            title: format!(
                "{avoid} of {} options avoid hospital deaths on average; {dominant} also save money",
                means.len()
            ),
            x_label: "Hospital deaths avoided over the horizon (vs the baseline)".into(),
            y_label: format!("Extra cost over the horizon, {}", r.currency()),
            series: clouds,
        }),
        reading:
            "The cost-effectiveness plane: one point per replication and option, the option's \
                  total cost over every simulated year minus the baseline's (undiscounted) against \
                  the hospital deaths it avoided in the same replication. Lower right is better \
                  and cheaper; upper right buys fewer hospital deaths at a price. From \
                  cost_effectiveness.csv."
                .into(),
    }];
    let at = 20_000.0;
    let best = r
        .acceptability
        .iter()
        .filter_map(|(o, c)| c.iter().find(|p| p.0 == at).map(|p| (o, p.1)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let curves: Vec<Series> = options
        .iter()
        .filter_map(|o| {
            let c = r.acceptability.get(*o)?;
            let points = c
                .iter()
                .map(|&(x, p)| Point {
                    x,
                    y: 100.0 * p,
                    lo: 100.0 * p,
                    hi: 100.0 * p,
                })
                .collect();
            Some(series(o, points))
        })
        .collect();
    let title = match best {
        Some((o, p)) => format!(
            "Likeliest worth {} per hospital death avoided: {o} ({:.0}%)",
            labels::money(r.currency(), "20k"),
            100.0 * p
        ),
        None => "The chance each option is worth its cost".into(),
    };
    out.push(Figure {
        stem: "acceptability",
        section: Section::Options,
        chart: Chart::Line(LineChart {
            title,
            x_label: format!(
                "Willingness to pay per hospital death avoided ({})",
                r.currency()
            ),
            y_label: "Chance the option is cost effective (%)".into(),
            series: curves,
            reference: None,
            integer_x: false,
            zero: true,
        }),
        reading:
            "The cost-effectiveness acceptability curve: for each amount a commissioner would \
                  pay to avoid one hospital death, the share of replications in which the option's \
                  net benefit (that amount × deaths avoided − extra cost) is positive. With \
                  uncertain parameters it is the probability over what we do not know as well as \
                  chance. From acceptability.csv."
                .into(),
    });
    out
}

/// The tornado of a sensitivity study: each parameter's one-way effect on
/// the study's metric, largest swing on top.
fn tornado_figure(r: &Results) -> Option<Figure> {
    let s = &r.manifest["sensitivity"];
    let metric = s["metric"].as_str()?;
    let year = s["year"].as_i64()? as i32;
    let effects = r.sensitivity.get(&(metric.to_string(), year))?;
    let top = effects.first()?;
    let value = |x: f64| {
        let decimals = match x.abs() {
            _ if x.fract() == 0.0 => 0,
            a if a >= 100.0 => 0,
            a if a >= 1.0 => 2,
            _ => 3,
        };
        labels::thousands(x, decimals)
    };
    // The forest draws its first row at the bottom: largest swing on top.
    let rows: Vec<(String, usize, Point)> = effects
        .iter()
        .rev()
        .map(|e| {
            let label = format!(
                "{} ({} → {})",
                e.parameter,
                value(e.values.0),
                value(e.values.1)
            );
            let point = Point {
                x: 0.0,
                y: e.high,
                lo: e.low.min(e.high),
                hi: e.low.max(e.high),
            };
            (label, 0, point)
        })
        .collect();
    Some(Figure {
        stem: "tornado",
        section: Section::Uncertainty,
        chart: Chart::Forest(Forest {
            title: format!(
                "{} moves {} most in {year}",
                top.parameter,
                short_label(metric, r.currency())
            ),
            x_label: format!(
                "Change from the central run: {}",
                labels::with_unit(metric, r.currency())
            ),
            better_right: labels::higher_is_better(metric),
            panels: vec![(year.to_string(), rows)],
        }),
        reading: format!(
            "One-way sensitivity on common random numbers: each bar runs from the change in {} \
             (region-wide, {year}) with the parameter at its 10th percentile to the change with \
             it at its 90th (the dot), every other parameter at its median. Largest swing on \
             top; a parameter with no effect has no bar. From sensitivity.csv.",
            labels::label(metric)
        ),
    })
}

/// "How sure are we?": per headline outcome in the last year, the mean
/// with its uncertainty interval, the share of its variance the parameters
/// explain, and the parameters that drive it.
fn uncertainty_block(r: &Results, figures: &[Figure], svgs: &[String]) -> String {
    let base = r.scenarios.first().cloned().unwrap_or_default();
    let (_, last) = r.years();
    let mut rows = Vec::new();
    for ((s, y, a, m), spread) in &r.uncertainty {
        if *s != base || *y != last || a != "ALL" {
            continue;
        }
        let drivers = r
            .drivers
            .get(&(s.clone(), *y, a.clone(), m.clone()))
            .map(|d| {
                d.iter()
                    .filter(|(_, src)| src.abs() >= 0.1)
                    .take(3)
                    .map(|(p, src)| format!("{} ({src:+.2})", escape(p)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        rows.push(vec![
            escape(&labels::with_unit(m, r.currency())),
            with_ci(r, m, r.get(s, *y, a, m)),
            format!("{:.0}%", 100.0 * spread.parameter_share),
            if drivers.is_empty() {
                "none stands out".into()
            } else {
                drivers
            },
        ]);
    }
    if rows.is_empty() {
        return figures_of(figures, svgs, Section::Uncertainty);
    }
    let names = r.manifest["scenarios"][0]["uncertain_parameters"]
        .as_array()
        .map_or(0, Vec::len);
    let mut h = String::from("<h2 id=uncertainty>How sure are we?</h2>");
    let _ = write!(
        h,
        "<p>{names} parameters of {} are given as distributions, so each replication drew its \
         own set (params.csv) and every interval in this report is a 95% uncertainty interval: \
         the spread over replications, holding what we do not know about the parameters as \
         well as chance. Region-wide in {last}:</p>",
        escape(&base)
    );
    h.push_str(&table(
        &[
            "Outcome",
            "Mean (95% uncertainty interval)",
            "Variance the parameters explain",
            "Parameters that drive it (standardised regression coefficient)",
        ],
        &rows,
    ));
    h.push_str(&figures_of(figures, svgs, Section::Uncertainty));
    h
}

/// The caution printed beside figures when there are too few replications.
fn caution(r: &Results) -> String {
    match answers::too_few(r) {
        Some(_) => format!(
            " <span class=caution>⚠ only {} replications: intervals unreliable</span>",
            answers::replications(r)
        ),
        None => String::new(),
    }
}

/// The first page: the answers, the warnings and the options ranked.
fn answers_block(r: &Results) -> String {
    let caution = caution(r);
    let mut h = String::from("<section class=answers id=answers><h2>The answers</h2><dl>");
    for a in answers::answers(r) {
        let _ = write!(
            h,
            "<dt>{}</dt><dd>{}{caution}</dd>",
            escape(a.question),
            escape(&a.text)
        );
    }
    h.push_str("</dl>");
    if r.scenarios.len() > 1 {
        let base = &r.scenarios[0];
        for y in answers::report_years(r) {
            let rows: Vec<Vec<String>> = answers::ranked_options(r, y)
                .into_iter()
                .enumerate()
                .map(|(i, (o, d))| {
                    std::iter::once(format!("{}. {}", i + 1, escape(&o)))
                        .chain(
                            OPTION_METRICS
                                .iter()
                                .zip(&d)
                                .map(|((m, _), d)| escape(&answers::diff(r, m, *d))),
                        )
                        .collect()
                })
                .collect();
            let header: Vec<String> = std::iter::once("Option (ranked)".to_string())
                .chain(OPTION_METRICS.iter().map(|(m, up)| {
                    format!(
                        "{} ({})",
                        labels::label(m),
                        if *up {
                            "higher is better"
                        } else {
                            "lower is better"
                        }
                    )
                }))
                .collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let _ = write!(
                h,
                "<h3>Options in {y}, ranked</h3><p class=note>Region-wide difference from the baseline ({}) on the same simulated residents, with paired 95% intervals; ranked on the first column.{caution}</p>{}",
                escape(base),
                table(&header, &rows)
            );
        }
    }
    h.push_str(&warnings_block(r));
    h.push_str("</section>");
    h
}

/// The borough × year grid of first breaches.
fn breach_grid(r: &Results, s: &str) -> String {
    let (first, last) = r.years();
    let boroughs = answers::boroughs(r, s);
    if boroughs.is_empty() {
        return String::new();
    }
    let letters = ["W", "H", "D"];
    let rows: Vec<Vec<String>> = boroughs
        .iter()
        .map(|b| {
            std::iter::once(escape(b))
                .chain((first..=last).map(|y| {
                    let hit: Vec<&str> = (0..BOROUGH_TARGETS.len())
                        .filter(|k| answers::breached(r, s, y, b, *k) == Some(true))
                        .map(|k| letters[k])
                        .collect();
                    if hit.is_empty() {
                        "\u{2}·".to_string()
                    } else {
                        format!("\u{1}{}", hit.join(" "))
                    }
                }))
                .collect()
        })
        .collect();
    let years: Vec<String> = (first..=last).map(|y| y.to_string()).collect();
    let header: Vec<&str> = std::iter::once("Borough")
        .chain(years.iter().map(String::as_str))
        .collect();
    let key: Vec<String> = BOROUGH_TARGETS
        .iter()
        .zip(letters)
        .map(|((_, what), l)| format!("<b>{l}</b>: {}", escape(what)))
        .collect();
    let firsts: Vec<Vec<String>> = answers::first_breaches(r, s)
        .into_iter()
        .map(|(b, y)| {
            std::iter::once(escape(&b))
                .chain(
                    y.iter()
                        .map(|y| y.map_or(format!("not by {last}"), |y| y.to_string())),
                )
                .collect()
        })
        .collect();
    let first_header: Vec<String> = std::iter::once("Borough".to_string())
        .chain(
            BOROUGH_TARGETS
                .iter()
                .zip(letters)
                .map(|((_, w), l)| format!("{l}: {w}")),
        )
        .collect();
    let first_header: Vec<&str> = first_header.iter().map(String::as_str).collect();
    format!(
        "<h3>Borough × year: which targets are breached</h3><p class=note>A shaded cell lists the targets a borough breaches that year (on the mean): {}. A dot means none.</p>{}<h3>First breach by borough</h3>{}",
        key.join("; "),
        table(&header, &rows),
        table(&first_header, &firsts)
    )
}

/// A table of `metrics` for each year (rows) in `area`, labelled with units.
fn yearly_table(r: &Results, s: &str, area: &str, metrics: &[&str]) -> String {
    let (first, last) = r.years();
    let rows: Vec<Vec<String>> = (first..=last)
        .map(|y| {
            std::iter::once(y.to_string())
                .chain(metrics.iter().map(|m| with_ci(r, m, r.get(s, y, area, m))))
                .collect()
        })
        .collect();
    let header: Vec<String> = std::iter::once("Year".to_string())
        .chain(metrics.iter().map(|m| labels::with_unit(m, r.currency())))
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(&header, &rows)
}

/// A table of `metrics` (columns) for `areas` (rows) in `year`.
fn area_table(
    r: &Results,
    s: &str,
    year: i32,
    first_col: &str,
    areas: &[String],
    metrics: &[&str],
) -> String {
    let rows: Vec<Vec<String>> = areas
        .iter()
        .map(|a| {
            std::iter::once(if a == "ALL" {
                "Region (all)".to_string()
            } else {
                escape(a)
            })
            .chain(metrics.iter().map(|m| with_ci(r, m, r.get(s, year, a, m))))
            .collect()
        })
        .collect();
    let header: Vec<String> = std::iter::once(first_col.to_string())
        .chain(metrics.iter().map(|m| labels::with_unit(m, r.currency())))
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(&header, &rows)
}

/// Equity: who is reached, who waits and who dies where they wished, by
/// population segment, in `year` (nothing without segments).
fn equity_block(r: &Results, s: &str, year: i32) -> String {
    let groups = answers::segments(r, s);
    if groups.is_empty() {
        return String::new();
    }
    let metrics = [
        "cspc_wait_days_mean",
        "died_waiting",
        "preferred_place_met_pct",
        "cspc_deaths_hospital_pct",
        "deaths_hospital",
    ];
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let referred =
                answers::share_referred(r, s, year, g).map_or("–".into(), |x| format!("{x:.0}%"));
            [
                escape(g),
                with_ci(r, "deaths", r.get(s, year, g, "deaths")),
                with_ci(r, "referrals", r.get(s, year, g, "referrals")),
                referred,
            ]
            .into_iter()
            .chain(metrics.iter().map(|m| with_ci(r, m, r.get(s, year, g, m))))
            .collect()
        })
        .collect();
    let header: Vec<String> = [
        "Group".to_string(),
        labels::with_unit("deaths", r.currency()),
    ]
    .into_iter()
    .chain([
        labels::with_unit("referrals", r.currency()),
        "Referred, % of deaths".into(),
    ])
    .chain(metrics.iter().map(|m| labels::with_unit(m, r.currency())))
    .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    format!(
        "<h2 id=equity>Who is reached, who waits, who dies where they wished?</h2><p class=note>By population group (the scenario's segments), {year}, region-wide; the groups add up to the region. Referred, % of deaths: mean referrals ÷ mean deaths of the group (no interval). Waits and dying where wished are for people known to the community palliative care service.</p>{}",
        table(&header, &rows)
    )
}

fn page(r: &Results, figures: &[Figure], svgs: &[String]) -> String {
    let base = r.scenarios.first().cloned().unwrap_or_default();
    let (first, last) = r.years();
    let caution = caution(r);
    let mut h = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>carecap report: {}</title><style>{STYLE}</style></head><body>",
        escape(&base)
    );
    let _ = write!(
        h,
        "<h1>Palliative and end-of-life care capacity: {}</h1>",
        escape(&r.scenarios.join(", "))
    );
    let _ = write!(
        h,
        "<p>Projection {first}–{last} by discrete-event simulation. Every figure is a mean over {} replications with its 95% confidence interval in brackets; differences between options are paired on the same simulated residents.{caution}</p>",
        answers::replications(r)
    );
    h.push_str(&answers_block(r));
    h.push_str("<div id=evidence>");
    // Beds.
    h.push_str("<h2>Will demand outgrow beds, and when?</h2>");
    h.push_str(&yearly_table(
        r,
        &base,
        "ALL",
        &[
            "referrals",
            "deaths",
            "ipu_admissions",
            "ipu_occupancy_pct",
            "ipu_staffed_beds_mean",
            "ipu_turned_away",
            "died_waiting",
        ],
    ));
    let sites = answers::sites(r, &base);
    if !sites.is_empty() {
        let _ = write!(
            h,
            "<h3>Each site in {last}</h3>{}",
            area_table(
                r,
                &base,
                last,
                "Site",
                &sites,
                &[
                    "ipu_staffed_beds_mean",
                    "ipu_occupancy_pct",
                    "ipu_wait_days_mean",
                    "ipu_turned_away",
                    "ipu_died_waiting",
                ],
            )
        );
    }
    h.push_str(&figures_of(figures, svgs, Section::Beds));
    // Boroughs.
    h.push_str("<h2>Which boroughs fall short first?</h2>");
    h.push_str(&breach_grid(r, &base));
    let _ = write!(
        h,
        "<h3>Each borough in {last}, by residence</h3>{}",
        area_table(
            r,
            &base,
            last,
            "Borough",
            &answers::boroughs(r, &base),
            &[
                "referrals",
                "cspc_wait_days_mean",
                "hah_unmet",
                "died_waiting",
                "cspc_deaths_hospital_pct",
                "preferred_place_met_pct",
            ],
        )
    );
    h.push_str(&figures_of(figures, svgs, Section::Boroughs));
    h.push_str(&equity_block(r, &base, last));
    // Staff.
    h.push_str("<h2>Can we staff it?</h2>");
    let rows: Vec<Vec<String>> = labels::ROLE_LABELS
        .iter()
        .filter(|(role, _)| {
            r.get(&base, last, "ALL", &format!("fte_demand_{role}"))
                .is_some()
        })
        .map(|(role, name)| {
            vec![
                escape(name),
                with_ci(
                    r,
                    "fte_demand_cspc_nurse",
                    r.get(&base, last, "ALL", &format!("fte_demand_{role}")),
                ),
                with_ci(
                    r,
                    "fte_supply_cspc_nurse",
                    r.get(&base, last, "ALL", &format!("fte_supply_{role}")),
                ),
                with_ci(
                    r,
                    "fte_gap_cspc_nurse",
                    r.get(&base, last, "ALL", &format!("fte_gap_{role}")),
                ),
            ]
        })
        .collect();
    let _ = write!(
        h,
        "<p>Full-time equivalents (FTE) region-wide in {last}: staff needed for the demand that arrived (including people waiting or turned away) against staff in post; a positive gap is a shortfall. The region's gap nets its areas; roles short in some area: {short}; staff short, counting shortfalls only: {shortfall} FTE.</p>{}",
        table(
            &["Role", "Needed (FTE)", "In post (FTE)", "Gap (FTE)"],
            &rows
        ),
        short = with_ci(
            r,
            "fte_short_roles",
            r.get(&base, last, "ALL", "fte_short_roles")
        ),
        shortfall = with_ci(
            r,
            "fte_shortfall_total",
            r.get(&base, last, "ALL", "fte_shortfall_total")
        ),
    );
    h.push_str(&figures_of(figures, svgs, Section::Staff));
    // Calls.
    let lines = r.areas(&base, "handler_utilisation_pct");
    if !lines.is_empty() {
        h.push_str("<h2>Does the advice line answer in time?</h2>");
        let mut areas = lines.clone();
        areas.push("ALL".into());
        let _ = write!(
            h,
            "<p>Each line in {last}:</p>{}",
            area_table(
                r,
                &base,
                last,
                "Line",
                &areas,
                &[
                    "calls",
                    "calls_answered_in_target_pct",
                    "calls_abandoned_pct",
                    "call_wait_seconds_mean",
                    "handler_utilisation_pct",
                ],
            )
        );
        h.push_str(&figures_of(figures, svgs, Section::Calls));
    }
    // Options.
    if r.scenarios.len() > 1 {
        h.push_str("<h2>What does each option change, with what certainty?</h2>");
        let om = [
            "preferred_place_met_pct",
            "cspc_deaths_hospital_pct",
            "died_waiting",
            "calls_answered_in_target_pct",
            "fte_shortfall_total",
            "cost_staff",
            "cost_total",
        ];
        for y in answers::report_years(r) {
            let rows: Vec<Vec<String>> = r
                .scenarios
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    std::iter::once(escape(s))
                        .chain(om.iter().map(|m| {
                            let value = with_ci(r, m, r.get(s, y, "ALL", m));
                            if i == 0 {
                                value
                            } else {
                                let d = r
                                    .compare
                                    .get(&(s.clone(), y, "ALL".into(), m.to_string()))
                                    .copied();
                                format!("{value}<br>{}", escape(&answers::diff(r, m, d)))
                            }
                        }))
                        .collect()
                })
                .collect();
            let header: Vec<String> = std::iter::once("Scenario".to_string())
                .chain(om.iter().map(|m| labels::with_unit(m, r.currency())))
                .collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let _ = write!(
                h,
                "<h3>{y}</h3><p class=note>Region-wide in {y}: each scenario's mean with its 95% CI, and below it an option's paired difference from the baseline ({}).</p>{}",
                escape(&base),
                table(&header, &rows)
            );
        }
        if r.compare.keys().any(|k| k.1 == last) {
            h.push_str("<p>The first year each option breaches a planning target is in <a href=\"appraisal.md\">appraisal.md</a> (and appraisal.csv).</p>");
        }
        h.push_str(&figures_of(figures, svgs, Section::Options));
    }
    h.push_str(&uncertainty_block(r, figures, svgs));
    if r.sizing_labels.is_some() {
        h.push_str("<h2>How much capacity meets the target?</h2>");
        h.push_str(&sizing_table(r));
        h.push_str(&figures_of(figures, svgs, Section::Sizing));
    }
    h.push_str(&provenance(r));
    h.push_str(&files_list(r));
    h.push_str("</div></body></html>\n");
    h
}

/// The sizing answer for every year: the smallest swept value whose mean
/// meets the target, its mean with interval, and the share of replications
/// meeting the target there.
fn sizing_table(r: &Results) -> String {
    let Some((metric, parameter)) = &r.sizing_labels else {
        return String::new();
    };
    let area = r.sizing_area.clone().unwrap_or_else(|| "ALL".into());
    let rows: Vec<Vec<String>> = answers::sizing_rows(r)
        .into_iter()
        .map(|(s, y, v, stat, p)| {
            vec![
                escape(&s),
                y.to_string(),
                labels::thousands(v, 0),
                with_ci(r, metric, Some(stat)),
                format!("{:.0}%", 100.0 * p),
            ]
        })
        .collect();
    let target = r.manifest["sweep"]["sizing"].clone();
    let rule = match (target["below"].as_f64(), target["above"].as_f64()) {
        (Some(b), _) => format!("below {b}"),
        (_, Some(a)) => format!("above {a}"),
        _ => "on target".into(),
    };
    let metric_label = labels::with_unit(metric, r.currency());
    let header = [
        "Scenario",
        "Year",
        parameter.as_str(),
        metric_label.as_str(),
        "Chance of meeting the target",
    ];
    format!(
        "<p>The smallest swept {} whose mean keeps {} {} in {}, each year, with the share of replications that meet the target at that value (the chance of meeting it).{}</p>{}",
        escape(parameter),
        escape(&labels::label(metric).to_lowercase()),
        escape(&rule),
        escape(if area == "ALL" { "the region" } else { &area }),
        caution(r),
        table(&header, &rows)
    )
}

/// Links to every file of the results folder the manifest lists.
fn files_list(r: &Results) -> String {
    let files: Vec<String> = r.manifest["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["path"].as_str())
                .filter(|p| !p.starts_with("charts/") && *p != "report.html")
                .map(|p| format!("<a href=\"{0}\">{0}</a>", escape(p)))
                .collect()
        })
        .unwrap_or_default();
    if files.is_empty() {
        return String::new();
    }
    format!(
        "<p class=note>Files of this run: {}; metrics.csv defines every metric. Charts are in charts/ as PNG and SVG.</p>",
        files.join(" · ")
    )
}

/// The warnings, in a block that stands out on the first page.
fn warnings_block(r: &Results) -> String {
    let all = warnings(r);
    if all.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<section class=warnings id=warnings><h3>Warnings: read these before the numbers</h3><ul>",
    );
    for w in &all {
        let _ = write!(h, "<li>{}</li>", escape(w));
    }
    h.push_str("</ul></section>");
    h
}

/// Every warning of the results: those the run recorded in
/// `manifest.json`, and the growing waiting lists found again from
/// `summary.csv` (so a folder written before warnings existed gets them too).
pub fn warnings(r: &Results) -> Vec<String> {
    let mut out: Vec<String> = r.manifest["warnings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    for w in super::warnings::growing_queues(&r.yearly_means()) {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    if let Some(w) = answers::too_few(r)
        && !out.contains(&w)
    {
        out.insert(0, w);
    }
    if let Some(w) = precision_sentence(r) {
        out.insert(0, w);
    }
    out
}

/// What `--precision` found: how many replications were needed, or that
/// the most allowed were not enough.
pub fn precision_sentence(r: &Results) -> Option<String> {
    let p = &r.manifest["precision"];
    let target = p["target"].as_f64()?;
    let reps = p["replications"].as_u64()?;
    let metrics: Vec<String> = p["metrics"]
        .as_array()?
        .iter()
        .filter_map(|m| m.as_str().map(labels::label))
        .collect();
    let target = format!("{}%", 100.0 * target);
    Some(if p["met"].as_bool() == Some(true) {
        format!(
            "{reps} replications were needed for every 95% CI of the mean to be within {target} \
             of it (--precision, region-wide, every year: {}).",
            metrics.join("; ")
        )
    } else {
        let widest = &p["widest"];
        format!(
            "--precision {target} was not reached in {reps} replications (the most allowed): the \
             widest interval is ±{:.1}% of the mean ({}, {}, {}); raise --max-reps or accept it.",
            100.0 * widest[0].as_f64().unwrap_or(f64::NAN),
            labels::label(widest[3].as_str().unwrap_or("")),
            widest[2],
            widest[1].as_str().unwrap_or("")
        )
    })
}

fn provenance(r: &Results) -> String {
    let m = &r.manifest;
    let mut rows = Vec::new();
    if let Some(scenarios) = m["scenarios"].as_array() {
        for s in scenarios {
            let files: Vec<String> = s["files"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .map(|f| {
                            format!(
                                "{} <code>{}</code>",
                                escape(f["path"].as_str().unwrap_or("")),
                                escape(
                                    &f["sha256"].as_str().unwrap_or("")
                                        [..12.min(f["sha256"].as_str().unwrap_or("").len())]
                                )
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            rows.push(vec![
                escape(s["name"].as_str().unwrap_or("")),
                files.join("<br>"),
                format!(
                    "<code>{}</code>",
                    escape(s["resolved_sha256"].as_str().unwrap_or(""))
                ),
            ]);
        }
    }
    if let Some(path) = m["sweep"]["path"].as_str() {
        let sha = m["sweep"]["sha256"].as_str().unwrap_or("");
        rows.push(vec![
            "sweep".into(),
            format!(
                "{} <code>{}</code>",
                escape(path),
                escape(&sha[..12.min(sha.len())])
            ),
            format!("<code>{}</code>", escape(sha)),
        ]);
    }
    format!(
        "<h2>Provenance</h2><p class=note>carecap {} · command <code>{}</code> · seed {} · {} replications · {} threads · generator {} (stream derivation v{}) · started {} · {:.1} s wall · {} events ({:.2} million events/s).</p>{}<p class=note>SHA-256 of each file (first 12 hex digits) and of the resolved scenario after <code>extends</code> and merging.</p>",
        escape(m["carecap_version"].as_str().unwrap_or("")),
        escape(m["command"].as_str().unwrap_or("")),
        m["seed"],
        m["replications"],
        m["threads"],
        escape(m["generator"].as_str().unwrap_or("")),
        m["stream_derivation_version"],
        escape(m["started"].as_str().unwrap_or("")),
        m["wall_seconds"].as_f64().unwrap_or(0.0),
        m["events"],
        m["events_per_second"].as_f64().unwrap_or(0.0) / 1e6,
        table(&["Scenario", "Files", "Resolved SHA-256"], &rows)
    )
}
