//! The scenario's types: unit values check their own limits where they are
//! read, roles are names from one list, dates are TOML dates, and an
//! intervention may change only what the running model takes up, which
//! really changes results.

use crate::common::{carecap, carecap_ok, repo};
use carecap::model::{CareConfig, simulate};
use carecap::scenario::types::{CHANGEABLE, Intervention, check_change};
use carecap::scenario::units::{CostPerYear, Date};
use carecap::scenario::{self, Loaded, schedule};
use std::path::{Path, PathBuf};

/// Writes `body` (after `extends = <baseline>`) to `name` in `dir`.
fn option(dir: &Path, name: &str, body: &str) -> PathBuf {
    let base = repo("scenarios/nwl-baseline.toml");
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("extends = {:?}\n{body}", base.display().to_string()),
    )
    .unwrap();
    path
}

/// `carecap validate` on `path`: exit code 1, and stderr holding every
/// one of `needles`; returns stderr.
fn refused(path: &Path, needles: &[&str]) -> String {
    let r = carecap(&["validate", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&r.stderr).to_string();
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "missing {n:?} in: {stderr}");
    }
    stderr
}

#[test]
fn unit_values_out_of_their_limits_are_refused_where_they_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let f = option(
        dir.path(),
        "limits.toml",
        "[[site]]\nname = \"St John's Hospice\"\nnurses_per_bed = 11\nbeds = 2000000\n\
         [workforce]\nuplift = 3\n[costs]\ncall = -1\n[pathway]\nurgent_days = 5000\n",
    );
    refused(
        &f,
        &[
            "limits.toml:4:1: site[\"St John's Hospice\"].nurses_per_bed: expected FTE per bed between 0 and 10, found 11",
            "limits.toml:5:1: site[\"St John's Hospice\"].beds: expected a number of places of at most 1000000, found 2000000",
            "limits.toml:7:1: workforce.uplift: expected an uplift between 0 and 2, found 3",
            "limits.toml:9:1: costs.call: expected a unit cost between 0 and 1000000000, found -1",
            "limits.toml:11:1: pathway.urgent_days: expected days between 0 and 3650, found 5000",
        ],
    );
}

#[test]
fn the_schema_gives_each_unit_its_limits() {
    let out = carecap_ok(&["schema"]);
    let schema: serde_json::Value = serde_json::from_str(&out).unwrap();
    let defs = &schema["$defs"];
    for (unit, lo, hi) in [
        ("Share", 0.0, 1.0),
        ("Fte", 0.0, 100_000.0),
        ("Days", 0.0, 3_650.0),
        ("Places", 0.0, 1_000_000.0),
    ] {
        assert_eq!(defs[unit]["minimum"].as_f64(), Some(lo), "{unit}");
        assert_eq!(defs[unit]["maximum"].as_f64(), Some(hi), "{unit}");
        assert!(defs[unit]["description"].is_string(), "{unit}");
    }
    let need = &defs["Demand"]["properties"]["need_share"];
    assert_eq!(need["$ref"], "#/$defs/Share");
    assert_eq!(
        defs["Workforce"]["properties"]["roles"]["propertyNames"]["$ref"],
        "#/$defs/Role"
    );
    assert_eq!(defs["Date"]["format"], "date");
}

#[test]
fn roles_are_names_from_one_list() {
    let dir = tempfile::tempdir().unwrap();
    let f = option(
        dir.path(),
        "roles.toml",
        "[workforce.roles.cspc_nurs]\nattrition = 0.1\nrecruitment = 0.1\nhiring_lag_days = 30\n\
         vacancy = 0.1\n[costs.fte_year]\nconsultnt = 5\n",
    );
    refused(
        &f,
        &[
            "roles.toml:2:",
            "workforce.roles.cspc_nurs: expected one of the roles cspc_nurse, hah_nurse, ipu_nurse, consultant, advice_nurse, day_hospice_nurse, outpatient_clinician, psychologist, community_partner, care_coordinator, found \"cspc_nurs\" (did you mean \"cspc_nurse\"?)",
            "roles.toml:8:1: costs.fte_year.consultnt:",
            "(did you mean \"consultant\"?)",
        ],
    );
}

