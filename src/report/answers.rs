//! The answers a planner asks for first, each a sentence with a year and
//! an interval, computed from a results folder ([`Results`]) so that the
//! report's first page and the terminal summary say the same thing:
//!
//! - when hospice beds reach the 85% occupancy ceiling, region-wide and at
//!   each site;
//! - how many beds a site needs in the reported years (from a sizing run
//!   in the folder, or how to get one);
//! - which boroughs breach a planning target first, and when
//!   ([`BOROUGH_TARGETS`]);
//! - whether every staff role can be filled;
//! - in a comparison, the options ranked on the headline outcomes with cost
//!   and paired 95% intervals, for each reported year.
//!
//! The reported years are 2030 and 2035 when the horizon holds them, else
//! the last year.

use super::labels::{self, Kind};
use super::results::{Results, Stat};

/// The occupancy ceiling used for planning hospice beds, %.
pub const CEILING: f64 = 85.0;

/// Below this many replications every interval carries a warning.
pub const MIN_REPLICATIONS: u64 = 10;

/// One answer: the question and its sentence (plain text).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The question, as a planner asks it.
    pub question: &'static str,
    /// The answer in a sentence or two, with years and intervals.
    pub text: String,
}

/// A planning target checked per borough and year: (short name, what a
/// breach means). See [`breached`].
pub const BOROUGH_TARGETS: [(&str, &str); 3] = [
    (
        "wait",
        "mean wait for a community caseload place over 2 days",
    ),
    (
        "home",
        "a quarter or more of the people who wanted hospice at home found no place",
    ),
    ("died", "10 or more people a year died waiting"),
];

/// Whether `borough` breaches target `which` (an index of
/// [`BOROUGH_TARGETS`]) in `year`, on the mean; None when not reported.
pub fn breached(r: &Results, s: &str, year: i32, borough: &str, which: usize) -> Option<bool> {
    let get = |m: &str| {
        r.get(s, year, borough, m)
            .map(|x| x.mean)
            .filter(|x| x.is_finite())
    };
    match which {
        0 => get("cspc_wait_days_mean").map(|d| d > 2.0),
        1 => {
            let unmet = get("hah_unmet")?;
            let served = get("hah_patients").unwrap_or(0.0);
            Some(unmet + served > 0.0 && unmet / (unmet + served) >= 0.25)
        }
        _ => get("died_waiting").map(|d| d >= 10.0),
    }
}

/// The value shown for target `which` in a borough and year, with its
/// interval where it has one.
fn target_value(r: &Results, s: &str, year: i32, borough: &str, which: usize) -> String {
    let show = |m: &str| {
        r.get(s, year, borough, m)
            .map_or("–".into(), |x| ci(r, m, x))
    };
    match which {
        0 => show("cspc_wait_days_mean"),
        1 => {
            let unmet = r.get(s, year, borough, "hah_unmet");
            let served = r.get(s, year, borough, "hah_patients");
            match (unmet, served) {
                (Some(u), Some(p)) if u.mean + p.mean > 0.0 => format!(
                    "{} of {} wanting it",
                    ci(r, "hah_unmet", u),
                    labels::value(Kind::Count, u.mean + p.mean, r.currency())
                ),
                _ => "–".into(),
            }
        }
        _ => show("died_waiting"),
    }
}

/// The years the answers are given for: 2030 and 2035 within the horizon,
/// else the last year.
pub fn report_years(r: &Results) -> Vec<i32> {
    if let Some(years) = &r.chosen_years {
        return years.clone();
    }
    let (first, last) = r.years();
    let years: Vec<i32> = [2030, 2035]
        .into_iter()
        .filter(|y| (first..=last).contains(y))
        .collect();
    if years.is_empty() && first <= last {
        vec![last]
    } else {
        years
    }
}

/// The number of replications behind the figures (the manifest's, else the
/// largest `n` of summary.csv).
pub fn replications(r: &Results) -> u64 {
    r.manifest["replications"]
        .as_u64()
        .unwrap_or(r.replications)
}

