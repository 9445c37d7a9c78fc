//! The national-scale scenario `scenarios/scale/england.toml` (generated
//! by `scripts/england-scenario`): it loads and validates, has the shape
//! the README states (309 areas in 42 ICBs, each ICB with its own hospice
//! units and advice line, England's deaths), every area is served, the
//! national study of 10 years × 1,000 replications passes the size check,
//! `carecap slurm` writes its scripts and advises shards of at least a
//! minute, and studies too large for one machine are refused with the
//! remedy. Nothing is simulated here.

use crate::common;

use carecap::scenario::validate::{MAX_EVENTS, events_per_year};
use common::{carecap_ok, repo};
use std::collections::BTreeMap;

const ENGLAND: &str = "scenarios/scale/england.toml";

/// Runs carecap with `args`, expecting a refusal before anything is
/// simulated; returns what it wrote to stderr. A check that no longer
/// refuses would start a study of hours: give it a minute, then stop it
/// and fail.
fn refused(args: &[&str]) -> String {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_carecap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("carecap starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("carecap runs").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still simulating after a minute: not refused");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().expect("carecap ends");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!o.status.success(), "{args:?} ran: {err}");
    err
}

#[test]
fn england_loads_validates_and_serves_every_area_once() {
    let out = carecap_ok(&["validate", ENGLAND]);
    assert!(out.contains("ok (england)"), "{out}");
    let s = carecap::scenario::read(&repo(ENGLAND)).unwrap().scenario;
    assert_eq!(s.boroughs.len(), 309);
    assert_eq!(s.advice_lines.len(), 42);
    assert!(s.sites.len() >= 42, "{} sites", s.sites.len());
    let deaths: f64 = s
        .boroughs
        .iter()
        .map(|b| b.deaths.base.unwrap().get())
        .sum();
    assert!((deaths - 540_000.0).abs() < 50.0, "{deaths} deaths");
    // Every area in exactly one unit's catchment and on exactly one line,
    // and a unit's catchment on one line (the ICB's).
    let mut site_of = BTreeMap::new();
    for site in &s.sites {
        for b in &site.catchment {
            assert!(site_of.insert(b.clone(), &site.name).is_none(), "{b} twice");
        }
    }
    let mut line_of = BTreeMap::new();
    for line in &s.advice_lines {
        for b in &line.boroughs {
            assert!(line_of.insert(b.clone(), &line.name).is_none(), "{b} twice");
        }
    }
    for b in &s.boroughs {
        assert!(
            site_of.contains_key(&b.name),
            "{} has no hospice unit",
            b.name
        );
        assert!(
            line_of.contains_key(&b.name),
            "{} has no advice line",
            b.name
        );
    }
    for site in &s.sites {
        let lines: std::collections::BTreeSet<_> =
            site.catchment.iter().map(|b| line_of[b]).collect();
        assert_eq!(lines.len(), 1, "{} spans lines {lines:?}", site.name);
    }
    // The national study the README estimates is within the size limit.
    let simulated_years = f64::from(s.scenario.years) + f64::from(s.scenario.warmup_days) / 365.0;
    let events = events_per_year(&s) * simulated_years * 1_000.0;
    assert!(events < MAX_EVENTS, "{events:.3e} estimated events");
    // The generated file names no machine's path: not this checkout's,
    // nor the folder it sits in (where the data folder is).
    let text = std::fs::read_to_string(repo(ENGLAND)).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [root, root.parent().unwrap_or(root)] {
        let dir = dir.display().to_string();
        assert!(!text.contains(&dir), "the scenario names {dir}");
    }
}

