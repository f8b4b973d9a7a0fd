//! Binomial models: successes `kᵢ` out of `mᵢ` trials.
//!
//! - [`Binomial`]: logistic regression on counts, `logit pᵢ = xᵢβ`,
//!   `ℓ(β) = Σ [kᵢ ηᵢ − mᵢ ln(1 + e^{ηᵢ}) + ln C(mᵢ, kᵢ)]`, written with `ln σ(−η)` so that it
//!   never takes the logarithm of an underflowed probability.
//! - [`Proportion`]: no covariates, one probability `p` (coin flips),
//!   `ℓ(p) = Σ [kᵢ ln p + (mᵢ − kᵢ) ln(1 − p) + ln C(mᵢ, kᵢ)]`, maximized at `p̂ = Σk / Σm`.

use std::sync::{Arc, OnceLock};

use burn::tensor::activation::log_sigmoid;
use nalgebra::DMatrix;
use statrs::function::gamma::ln_gamma;

use super::{
    Derivatives, Model, ModelKind, NullModel, Param, Separation, glm, linear_pass, linear_pass_log,
};
use crate::backend::{self, Device, Tensor};
use crate::data::{Design, shortest};
use crate::error::{MleError, Result};

/// `ln C(m, k)`.
fn ln_choose(m: f64, k: f64) -> f64 {
    ln_gamma(m + 1.0) - ln_gamma(k + 1.0) - ln_gamma(m - k + 1.0)
}

/// Whether `v` is a finite whole number. `f64::fract` is a library call on baseline x86-64 (no
/// SSE4.1 rounding instruction), a cost on millions of rows; below 2⁵² the conversion to an
/// integer truncates exactly, and above it every finite `f64` is whole.
fn is_whole(v: f64) -> bool {
    const EVERY_FLOAT_WHOLE: f64 = 4_503_599_627_370_496.0; // 2⁵²
    if v.abs() < EVERY_FLOAT_WHOLE {
        (v as i64) as f64 == v
    } else {
        v.is_finite()
    }
}

/// Checks counts: finite whole numbers with `0 ≤ k ≤ m` and `m ≥ 1`; names the row.
fn check_counts(model: &str, k: &[f64], m: &[f64]) -> Result<()> {
    let bad = |i: usize, what: String| MleError::Model {
        model: model.into(),
        message: format!("row {}: {what}", i + 1),
    };
    if k.len() != m.len() {
        return Err(MleError::Model {
            model: model.into(),
            message: format!("{} success counts but {} trial counts", k.len(), m.len()),
        });
    }
    for (i, (&k, &m)) in k.iter().zip(m).enumerate() {
        if !(m >= 1.0 && is_whole(m)) {
            return Err(bad(
                i,
                format!("trials must be a whole number ≥ 1, found {}", shortest(m)),
            ));
        }
        if !(k >= 0.0 && is_whole(k)) {
            return Err(bad(
                i,
                format!(
                    "successes must be a whole number ≥ 0, found {}",
                    shortest(k)
                ),
            ));
        }
        if k > m {
            return Err(bad(
                i,
                format!("{k} successes out of {m} trials: successes exceed trials"),
            ));
        }
    }
    Ok(())
}

/// The closed-form null model: one probability `p̄ = Σk / Σm` for every row.
fn null_log_likelihood(k: &[f64], m: &[f64], log_choose: f64) -> f64 {
    let (ks, ms) = (k.iter().sum::<f64>(), m.iter().sum::<f64>());
    let p = ks / ms;
    let xlogy = |x: f64, y: f64| if x == 0.0 { 0.0 } else { x * y.ln() };
    xlogy(ks, p) + xlogy(ms - ks, 1.0 - p) + log_choose
}

/// Binomial (and, with one trial per row, Bernoulli) regression with the logistic link.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::Binomial;
/// use mle::{fit, FitOptions};
/// // 3 of 10 at x = 0 and 7 of 10 at x = 1: two groups, a saturated model, so the fitted
/// // log-odds are exactly logit(0.3) and logit(0.7) (closed form).
/// let x = Design::from_columns(&["x"], &[vec![0.0, 1.0]], true).unwrap();
/// let model = Binomial::new(&x, &[3.0, 7.0], &[10.0, 10.0]).unwrap();
/// let r = fit(&model, &FitOptions::default()).unwrap();
/// let logit = |p: f64| (p / (1.0 - p)).ln();
/// assert!((r.params[0].estimate - logit(0.3)).abs() < 1e-7);
/// assert!((r.params[1].estimate - (logit(0.7) - logit(0.3))).abs() < 1e-7);
/// ```
#[derive(Debug, Clone)]
pub struct Binomial {
    name: &'static str,
    names: Vec<String>,
    /// The design, row-major, shared with the caller's [`Design`].
    x: Arc<Vec<f64>>,
    k: Vec<f64>,
    m: Vec<f64>,
    /// `None` when every row has one trial (Bernoulli): `m = 1` and `ln C(m, k) = 0`.
    log_choose: Option<Vec<f64>>,
    log_choose_total: f64,
    /// The data as tensors, made on first use by the autodiff path only.
    tensors: OnceLock<Tensors>,
    device: Device,
}

