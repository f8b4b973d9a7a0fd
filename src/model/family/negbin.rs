//! The negative binomial family NB2: counts `yᵢ` with mean `μᵢ` and variance `μᵢ + αμᵢ²`, the
//! dispersion `α > 0` estimated jointly (statsmodels' `NegativeBinomial(loglike_method="nb2")`,
//! R's `MASS::glm.nb` with `θ = 1/α`):
//!
//! `ℓᵢ = ln Γ(yᵢ + 1/α) − ln Γ(1/α) − ln yᵢ! + yᵢ ln(αμᵢ) − (yᵢ + 1/α) ln(1 + αμᵢ)`.
//!
//! With `θ = 1/α`, `D₁ = ψ(y + θ) − ψ(θ)` and `D₂ = ψ'(y + θ) − ψ'(θ)` (by their finite sums
//! `Σⱼ 1/(θ + j)` and `−Σⱼ 1/(θ + j)²` over `j < y` for counts up to [`SUM_BELOW`], exact and
//! free of the cancellation of two large digammas):
//!
//! - `∂ℓ/∂α = (ln(1 + αμ) − D₁)/α² + (y − μ)/(α(1 + αμ))`,
//! - `∂²ℓ/∂α² = (D₂/α² + μ/(1 + αμ))/α² − 2(ln(1 + αμ) − D₁)/α³ − (y − μ)(1 + 2αμ)/(α(1 + αμ))²`,
//! - with the log link `∂ℓ/∂η = (y − μ)/(1 + αμ)`, `∂²ℓ/∂η² = −μ(1 + αy)/(1 + αμ)²`,
//!   `∂²ℓ/∂η∂α = −μ(y − μ)/(1 + αμ)²`.

use rand::RngCore;
use rand_distr::Distribution;
use special::Gamma as _;

use super::{
    Aux, Family, RowTensors, Start, count_level, is_whole, ln_factorial, ln_gamma, mean_variance,
};
use crate::ad::tensor::lgamma;
use crate::backend::Tensor;
use crate::data::shortest;
use crate::model::link::Link;
use crate::model::pass::RowTerms;

/// Counts below this are handled by finite sums rather than by differences of (di/tri)gamma
/// functions.
const SUM_BELOW: f64 = 64.0;

/// The NB2 negative binomial family, with the log link; its auxiliary parameter is `alpha`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NegativeBinomial;

/// `ln Γ(y + θ) − ln Γ(θ)`, `ψ(y + θ) − ψ(θ)`, `ψ'(y + θ) − ψ'(θ)` with `θ = 1/α` from `aux`.
fn gamma_differences(y: f64, aux: &Aux) -> (f64, f64, f64) {
    let theta = aux.recip;
    if y < SUM_BELOW {
        let (mut l, mut d1, mut d2) = (0.0, 0.0, 0.0);
        let mut j = 0.0;
        while j < y {
            let t = theta + j;
            l += t.ln();
            d1 += 1.0 / t;
            d2 -= 1.0 / (t * t);
            j += 1.0;
        }
        (l, d1, d2)
    } else {
        (
            ln_gamma(y + theta) - aux.ln_gamma_recip,
            (y + theta).digamma() - aux.digamma_recip,
            (y + theta).trigamma() - aux.trigamma_recip,
        )
    }
}

