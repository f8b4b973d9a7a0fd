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

use super::{Aux, Family, MeanTerms, RowTensors, Start, mean_variance};
use crate::ad::tensor::lgamma;
use crate::backend::Tensor;
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

    /// The intercept-only maximum: the mean `ȳ`, and the shape solving
    /// `ln ν − ψ(ν) = ln ȳ − mean(ln y)` (Newton's method on `ln ν` from the moments' `ȳ²/s²`).
    /// `μ'(η)²/μ²` up to the shape: 1 under the log link, `μ²` under the inverse link.
    fn fisher_weight(&self, link: Link, eta: f64, _: f64, _: f64) -> Option<f64> {
        Some(if link == Link::Log {
            1.0
        } else {
            1.0 / (eta * eta)
        })
    }

    fn start(&self, y: &[f64], _: &[f64]) -> Start {
        use special::Gamma as _;
        let (mean, var) = mean_variance(y);
        let target = mean.ln() - y.iter().map(|v| v.ln()).sum::<f64>() / y.len() as f64;
        let mut nu: f64 = if var > 0.0 { mean * mean / var } else { 1.0 };
        for _ in 0..20 {
            // g(ν) = ln ν − ψ(ν) − target falls from +∞ to 0; Newton on ln ν, ν g'(ν) = 1 − νψ'(ν)
            let g = nu.ln() - nu.digamma() - target;
            let step = g / (1.0 - nu * nu.trigamma());
            let next = nu * (-step).exp();
            if !next.is_finite() || next <= 0.0 {
                break;
            }
            nu = next;
            if step.abs() < 1e-10 {
                break;
            }
        }
        Start {
            mean,
            aux: if nu.is_finite() && nu > 0.0 { nu } else { 1.0 },
        }
    }

    /// `ν ln yᵢ` is the shape times a function of the data.
    fn aux_weight(&self, y: f64, _: f64) -> f64 {
        y.ln()
    }

    /// `y`, as R's `Gamma()$initialize`.
    fn mean_start(&self, y: f64, _: f64) -> Option<f64> {
        Some(y)
    }

    /// The intercept-only maximum ([`Family::start`]) of the ratios `yᵢ/μᵢ`: their mean `c`
    /// and the shape of Gamma responses of mean `cμᵢ`.
    fn level_start(&self, link: Link, y: &[f64], eta: &[f64]) -> Option<(f64, f64)> {
        if link != Link::Log {
            return None;
        }
        let ratios: Vec<f64> = y.iter().zip(eta).map(|(y, e)| y * (-e).exp()).collect();
        let start = self.start(&ratios, &[]);
        Some((start.mean.ln(), start.aux))
    }

    #[inline]
    fn row(&self, link: Link, y: f64, _: f64, eta: f64, aux: &Aux) -> RowTerms {
        let nu = aux.value;
        if link == Link::Log {
            // with t = y/μ = y e^{−η}: f = ν(ln ν − η − t) − ln Γ(ν), f' = ν(t − 1), f'' = −νt,
            // ∂f/∂ν = ln ν − η − t + 1 − ψ(ν), ∂²f/∂ν² = 1/ν − ψ'(ν), ∂²f/∂η∂ν = t − 1:
            // one exp and no division
            let t = y * (-eta).exp();
            let common = aux.ln - eta - t;
            return RowTerms::new(nu * common - aux.ln_gamma, nu * (t - 1.0), -nu * t).with_aux(
                common + 1.0 - aux.digamma,
                aux.recip - aux.trigamma,
                t - 1.0,
            );
        }
        let m = link.mean(eta);
        let mu = m.mu;
        let ratio = y / mu;
        let r = y - mu;
        // without ln y: the model adds ν Σ ln yᵢ (aux_weight)
        let common = aux.ln - m.log_mu - ratio;
        MeanTerms {
            value: nu * common - aux.ln_gamma,
            d_mu: nu * r / (mu * mu),
            d_mu2: nu * (mu - 2.0 * y) / (mu * mu * mu),
            d_a: common + 1.0 - aux.digamma,
            d_a2: aux.recip - aux.trigamma,
            d_mu_a: r / (mu * mu),
        }
        .through(m)
    }

    /// `∂²ℓ/∂η∂ν = (y − μ)μ'/μ² = ∂ℓ/∂η / ν` for every link.
    fn cross_from_gradient(&self, _: Link, nu: f64) -> Option<f64> {
        Some(1.0 / nu)
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

    /// The row value with its shape-times-data term and constant is the log density.
    #[test]
    fn value_is_the_log_density() {
        let (y, nu) = (2.0, 3.0);
        let t = Gamma.row(Link::Log, y, 1.0, 0.0, &Aux::new(nu));
        let total = t.value + nu * Gamma.aux_weight(y, 1.0) + Gamma.constant(y, 1.0);
        // y = 2 with mean 1 and shape 3: ln(3³ 2² e⁻⁶ / Γ(3)) by hand
        let by_hand = 27f64.ln() + 4f64.ln() - 6.0 - 2f64.ln();
        assert!((total - by_hand).abs() < 1e-14, "{total} vs {by_hand}");
    }
}
