//! Checks on a typed scenario that need more than one value: shares that
//! sum to 1, references between entries, distributions, names, the run's
//! size; and the horizon and sampling of `[scenario]`, which the command
//! line may override after the file is read. Limits of single values are
//! checked by their types when the file is read (see
//! [`units`](super::units)). Every problem is reported (not just the
//! first), each at its file:line:column.

use super::error::{PathStep, ScenarioError, suggest};
use super::load::{Loaded, ReplicationsSetBy};
use super::types::{Deaths, Duration, PlaceShares, Scenario};
use super::units::{CallsPerDay, DeathsPerYear, Places};

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
pub const MAX_CAPACITY: u32 = Places::MAX;
/// Most deaths per borough per year.
pub const MAX_DEATHS_PER_YEAR: f64 = DeathsPerYear::MAX;
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
pub const MAX_PUBLIC_CALLS_PER_DAY: f64 = CallsPerDay::MAX;
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

    /// Shares that must sum to 1 (each is a [`Share`](super::units::Share)
    /// already).
    fn places(&mut self, path: &[PathStep], p: &PlaceShares) {
        let total = p.home.get() + p.care_home.get() + p.hospice.get() + p.hospital.get();
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
                for year in table.keys() {
                    if year.parse::<i32>().is_err() {
                        self.fail(
                            &self.with(path, &["by_year", year]),
                            format!("expected a calendar year as key, found {year:?}"),
                        );
                    }
                }
            }
            (None, Some(_), Some(year)) => {
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
    check_support_services(&mut c, s);
    check_segments(&mut c, s);
    check_care_homes_and_coaching(&mut c, s);
    check_intervention_names(&mut c, s);
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
        let capacity = b.cspc.nurses_fte.get() * b.cspc.caseload_per_fte.get();
        if capacity > MAX_CAPACITY as f64 {
            c.fail(
                &c.with(&p, &["cspc"]),
                format!("expected a caseload capacity of at most {MAX_CAPACITY}"),
            );
        }
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

/// The units of one kind of supportive service checked so far.
struct Units<'a> {
    table: &'static str,
    known: HashSet<&'a str>,
    seen: HashSet<String>,
    claimed: HashSet<String>,
}

impl<'a> Units<'a> {
    fn new(table: &'static str, s: &'a Scenario) -> Self {
        Units {
            table,
            known: s.boroughs.iter().map(|b| b.name.as_str()).collect(),
            seen: HashSet::new(),
            claimed: HashSet::new(),
        }
    }
}

/// The common part of a supportive service's table: unique name, known
/// boroughs, each borough served by at most one unit of the kind.
fn check_unit(
    c: &mut Checker,
    u: &mut Units,
    i: usize,
    name: &str,
    served: &[String],
) -> Vec<PathStep> {
    let (table, known) = (u.table, &u.known);
    c.name(table, i, name);
    let p = vec![key(table), named(name)];
    if !u.seen.insert(name.to_string()) {
        c.fail(
            &[key(table), PathStep::Index(i), key("name")],
            format!("expected a unique name, found {name:?} twice"),
        );
    }
    for b in served {
        if !known.contains(b.as_str()) {
            c.fail(
                &c.with(&p, &["boroughs"]),
                format!(
                    "expected a borough defined by [[borough]], found {b:?}{}",
                    suggest(b, known)
                ),
            );
        } else if !u.claimed.insert(b.clone()) {
            c.fail(
                &c.with(&p, &["boroughs"]),
                format!("expected each borough served by one [[{table}]], found {b:?} twice"),
            );
        }
    }
    p
}

