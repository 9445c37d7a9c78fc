//! The charts and the self-contained HTML report of a results folder,
//! organised by the questions planners ask. Everything is drawn from the
//! result files, so `carecap report DIR` redraws it without re-running.
//! The page has inline SVG and CSS, no scripts and no external requests;
//! all scenario-supplied text is HTML-escaped.

use super::atomic::write_atomic;
use super::charts::{self, Chart, Forest, LineChart, Point, Series, Stacked};
use super::folder::{self, FolderLock};
use super::manifest::ManifestFile;
use super::results::{Results, Stat};
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
    Demand,
    Boroughs,
    Staff,
    Calls,
    Options,
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

fn fmt(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x.abs() >= 10_000.0 {
        format!("{x:.0}")
    } else if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// "mean [low, high]" as plain text (for readings, which are escaped).
fn plain_ci(s: Option<Stat>) -> String {
    match s {
        Some(s) if s.mean.is_finite() => format!("{} [{}, {}]", fmt(s.mean), fmt(s.lo), fmt(s.hi)),
        _ => "–".into(),
    }
}

/// "mean [low, high]" as HTML, the interval in grey.
fn with_ci(s: Option<Stat>) -> String {
    match s {
        Some(s) if s.mean.is_finite() => format!(
            "{} <span class=ci>[{}, {}]</span>",
            fmt(s.mean),
            fmt(s.lo),
            fmt(s.hi)
        ),
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

fn line(
    title: &str,
    y_label: &str,
    series: Vec<Series>,
    reference: Option<(f64, String)>,
) -> Chart {
    Chart::Line(LineChart {
        title: title.into(),
        x_label: "Year".into(),
        y_label: y_label.into(),
        series,
        reference,
        integer_x: true,
    })
}

fn series(name: &str, points: Vec<Point>) -> Series {
    Series {
        name: name.into(),
        points,
        dashed: false,
        colour: None,
    }
}

/// The first year `metric` (ALL) reaches `level` or more, if it does.
fn first_year_at(r: &Results, base: &str, metric: &str, level: f64) -> Option<(i32, Stat)> {
    r.series(base, "ALL", metric)
        .into_iter()
        .find(|(_, s)| s.mean >= level)
        .map(|(y, s)| (y as i32, s))
}

fn figures(r: &Results) -> Vec<Figure> {
    let base = r.scenarios.first().cloned().unwrap_or_default();
    let (first, last) = r.years();
    let mut out = Vec::new();
    let boroughs = r.areas(&base, "referrals");
    out.push(Figure {
        stem: "demand_referrals",
        section: Section::Demand,
        chart: line(
            "Referrals to community specialist palliative care, by borough",
            "Referrals per year",
            boroughs.iter().map(|b| series(b, points(&r.series(&base, b, "referrals"), true))).collect(),
            None,
        ),
        reading: "Each line is a borough's mean number of referrals a year; the shaded fan holds the middle 80% of replications (p10 to p90), the year-to-year spread a planner should expect. Growth follows deaths and the share of need that reaches the service.".into(),
    });
    let mut sites: Vec<Series> = r
        .areas(&base, "ipu_occupancy_pct")
        .iter()
        .filter(|s| {
            r.get(&base, last, s, "ipu_staffed_beds_mean")
                .is_some_and(|b| b.mean >= 3.0)
        })
        .map(|s| series(s, points(&r.series(&base, s, "ipu_occupancy_pct"), false)))
        .collect();
    sites.push(series(
        "All units",
        points(&r.series(&base, "ALL", "ipu_occupancy_pct"), false),
    ));
    let occupancy_reading = match first_year_at(r, &base, "ipu_occupancy_pct", 85.0) {
        Some((y, s)) => format!(
            "Region-wide occupancy of staffed beds first reaches 85% in {y} (mean {:.1}%, 95% CI {:.1}–{:.1}%): from then on, bed waits and refusals rise quickly.",
            s.mean, s.lo, s.hi
        ),
        None => format!("Region-wide occupancy stays below 85% to {last}."),
    };
    out.push(Figure {
        stem: "ipu_occupancy",
        section: Section::Demand,
        chart: line("Hospice in-patient unit occupancy, by site", "Occupied ÷ staffed beds (%)", sites, Some((85.0, "85% planning ceiling".into()))),
        reading: format!("Lines are mean occupancy of staffed beds with 95% confidence bands (units with fewer than 3 staffed beds are left out). {occupancy_reading}"),
    });
    out.push(Figure {
        stem: "ipu_pressure",
        section: Section::Demand,
        chart: line(
            "People turned away from, or dying while waiting for, a hospice bed",
            "People per year",
            vec![
                series("Turned away (list full)", points(&r.series(&base, "ALL", "ipu_turned_away"), false)),
                series("Died waiting for an IPU bed", points(&r.series(&base, "ALL", "ipu_died_waiting"), false)),
                series("Died waiting (caseload or bed)", points(&r.series(&base, "ALL", "died_waiting"), false)),
            ],
            None,
        ),
        reading: "Counts a year region-wide with 95% confidence bands: the human cost of beds and caseload places that are full.".into(),
    });
    out.push(Figure {
        stem: "hah_capacity",
        section: Section::Boroughs,
        chart: line(
            "Hospice at home: patients cared for against slots staffed",
            "Patients at once",
            vec![
                series("Patients on hospice at home (mean)", points(&r.series(&base, "ALL", "hah_occupancy_mean"), false)),
                Series {
                    name: "Slots staffed (mean)".into(),
                    points: points(&r.series(&base, "ALL", "hah_slots_mean"), false),
                    dashed: true,
                    colour: Some(1),
                },
            ],
            None,
        ),
        reading: format!(
            "When the solid line nears the dashed one, people who want to die at home find no slot: {} such people in {last} (mean, 95% CI in brackets).",
            plain_ci(r.get(&base, last, "ALL", "hah_unmet"))
        ),
    });
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
            lines.push(series("Abandoned", hourly(ab)));
        }
        out.push(Figure {
            stem: "calls_by_hour",
            section: Section::Calls,
            chart: Chart::Line(LineChart {
                title: format!("Advice lines by hour of day, {last}"),
                x_label: "Hour of day (call arrival)".into(),
                y_label: "Share of calls offered (%)".into(),
                series: lines,
                reference: Some((95.0, "95% answered in target (NHS 111 standard)".into())),
                integer_x: true,
            }),
            reading: "Service level and abandonment by the hour calls arrive, all lines together, with 95% confidence bands. Dips show the hours when too few handlers are on duty.".into(),
        });
    }
    let roles = [
        "cspc_nurse",
        "hah_nurse",
        "ipu_nurse",
        "consultant",
        "advice_nurse",
    ];
    let mut staff = Vec::new();
    for (k, role) in roles.iter().enumerate() {
        let demand = r.series(&base, "ALL", &format!("fte_demand_{role}"));
        if demand.is_empty() {
            continue;
        }
        staff.push(Series {
            name: format!("{role} needed"),
            points: points(&demand, false),
            dashed: true,
            colour: Some(k),
        });
        let supply = points(
            &r.series(&base, "ALL", &format!("fte_supply_{role}")),
            false,
        );
        staff.push(Series {
            name: format!("{role} in post"),
            points: supply,
            dashed: false,
            colour: Some(k),
        });
    }
    out.push(Figure {
        stem: "workforce",
        section: Section::Staff,
        chart: line("Workforce: staff needed (dashed) against staff in post (solid), by role", "Full-time equivalents", staff, None),
        reading: "Demand comes from simulated activity (caseload, occupied beds, hospice-at-home patients, rostered handler hours, with the leave and training uplift); supply from staff in post after attrition and recruitment. A dashed line above its solid partner is a shortfall.".into(),
    });
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
    let bars: Vec<(String, Vec<f64>)> = if r.scenarios.len() > 1 {
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
    out.push(Figure {
        stem: "deaths_by_place",
        section: if r.scenarios.len() > 1 { Section::Options } else { Section::Demand },
        chart: Chart::Stacked(Stacked {
            title: if r.scenarios.len() > 1 { format!("Deaths by place, {last}: baseline and options") } else { "Deaths by place of death".into() },
            y_label: "Deaths per year (mean)".into(),
            parts: place_names,
            bars,
        }),
        reading: "All deaths of residents by place (means over replications). Compare with ONS: England 2022 hospital 43%, home 29%, care home 20%, hospice 5%.".into(),
    });
    if r.scenarios.len() > 1 {
        for (metric, label) in [
            (
                "preferred_place_met_pct",
                "died where they preferred (percentage points)",
            ),
            (
                "cspc_deaths_hospital_pct",
                "CSPC patients dying in hospital (percentage points)",
            ),
            ("died_waiting", "people who died waiting"),
            ("cost_total", "total cost"),
        ] {
            let rows: Vec<(String, usize, Point)> = r.scenarios[1..]
                .iter()
                .enumerate()
                .filter_map(|(i, o)| {
                    let d = r
                        .compare
                        .get(&(o.clone(), last, "ALL".into(), metric.into()))?;
                    Some((
                        o.clone(),
                        i,
                        Point {
                            x: 0.0,
                            y: d.mean,
                            lo: d.lo,
                            hi: d.hi,
                        },
                    ))
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            out.push(Figure {
                stem: match metric {
                    "preferred_place_met_pct" => "forest_preferred_place",
                    "cspc_deaths_hospital_pct" => "forest_hospital_deaths",
                    "died_waiting" => "forest_died_waiting",
                    _ => "forest_cost",
                },
                section: Section::Options,
                chart: Chart::Forest(Forest {
                    title: format!("Option minus baseline, {last}: {label}"),
                    x_label: format!("Difference in {label} (mean, 95% CI)"),
                    rows,
                }),
                reading: "Each dot is the mean difference from the baseline on the same simulated residents, the bar its 95% confidence interval; a bar that does not cross zero is a real effect of the option.".into(),
            });
        }
    }
    if let Some((metric, parameter)) = &r.sizing_labels {
        let mut years: Vec<i32> = r.sizing.keys().map(|k| k.1).collect();
        years.dedup();
        let pick: Vec<i32> = [years.first(), years.last()]
            .into_iter()
            .flatten()
            .copied()
            .collect();
        let curves: Vec<Series> = r
            .sizing
            .iter()
            .filter(|((_, y), _)| pick.contains(y))
            .map(|((s, y), v)| {
                series(
                    &format!("{s}, {y}"),
                    v.iter()
                        .map(|(x, _, p)| Point {
                            x: *x,
                            y: 100.0 * p,
                            lo: f64::NAN,
                            hi: f64::NAN,
                        })
                        .collect(),
                )
            })
            .collect();
        out.push(Figure {
            stem: "sizing_curve",
            section: Section::Sizing,
            chart: Chart::Line(LineChart {
                title: format!("Sizing: {parameter} against the chance of meeting the {metric} target"),
                x_label: parameter.clone(),
                y_label: "Replications meeting the target (%)".into(),
                series: curves,
                reference: Some((50.0, "half of replications".into())),
                integer_x: false,
            }),
            reading: "Each curve shows, for one year, the share of replications in which the target is met at each swept value; sizing.csv lists the smallest value whose mean meets it.".into(),
        });
    }
    out
}

fn footer(r: &Results) -> String {
    let m = &r.manifest;
    let names = match r.scenarios.len() {
        0..=2 => r.scenarios.join(", "),
        n => format!("{} and {} options", r.scenarios[0], n - 1),
    };
    format!(
        "carecap {} · {} · seed {} · {} replications · bands: 95% CI (referrals: p10–p90)",
        m["carecap_version"].as_str().unwrap_or("?"),
        names,
        m["seed"],
        m["replications"]
    )
}

/// Draws `charts/*.png`, `charts/*.svg` and `report.html` for the results
/// in `dir`; returns the files written. Takes the folder's lock (so not
/// while a [`RunReport`](crate::batch::run::RunReport) of this process
/// holds it: use [`render_held`] then), and refuses a folder whose files
/// belong to different runs.
pub fn render(dir: &Path) -> Result<Vec<PathBuf>, String> {
    render_held(dir, None)
}

/// Like [`render`], by a run that already holds the folder (`lock`).
pub fn render_held(dir: &Path, lock: Option<&FolderLock>) -> Result<Vec<PathBuf>, String> {
    let r = Results::read(dir)?;
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
    let foot = footer(&r);
    let mut written = Vec::new();
    let mut entries = Vec::new();
    let mut svgs = Vec::new();
    let figures = figures(&r);
    for f in &figures {
        let png = format!("charts/{}.png", f.stem);
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
table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}\
th:first-child,td:first-child{text-align:left}.ci{color:#777;font-size:.85em}.note{color:#555;font-size:.9em}code{background:#f3f3f3}\
.warnings{border:3px solid #d55e00;background:#fff4e5;padding:.2em 1em;margin:1.5em 0}.warnings h2{border-bottom:none;margin-top:.5em;color:#a33b00}";

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = String::from("<table><tr>");
    for h in header {
        let _ = write!(t, "<th>{}</th>", escape(h));
    }
    t.push_str("</tr>");
    for row in rows {
        t.push_str("<tr>");
        for cell in row {
            let _ = write!(t, "<td>{cell}</td>");
        }
        t.push_str("</tr>");
    }
    t.push_str("</table>");
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

fn page(r: &Results, figures: &[Figure], svgs: &[String]) -> String {
    let base = r.scenarios.first().cloned().unwrap_or_default();
    let (first, last) = r.years();
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
        "<p>Projection {first}–{last} by discrete-event simulation. Every figure is a mean over {} replications with its 95% confidence interval in grey brackets; differences between options are paired on the same simulated residents.</p>",
        r.manifest["replications"]
    );
    h.push_str(&warnings_block(r));
    // Demand and beds.
    h.push_str("<h2>Will demand outgrow beds, and when?</h2>");
    let metrics = [
        ("referrals", "Referrals"),
        ("deaths", "Deaths"),
        ("ipu_admissions", "IPU admissions"),
        ("ipu_occupancy_pct", "IPU occupancy %"),
        ("ipu_staffed_beds_mean", "Staffed beds"),
        ("ipu_turned_away", "Turned away"),
        ("died_waiting", "Died waiting"),
    ];
    let rows: Vec<Vec<String>> = (first..=last)
        .map(|y| {
            std::iter::once(y.to_string())
                .chain(
                    metrics
                        .iter()
                        .map(|(m, _)| with_ci(r.get(&base, y, "ALL", m))),
                )
                .collect()
        })
        .collect();
    let header: Vec<&str> = std::iter::once("Year")
        .chain(metrics.iter().map(|m| m.1))
        .collect();
    h.push_str(&table(&header, &rows));
    h.push_str(&figures_of(figures, svgs, Section::Demand));
    // Boroughs.
    h.push_str("<h2>Which boroughs fall short first?</h2>");
    let bm = [
        ("referrals", "Referrals"),
        ("cspc_wait_days_mean", "Caseload wait, days"),
        ("hah_unmet", "No hospice-at-home slot"),
        ("ipu_died_waiting", "Died waiting for a bed"),
        ("cspc_deaths_hospital_pct", "CSPC deaths in hospital %"),
        ("preferred_place_met_pct", "Preferred place met %"),
    ];
    let rows: Vec<Vec<String>> = r
        .areas(&base, "referrals")
        .iter()
        .map(|b| {
            std::iter::once(escape(b))
                .chain(bm.iter().map(|(m, _)| with_ci(r.get(&base, last, b, m))))
                .collect()
        })
        .collect();
    let header: Vec<&str> = std::iter::once("Borough")
        .chain(bm.iter().map(|m| m.1))
        .collect();
    let _ = write!(
        h,
        "<p>Each borough in {last}, by residence:</p>{}",
        table(&header, &rows)
    );
    h.push_str(&figures_of(figures, svgs, Section::Boroughs));
    // Staff.
    h.push_str("<h2>Can we staff it?</h2>");
    let rows: Vec<Vec<String>> = [
        "cspc_nurse",
        "hah_nurse",
        "ipu_nurse",
        "consultant",
        "advice_nurse",
    ]
    .iter()
    .filter(|role| {
        r.get(&base, last, "ALL", &format!("fte_demand_{role}"))
            .is_some()
    })
    .map(|role| {
        vec![
            role.to_string(),
            with_ci(r.get(&base, last, "ALL", &format!("fte_demand_{role}"))),
            with_ci(r.get(&base, last, "ALL", &format!("fte_supply_{role}"))),
            with_ci(r.get(&base, last, "ALL", &format!("fte_gap_{role}"))),
        ]
    })
    .collect();
    let _ = write!(
        h,
        "<p>Full-time equivalents in {last}: staff needed for the demand that arrived (including people waiting or turned away) against staff in post; a positive gap is a shortfall. The region's gap nets its areas; roles short in some area: {short}; staff short, counting shortfalls only: {shortfall} FTE.</p>{}",
        table(&["Role", "Needed", "In post", "Gap"], &rows),
        short = with_ci(r.get(&base, last, "ALL", "fte_short_roles")),
        shortfall = with_ci(r.get(&base, last, "ALL", "fte_shortfall_total")),
    );
    h.push_str(&figures_of(figures, svgs, Section::Staff));
    // Calls.
    h.push_str("<h2>Does the advice line answer in time?</h2>");
    let lines = r.areas(&base, "handler_utilisation_pct");
    let lm = [
        ("calls", "Calls"),
        ("calls_answered_in_target_pct", "Answered in target %"),
        ("calls_abandoned_pct", "Abandoned %"),
        ("call_wait_seconds_mean", "Mean wait, s"),
        ("handler_utilisation_pct", "Utilisation %"),
    ];
    let rows: Vec<Vec<String>> = lines
        .iter()
        .chain(std::iter::once(&"ALL".to_string()))
        .map(|l| {
            std::iter::once(escape(l))
                .chain(lm.iter().map(|(m, _)| with_ci(r.get(&base, last, l, m))))
                .collect()
        })
        .collect();
    let header: Vec<&str> = std::iter::once("Line")
        .chain(lm.iter().map(|m| m.1))
        .collect();
    let _ = write!(h, "<p>Each line in {last}:</p>{}", table(&header, &rows));
    h.push_str(&figures_of(figures, svgs, Section::Calls));
    // Options.
    if r.scenarios.len() > 1 {
        h.push_str("<h2>What does each option change, with what certainty?</h2>");
        let om = [
            ("preferred_place_met_pct", "Preferred place met %"),
            ("cspc_deaths_hospital_pct", "CSPC deaths in hospital %"),
            ("died_waiting", "Died waiting"),
            ("calls_answered_in_target_pct", "Calls in target %"),
            ("fte_shortfall_total", "Staff short, FTE"),
            ("cost_staff", "Staff cost"),
            ("cost_total", "Total cost"),
        ];
        let rows: Vec<Vec<String>> = r
            .scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| {
                std::iter::once(escape(s))
                    .chain(om.iter().map(|(m, _)| {
                        let value = r.get(s, last, "ALL", m).map_or("–".into(), |x| fmt(x.mean));
                        if i == 0 {
                            value
                        } else {
                            let d = r
                                .compare
                                .get(&(s.clone(), last, "ALL".into(), m.to_string()))
                                .copied();
                            format!(
                                "{value}<br>{}",
                                d.map_or("–".into(), |d| format!(
                                    "{:+} <span class=ci>[{}, {}]</span>",
                                    fmt(d.mean),
                                    fmt(d.lo),
                                    fmt(d.hi)
                                ))
                            )
                        }
                    }))
                    .collect()
            })
            .collect();
        let header: Vec<&str> = std::iter::once("Scenario")
            .chain(om.iter().map(|m| m.1))
            .collect();
        let _ = write!(
            h,
            "<p>Region-wide in {last}: each option's mean, and below it its difference from the baseline ({}) with 95% CI.</p>{}",
            escape(&base),
            table(&header, &rows)
        );
        h.push_str(&figures_of(figures, svgs, Section::Options));
    }
    if figures.iter().any(|f| f.section == Section::Sizing) {
        h.push_str("<h2>How much capacity meets the target?</h2>");
        h.push_str(&figures_of(figures, svgs, Section::Sizing));
    }
    h.push_str(&provenance(r));
    h.push_str("</body></html>\n");
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
    out
}

/// The warnings, in a block that stands out near the top of the page.
fn warnings_block(r: &Results) -> String {
    let all = warnings(r);
    if all.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<section class=warnings id=warnings><h2>Warnings: read these before the numbers</h2><ul>",
    );
    for w in &all {
        let _ = write!(h, "<li>{}</li>", escape(w));
    }
    h.push_str("</ul></section>");
    h
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
