//! Checks on a typed scenario: ranges, shares, references and sizes. Every
//! problem is reported (not just the first), each at its file:line:column.

use super::error::{PathStep, ScenarioError, suggest};
use super::load::Loaded;
use super::types::{Deaths, Duration, PlaceShares, Scenario};

use std::collections::HashSet;

/// Most reported years.
pub const MAX_YEARS: u32 = 50;
/// Most replications.
pub const MAX_REPLICATIONS: u32 = 100_000;
/// Longest warm-up.
pub const MAX_WARMUP_DAYS: u32 = 3_650;
/// Most boroughs or sites.
pub const MAX_AREAS: usize = 1_000;
/// Largest capacity of any one service (beds, slots, places).
pub const MAX_CAPACITY: u32 = 1_000_000;
/// Most deaths per borough per year.
pub const MAX_DEATHS_PER_YEAR: f64 = 2_000_000.0;
/// Most person-replications one run may simulate (deaths × simulated years
/// × replications), to refuse runs that would take days or exhaust memory.
pub const MAX_PERSON_REPLICATIONS: f64 = 2e10;
/// Most events one run may simulate, as estimated before it starts by
/// [`events_per_year`] × simulated years × replications. The estimate is
/// generous (about twice the events the NW London baseline simulates), so
/// the limit is some 5·10¹⁰ real events: under two hours on two cores at
/// 8.5 million events a second.
pub const MAX_EVENTS: f64 = 1e11;
/// Most characters in the name of a borough, site, advice line or
/// intervention (every row of the results repeats an area's name).
pub const MAX_NAME_CHARS: usize = 100;
/// Most public calls a day to one line.
pub const MAX_PUBLIC_CALLS_PER_DAY: f64 = 10_000.0;
/// Longest duration in any distribution, days.
pub const MAX_DURATION_DAYS: f64 = 36_500.0;

fn key(k: &str) -> PathStep {
    PathStep::Key(k.into())
}
fn named(n: &str) -> PathStep {
    PathStep::Named(n.into())
}

struct Checker<'a> {
    loaded: &'a Loaded,
    errors: Vec<ScenarioError>,
}

