//! Interventions: scheduled changes to any parameter a running model can
//! take up (the list is [`CHANGEABLE`](super::types::CHANGEABLE); anything
//! else is refused here, with the reason).
//!
//! One generic mechanism, no code per intervention: the typed scenario
//! (with every default filled in) is turned back into a TOML document, the
//! intervention's value is written at its `target` / `names` / `parameter`
//! path as of each change date, and the document is read and validated
//! again. The result is a list of [`Phase`]s, each a complete scenario in
//! force from a day on. A number moves linearly from its old value to the
//! new one in `ramp_months` equal monthly steps, the first at `from`
//! (integers are rounded), starting from the value in force whether the
//! file writes it or leaves it to a default; any other value switches at
//! `from`. With
//! `cohorts`, the named boroughs start in waves of `size`, `every_months`
//! apart, each with its own ramp.
//!
//! An intervention's `cost_per_year` is a programme cost: shared equally by
//! the entries it names, in force for each from its start and ramped like
//! the change, it is listed with each phase as a [`Programme`].

use super::error::{PathStep, ScenarioError, ScenarioErrors};
use super::load::Loaded;
use super::types::{Intervention, Scenario, check_change};
use super::units::Date;
use super::validate::validate;
use std::collections::BTreeSet;
use toml::{Table, Value};

/// Tables an intervention or a sweep may target (which parameters an
/// intervention may change is [`CHANGEABLE`](super::types::CHANGEABLE)).
pub const TARGETS: [&str; 16] = [
    "care_coordination",
    "caring_community",
    "segment",
    "day_hospice",
    "outpatient_clinic",
    "psychological_support",
    "borough",
    "site",
    "advice_line",
    "demand",
    "pathway",
    "calls",
    "enhanced_beds",
    "bereavement",
    "workforce",
    "costs",
];
/// Most change dates a scenario may have.
pub const MAX_CHANGES: usize = 1_000;

/// A scenario in force from `from_day` (days since 1 January of the start
/// year; negative in the warm-up).
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// First day.
    pub from_day: i64,
    /// The scenario in force.
    pub scenario: Scenario,
    /// Programme costs in force (interventions' `cost_per_year`).
    pub programmes: Vec<Programme>,
}

/// An intervention's yearly cost as it stands in a phase, for one entry it
/// names (or for the whole table it targets).
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    /// The table the intervention targets (`borough`, `site`, … ).
    pub target: String,
    /// The named entry, for arrays of named tables.
    pub entry: Option<String>,
    /// Cost per year in force (share of the intervention's cost × ramp).
    pub per_year: f64,
}

/// Days in a simulated year.
const YEAR_DAYS: i64 = 365;

/// Day number of the calendar date written `YYYY-MM-DD` since 1 January
/// of `start_year` (see [`Date::day_number`]), or `None` if it is not a
/// date on the calendar.
pub fn day_of(date: &str, start_year: i32) -> Option<i64> {
    Date::parse(date).map(|d| d.day_number(start_year))
}

fn months_to_days(months: u32) -> i64 {
    (months as f64 * YEAR_DAYS as f64 / 12.0).round() as i64
}

/// One selected entry of one intervention, with when its change starts.
struct Wave<'a> {
    intervention: &'a Intervention,
    index: usize,
    entry: Option<String>,
    start: i64,
}

fn at(i: &Intervention, field: &str) -> Vec<PathStep> {
    vec![
        PathStep::Key("intervention".into()),
        PathStep::Named(i.name.clone()),
        PathStep::Key(field.into()),
    ]
}

/// Names of the entries of an array of named tables (`None` for a table).
pub fn entry_names(doc: &Table, target: &str) -> Option<Vec<String>> {
    let array = doc.get(target)?.as_array()?;
    Some(
        array
            .iter()
            .filter_map(|v| v.as_table()?.get("name")?.as_str().map(str::to_owned))
            .collect(),
    )
}

