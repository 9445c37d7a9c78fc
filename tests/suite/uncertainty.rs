//! Parameters given as distributions: a degenerate one reproduces the fixed
//! run byte for byte, the Latin hypercube's marginals are the distributions
//! asked for, options share the parameter sets of their baseline, a sampled
//! value reaches the model, and bad distributions are refused clearly;
//! joint parameter sets from a file are drawn whole, equally often, and
//! paired; `sample = false` switches sampling off.

use super::common::{carecap, carecap_ok, repo};
use carecap::batch::plan::{Overrides, Plan};
use statrs::distribution::{Beta, ContinuousCDF};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A scenario named `name` in `dir`: the baseline over `years`, with `extra`.
/// Unless `extra` has an `[uncertainty]` table of its own, the baseline's
/// calibrated sets are dropped, so the scenario samples only what `extra`
/// writes as distributions.
fn scenario(dir: &Path, file: &str, name: &str, years: u32, extra: &str) -> PathBuf {
    let path = dir.join(file);
    let no_sets = if extra.contains("[uncertainty]") {
        ""
    } else {
        "[uncertainty]\nsets = \"\"\n"
    };
    let text = format!(
        "extends = {:?}\n{extra}\n{no_sets}[scenario]\nname = {name:?}\nyears = {years}\n",
        repo("scenarios/nwl-baseline.toml")
    );
    std::fs::write(&path, text).expect("write scenario");
    path
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `params.csv` as (scenario, replication, parameter) → value.
fn params(dir: &Path) -> BTreeMap<(String, u64, String), f64> {
    let mut reader = csv::Reader::from_path(dir.join("params.csv")).expect("params.csv");
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (
                (r[0].to_string(), r[1].parse().unwrap(), r[2].to_string()),
                r[3].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_degenerate_distribution_reproduces_the_fixed_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = scenario(
        dir.path(),
        "fixed.toml",
        "same",
        2,
        "[demand]\nneed_share = 0.72\n[[site]]\nname = \"St John's Hospice\"\nbeds = 20\n",
    );
    let degenerate = scenario(
        dir.path(),
        "degenerate.toml",
        "same",
        2,
        "[demand]\nneed_share = { dist = \"normal\", mean = 0.72, sd = 0 }\n\
         [[site]]\nname = \"St John's Hospice\"\n\
         beds = { dist = \"triangular\", low = 20, mode = 20, high = 20 }\n",
    );
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (file, out) in [(&fixed, &a), (&degenerate, &b)] {
        carecap_ok(&[
            "run",
            file.to_str().unwrap(),
            "--reps",
            "3",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ]);
    }
    for table in ["replications.csv", "summary.csv", "by_hour.csv"] {
        assert!(
            read(&a.join(table)) == read(&b.join(table)),
            "{table} differs"
        );
    }
    // A distribution with no spread is a fixed parameter: nothing sampled.
    assert!(!b.join("params.csv").exists());
}

/// Kolmogorov–Smirnov distance between the sample and the cdf `f`.
fn ks_distance(sample: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut xs = sample.to_vec();
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let p = f(x);
            (p - i as f64 / n).max((i + 1) as f64 / n - p)
        })
        .fold(0.0, f64::max)
}