impl Checker<'_> {
    fn fail(&mut self, path: &[PathStep], message: String) {
        self.errors.push(self.loaded.error_at(path, message));
    }

    fn range(&mut self, path: &[PathStep], value: f64, lo: f64, hi: f64, what: &str) {
        if !(value >= lo && value <= hi) {
            self.fail(
                path,
                format!("expected {what} between {lo} and {hi}, found {value}"),
            );
        }
    }

    fn share(&mut self, path: &[PathStep], value: f64) {
        self.range(path, value, 0.0, 1.0, "a share");
    }

    fn count(&mut self, path: &[PathStep], value: u32, hi: u32, what: &str) {
        if value > hi {
            self.fail(
                path,
                format!("expected {what} of at most {hi}, found {value}"),
            );
        }
    }

    /// A name of 1 to [`MAX_NAME_CHARS`] characters; the error is at
    /// `array[index].name` so that it can be found whatever the name.
    fn name(&mut self, array: &str, index: usize, name: &str) {
        let chars = name.chars().count();
        let path = [key(array), PathStep::Index(index), key("name")];
        if name.trim().is_empty() {
            self.fail(&path, "expected a name, found an empty one".into());
        } else if chars > MAX_NAME_CHARS {
            let shown: String = name.chars().take(40).collect();
            self.fail(
                &path,
                format!(
                    "expected a name of at most {MAX_NAME_CHARS} characters, found {chars} characters ({shown:?}…)"
                ),
            );
        }
    }

    fn with(&self, base: &[PathStep], more: &[&str]) -> Vec<PathStep> {
        let mut p = base.to_vec();
        p.extend(more.iter().map(|k| key(k)));
        p
    }

    fn places(&mut self, path: &[PathStep], p: &PlaceShares) {
        for (k, v) in [
            ("home", p.home),
            ("care_home", p.care_home),
            ("hospice", p.hospice),
            ("hospital", p.hospital),
        ] {
            self.share(&self.with(path, &[k]), v);
        }
        let total = p.home + p.care_home + p.hospice + p.hospital;
        if (total - 1.0).abs() > 1e-6 {
            self.fail(
                path,
                format!("expected shares that sum to 1, found a sum of {total}"),
            );
        }
    }

    fn duration(&mut self, path: &[PathStep], d: &Duration) {
        match *d {
            Duration::Lognormal { median_days, sigma, mean_days, sd_days } => match (median_days, sigma, mean_days, sd_days) {
                (Some(m), Some(s), None, None) => {
                    self.range(&self.with(path, &["median_days"]), m, 1e-6, MAX_DURATION_DAYS, "a median in days");
                    self.range(&self.with(path, &["sigma"]), s, 0.0, 5.0, "a log-scale sigma");
                }
                (None, None, Some(m), Some(s)) => {
                    self.range(&self.with(path, &["mean_days"]), m, 1e-6, MAX_DURATION_DAYS, "a mean in days");
                    self.range(&self.with(path, &["sd_days"]), s, 0.0, MAX_DURATION_DAYS, "a standard deviation in days");
                }
                _ => self.fail(
                    path,
                    "expected a lognormal with either `median_days` and `sigma` or `mean_days` and `sd_days`".into(),
                ),
            },
            Duration::Exponential { mean_days } => {
                self.range(&self.with(path, &["mean_days"]), mean_days, 1e-6, MAX_DURATION_DAYS, "a mean in days")
            }
            Duration::Fixed { days } => self.range(&self.with(path, &["days"]), days, 0.0, MAX_DURATION_DAYS, "days"),
        }
    }

    fn profile(&mut self, path: &[PathStep], values: &[f64], len: usize, what: &str) {
        if values.len() != len {
            self.fail(
                path,
                format!("expected {len} {what} multipliers, found {}", values.len()),
            );
        } else if values.iter().any(|v| !(*v >= 0.0 && *v <= 100.0))
            || values.iter().sum::<f64>() <= 0.0
        {
            self.fail(
                path,
                format!(
                    "expected non-negative {what} multipliers (at most 100) with a positive sum"
                ),
            );
        }
    }

    fn deaths(&mut self, path: &[PathStep], d: &Deaths, start_year: i32) {
        match (&d.by_year, d.base, d.base_year) {
            (Some(table), None, None) if d.growth.is_none() => {
                if table.is_empty() {
                    self.fail(path, "expected at least one year in `by_year`".into());
                }
                for (year, value) in table {
                    let p = self.with(path, &["by_year", year]);
                    if year.parse::<i32>().is_err() {
                        self.fail(
                            &p,
                            format!("expected a calendar year as key, found {year:?}"),
                        );
                    }
                    self.range(&p, *value, 0.0, MAX_DEATHS_PER_YEAR, "deaths per year");
                }
            }
            (None, Some(base), Some(year)) => {
                self.range(
                    &self.with(path, &["base"]),
                    base,
                    0.0,
                    MAX_DEATHS_PER_YEAR,
                    "deaths per year",
                );
                self.range(
                    &self.with(path, &["growth"]),
                    d.growth.unwrap_or(0.0),
                    -0.5,
                    0.5,
                    "an annual growth",
                );
                if (year - start_year).abs() > 100 {
                    self.fail(
                        &self.with(path, &["base_year"]),
                        format!("expected a year within 100 years of {start_year}, found {year}"),
                    );
                }
            }
            _ => self.fail(
                path,
                "expected either `by_year` or `base` with `base_year` (and optional `growth`)"
                    .into(),
            ),
        }
    }
}

/// Checks a loaded scenario; returns every problem found.
pub fn validate(loaded: &Loaded) -> Vec<ScenarioError> {
    let mut c = Checker {
        loaded,
        errors: Vec::new(),
    };
    let s = &loaded.scenario;
    check_meta(&mut c, s);
    check_demand(&mut c, s);
    check_boroughs(&mut c, s);
    check_sites(&mut c, s);
    check_pathway(&mut c, s);
    check_lines(&mut c, s);
    check_workforce(&mut c, s);
    check_costs(&mut c, s);
    check_size(&mut c, s);
    c.errors
}