/// Day hospice, out-patient clinics, psychological support and caring
/// communities: what their
/// types cannot check alone (each value's own limits are in its unit type).
fn check_support_services(c: &mut Checker, s: &Scenario) {
    let days = |c: &mut Checker, p: &[PathStep], k: &str, v: u32| {
        if !(1..=7).contains(&v) {
            c.fail(
                &c.with(p, &[k]),
                format!("expected days a week between 1 and 7, found {v}"),
            );
        }
    };
    let mut units = Units::new("day_hospice", s);
    for (i, d) in s.day_hospices.iter().enumerate() {
        let p = check_unit(c, &mut units, i, &d.name, &d.boroughs);
        days(c, &p, "days_open_per_week", d.days_open_per_week);
        days(
            c,
            &p,
            "attendance_days_per_week",
            d.attendance_days_per_week,
        );
    }
    let mut units = Units::new("outpatient_clinic", s);
    for (i, o) in s.outpatient_clinics.iter().enumerate() {
        let p = check_unit(c, &mut units, i, &o.name, &o.boroughs);
        c.count(
            &c.with(&p, &["sessions_per_week"]),
            o.sessions_per_week,
            50,
            "sessions a week",
        );
        let (first, all) = (
            o.first_appointments_per_session.get(),
            o.appointments_per_session.get(),
        );
        if first > all {
            c.fail(
                &c.with(&p, &["first_appointments_per_session"]),
                format!("expected at most appointments_per_session ({all}), found {first}"),
            );
        }
    }
    let mut units = Units::new("caring_community", s);
    for (i, k) in s.caring_communities.iter().enumerate() {
        check_unit(c, &mut units, i, &k.name, &k.boroughs);
    }
    let mut units = Units::new("care_coordination", s);
    for (i, k) in s.care_coordination.iter().enumerate() {
        let p = check_unit(c, &mut units, i, &k.name, &k.boroughs);
        let (covered, all) = (k.practices_covered.get(), k.practices.get());
        if covered > all {
            c.fail(
                &c.with(&p, &["practices_covered"]),
                format!("expected at most practices ({all}), found {covered}"),
            );
        }
    }
    let mut units = Units::new("psychological_support", s);
    for (i, q) in s.psychological_support.iter().enumerate() {
        let p = check_unit(c, &mut units, i, &q.name, &q.boroughs);
        c.count(&c.with(&p, &["sessions"]), q.sessions, 1000, "sessions");
    }
}

/// Care homes and coaching: known boroughs and segments, each borough in
/// one entry (of each coaching setting), cohort years that are years of
/// the run (or before it) and cohorts no larger than the organisations.
fn check_care_homes_and_coaching(c: &mut Checker, s: &Scenario) {
    use super::community::CoachingSetting;
    let segments: HashSet<&str> = s.segments.iter().map(|g| g.name.as_str()).collect();
    let mut units = Units::new("care_home", s);
    for (i, h) in s.care_homes.iter().enumerate() {
        let p = check_unit(c, &mut units, i, &h.name, &h.boroughs);
        if !segments.contains(h.segment.as_str()) {
            c.fail(
                &c.with(&p, &["segment"]),
                format!(
                    "expected a segment defined by [[segment]], found {:?}{}",
                    h.segment,
                    suggest(&h.segment, &segments)
                ),
            );
        }
    }
    let mut care_home = Units::new("coaching", s);
    let mut community = Units::new("coaching", s);
    let first = s.scenario.start_year;
    let last = first + s.scenario.years as i32 - 1;
    for (i, k) in s.coaching.iter().enumerate() {
        let units = match k.setting {
            CoachingSetting::CareHome => &mut care_home,
            CoachingSetting::Community => &mut community,
        };
        let p = check_unit(c, units, i, &k.name, &k.boroughs);
        if k.setting == CoachingSetting::CareHome {
            for b in &k.boroughs {
                if !s.care_homes.iter().any(|h| h.boroughs.contains(b)) {
                    c.fail(
                        &c.with(&p, &["boroughs"]),
                        format!(
                            "expected a borough with a [[care_home]] entry (care-home coaching coaches its homes), found {b:?}"
                        ),
                    );
                }
            }
        }
        let mut total: u64 = 0;
        for (year, n) in &k.cohorts {
            total += n.get() as u64;
            let at = c.with(&p, &["cohorts", year]);
            match year.parse::<i32>() {
                Ok(y) if (first - 50..=last).contains(&y) => {}
                _ => c.fail(
                    &at,
                    format!(
                        "expected a calendar year from {} to {last} (the last year of the run), found {year:?}",
                        first - 50
                    ),
                ),
            }
        }
        let all = k.organisations.get() as u64;
        if total > all {
            c.fail(
                &c.with(&p, &["cohorts"]),
                format!("expected cohorts of at most organisations ({all}) in all, found {total}"),
            );
        }
    }
}

