//! The binomial family: `kᵢ` successes out of `mᵢ` trials with probability `μᵢ` (Bernoulli
//! when every `mᵢ = 1`), `ℓᵢ = kᵢ ln μᵢ + (mᵢ − kᵢ) ln(1 − μᵢ) + ln C(mᵢ, kᵢ)`.
//!
//! Written per link in `η` so that no probability is ever rounded to 0 or 1 before its
//! logarithm is taken:
//!
//! | link | `ln μ` | `ln(1 − μ)` |
//! |---|---|---|
//! | logit | `ln σ(η)` | `ln σ(−η)` |
//! | probit | `ln Φ(η)` | `ln Φ(−η)` |
//! | cloglog | `ln(1 − exp(−e^η))` | `−e^η` |

use rand::RngCore;
use rand_distr::Distribution;

use super::{Aux, Family, RowTensors, Start, is_whole, ln_gamma, weighted_mean, weighted_sum};
use crate::ad::special::{inverse_mills, log_ndtr};
use crate::ad::tensor::log_ndtr as log_ndtr_tensor;
use crate::backend::Tensor;
use crate::data::shortest;
use crate::model::link::Link;
use crate::model::pass::RowTerms;

/// The binomial family (the Bernoulli family with one trial per row).
#[derive(Debug, Clone, Copy, Default)]
pub struct Binomial;

/// `ln C(m, k)`.
fn ln_choose(m: f64, k: f64) -> f64 {
    ln_gamma(m + 1.0) - ln_gamma(k + 1.0) - ln_gamma(m - k + 1.0)
}

/// `x ln y`, 0 where `x = 0`.
fn xlogy(x: f64, y: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * y.ln() }
}

impl Family for Binomial {
    fn name(&self) -> &'static str {
        "binomial"
    }

    fn links(&self) -> &'static [Link] {
        &[Link::Logit, Link::Probit, Link::Cloglog]
    }

    fn has_trials(&self) -> bool {
        true
    }

    fn fisher_weight(&self, link: Link, eta: f64, m: f64, _: f64) -> Option<f64> {
        Some(expected_weight(link, eta, m).0)
    }

    /// Under the logit link `−∂²ℓᵢ/∂η² = mμ(1 − μ)` whatever the response.
    fn expected_is_observed(&self, link: Link) -> bool {
        link == Link::Logit
    }

    /// Every link of the family maps `η` onto `(0, 1)`: an all-success row rises towards 0 as
    /// `η → +∞`, an all-failure row as `η → −∞`.
    fn side(&self, _link: Link, k: f64, m: f64) -> Option<f64> {
        Some(if k == m {
            1.0
        } else if k == 0.0 {
            -1.0
        } else {
            0.0
        })
    }

    fn check(&self, k: f64, m: f64) -> Result<(), String> {
        if m == 1.0 {
            return if k == 0.0 || k == 1.0 {
                Ok(())
            } else {
                Err(format!(
                    "the response must be 0 or 1, found {}",
                    shortest(k)
                ))
            };
        }
        if !(m >= 1.0 && is_whole(m)) {
            return Err(format!(
                "trials must be a whole number ≥ 1, found {}",
                shortest(m)
            ));
        }
        if !(k >= 0.0 && is_whole(k)) {
            return Err(format!(
                "successes must be a whole number ≥ 0, found {}",
                shortest(k)
            ));
        }
        if k > m {
            return Err(format!(
                "{k} successes out of {m} trials: successes exceed trials"
            ));
        }
        Ok(())
    }

    fn degenerate(&self, k: &[f64], m: &[f64]) -> Option<String> {
        let (ks, ms) = (k.iter().sum::<f64>(), m.iter().sum::<f64>());
        let bernoulli = m.iter().all(|&m| m == 1.0);
        match (ks == 0.0, ks == ms, bernoulli) {
            (true, _, true) | (_, true, true) => Some(format!(
                "the response is {} in every row: with one class only the MLE does not exist",
                k.first().copied().unwrap_or(0.0)
            )),
            (true, _, false) => {
                Some("no trial succeeded: the MLE of the intercept is −∞".to_string())
            }
            (_, true, false) => {
                Some("every trial succeeded: the MLE of the intercept is +∞".to_string())
            }
            _ => None,
        }
    }

    fn constant(&self, k: f64, m: f64) -> f64 {
        if m == 1.0 { 0.0 } else { ln_choose(m, k) }
    }

    fn start(&self, k: &[f64], m: &[f64]) -> Start {
        let p = weighted_mean(k, m);
        Start {
            mean: if p > 0.0 && p < 1.0 { p } else { 0.5 },
            aux: 1.0,
        }
    }

    /// `(k + ½)/(m + 1)`, as R's `binomial()$initialize`.
    fn mean_start(&self, k: f64, m: f64) -> Option<f64> {
        Some((k + 0.5) / (m + 1.0))
    }

    #[inline]
    fn row(&self, link: Link, k: f64, m: f64, eta: f64, _: &Aux) -> RowTerms {
        match link {
            Link::Probit => probit(k, m, eta),
            Link::Cloglog => cloglog(k, m, eta),
            _ => logit(k, m, eta),
        }
    }

    fn loglike(
        &self,
        link: Link,
        data: &RowTensors,
        eta: Tensor<1>,
        _: Option<Tensor<1>>,
    ) -> Tensor<1> {
        let k = data.y.clone();
        let failures = |m: &Option<Tensor<1>>| match m {
            Some(m) => m.clone() - k.clone(),
            None => k.clone().neg() + 1.0,
        };
        match link {
            Link::Probit => {
                k.clone() * log_ndtr_tensor(eta.clone())
                    + failures(&data.trials) * log_ndtr_tensor(eta.neg())
            }
            Link::Cloglog => {
                // ln(1 − exp(−t)) with t = e^η, by its series η − t/2 where t is tiny
                let t = eta.clone().exp();
                let small = t.clone().lower_elem(1e-5);
                let direct = (t.clone().clamp_min(1e-5).neg().exp().neg() + 1.0).log();
                let series = eta - t.clone() * 0.5;
                let log_mu = direct.mask_where(small, series);
                k.clone() * log_mu - failures(&data.trials) * t
            }
            _ => {
                // k η + m ln σ(−η)
                let tail = burn::tensor::activation::log_sigmoid(eta.clone().neg());
                let tail = match &data.trials {
                    Some(m) => tail * m.clone(),
                    None => tail,
                };
                k * eta + tail
            }
        }
    }

    fn null_log_likelihood(
        &self,
        k: &[f64],
        m: &[f64],
        weights: Option<&[f64]>,
        constant: f64,
    ) -> Option<f64> {
        let (ks, ms) = (weighted_sum(k, weights), weighted_sum(m, weights));
        let p = ks / ms;
        Some(xlogy(ks, p) + xlogy(ms - ks, 1.0 - p) + constant)
    }

    fn sample(&self, link: Link, eta: f64, _aux: f64, m: f64, rng: &mut dyn RngCore) -> f64 {
        let mu = link.mean(eta).mu;
        if m == 1.0 {
            // one uniform draw per Bernoulli row
            return f64::from(u8::from(rand::Rng::random::<f64>(rng) < mu));
        }
        rand_distr::Binomial::new(m as u64, mu).map_or(f64::NAN, |d| d.sample(rng) as f64)
    }

    fn mean_name(&self) -> &'static str {
        "probability"
    }
}

