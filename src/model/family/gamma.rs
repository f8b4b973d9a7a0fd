//! The Gamma family: positive `yᵢ` with mean `μᵢ` and shape `ν` (variance `μᵢ²/ν`), the shape
//! estimated jointly by maximum likelihood:
//!
//! `ℓᵢ = ν ln ν − ν ln μᵢ + (ν − 1) ln yᵢ − νyᵢ/μᵢ − ln Γ(ν)`,
//!
//! `ℓ_μ = ν(y − μ)/μ²`, `ℓ_μμ = ν(μ − 2y)/μ³`, `ℓ_ν = ln ν + 1 − ln μ + ln y − y/μ − ψ(ν)`,
//! `ℓ_νν = 1/ν − ψ'(ν)`, `ℓ_μν = (y − μ)/μ²`.
//!
//! R's `glm` and statsmodels' `GLM` estimate the same coefficients but take the dispersion
//! `1/ν` from Pearson's χ²; `MASS::gamma.shape` gives the maximum likelihood shape reported
//! here.

use rand::RngCore;
use rand_distr::Distribution;
use special::Gamma as _;

use super::{Family, MeanTerms, RowTensors, Start, ln_gamma, mean_variance};
use crate::backend::{Tensor, lgamma};
use crate::data::shortest;
use crate::model::link::Link;
use crate::model::pass::RowTerms;

/// The Gamma family, with the log (default) or inverse link; its auxiliary parameter is
/// `shape`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gamma;

impl Family for Gamma {
    fn name(&self) -> &'static str {
        "gamma"
    }

    fn links(&self) -> &'static [Link] {
        &[Link::Log, Link::Inverse]
    }

    fn aux(&self) -> Option<&'static str> {
        Some("shape")
    }

    fn check(&self, y: f64, _: f64) -> Result<(), String> {
        if y > 0.0 && y.is_finite() {
            Ok(())
        } else {
            Err(format!(
                "the response must be a positive number, found {}",
                shortest(y)
            ))
        }
    }

    fn constant(&self, y: f64, _: f64) -> f64 {
        -y.ln()
    }

    /// The shape by moments, `ȳ²/s²`.
    fn start(&self, y: &[f64], _: &[f64]) -> Start {
        let (mean, var) = mean_variance(y);
        Start {
            mean,
            aux: if var > 0.0 { mean * mean / var } else { 1.0 },
        }
    }

    fn row(&self, link: Link, y: f64, _: f64, eta: f64, nu: f64) -> RowTerms {
        let m = link.mean(eta);
        let mu = m.mu;
        let ln_y = y.ln();
        let ratio = y / mu;
        let r = y - mu;
        MeanTerms {
            value: nu * (nu.ln() - m.log_mu + ln_y - ratio) - ln_gamma(nu),
            d_mu: nu * r / (mu * mu),
            d_mu2: nu * (mu - 2.0 * y) / (mu * mu * mu),
            d_a: nu.ln() + 1.0 - m.log_mu + ln_y - ratio - nu.digamma(),
            d_a2: 1.0 / nu - nu.trigamma(),
            d_mu_a: r / (mu * mu),
        }
        .through(m)
    }

    fn loglike(
        &self,
        link: Link,
        data: &RowTensors,
        eta: Tensor<1>,
        nu: Option<Tensor<1>>,
    ) -> Tensor<1> {
        let nu = nu.unwrap_or_else(|| data.y.clone().ones_like().narrow(0, 0, 1));
        let ln_y = data.y.clone().log();
        let log_mu = link.log_mean_tensor(eta.clone());
        let ratio = data.y.clone() * log_mu.clone().neg().exp();
        (nu.clone().log() - log_mu + ln_y - ratio) * nu.clone() - lgamma(nu)
    }

    fn sample(&self, link: Link, eta: f64, nu: f64, _: f64, rng: &mut dyn RngCore) -> f64 {
        let mu = link.mean(eta).mu;
        rand_distr::Gamma::new(nu, mu / nu).map_or(f64::NAN, |d| d.sample(rng))
    }

    fn simulation_aux(&self) -> f64 {
        2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The density integrates to one and the row value is the log density (closed form at
    /// y = μ = ν = 1: ℓ = −1).
    #[test]
    fn value_is_the_log_density() {
        let t = Gamma.row(Link::Log, 1.0, 1.0, 0.0, 1.0);
        assert!((t.value + Gamma.constant(1.0, 1.0) + 1.0).abs() < 1e-15);
    }
}
