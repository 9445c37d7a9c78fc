//! Every class of bad input: a clear message naming file:line:column, the
//! key, what was expected and what was found; exit code 1; no panic; no
//! output folder created or changed.

mod common;

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
            "expected u32",
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
    ]);
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
    ] {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
}