fn check_meta(c: &mut Checker, s: &Scenario) {
    let m = &s.scenario;
    let p = [key("scenario")];
    if m.name.trim().is_empty() || m.name.len() > 200 {
        c.fail(
            &c.with(&p, &["name"]),
            format!("expected a name of 1 to 200 characters, found {:?}", m.name),
        );
    }
    if m.years == 0 || m.years > MAX_YEARS {
        c.fail(
            &c.with(&p, &["years"]),
            format!("expected 1 to {MAX_YEARS} years, found {}", m.years),
        );
    }
    if m.replications == 0 || m.replications > MAX_REPLICATIONS {
        c.fail(
            &c.with(&p, &["replications"]),
            format!(
                "expected 1 to {MAX_REPLICATIONS} replications, found {}",
                m.replications
            ),
        );
    }
    c.count(
        &c.with(&p, &["warmup_days"]),
        m.warmup_days,
        MAX_WARMUP_DAYS,
        "a warm-up in days",
    );
    if !(1900..=2200).contains(&m.start_year) {
        c.fail(
            &c.with(&p, &["start_year"]),
            format!(
                "expected a year between 1900 and 2200, found {}",
                m.start_year
            ),
        );
    }
}

fn check_demand(c: &mut Checker, s: &Scenario) {
    let d = &s.demand;
    let p = [key("demand")];
    c.share(&c.with(&p, &["need_share"]), d.need_share);
    c.share(&c.with(&p, &["reach"]), d.reach);
    c.share(&c.with(&p, &["cancer_share"]), d.cancer_share);
    c.profile(&c.with(&p, &["seasonality"]), &d.seasonality, 12, "monthly");
    c.profile(
        &c.with(&p, &["day_of_week"]),
        &d.day_of_week,
        7,
        "day-of-week",
    );
    c.places(
        &c.with(&p, &["unknown_place_of_death"]),
        &d.unknown_place_of_death,
    );
}

fn check_boroughs(c: &mut Checker, s: &Scenario) {
    if s.boroughs.is_empty() || s.boroughs.len() > MAX_AREAS {
        c.fail(
            &[key("borough")],
            format!(
                "expected 1 to {MAX_AREAS} [[borough]] tables, found {}",
                s.boroughs.len()
            ),
        );
    }
    let mut seen = HashSet::new();
    for (i, b) in s.boroughs.iter().enumerate() {
        c.name("borough", i, &b.name);
        let p = [key("borough"), named(&b.name)];
        if !seen.insert(b.name.as_str()) {
            c.fail(
                &[key("borough"), PathStep::Index(i), key("name")],
                format!("expected a unique borough name, found {:?} twice", b.name),
            );
        }
        c.deaths(&c.with(&p, &["deaths"]), &b.deaths, s.scenario.start_year);
        if let Some(v) = b.need_share {
            c.share(&c.with(&p, &["need_share"]), v);
        }
        if let Some(v) = b.reach {
            c.share(&c.with(&p, &["reach"]), v);
        }
        c.range(
            &c.with(&p, &["cspc", "nurses_fte"]),
            b.cspc.nurses_fte,
            0.0,
            100_000.0,
            "FTE",
        );
        c.range(
            &c.with(&p, &["cspc", "caseload_per_fte"]),
            b.cspc.caseload_per_fte,
            0.0,
            10_000.0,
            "patients per FTE",
        );
        if b.cspc.nurses_fte * b.cspc.caseload_per_fte > MAX_CAPACITY as f64 {
            c.fail(
                &c.with(&p, &["cspc"]),
                format!("expected a caseload capacity of at most {MAX_CAPACITY}"),
            );
        }
        c.count(
            &c.with(&p, &["hah", "slots"]),
            b.hah.slots,
            MAX_CAPACITY,
            "a number of slots",
        );
        c.count(
            &c.with(&p, &["enhanced_beds"]),
            b.enhanced_beds,
            MAX_CAPACITY,
            "a number of beds",
        );
        c.range(
            &c.with(&p, &["crisis_rate_multiplier"]),
            b.crisis_rate_multiplier,
            0.0,
            100.0,
            "a multiplier",
        );
    }
}

