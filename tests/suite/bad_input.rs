//! Every class of bad input: a clear message naming file:line:column, the
//! key, what was expected and what was found; exit code 1; no panic; no
//! output folder created or changed.

use crate::common;

use common::{carecap, carecap_ok, repo};
use std::path::{Path, PathBuf};

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Self {
        Case {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Writes `name` with `body`; `{BASE}` becomes the baseline's path.
    fn file(&self, name: &str, body: &str) -> PathBuf {
        let base = repo("scenarios/nwl-baseline.toml");
        let path = self.dir.path().join(name);
        std::fs::write(
            &path,
            body.replace("{BASE}", &format!("{:?}", base.display().to_string())),
        )
        .unwrap();
        path
    }

    /// Runs `carecap run` on `file` and checks the failure; returns stderr.
    fn run_fails(&self, file: &Path, expected: &[&str]) -> String {
        let out = self.dir.path().join("results");
        let r = carecap(&[
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&r.stderr).to_string();
        assert_eq!(r.status.code(), Some(1), "exit code; stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        for needle in expected {
            assert!(stderr.contains(needle), "missing {needle:?} in: {stderr}");
        }
        assert!(
            !out.exists(),
            "an output folder was created for an invalid scenario"
        );
        let v = carecap(&["validate", file.to_str().unwrap()]);
        assert_eq!(v.status.code(), Some(1));
        stderr
    }
}

#[test]
fn syntax_error_names_line_and_column() {
    let c = Case::new();
    let f = c.file("syntax.toml", "extends = {BASE}\n[scenario\nname = \"x\"\n");
    c.run_fails(&f, &["syntax.toml:2:10:", "syntax", "expected `]`"]);
}

#[test]
fn wrong_type_names_key_expected_and_found() {
    let c = Case::new();
    let f = c.file(
        "type.toml",
        "extends = {BASE}\n\n[[site]]\nname = \"St John's Hospice\"\nbeds = \"twelve\"\n",
    );
    c.run_fails(
        &f,
        &[
            "type.toml:5:1:",
            "site[\"St John's Hospice\"].beds",
            "expected a whole number",
            "found string \"twelve\"",
        ],
    );
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let c = Case::new();
    let f = c.file(
        "unknown.toml",
        "extends = {BASE}\n[demand]\nneed_shar = 0.7\n",
    );
    c.run_fails(
        &f,
        &[
            "unknown.toml:3:1:",
            "demand.need_shar",
            "did you mean `need_share`?",
        ],
    );
}

#[test]
fn out_of_range_share() {
    let c = Case::new();
    let f = c.file(
        "range.toml",
        "extends = {BASE}\n[demand]\nneed_share = 1.5\n",
    );
    c.run_fails(
        &f,
        &[
            "range.toml:3:1:",
            "demand.need_share",
            "expected a share between 0 and 1, found 1.5",
        ],
    );
}

#[test]
fn shares_that_do_not_sum_to_one() {
    let c = Case::new();
    let f = c.file(
        "sum.toml",
        "extends = {BASE}\n[pathway]\npreferred_place = { home = 0.5, care_home = 0.1, hospice = 0.1, hospital = 0.1 }\n",
    );
    c.run_fails(
        &f,
        &["sum.toml:3:1:", "pathway.preferred_place", "sum to 1"],
    );
}

#[test]
fn dangling_reference_suggests_a_borough() {
    let c = Case::new();
    let f = c.file(
        "dangling.toml",
        "extends = {BASE}\n[[site]]\nname = \"St John's Hospice\"\ncatchment = [\"Westminstr\"]\n",
    );
    c.run_fails(
        &f,
        &[
            "dangling.toml:4:1:",
            "catchment",
            "found \"Westminstr\"",
            "did you mean \"Westminster\"?",
        ],
    );
}

#[test]
fn extends_cycle_is_refused() {
    let c = Case::new();
    c.file("b.toml", "extends = \"a.toml\"\n");
    let a = c.file("a.toml", "extends = \"b.toml\"\n");
    c.run_fails(
        &a,
        &[
            "b.toml:1:1:",
            "extends",
            "without cycles",
            "a.toml → b.toml → a.toml",
        ],
    );
}

#[test]
fn extends_missing_file_is_refused() {
    let c = Case::new();
    let f = c.file("missing.toml", "extends = \"nope.toml\"\n");
    c.run_fails(&f, &["missing.toml:1:1:", "extends", "nope.toml"]);
}

#[test]
fn absurd_sizes_hit_a_clear_limit() {
    let c = Case::new();
    let f = c.file(
        "absurd.toml",
        "extends = {BASE}\n[scenario]\nname = \"x\"\nyears = 50\nreplications = 100000\n",
    );
    c.run_fails(
        &f,
        &[
            "absurd.toml:5:1:",
            "scenario.replications",
            "expected a run of at most",
        ],
    );
    let g = c.file(
        "huge.toml",
        "extends = {BASE}\n[[site]]\nname = \"St John's Hospice\"\nbeds = 4000000000\n",
    );
    c.run_fails(&g, &["huge.toml:4:1:", "beds", "at most 1000000"]);
    let h = c.file("years.toml", "extends = {BASE}\n[scenario]\nyears = 5000\n");
    c.run_fails(
        &h,
        &[
            "years.toml:3:1:",
            "scenario.years",
            "expected 1 to 50 years",
        ],
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let c = Case::new();
    let f = c.file(
        "many.toml",
        "extends = {BASE}\n[demand]\nneed_share = 2\nreach = -1\n",
    );
    let stderr = c.run_fails(&f, &["many.toml:3:1:", "many.toml:4:1:"]);
    assert_eq!(
        stderr.lines().filter(|l| l.contains("many.toml:")).count(),
        2
    );
}

#[test]
fn unwritable_output_folder_is_refused_before_running() {
    let c = Case::new();
    let blocker = c.dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let out = blocker.join("results");
    let r = carecap(&[
        "run",
        "scenarios/nwl-baseline.toml",
        "--reps",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write results to") && stderr.contains("a-file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not a folder");
}

#[test]
fn the_shipped_scenarios_are_valid() {
    carecap_ok(&[
        "validate",
        "scenarios/nwl-baseline.toml",
        "scenarios/validation/erlang-b.toml",
        "scenarios/ontario-region.toml",
        "scenarios/options/ontario/coordination-total.toml",
        "scenarios/options/ontario/coordination-partial.toml",
        "scenarios/options/ontario/coordination-virtual.toml",
        "scenarios/options/ontario/coaching-two-cohorts.toml",
    ]);
}

/// Care homes and coaching: a care home naming no segment, a cohort year
/// that is no year of the run, cohorts larger than the organisations, an
/// unknown setting — each reported at its line with what was expected.
#[test]
fn care_homes_and_coaching_are_checked() {
    let c = Case::new();
    let ontario = repo("scenarios/ontario-region.toml");
    let body = format!(
        "extends = {:?}\n\
         [[care_home]]\nname = \"Urban Core long-term care\"\nsegment = \"Long-term care resident\"\n\
         [[coaching]]\nname = \"Urban Core care-home coaching\"\ncohorts = {{ 20x6 = 3, 2027 = 20 }}\n",
        ontario.display().to_string()
    );
    let f = c.file("homes.toml", &body);
    c.run_fails(
        &f,
        &[
            "homes.toml:4:1: care_home[\"Urban Core long-term care\"].segment",
            "did you mean \"Long-term care residents\"?",
            "coaching[\"Urban Core care-home coaching\"].cohorts.20x6: expected a calendar year",
            "expected cohorts of at most organisations (12) in all, found 32",
        ],
    );
    let body = format!(
        "extends = {:?}\n[[coaching]]\nname = \"Urban Core community coaching\"\nsetting = \"hospital\"\n",
        ontario.display().to_string()
    );
    let f = c.file("setting.toml", &body);
    c.run_fails(
        &f,
        &[
            "setting.toml:4:1:",
            "setting: expected one of care_home, community",
            "found \"hospital\"",
        ],
    );
}

#[test]
fn schema_describes_the_scenario_tables() {
    let r = carecap(&["schema"]);
    assert!(r.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let props = &schema["properties"];
    for key in [
        "scenario",
        "demand",
        "borough",
        "site",
        "pathway",
        "enhanced_beds",
        "bereavement",
        "care_home",
        "coaching",
        "coaching_effects",
    ] {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
}

/// Runs carecap with `args`, killing it after `seconds`: returns (exit
/// code, stdout, stderr), with `None` as the code when it had to be killed.
/// The process may use at most 2 GB of address space, so that a bug that
/// reads without end fails the test instead of exhausting the machine.
fn carecap_within(args: &[&str], seconds: u64) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("stdout");
    let err_path = dir.path().join("stderr");
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_carecap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("carecap starts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).to_string();
    (code, read(&out_path), read(&err_path))
}

/// Hole 1: a public caller who hangs up at once and is called back at once
/// would, as a new public call, hang up and be called back again at the
/// same simulated instant for ever. A callback is not itself called back,
/// so the run ends.
#[test]
fn livelock_callback_of_a_callback() {
    let c = Case::new();
    let base = repo("scenarios/validation/erlang-c.toml");
    let f = c.file(
        "livelock.toml",
        &format!(
            "extends = {:?}\n[scenario]\nname = \"livelock\"\nreplications = 1\nwarmup_days = 0\n\
             [[advice_line]]\nname = \"Line\"\nroster = [{{ days = \"all\", from = 0, to = 1, handlers = 1 }}]\n\
             patience = {{ dist = \"fixed\", minutes = 0 }}\ncallback_share = 1\ncallback_delay_minutes = 0\n",
            base.display().to_string()
        ),
    );
    let out = c.dir.path().join("results");
    let (code, _, stderr) = carecap_within(
        &[
            "run",
            f.to_str().unwrap(),
            "--no-charts",
            "--threads",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
        60,
    );
    assert_eq!(
        code,
        Some(0),
        "killed after 60 s or failed; stderr: {stderr}"
    );
    let rows = common::read_replications(&out);
    // Callbacks never hang up (they have no patience), and every first call
    // that hangs up is called back once: callbacks = calls abandoned, exactly.
    let per_year: Vec<(f64, f64)> = rows
        .iter()
        .filter(|((_, _, area, m), _)| area == "Line" && m == "calls")
        .map(|((rep, year, _, _), calls)| {
            let key = |m: &str| (*rep, *year, "Line".to_string(), m.to_string());
            let abandoned = rows[&key("calls_abandoned_pct")] * calls / 100.0;
            (abandoned.round(), rows[&key("callbacks")])
        })
        .collect();
    assert!(!per_year.is_empty() && per_year.iter().all(|(a, _)| *a > 0.0));
    for (abandoned, callbacks) in per_year {
        assert_eq!(abandoned, callbacks);
    }
}

/// Hole 2: a device or a FIFO named as a scenario, `extends` or sweep file
/// is refused at once (not read until memory runs out, nor waited on).
#[test]
fn unbounded_reads_only_regular_files() {
    let c = Case::new();
    let fifo = c.dir.path().join("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let zero = c.file("zero.toml", "extends = \"/dev/zero\"\n");
    let piped = c.file("piped.toml", "extends = \"pipe.toml\"\n");
    let fifo = fifo.to_str().unwrap();
    let cases: [&[&str]; 5] = [
        &["validate", "/dev/zero"],
        &["validate", zero.to_str().unwrap()],
        &["validate", fifo],
        &["validate", piped.to_str().unwrap()],
        &[
            "batch",
            "scenarios/validation/erlang-c.toml",
            "--sweep",
            "/dev/zero",
        ],
    ];
    for args in cases {
        let (code, _, stderr) = carecap_within(args, 20);
        assert_eq!(code, Some(1), "{args:?}: exit code; stderr: {stderr}");
        assert!(
            stderr.contains("expected a regular file"),
            "{args:?}: {stderr}"
        );
    }
}

/// Hole 3: names have a length limit (each is repeated on every row of the
/// results), and calls count towards the limit on a run's size.
#[test]
fn output_size_names_and_calls_are_limited() {
    let c = Case::new();
    let erlang = std::fs::read_to_string(repo("scenarios/validation/erlang-c.toml")).unwrap();
    let long = "W".repeat(1000);
    let f = c.file(
        "long.toml",
        &erlang.replace("\"Validation\"", &format!("{long:?}")),
    );
    c.run_fails(&f, &["long.toml:", "borough", "at most 100 characters"]);
    let base = format!(
        "extends = {:?}\n",
        repo("scenarios/validation/erlang-c.toml")
            .display()
            .to_string()
    );
    let g = c.file(
        "busy.toml",
        &format!("{base}[scenario]\nname = \"busy\"\nyears = 50\nreplications = 100000\n"),
    );
    c.run_fails(
        &g,
        &[
            "busy.toml:",
            "scenario.replications",
            "expected a run of at most",
        ],
    );
    let h = c.file(
        "million.toml",
        &format!("{base}[[advice_line]]\nname = \"Line\"\npublic_calls_per_day = 1e6\n"),
    );
    c.run_fails(
        &h,
        &["million.toml:", "public_calls_per_day", "calls per day"],
    );
}

/// Hole 6: intervention dates are real calendar dates within reach; a date
/// after the last simulated day is a warning.
#[test]
fn dates_are_real_calendar_dates() {
    let c = Case::new();
    let change = |from: &str| {
        format!(
            "extends = {{BASE}}\n[[intervention]]\nname = \"more beds\"\ntarget = \"site\"\n\
             names = [\"St John's Hospice\"]\nparameter = \"beds\"\nvalue = 20\nfrom = {from:?}\n"
        )
    };
    for (name, from) in [
        ("feb30.toml", "2026-02-30"),
        ("feb29.toml", "2027-02-29"),
        ("far.toml", "100000000000-01-01"),
        ("short.toml", "26-01-01"),
    ] {
        let f = c.file(name, &change(from));
        c.run_fails(
            &f,
            &[name, "intervention[\"more beds\"].from", "expected a date"],
        );
    }
    let leap = c.file("leap.toml", &change("2028-02-29"));
    carecap_ok(&["validate", leap.to_str().unwrap()]);
    let late = c.file("late.toml", &change("2090-01-01"));
    let r = carecap(&["validate", late.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("late.toml:")
            && stderr.contains("after the last simulated day"),
        "{stderr}"
    );
}

/// Hole 9: usage errors exit 1 and name the command line, and `validate`
/// checks sweep files as sweeps.
#[test]
fn usage_errors_exit_1_and_blame_the_command_line() {
    let c = Case::new();
    let out = c.dir.path().join("results");
    let r = carecap(&[
        "run",
        "scenarios/validation/erlang-c.toml",
        "--reps",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--reps") && !stderr.contains("erlang-c.toml:"),
        "{stderr}"
    );
    assert!(!out.exists());
    for args in [
        &[
            "run",
            "scenarios/validation/erlang-c.toml",
            "--shard",
            "3/3",
        ][..],
        &["run"][..],
        &["frobnicate"][..],
        &[
            "run",
            "scenarios/validation/erlang-c.toml",
            "--threads",
            "many",
        ][..],
    ] {
        let r = carecap(args);
        assert_eq!(
            r.status.code(),
            Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
    }
    assert_eq!(carecap(&["--help"]).status.code(), Some(0));
    carecap_ok(&["validate", "scenarios/sweeps/st-johns-beds.toml"]);
    let bad = c.file(
        "sweep.toml",
        "[[parameter]]\ntarget = \"site\"\nparameter = \"beds\"\nvalues = [1, 2]\n\
         with = [{ parameter = \"nurses_fte\", values = [1] }]\n",
    );
    let r = carecap(&["validate", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sweep.toml:5:") && stderr.contains("with"),
        "{stderr}"
    );
}

/// Hole 11: messages in plain words at a real position; a misspelt name in
/// an option is not silently a new entry; every error is reported.
#[test]
fn messages_name_the_place_in_plain_words() {
    let c = Case::new();
    // A misspelt site name: the near name is suggested, and the new site's
    // missing keys are named in plain words.
    let f = c.file(
        "misspelt.toml",
        "extends = {BASE}\n[[site]]\nname = \"St Johns Hospice\"\nbeds = 20\n",
    );
    let stderr = c.run_fails(
        &f,
        &[
            "misspelt.toml:3:",
            "did you mean \"St John's Hospice\"?",
            "a new site needs",
            "catchment",
            "discharge_after",
        ],
    );
    // No Rust jargon.
    let g = c.file(
        "jargon.toml",
        "extends = {BASE}\n[[site]]\nname = \"St John's Hospice\"\nbeds = \"twelve\"\n\
         discharge_after = { dist = \"gamma\", days = 3 }\n",
    );
    let stderr2 = c.run_fails(
        &g,
        &[
            "jargon.toml:4:",
            "expected a whole number",
            "jargon.toml:5:",
            "lognormal, exponential, fixed",
        ],
    );
    for text in [&stderr, &stderr2] {
        for jargon in ["u32", "internally tagged", "enum", "Some(", ":0:0:"] {
            assert!(!text.contains(jargon), "jargon {jargon:?} in: {text}");
        }
    }
    // Positions, not 0:0: invalid UTF-8, deep nesting.
    let bad_utf8 = c.dir.path().join("utf8.toml");
    std::fs::write(&bad_utf8, b"[scenario]\nname = \"caf\xe9\"\n").unwrap();
    let stderr = c.run_fails(&bad_utf8, &["utf8.toml:2:", "UTF-8"]);
    assert!(!stderr.contains(":0:0:"), "{stderr}");
    let deep = c.file(
        "deep.toml",
        &format!("x = {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    );
    let stderr = c.run_fails(&deep, &["deep.toml:1:"]);
    assert!(!stderr.contains(":0:0:"), "{stderr}");
    // Duplicate keys are named.
    let d = c.file(
        "dup.toml",
        "extends = {BASE}\n[demand]\nreach = 0.5\nreach = 0.6\n",
    );
    c.run_fails(&d, &["dup.toml:4:1:", "`reach`"]);
    // Every problem, from deserialising as from validating.
    let m = c.file(
        "many.toml",
        "extends = {BASE}\n[demand]\nneed_share = \"high\"\n[pathway]\ncrisis_bed_share = \"x\"\n",
    );
    c.run_fails(&m, &["many.toml:3:1:", "many.toml:5:1:"]);
}

/// `[[segment]]`: shares of deaths that do not sum to 1, a name that is a
/// borough's, a reach out of range and a misspelt key, each at its
/// file:line:column.
#[test]
fn segment_keys_are_checked() {
    let c = Case::new();
    let f = c.file(
        "segments.toml",
        "extends = {BASE}\n\
         [[segment]]\nname = \"Brent\"\nshare = 0.6\n",
    );
    // The baseline's four segments sum to 1; this one is added to them.
    c.run_fails(
        &f,
        &[
            "segments.toml:3:1:",
            "segment[\"Brent\"].name",
            "expected a segment name that is not a borough's",
            "segments.toml:4:1:",
            "segment[\"Brent\"].share",
            "expected segment shares of deaths that sum to 1, found a sum of 1.6",
        ],
    );
    let f = c.file(
        "reach.toml",
        "extends = {BASE}\n\
         [[segment]]\nname = \"Everyone\"\nshare = 1.0\nreach = 1.2\ncrisis_rate_multplier = 2\n",
    );
    c.run_fails(
        &f,
        &[
            "reach.toml:5:",
            "segment[\"Everyone\"].reach",
            "expected a share between 0 and 1, found 1.2",
            "reach.toml:6:",
            "unknown key `crisis_rate_multplier` (did you mean `crisis_rate_multiplier`?)",
        ],
    );
}

/// `[[caring_community]]`: an unknown borough (with the nearest), a
/// borough in two programmes, a share out of range and a misspelt key.
#[test]
fn caring_community_keys_are_checked() {
    let c = Case::new();
    let f = c.file(
        "partners.toml",
        "extends = {BASE}\n\
         [[caring_community]]\nname = \"North\"\nboroughs = [\"Brnt\"]\npartners = 10\n\
         people_per_partner = 3\nreferral_share = 1.3\n\
         [[caring_community]]\nname = \"South\"\nboroughs = [\"Ealing\", \"Ealing\"]\npartners = 10\n\
         people_per_partner = 3\nreferral_share = 0.3\ncrisis_rate = 0.9\n",
    );
    c.run_fails(
        &f,
        &[
            "partners.toml:7:1:",
            "caring_community[\"North\"].referral_share",
            "expected a share between 0 and 1, found 1.3",
            "partners.toml:14:1:",
            "unknown key `crisis_rate` (did you mean `crisis_rr`?)",
        ],
    );
    let f = c.file(
        "borough.toml",
        "extends = {BASE}\n\
         [[caring_community]]\nname = \"North\"\nboroughs = [\"Brnt\"]\npartners = 10\n\
         people_per_partner = 3\nreferral_share = 0.3\n\
         [[caring_community]]\nname = \"South\"\nboroughs = [\"Ealing\", \"Ealing\"]\npartners = 10\n\
         people_per_partner = 3\nreferral_share = 0.3\n",
    );
    c.run_fails(
        &f,
        &[
            "borough.toml:4:1:",
            "caring_community[\"North\"].boroughs: expected a borough defined by [[borough]], found \"Brnt\" (did you mean \"Brent\"?)",
            "borough.toml:10:1:",
            "expected each borough served by one [[caring_community]], found \"Ealing\" twice",
        ],
    );
}

/// `[[care_coordination]]`: more practices covered than there are, an
/// integration model that does not exist, and `[coordination_models]`
/// with a misspelt model.
#[test]
fn care_coordination_keys_are_checked() {
    let c = Case::new();
    let f = c.file(
        "coordination.toml",
        "extends = {BASE}\n\
         [[care_coordination]]\nname = \"Brent\"\nboroughs = [\"Brent\"]\nmodel = \"partial\"\n\
         practices = 50\npractices_covered = 60\ncoordinators_fte = 4\ncaseload_per_fte = 50\n",
    );
    c.run_fails(
        &f,
        &[
            "coordination.toml:7:1:",
            "care_coordination[\"Brent\"].practices_covered",
            "expected at most practices (50), found 60",
        ],
    );
    let f = c.file(
        "model.toml",
        "extends = {BASE}\n\
         [coordination_models.virtal]\nreach_uplift = 0.1\n\
         [[care_coordination]]\nname = \"Brent\"\nboroughs = [\"Brent\"]\nmodel = \"embedded\"\n\
         practices = 50\npractices_covered = 10\ncoordinators_fte = 4\ncaseload_per_fte = 50\n",
    );
    c.run_fails(
        &f,
        &[
            "coordination_models.virtal",
            "did you mean `virtual`?",
            "care_coordination[\"Brent\"].model",
            "total, partial, virtual",
        ],
    );
}

#[test]
fn a_currency_is_a_short_symbol_or_code() {
    let c = Case::new();
    for (name, currency) in [
        ("digits.toml", "12"),
        ("long.toml", "DOLLARS"),
        ("space.toml", "C $"),
    ] {
        let f = c.file(
            name,
            &format!("extends = {{BASE}}\n[costs]\ncurrency = {currency:?}\n"),
        );
        c.run_fails(
            &f,
            &[name, "costs.currency", "expected a currency symbol or code"],
        );
    }
    // Options compared together share a currency.
    let dollars = c.file(
        "dollars.toml",
        "extends = {BASE}\n[scenario]\nname = \"dollars\"\n[costs]\ncurrency = \"$\"\n",
    );
    let base = repo("scenarios/nwl-baseline.toml");
    let out = c.dir.path().join("compared");
    let r = carecap(&[
        "compare",
        base.to_str().unwrap(),
        dollars.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("costs.currency") && stderr.contains("expected the currency of"),
        "{stderr}"
    );
}