#[derive(Debug, Clone)]
struct Tensors {
    x: Tensor<2>,
    k: Tensor<1>,
    m: Option<Tensor<1>>,
    log_choose: Option<Tensor<1>>,
}

impl Binomial {
    /// `successes[i]` out of `trials[i]` for row `i` of `design`, on the default backend.
    ///
    /// # Errors
    /// [`MleError::Model`] naming the row when a count is negative, fractional or exceeds its
    /// trials, or when the lengths disagree with the design.
    pub fn new(design: &Design, successes: &[f64], trials: &[f64]) -> Result<Self> {
        Self::on(design, successes, trials, &backend::default_device()?)
    }

    /// As [`Binomial::new`], on a chosen device.
    ///
    /// # Errors
    /// As [`Binomial::new`].
    pub fn on(design: &Design, successes: &[f64], trials: &[f64], device: &Device) -> Result<Self> {
        Self::build(
            "binomial",
            design,
            successes.to_vec(),
            Some(trials.to_vec()),
            device,
        )
    }

    /// The model of successes `k` out of trials `m`, which it keeps; `m = None` is one trial per
    /// row, for `k` the caller has checked to be 0 or 1.
    pub(super) fn build(
        name: &'static str,
        design: &Design,
        k: Vec<f64>,
        m: Option<Vec<f64>>,
        device: &Device,
    ) -> Result<Self> {
        if let Some(m) = &m {
            check_counts(name, &k, m)?;
        }
        if k.len() != design.n_rows() {
            return Err(MleError::Model {
                model: name.into(),
                message: format!("{} responses for {} design rows", k.len(), design.n_rows()),
            });
        }
        let (m, bernoulli) = match m {
            Some(m) => {
                let bernoulli = m.iter().all(|&m| m == 1.0);
                (m, bernoulli)
            }
            None => (vec![1.0; k.len()], true),
        };
        let log_choose: Option<Vec<f64>> =
            (!bernoulli).then(|| k.iter().zip(&m).map(|(&k, &m)| ln_choose(m, k)).collect());
        Ok(Self {
            name,
            names: design.names().to_vec(),
            x: design.shared_values(),
            k,
            m,
            log_choose_total: log_choose.as_ref().map_or(0.0, |c| c.iter().sum()),
            log_choose,
            tensors: OnceLock::new(),
            device: device.clone(),
        })
    }

    fn tensors(&self) -> &Tensors {
        self.tensors.get_or_init(|| {
            let d = &self.device;
            let n = self.k.len();
            Tensors {
                x: backend::matrix(self.x.to_vec(), n, self.names.len(), d),
                k: backend::vector(&self.k, d),
                m: self
                    .log_choose
                    .is_some()
                    .then(|| backend::vector(&self.m, d)),
                log_choose: self.log_choose.as_ref().map(|c| backend::vector(c, d)),
            }
        })
    }

    /// The linear predictor `η = Xβ` at `beta`.
    pub fn linear_predictor(&self, beta: &[f64]) -> Vec<f64> {
        glm::linear_predictor(&self.x, self.names.len(), beta)
    }

    /// Fitted probabilities `σ(xᵢβ)` for new rows `x` (same columns as the design).
    pub fn predict(&self, beta: &[f64], x: &Design) -> Vec<f64> {
        ModelKind::Binomial.predict(x, beta)
    }
}

/// `(σ(|η|), σ(η), σ(η)(1 − σ(η)))` without overflow or cancellation: with `e = exp(−|η|)`,
/// `σ(|η|) = 1/(1 + e)`, `σ(η)` is that or `e/(1 + e)`, and `σ(η)(1 − σ(η)) = e/(1 + e)²`. The
/// log-partition follows as `ln σ(−η) = −max(η, 0) + ln σ(|η|)`.
fn logistic_parts(eta: f64) -> (f64, f64, f64) {
    let e = (-eta.abs()).exp();
    let r = 1.0 / (1.0 + e);
    // a select, not a branch on a sign that changes from row to row
    let mu = if eta >= 0.0 { r } else { e * r };
    (r, mu, e * r * r)
}