/// Population segments: unique names that are not boroughs' (both are
/// areas of the results), shares of deaths that sum to 1, and each
/// segment's own distributions.
fn check_segments(c: &mut Checker, s: &Scenario) {
    if s.segments.len() > MAX_AREAS {
        c.fail(
            &[key("segment")],
            format!(
                "expected at most {MAX_AREAS} [[segment]] tables, found {}",
                s.segments.len()
            ),
        );
    }
    let boroughs: HashSet<&str> = s.boroughs.iter().map(|b| b.name.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, g) in s.segments.iter().enumerate() {
        c.name("segment", i, &g.name);
        let name_at = [key("segment"), PathStep::Index(i), key("name")];
        if !seen.insert(g.name.as_str()) {
            c.fail(
                &name_at,
                format!("expected a unique segment name, found {:?} twice", g.name),
            );
        } else if boroughs.contains(g.name.as_str()) || g.name == "ALL" {
            c.fail(
                &[key("segment"), named(&g.name), key("name")],
                format!(
                    "expected a segment name that is not a borough's or \"ALL\" (both name areas of the results), found {:?}",
                    g.name
                ),
            );
        }
        let p = [key("segment"), named(&g.name)];
        if let Some(d) = &g.prognosis {
            c.duration(&c.with(&p, &["prognosis"]), d);
        }
        if let Some(pp) = &g.preferred_place {
            c.places(&c.with(&p, &["preferred_place"]), pp);
        }
        if let Some(u) = &g.unknown_place_of_death {
            c.places(&c.with(&p, &["unknown_place_of_death"]), u);
        }
    }
    let total: f64 = s.segments.iter().map(|g| g.share.get()).sum();
    if !s.segments.is_empty() && (total - 1.0).abs() > 1e-6 {
        let last = &s.segments[s.segments.len() - 1].name;
        let shown = (total * 1e9).round() / 1e9;
        c.fail(
            &[key("segment"), named(last), key("share")],
            format!("expected segment shares of deaths that sum to 1, found a sum of {shown}"),
        );
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
    let e = [key("enhanced_beds")];
    c.duration(
        &c.with(&e, &["discharge_after"]),
        &s.enhanced_beds.discharge_after,
    );
    let b = [key("bereavement")];
    c.duration(
        &c.with(&b, &["support_duration"]),
        &s.bereavement.support_duration,
    );
}

fn check_size(c: &mut Checker, s: &Scenario) {
    if c.errors.is_empty() {
        let replications = u64::from(s.scenario.replications);
        c.errors.extend(size_errors(c.loaded, replications, None));
    }
}

/// The size limits' verdict on `loaded` run for `replications`: empty if
/// one machine may run them. A sharded study ([`Loaded::shards`]) is
/// checked shard by shard, and a refusal names the fewest shards that
/// would be accepted; a run that cannot be sharded names its `flag`
/// instead (`--max-reps`, the most a `--precision` run may reach).
pub fn size_errors(loaded: &Loaded, replications: u64, flag: Option<&str>) -> Vec<ScenarioError> {
    let s = &loaded.scenario;
    let m = &s.scenario;
    let simulated_years = m.years as f64 + m.warmup_days as f64 / 365.0;
    let deaths: f64 = s
        .boroughs
        .iter()
        .map(|b| peak_deaths(&b.deaths, m.start_year, m.years))
        .sum();
    // What one replication weighs against each limit.
    let deaths_per_rep = deaths * simulated_years;
    let events_per_rep = events_per_replication(s);
    let shards = loaded.shards.max(1);
    let per_shard = replications.div_ceil(shards);
    let (total, events) = (
        deaths_per_rep * per_shard as f64,
        events_per_rep * per_shard as f64,
    );
    let limit = if total > MAX_PERSON_REPLICATIONS {
        format!(
            "expected a run of at most {MAX_PERSON_REPLICATIONS:.0} simulated deaths (deaths × years × replications), found {total:.3e}"
        )
    } else if events > MAX_EVENTS {
        format!(
            "expected a run of at most {MAX_EVENTS:.0} simulated events (deaths, care, calls and callbacks × years × replications), found about {events:.3e}"
        )
    } else {
        return Vec::new();
    };
    let run = match shards {
        1 => format!("{replications} replications"),
        n => format!("a shard's {per_shard} of {replications} replications in {n} shards"),
    };
    // The most replications one shard may run under both limits.
    let most = (MAX_PERSON_REPLICATIONS / deaths_per_rep).min(MAX_EVENTS / events_per_rep);
    // Replications set on the command line have no line in the file.
    let (reps, set_by) = match loaded.replications_set_by {
        ReplicationsSetBy::File => ("replications", ""),
        ReplicationsSetBy::CommandLine => ("--reps", " (set on the command line)"),
        ReplicationsSetBy::Baseline => (
            "the baseline's replications (or --reps)",
            " (the baseline's)",
        ),
    };
    let remedy = match (most.floor() as u64, flag) {
        (0, _) => "lower years, deaths or calls: one replication is past the limit".to_string(),
        (most, Some(flag)) => format!("lower {flag} to at most {most}, or years, deaths or calls"),
        (most, None) => format!(
            "lower {reps}, years, deaths or calls, or split the study into at least {} shards (`carecap slurm --shards N`, or `--shard K/N` on each machine)",
            replications.div_ceil(most)
        ),
    };
    let message = format!("{limit} for {run}{set_by}; {remedy}");
    vec![match loaded.replications_set_by {
        ReplicationsSetBy::File => {
            loaded.error_at(&[key("scenario"), key("replications")], message)
        }
        _ => loaded.error_in_file("scenario.replications", message),
    }]
}

/// Events a call makes: it arrives, and it ends (answered, or abandoned).
const EVENTS_PER_CALL: f64 = 2.0;
/// Events every death makes (arrival, death) and those of a person on the
/// caseload besides (referral, last days, a stay's start and end).
const EVENTS_PER_DEATH: f64 = 2.0;
const EVENTS_PER_CASELOAD_PERSON: f64 = 4.0;

/// [`events_per_year`] over a replication's years, warm-up included: a
/// generous estimate (about 2.5 times the events the baseline and the
/// national scenario simulate).
pub fn events_per_replication(s: &Scenario) -> f64 {
    let m = &s.scenario;
    events_per_year(s) * (m.years as f64 + m.warmup_days as f64 / 365.0)
}

/// A generous estimate of the events one replication simulates in its
/// busiest year: every kind of event, including calls, callbacks and
/// roster changes, so that a run's size can be refused before it starts.
pub fn events_per_year(s: &Scenario) -> f64 {
    let m = &s.scenario;
    let w = &s.pathway;
    let cancer = s.demand.cancer_share.get();
    let prognosis_days = cancer * w.prognosis_cancer.mean_days()
        + (1.0 - cancer) * w.prognosis_non_cancer.mean_days();
    // The last fortnight at its own rates, the time before at the usual ones.
    let fortnight = 14.0_f64.min(prognosis_days);
    let before = prognosis_days - fortnight;
    let calls_per_person = s.calls.per_patient_day.get()
        * (before + s.calls.last_fortnight_multiplier.get() * fortnight);
    let crises_per_person = (w.crises_per_week.get() * before
        + w.crises_per_week_last_fortnight.get() * fortnight)
        / 7.0;
    let callback = s
        .advice_lines
        .iter()
        .map(|l| l.callback_share.get())
        .fold(0.0, f64::max);
    let per_call = EVENTS_PER_CALL * (1.0 + callback);
    let people: f64 = s
        .boroughs
        .iter()
        .map(|b| {
            let deaths = peak_deaths(&b.deaths, m.start_year, m.years);
            let caseload = deaths
                * b.need_share.unwrap_or(s.demand.need_share).get()
                * b.reach.unwrap_or(s.demand.reach).get();
            deaths * EVENTS_PER_DEATH
                + caseload
                    * (EVENTS_PER_CASELOAD_PERSON
                        + crises_per_person * b.crisis_rate_multiplier.get() * (1.0 + per_call)
                        + calls_per_person * per_call)
        })
        .sum();
    let lines: f64 = s
        .advice_lines
        .iter()
        .map(|l| {
            let public = if l.open_to_all {
                l.public_calls_per_day.get() * 365.0
            } else {
                0.0
            };
            public * EVENTS_PER_CALL * (1.0 + l.callback_share.get()) + roster_changes_per_year(l)
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
    }
    let calls = &s.calls;
    let p = [key("calls")];
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
    let total = o.advice.get() + o.visit.get() + o.hah.get() + o.ambulance.get();
    if (total - 1.0).abs() > 1e-6 {
        c.fail(
            &c.with(&p, &["outcomes"]),
            format!("expected shares that sum to 1, found a sum of {total}"),
        );
    }
}

/// Names of interventions (the other names are checked with their tables).
fn check_intervention_names(c: &mut Checker, s: &Scenario) {
    for (k, i) in s.interventions.iter().enumerate() {
        c.name("intervention", k, &i.name);
    }
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
    out.extend(overridden_intervention_warnings(loaded));
    out
}

/// An intervention on a region-wide (or borough) value that every
/// population segment replaces with its own changes nothing.
fn overridden_intervention_warnings(loaded: &Loaded) -> Vec<ScenarioError> {
    let s = &loaded.scenario;
    if s.segments.is_empty() {
        return Vec::new();
    }
    let every = |own: fn(&super::community::Segment) -> bool| s.segments.iter().all(own);
    s.interventions
        .iter()
        .filter(|i| match (i.target.as_str(), i.parameter.as_str()) {
            ("demand" | "borough", "need_share") => every(|g| g.need_share.is_some()),
            ("demand" | "borough", "reach") => every(|g| g.reach.is_some()),
            ("demand", "cancer_share") => every(|g| g.cancer_share.is_some()),
            ("demand", "unknown_place_of_death") => {
                every(|g| g.unknown_place_of_death.is_some())
            }
            ("pathway", "preferred_place") => every(|g| g.preferred_place.is_some()),
            _ => false,
        })
        .map(|i| {
            loaded.error_at(
                &[key("intervention"), named(&i.name), key("parameter")],
                format!(
                    "{} changes {}.{}, which every [[segment]] sets for itself: it changes nothing (target \"segment\" instead)",
                    i.name, i.target, i.parameter
                ),
            )
        })
        .collect()
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
        .filter(|i| i.from.day_number(m.start_year) > last_day)
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
        .map_or(0.0, |r| r.vacancy.get());
    s.sites
        .iter()
        .filter(|site| site.beds.get() > 0)
        .filter(|site| {
            site.consultant_fte.get() * (1.0 - vacancy) + 1e-9 < site.min_consultant_fte.get()
        })
        .map(|site| {
            let in_post = site.consultant_fte.get() * (1.0 - vacancy);
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