fn check_sites(c: &mut Checker, s: &Scenario) {
    if s.sites.len() > MAX_AREAS {
        c.fail(
            &[key("site")],
            format!(
                "expected at most {MAX_AREAS} [[site]] tables, found {}",
                s.sites.len()
            ),
        );
    }
    let boroughs: HashSet<&str> = s.boroughs.iter().map(|b| b.name.as_str()).collect();
    let sites: HashSet<&str> = s.sites.iter().map(|x| x.name.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, site) in s.sites.iter().enumerate() {
        c.name("site", i, &site.name);
        let p = [key("site"), named(&site.name)];
        if !seen.insert(site.name.as_str()) {
            c.fail(
                &[key("site"), PathStep::Index(i), key("name")],
                format!("expected a unique site name, found {:?} twice", site.name),
            );
        }
        c.count(
            &c.with(&p, &["beds"]),
            site.beds,
            MAX_CAPACITY,
            "a number of beds",
        );
        c.count(
            &c.with(&p, &["waiting_list"]),
            site.waiting_list,
            MAX_CAPACITY,
            "a waiting-list length",
        );
        c.duration(&c.with(&p, &["discharge_after"]), &site.discharge_after);
        for b in &site.catchment {
            if !boroughs.contains(b.as_str()) {
                c.fail(
                    &c.with(&p, &["catchment"]),
                    format!(
                        "expected a borough defined by [[borough]], found {b:?}{}",
                        suggest(b, &boroughs)
                    ),
                );
            }
        }
        for o in &site.overflow {
            if !sites.contains(o.as_str()) || o == &site.name {
                c.fail(
                    &c.with(&p, &["overflow"]),
                    format!(
                        "expected another site defined by [[site]], found {o:?}{}",
                        suggest(o, &sites)
                    ),
                );
            }
        }
    }
}

fn check_pathway(c: &mut Checker, s: &Scenario) {
    let w = &s.pathway;
    let p = [key("pathway")];
    c.duration(&c.with(&p, &["prognosis_cancer"]), &w.prognosis_cancer);
    c.duration(
        &c.with(&p, &["prognosis_non_cancer"]),
        &w.prognosis_non_cancer,
    );
    c.duration(&c.with(&p, &["terminal_phase"]), &w.terminal_phase);
    c.duration(&c.with(&p, &["acute_stay"]), &w.acute_stay);
    c.places(&c.with(&p, &["preferred_place"]), &w.preferred_place);
    for (k, v) in [
        ("ucp_uptake", w.ucp_uptake),
        ("crisis_bed_share", w.crisis_bed_share),
        ("terminal_hospital_share", w.terminal_hospital_share),
        ("bed_diversion_share", w.bed_diversion_share),
        ("daytime_hah_effect", w.daytime_hah_effect),
    ] {
        c.share(&c.with(&p, &[k]), v);
    }
    for (k, v) in [("ucp_rr", w.ucp_rr), ("hah_hospital_rr", w.hah_hospital_rr)] {
        c.range(&c.with(&p, &[k]), v, 0.0, 10.0, "a relative risk");
    }
    for (k, v) in [
        ("visits_per_week", w.visits_per_week),
        (
            "visits_per_week_last_fortnight",
            w.visits_per_week_last_fortnight,
        ),
        ("crises_per_week", w.crises_per_week),
        (
            "crises_per_week_last_fortnight",
            w.crises_per_week_last_fortnight,
        ),
    ] {
        c.range(&c.with(&p, &[k]), v, 0.0, 100.0, "a rate per week");
    }
    c.range(
        &c.with(&p, &["urgent_days"]),
        w.urgent_days,
        0.0,
        3650.0,
        "days",
    );
    let e = [key("enhanced_beds")];
    c.duration(
        &c.with(&e, &["discharge_after"]),
        &s.enhanced_beds.discharge_after,
    );
    let b = [key("bereavement")];
    c.share(
        &c.with(&b, &["referral_share"]),
        s.bereavement.referral_share,
    );
    c.count(
        &c.with(&b, &["capacity"]),
        s.bereavement.capacity,
        MAX_CAPACITY,
        "a number of places",
    );
    c.count(
        &c.with(&b, &["waiting_list"]),
        s.bereavement.waiting_list,
        MAX_CAPACITY,
        "a waiting-list length",
    );
    c.duration(
        &c.with(&b, &["support_duration"]),
        &s.bereavement.support_duration,
    );
}

