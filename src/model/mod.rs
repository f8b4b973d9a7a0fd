//! Models are log-likelihood expressions.
//!
//! A model declares its named parameters (with starting values and constraints) and its
//! log-likelihood `ℓ(θ)` as a burn tensor expression of the parameter vector `θ` (on the natural
//! scale). Exact gradients come from reverse-mode autodiff; nothing else is required. A model may
//! also answer [`Model::evaluate`], the evaluation seam (value, gradient, Hessian and
//! per-observation scores in one pass, as the built-in [`Glm`] families do), give a closed-form
//! null log-likelihood for the likelihood-ratio test, and check that its maximum exists.
//!
//! # Writing a model
//! ```
//! use mle::model::{Model, Param};
//! use mle::backend::{default_device, vector, Device, Tensor};
//! use mle::{fit, FitOptions};
//!
//! /// Exponential lifetimes: ℓ(λ) = n ln λ − λ Σ tᵢ, maximized at λ̂ = n / Σ tᵢ.
//! struct Exponential { t: Tensor<1>, n: usize, device: Device }
//!
//! impl Model for Exponential {
//!     fn name(&self) -> &str { "exponential" }
//!     fn params(&self) -> Vec<Param> { vec![Param::positive("rate", 1.0)] }
//!     fn n_obs(&self) -> usize { self.n }
//!     fn device(&self) -> &Device { &self.device }
//!     fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
//!         let rate = theta.narrow(0, 0, 1);
//!         rate.clone().log() - self.t.clone() * rate
//!     }
//! }
//!
//! let device = default_device().unwrap();
//! let times = [0.5, 1.5, 2.0, 4.0];
//! let model = Exponential { t: vector(&times, &device), n: 4, device };
//! let result = fit(&model, &FitOptions::default()).unwrap();
//! let rate = &result.params[0];
//! assert!((rate.estimate - 4.0 / 8.0).abs() < 1e-8); // closed form n / Σt
//! assert!(result.convergence.converged);
//! ```

mod builtin;
mod constraint;
mod evaluation;
pub mod family;
mod firth;
mod fixed;
mod glm;
mod glm_start;
mod likelihood;
mod link;
mod methods;
mod params;
mod pass;
mod proportion;
pub mod registry;
mod row_pass;
pub mod separation;

pub use builtin::Logistic;
pub use constraint::{Constraint, to_natural_tensor};
pub use evaluation::{Evaluation, MeatRows, Scores, Want};
pub use family::{
    Aux, Binomial, Family, Gamma, Gaussian, MeanTerms, NegativeBinomial, Poisson, RowTensors, Start,
};
pub use firth::Firth;
pub use fixed::Fixed;
pub use glm::{Glm, Response};
pub use likelihood::Likelihood;
pub use link::{Link, Mean};
pub use methods::{GradientMethod, HessianMethod};
pub use params::{DEFAULT_BLOCK_ROWS, Params, Rows, Theta};
pub use pass::{RowTerms, linear_pass, linear_pass_log, pass};
pub use proportion::Proportion;
pub use registry::{MODELS, ModelKind, ModelSpec};
pub use row_pass::{RowPredictions, predict_rows};
pub use separation::{Separation, SeparationKind};

use nalgebra::DMatrix;

use crate::backend::{Device, Tensor};

/// What a parameter is, which decides whether an L2 penalty applies to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The intercept of a linear predictor: never penalized.
    Intercept,
    /// A slope of a linear predictor: penalized by an L2 penalty.
    Coefficient,
    /// Anything else (a scale σ, a probability p): never penalized.
    Auxiliary,
}

/// A named parameter with its starting value (on the natural scale) and its constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name shown in results.
    pub name: String,
    /// Starting value on the natural scale.
    pub start: f64,
    /// The range the parameter lives in.
    pub constraint: Constraint,
    /// Intercept, coefficient or auxiliary.
    pub role: Role,
}