#[test]
fn dates_are_toml_dates_and_the_quoted_form_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let change = |from: &str| {
        format!(
            "[[intervention]]\nname = \"more beds\"\ntarget = \"site\"\nnames = [\"St John's Hospice\"]\n\
             parameter = \"beds\"\nvalue = 20\nfrom = {from}\n"
        )
    };
    let phases_of = |path: &Path| {
        let loaded = scenario::read(path).expect("valid");
        schedule::phases(&loaded)
            .expect("phases")
            .iter()
            .map(|p| p.from_day)
            .collect::<Vec<_>>()
    };
    let date = option(dir.path(), "date.toml", &change("2027-04-01"));
    let text = option(dir.path(), "text.toml", &change("\"2027-04-01\""));
    let days = phases_of(&date);
    assert_eq!(days, phases_of(&text));
    assert_eq!(days.last(), Some(&(2 * 365 + 31 + 28 + 31)));
    let stamp = option(dir.path(), "stamp.toml", &change("2027-04-01T10:00:00"));
    refused(
        &stamp,
        &[
            "stamp.toml:8:1:",
            "intervention[\"more beds\"].from",
            "expected a date",
        ],
    );
    // The shipped options (and the Ontario region's, in a folder of their
    // own) are written with TOML dates.
    for folder in ["scenarios/options", "scenarios/options/ontario"] {
        for entry in std::fs::read_dir(repo(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            assert!(!text.contains("from = \""), "{text}");
        }
    }
}

#[test]
fn interventions_on_what_a_run_cannot_change_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "borough",
            "deaths.base",
            "2000",
            &["borough.deaths.base is fixed for the whole run", "arrivals"],
        ),
        (
            "demand",
            "seasonality",
            "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]",
            &["demand.seasonality is fixed for the whole run", "arrivals"],
        ),
        (
            "demand",
            "day_of_week",
            "[1, 1, 1, 1, 1, 2, 2]",
            &["demand.day_of_week is fixed for the whole run", "arrivals"],
        ),
        (
            "site",
            "name",
            "\"Elsewhere\"",
            &["site.name is fixed for the whole run", "names"],
        ),
        (
            "borough",
            "population",
            "1",
            &["borough.population is fixed", "informational"],
        ),
        (
            "site",
            "catchment",
            "[\"Brent\"]",
            &["site.catchment is fixed", "structure"],
        ),
        (
            "advice_line",
            "boroughs",
            "[\"Brent\"]",
            &["advice_line.boroughs is fixed", "structure"],
        ),
        (
            "workforce",
            "roles.cspc_nurse.vacancy",
            "0.5",
            &[
                "roles.cspc_nurse.vacancy is fixed",
                "attrition and recruitment",
            ],
        ),
        (
            "workforce",
            "roles.cspc_nurse",
            "{ attrition = 0.1 }",
            &["holds keys that cannot change", "roles.*.attrition"],
        ),
        (
            "pathway",
            "ucp_uptak",
            "0.5",
            &["running model can change", "did you mean \"ucp_uptake\"?"],
        ),
    ];
    for (k, (target, parameter, value, needles)) in cases.iter().enumerate() {
        let name = format!("refused{k}.toml");
        let f = option(
            dir.path(),
            &name,
            &format!(
                "[[intervention]]\nname = \"change\"\ntarget = \"{target}\"\nparameter = \"{parameter}\"\n\
                 value = {value}\nfrom = 2026-01-01\n"
            ),
        );
        let mut expected = vec![format!("{name}:5:1: intervention[\"change\"].parameter: ")];
        expected.extend(needles.iter().map(|n| n.to_string()));
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        refused(&f, &expected);
    }
}