fn check_size(c: &mut Checker, s: &Scenario) {
    if !c.errors.is_empty() {
        return;
    }
    let m = &s.scenario;
    let simulated_years = m.years as f64 + m.warmup_days as f64 / 365.0;
    let runs = simulated_years * m.replications as f64;
    let deaths: f64 = s
        .boroughs
        .iter()
        .map(|b| peak_deaths(&b.deaths, m.start_year, m.years))
        .sum();
    let total = deaths * runs;
    let events = events_per_year(s) * runs;
    if total > MAX_PERSON_REPLICATIONS {
        c.fail(
            &[key("scenario"), key("replications")],
            format!(
                "expected a run of at most {MAX_PERSON_REPLICATIONS:.0} simulated deaths (deaths × years × replications), found {total:.3e}; lower replications, years or deaths"
            ),
        );
    } else if events > MAX_EVENTS {
        c.fail(
            &[key("scenario"), key("replications")],
            format!(
                "expected a run of at most {MAX_EVENTS:.0} simulated events (deaths, care, calls and callbacks × years × replications), found about {events:.3e}; lower replications, years, deaths or calls"
            ),
        );
    }
}

/// Events a call makes: it arrives, and it ends (answered, or abandoned).
const EVENTS_PER_CALL: f64 = 2.0;
/// Events every death makes (arrival, death) and those of a person on the
/// caseload besides (referral, last days, a stay's start and end).
const EVENTS_PER_DEATH: f64 = 2.0;
const EVENTS_PER_CASELOAD_PERSON: f64 = 4.0;

/// A generous estimate of the events one replication simulates in its
/// busiest year: every kind of event, including calls, callbacks and
/// roster changes, so that a run's size can be refused before it starts.
pub fn events_per_year(s: &Scenario) -> f64 {
    let m = &s.scenario;
    let w = &s.pathway;
    let cancer = s.demand.cancer_share;
    let prognosis_days = cancer * w.prognosis_cancer.mean_days()
        + (1.0 - cancer) * w.prognosis_non_cancer.mean_days();
    // The last fortnight at its own rates, the time before at the usual ones.
    let fortnight = 14.0_f64.min(prognosis_days);
    let before = prognosis_days - fortnight;
    let calls_per_person =
        s.calls.per_patient_day * (before + s.calls.last_fortnight_multiplier * fortnight);
    let crises_per_person =
        (w.crises_per_week * before + w.crises_per_week_last_fortnight * fortnight) / 7.0;
    let callback = s
        .advice_lines
        .iter()
        .map(|l| l.callback_share)
        .fold(0.0, f64::max);
    let per_call = EVENTS_PER_CALL * (1.0 + callback);
    let people: f64 = s
        .boroughs
        .iter()
        .map(|b| {
            let deaths = peak_deaths(&b.deaths, m.start_year, m.years);
            let caseload = deaths
                * b.need_share.unwrap_or(s.demand.need_share)
                * b.reach.unwrap_or(s.demand.reach);
            deaths * EVENTS_PER_DEATH
                + caseload
                    * (EVENTS_PER_CASELOAD_PERSON
                        + crises_per_person * b.crisis_rate_multiplier * (1.0 + per_call)
                        + calls_per_person * per_call)
        })
        .sum();
    let lines: f64 = s
        .advice_lines
        .iter()
        .map(|l| {
            let public = if l.open_to_all {
                l.public_calls_per_day * 365.0
            } else {
                0.0
            };
            public * EVENTS_PER_CALL * (1.0 + l.callback_share) + roster_changes_per_year(l)
        })
        .sum();
    people + lines
}

