//! The Poisson family: counts `yᵢ` with mean `μᵢ`, `ℓᵢ = yᵢ ln μᵢ − μᵢ − ln yᵢ!`.

use rand::RngCore;
use rand_distr::Distribution;

use super::{
    Aux, Family, MeanTerms, RowTensors, Start, count_level, is_whole, ln_factorial, mean_variance,
    weighted_mean_variance, weighted_sum,
};
use crate::backend::Tensor;
use crate::data::shortest;
use crate::model::link::Link;
use crate::model::pass::RowTerms;

/// The Poisson family, with the log link.
#[derive(Debug, Clone, Copy, Default)]
pub struct Poisson;

/// `x ln y`, 0 where `x = 0`.
fn xlogy(x: f64, log_y: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * log_y }
}

impl Family for Poisson {
    fn name(&self) -> &'static str {
        "poisson"
    }

    fn links(&self) -> &'static [Link] {
        &[Link::Log]
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

    /// `μ` under the log link.
    fn fisher_weight(&self, link: Link, eta: f64, _: f64, _: f64) -> Option<f64> {
        (link == Link::Log).then(|| eta.exp())
    }

    /// Under the log link `−∂²ℓᵢ/∂η² = μ` whatever the count.
    fn expected_is_observed(&self, link: Link) -> bool {
        link == Link::Log
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

    fn start(&self, y: &[f64], _: &[f64]) -> Start {
        Start {
            mean: mean_variance(y).0,
            aux: 1.0,
        }
    }

    /// `y + 0.1`, as R's `poisson()$initialize`.
    fn mean_start(&self, y: f64, _: f64) -> Option<f64> {
        Some(y + 0.1)
    }

    /// `c = Σyᵢ / Σμᵢ`, where the intercept's score `Σ(yᵢ − cμᵢ)` is 0.
    fn level_start(&self, link: Link, y: &[f64], eta: &[f64]) -> Option<(f64, f64)> {
        if link != Link::Log {
            return None;
        }
        Some((count_level(y, eta).ln(), f64::NAN))
    }

    /// With the log link `f' = y − μ`, `f'' = −μ`; through a general link from
    /// `ℓ_μ = y/μ − 1`, `ℓ_μμ = −y/μ²`.
    #[inline]
    fn row(&self, link: Link, y: f64, _: f64, eta: f64, _: &Aux) -> RowTerms {
        let m = link.mean(eta);
        if link == Link::Log {
            return RowTerms::new(xlogy(y, eta) - m.mu, y - m.mu, -m.mu);
        }
        MeanTerms {
            value: xlogy(y, m.log_mu) - m.mu,
            d_mu: y / m.mu - 1.0,
            d_mu2: -y / (m.mu * m.mu),
            ..MeanTerms::default()
        }
        .through(m)
    }

    fn loglike(
        &self,
        link: Link,
        data: &RowTensors,
        eta: Tensor<1>,
        _: Option<Tensor<1>>,
    ) -> Tensor<1> {
        data.y.clone() * link.log_mean_tensor(eta.clone()) - link.mean_tensor(eta)
    }

    fn null_log_likelihood(
        &self,
        y: &[f64],
        _: &[f64],
        weights: Option<&[f64]>,
        constant: f64,
    ) -> Option<f64> {
        let (mean, _) = weighted_mean_variance(y, weights);
        let total = weighted_sum(y, weights);
        Some(xlogy(total, mean.ln()) - total + constant)
    }

    fn sample(&self, link: Link, eta: f64, _: f64, _: f64, rng: &mut dyn RngCore) -> f64 {
        let mu = link.mean(eta).mu;
        rand_distr::Poisson::new(mu).map_or(f64::NAN, |d| d.sample(rng))
    }
}