/// Checks an intervention's form and expands it into waves.
fn waves<'a>(
    loaded: &Loaded,
    doc: &Table,
    i: &'a Intervention,
    index: usize,
    errors: &mut Vec<ScenarioError>,
) -> Vec<Wave<'a>> {
    let start_year = loaded.scenario.scenario.start_year;
    let fail = |errors: &mut Vec<ScenarioError>, field: &str, msg: String| {
        errors.push(loaded.error_at(&at(i, field), msg))
    };
    if let Err(why) = check_change(&i.target, &i.parameter) {
        let field = if TARGETS.contains(&i.target.as_str()) {
            "parameter"
        } else {
            "target"
        };
        fail(errors, field, why);
        return Vec::new();
    }
    let start = i.from.day_number(start_year);
    if i.ramp_months > 600 {
        fail(
            errors,
            "ramp_months",
            format!("expected at most 600 months, found {}", i.ramp_months),
        );
    }
    let entries: Vec<Option<String>> = match entry_names(doc, &i.target) {
        Some(all) => {
            let chosen = i.names.clone().unwrap_or(all.clone());
            for n in &chosen {
                if !all.contains(n) {
                    fail(
                        errors,
                        "names",
                        format!("expected a name from [[{}]], found {n:?}", i.target),
                    );
                }
            }
            chosen.into_iter().map(Some).collect()
        }
        None => {
            if i.names.is_some() {
                fail(
                    errors,
                    "names",
                    format!("expected no `names` for the table [{}]", i.target),
                );
            }
            vec![None]
        }
    };
    for entry in &entries {
        let mut probe = doc.clone();
        if parameter_table(&mut probe, &i.target, entry.as_deref(), &i.parameter).is_none() {
            fail(
                errors,
                "parameter",
                format!(
                    "expected a key inside the tables of [{}], found {:?}, which goes through a value that is not a table",
                    i.target, i.parameter
                ),
            );
            return Vec::new();
        }
    }
    if let Some(c) = i.cohorts
        && c.every_months > 600
    {
        fail(
            errors,
            "cohorts",
            format!(
                "expected waves at most 600 months apart, found every_months = {}",
                c.every_months
            ),
        );
    }
    if i.cohorts.is_some() && i.target != "borough" {
        fail(
            errors,
            "cohorts",
            format!(
                "expected cohorts only for target \"borough\", found {:?}",
                i.target
            ),
        );
    }
    let (size, every) = i.cohorts.map_or((usize::MAX, 0), |c| {
        (c.size.max(1) as usize, c.every_months)
    });
    entries
        .into_iter()
        .enumerate()
        .map(|(k, entry)| Wave {
            intervention: i,
            index,
            entry,
            start: start + (k / size) as i64 * months_to_days(every),
        })
        .collect()
}

/// Change days of a wave: the start of each ramp month.
fn change_days(w: &Wave) -> Vec<i64> {
    let steps = w.intervention.ramp_months.max(1);
    (0..steps).map(|k| w.start + months_to_days(k)).collect()
}

/// The table a wave writes into.
fn table_mut<'d>(doc: &'d mut Table, w: &Wave) -> Option<&'d mut Table> {
    parameter_table(
        doc,
        &w.intervention.target,
        w.entry.as_deref(),
        &w.intervention.parameter,
    )
}

/// The table holding `parameter` (a dotted key) of `target` (an array of
/// named tables, with `entry` naming one, or a table), creating missing
/// intermediate tables (and the target table itself, if the document
/// leaves it to its defaults). Interventions and sweeps both write through it.
pub fn parameter_table<'d>(
    doc: &'d mut Table,
    target: &str,
    entry: Option<&str>,
    parameter: &str,
) -> Option<&'d mut Table> {
    if entry.is_none() && !doc.contains_key(target) {
        // A table the file leaves to its defaults, e.g. `[workforce]`.
        doc.insert(target.to_string(), Value::Table(Table::new()));
    }
    let node = doc.get_mut(target)?;
    let mut table = match entry {
        Some(name) => node
            .as_array_mut()?
            .iter_mut()
            .find(|v| {
                v.as_table()
                    .and_then(|t| t.get("name"))
                    .and_then(Value::as_str)
                    == Some(name)
            })?
            .as_table_mut()?,
        None => node.as_table_mut()?,
    };
    let keys: Vec<&str> = parameter.split('.').collect();
    for k in &keys[..keys.len() - 1] {
        if !table.contains_key(*k) {
            table.insert((*k).to_string(), Value::Table(Table::new()));
        }
        table = table.get_mut(*k)?.as_table_mut()?;
    }
    Some(table)
}

/// Share of a wave's change in force on `day` (0 before its start, then
/// rising by equal monthly steps to 1 over the ramp).
fn ramp_fraction(w: &Wave, day: i64) -> f64 {
    if day < w.start {
        return 0.0;
    }
    let ramp = w.intervention.ramp_months.max(1) as f64;
    // Ramp months begun by `day`, counted on the same (rounded) change days
    // that make the phases, so phase k holds step k.
    let step = change_days(w).iter().filter(|&&d| d <= day).count() as f64;
    (step / ramp).min(1.0)
}

