//! The objective in preconditioned coordinates, as the solvers see it.
//!
//! The solvers work on `v` with `u = T v`. For the line-search methods `T = L⁻ᵀ`, where
//! `LLᵀ = −∇²f(u₀)` is the Cholesky factor of the information at the start (taken after
//! Jacobi scaling): in `v` the log-likelihood starts with the identity for its curvature, so
//! neither the units of the covariates (statsmodels' star98 runs from 1 to 10⁶) nor their
//! correlations stall L-BFGS or steepest ascent. Where the information at the start is not
//! positive definite, `T` is the Jacobi scaling alone, `Tⱼⱼ = 1/√|∂²f/∂uⱼ²|`. Newton's method,
//! whose steps are invariant to such changes of coordinates, runs with the Jacobi scaling, so
//! that its stopping rules (the relative gradient) do not depend on the units of the
//! covariates either.
//!
//! argmin minimizes, so the problem offered is the cost `−f(Tv)` with gradient `−Tᵀ∇f` and
//! Hessian `−Tᵀ ∇²f T`.

use std::cell::RefCell;

use argmin::core::{CostFunction, Error as ArgminError, Gradient};
use nalgebra::{DMatrix, DVector};

use super::newton::{CostEvaluation, NewtonProblem};
use super::objective::{NON_FINITE, Objective};
use crate::linalg::jacobi_scaling;
use crate::model::{Model, Want};

/// A change of coordinates `u = T v` and its inverse.
#[derive(Debug, Clone, PartialEq)]
pub struct Transform {
    t: DMatrix<f64>,
    t_inv: DMatrix<f64>,
}

impl Transform {
    /// `T = I` for `p` parameters.
    pub fn identity(p: usize) -> Self {
        Self {
            t: DMatrix::identity(p, p),
            t_inv: DMatrix::identity(p, p),
        }
    }

    /// The Jacobi scaling alone: `Tⱼⱼ = 1/√|Iⱼⱼ|` (1 where that is zero or not finite).
    pub fn jacobi(information: &DMatrix<f64>) -> Self {
        let (_, s) = jacobi_scaling(information);
        let p = s.len();
        Self {
            t: DMatrix::from_diagonal(&DVector::from_vec(s.clone())),
            t_inv: DMatrix::from_diagonal(&DVector::from_iterator(p, s.iter().map(|s| 1.0 / s))),
        }
    }

    /// `T = L⁻ᵀ` with `LLᵀ = information`, or the Jacobi scaling where the information is not
    /// positive definite.
    pub fn whitening(information: &DMatrix<f64>) -> Self {
        let p = information.nrows();
        let (scaled, s) = jacobi_scaling(information);
        let diagonal = DMatrix::from_diagonal(&DVector::from_vec(s.clone()));
        let inverse_diagonal =
            DMatrix::from_diagonal(&DVector::from_iterator(p, s.iter().map(|s| 1.0 / s)));
        // S I S = L̃L̃ᵀ, so I = (S⁻¹L̃)(S⁻¹L̃)ᵀ and T = S L̃⁻ᵀ, T⁻¹ = L̃ᵀ S⁻¹
        let whitened = scaled.cholesky().and_then(|c| {
            let l = c.l();
            let l_inv = l.clone().try_inverse()?;
            let t = &diagonal * l_inv.transpose();
            let t_inv = l.transpose() * &inverse_diagonal;
            t.iter()
                .chain(t_inv.iter())
                .all(|v| v.is_finite())
                .then_some(Self { t, t_inv })
        });
        whitened.unwrap_or(Self {
            t: diagonal,
            t_inv: inverse_diagonal,
        })
    }

    /// `u = T v`.
    pub fn u(&self, v: &[f64]) -> Vec<f64> {
        (&self.t * DVector::from_column_slice(v))
            .as_slice()
            .to_vec()
    }

    /// `v = T⁻¹ u`.
    pub fn v(&self, u: &[f64]) -> Vec<f64> {
        (&self.t_inv * DVector::from_column_slice(u))
            .as_slice()
            .to_vec()
    }

    /// The gradient in `v` of a gradient in `u`: `Tᵀ g`.
    pub fn gradient_v(&self, g: &[f64]) -> Vec<f64> {
        (self.t.tr_mul(&DVector::from_column_slice(g)))
            .as_slice()
            .to_vec()
    }

    /// The gradient in `u` of a gradient in `v`: `T⁻ᵀ g`.
    pub fn gradient_u(&self, g: &[f64]) -> Vec<f64> {
        (self.t_inv.tr_mul(&DVector::from_column_slice(g)))
            .as_slice()
            .to_vec()
    }

    /// The Hessian in `v` of a Hessian in `u`: `Tᵀ H T`.
    pub fn hessian_v(&self, h: &DMatrix<f64>) -> DMatrix<f64> {
        self.t.tr_mul(h) * &self.t
    }
}

