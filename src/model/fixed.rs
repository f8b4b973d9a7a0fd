//! A model with some parameters held at given values: the restricted model of a likelihood-ratio
//! test, a profile likelihood's refit, a parameter known from elsewhere.
//!
//! [`Fixed`] presents the other parameters as a model of its own, through the same evaluation
//! seam: its log-likelihood is the full model's at the full `θ` (free values where they are,
//! fixed ones in their places), its gradient, Hessian and scores the free rows and columns of the
//! full model's. Any model works, built-in or user-written, with exact derivatives where the
//! full model has them.

use nalgebra::DMatrix;

use super::evaluation::{Evaluation, Scores, Want};
use super::methods::{GradientMethod, HessianMethod};
use super::{Link, Model, Param};
use crate::backend::{self, Device, Tensor};
use crate::error::{MleError, Result};

/// `model` with the parameters of `fixed` (name, value on the natural scale) held fixed.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::{Fixed, Logistic, Model};
/// use mle::{fit, FitOptions};
/// let x = Design::from_columns(&["x"], &[vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0]], true)?;
/// let model = Logistic::new(&x, &[0.0, 0.0, 1.0, 0.0, 1.0, 1.0])?;
/// // with the slope held at 0 the intercept is the logit of the share of ones, 0
/// let restricted = Fixed::new(&model, &[("x".to_string(), 0.0)])?;
/// assert_eq!(restricted.params().len(), 1);
/// let r = fit(&restricted, &FitOptions::default())?;
/// assert!(r.params[0].estimate.abs() < 1e-10);
/// # Ok::<(), mle::MleError>(())
/// ```
pub struct Fixed<'a, M: Model + ?Sized> {
    model: &'a M,
    /// Per parameter of the full model: its fixed value, or `None` for a free one.
    values: Vec<Option<f64>>,
    /// The indices of the free parameters in the full `θ`.
    free: Vec<usize>,
}

impl<'a, M: Model + ?Sized> Fixed<'a, M> {
    /// `model` with each named parameter held at its value.
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] naming the parameter when there is none of that name, when
    /// one is named twice, or when a value is outside the parameter's range.
    pub fn new(model: &'a M, fixed: &[(String, f64)]) -> Result<Self> {
        let params = model.params();
        let mut values = vec![None; params.len()];
        for (name, value) in fixed {
            let j = params.iter().position(|p| &p.name == name).ok_or_else(|| {
                let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
                MleError::InvalidOption(format!(
                    "cannot fix '{name}': the model's parameters are {}",
                    names.join(", ")
                ))
            })?;
            if values[j].is_some() {
                return Err(MleError::InvalidOption(format!("'{name}' is fixed twice")));
            }
            if params[j].constraint.to_unconstrained(*value).is_none() {
                return Err(MleError::InvalidOption(format!(
                    "cannot fix '{name}' at {value}: outside its range ({:?})",
                    params[j].constraint
                )));
            }
            values[j] = Some(*value);
        }
        let free = (0..params.len()).filter(|&j| values[j].is_none()).collect();
        Ok(Self {
            model,
            values,
            free,
        })
    }

    /// The full `θ` from the free parameters' values.
    pub fn full(&self, free: &[f64]) -> Vec<f64> {
        let mut next = free.iter();
        self.values
            .iter()
            .map(|v| v.unwrap_or_else(|| *next.next().expect("one value per free parameter")))
            .collect()
    }

    /// Per parameter of the full model, its fixed value (`None` where free).
    pub fn fixed_values(&self) -> &[Option<f64>] {
        &self.values
    }

    /// The free rows and columns of the full model's evaluation.
    fn restrict(&self, e: Evaluation) -> Evaluation {
        let k = self.free.len();
        let pick = |v: &[f64]| -> Vec<f64> { self.free.iter().map(|&j| v[j]).collect() };
        Evaluation {
            value: e.value,
            gradient: e.gradient.as_deref().map(pick),
            hessian: e
                .hessian
                .map(|h| DMatrix::from_fn(k, k, |a, b| h[(self.free[a], self.free[b])])),
            scores: e.scores.map(|s| Scores {
                k,
                values: (0..s.n_rows()).flat_map(|i| pick(s.row(i))).collect(),
            }),
        }
    }
}

impl<M: Model + ?Sized> Model for Fixed<'_, M> {
    fn name(&self) -> &str {
        self.model.name()
    }

    fn params(&self) -> Vec<Param> {
        let all = self.model.params();
        self.free.iter().map(|&j| all[j].clone()).collect()
    }

    fn n_obs(&self) -> usize {
        self.model.n_obs()
    }

    fn frequency_weights(&self) -> Option<&[f64]> {
        self.model.frequency_weights()
    }

    fn device(&self) -> &Device {
        self.model.device()
    }

    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        let device = theta.device();
        let mut pieces = Vec::new();
        let mut at = 0;
        for v in &self.values {
            pieces.push(match v {
                Some(v) => backend::vector(&[*v], &device),
                None => {
                    at += 1;
                    theta.clone().narrow(0, at - 1, 1)
                }
            });
        }
        self.model.loglike_obs(Tensor::cat(pieces, 0))
    }

    fn evaluate(&self, theta: &[f64], want: Want) -> Option<Evaluation> {
        let e = self.model.evaluate(&self.full(theta), want)?;
        Some(self.restrict(e))
    }

    fn closed_form(&self) -> Want {
        self.model.closed_form()
    }

    fn methods(&self) -> (GradientMethod, HessianMethod) {
        self.model.methods()
    }

    fn penalized(&self) -> Option<&'static str> {
        self.model.penalized()
    }

    fn link(&self) -> Option<Link> {
        self.model.link()
    }

    /// The full model's separation among the free parameters: the fixed ones enter its linear
    /// predictor as an offset, and a direction may move only the free ones.
    fn separation(
        &self,
        theta: &[f64],
        free: &[usize],
        gradient: &[f64],
        information: &DMatrix<f64>,
    ) -> std::result::Result<Option<super::Separation>, String> {
        let free: Vec<usize> = free.iter().map(|&j| self.free[j]).collect();
        self.model
            .separation(&self.full(theta), &free, gradient, information)
    }
}
