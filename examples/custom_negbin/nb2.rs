//! Negative binomial (NB2) regression written against the public API: the model of the
//! `custom_negbin` example, also checked by `tests/user_models.rs` against statsmodels and TMB.

use mle::ad::Real;
use mle::data::Design;
use mle::model::{Likelihood, Param, Params, Rows, Theta};

/// NB2 regression, `Var yᵢ = μᵢ + αμᵢ²`, `ln μᵢ = xᵢᵀβ`:
/// `ℓᵢ = ln Γ(yᵢ + 1/α) − ln Γ(1/α) − ln Γ(yᵢ + 1) + yᵢ ln(αμᵢ) − (yᵢ + 1/α) ln(1 + αμᵢ)`.
pub struct NegativeBinomial {
    y: Vec<f64>,
    params: Params,
}

impl NegativeBinomial {
    pub fn new(design: &Design, y: &[f64]) -> Self {
        Self {
            y: y.to_vec(),
            params: Params::new()
                .linear("count", design)
                .scalar(Param::positive("alpha", 1.0)),
        }
    }
}

impl Likelihood for NegativeBinomial {
    fn name(&self) -> &str {
        "nb2"
    }
    fn params(&self) -> &Params {
        &self.params
    }
    fn n_obs(&self) -> usize {
        self.y.len()
    }
    fn loglike_obs<R: Real>(&self, theta: &Theta<R>, rows: &Rows<R>) -> R {
        let (eta, alpha, y) = (theta.get("count"), theta.get("alpha"), rows.get(&self.y));
        let r = alpha.clone().recip();
        // ln(αμ), and ln(1 + αμ) = ln(1 + e^{ln αμ}) without overflow
        let log_alpha_mu = alpha.log() + eta;
        (y.clone() + r.clone()).lgamma() - r.clone().lgamma() - (y.clone() + 1.0).lgamma()
            + y.clone() * log_alpha_mu.clone()
            - (y + r) * log_alpha_mu.log1pexp()
    }
    /// The mean `μᵢ = e^{ηᵢ}` (with its delta-method standard error from `mle::inference::predict`).
    fn predict_obs<R: Real>(&self, theta: &Theta<R>, _rows: &Rows<R>) -> Vec<(String, R)> {
        vec![("mean".into(), theta.get("count").exp())]
    }
}