/// [`Objective`] in the coordinates `v = T⁻¹u`.
pub(crate) struct Scaled<'o, 'a, M: Model + ?Sized> {
    objective: &'o Objective<'a, M>,
    transform: Transform,
    /// The Hessian (in `u`) the transform was made from, the `v` and `u` it was taken at,
    /// handed to the first Newton iteration there instead of being evaluated twice.
    start: RefCell<Option<StartPoint>>,
}

/// The start in both coordinates (`v`, `u`) with the Hessian there.
type StartPoint = (Vec<f64>, Vec<f64>, DMatrix<f64>);

impl<'o, 'a, M: Model + ?Sized> Scaled<'o, 'a, M> {
    /// `objective` in the coordinates of `transform`.
    pub fn new(objective: &'o Objective<'a, M>, transform: Transform) -> Self {
        Self {
            objective,
            transform,
            start: RefCell::new(None),
        }
    }

    /// `objective` whitened by its information at `u0` ([`Transform::whitening`]).
    pub fn whitened(objective: &'o Objective<'a, M>, u0: &[f64]) -> Self {
        let h = objective.step_hessian(u0);
        Self::new(objective, Transform::whitening(&-&h)).starting_with(u0, h)
    }

    /// `objective` scaled by the diagonal of its information at `u0` ([`Transform::jacobi`]).
    pub fn jacobi(objective: &'o Objective<'a, M>, u0: &[f64]) -> Self {
        let h = objective.step_hessian(u0);
        Self::new(objective, Transform::jacobi(&-&h)).starting_with(u0, h)
    }

    /// Keeps `h`, the Hessian at `u0`, for the first Newton iteration at `v = T⁻¹u₀`, and
    /// `u0` itself: `T(T⁻¹u₀)` can differ from `u₀` in the last bit, and the evaluation there
    /// is already known.
    fn starting_with(self, u0: &[f64], h: DMatrix<f64>) -> Self {
        *self.start.borrow_mut() = Some((self.v(u0), u0.to_vec(), h));
        self
    }

    /// The objective.
    pub fn objective(&self) -> &'o Objective<'a, M> {
        self.objective
    }

    /// The change of coordinates.
    pub fn transform(&self) -> &Transform {
        &self.transform
    }

    /// `u = T v`.
    pub fn u(&self, v: &[f64]) -> Vec<f64> {
        self.transform.u(v)
    }

    /// `v = T⁻¹ u`.
    pub fn v(&self, u: &[f64]) -> Vec<f64> {
        self.transform.v(u)
    }
}

/// Non-finite values are reported to argmin as errors, which end the run; the driver then says
/// [`crate::StopReason::NonFinite`].
fn finite(v: f64) -> Result<f64, ArgminError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(ArgminError::msg(NON_FINITE))
    }
}

impl<M: Model + ?Sized> CostFunction for &Scaled<'_, '_, M> {
    type Param = DVector<f64>;
    type Output = f64;
    fn cost(&self, v: &DVector<f64>) -> Result<f64, ArgminError> {
        // An infinite cost (−∞ log-likelihood) is a legitimate "worse" point for a line search.
        let f = self.objective.value(&self.u(v.as_slice()));
        if f.is_nan() {
            Err(ArgminError::msg(NON_FINITE))
        } else {
            Ok(-f)
        }
    }
}

impl<M: Model + ?Sized> Gradient for &Scaled<'_, '_, M> {
    type Param = DVector<f64>;
    type Gradient = DVector<f64>;
    fn gradient(&self, v: &DVector<f64>) -> Result<DVector<f64>, ArgminError> {
        let (_, g) = self.objective.value_and_gradient(&self.u(v.as_slice()));
        for g in &g {
            finite(*g)?;
        }
        Ok(-DVector::from_vec(self.transform.gradient_v(&g)))
    }
}

impl<M: Model + ?Sized> NewtonProblem for &Scaled<'_, '_, M> {
    fn hessian_with_gradient(&self) -> bool {
        self.objective.hessian_with_gradient()
    }

    fn evaluate_cost(&self, v: &DVector<f64>, want: Want) -> Result<CostEvaluation, ArgminError> {
        let kept = want
            .hessian
            .then(|| {
                self.start
                    .borrow_mut()
                    .take_if(|(v0, _, _)| v0 == v.as_slice())
            })
            .flatten();
        let u = self.u(v.as_slice());
        let (value, gradient, hessian) = match kept {
            Some((_, u0, h)) => {
                let (value, gradient, _) = self.objective.evaluate_f(&u0, Want::GRADIENT);
                (value, gradient, Some(h))
            }
            None => self.objective.evaluate_f(&u, want),
        };
        let hessian = hessian.map(|h| -self.transform.hessian_v(&h));
        if let Some(h) = &hessian {
            for v in h.iter() {
                finite(*v)?;
            }
        }
        Ok(CostEvaluation {
            cost: -value,
            gradient: gradient.map(|g| -DVector::from_vec(self.transform.gradient_v(&g))),
            hessian,
        })
    }
}