/// Hours of the week at which a line's number of handlers on duty
/// changes, × weeks in a year.
fn roster_changes_per_year(line: &super::types::AdviceLine) -> f64 {
    let mut plan = [0u64; 168];
    for shift in &line.roster {
        for day in (0..7).filter(|&d| shift.days.includes(d)) {
            let (from, to) = (shift.from.min(24) as usize, shift.to.min(24) as usize);
            // A night (from > to) covers from–24 and 0–to of the same day.
            let hours = if from < to {
                (from..to).chain(0..0)
            } else {
                (from..24).chain(0..to)
            };
            for h in hours {
                plan[day * 24 + h] += shift.handlers as u64;
            }
        }
    }
    let changes = (0..168)
        .filter(|&h| plan[h] != plan[(h + 167) % 168])
        .count();
    changes.max(1) as f64 * 365.0 / 7.0
}

fn peak_deaths(d: &Deaths, start: i32, years: u32) -> f64 {
    (0..years as i32)
        .map(|y| d.in_year(start + y))
        .fold(0.0, f64::max)
}

fn check_lines(c: &mut Checker, s: &Scenario) {
    let boroughs: HashSet<&str> = s.boroughs.iter().map(|b| b.name.as_str()).collect();
    let mut names = HashSet::new();
    let mut served: HashSet<&str> = HashSet::new();
    if s.advice_lines.len() > MAX_AREAS {
        c.fail(
            &[key("advice_line")],
            format!("expected at most {MAX_AREAS} [[advice_line]] tables"),
        );
    }
    for (i, line) in s.advice_lines.iter().enumerate() {
        c.name("advice_line", i, &line.name);
        let p = [key("advice_line"), named(&line.name)];
        if !names.insert(line.name.as_str()) {
            c.fail(
                &[key("advice_line"), PathStep::Index(i), key("name")],
                format!("expected a unique line name, found {:?} twice", line.name),
            );
        }
        for b in &line.boroughs {
            if !boroughs.contains(b.as_str()) {
                c.fail(
                    &c.with(&p, &["boroughs"]),
                    format!(
                        "expected a borough defined by [[borough]], found {b:?}{}",
                        suggest(b, &boroughs)
                    ),
                );
            } else if !served.insert(b.as_str()) {
                c.fail(
                    &c.with(&p, &["boroughs"]),
                    format!("expected each borough on one line only, found {b:?} on two"),
                );
            }
        }
        let mut any = false;
        for (k, shift) in line.roster.iter().enumerate() {
            let sp = [
                key("advice_line"),
                named(&line.name),
                key("roster"),
                PathStep::Index(k),
            ];
            if shift.from > 23 || shift.to == 0 || shift.to > 24 || shift.from == shift.to {
                c.fail(&sp, format!("expected hours with from in 0-23, to in 1-24 and from != to, found from = {}, to = {}", shift.from, shift.to));
            }
            c.count(
                &c.with(&sp, &["handlers"]),
                shift.handlers,
                100_000,
                "a number of handlers",
            );
            any |= shift.handlers > 0;
        }
        if !any {
            c.fail(
                &c.with(&p, &["roster"]),
                "expected at least one shift with handlers on duty".into(),
            );
        }
        c.duration(
            &c.with(&p, &["handling_time"]),
            &line.handling_time.in_days(),
        );
        if let Some(patience) = &line.patience {
            c.duration(&c.with(&p, &["patience"]), &patience.in_days());
        }
        c.count(
            &c.with(&p, &["answer_target_seconds"]),
            line.answer_target_seconds,
            86_400,
            "seconds",
        );
        c.range(
            &c.with(&p, &["public_calls_per_day"]),
            line.public_calls_per_day,
            0.0,
            MAX_PUBLIC_CALLS_PER_DAY,
            "public calls per day",
        );
        c.share(&c.with(&p, &["callback_share"]), line.callback_share);
        c.range(
            &c.with(&p, &["callback_delay_minutes"]),
            line.callback_delay_minutes,
            0.0,
            10_080.0,
            "minutes",
        );
        if let Some(f) = line.nurses_fte {
            c.range(&c.with(&p, &["nurses_fte"]), f, 0.0, 100_000.0, "FTE");
        }
    }
    let calls = &s.calls;
    let p = [key("calls")];
    c.range(
        &c.with(&p, &["per_patient_day"]),
        calls.per_patient_day,
        0.0,
        100.0,
        "calls per patient-day",
    );
    c.range(
        &c.with(&p, &["last_fortnight_multiplier"]),
        calls.last_fortnight_multiplier,
        0.0,
        100.0,
        "a multiplier",
    );
    c.profile(
        &c.with(&p, &["hour_of_day"]),
        &calls.hour_of_day,
        24,
        "hour-of-day",
    );
    c.profile(
        &c.with(&p, &["day_of_week"]),
        &calls.day_of_week,
        7,
        "day-of-week",
    );
    let o = &calls.outcomes;
    let shares = PlaceShares {
        home: o.advice,
        care_home: o.visit,
        hospice: o.hah,
        hospital: o.ambulance,
    };
    let op = c.with(&p, &["outcomes"]);
    let total = shares.home + shares.care_home + shares.hospice + shares.hospital;
    if (total - 1.0).abs() > 1e-6
        || [o.advice, o.visit, o.hah, o.ambulance]
            .iter()
            .any(|v| !(0.0..=1.0).contains(v))
    {
        c.fail(
            &op,
            format!("expected shares between 0 and 1 that sum to 1, found a sum of {total}"),
        );
    }
    c.share(
        &c.with(&p, &["abandoned_ambulance_share"]),
        calls.abandoned_ambulance_share,
    );
    c.range(
        &c.with(&p, &["answered_crisis_rr"]),
        calls.answered_crisis_rr,
        0.0,
        10.0,
        "a relative risk",
    );
}