/// `mean (low–high)` of `metric` in its unit.
pub fn ci(r: &Results, metric: &str, s: Stat) -> String {
    labels::interval(
        labels::kind(metric),
        s.mean,
        Some((s.lo, s.hi)),
        r.currency(),
    )
}

/// When a yearly series first reaches `level`: the year its mean does, and
/// the years its 95% interval's upper and lower ends do (the range of years
/// the crossing could fall in).
fn crossing(series: &[(f64, Stat)], level: f64) -> Option<(i32, Stat, Option<i32>, Option<i32>)> {
    let first =
        |f: &dyn Fn(&Stat) -> bool| series.iter().find(|(_, s)| f(s)).map(|(y, _)| *y as i32);
    let (year, stat) = series.iter().find(|(_, s)| s.mean >= level)?;
    Some((
        *year as i32,
        *stat,
        first(&|s: &Stat| s.hi >= level),
        first(&|s: &Stat| s.lo >= level),
    ))
}

fn year_range(year: i32, early: Option<i32>, late: Option<i32>, last: i32) -> String {
    let early = early.unwrap_or(year).min(year);
    match late {
        Some(l) if l == early => String::new(),
        Some(l) => format!(", between {early} and {l} within the 95% interval"),
        None => format!(", between {early} and after {last} within the 95% interval"),
    }
}

/// Sites (IPUs) with beds: areas of type `site` reporting occupancy.
pub fn sites(r: &Results, s: &str) -> Vec<String> {
    r.areas(s, "ipu_occupancy_pct")
        .into_iter()
        .filter(|a| r.area_types.get(a).is_none_or(|t| t == "site"))
        .collect()
}

/// Boroughs: areas of type `borough` reporting referrals.
pub fn boroughs(r: &Results, s: &str) -> Vec<String> {
    r.areas(s, "referrals")
        .into_iter()
        .filter(|a| r.area_types.get(a).is_none_or(|t| t == "borough"))
        .collect()
}

/// Population segments: areas of type `segment` reporting referrals.
pub fn segments(r: &Results, s: &str) -> Vec<String> {
    r.areas(s, "referrals")
        .into_iter()
        .filter(|a| r.area_types.get(a).is_some_and(|t| t == "segment"))
        .collect()
}

/// A segment's referrals as a share of its deaths in `year`, %.
pub fn share_referred(r: &Results, s: &str, year: i32, segment: &str) -> Option<f64> {
    let referrals = r.get(s, year, segment, "referrals")?.mean;
    let deaths = r.get(s, year, segment, "deaths")?.mean;
    (deaths > 0.0).then(|| 100.0 * referrals / deaths)
}

/// Who is reached, who waits and who dies where they wished, by
/// population segment (none without segments).
fn equity(r: &Results, s: &str) -> Option<Answer> {
    let groups = segments(r, s);
    if groups.len() < 2 {
        return None;
    }
    let (_, last) = r.years();
    let extremes = |value: &dyn Fn(&str) -> Option<f64>| {
        let mut v: Vec<(f64, &String)> = (groups.iter())
            .filter_map(|g| Some((value(g)?, g)))
            .filter(|(x, _)| x.is_finite())
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some((*v.first()?, *v.last()?))
    };
    let reached = extremes(&|g| share_referred(r, s, last, g))?;
    let mut text = format!(
        "In {last}, the group referred most often is {} ({:.0}% of its deaths), the least {} ({:.0}%).",
        reached.1.1, reached.1.0, reached.0.1, reached.0.0
    );
    let stat = |g: &str, m: &str| r.get(s, last, g, m);
    if let Some((low, high)) = extremes(&|g| stat(g, "preferred_place_met_pct").map(|x| x.mean)) {
        let show = |g: &str| {
            stat(g, "preferred_place_met_pct")
                .map_or("–".into(), |x| ci(r, "preferred_place_met_pct", x))
        };
        text += &format!(
            " Of people known to the service, the group dying where they wished least often is {} ({}), the most {} ({}).",
            low.1,
            show(low.1),
            high.1,
            show(high.1)
        );
    }
    if let Some((_, longest)) = extremes(&|g| stat(g, "cspc_wait_days_mean").map(|x| x.mean)) {
        let wait = stat(longest.1, "cspc_wait_days_mean")
            .map_or("–".into(), |x| ci(r, "cspc_wait_days_mean", x));
        text += &format!(
            " The longest wait for a community caseload place is in {} ({wait}).",
            longest.1
        );
    }
    Some(Answer {
        question: "Who is reached, who waits, and who dies where they wished, by group?",
        text,
    })
}