impl Param {
    /// An unconstrained coefficient.
    pub fn free(name: impl Into<String>, start: f64) -> Self {
        Self::new(name, start, Constraint::Free, Role::Coefficient)
    }
    /// A positive auxiliary parameter (optimized as its logarithm).
    pub fn positive(name: impl Into<String>, start: f64) -> Self {
        Self::new(name, start, Constraint::Positive, Role::Auxiliary)
    }
    /// A probability (optimized as its logit).
    pub fn probability(name: impl Into<String>, start: f64) -> Self {
        Self::new(name, start, Constraint::UnitInterval, Role::Auxiliary)
    }
    /// Any combination.
    pub fn new(name: impl Into<String>, start: f64, constraint: Constraint, role: Role) -> Self {
        Self {
            name: name.into(),
            start,
            constraint,
            role,
        }
    }
    /// The coefficients of a linear predictor over `names`, starting at 0; a column called
    /// [`crate::data::INTERCEPT`] gets the intercept role.
    pub fn linear(names: &[String]) -> Vec<Self> {
        names
            .iter()
            .map(|n| {
                let role = if n == crate::data::INTERCEPT {
                    Role::Intercept
                } else {
                    Role::Coefficient
                };
                Self::new(n.clone(), 0.0, Constraint::Free, role)
            })
            .collect()
    }
}

/// The intercept-only model a likelihood-ratio test compares against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NullModel {
    /// Its maximized log-likelihood.
    pub log_likelihood: f64,
    /// Its number of parameters.
    pub n_params: usize,
}

/// A statistical model declared by its log-likelihood.
///
/// Only [`name`](Model::name), [`params`](Model::params), [`n_obs`](Model::n_obs),
/// [`device`](Model::device) and [`loglike_obs`](Model::loglike_obs) are required. A model is
/// `Send + Sync`: profile intervals refit it from several threads at once.
pub trait Model: Send + Sync {
    /// Short name ("logistic").
    fn name(&self) -> &str;

    /// The parameters, in the order of `θ`.
    fn params(&self) -> Vec<Param>;

    /// Number of observations (for BIC and the report).
    fn n_obs(&self) -> usize;

    /// The plain (value-only) device the model's data live on.
    fn device(&self) -> &Device;

    /// Per-observation log-likelihood contributions `ℓᵢ(θ)`, a tensor of length `n`; `θ` is on
    /// the natural scale. It may be called with an autodiff `θ`, so write it with tensor
    /// operations only (no reads back to the host).
    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1>;

    /// The log-likelihood `ℓ(θ) = Σᵢ ℓᵢ(θ)`, a one-element tensor, summed in blocks
    /// ([`crate::backend::sum`]) so that rounding does not stall the optimizer on large data.
    fn loglike(&self, theta: Tensor<1>) -> Tensor<1> {
        crate::backend::sum(self.loglike_obs(theta))
    }

    /// The evaluation seam: `ℓ(θ)` with what `want` asks for (gradient, Hessian,
    /// per-observation scores) on the natural scale, computed without autodiff, for models that
    /// can do that faster or more exactly: the built-in families do it in one pass over the
    /// data ([`pass`]), as sums that merge across blocks of rows ([`Evaluation::merge`]).
    ///
    /// `None` (the default) leaves gradients to reverse-mode autodiff of
    /// [`loglike`](Model::loglike) and Hessians to differences of that exact gradient; so does a
    /// fit with [`crate::FitOptions::closed_form`]`(false)` for gradients, whatever the model
    /// offers. A model may answer some requests and not others (say, only those with the
    /// Hessian). Results record which derivatives were used.
    fn evaluate(&self, _theta: &[f64], _want: Want) -> Option<Evaluation> {
        None
    }

    /// What [`evaluate`](Model::evaluate) answers: the gradient (and with it the value), the
    /// Hessian, per-observation scores. Nothing, by default.
    fn closed_form(&self) -> Want {
        Want::VALUE
    }