#[test]
fn latin_hypercube_marginals_are_the_distributions_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(
        dir.path(),
        "lhs.toml",
        "lhs",
        1,
        "[demand]\nreach = { dist = \"beta\", mean = 0.5, sd = 0.1 }\n\
         need_share = { dist = \"triangular\", low = 0.6, mode = 0.75, high = 0.8 }\n",
    );
    let n = 400u64;
    let plan = Plan::read(
        &file,
        &Overrides {
            replications: Some(n as u32),
            ..Default::default()
        },
    )
    .expect("valid");
    let column = |name: &str| -> Vec<f64> {
        (0..n)
            .map(|r| {
                plan.parameters(r)
                    .into_iter()
                    .find(|(p, _)| *p == name)
                    .expect("parameter")
                    .1
            })
            .collect()
    };
    // Beta(mean 0.5, sd 0.1): a = b = 0.5·(0.25/0.01 − 1) = 12.
    let beta = Beta::new(12.0, 12.0).unwrap();
    let reach = column("demand.reach");
    // KS critical value at the 0.1% level: 1.95/√n. A Latin hypercube is
    // far closer than a random sample: one value in each 1/n of
    // probability, so its distance is at most 1/n.
    let d = ks_distance(&reach, |x| beta.cdf(x));
    assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
    assert!(d <= 1.0 / n as f64 + 1e-9, "stratified: {d}");
    let tri = |x: f64| {
        let (a, c, b) = (0.6f64, 0.75f64, 0.8f64);
        if x <= c {
            (x - a).powi(2) / ((b - a) * (c - a))
        } else {
            1.0 - (b - x).powi(2) / ((b - a) * (b - c))
        }
    };
    let need = column("demand.need_share");
    let d = ks_distance(&need, tri);
    assert!(d <= 1.0 / n as f64 + 1e-9, "triangular: {d}");
    // The two columns are independent permutations: rank correlation ~0.
    let corr = correlation(&reach, &need);
    assert!(corr.abs() < 4.0 / (n as f64).sqrt(), "correlation {corr}");
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn options_share_their_baselines_parameter_sets_and_sampled_values_reach_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let base = scenario(
        dir.path(),
        "base.toml",
        "base",
        1,
        "[demand]\nneed_share = { dist = \"uniform\", low = 0.6, high = 0.9 }\n",
    );
    let option = dir.path().join("option.toml");
    std::fs::write(
        &option,
        "extends = \"base.toml\"\n[scenario]\nname = \"more beds\"\n\
         [costs]\nacute_bed_day = { dist = \"uniform\", low = 300, high = 400 }\n\
         [[site]]\nname = \"St John's Hospice\"\nbeds = 24\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    carecap_ok(&[
        "compare",
        base.to_str().unwrap(),
        option.to_str().unwrap(),
        "--reps",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    let p = params(&out);
    // (Need share: the baseline's segments each set their own reach.)
    let reach = |s: &str, r: u64| p[&(s.to_string(), r, "demand.need_share".to_string())];
    for r in 0..10 {
        assert_eq!(reach("base", r), reach("more beds", r), "replication {r}");
    }
    assert!(p.contains_key(&("more beds".into(), 0, "costs.acute_bed_day".into())));
    assert!(!p.contains_key(&("base".into(), 0, "costs.acute_bed_day".into())));
    // Referrals follow the sampled reach replication by replication.
    let rows = super::common::read_replications(&out);
    let referrals: Vec<f64> = (0..10)
        .map(|r| rows[&(r, 2025, "ALL".to_string(), "referrals".to_string())])
        .collect();
    let sampled: Vec<f64> = (0..10).map(|r| reach("base", r)).collect();
    let corr = correlation(&referrals, &sampled);
    assert!(
        corr > 0.9,
        "referrals vs sampled need share: correlation {corr}"
    );
    let manifest = String::from_utf8(read(&out.join("manifest.json"))).unwrap();
    assert!(manifest.contains("\"interval\": \"uncertainty"));
    let compare = String::from_utf8(read(&out.join("compare.csv"))).unwrap();
    assert!(compare.lines().next().unwrap().ends_with(",p_better"));
}