/// Programme costs in force on `day`: each wave's share of its
/// intervention's yearly cost, ramped like the change.
fn programmes(waves: &[Wave], day: i64) -> Vec<Programme> {
    waves
        .iter()
        .filter(|w| w.intervention.cost_per_year.get() > 0.0 && day >= w.start)
        .map(|w| {
            let entries = waves.iter().filter(|x| x.index == w.index).count();
            Programme {
                target: w.intervention.target.clone(),
                entry: w.entry.clone(),
                per_year: w.intervention.cost_per_year.get() / entries as f64
                    * ramp_fraction(w, day),
            }
        })
        .collect()
}

/// The value a key has in `scenario` when the file leaves it out: a
/// borough's or a segment's need share and reach are the region's (a
/// segment's cancer share too); an absent staff
/// establishment is the one that staffs every bed, slot or rostered hour
/// (what the model compiles it to); an absent staff cost is 0.
fn defaulted(scenario: &Scenario, w: &Wave) -> Option<Value> {
    let i = w.intervention;
    let entry = w.entry.as_deref();
    let (uplift, hours) = scenario.staffing_conventions();
    let borough = || {
        scenario
            .boroughs
            .iter()
            .find(|b| Some(b.name.as_str()) == entry)
    };
    let value = match (i.target.as_str(), i.parameter.as_str()) {
        ("borough" | "segment", "need_share") => scenario.demand.need_share.get(),
        ("segment", "reach") => scenario.demand.reach.get(),
        ("segment", "cancer_share") => scenario.demand.cancer_share.get(),
        ("borough", "reach") => scenario.demand.reach.get(),
        ("borough", "hah.staff_fte") => borough()?.hah.staff_for_every_slot(uplift, hours),
        ("site", "nurses_fte") => scenario
            .sites
            .iter()
            .find(|x| Some(x.name.as_str()) == entry)?
            .nurses_for_every_bed(uplift, hours),
        ("advice_line", "nurses_fte") => scenario
            .advice_lines
            .iter()
            .find(|l| Some(l.name.as_str()) == entry)?
            .roster_fte(uplift, hours),
        ("costs", p) if p.starts_with("fte_year.") => 0.0,
        _ => return None,
    };
    Some(Value::Float(value))
}

/// Writes the wave's value as of `day` into `doc`, ramping numbers from
/// the value in force in `base` (written in the file or defaulted, see
/// [`defaulted`]).
fn apply(doc: &mut Table, base: &Table, scenario: &Scenario, w: &Wave, day: i64) {
    if day < w.start {
        return;
    }
    let i = w.intervention;
    let leaf = i
        .parameter
        .rsplit('.')
        .next()
        .unwrap_or(&i.parameter)
        .to_string();
    let old = {
        let mut copy = base.clone();
        table_mut(&mut copy, w)
            .and_then(|t| t.get(&leaf).cloned())
            .or_else(|| defaulted(scenario, w))
    };
    let fraction = ramp_fraction(w, day);
    let number = |v: &Value| v.as_float().or_else(|| v.as_integer().map(|x| x as f64));
    let value = match (old.as_ref().and_then(number), number(&i.value)) {
        (Some(a), Some(b)) => {
            let x = a + (b - a) * fraction;
            let integer = old.as_ref().is_some_and(Value::is_integer) && i.value.is_integer();
            if integer {
                Value::Integer(x.round() as i64)
            } else {
                Value::Float(x)
            }
        }
        _ => i.value.clone(),
    };
    if let Some(t) = table_mut(doc, w) {
        t.insert(leaf, value);
    }
}

