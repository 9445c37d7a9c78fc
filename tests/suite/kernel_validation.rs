//! The kernel against queueing theory.
//!
//! Every check runs R independent replications and compares the theoretical
//! value with the replication mean. The tolerance is the half-width of the
//! 99.9% Student-t confidence interval of that mean (n − 1 degrees of
//! freedom): with a correct engine each check fails by chance with
//! probability 0.001, and the seeds are fixed so a pass is reproducible.

use carecap::batch::run_units;
use carecap::engine::arrivals::{ArrivalProcess, PiecewiseRate};
use carecap::engine::rng::{Purpose, stream};
use carecap::engine::time::{DAY, HOUR, MINUTE, SECOND, WEEK};
use carecap::model::queueing::{QueueConfig, QueueStats, ServiceSystem, ServiceTime};
use carecap::stats::Welford;
use carecap::stats::ci::half_width;
use carecap::stats::erlang;
use statrs::distribution::{ChiSquared, ContinuousCDF};

const REPS: u64 = 100;
const CONFIDENCE: f64 = 0.999;
const SEED: u64 = 20_251_123;

fn replicate(config: &QueueConfig, wait_threshold: u64) -> Vec<QueueStats> {
    let units: Vec<u64> = (0..REPS).collect();
    let mut out = Vec::new();
    run_units(
        &units,
        0,
        |rep| ServiceSystem::new(config.clone(), SEED, rep, wait_threshold).run(),
        |_, stats| out.push(stats),
    )
    .unwrap();
    out
}

fn assert_matches(
    what: &str,
    runs: &[QueueStats],
    metric: impl Fn(&QueueStats) -> f64,
    theory: f64,
) {
    let mut w = Welford::new();
    runs.iter().for_each(|s| w.push(metric(s)));
    let h = half_width(&w, CONFIDENCE);
    let (mean, lo, hi) = (w.mean(), w.mean() - h, w.mean() + h);
    eprintln!("{what}: theory {theory:.6}, simulated {mean:.6} (99.9% CI {lo:.6} – {hi:.6})");
    assert!(h.is_finite() && h > 0.0, "{what}: degenerate interval");
    assert!(
        (mean - theory).abs() <= h,
        "{what}: theory {theory} outside CI [{lo}, {hi}]"
    );
}

fn per_second(per_day: f64) -> f64 {
    per_day / DAY as f64
}

fn loss_system() -> QueueConfig {
    QueueConfig {
        arrival_rate: per_second(2.0),
        service: ServiceTime::Exponential {
            mean: 14.0 * DAY as f64,
        },
        servers: 30,
        queue_limit: 0,
        mean_patience: None,
        warmup: 200 * DAY,
        observed: 5 * 365 * DAY,
    }
}

#[test]
fn mmcc_blocking_and_occupancy_match_erlang_b() {
    let runs = replicate(&loss_system(), 0);
    let b = erlang::erlang_b(28.0, 30);
    assert!((b - 0.098122).abs() < 1e-6);
    assert_matches(
        "M/M/30/30 blocking",
        &runs,
        |s| s.blocked as f64 / s.arrivals as f64,
        b,
    );
    assert_matches(
        "M/M/30/30 mean occupancy",
        &runs,
        |s| s.mean_busy,
        2.0 * (1.0 - b) * 14.0,
    );
}

fn delay_system(servers: u32) -> QueueConfig {
    QueueConfig {
        arrival_rate: per_second(60.0),
        service: ServiceTime::Exponential {
            mean: (12 * MINUTE) as f64,
        },
        servers,
        queue_limit: usize::MAX,
        mean_patience: None,
        warmup: 10 * DAY,
        observed: 200 * DAY,
    }
}

#[test]
fn mmc_waits_match_erlang_c() {
    let aht = (12 * MINUTE) as f64;
    let a = 60.0 * aht / DAY as f64; // 0.5 Erlang
    for c in [1, 2] {
        let runs = replicate(&delay_system(c), 20 * SECOND);
        assert_matches(
            &format!("M/M/{c} P(wait>0)"),
            &runs,
            |s| s.waited as f64 / s.arrivals as f64,
            erlang::erlang_c(a, c),
        );
        assert_matches(
            &format!("M/M/{c} mean wait s"),
            &runs,
            |s| s.mean_wait_served,
            erlang::mean_wait(a, c, aht),
        );
        // Waits are whole ticks, so "more than 20 s" is "at least 20 s and
        // one tick": the continuous-time event is W > 20 s + half a tick.
        assert_matches(
            &format!("M/M/{c} P(wait>20s)"),
            &runs,
            |s| s.waited_over_threshold as f64 / s.served as f64,
            erlang::prob_wait_exceeds(a, c, aht, (20 * SECOND) as f64 + 0.5),
        );
    }
}