#[test]
fn bad_distributions_are_refused_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "reach = { dist = \"gamma\", mean = 0.5, sd = 0.1 }",
            "within the parameter's range (0 to 1)",
        ),
        (
            "reach = { dist = \"betta\", mean = 0.5, sd = 0.1 }",
            "unknown variant `betta`",
        ),
        (
            "reach = { dist = \"beta\", mean = 0.5, sd = 0.6 }",
            "expected a beta sd below",
        ),
        (
            "reach = { dist = \"triangular\", low = 0.5, mode = 0.4, high = 0.6 }",
            "low ≤ mode ≤ high",
        ),
    ];
    for (i, (line, expected)) in cases.iter().enumerate() {
        let file = scenario(
            dir.path(),
            &format!("bad{i}.toml"),
            "bad",
            1,
            &format!("[demand]\n{line}\n"),
        );
        let r = carecap(&["validate", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{line}: {err}");
        let at = format!("bad{i}.toml:3:1: demand.reach: ");
        assert!(err.contains(&at), "{line}: {err}");
        assert!(err.contains(expected), "{line}: {err}");
    }
    // A share whose siblings must sum to 1 cannot vary alone: the sampled
    // set is refused before anything runs, naming the replication.
    let file = scenario(
        dir.path(),
        "shares.toml",
        "shares",
        1,
        "[pathway]\npreferred_place = { home = { dist = \"uniform\", low = 0.6, high = 0.68 }, \
         care_home = 0.14, hospice = 0.05, hospital = 0.17 }\n",
    );
    let out = dir.path().join("shares-out");
    let r = carecap(&[
        "run",
        file.to_str().unwrap(),
        "--reps",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("sum to 1"), "{err}");
    assert!(err.contains("sampled parameters"), "{err}");
    assert!(!out.join("summary.csv").exists());
}

#[test]
fn sensitivity_ranks_a_parameter_with_no_effect_last() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(
        dir.path(),
        "sens.toml",
        "sens",
        1,
        "[demand]\nneed_share = { dist = \"uniform\", low = 0.6, high = 0.9 }\n\
         [costs]\nacute_bed_day = { dist = \"triangular\", low = 300, mode = 350, high = 450 }\n",
    );
    let out = dir.path().join("out");
    carecap_ok(&[
        "sensitivity",
        file.to_str().unwrap(),
        "--metric",
        "ipu_occupancy_pct",
        "--reps",
        "4",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut reader = csv::Reader::from_path(out.join("sensitivity.csv")).expect("sensitivity.csv");
    let headers = reader.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let row = |metric: &str, parameter: &str| {
        rows.iter()
            .find(|r| &r[col("metric")] == metric && &r[col("parameter")] == parameter)
            .unwrap_or_else(|| panic!("{metric} {parameter}"))
            .clone()
    };
    let f = |r: &csv::StringRecord, c: &str| r[col(c)].parse::<f64>().unwrap();
    // The price of an acute bed-day cannot move bed occupancy: on common
    // random numbers its swing is exactly zero, and it ranks last.
    let cost = row("ipu_occupancy_pct", "costs.acute_bed_day");
    assert_eq!(f(&cost, "swing"), 0.0);
    assert_eq!(f(&cost, "rank"), 2.0);
    let reach = row("ipu_occupancy_pct", "demand.need_share");
    assert_eq!(f(&reach, "rank"), 1.0);
    assert!(f(&reach, "swing") > 0.0);
    // It does move the total cost, in its own direction.
    let cost = row("cost_total", "costs.acute_bed_day");
    assert!(f(&cost, "low_diff") < 0.0 && f(&cost, "high_diff") > 0.0);
    // The sampled run's global coefficients are there for every parameter.
    let drivers = std::fs::read_to_string(out.join("drivers.csv")).unwrap();
    assert!(drivers.contains("costs.acute_bed_day") && drivers.contains("demand.need_share"));
}

#[test]
fn precision_runs_whole_batches_until_the_intervals_are_narrow_enough() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), "p.toml", "p", 1, "");
    let run = |precision: &str, threads: &str, out: &Path| {
        carecap_ok(&[
            "run",
            file.to_str().unwrap(),
            "--reps",
            "3",
            "--precision",
            precision,
            "--precision-metrics",
            "deaths,ipu_occupancy_pct",
            "--max-reps",
            "30",
            "--threads",
            threads,
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let said = run("1.5%", "2", &a);
    run("1.5%", "1", &b);
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&a.join("manifest.json"))).unwrap();
    let p = &manifest["precision"];
    let reps = p["replications"].as_u64().unwrap();
    assert_eq!(manifest["replications"].as_u64(), Some(reps));
    assert_eq!(reps % 3, 0, "whole batches of 3: {reps}");
    assert!(said.contains("replications were needed") || said.contains("was not reached"));
    // Deterministic for any thread count.
    assert!(read(&a.join("summary.csv")) == read(&b.join("summary.csv")));
    // Met means every checked interval is within target in the results, and
    // the batch before would not have been (checked from replications.csv).
    let rows = super::common::read_replications(&a);
    let relative = |n: u64, metric: &str, year: i32| {
        let xs: Vec<f64> = (0..n)
            .map(|r| rows[&(r, year, "ALL".to_string(), metric.to_string())])
            .collect();
        let mut w = carecap::stats::Welford::new();
        xs.iter().for_each(|x| w.push(*x));
        carecap::stats::ci::half_width(&w, 0.95) / w.mean().abs()
    };
    let widest = |n: u64| {
        ["deaths", "ipu_occupancy_pct"]
            .iter()
            .map(|m| relative(n, m, 2025))
            .fold(0.0, f64::max)
    };
    if p["met"].as_bool() == Some(true) {
        assert!(widest(reps) <= 0.015, "{}", widest(reps));
        if reps > 3 {
            assert!(widest(reps - 3) > 0.015, "stopped a batch late");
        }
    } else {
        assert_eq!(reps, 30);
        assert!(widest(reps) > 0.015);
    }
}

#[test]
fn calibration_recovers_a_parameter_from_data_carecap_simulated() {
    let dir = tempfile::tempdir().unwrap();
    // The truth: reach 0.55. Its data: mean referrals over 8 replications.
    let truth = scenario(
        dir.path(),
        "truth.toml",
        "truth",
        1,
        "[demand]\nreach = 0.55\n",
    );
    let observed = dir.path().join("observed");
    carecap_ok(&[
        "run",
        truth.to_str().unwrap(),
        "--reps",
        "8",
        "--no-charts",
        "--out",
        observed.to_str().unwrap(),
    ]);
    let rows = super::common::read_replications(&observed);
    let referrals: Vec<f64> = (0..8)
        .map(|r| rows[&(r, 2025, "ALL".to_string(), "referrals".to_string())])
        .collect();
    let mean = referrals.iter().sum::<f64>() / 8.0;
    let sd = (referrals.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 7.0).sqrt();
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        format!(
            "[calibration]\nsets = 80\nreplications = 8\naccept = 0.25\n\
             [[target]]\nmetric = \"referrals\"\nyear = 2025\nvalue = {mean}\nsd = {}\n",
            sd.max(1.0)
        ),
    )
    .unwrap();
    // The model to fit: the need share unknown, anywhere from 0.6 to 1.
    let model = scenario(
        dir.path(),
        "model.toml",
        "model",
        1,
        "[demand]\nneed_share = { dist = \"uniform\", low = 0.6, high = 1.0 }\n",
    );
    let out = dir.path().join("fitted");
    carecap_ok(&[
        "calibrate",
        model.to_str().unwrap(),
        "--targets",
        targets.to_str().unwrap(),
        "--seed",
        "11",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut reader = csv::Reader::from_path(out.join("posterior.csv")).unwrap();
    let mut post: Vec<f64> = reader
        .records()
        .map(|r| r.unwrap()[2].parse().unwrap())
        .collect();
    post.sort_by(f64::total_cmp);
    assert_eq!(post.len(), 20, "25% of 80 sets accepted");
    // The accepted range holds the truth and is far narrower than the
    // prior's. (Every set runs on the same 8 replications, so their shared
    // noise shifts all sets alike: the truth's own data come from another
    // seed, and that offset is what the range must hold.)
    let (lo, hi) = (post[0], post[post.len() - 1]);
    assert!(lo <= 0.8 && 0.8 <= hi, "posterior {lo}–{hi}");
    assert!(hi - lo < 0.4 / 2.0, "posterior {lo}–{hi}: prior 0.6–1");
    let fit = std::fs::read_to_string(out.join("fit.csv")).unwrap();
    assert!(fit.lines().nth(1).unwrap().contains(",true,"), "{fit}");
    let toml = std::fs::read_to_string(out.join("posterior.toml")).unwrap();
    assert!(toml.contains("need_share = { dist = \"beta\""), "{toml}");
}

#[test]
fn the_cost_effectiveness_plane_and_acceptability_curve_follow_from_the_paired_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ce");
    carecap_ok(&[
        "compare",
        repo("scenarios/nwl-baseline.toml").to_str().unwrap(),
        repo("scenarios/options/ucp-uptake.toml").to_str().unwrap(),
        "--reps",
        "4",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    let option_rows = {
        let mut reader = csv::Reader::from_path(out.join("replications.csv")).unwrap();
        let mut m = BTreeMap::new();
        for r in reader.records() {
            let r = r.unwrap();
            if &r[0] == "ucp-uptake" && &r[4] == "ALL" {
                m.insert(
                    (
                        r[1].parse::<u64>().unwrap(),
                        r[2].parse::<i32>().unwrap(),
                        r[5].to_string(),
                    ),
                    r[6].parse::<f64>().unwrap(),
                );
            }
        }
        m
    };
    let mut base = BTreeMap::new();
    let mut reader = csv::Reader::from_path(out.join("replications.csv")).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        if &r[0] == "nwl-baseline" && &r[4] == "ALL" {
            base.insert(
                (
                    r[1].parse::<u64>().unwrap(),
                    r[2].parse::<i32>().unwrap(),
                    r[5].to_string(),
                ),
                r[6].parse::<f64>().unwrap(),
            );
        }
    }
    let total = |m: &BTreeMap<(u64, i32, String), f64>, rep: u64, metric: &str| -> f64 {
        m.iter()
            .filter(|((r, _, k), _)| *r == rep && k == metric)
            .map(|(_, v)| v)
            .sum()
    };
    let mut reader = csv::Reader::from_path(out.join("cost_effectiveness.csv")).unwrap();
    let plane: Vec<(f64, f64)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[2].parse().unwrap(), r[3].parse().unwrap())
        })
        .collect();
    assert_eq!(plane.len(), 4);
    for (rep, (cost, avoided)) in plane.iter().enumerate() {
        let rep = rep as u64;
        let c = total(&option_rows, rep, "cost_total") - total(&base, rep, "cost_total");
        let a = total(&base, rep, "deaths_hospital") - total(&option_rows, rep, "deaths_hospital");
        assert!((cost - c).abs() <= 1e-6 * c.abs().max(1.0), "{cost} vs {c}");
        assert_eq!(*avoided, a);
    }
    let mut reader = csv::Reader::from_path(out.join("acceptability.csv")).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        let wtp: f64 = r[1].parse().unwrap();
        let p: f64 = r[2].parse().unwrap();
        let expected = plane
            .iter()
            .map(|(c, a)| match (wtp * a - c).partial_cmp(&0.0) {
                Some(std::cmp::Ordering::Greater) => 1.0,
                Some(std::cmp::Ordering::Equal) => 0.5,
                _ => 0.0,
            })
            .sum::<f64>()
            / 4.0;
        assert_eq!(p, expected, "willingness to pay {wtp}");
    }
}