/// The baseline cut to one reported year after a short warm-up.
fn short_baseline() -> Loaded {
    let mut loaded = scenario::read(&repo("scenarios/nwl-baseline.toml")).expect("valid");
    let meta = &mut loaded.scenario.scenario;
    meta.years = 1;
    meta.warmup_days = 60;
    if loaded.scenario.segments.is_empty() {
        let toml = "[[segment]]\nname = \"Cancer\"\nshare = 0.3\ncancer_share = 1.0\n\
                    [[segment]]\nname = \"Everyone else\"\nshare = 0.7\n";
        #[derive(serde::Deserialize)]
        struct Segments {
            segment: Vec<carecap::scenario::community::Segment>,
        }
        let parsed: Segments = toml::from_str(toml).expect("segments");
        loaded.scenario.segments = parsed.segment;
    }
    if loaded.scenario.caring_communities.is_empty() {
        let toml = "[[caring_community]]\nname = \"Partners\"\nboroughs = [\"Brent\"]\n\
                    partners = 20\npeople_per_partner = 3\nreferral_share = 0.5\ncrisis_rr = 0.5\n";
        #[derive(serde::Deserialize)]
        struct Programmes {
            caring_community: Vec<carecap::scenario::community::CaringCommunity>,
        }
        let parsed: Programmes = toml::from_str(toml).expect("caring community");
        loaded.scenario.caring_communities = parsed.caring_community;
    }
    if loaded.scenario.care_coordination.is_empty() {
        let toml = "[coordination_models.partial]\nidentified_earlier_days = 30\nreach_uplift = 0.2\n\
                    crisis_rr = 0.8\n\
                    [[care_coordination]]\nname = \"Coordinators\"\nboroughs = [\"Brent\"]\n\
                    model = \"partial\"\npractices = 50\npractices_covered = 25\n\
                    coordinators_fte = 4\ncaseload_per_fte = 50\n";
        #[derive(serde::Deserialize)]
        struct Coordination {
            coordination_models: carecap::scenario::community::CoordinationModels,
            care_coordination: Vec<carecap::scenario::community::CareCoordination>,
        }
        let parsed: Coordination = toml::from_str(toml).expect("care coordination");
        loaded.scenario.coordination_models = parsed.coordination_models;
        loaded.scenario.care_coordination = parsed.care_coordination;
    }
    loaded
}

/// One replication's metric values with `changes` applied from the first
/// reported day: (target, entry, parameter, value as TOML).
fn run_with(base: &Loaded, changes: &[(&str, Option<&str>, &str, &str)]) -> Vec<f64> {
    let mut loaded = base.clone();
    let start = loaded.scenario.scenario.start_year;
    for (target, entry, parameter, value) in changes {
        let value: toml::Table = format!("v = {value}").parse().unwrap();
        loaded.scenario.interventions.push(Intervention {
            name: format!("{target}.{parameter}"),
            target: target.to_string(),
            names: entry.map(|e| vec![e.to_string()]),
            parameter: parameter.to_string(),
            value: value["v"].clone(),
            from: Date::new(start, 1, 1).unwrap(),
            ramp_months: 0,
            cohorts: None,
            cost_per_year: CostPerYear::new(0.0).unwrap(),
        });
    }
    let phases = schedule::phases(&loaded).expect("the change is valid");
    simulate(&CareConfig::from_phases(&phases), 0).values
}

/// Whether two replications' values differ anywhere.
fn differ(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .any(|(x, y)| x.is_nan() != y.is_nan() || (!x.is_nan() && x != y))
}