impl Family for NegativeBinomial {
    fn name(&self) -> &'static str {
        "negbin"
    }

    fn links(&self) -> &'static [Link] {
        &[Link::Log]
    }

    fn aux(&self) -> Option<&'static str> {
        Some("alpha")
    }

    fn check(&self, y: f64, _: f64) -> Result<(), String> {
        if y >= 0.0 && is_whole(y) {
            Ok(())
        } else {
            Err(format!(
                "a count must be a whole number ≥ 0, found {}",
                shortest(y)
            ))
        }
    }

    /// `μ/(1 + αμ)` under the log link.
    fn fisher_weight(&self, link: Link, eta: f64, _: f64, alpha: f64) -> Option<f64> {
        let mu = eta.exp();
        (link == Link::Log).then(|| mu / (1.0 + alpha * mu))
    }

    /// Under the log link a zero count rises towards 0 as `η → −∞`; a positive count has a
    /// maximum at `η = ln y`.
    fn side(&self, link: Link, y: f64, _: f64) -> Option<f64> {
        (link == Link::Log).then_some(if y == 0.0 { -1.0 } else { 0.0 })
    }

    fn degenerate(&self, y: &[f64], _: &[f64]) -> Option<String> {
        y.iter()
            .all(|&y| y == 0.0)
            .then(|| "every count is 0: the MLE of the intercept is −∞".to_string())
    }

    fn constant(&self, y: f64, _: f64) -> f64 {
        -ln_factorial(y)
    }

    /// The dispersion by moments, `(s² − ȳ)/ȳ²`, at least 0.05.
    fn start(&self, y: &[f64], _: &[f64]) -> Start {
        let (mean, var) = mean_variance(y);
        Start {
            mean,
            aux: ((var - mean) / (mean * mean)).max(0.05),
        }
    }

    /// `y + 0.1`, as for the Poisson family (R's `MASS::glm.nb` starts from a Poisson fit).
    fn mean_start(&self, y: f64, _: f64) -> Option<f64> {
        Some(y + 0.1)
    }

    /// `c = Σyᵢ / Σμᵢ` as for the Poisson family, and the dispersion by moments about the
    /// shifted means, `Σ((yᵢ − μᵢ)² − μᵢ) / Σμᵢ²`, at least 0.05.
    fn level_start(&self, link: Link, y: &[f64], eta: &[f64]) -> Option<(f64, f64)> {
        if link != Link::Log {
            return None;
        }
        let c = count_level(y, eta);
        let (mut excess, mut squares) = (0.0, 0.0);
        for (y, e) in y.iter().zip(eta) {
            let mu = c * e.exp();
            excess += (y - mu) * (y - mu) - mu;
            squares += mu * mu;
        }
        Some((c.ln(), (excess / squares).max(0.05)))
    }

    #[inline]
    fn row(&self, _: Link, y: f64, _: f64, eta: f64, aux: &Aux) -> RowTerms {
        let (alpha, theta) = (aux.value, aux.recip);
        let mu = eta.exp();
        let am = alpha * mu;
        let ln1p = am.ln_1p();
        let s = 1.0 + am;
        let (lg, d1, d2) = gamma_differences(y, aux);
        let r = y - mu;
        let value = lg + if y == 0.0 { 0.0 } else { y * (aux.ln + eta) } - (y + theta) * ln1p;
        let a2 = alpha * alpha;
        let b = ln1p - d1;
        let da = b / a2 + r / (alpha * s);
        let daa = (d2 / a2 + mu / s) / a2
            - 2.0 * b / (a2 * alpha)
            - r * (1.0 + 2.0 * am) / (alpha * s).powi(2);
        RowTerms::new(value, r / s, -mu * (1.0 + alpha * y) / (s * s)).with_aux(
            da,
            daa,
            -mu * r / (s * s),
        )
    }

    fn loglike(
        &self,
        _: Link,
        data: &RowTensors,
        eta: Tensor<1>,
        alpha: Option<Tensor<1>>,
    ) -> Tensor<1> {
        let alpha = alpha.unwrap_or_else(|| data.y.clone().ones_like().narrow(0, 0, 1));
        let y = data.y.clone();
        let theta = alpha.clone().recip();
        let mu = eta.clone().exp();
        lgamma(y.clone() + theta.clone()) - lgamma(theta.clone())
            + y.clone() * (alpha.clone().log() + eta)
            - (y + theta) * (mu * alpha).log1p()
    }

    fn sample(&self, _: Link, eta: f64, alpha: f64, _: f64, rng: &mut dyn RngCore) -> f64 {
        // a Poisson count whose mean is Gamma(1/α, αμ): mean μ, variance μ + αμ²
        let mu = eta.exp();
        let Ok(gamma) = rand_distr::Gamma::new(1.0 / alpha, alpha * mu) else {
            return f64::NAN;
        };
        let lambda = gamma.sample(rng);
        rand_distr::Poisson::new(lambda).map_or(0.0, |d| d.sample(rng))
    }

    fn simulation_aux(&self) -> f64 {
        0.5
    }
}
