//! The community side: population segments (reported by segment, adding
//! up to the region, reach by segment), and the programmes upstream of the
//! specialist services. Paired comparisons (same seed, same replication)
//! make small effects testable with few replications.

use super::common::{Values, repo, run_config};
use carecap::model::CareConfig;
use carecap::scenario::community::Segment;
use carecap::scenario::types::Scenario;
use carecap::scenario::units::{Multiplier, Share};
use carecap::scenario::{self};
use carecap::stats::Welford;
use carecap::stats::ci::half_width;

/// The baseline over `years` years.
fn baseline(years: u32) -> Scenario {
    let mut s = scenario::read(&repo("scenarios/nwl-baseline.toml"))
        .expect("baseline")
        .scenario;
    s.scenario.years = years;
    s.segments.clear();
    s
}

/// A segment with `share` of deaths and every other key left to the
/// region's.
fn segment(name: &str, share: f64) -> Segment {
    Segment {
        name: name.into(),
        share: Share::new(share).unwrap(),
        need_share: None,
        reach: None,
        cancer_share: None,
        prognosis: None,
        preferred_place: None,
        unknown_place_of_death: None,
        crisis_rate_multiplier: Multiplier::new(1.0).unwrap(),
    }
}

fn run(s: &Scenario, reps: u64) -> Vec<Values> {
    run_config(&CareConfig::new(s), reps)
}

/// Per replication and year, `metric` in `area`.
fn values(runs: &[Values], area: &str, metric: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for v in runs {
        let mut years: Vec<(i32, f64)> = v
            .iter()
            .filter(|((a, _, m), _)| a == area && *m == metric)
            .map(|((_, y, _), x)| (*y, *x))
            .collect();
        years.sort_by_key(|(y, _)| *y);
        out.extend(years.into_iter().map(|(_, x)| x));
    }
    out
}

/// Asserts the mean of `xs` is within its 99.9% confidence interval of
/// `expected`.
fn assert_mean(what: &str, xs: &[f64], expected: f64) {
    let mut w = Welford::new();
    xs.iter().for_each(|&x| w.push(x));
    let h = half_width(&w, 0.999);
    assert!(
        (w.mean() - expected).abs() <= h,
        "{what}: {:.4} ± {h:.4} (99.9% CI), expected {expected:.4}",
        w.mean()
    );
}

/// Asserts that `a − b`, paired by replication, is above 0 with 99%
/// confidence.
fn assert_paired_higher(what: &str, a: &[f64], b: &[f64]) {
    let mut w = Welford::new();
    a.iter().zip(b).for_each(|(x, y)| w.push(x - y));
    let h = half_width(&w, 0.99);
    assert!(
        w.mean() - h > 0.0,
        "{what}: paired difference {:.4} ± {h:.4} (99% CI) is not above 0",
        w.mean()
    );
}

/// Counts reported by segment add up to the region's, in every year and
/// replication, exactly: every resident is in one segment.
#[test]
fn segment_counts_sum_to_the_region() {
    let mut s = baseline(2);
    let mut cancer = segment("Cancer", 0.3);
    cancer.cancer_share = Some(Share::new(1.0).unwrap());
    cancer.reach = Some(Share::new(0.8).unwrap());
    let mut frail = segment("Frailty and dementia", 0.45);
    frail.cancer_share = Some(Share::new(0.0).unwrap());
    frail.crisis_rate_multiplier = Multiplier::new(1.3).unwrap();
    let mut home = segment("Care-home residents", 0.25);
    home.reach = Some(Share::new(0.2).unwrap());
    s.segments = vec![cancer, frail, home];
    let runs = run(&s, 4);
    let names = ["Cancer", "Frailty and dementia", "Care-home residents"];
    for metric in [
        "referrals",
        "deaths",
        "deaths_home",
        "deaths_care_home",
        "deaths_hospice",
        "deaths_enhanced_bed",
        "deaths_hospital",
        "cspc_deaths",
        "cspc_deaths_hospital",
        "died_waiting",
        "cspc_died_waiting",
        "crises",
        "acute_admissions",
    ] {
        let region = values(&runs, "ALL", metric);
        let mut sum = vec![0.0; region.len()];
        for g in names {
            let by_segment = values(&runs, g, metric);
            assert_eq!(by_segment.len(), region.len(), "{metric} of {g}");
            sum.iter_mut().zip(by_segment).for_each(|(a, x)| *a += x);
        }
        assert_eq!(sum, region, "{metric}: segments against the region");
        assert!(region.iter().sum::<f64>() > 0.0, "{metric} never counted");
    }
    // Waits and the preferred place are reported by segment too.
    for g in names {
        assert!(!values(&runs, g, "cspc_wait_days_mean").is_empty());
        assert!(
            values(&runs, g, "preferred_place_met_pct")
                .iter()
                .all(|x| (0.0..=100.0).contains(x))
        );
    }
}

