//! Bernoulli logistic regression: `yᵢ ∈ {0, 1}`, `P(yᵢ = 1) = σ(xᵢβ)`,
//! `ℓ(β) = Σ [yᵢ ηᵢ − ln(1 + e^{ηᵢ})]` with `η = Xβ`: the binomial model with one trial per row.

use nalgebra::DMatrix;

use super::{Binomial, Derivatives, Model, NullModel, Param, Separation};
use crate::backend::{self, Device, Tensor};
use crate::data::{Design, shortest};
use crate::error::{MleError, Result};

/// Logistic regression for a 0/1 response.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::Logistic;
/// use mle::{fit, FitOptions};
/// let x = Design::from_columns(&["x"], &[vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0]], true).unwrap();
/// let model = Logistic::new(&x, &[0.0, 0.0, 1.0, 0.0, 1.0, 1.0]).unwrap();
/// let r = fit(&model, &FitOptions::default()).unwrap();
/// // two groups: the intercept is logit(1/3) = −ln 2, the slope ln 4 (closed form)
/// assert!((r.params[0].estimate + 2f64.ln()).abs() < 1e-7);
/// assert!((r.params[1].estimate - 4f64.ln()).abs() < 1e-7);
/// ```
#[derive(Debug, Clone)]
pub struct Logistic(Binomial);

impl Logistic {
    /// A 0/1 response `y` for the rows of `design`, on the default backend.
    ///
    /// # Errors
    /// [`MleError::Model`] naming the row when a response is not 0 or 1, or when only one class
    /// occurs (then the intercept runs off to infinity).
    pub fn new(design: &Design, y: &[f64]) -> Result<Self> {
        Self::on(design, y, &backend::default_device()?)
    }

    /// As [`Logistic::new`], on a chosen device.
    ///
    /// # Errors
    /// As [`Logistic::new`].
    pub fn on(design: &Design, y: &[f64], device: &Device) -> Result<Self> {
        let error = |message: String| MleError::Model {
            model: "logistic".into(),
            message,
        };
        if let Some(i) = y.iter().position(|v| *v != 0.0 && *v != 1.0) {
            return Err(error(format!(
                "row {}: the response must be 0 or 1, found {}",
                i + 1,
                shortest(y[i])
            )));
        }
        let ones = y.iter().filter(|v| **v == 1.0).count();
        if ones == 0 || ones == y.len() {
            return Err(error(format!(
                "the response is {} in every row: with one class only the MLE does not exist",
                y.first().copied().unwrap_or(0.0)
            )));
        }
        Ok(Self(Binomial::build(
            "logistic",
            design,
            y.to_vec(),
            None,
            device,
        )?))
    }

    /// Predicted probabilities `P(y = 1) = σ(xβ)` for the rows of `x`.
    pub fn predict(&self, beta: &[f64], x: &Design) -> Vec<f64> {
        self.0.predict(beta, x)
    }

    /// The linear predictor `η = Xβ` on the training rows.
    pub fn linear_predictor(&self, beta: &[f64]) -> Vec<f64> {
        self.0.linear_predictor(beta)
    }
}

impl Model for Logistic {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn params(&self) -> Vec<Param> {
        self.0.params()
    }
    fn n_obs(&self) -> usize {
        self.0.n_obs()
    }
    fn device(&self) -> &Device {
        self.0.device()
    }
    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        self.0.loglike_obs(theta)
    }
    fn hessian(&self, theta: &[f64]) -> Option<DMatrix<f64>> {
        self.0.hessian(theta)
    }
    fn derivatives(&self, theta: &[f64], hessian: bool) -> Option<Derivatives> {
        self.0.derivatives(theta, hessian)
    }
    fn null_model(&self) -> Option<NullModel> {
        self.0.null_model()
    }
    fn separation(&self, theta: &[f64], information: &DMatrix<f64>) -> Option<Separation> {
        self.0.separation(theta, information)
    }
}