fn check_workforce(c: &mut Checker, s: &Scenario) {
    for b in &s.boroughs {
        let p = [key("borough"), named(&b.name), key("hah")];
        if let Some(f) = b.hah.staff_fte {
            c.range(&c.with(&p, &["staff_fte"]), f, 0.0, 100_000.0, "FTE");
        }
        c.range(
            &c.with(&p, &["hours_per_patient_day"]),
            b.hah.hours_per_patient_day,
            0.0,
            24.0,
            "hours",
        );
    }
    for site in &s.sites {
        let p = [key("site"), named(&site.name)];
        c.range(
            &c.with(&p, &["nurses_per_bed"]),
            site.nurses_per_bed,
            0.0,
            10.0,
            "nurses per bed",
        );
        if let Some(f) = site.nurses_fte {
            c.range(&c.with(&p, &["nurses_fte"]), f, 0.0, 100_000.0, "FTE");
        }
        c.range(
            &c.with(&p, &["consultant_fte"]),
            site.consultant_fte,
            0.0,
            10_000.0,
            "FTE",
        );
        c.range(
            &c.with(&p, &["min_consultant_fte"]),
            site.min_consultant_fte,
            0.0,
            10_000.0,
            "FTE",
        );
        c.range(
            &c.with(&p, &["consultant_fte_per_bed"]),
            site.consultant_fte_per_bed,
            0.0,
            10.0,
            "FTE per bed",
        );
    }
    let Some(w) = &s.workforce else { return };
    let p = [key("workforce")];
    c.range(&c.with(&p, &["uplift"]), w.uplift, 0.0, 2.0, "an uplift");
    c.range(
        &c.with(&p, &["hours_per_fte_week"]),
        w.hours_per_fte_week,
        1.0,
        80.0,
        "hours per week",
    );
    for (role, r) in &w.roles {
        let rp = c.with(&p, &["roles", role.name()]);
        c.share(&c.with(&rp, &["attrition"]), r.attrition);
        c.range(
            &c.with(&rp, &["recruitment"]),
            r.recruitment,
            0.0,
            2.0,
            "recruits per year as a share of establishment",
        );
        c.range(
            &c.with(&rp, &["hiring_lag_days"]),
            r.hiring_lag_days,
            0.0,
            3650.0,
            "days",
        );
        c.share(&c.with(&rp, &["vacancy"]), r.vacancy);
    }
}

