//! The README documents every metric and shows the test command CI runs.

use carecap::model::METRICS;
use carecap::model::advice::BY_HOUR_METRICS;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn every_metric_is_defined_in_the_readme_table() {
    let text = readme();
    for name in METRICS.iter().map(|m| m.name) {
        assert!(
            text.contains(&format!("| `{name}` |")),
            "README lacks a table row for {name}"
        );
    }
    for name in BY_HOUR_METRICS {
        assert!(
            text.contains(&format!("`{name}`")),
            "README does not mention {name}"
        );
    }
}

#[test]
fn readme_shows_the_ci_test_command() {
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(ci.contains("bash scripts/test"));
    assert!(readme().contains("bash scripts/test"));
}