/// Five joint sets of two parameters, perfectly correlated.
fn joint_sets_csv(dir: &Path) {
    let mut text = String::from("set,parameter,value\n");
    for i in 0..5 {
        let need = 0.6 + 0.05 * i as f64;
        let bed = 0.1 + 0.02 * i as f64;
        text += &format!("s{i},demand.need_share,{need}\ns{i},pathway.crisis_bed_share,{bed}\n");
    }
    std::fs::write(dir.join("sets.csv"), text).unwrap();
}

#[test]
fn joint_sets_give_each_replication_one_whole_set_used_equally_often() {
    let dir = tempfile::tempdir().unwrap();
    joint_sets_csv(dir.path());
    // The file is found beside the scenario that names it, and replaces
    // the baseline's own sets (whose other rates then stand as written).
    let base = scenario(
        dir.path(),
        "base.toml",
        "base",
        1,
        "[uncertainty]\nsets = \"sets.csv\"\n",
    );
    let option = dir.path().join("option.toml");
    std::fs::write(
        &option,
        "extends = \"base.toml\"\n[scenario]\nname = \"more beds\"\n\
         [[site]]\nname = \"St John's Hospice\"\nbeds = 24\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    carecap_ok(&[
        "compare",
        base.to_str().unwrap(),
        option.to_str().unwrap(),
        "--reps",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    let p = params(&out);
    let names: std::collections::BTreeSet<&str> = p.keys().map(|k| k.2.as_str()).collect();
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["demand.need_share", "pathway.crisis_bed_share"]
    );
    let mut used = BTreeMap::new();
    for r in 0..10 {
        let get = |s: &str, n: &str| p[&(s.to_string(), r, n.to_string())];
        let need = get("base", "demand.need_share");
        let bed = get("base", "pathway.crisis_bed_share");
        // A whole set: the two values come from the same row.
        let i = ((need - 0.6) / 0.05).round();
        assert!(
            (bed - (0.1 + 0.02 * i)).abs() < 1e-12,
            "rep {r}: {need}, {bed}"
        );
        *used.entry(i as i64).or_insert(0) += 1;
        // Paired: the option's replication has the same set.
        assert_eq!(need, get("more beds", "demand.need_share"));
        assert_eq!(bed, get("more beds", "pathway.crisis_bed_share"));
    }
    // Stratified over the sets: 10 replications, 5 sets, each used twice.
    assert_eq!(
        used.values().copied().collect::<Vec<_>>(),
        [2; 5],
        "{used:?}"
    );
    let manifest = String::from_utf8(read(&out.join("manifest.json"))).unwrap();
    assert!(
        manifest.contains("sets.csv"),
        "the sets file is not in the manifest"
    );
    assert!(manifest.contains("\"interval\": \"uncertainty"));
}