fn beds(r: &Results, s: &str) -> Answer {
    let (_, last) = r.years();
    let region = r.series(s, "ALL", "ipu_occupancy_pct");
    let mut text = match crossing(&region, CEILING) {
        Some((y, stat, early, late)) => format!(
            "Region-wide, hospice beds reach the {CEILING:.0}% occupancy ceiling in {y} ({}{}).",
            ci(r, "ipu_occupancy_pct", stat),
            year_range(y, early, late, last)
        ),
        None => {
            let top = region
                .iter()
                .max_by(|a, b| a.1.mean.total_cmp(&b.1.mean))
                .map(|(y, st)| format!(" (highest {} in {y})", ci(r, "ipu_occupancy_pct", *st)))
                .unwrap_or_default();
            format!(
                "Region-wide, hospice beds stay below the {CEILING:.0}% occupancy ceiling to {last}{top}."
            )
        }
    };
    let mut at = Vec::new();
    let mut never = Vec::new();
    for site in sites(r, s) {
        let series = r.series(s, &site, "ipu_occupancy_pct");
        match crossing(&series, CEILING) {
            Some((y, stat, _, _)) => at.push((
                y,
                format!("{site} in {y} ({})", ci(r, "ipu_occupancy_pct", stat)),
            )),
            None if series.is_empty() => never.push(format!("{site} (no beds open)")),
            None => never.push(site),
        }
    }
    at.sort_by_key(|a| a.0);
    if !at.is_empty() {
        text += &format!(
            " By site: {}.",
            at.into_iter().map(|a| a.1).collect::<Vec<_>>().join("; ")
        );
    }
    if !never.is_empty() {
        text += &format!(" Below the ceiling to {last}: {}.", never.join(", "));
    }
    Answer {
        question: "When do hospice beds reach the occupancy ceiling?",
        text,
    }
}

/// The smallest swept value meeting the target per (scenario, year), with
/// the share of replications meeting it there.
pub fn sizing_rows(r: &Results) -> Vec<(String, i32, f64, Stat, f64)> {
    let mut out = Vec::new();
    for ((s, y), value) in &r.sizing_answer {
        let point = r
            .sizing
            .get(&(s.clone(), *y))
            .and_then(|v| v.iter().find(|p| p.0 == *value));
        if let Some((_, stat, p)) = point {
            out.push((s.clone(), *y, *value, *stat, *p));
        }
    }
    out
}

