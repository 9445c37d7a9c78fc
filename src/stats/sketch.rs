//! Streaming quantiles with a guaranteed relative error (a DDSketch).
//!
//! Method (Masson, Rim & Lee, "DDSketch", VLDB 2019): values are counted in
//! logarithmic buckets `(γ^(i−1), γ^i]` with `γ = (1 + α)/(1 − α)`; a
//! quantile is answered with the bucket's midpoint `2γ^i/(γ + 1)`.
//!
//! **Error bound:** for the order statistic `x` of rank `⌊q·(n − 1)⌋`
//! (0-based), the answer `x̂` satisfies `|x̂ − x| ≤ α·|x|`, whatever the
//! data or their order. Here `α` = [`RELATIVE_ACCURACY`] = 0.5%. Zero and
//! negative values are handled (negatives mirror positives; values within
//! 1e-9 of zero are counted as zero). Memory depends on the range of the
//! values (about 2,100 buckets per factor of 10¹⁸), not on how many values
//! are added, so statistics over replications stay flat in memory.

/// The relative accuracy α of every quantile.
pub const RELATIVE_ACCURACY: f64 = 0.005;
const ZERO_BAND: f64 = 1e-9;

#[derive(Debug, Clone, Default, PartialEq)]
struct Buckets {
    offset: i32,
    counts: Vec<u64>,
}

impl Buckets {
    fn add(&mut self, index: i32) {
        if self.counts.is_empty() {
            self.offset = index;
        }
        if index < self.offset {
            let grow = (self.offset - index) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = index;
        }
        let pos = (index - self.offset) as usize;
        if pos >= self.counts.len() {
            self.counts.resize(pos + 1, 0);
        }
        self.counts[pos] += 1;
    }
}

/// A quantile sketch; see the module docs for the error bound.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileSketch {
    ln_gamma: f64,
    positive: Buckets,
    negative: Buckets,
    zeros: u64,
    count: u64,
    min: f64,
    max: f64,
}

impl Default for QuantileSketch {
    fn default() -> Self {
        Self::new()
    }
}

impl QuantileSketch {
    /// An empty sketch with accuracy [`RELATIVE_ACCURACY`].
    pub fn new() -> Self {
        let gamma = (1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY);
        QuantileSketch {
            ln_gamma: gamma.ln(),
            positive: Buckets::default(),
            negative: Buckets::default(),
            zeros: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds a value (NaN is ignored).
    pub fn add(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.count += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        if x.abs() <= ZERO_BAND {
            self.zeros += 1;
        } else if x > 0.0 {
            self.positive.add(self.index(x));
        } else {
            self.negative.add(self.index(-x));
        }
    }

    fn index(&self, magnitude: f64) -> i32 {
        (magnitude.ln() / self.ln_gamma).ceil() as i32
    }

    fn value(&self, index: i32) -> f64 {
        let gamma = self.ln_gamma.exp();
        2.0 * (self.ln_gamma * index as f64).exp() / (gamma + 1.0)
    }

    /// Forgets every value, keeping the bucket storage.
    pub fn clear(&mut self) {
        self.positive.counts.iter_mut().for_each(|c| *c = 0);
        self.negative.counts.iter_mut().for_each(|c| *c = 0);
        self.zeros = 0;
        self.count = 0;
        self.min = f64::INFINITY;
        self.max = f64::NEG_INFINITY;
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The `q`-quantile (0 ≤ q ≤ 1) as the order statistic of rank
    /// `⌊q·(n − 1)⌋`, within relative error α; NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        let rank = (q.clamp(0.0, 1.0) * (self.count - 1) as f64).floor() as u64;
        let mut seen = 0u64;
        for (pos, &c) in self.negative.counts.iter().enumerate().rev() {
            seen += c;
            if seen > rank {
                let v = -self.value(self.negative.offset + pos as i32);
                return v.clamp(self.min, self.max);
            }
        }
        seen += self.zeros;
        if seen > rank {
            return 0.0;
        }
        for (pos, &c) in self.positive.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                let v = self.value(self.positive.offset + pos as i32);
                return v.clamp(self.min, self.max);
            }
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn every_quantile_within_relative_error(
            xs in proptest::collection::vec(
                proptest::prop_oneof![-1e5f64..1e5, 0.0f64..1.0, proptest::strategy::Just(0.0)],
                1..400),
            q in 0.0f64..=1.0,
        ) {
            let mut sketch = QuantileSketch::new();
            xs.iter().for_each(|&x| sketch.add(x));
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            let exact = sorted[(q * (xs.len() - 1) as f64).floor() as usize];
            let got = sketch.quantile(q);
            let tol = RELATIVE_ACCURACY * exact.abs() + 1e-9;
            proptest::prop_assert!((got - exact).abs() <= tol, "q={q} exact={exact} got={got}");
        }
    }
}
