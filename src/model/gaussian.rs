//! Gaussian linear regression: `yᵢ = xᵢβ + εᵢ`, `εᵢ ~ N(0, σ²)`,
//! `ℓ(β, σ) = −(n/2) ln(2πσ²) − RSS(β) / (2σ²)`.
//!
//! Its maximum is the least-squares `β̂` with `σ̂² = RSS / n` (not the unbiased `RSS / (n − p)`):
//! see [`crate::closed_form::compare_ols_mle`].

use std::sync::{Arc, OnceLock};

use nalgebra::DMatrix;

use super::{Derivatives, Model, ModelKind, Param, glm, linear_pass};
use crate::backend::{self, Device, Tensor};
use crate::data::{Design, shortest};
use crate::error::{MleError, Result};

/// `ln √(2π)`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Linear regression with normal errors; parameters `β` (free) and `σ` (positive).
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::Gaussian;
/// use mle::{fit, FitOptions};
/// let x = Design::from_columns(&["x"], &[vec![0.0, 1.0, 2.0, 3.0]], true).unwrap();
/// let model = Gaussian::new(&x, &[1.0, 2.9, 5.1, 7.0]).unwrap();
/// let r = fit(&model, &FitOptions::default()).unwrap();
/// // least squares by hand: slope = Sxy/Sxx = 10.1/5 = 2.02, intercept = 4 − 2.02·1.5 = 0.97
/// assert!((r.params[1].estimate - 2.02).abs() < 1e-7);
/// assert!((r.params[0].estimate - 0.97).abs() < 1e-7);
/// assert_eq!(r.params[2].name, "sigma");
/// ```
#[derive(Debug, Clone)]
pub struct Gaussian {
    names: Vec<String>,
    /// The design, row-major, shared with the caller's [`Design`].
    x: Arc<Vec<f64>>,
    y: Vec<f64>,
    xtx: DMatrix<f64>,
    sigma_start: f64,
    /// The data as tensors, made on first use by the autodiff path only.
    tensors: OnceLock<(Tensor<2>, Tensor<1>)>,
    device: Device,
}

impl Gaussian {
    /// Response `y` for the rows of `design`, on the default backend.
    ///
    /// # Errors
    /// [`MleError::Model`] when the lengths disagree, a response is not finite, or the response
    /// is constant (then `σ̂ = 0` and the likelihood is unbounded).
    pub fn new(design: &Design, y: &[f64]) -> Result<Self> {
        Self::on(design, y, &backend::default_device()?)
    }

    /// As [`Gaussian::new`], on a chosen device.
    ///
    /// # Errors
    /// As [`Gaussian::new`].
    pub fn on(design: &Design, y: &[f64], device: &Device) -> Result<Self> {
        let error = |message: String| MleError::Model {
            model: "gaussian".into(),
            message,
        };
        if y.len() != design.n_rows() {
            return Err(error(format!(
                "{} responses for {} rows",
                y.len(),
                design.n_rows()
            )));
        }
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(error(format!(
                "row {}: response {} is not finite",
                i + 1,
                shortest(y[i])
            )));
        }
        if y.iter().all(|v| *v == y[0]) {
            return Err(error(format!(
                "the response is {} in every row: σ̂ = 0 and the likelihood is unbounded",
                shortest(y[0])
            )));
        }
        let (n, p) = (design.n_rows(), design.n_cols());
        let x = design.shared_values();
        let xtx = glm::gram(&x, p);
        let mean_sq = y.iter().map(|v| v * v).sum::<f64>() / n as f64;
        if !mean_sq.is_finite() || xtx.iter().any(|v| !v.is_finite()) {
            let largest = x.iter().chain(y).fold(0.0_f64, |m, v| m.max(v.abs()));
            return Err(MleError::Numerical(format!(
                "gaussian: sums of squares overflow double precision (the largest |value| in the \
                 data is {largest:e}; they overflow beyond about 1e154): rescale the columns, \
                 for example to other units"
            )));
        }
        Ok(Self {
            names: design.names().to_vec(),
            x,
            y: y.to_vec(),
            xtx,
            // the MLE of σ when β = 0, the starting β
            sigma_start: mean_sq.sqrt(),
            tensors: OnceLock::new(),
            device: device.clone(),
        })
    }

    /// Fitted means `xβ` for the rows of `x`.
    pub fn predict(&self, beta: &[f64], x: &Design) -> Vec<f64> {
        ModelKind::Gaussian.predict(x, beta)
    }

    /// `RSS(β)` and `Xᵀ(y − Xβ)` in one pass.
    fn residuals(&self, beta: &[f64]) -> (f64, Vec<f64>) {
        let y = &self.y;
        let d = linear_pass(&self.x, self.names.len(), beta, false, |i, eta| {
            let r = y[i] - eta;
            (r * r, r, 0.0)
        });
        (d.value, d.gradient)
    }
}

impl Model for Gaussian {
    fn name(&self) -> &str {
        "gaussian"
    }
    fn params(&self) -> Vec<Param> {
        let mut params = Param::linear(&self.names);
        params.push(Param::positive("sigma", self.sigma_start));
        params
    }
    fn n_obs(&self) -> usize {
        self.y.len()
    }
    fn device(&self) -> &Device {
        &self.device
    }
    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        let (x, y) = self.tensors.get_or_init(|| {
            let n = self.y.len();
            (
                backend::matrix(self.x.to_vec(), n, self.names.len(), &self.device),
                backend::vector(&self.y, &self.device),
            )
        });
        let p = self.names.len();
        let beta = theta.clone().narrow(0, 0, p);
        let sigma = theta.narrow(0, p, 1);
        let r = y.clone() - backend::linear_predictor(x, beta);
        let z = r / sigma.clone();
        (z.square() * -0.5) - sigma.log() - LN_SQRT_2PI
    }
    /// `∂²ℓ/∂β∂βᵀ = −XᵀX/σ²`, `∂²ℓ/∂β∂σ = −2Xᵀr/σ³`, `∂²ℓ/∂σ² = n/σ² − 3 RSS/σ⁴`.
    fn hessian(&self, theta: &[f64]) -> Option<DMatrix<f64>> {
        self.derivatives(theta, true)?.hessian
    }
    /// `ℓ = −n ln σ − n ln √(2π) − RSS/(2σ²)`, `∂ℓ/∂β = Xᵀr/σ²`, `∂ℓ/∂σ = −n/σ + RSS/σ³`, and
    /// the Hessian above, from one pass for `RSS` and `Xᵀr` (`XᵀX` is kept).
    fn derivatives(&self, theta: &[f64], hessian: bool) -> Option<Derivatives> {
        let p = self.names.len();
        let sigma = theta[p];
        let (rss, xtr) = self.residuals(&theta[..p]);
        let n = self.y.len() as f64;
        let s2 = sigma * sigma;
        let value = -n * sigma.ln() - n * LN_SQRT_2PI - rss / (2.0 * s2);
        let mut gradient: Vec<f64> = xtr.iter().map(|v| v / s2).collect();
        gradient.push(-n / sigma + rss / (s2 * sigma));
        let hessian = hessian.then(|| {
            let mut h = DMatrix::zeros(p + 1, p + 1);
            h.view_mut((0, 0), (p, p))
                .copy_from(&(&self.xtx * (-1.0 / s2)));
            for j in 0..p {
                let v = -2.0 * xtr[j] / (s2 * sigma);
                h[(j, p)] = v;
                h[(p, j)] = v;
            }
            h[(p, p)] = n / s2 - 3.0 * rss / (s2 * s2);
            h
        });
        Some(Derivatives {
            value,
            gradient,
            hessian,
        })
    }
}