/// Little's law L = λW with the known arrival rate λ: the time-average
/// number waiting against λ × the mean time each arrival spent waiting
/// (zero for those served at once, time to abandonment for those who gave
/// up), and the time-average number in service against λ_served × E[S].
#[test]
fn littles_law_holds_on_every_queue() {
    let mut impatient = delay_system(2);
    impatient.arrival_rate = per_second(200.0);
    impatient.mean_patience = Some(5.0 * MINUTE as f64);
    for (name, config) in [
        ("M/M/1", delay_system(1)),
        ("M/M/2", delay_system(2)),
        ("M/M/2+M", impatient),
    ] {
        let runs = replicate(&config, 0);
        let lambda = config.arrival_rate;
        assert_matches(
            &format!("{name} Little's law, queue: L - lambda*W"),
            &runs,
            |s| {
                s.mean_queue
                    - lambda * s.mean_time_in_queue * s.queue_departures as f64 / s.arrivals as f64
            },
            0.0,
        );
        assert_matches(
            &format!("{name} Little's law, service: L - lambda_served*E[S]"),
            &runs,
            |s| {
                s.mean_busy - lambda * (s.served as f64 / s.arrivals as f64) * config.service.mean()
            },
            0.0,
        );
    }
}

#[test]
fn mg_infinity_occupancy_is_lambda_times_mean_stay() {
    let stay = ServiceTime::LogNormal {
        mu: (11.0 * DAY as f64).ln(),
        sigma: 0.87,
    };
    let config = QueueConfig {
        arrival_rate: per_second(2.0),
        service: stay,
        servers: 1_000_000,
        queue_limit: 0,
        mean_patience: None,
        warmup: 400 * DAY,
        observed: 5 * 365 * DAY,
    };
    let runs = replicate(&config, 0);
    assert_matches(
        "M/G/inf occupancy",
        &runs,
        |s| s.mean_busy,
        2.0 * stay.mean() / DAY as f64,
    );
    assert!(runs.iter().all(|s| s.blocked == 0));
}

#[test]
fn abandonment_matches_erlang_a() {
    let mut config = delay_system(2);
    config.arrival_rate = per_second(200.0);
    config.mean_patience = Some(5.0 * MINUTE as f64);
    let runs = replicate(&config, 0);
    let theory = erlang::erlang_a(
        config.arrival_rate,
        1.0 / (12.0 * MINUTE as f64),
        1.0 / (5.0 * MINUTE as f64),
        2,
    );
    assert_matches(
        "M/M/2+M abandoned share",
        &runs,
        |s| s.abandoned as f64 / s.arrivals as f64,
        theory.abandon_share,
    );
    assert_matches(
        "M/M/2+M P(wait)",
        &runs,
        |s| s.waited as f64 / s.arrivals as f64,
        theory.prob_wait,
    );
}

#[test]
fn nhpp_counts_per_hour_match_the_integrated_rate() {
    // An hour-of-week profile with a night trough, a day peak and closed hours.
    let weekly: Vec<f64> = (0..168)
        .map(|h| match h % 24 {
            0..=5 => 0.0,
            6..=8 => 4.0,
            9..=17 => 12.0 + (h / 24) as f64,
            _ => 6.0,
        })
        .collect();
    let weeks = 52usize;
    let rates: Vec<f64> = (0..weeks)
        .flat_map(|_| weekly.iter().map(|r| r / HOUR as f64))
        .collect();
    let profile = PiecewiseRate::from_equal_segments(HOUR, rates);
    let mut process = ArrivalProcess::new(profile.clone());
    let mut rng = stream(SEED, Purpose::new("nhpp-test", 0), 0);
    let mut counts = [0u64; 168];
    let end = (weeks as u64) * WEEK;
    while let Some(t) = process.next(&mut rng) {
        if t.ticks() >= end {
            break;
        }
        counts[t.hour_of_week()] += 1;
    }
    let mut chi2 = 0.0;
    let mut bins = 0;
    for (h, &observed) in counts.iter().enumerate() {
        let expected = weeks as f64 * weekly[h];
        if expected == 0.0 {
            assert!(
                observed <= 1,
                "hour {h} is closed but had {observed} arrivals"
            );
            continue;
        }
        chi2 += (observed as f64 - expected).powi(2) / expected;
        bins += 1;
    }
    let critical = ChiSquared::new(bins as f64)
        .unwrap()
        .inverse_cdf(CONFIDENCE);
    eprintln!("NHPP chi-square {chi2:.1} on {bins} df, critical {critical:.1}");
    assert!(chi2 < critical);
    assert!(
        (profile.integral(0.0, end as f64) - weeks as f64 * weekly.iter().sum::<f64>()).abs()
            < 1e-6
    );
}

fn render(threads: usize) -> String {
    let units: Vec<u64> = (0..24).collect();
    let mut text = String::new();
    let config = loss_system();
    run_units(
        &units,
        threads,
        |rep| ServiceSystem::new(config.clone(), SEED, rep, 0).run(),
        |rep, s| text.push_str(&format!("{rep},{:?}\n", s)),
    )
    .unwrap();
    text
}

#[test]
fn identical_bytes_for_one_and_two_threads() {
    let one = render(1);
    assert_eq!(one, render(2));
    assert_eq!(one, render(1), "same seed, same results");
}

#[test]
fn a_different_seed_gives_different_results() {
    let a = ServiceSystem::new(loss_system(), 1, 0, 0).run();
    let b = ServiceSystem::new(loss_system(), 2, 0, 0).run();
    assert_ne!(a, b);
}
