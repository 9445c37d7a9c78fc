//! Queueing formulas the simulator is validated against: Erlang B (loss),
//! Erlang C (delay), service level and average speed of answer, and
//! Erlang A (delay with exponential patience) from its birth–death chain.
//!
//! All use recursions, never factorials or powers, so they stay finite for
//! thousands of servers.

/// Erlang B blocking probability for offered load `a` Erlangs on `c`
/// servers: `B₀ = 1`, `B_k = a·B_{k−1} / (k + a·B_{k−1})`.
///
/// ```
/// let b = carecap::stats::erlang::erlang_b(28.0, 30);
/// assert!((b - 0.098122).abs() < 1e-6);
/// ```
pub fn erlang_b(a: f64, c: u32) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Erlang C probability that an arrival waits, for load `a` on `c` servers
/// (1 when the system is overloaded, `a ≥ c`).
pub fn erlang_c(a: f64, c: u32) -> f64 {
    if a >= c as f64 {
        return 1.0;
    }
    let b = erlang_b(a, c);
    c as f64 * b / (c as f64 - a * (1.0 - b))
}

/// Mean wait in queue (average speed of answer) in the units of `mean_service`.
pub fn mean_wait(a: f64, c: u32, mean_service: f64) -> f64 {
    if a >= c as f64 {
        return f64::INFINITY;
    }
    erlang_c(a, c) * mean_service / (c as f64 - a)
}

/// Probability of waiting longer than `t` (same units as `mean_service`):
/// `C · exp(−(c − a)·t / mean_service)`.
pub fn prob_wait_exceeds(a: f64, c: u32, mean_service: f64, t: f64) -> f64 {
    if a >= c as f64 {
        return 1.0;
    }
    erlang_c(a, c) * (-(c as f64 - a) * t / mean_service).exp()
}

/// Service level: share answered within `t`.
pub fn service_level(a: f64, c: u32, mean_service: f64, t: f64) -> f64 {
    1.0 - prob_wait_exceeds(a, c, mean_service, t)
}

/// Steady-state results of the Erlang A (M/M/c+M) queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Share of arrivals that abandon before service.
    pub abandon_share: f64,
    /// Mean number waiting.
    pub mean_queue: f64,
    /// Probability an arrival finds all servers busy.
    pub prob_wait: f64,
}

/// Erlang A with arrival rate `lambda`, service rate `mu` per server,
/// abandonment rate `theta` per waiting caller and `c` servers, from the
/// birth–death chain truncated where the tail is below 1e-15 of the mass.
pub fn erlang_a(lambda: f64, mu: f64, theta: f64, c: u32) -> ErlangA {
    let c_f = c as f64;
    let (mut term, mut total, mut queue, mut busy_all) = (1.0f64, 1.0f64, 0.0f64, 0.0f64);
    let mut n = 0u64;
    loop {
        n += 1;
        let nf = n as f64;
        let death = nf.min(c_f) * mu + (nf - c_f).max(0.0) * theta;
        term *= lambda / death;
        total += term;
        if n >= c as u64 {
            busy_all += term;
            queue += (nf - c_f) * term;
        }
        if total > 1e200 {
            for v in [&mut term, &mut total, &mut queue, &mut busy_all] {
                *v /= 1e200;
            }
        }
        let past_peak = nf > c_f && death > lambda;
        if past_peak && term < 1e-15 * total || n > 10_000_000 {
            break;
        }
    }
    if c == 0 {
        busy_all = total;
    }
    let mean_queue = queue / total;
    ErlangA {
        abandon_share: theta * mean_queue / lambda,
        mean_queue,
        prob_wait: busy_all / total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_published_vector() {
        // A = 10 Erlangs, 14 agents, 180 s handling: R ErlangC 0.1.0 docs.
        assert!((erlang_c(10.0, 14) - 0.1741319).abs() < 1e-6);
        assert!((service_level(10.0, 14, 180.0, 20.0) - 0.88835).abs() < 1e-5);
        assert!((mean_wait(10.0, 14, 180.0) - 7.836).abs() < 1e-3);
    }

    #[test]
    fn stable_for_thousands_of_servers() {
        let b = erlang_b(2900.0, 3000);
        assert!(b.is_finite() && b > 0.0 && b < 0.05);
        let c = erlang_c(2900.0, 3000);
        assert!(c.is_finite() && c > 0.0 && c < 1.0);
        let a = erlang_a(2900.0, 1.0, 0.5, 3000);
        assert!(a.abandon_share.is_finite() && a.abandon_share < 0.01);
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_as_patience_grows() {
        let a = erlang_a(5.0, 1.0, 1e-7, 7);
        assert!((a.prob_wait - erlang_c(5.0, 7)).abs() < 1e-4);
    }

    #[test]
    fn erlang_a_single_server_closed_form() {
        // M/M/1+M with theta = mu is an M/M/∞-like chain: P(n) Poisson(λ/μ).
        // Abandon share = θ·E[(N−1)^+]/λ with N ~ Poisson(a).
        let a = 2.0f64;
        let r = erlang_a(a, 1.0, 1.0, 1);
        let p0 = (-a).exp();
        let expected_queue = a - (1.0 - p0); // E[N] − P(N ≥ 1)
        assert!((r.mean_queue - expected_queue).abs() < 1e-12);
    }
}
