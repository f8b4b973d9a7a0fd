//! The zero-inflated Poisson model written against the public API: the model of the
//! `custom_zip` example, also checked by `tests/user_models.rs` against statsmodels and TMB.

use mle::ad::Real;
use mle::data::Design;
use mle::model::{Likelihood, Params, Rows, Theta};
use statrs::function::gamma::ln_gamma;

/// A count is 0 with probability `π` (a structural zero) and Poisson with mean `μ` otherwise;
/// `logit πᵢ = zᵢᵀγ` (the `inflate` block), `ln μᵢ = xᵢᵀβ` (the `count` block):
/// `ℓᵢ = ln(π + (1 − π)e^{−μ})` where `yᵢ = 0`, `ln(1 − π) + yᵢ ln μ − μ − ln yᵢ!` above.
pub struct ZeroInflatedPoisson {
    y: Vec<f64>,
    /// 1 where `yᵢ = 0`, else 0.
    zero: Vec<f64>,
    log_factorial: Vec<f64>,
    params: Params,
}

impl ZeroInflatedPoisson {
    /// `count` and `inflate` are the designs of `μ` and of `π` (their coefficients are named as
    /// statsmodels names them: `x1`, ..., and `inflate_z`, ...).
    pub fn new(count: &Design, inflate: &Design, y: &[f64]) -> Self {
        Self {
            y: y.to_vec(),
            zero: y.iter().map(|&v| f64::from(u8::from(v == 0.0))).collect(),
            log_factorial: y.iter().map(|v| ln_gamma(v + 1.0)).collect(),
            params: Params::new()
                .linear_prefixed("inflate", inflate)
                .linear("count", count),
        }
    }
}

impl Likelihood for ZeroInflatedPoisson {
    fn name(&self) -> &str {
        "zip"
    }
    fn params(&self) -> &Params {
        &self.params
    }
    fn n_obs(&self) -> usize {
        self.y.len()
    }
    fn loglike_obs<R: Real>(&self, theta: &Theta<R>, rows: &Rows<R>) -> R {
        let (zeta, eta) = (theta.get("inflate"), theta.get("count"));
        let (log_pi, log_not_pi) = (zeta.clone().log_sigmoid(), (-zeta).log_sigmoid());
        let mu = eta.clone().exp();
        let at_zero = log_pi.logsumexp(log_not_pi.clone() - mu.clone());
        let above = log_not_pi + rows.get(&self.y) * eta - mu - rows.get(&self.log_factorial);
        let zero = rows.get(&self.zero);
        zero.clone() * at_zero + (-zero + 1.0) * above
    }
    /// The mean `(1 − π)μ` and the probability of a zero, `π + (1 − π)e^{−μ}`.
    fn predict_obs<R: Real>(&self, theta: &Theta<R>, _rows: &Rows<R>) -> Vec<(String, R)> {
        let (zeta, eta) = (theta.get("inflate"), theta.get("count"));
        let log_not_pi = (-zeta.clone()).log_sigmoid();
        let mu = eta.clone().exp();
        let zero = zeta.log_sigmoid().logsumexp(log_not_pi.clone() - mu).exp();
        vec![
            ("mean".into(), (log_not_pi + eta).exp()),
            ("probability_of_zero".into(), zero),
        ]
    }
}