#[test]
fn sample_false_runs_the_numbers_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = scenario(
        dir.path(),
        "fixed.toml",
        "fixed",
        1,
        "[uncertainty]\nsample = false\n[demand]\nneed_share = { dist = \"uniform\", low = 0.6, high = 0.9 }\n",
    );
    let out = dir.path().join("out");
    carecap_ok(&[
        "run",
        fixed.to_str().unwrap(),
        "--reps",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!out.join("params.csv").exists());
    let manifest = String::from_utf8(read(&out.join("manifest.json"))).unwrap();
    assert!(
        manifest.contains("\"interval\": \"confidence"),
        "{manifest}"
    );
    assert!(!manifest.contains("nwl-posterior.csv"));
}

#[test]
fn bad_sets_files_are_refused_at_the_key_that_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("missing.csv", None, "missing.csv"),
        (
            "header.csv",
            Some("set,name,value\n1,demand.need_share,0.7\n"),
            "expected the columns set,parameter,value",
        ),
        (
            "unknown.csv",
            Some("set,parameter,value\n1,demand.need_shares,0.7\n"),
            "found \"demand.need_shares\"",
        ),
        (
            "range.csv",
            Some("set,parameter,value\n1,demand.need_share,0.7\n2,demand.need_share,1.7\n"),
            "expected demand.need_share within its range (0 to 1), found 1.7 in set 2",
        ),
        (
            "gap.csv",
            Some(
                "set,parameter,value\n1,demand.need_share,0.7\n1,demand.reach,0.5\n2,demand.need_share,0.6\n",
            ),
            "set 2 has no demand.reach",
        ),
        (
            "twice.csv",
            Some("set,parameter,value\n1,demand.need_share,0.7\n1,demand.need_share,0.6\n"),
            "twice.csv:3: set 1 gives demand.need_share twice",
        ),
        (
            "number.csv",
            Some("set,parameter,value\n1,demand.need_share,lots\n"),
            "number.csv:2: expected a number as value, found \"lots\"",
        ),
        (
            "setting.csv",
            Some("set,parameter,value\n1,scenario.years,3\n"),
            "found \"scenario.years\"",
        ),
    ];
    for (file, text, expected) in cases {
        if let Some(text) = text {
            std::fs::write(dir.path().join(file), text).unwrap();
        }
        let path = scenario(
            dir.path(),
            &format!("{file}.toml"),
            "bad",
            1,
            &format!("[uncertainty]\nsets = {file:?}\n"),
        );
        let r = carecap(&["validate", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{file}: {err}");
        assert!(
            err.contains(&format!("{file}.toml:3:1: uncertainty.sets: ")),
            "{file}: {err}"
        );
        assert!(err.contains(expected), "{file}: {err}");
    }
}
