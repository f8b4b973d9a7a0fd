//! Poisson regression with the log link, written only against `mle`'s public API: the model of
//! the `custom_likelihood` example, also fitted by `tests/custom_likelihood.rs` and timed by
//! `examples/bench_custom.rs`.

use mle::backend::{self, Device, Tensor, default_device};
use mle::data::Design;
use mle::model::{Model, Param};
use statrs::function::gamma::ln_gamma;

/// Poisson regression with the log link.
pub struct PoissonRegression {
    names: Vec<String>,
    x: Tensor<2>,
    y: Tensor<1>,
    /// `ln yᵢ!`, constant in β but part of ℓ.
    log_factorial: Tensor<1>,
    n: usize,
    device: Device,
}

impl PoissonRegression {
    pub fn new(design: &Design, y: &[f64]) -> mle::Result<Self> {
        let device = default_device()?;
        let lf: Vec<f64> = y.iter().map(|v| ln_gamma(v + 1.0)).collect();
        Ok(Self {
            names: design.names().to_vec(),
            x: backend::design_matrix(design, &device),
            y: backend::vector(y, &device),
            log_factorial: backend::vector(&lf, &device),
            n: y.len(),
            device,
        })
    }
}

impl Model for PoissonRegression {
    fn name(&self) -> &str {
        "poisson"
    }
    fn params(&self) -> Vec<Param> {
        Param::linear(&self.names)
    }
    fn n_obs(&self) -> usize {
        self.n
    }
    fn device(&self) -> &Device {
        &self.device
    }
    fn loglike_obs(&self, beta: Tensor<1>) -> Tensor<1> {
        let eta = backend::linear_predictor(&self.x, beta);
        self.y.clone() * eta.clone() - eta.exp() - self.log_factorial.clone()
    }
}