#[test]
fn england_writes_slurm_scripts_for_the_national_study() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("england");
    carecap_ok(&[
        "slurm",
        ENGLAND,
        "--shards",
        "100",
        "--reps",
        "1000",
        "--replications",
        "parquet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let run = std::fs::read_to_string(out.join("run.sbatch")).unwrap();
    assert!(
        run.contains("--reps 1000 --replications parquet --shard \"$SLURM_ARRAY_TASK_ID/100\""),
        "{run}"
    );
}

/// Writes `file` in `dir`: the national scenario extended by `toml`;
/// returns its path.
fn england_variant(dir: &std::path::Path, file: &str, toml: &str) -> String {
    let england = std::fs::canonicalize(ENGLAND).unwrap();
    let path = dir.join(file);
    let text = format!("extends = {:?}\n\n{toml}", england.display().to_string());
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The most shards `carecap slurm` advises for `args` (its "use at most
/// --shards N").
fn shards_advised(args: &[&str]) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s").display().to_string();
    let said = carecap_ok(&[&["slurm"], args, &["--out", &out]].concat());
    let (_, after) = said
        .split_once("use at most --shards ")
        .unwrap_or_else(|| panic!("no advice in {said}"));
    after.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn slurm_advises_shards_of_at_least_a_minute_and_the_readme_follows_it() {
    let england = |cpus: &str| {
        shards_advised(&[
            ENGLAND,
            "--reps",
            "1000",
            "--shards",
            "16",
            "--cpus-per-task",
            cpus,
        ])
    };
    let (four, one) = (england("4"), england("1"));
    // The README's national study: 16 shards of 4 threads.
    assert!(four >= 16, "at most {four} shards advised");
    // A quarter of the threads, four times the shards (rounded down).
    assert!(
        one >= 4 * four && one < 4 * (four + 1),
        "{one} against {four}"
    );
    // Ten replications of the baseline are seconds of work: one shard.
    let small = shards_advised(&[
        "scenarios/nwl-baseline.toml",
        "--reps",
        "10",
        "--shards",
        "2",
    ]);
    assert_eq!(small, 1);
}

#[test]
fn a_study_too_large_for_one_machine_runs_in_shards() {
    // 5,000 national replications: about 1.8·10¹¹ estimated events, past
    // the limit of one run (10¹¹), which applies to each shard's share. The
    // refusal names the fewest shards that pass both limits, and they do.
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();
    let whole = refused(&["run", ENGLAND, "--reps", "5000", "--out", &out("whole")]);
    assert!(
        whole.contains("for 5000 replications") && whole.contains("at least 4 shards"),
        "{whole}"
    );
    // The replications came from --reps: the error names the flag, not the
    // file's own `replications = 10` line.
    assert!(
        whole.contains(&format!("{ENGLAND}: scenario.replications:"))
            && whole.contains("(set on the command line); lower --reps,"),
        "{whole}"
    );
    let halves = refused(&[
        "run",
        ENGLAND,
        "--reps",
        "5000",
        "--shard",
        "0/2",
        "--out",
        &out("h"),
    ]);
    assert!(
        halves.contains("a shard's 2500 of 5000 replications in 2 shards")
            && halves.contains("at least 4 shards"),
        "{halves}"
    );
    let three = refused(&[
        "slurm",
        ENGLAND,
        "--reps",
        "5000",
        "--shards",
        "3",
        "--out",
        &out("s3"),
    ]);
    assert!(three.contains("at least 4 shards"), "{three}");
    let written = carecap_ok(&[
        "slurm",
        ENGLAND,
        "--reps",
        "5000",
        "--shards",
        "4",
        "--out",
        &out("s4"),
    ]);
    assert!(written.contains("1250 per shard"), "{written}");
    let run = std::fs::read_to_string(dir.path().join("s4/run.sbatch")).unwrap();
    assert!(run.contains("--reps 5000"), "{run}");
}

#[test]
fn a_study_too_large_in_its_file_is_refused_at_the_line_that_asks() {
    // The other side of naming --reps: replications the file asks for are
    // still refused at their line, with the file's words.
    let dir = tempfile::tempdir().unwrap();
    let toml = "[scenario]\nreplications = 5000\n";
    let path = england_variant(dir.path(), "england-5000.toml", toml);
    let err = refused(&[
        "run",
        &path,
        "--out",
        &dir.path().join("o").display().to_string(),
    ]);
    assert!(
        err.contains(&format!("{path}:4:1: scenario.replications:"))
            && err.contains("for 5000 replications; lower replications,"),
        "{err}"
    );
}

#[test]
fn an_option_too_large_at_its_baselines_replications_names_the_baseline() {
    // Forty times the calls: the option, not the baseline, is past the
    // limit at the baseline's 1,000 replications.
    let dir = tempfile::tempdir().unwrap();
    let toml = "[scenario]\nname = \"busy\"\n\n[calls]\nper_patient_day = 2.0\n";
    let path = england_variant(dir.path(), "busy.toml", toml);
    let out = dir.path().join("o").display().to_string();
    let err = refused(&["compare", ENGLAND, &path, "--reps", "1000", "--out", &out]);
    assert!(
        err.contains(&format!("{path}: scenario.replications:"))
            && err.contains("for 1000 replications (the baseline's); lower the baseline's replications (or --reps),"),
        "{err}"
    );
}

#[test]
fn a_precision_run_is_limited_by_the_most_replications_it_may_reach() {
    // One batch of 100 baseline replications is small; --max-reps 100000
    // could take it past the limit, and cannot be sharded.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p").display().to_string();
    let baseline = "scenarios/nwl-baseline.toml";
    let args = ["run", baseline, "--reps", "100", "--precision", "0.0001"];
    let args = [&args[..], &["--max-reps", "100000", "--out", &out]].concat();
    // Before the check, this started simulating up to 100,000 replications.
    let err = refused(&args);
    assert!(
        err.contains("for 100000 replications") && err.contains("lower --max-reps to at most"),
        "{err}"
    );
    assert!(!err.contains("shards"), "{err}");
}

#[test]
fn validate_checks_the_size_of_a_study_for_its_shards() {
    // A national file asking for 5,000 replications is too large for one
    // machine, and fine for the 4 shards a cluster would run it in.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo(ENGLAND)).unwrap();
    let (before, after) = text
        .split_once("\nreplications = ")
        .expect("replications line");
    let rest = after.split_once('\n').map_or("", |(_, r)| r);
    let file = dir.path().join("england-5000.toml");
    std::fs::write(&file, format!("{before}\nreplications = 5000\n{rest}")).unwrap();
    let path = file.display().to_string();
    let one = common::carecap(&["validate", &path]);
    let err = String::from_utf8_lossy(&one.stderr);
    assert!(
        !one.status.success() && err.contains("at least 4 shards"),
        "{err}"
    );
    let four = carecap_ok(&["validate", &path, "--shards", "4"]);
    assert!(four.contains("ok (england)"), "{four}");
}
