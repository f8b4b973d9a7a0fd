//! The Gaussian family: `yᵢ ~ N(μᵢ, σ²)`,
//! `ℓᵢ = −(yᵢ − μᵢ)²/(2σ²) − ln σ − ½ ln 2π`, with the scale `σ` estimated jointly.

use rand::RngCore;
use rand_distr::Distribution;

use super::{Aux, Family, MeanTerms, RowTensors, Start, weighted_mean_variance};
use crate::backend::Tensor;
use crate::data::shortest;
use crate::model::link::Link;
use crate::model::pass::RowTerms;

/// `ln √(2π)`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// The Gaussian family, with the identity link; its auxiliary parameter is `sigma`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gaussian;

impl Family for Gaussian {
    fn name(&self) -> &'static str {
        "gaussian"
    }

    fn links(&self) -> &'static [Link] {
        &[Link::Identity]
    }

    fn aux(&self) -> Option<&'static str> {
        Some("sigma")
    }

    fn check(&self, y: f64, _: f64) -> Result<(), String> {
        if y.is_finite() {
            Ok(())
        } else {
            Err(format!("response {} is not finite", shortest(y)))
        }
    }

    fn degenerate(&self, y: &[f64], _: &[f64]) -> Option<String> {
        let first = y.first().copied().unwrap_or(0.0);
        y.iter().all(|&v| v == first).then(|| {
            format!(
                "the response is {} in every row: σ̂ = 0 and the likelihood is unbounded",
                shortest(first)
            )
        })
    }

    fn constant(&self, _: f64, _: f64) -> f64 {
        -LN_SQRT_2PI
    }

    /// `β = 0` and the maximum of `σ` there, `σ = √(Σyᵢ²/n)` (from the intercept-only maximum,
    /// `ȳ` and the standard deviation, Newton's first steps in `ln σ` overshoot: 12 passes over
    /// the data against 7 on a million rows).
    /// 1 (up to `1/σ²`) under the identity link.
    fn fisher_weight(&self, _: Link, _: f64, _: f64, _: f64) -> Option<f64> {
        Some(1.0)
    }

    fn start(&self, y: &[f64], _: &[f64]) -> Start {
        let mean_square = y.iter().map(|v| v * v).sum::<f64>() / y.len() as f64;
        Start {
            mean: 0.0,
            aux: if mean_square > 0.0 {
                mean_square.sqrt()
            } else {
                1.0
            },
        }
    }

    /// With `r = y − μ`: `ℓ_μ = r/σ²`, `ℓ_μμ = −1/σ²`, `ℓ_σ = −1/σ + r²/σ³`,
    /// `ℓ_σσ = 1/σ² − 3r²/σ⁴`, `ℓ_μσ = −2r/σ³`.
    #[inline]
    fn row(&self, link: Link, y: f64, _: f64, eta: f64, aux: &Aux) -> RowTerms {
        // multiplications by 1/σ (computed once per evaluation) rather than divisions per row
        let inv = aux.recip;
        let inv2 = inv * inv;
        let m = link.mean(eta);
        let r = y - m.mu;
        let z2 = r * r * inv2;
        MeanTerms {
            value: -0.5 * z2 - aux.ln,
            d_mu: r * inv2,
            d_mu2: -inv2,
            d_a: (z2 - 1.0) * inv,
            d_a2: (1.0 - 3.0 * z2) * inv2,
            d_mu_a: -2.0 * r * inv2 * inv,
        }
        .through(m)
    }

    fn loglike(
        &self,
        link: Link,
        data: &RowTensors,
        eta: Tensor<1>,
        sigma: Option<Tensor<1>>,
    ) -> Tensor<1> {
        let sigma = sigma.unwrap_or_else(|| data.y.clone().ones_like().narrow(0, 0, 1));
        let z = (data.y.clone() - link.mean_tensor(eta)) / sigma.clone();
        z.square() * -0.5 - sigma.log()
    }

    fn constant_curvature(&self, link: Link) -> bool {
        link == Link::Identity
    }

    /// `∂²ℓ/∂η∂σ = −2r/σ³ = −(2/σ)·∂ℓ/∂η` with the identity link.
    fn cross_from_gradient(&self, link: Link, sigma: f64) -> Option<f64> {
        (link == Link::Identity).then_some(-2.0 / sigma)
    }

    /// `−n ln σ̂₀ − n/2 − n ln √(2π)` with `σ̂₀² = Σ(yᵢ − ȳ)²/n`.
    fn null_log_likelihood(
        &self,
        y: &[f64],
        _: &[f64],
        weights: Option<&[f64]>,
        constant: f64,
    ) -> Option<f64> {
        let (_, var) = weighted_mean_variance(y, weights);
        let n = weights.map_or(y.len() as f64, |w| w.iter().sum());
        Some(-0.5 * n * var.ln() - 0.5 * n + constant)
    }

    fn sample(&self, link: Link, eta: f64, sigma: f64, _: f64, rng: &mut dyn RngCore) -> f64 {
        let mu = link.mean(eta).mu;
        rand_distr::Normal::new(mu, sigma).map_or(f64::NAN, |d| d.sample(rng))
    }
}