#[test]
fn allowed_interventions_really_change_a_run() {
    let base = short_baseline();
    let unchanged = run_with(&base, &[]);
    // A change to the value already in force is no change: the comparison
    // is honest (common random numbers make equal runs equal).
    assert!(!differ(
        &unchanged,
        &run_with(&base, &[("site", Some("St John's Hospice"), "beds", "18")])
    ));
    let brent = Some("Brent");
    let st_johns = Some("St John's Hospice");
    let line = Some("St Luke's helpline");
    let samples: &[(&str, Option<&str>, &str, &str)] = &[
        ("borough", brent, "need_share", "0.2"),
        ("borough", brent, "cspc.nurses_fte", "1.0"),
        ("borough", brent, "hah.slots", "0"),
        ("borough", brent, "hah.cover", "\"daytime\""),
        ("borough", brent, "enhanced_beds", "20"),
        ("borough", brent, "crisis_rate_multiplier", "3.0"),
        ("site", st_johns, "beds", "1"),
        (
            "site",
            st_johns,
            "discharge_after",
            "{ dist = \"fixed\", days = 1 }",
        ),
        ("site", st_johns, "nurses_fte", "1.0"),
        ("site", st_johns, "min_consultant_fte", "50.0"),
        (
            "advice_line",
            line,
            "handling_time",
            "{ dist = \"fixed\", minutes = 60 }",
        ),
        ("advice_line", line, "answer_target_seconds", "1"),
        ("advice_line", line, "nurses_fte", "0.1"),
        ("advice_line", line, "cost_per_year", "1000000.0"),
        // The baseline's segments set their own cancer share, reach and
        // unknown place of death; the need share of three of them is the
        // region's.
        ("demand", None, "need_share", "0.2"),
        ("pathway", None, "ucp_uptake", "1.0"),
        ("pathway", None, "crises_per_week", "2.0"),
        (
            "pathway",
            None,
            "terminal_phase",
            "{ dist = \"fixed\", days = 1 }",
        ),
        (
            "pathway",
            None,
            "acute_stay",
            "{ dist = \"fixed\", days = 30 }",
        ),
        ("calls", None, "per_patient_day", "1.0"),
        (
            "calls",
            None,
            "outcomes",
            "{ advice = 0.0, visit = 0.0, hah = 0.0, ambulance = 1.0 }",
        ),
        (
            "enhanced_beds",
            None,
            "discharge_after",
            "{ dist = \"fixed\", days = 1 }",
        ),
        ("bereavement", None, "capacity", "1"),
        ("bereavement", None, "cost_per_year", "1000000.0"),
        ("workforce", None, "uplift", "1.5"),
        ("workforce", None, "roles.cspc_nurse.attrition", "0.9"),
        ("costs", None, "call", "1000.0"),
        ("costs", None, "fte_year.consultant", "1000000.0"),
        (
            "day_hospice",
            Some("St Luke's day hospice"),
            "places_per_day",
            "1",
        ),
        (
            "day_hospice",
            Some("St Luke's day hospice"),
            "crisis_rr",
            "0.1",
        ),
        (
            "outpatient_clinic",
            Some("Brent clinic"),
            "sessions_per_week",
            "5",
        ),
        (
            "outpatient_clinic",
            Some("Brent clinic"),
            "first_appointments_per_session",
            "0",
        ),
        (
            "care_coordination",
            Some("Coordinators"),
            "practices_covered",
            "50",
        ),
        (
            "care_coordination",
            Some("Coordinators"),
            "coordinators_fte",
            "0.0",
        ),
        ("caring_community", Some("Partners"), "partners", "0"),
        ("caring_community", Some("Partners"), "crisis_rr", "1.0"),
        (
            "caring_community",
            Some("Partners"),
            "cost_per_year",
            "100000",
        ),
        ("segment", Some("Cancer"), "reach", "0.1"),
        ("segment", Some("Cancer"), "crisis_rate_multiplier", "5.0"),
        (
            "segment",
            Some("Cancer"),
            "preferred_place",
            "{ home = 0.0, care_home = 0.0, hospice = 0.0, hospital = 1.0 }",
        ),
        ("psychological_support", None, "staff_fte", "0.5"),
        ("psychological_support", None, "sessions", "20"),
    ];
    let mut tables: Vec<&str> = Vec::new();
    for sample @ (target, _, parameter, _) in samples {
        assert_eq!(
            check_change(target, parameter),
            Ok(()),
            "{target}.{parameter}"
        );
        let changed = run_with(&base, std::slice::from_ref(sample));
        assert!(
            differ(&unchanged, &changed),
            "an intervention on {target}.{parameter} changed nothing"
        );
        if !tables.contains(target) {
            tables.push(target);
        }
    }
    // Every table an intervention may target is sampled.
    for (target, _) in CHANGEABLE {
        assert!(tables.contains(&target), "no sample of {target}");
    }
}