/// The phases of `loaded`: its scenario as it stands, then one phase per
/// change date of its interventions. Every phase is validated.
pub fn phases(loaded: &Loaded) -> Result<Vec<Phase>, ScenarioErrors> {
    let base_scenario = &loaded.scenario;
    let warmup = -(base_scenario.scenario.warmup_days as i64);
    if base_scenario.interventions.is_empty() {
        return Ok(vec![Phase {
            from_day: warmup,
            scenario: base_scenario.clone(),
            programmes: Vec::new(),
        }]);
    }
    let base: Table = match Value::try_from(base_scenario) {
        Ok(Value::Table(t)) => t,
        _ => Table::new(),
    };
    let mut errors = Vec::new();
    let waves: Vec<Wave> = base_scenario
        .interventions
        .iter()
        .enumerate()
        .flat_map(|(k, i)| waves(loaded, &base, i, k, &mut errors))
        .collect();
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }
    let days: BTreeSet<i64> = waves
        .iter()
        .flat_map(change_days)
        .map(|d| d.max(warmup))
        .collect();
    if days.len() > MAX_CHANGES {
        let first = &base_scenario.interventions[0];
        return Err(loaded
            .error_at(
                &at(first, "ramp_months"),
                format!(
                    "expected at most {MAX_CHANGES} change dates in all, found {}",
                    days.len()
                ),
            )
            .into());
    }
    let mut phases = vec![Phase {
        from_day: warmup,
        scenario: base_scenario.clone(),
        programmes: Vec::new(),
    }];
    for day in days {
        let mut doc = base.clone();
        for w in &waves {
            apply(&mut doc, &base, base_scenario, w, day);
        }
        let scenario = read_phase(loaded, &doc, day, &waves)?;
        let programmes = programmes(&waves, day);
        if day == warmup {
            phases[0].scenario = scenario;
            phases[0].programmes = programmes;
        } else {
            phases.push(Phase {
                from_day: day,
                scenario,
                programmes,
            });
        }
    }
    Ok(phases)
}

fn read_phase(
    loaded: &Loaded,
    doc: &Table,
    day: i64,
    waves: &[Wave],
) -> Result<Scenario, ScenarioErrors> {
    let mut active: Vec<&str> = Vec::new();
    for w in waves.iter().filter(|w| w.start <= day) {
        if !active.contains(&w.intervention.name.as_str()) {
            active.push(&w.intervention.name);
        }
    }
    let context = |message: String| {
        format!(
            "with intervention(s) {} in effect on day {day}: {message}",
            active.join(", ")
        )
    };
    let scenario: Scenario =
        serde_path_to_error::deserialize(Value::Table(doc.clone())).map_err(|e| {
            // Blame the intervention that writes the key that does not fit.
            let root = Value::Table(doc.clone());
            let path = super::error::render_path(&super::load::serde_path(&root, e.path()));
            let written = |w: &&Wave| {
                let i = w.intervention;
                w.start <= day && path.ends_with(&i.parameter)
            };
            let w = waves
                .iter()
                .find(written)
                .or_else(|| waves.iter().find(|w| w.start <= day))
                .map_or(0, |w| w.index);
            let i = &loaded.scenario.interventions[w];
            let message = super::load::explain_serde(e.inner().message());
            ScenarioErrors(vec![
                loaded.error_at(&at(i, "parameter"), context(format!("{path}: {message}"))),
            ])
        })?;
    let check = Loaded {
        scenario,
        ..loaded.clone()
    };
    let errors: Vec<ScenarioError> = validate(&check)
        .into_iter()
        .map(|mut e| {
            e.message = context(e.message);
            e
        })
        .collect();
    if errors.is_empty() {
        Ok(check.scenario)
    } else {
        Err(ScenarioErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_its_changeable_parameters() {
        let listed: Vec<&str> = crate::scenario::types::CHANGEABLE
            .iter()
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(listed, TARGETS);
    }

    #[test]
    fn dates_count_365_day_years_from_the_start_year() {
        assert_eq!(day_of("2025-01-01", 2025), Some(0));
        assert_eq!(day_of("2025-07-01", 2025), Some(181));
        assert_eq!(day_of("2026-01-01", 2025), Some(365));
        assert_eq!(day_of("2024-02-29", 2025), Some(-365 + 31 + 27));
        assert_eq!(day_of("2025-13-01", 2025), None);
        assert_eq!(day_of("July 2025", 2025), None);
        assert_eq!(day_of("2026-02-30", 2025), None);
        assert_eq!(day_of("2027-02-29", 2025), None);
        assert_eq!(day_of("2028-02-29", 2025), day_of("2028-02-28", 2025));
        assert_eq!(day_of("2100-02-29", 2025), None);
        assert_eq!(day_of("2000-02-29", 2025), Some(-25 * 365 + 31 + 27));
        assert_eq!(day_of("100000000000-01-01", 2025), None);
        assert_eq!(day_of("+202-01-01", 2025), None);
    }
}
