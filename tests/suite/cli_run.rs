//! `carecap run` end to end: the care model reduced to Erlang B through the
//! CLI, identical bytes for any thread count, and common random numbers.

use crate::common;

use carecap::stats::Welford;
use carecap::stats::ci::half_width;
use carecap::stats::erlang::erlang_b;
use common::{carecap, carecap_ok, per_replication, read_replications, repo};

#[test]
fn erlang_b_scenario_reproduces_blocking_and_occupancy() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("erlang-b");
    let result = carecap(&[
        "run",
        "scenarios/validation/erlang-b.toml",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let rows = read_replications(&dir);
    let admitted = per_replication(&rows, "Hospice", "ipu_admissions");
    let refused = per_replication(&rows, "Hospice", "ipu_turned_away");
    let occupancy = per_replication(&rows, "Hospice", "ipu_occupancy_mean");
    let (mut blocking, mut occ) = (Welford::new(), Welford::new());
    for (rep, a) in &admitted {
        let r = refused[rep];
        blocking.push(r / (a + r));
        occ.push(occupancy[rep] / 5.0); // five reported years
    }
    assert_eq!(blocking.count(), 100);
    let b = erlang_b(28.0, 30);
    // 99.9% Student-t interval: a correct model fails this by chance 1 time in 1,000.
    let hb = half_width(&blocking, 0.999);
    assert!(
        (blocking.mean() - b).abs() <= hb,
        "blocking {} vs Erlang B {b} ± {hb}",
        blocking.mean()
    );
    let expected = 2.0 * (1.0 - b) * 14.0;
    let ho = half_width(&occ, 0.999);
    assert!(
        (occ.mean() - expected).abs() <= ho,
        "occupancy {} vs {expected} ± {ho}",
        occ.mean()
    );
}

#[test]
fn one_and_two_threads_give_identical_bytes() {
    let out = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let dir = out.path().join(threads);
        carecap_ok(&[
            "run",
            "scenarios/nwl-baseline.toml",
            "--reps",
            "6",
            "--threads",
            threads,
            "--out",
            dir.to_str().unwrap(),
        ]);
        let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
        outputs.push((read("replications.csv"), read("summary.csv")));
    }
    assert!(outputs[0].0.len() > 10_000);
    assert!(outputs[0] == outputs[1], "thread count changed the results");
}

#[test]
fn adding_beds_leaves_referrals_and_deaths_identical() {
    let out = tempfile::tempdir().unwrap();
    let option = out.path().join("more-beds.toml");
    let baseline = repo("scenarios/nwl-baseline.toml");
    std::fs::write(
        &option,
        format!(
            "extends = {:?}\n[scenario]\nname = \"more-beds\"\n[[site]]\nname = \"St John's Hospice\"\nbeds = 30\n",
            baseline.display().to_string()
        ),
    )
    .unwrap();
    let mut runs = Vec::new();
    for (file, name) in [
        (baseline.to_str().unwrap(), "base"),
        (option.to_str().unwrap(), "option"),
    ] {
        let dir = out.path().join(name);
        carecap_ok(&["run", file, "--reps", "4", "--out", dir.to_str().unwrap()]);
        runs.push(read_replications(&dir));
    }
    let pick = |rows: &std::collections::BTreeMap<(u64, i32, String, String), f64>,
                metric: &str| {
        rows.iter()
            .filter(|(k, _)| k.3 == metric)
            .map(|(k, v)| (k.clone(), *v))
            .collect::<Vec<_>>()
    };
    assert_eq!(pick(&runs[0], "referrals"), pick(&runs[1], "referrals"));
    // A person's time of death is their own: no bed moves it.
    assert_eq!(pick(&runs[0], "deaths"), pick(&runs[1], "deaths"));
    assert_ne!(
        pick(&runs[0], "ipu_admissions"),
        pick(&runs[1], "ipu_admissions"),
        "the option changed nothing"
    );
}

#[test]
fn threads_beyond_the_cores_are_capped_with_a_note() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let asked = (cores * 64).to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capped");
    let r = common::carecap(&[
        "run",
        "scenarios/validation/erlang-b.toml",
        "--reps",
        "2",
        "--threads",
        &asked,
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    assert!(
        stderr.contains(&asked) && stderr.contains(&format!("{cores} ")),
        "no note of the cap: {stderr}"
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["threads"].as_u64().unwrap(), cores as u64);
}