impl Model for Binomial {
    fn name(&self) -> &str {
        self.name
    }
    /// The coefficients, starting at 0 but for the intercept, which starts at the null model's
    /// maximum `logit(Σk / Σm)` (one Newton step fewer, typically).
    fn params(&self) -> Vec<Param> {
        let mut params = Param::linear(&self.names);
        let p = self.k.iter().sum::<f64>() / self.m.iter().sum::<f64>();
        for param in &mut params {
            if param.role == super::Role::Intercept && p > 0.0 && p < 1.0 {
                param.start = crate::odds::logit(p);
            }
        }
        params
    }
    fn n_obs(&self) -> usize {
        self.k.len()
    }
    fn device(&self) -> &Device {
        &self.device
    }
    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        let t = self.tensors();
        let eta = backend::linear_predictor(&t.x, theta);
        // k η − m ln(1 + e^η) = k η + m ln σ(−η)
        let tail = log_sigmoid(eta.clone().neg());
        let tail = match &t.m {
            Some(m) => tail * m.clone(),
            None => tail,
        };
        let ll = t.k.clone() * eta + tail;
        match &t.log_choose {
            Some(c) => ll + c.clone(),
            None => ll,
        }
    }
    /// `∂²ℓ/∂β∂βᵀ = −Xᵀ diag(mᵢ μᵢ (1 − μᵢ)) X`.
    fn hessian(&self, theta: &[f64]) -> Option<DMatrix<f64>> {
        self.derivatives(theta, true)?.hessian
    }
    /// One pass: `fᵢ = kᵢηᵢ + mᵢ ln σ(−ηᵢ) + ln C(mᵢ, kᵢ)`, `fᵢ' = kᵢ − mᵢμᵢ`,
    /// `fᵢ'' = −mᵢμᵢ(1 − μᵢ)`.
    fn derivatives(&self, theta: &[f64], hessian: bool) -> Option<Derivatives> {
        let (k, m) = (&self.k, &self.m);
        let p = self.names.len();
        Some(match &self.log_choose {
            // one trial per row: the logarithms of σ(|η|) are taken per product of rows
            None => linear_pass_log(&self.x, p, theta, hessian, |i, eta| {
                let (r, mu, w) = logistic_parts(eta);
                (k[i] * eta - eta.max(0.0), r, k[i] - mu, -w)
            }),
            Some(c) => linear_pass(&self.x, p, theta, hessian, |i, eta| {
                let (r, mu, w) = logistic_parts(eta);
                let tail = r.ln() - eta.max(0.0);
                (k[i] * eta + m[i] * tail + c[i], k[i] - m[i] * mu, -m[i] * w)
            }),
        })
    }
    fn null_model(&self) -> Option<NullModel> {
        Some(NullModel {
            log_likelihood: null_log_likelihood(&self.k, &self.m, self.log_choose_total),
            n_params: 1,
        })
    }
    fn separation(&self, theta: &[f64], information: &DMatrix<f64>) -> Option<Separation> {
        let eta = self.linear_predictor(theta);
        // the direction of least curvature: the eigenvector of the smallest eigenvalue of XᵀWX
        let direction = || {
            let eig = nalgebra::SymmetricEigen::new(information.clone());
            let j = eig.eigenvalues.imin();
            let d: Vec<f64> = eig.eigenvectors.column(j).iter().copied().collect();
            let xd = self.linear_predictor(&d);
            (d, xd)
        };
        Separation::check(&eta, &self.k, &self.m, &self.names, theta, Some(&direction))
    }
}

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
    k_total: f64,
    m_total: f64,
    n: usize,
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
        check_counts("binomial", successes, trials)?;
        let (k_total, m_total) = (successes.iter().sum::<f64>(), trials.iter().sum::<f64>());
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
        let log_choose: Vec<f64> = successes
            .iter()
            .zip(trials)
            .map(|(&k, &m)| ln_choose(m, k))
            .collect();
        Ok(Self {
            k: backend::vector(successes, device),
            m: backend::vector(trials, device),
            log_choose: backend::vector(&log_choose, device),
            k_total,
            m_total,
            n: successes.len(),
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
    fn device(&self) -> &Device {
        &self.device
    }
    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        let p = theta.narrow(0, 0, 1);
        let q = p.clone().neg() + 1.0;
        let failures = self.m.clone() - self.k.clone();
        self.k.clone() * p.log() + failures * q.log() + self.log_choose.clone()
    }
    /// `−K/p² − (M − K)/(1 − p)²`.
    fn hessian(&self, theta: &[f64]) -> Option<DMatrix<f64>> {
        let p = theta[0];
        let h = -self.k_total / (p * p) - (self.m_total - self.k_total) / ((1.0 - p) * (1.0 - p));
        Some(DMatrix::from_element(1, 1, h))
    }
}

#[cfg(test)]
mod tests {
    use super::is_whole;

    #[test]
    fn whole_numbers_as_fract_tells_them() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -3.0,
            2f64.powi(52) - 1.0,
            2f64.powi(52),
            1e300,
            -1e300,
        ] {
            assert!(is_whole(v) && v.fract() == 0.0, "{v}");
        }
        for v in [
            0.5,
            -2.25,
            2f64.powi(51) + 0.5,
            1e-300,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert!(!is_whole(v) && (!v.is_finite() || v.fract() != 0.0), "{v}");
        }
    }
}
