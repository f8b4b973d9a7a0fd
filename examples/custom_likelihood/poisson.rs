//! Poisson regression with the log link, written only against `mle`'s public API: the model of
//! the `custom_likelihood` example, also fitted by `tests/custom_likelihood.rs` and timed by
//! `examples/bench_custom.rs`.

use mle::ad::Real;
use mle::data::Design;
use mle::model::{Likelihood, Params, Rows, Theta};
use statrs::function::gamma::ln_gamma;

/// Poisson regression with the log link: `ℓᵢ = yᵢηᵢ − e^{ηᵢ} − ln yᵢ!`.
pub struct PoissonRegression {
    y: Vec<f64>,
    /// `ln yᵢ!`, constant in β but part of ℓ.
    log_factorial: Vec<f64>,
    params: Params,
}

impl PoissonRegression {
    pub fn new(design: &Design, y: &[f64]) -> Self {
        Self {
            y: y.to_vec(),
            log_factorial: y.iter().map(|v| ln_gamma(v + 1.0)).collect(),
            params: Params::new().linear("eta", design),
        }
    }
}

impl Likelihood for PoissonRegression {
    fn name(&self) -> &str {
        "poisson"
    }
    fn params(&self) -> &Params {
        &self.params
    }
    fn n_obs(&self) -> usize {
        self.y.len()
    }
    fn loglike_obs<R: Real>(&self, theta: &Theta<R>, rows: &Rows<R>) -> R {
        let eta = theta.get("eta");
        rows.get(&self.y) * eta.clone() - eta.exp() - rows.get(&self.log_factorial)
    }
}
