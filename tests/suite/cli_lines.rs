//! The advice line against Erlang C and Erlang A through the CLI, pooling,
//! and the workforce model's accounting.

use crate::common;

use carecap::stats::Welford;
use carecap::stats::ci::half_width;
use carecap::stats::erlang;
use common::{carecap_ok, per_replication, read_replications, repo};
use std::collections::BTreeMap;
use std::path::Path;

/// Mean and 99.9% half-width over replications (a correct model fails a
/// check by chance 1 time in 1,000; seeds are fixed).
fn interval(values: &BTreeMap<u64, f64>) -> (f64, f64) {
    let mut w = Welford::new();
    values.values().for_each(|v| w.push(*v));
    (w.mean(), half_width(&w, 0.999))
}

fn assert_near(what: &str, values: &BTreeMap<u64, f64>, theory: f64) {
    let (mean, h) = interval(values);
    eprintln!("{what}: simulated {mean:.4} ± {h:.4}, theory {theory:.4}");
    assert!(
        (mean - theory).abs() <= h,
        "{what}: {mean} ± {h} vs theory {theory}"
    );
}

fn run(dir: &Path, file: &Path, extra: &[&str]) -> BTreeMap<(u64, i32, String, String), f64> {
    let mut args = vec![
        "run",
        file.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    carecap_ok(&args);
    read_replications(dir)
}

#[test]
fn erlang_c_line_matches_waiting_probability_mean_wait_and_service_level() {
    let out = tempfile::tempdir().unwrap();
    let rows = run(
        &out.path().join("c"),
        &repo("scenarios/validation/erlang-c.toml"),
        &[],
    );
    let a = 200.0 * 10.0 / 1440.0;
    let aht = 600.0;
    assert_near(
        "P(wait)",
        &per_replication(&rows, "Line", "calls_waited_pct"),
        100.0 * erlang::erlang_c(a, 2),
    );
    assert_near(
        "mean wait",
        &per_replication(&rows, "Line", "call_wait_seconds_mean"),
        erlang::mean_wait(a, 2, aht),
    );
    // Whole-millisecond waits: "within 60 s" is a wait below 60.0005 s on average.
    assert_near(
        "answered in 60 s",
        &per_replication(&rows, "Line", "calls_answered_in_target_pct"),
        100.0 * erlang::service_level(a, 2, aht, 60.0005),
    );
    assert_near(
        "utilisation",
        &per_replication(&rows, "Line", "handler_utilisation_pct"),
        100.0 * a / 2.0,
    );
}

/// A roster that changes through the day (no handler from midnight to
/// 08:00, so the night's calls wait; three from 08:00, who clear them):
/// every call is answered and handled, so the handlers' busy time is the
/// calls' handling time (Little's law for the handlers, whatever the
/// queue), and utilisation is A × 24 h over the 48 handler-hours a day on
/// duty. It holds only if a call's end frees its handler at its own time,
/// including the ends that are not events (no one waiting), and the calls
/// answered as handlers come on duty have their ends armed while others
/// still wait (else handlers stay busy until the next caller arrives).
#[test]
fn a_changing_roster_keeps_handlers_busy_for_exactly_the_handling_time() {
    let out = tempfile::tempdir().unwrap();
    let option = out.path().join("night.toml");
    std::fs::write(
        &option,
        format!(
            "extends = {:?}\n[[advice_line]]\nname = \"Line\"\nroster = [{{ days = \"all\", from = 0, to = 8, handlers = 0 }}, {{ days = \"all\", from = 8, to = 24, handlers = 3 }}]\n",
            repo("scenarios/validation/erlang-c.toml").display().to_string()
        ),
    )
    .unwrap();
    let rows = run(&out.path().join("night"), &option, &[]);
    let a = 200.0 * 10.0 / 1440.0;
    let waited = interval(&per_replication(&rows, "Line", "calls_waited_pct")).0;
    assert!(
        waited > 20.0,
        "the night queue is exercised: {waited}% waited"
    );
    assert_near(
        "utilisation",
        &per_replication(&rows, "Line", "handler_utilisation_pct"),
        100.0 * a * 24.0 / 48.0,
    );
}

#[test]
fn impatient_callers_abandon_as_erlang_a() {
    let out = tempfile::tempdir().unwrap();
    let option = out.path().join("impatient.toml");
    std::fs::write(
        &option,
        format!(
            "extends = {:?}\n[[advice_line]]\nname = \"Line\"\npatience = {{ dist = \"exponential\", mean_minutes = 5 }}\n",
            repo("scenarios/validation/erlang-c.toml").display().to_string()
        ),
    )
    .unwrap();
    // 300 replications: with a one-second clock, ties between a call
    // ending and another arriving biased abandonment measurably at this
    // precision; millisecond ticks make such ties rare.
    let rows = run(&out.path().join("a"), &option, &["--reps", "300"]);
    let theory = erlang::erlang_a(200.0 / 86_400.0, 1.0 / 600.0, 1.0 / 300.0, 2);
    assert_near(
        "abandoned",
        &per_replication(&rows, "Line", "calls_abandoned_pct"),
        100.0 * theory.abandon_share,
    );
    assert_near(
        "P(wait)",
        &per_replication(&rows, "Line", "calls_waited_pct"),
        100.0 * theory.prob_wait,
    );
}

fn lines_scenario(loads: &[f64], handlers: &[u32], pooled: bool) -> String {
    let mut s = String::from(
        "[scenario]\nname = \"pooling\"\nstart_year = 2025\nyears = 1\nwarmup_days = 10\nreplications = 20\nseed = 5\n\
         [calls]\nhour_of_day = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n",
    );
    for i in 0..loads.len() {
        s += &format!(
            "[[borough]]\nname = \"B{i}\"\ndeaths = {{ base = 0, base_year = 2025 }}\n\
             cspc = {{ nurses_fte = 1, caseload_per_fte = 10 }}\nhah = {{ slots = 0, cover = \"24/7\" }}\n"
        );
    }
    let line = |name: &str, boroughs: &str, calls: f64, c: u32| {
        format!(
            "[[advice_line]]\nname = \"{name}\"\nboroughs = [{boroughs}]\nroster = [{{ days = \"all\", from = 0, to = 24, handlers = {c} }}]\n\
             handling_time = {{ dist = \"exponential\", mean_minutes = 10 }}\nopen_to_all = true\npublic_calls_per_day = {calls}\n"
        )
    };
    if pooled {
        let boroughs: Vec<String> = (0..loads.len()).map(|i| format!("\"B{i}\"")).collect();
        s += &line(
            "Pooled",
            &boroughs.join(","),
            loads.iter().sum(),
            handlers.iter().sum(),
        );
    } else {
        for (i, (l, c)) in loads.iter().zip(handlers).enumerate() {
            s += &line(&format!("L{i}"), &format!("\"B{i}\""), *l, *c);
        }
    }
    s
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 6, ..Default::default() })]
    /// One pooled line with the same handlers answers more calls within
    /// target than separate lines, whatever the loads (kept between 50% and
    /// 90% utilisation so that neither is trivially perfect).
    #[test]
    fn pooling_answers_more_within_target(
        handlers in proptest::collection::vec(1u32..4, 2..4),
        utilisation in proptest::collection::vec(0.5f64..0.9, 4),
    ) {
        let loads: Vec<f64> = handlers.iter().zip(&utilisation).map(|(c, u)| *c as f64 * u * 144.0).collect();
        let out = tempfile::tempdir().unwrap();
        let mut results = Vec::new();
        for pooled in [false, true] {
            let file = out.path().join(format!("{pooled}.toml"));
            std::fs::write(&file, lines_scenario(&loads, &handlers, pooled)).unwrap();
            let rows = run(&out.path().join(format!("{pooled}")), &file, &[]);
            results.push(interval(&per_replication(&rows, "ALL", "calls_answered_in_target_pct")).0);
        }
        proptest::prop_assert!(results[1] > results[0], "pooled {} vs separate {}", results[1], results[0]);
    }
}
