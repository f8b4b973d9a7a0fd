//! Firth's bias-reduced fit of binary and binomial regression: the maximum of the
//! Jeffreys-penalized log-likelihood
//!
//! `ℓ*(β) = ℓ(β) + ½ ln |I(β)|`,  `I(β) = XᵀWX`,  `wᵢ = mᵢ μ'(ηᵢ)² / (μᵢ(1 − μᵢ))`,
//!
//! the expected information (Firth 1993; Heinze & Schemper 2002). Its maximum exists for every
//! data set, separated ones included, and its estimates have no first-order bias. For the logit
//! link this is R's `logistf` and `brglm2` with `type = "AS_mean"`; for the probit and cloglog
//! links it is `brglm2`'s `type = "MPL_Jeffreys"` (the mean-bias-reducing score of `AS_mean` is
//! not the gradient of a penalized likelihood for a non-canonical link, so it has no
//! likelihood to profile or test with).
//!
//! The gradient is exact: with `hᵢ = wᵢ xᵢᵀI⁻¹xᵢ` the leverages and `rᵢ = (dwᵢ/dηᵢ)/wᵢ`
//! (`1 − 2μᵢ` for the logit link), `∇ℓ* = ∇ℓ + ½ Σ hᵢ rᵢ xᵢ`; a row with a frequency weight
//! `fᵢ` has `fᵢ` times one observation's `wᵢ`. The matrix handed to Newton's
//! method is `−I(β)`: Fisher scoring on `ℓ*`, as `logistf` iterates, and the covariance reported
//! is `I(β̂)⁻¹`, as `logistf` and `brglm2` report. Fixed parameters keep the whole penalty
//! (`logistf`'s profile penalized likelihood), so `--test` is the penalized likelihood-ratio
//! test and `--ci profile` the profile penalized-likelihood interval.

use nalgebra::DMatrix;

use super::evaluation::{Evaluation, Want};
use super::family::Binomial;
use super::family::binomial::expected_weight;
use super::glm::Glm;
use super::link::Link;
use super::{GradientMethod, HessianMethod, Model, Param};
use crate::backend::{Device, Tensor};
use crate::error::{MleError, Result};
use crate::linalg::{leverages, weighted_gram};

/// A binary or binomial [`Glm`] fitted by Firth's penalized likelihood.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::{Firth, Logistic};
/// use mle::{fit, FitOptions};
/// // completely separated: y = 1 exactly where x > 0, so the maximum likelihood estimate does
/// // not exist; Firth's estimate does
/// let x = Design::from_columns(&["x"], &[vec![-2.0, -1.0, 1.0, 2.0]], true)?;
/// let model = Firth::new(Logistic::new(&x, &[0.0, 0.0, 1.0, 1.0])?)?;
/// let r = fit(&model, &FitOptions::default())?;
/// assert!(r.convergence.converged);
/// // symmetric data: the intercept is 0 by symmetry
/// assert!(r.params[0].estimate.abs() < 1e-8 && r.params[1].estimate > 0.0);
/// # Ok::<(), mle::MleError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Firth {
    inner: Glm<Binomial>,
}

impl Firth {
    /// Firth's fit of `model`.
    ///
    /// # Errors
    /// [`MleError::Model`] for a link other than logit, probit or cloglog.
    pub fn new(model: Glm<Binomial>) -> Result<Self> {
        match model.link_fn() {
            Link::Logit | Link::Probit | Link::Cloglog => Ok(Self { inner: model }),
            other => Err(MleError::Model {
                model: model.name().into(),
                message: format!(
                    "Firth's penalty is implemented for logit, probit and cloglog, not {other}"
                ),
            }),
        }
    }

    /// `(I, wᵢ, rᵢ)` at `β`: the expected information and each row's weight and
    /// `(dwᵢ/dηᵢ)/wᵢ`.
    fn information(&self, beta: &[f64]) -> (DMatrix<f64>, Vec<f64>, Vec<f64>) {
        let (x, trials) = (self.inner.design_values(), self.inner.trials());
        let link = self.inner.link_fn();
        let eta = self.inner.linear_predictor(beta);
        let (w, r): (Vec<f64>, Vec<f64>) = eta
            .iter()
            .enumerate()
            .map(|(i, &e)| expected_weight(link, e, trials.map_or(1.0, |m| m[i])))
            .unzip();
        // a row standing for f observations adds f times their information
        let w = match self.inner.weights() {
            Some(f) => w.iter().zip(f).map(|(w, f)| w * f).collect(),
            None => w,
        };
        (weighted_gram(x, beta.len(), &w), w, r)
    }
}

impl Model for Firth {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn params(&self) -> Vec<Param> {
        self.inner.params()
    }

    fn n_obs(&self) -> usize {
        self.inner.n_obs()
    }

    fn frequency_weights(&self) -> Option<&[f64]> {
        self.inner.frequency_weights()
    }

    fn device(&self) -> &Device {
        self.inner.device()
    }

    /// The unpenalized terms: the penalty is not a sum over rows, and this model's value and
    /// gradient come from [`Model::evaluate`] alone ([`Model::penalized`]).
    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        self.inner.loglike_obs(theta)
    }

    fn evaluate(&self, theta: &[f64], want: Want) -> Option<Evaluation> {
        let base = self.inner.evaluate(theta, Want::GRADIENT)?;
        let p = theta.len();
        let (info, w, r) = self.information(theta);
        let chol = info.clone().cholesky();
        let Some(chol) = chol else {
            // the information is singular where fitted probabilities reach 0 or 1: no value
            return Some(Evaluation {
                value: f64::NEG_INFINITY,
                gradient: want.gradient.then(|| vec![f64::NAN; p]),
                hessian: want.hessian.then(|| DMatrix::from_element(p, p, f64::NAN)),
                scores: None,
            });
        };
        let log_det: f64 = chol.l().diagonal().iter().map(|d| 2.0 * d.ln()).sum();
        let value = base.value + 0.5 * log_det;
        let gradient = want.gradient.then(|| {
            let mut g = base.gradient.clone().unwrap_or_else(|| vec![0.0; p]);
            let x = self.inner.design_values();
            let h = leverages(x, p, &w, &chol.inverse());
            for ((row, h), r) in x.chunks_exact(p).zip(&h).zip(&r) {
                let c = 0.5 * h * r;
                for (gj, xj) in g.iter_mut().zip(row) {
                    *gj += c * xj;
                }
            }
            g
        });
        Some(Evaluation {
            value,
            gradient,
            hessian: want.hessian.then(|| -info),
            scores: None,
        })
    }

    fn closed_form(&self) -> Want {
        Want::HESSIAN
    }

    fn methods(&self) -> (GradientMethod, HessianMethod) {
        (GradientMethod::ClosedForm, HessianMethod::Expected)
    }

    fn link(&self) -> Option<Link> {
        Some(self.inner.link_fn())
    }

    fn penalized(&self) -> Option<&'static str> {
        Some("Firth (Jeffreys prior)")
    }
}