fn check_costs(c: &mut Checker, s: &Scenario) {
    let k = &s.costs;
    let p = [key("costs")];
    for (name, v) in [
        ("ipu_bed_day", k.ipu_bed_day),
        ("ipu_bed_day_available", k.ipu_bed_day_available),
        ("enhanced_bed_day", k.enhanced_bed_day),
        ("enhanced_bed_day_available", k.enhanced_bed_day_available),
        ("hah_slot_day_available", k.hah_slot_day_available),
        ("acute_bed_day", k.acute_bed_day),
        ("hah_hour", k.hah_hour),
        ("call", k.call),
        ("cspc_visit", k.cspc_visit),
    ] {
        c.range(&c.with(&p, &[name]), v, 0.0, 1e9, "a unit cost");
    }
    for (role, v) in &k.fte_year {
        let rp = c.with(&p, &["fte_year", role.name()]);
        c.range(&rp, *v, 0.0, 1e9, "a cost per FTE-year");
    }
    check_yearly_costs(c, s);
}

/// Programme costs: a yearly cost on an intervention or a service.
fn check_yearly_costs(c: &mut Checker, s: &Scenario) {
    let yearly = "a cost per year";
    for (k, i) in s.interventions.iter().enumerate() {
        c.name("intervention", k, &i.name);
        let p = c.with(&[key("intervention"), named(&i.name)], &["cost_per_year"]);
        c.range(&p, i.cost_per_year, 0.0, 1e12, yearly);
    }
    for l in &s.advice_lines {
        let p = c.with(&[key("advice_line"), named(&l.name)], &["cost_per_year"]);
        c.range(&p, l.cost_per_year, 0.0, 1e12, yearly);
    }
    let p = c.with(&[key("bereavement")], &["cost_per_year"]);
    c.range(&p, s.bereavement.cost_per_year, 0.0, 1e12, yearly);
}

/// Things that are valid but almost certainly not what the author meant,
/// each at its file:line:column. `carecap validate` prints them, and a run
/// records them in `manifest.json` (`warnings`).
///
/// A unit with beds whose consultant cover in post at the start
/// (establishment × (1 − the consultant role's vacancy)) is below its
/// `min_consultant_fte` is closed from the first day; an intervention
/// whose `from` date is after the last simulated day never takes effect.
pub fn warnings(loaded: &Loaded) -> Vec<ScenarioError> {
    let mut out = consultant_warnings(loaded);
    out.extend(late_intervention_warnings(loaded));
    out
}

/// Interventions dated after the last simulated day (31 December of the
/// last reported year).
fn late_intervention_warnings(loaded: &Loaded) -> Vec<ScenarioError> {
    let m = &loaded.scenario.scenario;
    let last_day = m.years as i64 * 365 - 1;
    let last_year = m.start_year as i64 + m.years as i64 - 1;
    loaded
        .scenario
        .interventions
        .iter()
        .filter(|i| {
            super::schedule::day_of(&i.from, m.start_year).is_some_and(|day| day > last_day)
        })
        .map(|i| {
            loaded.error_at(
                &[key("intervention"), named(&i.name), key("from")],
                format!(
                    "{} starts on {}, after the last simulated day (31 December {last_year}): it never takes effect",
                    i.name, i.from
                ),
            )
        })
        .collect()
}

fn consultant_warnings(loaded: &Loaded) -> Vec<ScenarioError> {
    let s = &loaded.scenario;
    let vacancy = s
        .workforce
        .as_ref()
        .and_then(|w| w.roles.get(&super::types::Role::Consultant))
        .map_or(0.0, |r| r.vacancy);
    s.sites
        .iter()
        .filter(|site| site.beds > 0)
        .filter(|site| site.consultant_fte * (1.0 - vacancy) + 1e-9 < site.min_consultant_fte)
        .map(|site| {
            let in_post = site.consultant_fte * (1.0 - vacancy);
            loaded.error_at(
                &[key("site"), named(&site.name), key("consultant_fte")],
                format!(
                    "{} starts with {in_post:.2} consultant FTE in post ({} establishment × (1 − vacancy {vacancy})), below its min_consultant_fte {}: its {} beds are closed from the first day",
                    site.name, site.consultant_fte, site.min_consultant_fte, site.beds
                ),
            )
        })
        .collect()
}