fn sizing(r: &Results, s: &str) -> Answer {
    let question = "How many beds does each site need?";
    let Some((metric, parameter)) = &r.sizing_labels else {
        return Answer {
            question,
            text: "This folder holds no sizing run. To size a site, sweep its beds with a sizing target, e.g. `carecap batch scenarios/nwl-baseline.toml --sweep scenarios/sweeps/st-johns-beds.toml --reps 30` (the smallest number of beds that keeps occupancy under the ceiling, year by year, with the chance of meeting it).".into(),
        };
    };
    let swept = r
        .manifest
        .get("sweep")
        .and_then(|w| w["site_names"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "the swept site".into());
    let area = r.sizing_area.clone().unwrap_or_else(|| "ALL".into());
    let area = if area == "ALL" {
        "region-wide".to_string()
    } else {
        format!("at {area}")
    };
    let rows = sizing_rows(r);
    let years = report_years(r);
    // Sizing names each scenario without its swept point ("nwl-baseline"
    // for "nwl-baseline beds=18").
    let ours = |sc: &str| sc == s || s.starts_with(&format!("{sc} "));
    let mut parts = Vec::new();
    for y in &years {
        match rows.iter().find(|row| row.1 == *y && ours(&row.0)) {
            Some((_, _, v, stat, p)) => parts.push(format!(
                "{} {parameter} in {y} ({} {}, met in {:.0}% of replications)",
                labels::thousands(*v, 0),
                labels::label(metric).to_lowercase(),
                ci(r, metric, *stat),
                100.0 * p
            )),
            None => {
                let largest = r
                    .sizing
                    .iter()
                    .filter(|((sc, yy), _)| yy == y && ours(sc))
                    .flat_map(|(_, v)| v.iter())
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                parts.push(match largest {
                    Some((v, stat, p)) => format!(
                        "more {parameter} than the sweep tried in {y} (at {}: {}, met in {:.0}% of replications)",
                        labels::thousands(*v, 0),
                        ci(r, metric, *stat),
                        100.0 * p
                    ),
                    None => format!("more {parameter} than the sweep tried in {y}"),
                })
            }
        }
    }
    Answer {
        question,
        text: format!(
            "{swept} needs {} to keep {} {area} on target.",
            parts.join(" and "),
            labels::label(metric).to_lowercase()
        ),
    }
}

/// Per borough, the first year each target is breached.
pub fn first_breaches(r: &Results, s: &str) -> Vec<(String, [Option<i32>; 3])> {
    let (first, last) = r.years();
    boroughs(r, s)
        .into_iter()
        .map(|b| {
            let mut years = [None; 3];
            for (k, y) in years.iter_mut().enumerate() {
                *y = (first..=last).find(|yr| breached(r, s, *yr, &b, k) == Some(true));
            }
            (b, years)
        })
        .collect()
}

fn boroughs_answer(r: &Results, s: &str) -> Answer {
    let (_, last) = r.years();
    let breaches = first_breaches(r, s);
    let mut sentences = Vec::new();
    for (k, (_, what)) in BOROUGH_TARGETS.iter().enumerate() {
        let mut hit: Vec<(i32, &str)> = breaches
            .iter()
            .filter_map(|(b, y)| y[k].map(|y| (y, b.as_str())))
            .collect();
        hit.sort();
        let sentence = match hit.split_first() {
            None => format!("{}: no borough by {last}", capital(what)),
            Some(((y, b), rest)) => {
                let mut t = format!(
                    "{}: first {b} in {y} ({})",
                    capital(what),
                    target_value(r, s, *y, b, k)
                );
                if !rest.is_empty() {
                    t += &format!(
                        ", then {}",
                        rest.iter()
                            .take(3)
                            .map(|(y, b)| format!("{b} {y}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    if rest.len() > 3 {
                        t += &format!(" and {} more", rest.len() - 3);
                    }
                }
                t
            }
        };
        sentences.push(sentence);
    }
    Answer {
        question: "Which boroughs fall short first, and when?",
        text: sentences.join(". ") + ".",
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

fn staff(r: &Results, s: &str) -> Answer {
    let (first, last) = r.years();
    let mut short = Vec::new();
    let mut fine = Vec::new();
    for (role, name) in labels::ROLE_LABELS {
        let gap = format!("fte_gap_{role}");
        let mut areas = r.areas(s, &gap);
        // The supportive services' staff are reported for the region only:
        // the region is their one area.
        let region_only = areas.is_empty() && r.get(s, last, "ALL", &gap).is_some();
        if region_only {
            areas.push("ALL".to_string());
        }
        if areas.is_empty() {
            continue;
        }
        let short_in = |y: i32| {
            areas
                .iter()
                .filter(|a| r.get(s, y, a, &gap).is_some_and(|g| g.mean > 0.05))
                .count()
        };
        let kind = match r.area_types.get(&areas[0]).map(String::as_str) {
            Some("site") => "sites",
            Some("line") => "lines",
            _ => "boroughs",
        };
        let first_short = (first..=last).find(|y| short_in(*y) > 0);
        let net = r.get(s, last, "ALL", &gap).map_or("–".into(), |g| {
            labels::interval(Kind::Gap, g.mean, Some((g.lo, g.hi)), r.currency())
        });
        match first_short {
            Some(y) if region_only && short_in(last) > 0 => short.push(format!(
                "{name} short region-wide in {last}, first in {y} (gap {net} FTE)"
            )),
            Some(y) if region_only => short.push(format!(
                "{name} short region-wide in some years from {y} but staffed in {last}"
            )),
            Some(y) if short_in(last) > 0 => short.push(format!(
                "{name} short in {} of {} {kind} in {last}, first in {y} (region-wide net gap {net} FTE)",
                short_in(last),
                areas.len()
            )),
            Some(y) => short.push(format!(
                "{name} short in some years from {y} but staffed in every one of the {kind} in {last}"
            )),
            None => fine.push(name.to_lowercase()),
        }
    }
    let total = r
        .get(s, last, "ALL", "fte_shortfall_total")
        .map(|t| ci(r, "fte_shortfall_total", t));
    let text = if short.is_empty() {
        format!("Yes: every role is staffed in every area to {last}.")
    } else {
        let mut t = format!(
            "No: {} of {} roles fall short somewhere. {}.",
            short.len(),
            short.len() + fine.len(),
            short.join("; ")
        );
        if let Some(total) = total {
            t += &format!(" Staff short in {last}, counting shortfalls only: {total} FTE.");
        }
        if !fine.is_empty() {
            t += &format!(" Staffed throughout: {}.", fine.join(", "));
        }
        t
    };
    Answer {
        question: "Can every role be staffed?",
        text,
    }
}

/// Headline outcomes of a comparison: (metric, higher is better). Options
/// are ranked on the first.
pub const OPTION_METRICS: [(&str, bool); 6] = [
    ("preferred_place_met_pct", true),
    ("died_waiting", false),
    ("cspc_deaths_hospital_pct", false),
    ("ipu_turned_away", false),
    ("fte_shortfall_total", false),
    ("cost_total", false),
];

/// The options in a year, ranked best first on the first of
/// [`OPTION_METRICS`]: (option, paired difference from the baseline per
/// metric).
pub fn ranked_options(r: &Results, year: i32) -> Vec<(String, Vec<Option<Stat>>)> {
    let mut rows: Vec<(String, Vec<Option<Stat>>)> = r
        .scenarios
        .iter()
        .skip(1)
        .map(|o| {
            (
                o.clone(),
                OPTION_METRICS
                    .iter()
                    .map(|(m, _)| {
                        r.compare
                            .get(&(o.clone(), year, "ALL".into(), m.to_string()))
                            .copied()
                    })
                    .collect(),
            )
        })
        .collect();
    let key = |row: &(String, Vec<Option<Stat>>)| {
        row.1[0].map_or(f64::NEG_INFINITY, |s| {
            if s.mean.is_finite() {
                s.mean
            } else {
                f64::NEG_INFINITY
            }
        })
    };
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)));
    rows
}

/// A paired difference in its unit: "+2.1 pt (1.5–2.7)".
pub fn diff(r: &Results, metric: &str, d: Option<Stat>) -> String {
    d.map_or("–".into(), |d| {
        labels::difference(
            labels::kind(metric),
            d.mean,
            Some((d.lo, d.hi)),
            r.currency(),
        )
    })
}

fn options(r: &Results) -> Vec<Answer> {
    // The variants of a sensitivity study (one parameter low or high) or
    // of a sizing sweep (one site's beds) are points of a curve, not
    // options: the tornado and the sizing answer speak for them.
    let curve = r.manifest.get("sensitivity").is_some() || r.sizing_labels.is_some();
    if r.scenarios.len() < 2 || curve {
        return Vec::new();
    }
    let base = &r.scenarios[0];
    report_years(r)
        .into_iter()
        .map(|y| {
            let ranked = ranked_options(r, y);
            let text = match ranked.first() {
                None => format!("No paired differences for {y}."),
                Some((best, d)) => {
                    let others: Vec<String> = ranked
                        .iter()
                        .skip(1)
                        .take(3)
                        .map(|(o, d)| format!("{o} ({})", diff(r, OPTION_METRICS[0].0, d[0])))
                        .collect();
                    let mut t = format!(
                        "In {y}, {best} does most for people dying where they prefer: {} against {base}, with {} died waiting and a total cost {} a year (paired 95% intervals).",
                        diff(r, OPTION_METRICS[0].0, d[0]),
                        diff(r, "died_waiting", d[1]),
                        diff(r, "cost_total", d[5]),
                    );
                    if !others.is_empty() {
                        t += &format!(" Next: {}.", others.join(", "));
                    }
                    t
                }
            };
            Answer {
                question: "Which option does most, at what cost?",
                text,
            }
        })
        .collect()
}

/// Every answer for the results, in the order a planner asks.
pub fn answers(r: &Results) -> Vec<Answer> {
    let Some(s) = r.scenarios.first() else {
        return Vec::new();
    };
    let mut out = vec![beds(r, s), sizing(r, s), boroughs_answer(r, s)];
    out.extend(equity(r, s));
    out.push(staff(r, s));
    out.extend(options(r));
    out
}

/// The warning printed beside the figures when there are too few
/// replications, if there are.
pub fn too_few(r: &Results) -> Option<String> {
    let n = replications(r);
    (n < MIN_REPLICATIONS).then(|| {
        format!(
            "Only {n} replication{}: the intervals are too unstable for the precision shown; run at least {MIN_REPLICATIONS} (30 for decisions) with --reps.",
            if n == 1 { "" } else { "s" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(mean: f64, half: f64) -> Stat {
        Stat {
            mean,
            lo: mean - half,
            hi: mean + half,
            p10: f64::NAN,
            p90: f64::NAN,
        }
    }

    /// A made-up folder: one site filling up, two boroughs, 2025–2035.
    fn results() -> Results {
        let mut r = Results {
            scenarios: vec!["base".into(), "more".into(), "less".into()],
            ..Results::default()
        };
        r.manifest = serde_json::json!({ "replications": 30 });
        r.area_types.insert("ALL".into(), "region".into());
        r.area_types.insert("North".into(), "borough".into());
        r.area_types.insert("South".into(), "borough".into());
        r.area_types.insert("Hill House".into(), "site".into());
        let mut put = |s: &str, y: i32, a: &str, m: &str, v: Stat| {
            r.summary.insert((s.into(), y, a.into(), m.into()), v);
        };
        for y in 2025..=2035 {
            let t = (y - 2025) as f64;
            put(
                "base",
                y,
                "ALL",
                "ipu_occupancy_pct",
                stat(76.0 + 2.0 * t, 3.0),
            );
            put(
                "base",
                y,
                "Hill House",
                "ipu_occupancy_pct",
                stat(80.0 + 2.0 * t, 1.0),
            );
            for (b, wait) in [("North", 1.0 + 0.5 * t), ("South", 1.0)] {
                put("base", y, b, "referrals", stat(100.0, 5.0));
                put("base", y, b, "cspc_wait_days_mean", stat(wait, 0.2));
                put("base", y, b, "hah_unmet", stat(1.0, 0.5));
                put("base", y, b, "hah_patients", stat(50.0, 2.0));
                put("base", y, b, "died_waiting", stat(2.0, 1.0));
            }
        }
        for (o, d) in [("more", 2.0), ("less", -1.0)] {
            for y in [2030, 2035] {
                for (m, _) in OPTION_METRICS {
                    r.compare
                        .insert((o.into(), y, "ALL".into(), m.into()), stat(d, 0.5));
                }
            }
        }
        r
    }

    #[test]
    fn the_ceiling_year_and_its_range_come_from_the_means_and_intervals() {
        let a = answers(&results());
        let beds = &a[0].text;
        // Region: 76 + 2t ≥ 85 from t = 5 (2030); the interval's top (79 + 2t)
        // reaches it at t = 3, its bottom (73 + 2t) at t = 6.
        assert!(
            beds.contains("ceiling in 2030") && beds.contains("between 2028 and 2031"),
            "{beds}"
        );
        assert!(beds.contains("Hill House in 2028"), "{beds}");
        assert!(a[1].text.contains("no sizing run"), "{}", a[1].text);
    }

    #[test]
    fn boroughs_breach_in_order_and_options_rank_best_first() {
        let r = results();
        let breaches = first_breaches(&r, "base");
        // North's wait (1 + 0.5t) passes 2 days at t = 3.
        assert_eq!(breaches[0], ("North".to_string(), [Some(2028), None, None]));
        assert_eq!(breaches[1], ("South".to_string(), [None, None, None]));
        let a = answers(&r);
        assert!(
            a[2].text.contains("first North in 2028") && a[2].text.contains("no borough by 2035"),
            "{}",
            a[2].text
        );
        let ranked = ranked_options(&r, 2035);
        assert_eq!(ranked[0].0, "more");
        assert_eq!(ranked[1].0, "less");
        assert_eq!(report_years(&r), [2030, 2035]);
        let options: Vec<&Answer> = a.iter().filter(|x| x.question.contains("option")).collect();
        assert_eq!(options.len(), 2);
        assert!(options[1].text.starts_with("In 2035, more does most"));
        assert!(too_few(&r).is_none());
    }

    /// Years chosen for the report (`carecap report --years`) replace 2030
    /// and 2035 in the options' answers.
    #[test]
    fn chosen_years_replace_the_default_ones() {
        let mut r = results();
        r.chosen_years = Some(vec![2027, 2033]);
        assert_eq!(report_years(&r), [2027, 2033]);
        let options: Vec<String> = answers(&r)
            .into_iter()
            .filter(|a| a.question.contains("option"))
            .map(|a| a.text)
            .collect();
        assert_eq!(options.len(), 2);
        assert!(options[0].starts_with("In 2027,") && options[1].starts_with("In 2033,"));
    }

    /// The variants of a sizing sweep or a sensitivity study are points on
    /// a curve: they are not ranked as options.
    #[test]
    fn sweep_and_sensitivity_variants_are_not_ranked_as_options() {
        let mut sized = results();
        sized.sizing_labels = Some(("ipu_occupancy_pct".into(), "beds".into()));
        let mut sensitivity = results();
        sensitivity.manifest["sensitivity"] = serde_json::json!({ "metric": "deaths" });
        for r in [sized, sensitivity] {
            assert!(answers(&r).iter().all(|a| !a.question.contains("option")));
        }
    }

    /// A role reported for the region only (the supportive services'
    /// staff) is judged on the region's own gap.
    #[test]
    fn a_region_only_role_short_region_wide_is_reported_short() {
        let mut r = results();
        for y in 2025..=2035 {
            for b in ["North", "South"] {
                r.summary.insert(
                    ("base".into(), y, b.into(), "fte_gap_cspc_nurse".into()),
                    stat(-1.0, 0.2),
                );
            }
            let gap = if y >= 2031 { 0.5 } else { -0.5 };
            r.summary.insert(
                (
                    "base".into(),
                    y,
                    "ALL".into(),
                    "fte_gap_day_hospice_nurse".into(),
                ),
                stat(gap, 0.1),
            );
        }
        let text = staff(&r, "base").text;
        assert!(
            text.starts_with("No: 1 of 2 roles")
                && text.contains(
                    "Day hospice nurses and carers short region-wide in 2035, first in 2031"
                ),
            "{text}"
        );
    }
}
