//! Streaming linear regression of an output on the sampled parameters: the
//! linear metamodel behind global sensitivity (standardised regression
//! coefficients, Saltelli et al., *Global Sensitivity Analysis: The Primer*,
//! 2008, §1.2.5) and the split of an output's variance into what the
//! parameters explain and what is left to chance.
//!
//! Only the sums of squares and cross-products are kept, so memory depends
//! on the number of parameters, not of replications.

/// Sums for the least-squares fit of `y` on `x₁…x_k` with an intercept.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    k: usize,
    n: u64,
    /// Upper triangle of Σ zzᵀ with z = (1, x₁, …, x_k), row-major full.
    zz: Vec<f64>,
    zy: Vec<f64>,
    yy: f64,
}

/// What a fit says.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Standardised regression coefficient of each parameter: its slope ×
    /// its sd ÷ the output's sd (0 for a parameter that did not vary).
    pub src: Vec<f64>,
    /// Share of the output's variance the parameters explain, linearly (R²).
    pub r_squared: f64,
    /// Standard deviation of the output over replications.
    pub sd_total: f64,
    /// Standard deviation of the residuals: the output's spread with the
    /// parameters' linear effects taken out (chance, and any nonlinear
    /// effect of the parameters).
    pub sd_residual: f64,
}

impl Fit {
    /// The share of the output's variance the parameters explain, from the
    /// residual variance with its degrees of freedom (adjusted R², kept at
    /// 0 or more), so parameters with no effect do not appear to explain
    /// the noise they were fitted to.
    pub fn explained_share(&self) -> f64 {
        if self.sd_total <= 0.0 {
            return 0.0;
        }
        (1.0 - (self.sd_residual / self.sd_total).powi(2)).clamp(0.0, 1.0)
    }
}

impl Regression {
    /// Empty sums for `k` parameters.
    pub fn new(k: usize) -> Regression {
        let m = k + 1;
        Regression {
            k,
            n: 0,
            zz: vec![0.0; m * m],
            zy: vec![0.0; m],
            yy: 0.0,
        }
    }

    /// Adds one replication: its parameter values `x` and output `y`
    /// (skipped when `y` is NaN).
    pub fn push(&mut self, x: &[f64], y: f64) {
        if y.is_nan() || x.len() != self.k {
            return;
        }
        let m = self.k + 1;
        let z = |i: usize| if i == 0 { 1.0 } else { x[i - 1] };
        for i in 0..m {
            let zi = z(i);
            self.zy[i] += zi * y;
            for j in i..m {
                self.zz[i * m + j] += zi * z(j);
            }
        }
        self.yy += y * y;
        self.n += 1;
    }

    /// Replications added.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The fit, or `None` with too few replications (fewer than the
    /// varying parameters + 2) or no spread in the output.
    pub fn fit(&self) -> Option<Fit> {
        let m = self.k + 1;
        let n = self.n as f64;
        let at = |i: usize, j: usize| self.zz[i.min(j) * m + i.max(j)];
        // Centre: covariances of the parameters and with the output.
        let mean = |i: usize| at(0, i) / n;
        let my = self.zy[0] / n;
        let cov = |i: usize, j: usize| at(i, j) / n - mean(i) * mean(j);
        let var_y = self.yy / n - my * my;
        let varying: Vec<usize> = (1..m)
            .filter(|&i| cov(i, i) > 1e-12 * (1.0 + mean(i).powi(2)))
            .collect();
        if self.n < varying.len() as u64 + 2 || var_y <= 0.0 {
            return None;
        }
        let p = varying.len();
        let mut a: Vec<f64> = Vec::with_capacity(p * p);
        for &i in &varying {
            for &j in &varying {
                a.push(cov(i, j));
            }
        }
        let mut b: Vec<f64> = varying
            .iter()
            .map(|&i| self.zy[i] / n - mean(i) * my)
            .collect();
        let cov_xy = b.clone();
        solve(&mut a, &mut b, p)?;
        let explained: f64 = b.iter().zip(&cov_xy).map(|(s, c)| s * c).sum();
        let r_squared = (explained / var_y).clamp(0.0, 1.0);
        let dof = (n - p as f64 - 1.0).max(1.0);
        let sd_total = (var_y * n / (n - 1.0)).sqrt();
        let sd_residual = ((var_y - explained).max(0.0) * n / dof).sqrt();
        let mut src = vec![0.0; self.k];
        for (slope, &i) in b.iter().zip(&varying) {
            src[i - 1] = slope * cov(i, i).sqrt() / var_y.sqrt();
        }
        Some(Fit {
            src,
            r_squared,
            sd_total,
            sd_residual,
        })
    }
}

/// Solves `a x = b` in place (`a` is p×p, row-major) by Gaussian
/// elimination with partial pivoting; `None` if `a` is singular.
fn solve(a: &mut [f64], b: &mut [f64], p: usize) -> Option<()> {
    let scale = a
        .iter()
        .fold(0.0f64, |m, x| m.max(x.abs()))
        .max(f64::MIN_POSITIVE);
    for col in 0..p {
        let pivot =
            (col..p).max_by(|&i, &j| a[i * p + col].abs().total_cmp(&a[j * p + col].abs()))?;
        if a[pivot * p + col].abs() <= 1e-12 * scale {
            return None;
        }
        if pivot != col {
            for j in 0..p {
                a.swap(col * p + j, pivot * p + j);
            }
            b.swap(col, pivot);
        }
        for row in col + 1..p {
            let f = a[row * p + col] / a[col * p + col];
            for j in col..p {
                a[row * p + j] -= f * a[col * p + j];
            }
            b[row] -= f * b[col];
        }
    }
    for col in (0..p).rev() {
        let mut x = b[col];
        for j in col + 1..p {
            x -= a[col * p + j] * b[j];
        }
        b[col] = x / a[col * p + col];
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_known_slopes_and_splits_the_variance() {
        // y = 3 + 2·x1 − 1·x2 + 0·x3 + e, with e = ±0.5 alternately.
        let mut r = Regression::new(3);
        let mut k = 0u64;
        for i in 0..20 {
            for j in 0..20 {
                let (x1, x2, x3) = (i as f64, j as f64 * 0.5, ((i * 7 + j * 3) % 5) as f64);
                let e = if k.is_multiple_of(2) { 0.5 } else { -0.5 };
                k += 1;
                r.push(&[x1, x2, x3], 3.0 + 2.0 * x1 - x2 + e);
            }
        }
        let f = r.fit().expect("fit");
        // x1 dominates, x3 has no effect.
        assert!(f.src[0] > 0.9, "{:?}", f.src);
        assert!(f.src[1] < -0.1, "{:?}", f.src);
        assert!(f.src[2].abs() < 0.02, "{:?}", f.src);
        assert!(f.r_squared > 0.99);
        assert!((f.sd_residual - 0.5).abs() < 0.02, "{}", f.sd_residual);
    }

    #[test]
    fn a_parameter_that_never_varies_gets_zero() {
        let mut r = Regression::new(2);
        for i in 0..10 {
            r.push(&[i as f64, 1.0], 2.0 * i as f64);
        }
        let f = r.fit().expect("fit");
        assert_eq!(f.src[1], 0.0);
        assert!((f.src[0] - 1.0).abs() < 1e-9);
        assert!(Regression::new(1).fit().is_none());
    }
}
