//! Models of independent rows, written once and differentiated both ways.
//!
//! A [`Likelihood`] declares its parameters in blocks ([`Params`]: linear predictors over
//! designs, scalar parameters) and writes `ℓᵢ` for a range of rows as an expression generic over
//! [`Real`], reading each block by name. Every `Likelihood` is a [`Model`]:
//!
//! - the whole-data burn tensor expression ([`Model::loglike_obs`]) is that expression on
//!   tensors, what reverse-mode autodiff differentiates and what defines the model;
//! - the evaluation seam ([`Model::evaluate`]) runs the expression on blocks of rows in
//!   parallel on rayon's pool, as [`Jet`]s seeded along each block's predictor, and carries the
//!   rows' exact first and second derivatives in the predictors to `θ`: the gradient
//!   `Xₖᵀ ∂ℓ/∂ηₖ`, the Hessian `Xₖᵀ diag(∂²ℓ/∂ηₖ∂ηₗ) Xₗ` with the scalar blocks' rows and
//!   columns, the per-observation scores. No finite differences anywhere.
//!
//! # Examples
//! Negative binomial (NB2) regression with its dispersion `α`, from the formula alone:
//! ```
//! use mle::ad::Real;
//! use mle::data::Design;
//! use mle::model::{HessianMethod, Likelihood, Param, Params, Rows, Theta};
//! use mle::{fit, FitOptions};
//!
//! struct Nb2 { y: Vec<f64>, params: Params }
//!
//! impl Likelihood for Nb2 {
//!     fn name(&self) -> &str { "nb2" }
//!     fn params(&self) -> &Params { &self.params }
//!     fn n_obs(&self) -> usize { self.y.len() }
//!     /// ℓᵢ = ln Γ(y + 1/α) − ln Γ(1/α) − ln Γ(y + 1) + y ln(αμ) − (y + 1/α) ln(1 + αμ)
//!     fn loglike_obs<R: Real>(&self, theta: &Theta<R>, rows: &Rows<R>) -> R {
//!         let (eta, alpha, y) = (theta.get("count"), theta.get("alpha"), rows.get(&self.y));
//!         let r = alpha.clone().recip();
//!         let log_alpha_mu = alpha.clone().log() + eta.clone();
//!         (y.clone() + r.clone()).lgamma() - r.clone().lgamma() - (y.clone() + 1.0).lgamma()
//!             + y.clone() * log_alpha_mu.clone() - (y + r) * log_alpha_mu.log1pexp()
//!     }
//! }
//!
//! let x: Vec<f64> = (0..40).map(|i| f64::from(i % 4)).collect();
//! let y: Vec<f64> = (0..40).map(|i| f64::from((i * 7 + i % 4 * 3) % 11)).collect();
//! let design = Design::from_columns(&["x"], &[x], true)?;
//! let params = Params::new().linear("count", &design).scalar(Param::positive("alpha", 1.0));
//! let result = fit(&Nb2 { y, params }, &FitOptions::default())?;
//! assert!(result.convergence.converged);
//! assert_eq!(result.hessian_method, HessianMethod::ForwardMode); // exact standard errors
//! assert_eq!(result.params[2].name, "alpha");
//! # Ok::<(), mle::MleError>(())
//! ```

use super::evaluation::{Evaluation, Want};
use super::methods::{GradientMethod, HessianMethod};
use super::params::{Params, Rows, Theta};
use super::{Model, NullModel, Param, row_pass};
use crate::ad::Real;
use crate::backend::{Device, Tensor, shared_device};

/// A model of independent rows: parameters in named blocks, and `ℓᵢ` for a range of rows as one
/// expression generic over [`Real`].
///
/// Write the expression with the operations of [`Real`] only (arithmetic, `log`, `exp`,
/// `lgamma`, `log_ndtr`, ...): it then runs on burn tensors (reverse-mode autodiff, the
/// definition of the model) and on jets (exact per-row first and second derivatives). Data
/// columns come from [`Rows::get`], parameter blocks from [`Theta::get`]: a linear block gives
/// its `η = Xβ` for the rows, a scalar block its value (one number for all rows).
pub trait Likelihood: Send + Sync {
    /// Short name.
    fn name(&self) -> &str;

    /// The parameters, in blocks.
    fn params(&self) -> &Params;

    /// Number of observations (rows).
    fn n_obs(&self) -> usize;

    /// `ℓᵢ` for each of `rows`: a number of `rows.len()` rows.
    fn loglike_obs<R: Real>(&self, theta: &Theta<R>, rows: &Rows<R>) -> R;

    /// The intercept-only model, for the likelihood-ratio test, where known.
    fn null_model(&self) -> Option<NullModel> {
        None
    }

    /// What the fitted model predicts for each row, by name (the mean, a probability of zero,
    /// a median survival time): expressions of `θ` and the rows like
    /// [`loglike_obs`](Likelihood::loglike_obs). [`crate::inference::predict`] evaluates them
    /// at a fit, with delta-method standard errors. None by default.
    fn predict_obs<R: Real>(&self, _theta: &Theta<R>, _rows: &Rows<R>) -> Vec<(String, R)> {
        Vec::new()
    }
}

impl<L: Likelihood> Model for L {
    fn name(&self) -> &str {
        Likelihood::name(self)
    }

    fn params(&self) -> Vec<Param> {
        Likelihood::params(self).to_params()
    }

    fn n_obs(&self) -> usize {
        Likelihood::n_obs(self)
    }

    fn device(&self) -> &Device {
        shared_device()
    }

    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        let device = theta.device();
        let blocks = Likelihood::params(self).theta_tensor(theta);
        let rows = Rows::new(0..Likelihood::n_obs(self), device);
        Likelihood::loglike_obs(self, &blocks, &rows)
    }

    fn evaluate(&self, theta: &[f64], want: Want) -> Option<Evaluation> {
        Some(row_pass::evaluate(self, theta, want))
    }

    fn closed_form(&self) -> Want {
        Want {
            gradient: true,
            hessian: true,
            scores: true,
        }
    }

    fn methods(&self) -> (GradientMethod, HessianMethod) {
        (GradientMethod::ForwardMode, HessianMethod::ForwardMode)
    }

    fn null_model(&self) -> Option<NullModel> {
        Likelihood::null_model(self)
    }
}