/// A segment whose need reaches the service more often has more of its
/// deaths referred: the share referred of each segment is need × reach
/// within its confidence interval, and the higher reach is higher, paired.
#[test]
fn a_segment_with_higher_reach_has_a_higher_share_referred() {
    let mut s = baseline(1);
    let (need, low, high) = (0.75, 0.3, 0.6);
    s.demand.need_share = Share::new(need).unwrap();
    for b in &mut s.boroughs {
        b.need_share = None;
        b.reach = None;
    }
    let mut less = segment("Most deprived", 0.5);
    less.reach = Some(Share::new(low).unwrap());
    let mut more = segment("Least deprived", 0.5);
    more.reach = Some(Share::new(high).unwrap());
    s.segments = vec![less, more];
    let runs = run(&s, 10);
    let share = |g: &str| -> Vec<f64> {
        let referred = values(&runs, g, "referrals");
        let deaths = values(&runs, g, "deaths");
        referred.iter().zip(&deaths).map(|(r, d)| r / d).collect()
    };
    let (deprived, affluent) = (share("Most deprived"), share("Least deprived"));
    assert_mean("share referred, reach 0.3", &deprived, need * low);
    assert_mean("share referred, reach 0.6", &affluent, need * high);
    assert_paired_higher("higher reach, higher share referred", &affluent, &deprived);
    // Half the deaths in each (the keyed draw splits by share).
    let deaths = values(&runs, "Most deprived", "deaths");
    let all = values(&runs, "ALL", "deaths");
    let half: Vec<f64> = deaths.iter().zip(&all).map(|(d, a)| d / a).collect();
    assert_mean("share of deaths in a half segment", &half, 0.5);
}

/// Segments move no random stream: one segment holding everyone, with
/// every key left to the region's, gives exactly the results of no
/// segments (the segment draw is keyed on the person).
#[test]
fn one_segment_of_everyone_changes_nothing() {
    let plain = baseline(2);
    let mut one = plain.clone();
    one.segments = vec![segment("Everyone", 1.0)];
    let (a, b) = (run(&plain, 3), run(&one, 3));
    let mut compared = 0;
    for (x, y) in a.iter().zip(&b) {
        for (key, v) in x {
            let w = y[key];
            assert!(v == &w || (v.is_nan() && w.is_nan()), "{key:?}: {v} vs {w}");
            compared += 1;
        }
    }
    assert!(compared > 1000);
    // And the segment is the region.
    assert_eq!(
        values(&b, "Everyone", "deaths_hospital"),
        values(&b, "ALL", "deaths_hospital")
    );
}

/// An intervention on a region-wide value that every segment of the
/// baseline sets for itself would change nothing: `validate` says so.
#[test]
fn an_intervention_hidden_by_the_segments_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reach.toml");
    let base = repo("scenarios/nwl-baseline.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n[scenario]\nname = \"reach\"\n\
             [[intervention]]\nname = \"Reach 70%\"\ntarget = \"demand\"\nparameter = \"reach\"\n\
             value = 0.7\nfrom = 2026-01-01\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    let out = super::common::carecap(&["validate", path.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("reach.toml:7:")
            && text.contains(
                "Reach 70% changes demand.reach, which every [[segment]] sets for itself"
            ),
        "{text}"
    );
}
