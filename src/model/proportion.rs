//! The proportion: one probability `p` for every trial, `ℓ(p) = Σ [kᵢ ln p + (mᵢ − kᵢ) ln(1 − p)
//! + ln C(mᵢ, kᵢ)]`, maximized at `p̂ = Σk / Σm` (the binomial family without covariates,
//! parametrized by `p` itself).

use nalgebra::DMatrix;

use super::evaluation::{Evaluation, Want};
use super::family::{Binomial, Family};
use super::glm::check_weights;
use super::{Model, Param};
use crate::backend::{self, Device, Tensor};
use crate::error::{MleError, Result};

/// One probability `p` for every trial: the coin-flip model, `p̂ = Σk / Σm`.
///
/// # Examples
/// ```
/// use mle::model::Proportion;
/// use mle::{fit, FitOptions};
/// let coin = Proportion::new(&[55.0], &[100.0]).unwrap(); // 55 heads in 100 flips
/// let r = fit(&coin, &FitOptions::default()).unwrap();
/// assert!((r.params[0].estimate - 0.55).abs() < 1e-9);
/// // delta method on the logit scale gives exactly √(p̂(1 − p̂)/n)
/// let se = (0.55f64 * 0.45 / 100.0).sqrt();
/// assert!((r.params[0].std_error.unwrap() - se).abs() < 1e-9);
/// ```
#[derive(Debug, Clone)]
pub struct Proportion {
    k: Tensor<1>,
    m: Tensor<1>,
    log_choose: Tensor<1>,
    log_choose_total: f64,
    k_total: f64,
    m_total: f64,
    n: usize,
    weights: Option<Vec<f64>>,
    device: Device,
}

impl Proportion {
    /// `successes[i]` out of `trials[i]`, on the default backend.
    ///
    /// # Errors
    /// [`MleError::Model`] for invalid counts, and when every trial succeeded or every trial
    /// failed: then `p̂` is 0 or 1, on the boundary, where no interior maximum exists.
    pub fn new(successes: &[f64], trials: &[f64]) -> Result<Self> {
        Self::on(successes, trials, &backend::default_device()?)
    }

    /// As [`Proportion::new`], on a chosen device.
    ///
    /// # Errors
    /// As [`Proportion::new`].
    pub fn on(successes: &[f64], trials: &[f64], device: &Device) -> Result<Self> {
        Self::weighted(successes, trials, None, device)
    }

    /// As [`Proportion::on`], row `i` standing for `weights[i]` observations (frequency
    /// weights, whole numbers ≥ 1): `p̂ = Σwk / Σwm`.
    ///
    /// # Errors
    /// As [`Proportion::new`]; a weight that is not a whole number ≥ 1, naming its row.
    pub fn weighted(
        successes: &[f64],
        trials: &[f64],
        weights: Option<&[f64]>,
        device: &Device,
    ) -> Result<Self> {
        let lengths = [Some(trials.len()), weights.map(<[f64]>::len)];
        if let Some(len) = lengths
            .into_iter()
            .flatten()
            .find(|&l| l != successes.len())
        {
            return Err(MleError::Model {
                model: "binomial".into(),
                message: format!(
                    "{} success counts but {len} trial counts or weights",
                    successes.len()
                ),
            });
        }
        if let Some(w) = weights {
            check_weights(w).map_err(|message| MleError::Model {
                model: "binomial".into(),
                message,
            })?;
        }
        for (i, (&k, &m)) in successes.iter().zip(trials).enumerate() {
            // the binomial family's checks, with its words for Bernoulli rows
            Binomial.check(k, m).map_err(|message| MleError::Model {
                model: "binomial".into(),
                message: format!("row {}: {message}", i + 1),
            })?;
        }
        // a row of weight w is w rows: its counts and constant times w
        let scaled = |v: &[f64]| -> Vec<f64> {
            match weights {
                Some(w) => v.iter().zip(w).map(|(v, w)| v * w).collect(),
                None => v.to_vec(),
            }
        };
        let (k, m) = (scaled(successes), scaled(trials));
        let (k_total, m_total) = (k.iter().sum::<f64>(), m.iter().sum::<f64>());
        if successes.is_empty() {
            return Err(MleError::Model {
                model: "binomial".into(),
                message: "no observations".into(),
            });
        }
        if k_total == 0.0 || k_total == m_total {
            return Err(MleError::Model {
                model: "binomial".into(),
                message: format!(
                    "{k_total} successes in {m_total} trials: p̂ = {} lies on the boundary of \
                     (0, 1), where the likelihood has no interior maximum and no standard error",
                    k_total / m_total
                ),
            });
        }
        let log_choose: Vec<f64> = scaled(
            &successes
                .iter()
                .zip(trials)
                .map(|(&k, &m)| Binomial.constant(k, m))
                .collect::<Vec<f64>>(),
        );
        Ok(Self {
            k: backend::vector(&k, device),
            m: backend::vector(&m, device),
            log_choose_total: log_choose.iter().sum(),
            log_choose: backend::vector(&log_choose, device),
            k_total,
            m_total,
            n: crate::data::observations(successes.len(), weights),
            weights: weights.map(<[f64]>::to_vec),
            device: device.clone(),
        })
    }

    /// Total trials `Σm` (the `n` of `√(p̂(1 − p̂)/n)`).
    pub fn trials(&self) -> f64 {
        self.m_total
    }
}

impl Model for Proportion {
    fn name(&self) -> &str {
        "binomial"
    }
    fn params(&self) -> Vec<Param> {
        vec![Param::probability("p", 0.5)]
    }
    fn n_obs(&self) -> usize {
        self.n
    }
    fn frequency_weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }
    fn device(&self) -> &Device {
        &self.device
    }
    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        let p = theta.narrow(0, 0, 1);
        let q = p.clone().neg() + 1.0;
        let failures = self.m.clone() - self.k.clone();
        self.k.clone() * p.log() + failures * q.log() + self.log_choose.clone()
    }
    /// The Hessian `−K/p² − (M − K)/(1 − p)²` in closed form; the gradient is left to autodiff
    /// (the coin flips teach that), so only an evaluation with the Hessian is answered here.
    fn closed_form(&self) -> Want {
        Want {
            gradient: false,
            hessian: true,
            scores: false,
        }
    }

    fn evaluate(&self, theta: &[f64], want: Want) -> Option<Evaluation> {
        if !want.hessian {
            return None;
        }
        let p = theta[0];
        let (k, m) = (self.k_total, self.m_total);
        let q = 1.0 - p;
        let h = -k / (p * p) - (m - k) / (q * q);
        Some(Evaluation {
            value: k * p.ln() + (m - k) * q.ln() + self.log_choose_total,
            gradient: Some(vec![k / p - (m - k) / q]),
            hessian: Some(DMatrix::from_element(1, 1, h)),
            scores: None,
        })
    }
}