    /// How [`evaluate`](Model::evaluate) computes the gradient and the Hessian it answers
    /// (closed form and analytic, by default), for the report.
    fn methods(&self) -> (GradientMethod, HessianMethod) {
        (GradientMethod::ClosedForm, HessianMethod::Analytic)
    }

    /// The link between the linear predictor and the mean, for models that have one (the
    /// report names it).
    fn link(&self) -> Option<Link> {
        None
    }

    /// The intercept-only model, for the likelihood-ratio test and McFadden's pseudo-R².
    fn null_model(&self) -> Option<NullModel> {
        None
    }

    /// Frequency weights: row `i` of the data stands for `wᵢ` identical observations, and
    /// [`Model::evaluate`]'s value, gradient, Hessian and row scores are sums over them (row
    /// `i`'s score is `wᵢsᵢ`), [`Model::n_obs`] is `Σwᵢ`, and [`Model::meat`] and
    /// [`Model::leverages`] are those of the observations (`Σ wᵢsᵢsᵢᵀ`; one observation's `hᵢ`).
    /// `None` (the default): one observation per row.
    fn frequency_weights(&self) -> Option<&[f64]> {
        None
    }

    /// `Σᵢ sᵢsᵢᵀ`, the sum of the outer products of the per-observation scores at `θ` on the
    /// natural scale, each divided by a power of `1 − hᵢ` as `rows` says (HC2, HC3), computed
    /// without storing the scores (the sandwich's meat in one pass over the rows). `covariance`
    /// is the inverse of the observed information the fit computed at `θ` (unconstrained
    /// scale), which the leverages may take where it is the expected one; otherwise the
    /// information they need costs one more pass. `None` (the default, or where a leverage is
    /// 1) leaves it to the scores of [`Model::evaluate`] and [`Model::leverages`].
    fn meat(
        &self,
        _theta: &[f64],
        _rows: MeatRows,
        _covariance: &DMatrix<f64>,
    ) -> Option<DMatrix<f64>> {
        None
    }

    /// The leverages `hᵢ` of the observations at `θ` (the diagonal of the weighted hat matrix
    /// `W½X(XᵀWX)⁻¹XᵀW½` with the expected weights, as R's `hatvalues` of a `glm`), for the
    /// HC2 and HC3 covariances. `None` (the default) for models without them.
    fn leverages(&self, _theta: &[f64]) -> Option<Vec<f64>> {
        None
    }

    /// The penalty added to the log-likelihood, in words, for a penalized model whose value and
    /// gradient come from [`Model::evaluate`] alone (the penalty is not a tensor expression):
    /// its fits refuse `closed_form(false)` and robust covariances, and report the penalized
    /// log-likelihood. `None` (the default) for a likelihood.
    fn penalized(&self) -> Option<&'static str> {
        None
    }

    /// Whether the data are separated at the estimate `θ` (the maximum does not exist), decided
    /// with the `gradient` and the observed `information` `−∂²ℓ/∂u∂uᵀ` the fit computed there on
    /// the unconstrained scale (for unconstrained coefficients the natural-scale ones: `XᵀWX` for
    /// the generalized linear models). The fit estimated the parameters `free` (indices into
    /// `θ`, ascending: all of them, or those a [`Fixed`] model left free), and `gradient` and
    /// `information` are theirs: only directions among the free parameters count, the fixed
    /// ones staying where they are. `None` (the default) for models whose maximum cannot fail
    /// to exist that way.
    ///
    /// # Errors
    /// When it could not be decided, in words (the fit reports it).
    fn separation(
        &self,
        _theta: &[f64],
        _free: &[usize],
        _gradient: &[f64],
        _information: &DMatrix<f64>,
    ) -> std::result::Result<Option<Separation>, String> {
        Ok(None)
    }
}