/// Logit: `fᵢ = kη + m ln σ(−η)`, `f' = k − mμ`, `f'' = −mμ(1 − μ)`; with one trial the
/// logarithm of `σ(|η|) ∈ [½, 1]` is left to the pass (one per 512 rows).
fn logit(k: f64, m: f64, eta: f64) -> RowTerms {
    // with e = exp(−|η|): σ(|η|) = 1/(1 + e), μ = that or e/(1 + e), μ(1 − μ) = e/(1 + e)²
    let e = (-eta.abs()).exp();
    let r = 1.0 / (1.0 + e);
    // a select, not a branch on a sign that changes from row to row
    let mu = if eta >= 0.0 { r } else { e * r };
    let w = e * r * r;
    if m == 1.0 {
        RowTerms {
            factor: r,
            ..RowTerms::new(k * eta - eta.max(0.0), k - mu, -w)
        }
    } else {
        let tail = r.ln() - eta.max(0.0);
        RowTerms::new(k * eta + m * tail, k - m * mu, -m * w)
    }
}

/// Probit: `fᵢ = k ln Φ(η) + (m − k) ln Φ(−η)`; with `λ(x) = φ(x)/Φ(x)`,
/// `f' = kλ(η) − (m − k)λ(−η)`, `f'' = −kλ(η)(η + λ(η)) − (m − k)λ(−η)(λ(−η) − η)`.
fn probit(k: f64, m: f64, eta: f64) -> RowTerms {
    let (mut value, mut d1, mut d2) = (0.0, 0.0, 0.0);
    if k > 0.0 {
        let l = inverse_mills(eta);
        value += k * log_ndtr(eta);
        d1 += k * l;
        d2 -= k * l * (eta + l);
    }
    let f = m - k;
    if f > 0.0 {
        let l = inverse_mills(-eta);
        value += f * log_ndtr(-eta);
        d1 -= f * l;
        d2 -= f * l * (l - eta);
    }
    RowTerms::new(value, d1, d2)
}

/// Cloglog: with `t = e^η` and `q = 1 − e^{−t} = μ`, `fᵢ = k ln q − (m − k)t`; `∂ ln q/∂η = r =
/// t e^{−t}/q` and `∂²ln q/∂η² = r(1 − t/q)`.
fn cloglog(k: f64, m: f64, eta: f64) -> RowTerms {
    let t = eta.exp();
    let f = m - k;
    let (mut value, mut d1, mut d2) = (-f * t, -f * t, -f * t);
    if k > 0.0 {
        let q = -(-t).exp_m1();
        let log_q = if t < std::f64::consts::LN_2 {
            q.ln()
        } else {
            (-(-t).exp()).ln_1p()
        };
        let r = t * (-t).exp() / q;
        // 1 − t/q, by its series −t/2 − t²/12 where t is tiny
        let one_minus = if t < 1e-4 {
            -t / 2.0 - t * t / 12.0
        } else {
            1.0 - t / q
        };
        value += k * log_q;
        d1 += k * r;
        d2 += k * r * one_minus;
    }
    RowTerms::new(value, d1, d2)
}

/// The expected (Fisher) weight `w = m μ'(η)²/(μ(1 − μ))` of a row with `m` trials at `η`,
/// and `(dw/dη)/w`: `mμ(1 − μ)` and `1 − 2μ` for the logit link.
pub(crate) fn expected_weight(link: Link, eta: f64, m: f64) -> (f64, f64) {
    let mean = link.mean(eta);
    // 1 − μ without cancellation
    let complement = match link {
        Link::Cloglog => (-eta.exp()).exp(),
        _ => link.mean(-eta).mu,
    };
    let (mu, d1, d2) = (mean.mu, mean.d1, mean.d2);
    match link {
        Link::Logit => (m * mu * complement, complement - mu),
        _ => {
            let v = mu * complement;
            (m * d1 * d1 / v, 2.0 * d2 / d1 - d1 * (complement - mu) / v)
        }
    }
}
