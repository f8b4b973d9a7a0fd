//! The bridge between a [`Model`] and argmin: the objective `f(u) = ℓ(t(u)) − (λ/2) Σ slopes²` on
//! the unconstrained scale `u`, offered to argmin as the cost `−f` with its gradient and Hessian.
//!
//! A model's closed-form [`Model::derivatives`] are used when it offers them (the built-in
//! models do, in one pass over the data); otherwise values alone run on the model's plain device
//! and values with gradients on its autodiff device (every autodiff forward pass is followed by
//! `backward`, so no graph is left alive). The
//! last few evaluations are cached, because line searches ask for the cost and then the gradient
//! at the same point, and solvers ask again for the gradient at the point a line search accepted.

use std::cell::{Cell, RefCell};

use argmin::core::{CostFunction, Error as ArgminError, Gradient, Hessian};
use nalgebra::{DMatrix, DVector};

use super::newton::HessianWithValues;
use crate::backend::{self, Tensor};
use crate::inference::{GradientMethod, HessianMethod};
use crate::model::{Constraint, Model, Role, to_natural_tensor};

/// Relative step of the central differences of the autodiff gradient:
/// `hⱼ = HESSIAN_STEP · max(|uⱼ|, 1)`, about ε^{1/3} (truncation and rounding errors balanced).
pub const HESSIAN_STEP: f64 = 6e-6;

/// Relative step of the forward differences of the step Hessian
/// ([`Objective::step_hessian`]): `hⱼ = FORWARD_HESSIAN_STEP · max(|uⱼ|, 1)`. Larger than the
/// textbook √ε because a gradient summed over 10⁵–10⁶ rows is exact only to about 1e-9 relative:
/// truncation (~h) and rounding (~1e-9/h) then both stay near 1e-6.
pub const FORWARD_HESSIAN_STEP: f64 = 1e-6;

/// Which finite differences of the gradient approximate a Hessian.
#[derive(Clone, Copy)]
enum Differences {
    /// `(g(u + heⱼ) − g(u − heⱼ)) / 2h`.
    Central,
    /// `(g(u + heⱼ) − g(u)) / h`.
    Forward,
}

/// Number of evaluations kept.
const CACHE_SIZE: usize = 4;

struct Entry {
    u: Vec<f64>,
    value: f64,
    gradient: Option<Vec<f64>>,
    /// The model's natural-scale Hessian, when a closed-form pass computed it alongside.
    hessian: Option<DMatrix<f64>>,
}

/// The most recent evaluations, newest last.
#[derive(Default)]
struct Cache(Vec<Entry>);

impl Cache {
    fn get(&self, u: &[f64], need_gradient: bool) -> Option<(f64, Option<Vec<f64>>)> {
        self.0
            .iter()
            .rev()
            .find(|e| e.u == u && (!need_gradient || e.gradient.is_some()))
            .map(|e| (e.value, e.gradient.clone()))
    }

    fn hessian(&self, u: &[f64]) -> Option<DMatrix<f64>> {
        self.0
            .iter()
            .rev()
            .find(|e| e.u == u)
            .and_then(|e| e.hessian.clone())
    }

    /// Keeps `hessian` (natural scale) with the evaluation at `u`, if there is one.
    fn attach_hessian(&mut self, u: &[f64], hessian: &DMatrix<f64>) {
        if let Some(e) = self.0.iter_mut().rev().find(|e| e.u == u) {
            e.hessian = Some(hessian.clone());
        }
    }

    fn put(
        &mut self,
        u: &[f64],
        value: f64,
        gradient: Option<Vec<f64>>,
        hessian: Option<DMatrix<f64>>,
    ) {
        self.0.retain(|e| e.u != u);
        if self.0.len() == CACHE_SIZE {
            self.0.remove(0);
        }
        self.0.push(Entry {
            u: u.to_vec(),
            value,
            gradient,
            hessian,
        });
    }
}

/// Evaluation counters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Value-only evaluations.
    pub values: u64,
    /// Value-and-gradient evaluations.
    pub gradients: u64,
    /// Hessian evaluations.
    pub hessians: u64,
}

/// `f(u)` for a model, with caching and counters.
pub struct Objective<'a, M: Model + ?Sized> {
    model: &'a M,
    constraints: Vec<Constraint>,
    penalty: Option<(f64, Tensor<1>, Vec<bool>)>,
    eager_gradient: bool,
    eager_hessian: bool,
    /// Whether Newton's method has asked to leave the Hessian out of evaluations for now.
    without_hessian: Cell<bool>,
    /// Whether to ask the model for closed-form derivatives; cleared when it has none.
    closed_form: Cell<bool>,
    /// Whether an autodiff gradient was evaluated.
    used_autodiff: Cell<bool>,
    cache: RefCell<Cache>,
    counts: Cell<Counts>,
    hessian_method: Cell<Option<HessianMethod>>,
}

impl<'a, M: Model + ?Sized> Objective<'a, M> {
    /// The objective of `model`, with an optional L2 penalty `λ` on its coefficients.
    /// With `eager_gradient`, every cost evaluation also computes the gradient (what the
    /// Moré–Thuente line search needs anyway).
    pub fn new(model: &'a M, l2: Option<f64>, eager_gradient: bool) -> Self {
        let params = model.params();
        let penalty = l2.filter(|l| *l > 0.0).map(|lambda| {
            let mask: Vec<bool> = params.iter().map(|p| p.role == Role::Coefficient).collect();
            let m: Vec<f64> = mask.iter().map(|b| f64::from(u8::from(*b))).collect();
            (lambda, backend::vector(&m, model.device()), mask)
        });
        Self {
            model,
            constraints: params.iter().map(|p| p.constraint).collect(),
            penalty,
            eager_gradient,
            eager_hessian: false,
            without_hessian: Cell::new(false),
            closed_form: Cell::new(true),
            used_autodiff: Cell::new(false),
            cache: RefCell::default(),
            counts: Cell::default(),
            hessian_method: Cell::new(None),
        }
    }

    /// Whether to use the model's closed-form [`Model::derivatives`] when it has them
    /// (default: yes); `false` takes every gradient by reverse-mode autodiff.
    #[must_use]
    pub fn closed_form(self, yes: bool) -> Self {
        self.closed_form.set(yes);
        self
    }

    /// Whether closed-form passes also compute the Hessian, for Newton's method, which asks for
    /// it at every point it accepts (default: no).
    #[must_use]
    pub fn eager_hessian(mut self, yes: bool) -> Self {
        self.eager_hessian = yes;
        self
    }

    /// How the gradients were obtained so far.
    pub fn gradient_method(&self) -> GradientMethod {
        if self.used_autodiff.get() || !self.closed_form.get() {
            GradientMethod::Autodiff
        } else {
            GradientMethod::ClosedForm
        }
    }

    /// The constraints of the parameters, in order.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// `f` as a tensor expression of `u`.
    fn expression(&self, u: Tensor<1>) -> Tensor<1> {
        let theta = to_natural_tensor(&self.constraints, u);
        let ll = self.model.loglike(theta.clone());
        match &self.penalty {
            Some((lambda, mask, _)) => ll - (theta.square() * mask.clone()).sum() * (lambda / 2.0),
            None => ll,
        }
    }

    fn cached(&self, u: &[f64], need_gradient: bool) -> Option<(f64, Option<Vec<f64>>)> {
        self.cache.borrow().get(u, need_gradient)
    }

    fn bump(&self, f: impl FnOnce(&mut Counts)) {
        let mut c = self.counts.get();
        f(&mut c);
        self.counts.set(c);
    }

    /// `f(u)`.
    pub fn value(&self, u: &[f64]) -> f64 {
        if let Some((v, _)) = self.cached(u, false) {
            return v;
        }
        if let Some((v, _)) = self.closed_form_derivatives(u) {
            return v;
        }
        if self.eager_gradient {
            return self.value_and_gradient(u).0;
        }
        self.bump(|c| c.values += 1);
        let v = backend::value(&|t| self.expression(t), u, self.model.device());
        self.cache.borrow_mut().put(u, v, None, None);
        v
    }

    /// The natural-scale parameters `θ = t(u)`.
    pub fn natural(&self, u: &[f64]) -> Vec<f64> {
        self.constraints
            .iter()
            .zip(u)
            .map(|(c, u)| c.to_natural(*u))
            .collect()
    }

    /// `f(u)` and `∇f(u)` from the model's closed-form derivatives, if it has them.
    fn closed_form_derivatives(&self, u: &[f64]) -> Option<(f64, Vec<f64>)> {
        if !self.closed_form.get() {
            return None;
        }
        let theta = self.natural(u);
        let hessian = self.eager_hessian && !self.without_hessian.get();
        let Some(d) = self.model.derivatives(&theta, hessian) else {
            self.closed_form.set(false);
            return None;
        };
        self.bump(|c| c.gradients += 1);
        let (mut value, mut g) = (d.value, d.gradient);
        if let Some((lambda, _, mask)) = &self.penalty {
            for ((g, t), m) in g.iter_mut().zip(&theta).zip(mask) {
                if *m {
                    value -= lambda / 2.0 * t * t;
                    *g -= lambda * t;
                }
            }
        }
        // ∂f/∂u = ∂f/∂θ · t'(u)
        for ((g, c), u) in g.iter_mut().zip(&self.constraints).zip(u) {
            *g *= c.derivative(*u);
        }
        self.cache
            .borrow_mut()
            .put(u, value, Some(g.clone()), d.hessian);
        Some((value, g))
    }

    /// `f(u)` and `∇f(u)`, exact, by reverse-mode autodiff.
    pub fn value_and_gradient(&self, u: &[f64]) -> (f64, Vec<f64>) {
        if let Some((v, Some(g))) = self.cached(u, true) {
            return (v, g);
        }
        if let Some(vg) = self.closed_form_derivatives(u) {
            return vg;
        }
        self.bump(|c| c.gradients += 1);
        self.used_autodiff.set(true);
        let (v, g) = backend::value_and_gradient(&|t| self.expression(t), u, self.model.device());
        self.cache.borrow_mut().put(u, v, Some(g.clone()), None);
        (v, g)
    }

    /// `∇²f(u)` for inference: from the model's exact Hessian through the chain rule of the
    /// constraints when the model has one, else from central differences of the exact gradient
    /// (symmetrized; 2p gradients, relative error about 1e-10).
    pub fn hessian(&self, u: &[f64]) -> DMatrix<f64> {
        self.hessian_by(u, Differences::Central)
    }

    /// `∇²f(u)` for a Newton step: the model's exact Hessian when it has one, else forward
    /// differences of the exact gradient from the (cached) gradient at `u` (p gradients, half
    /// the cost of [`Objective::hessian`], relative error about 1e-6). A Newton step with a
    /// Hessian off by a relative `δ` shrinks the gradient by a factor of about `δ` instead of
    /// squaring it, which costs nothing while the step is far and at most one extra step near
    /// the maximum.
    pub fn step_hessian(&self, u: &[f64]) -> DMatrix<f64> {
        self.hessian_by(u, Differences::Forward)
    }

    fn hessian_by(&self, u: &[f64], differences: Differences) -> DMatrix<f64> {
        self.bump(|c| c.hessians += 1);
        let theta = self.natural(u);
        // the model's Hessian, kept with the evaluation at u: the fit asks again at the point
        // where a Newton finish took no step
        let cached = self.cache.borrow().hessian(u);
        let exact = cached.or_else(|| {
            let h = self.model.hessian(&theta)?;
            self.cache.borrow_mut().attach_hessian(u, &h);
            Some(h)
        });
        if let Some(h_theta) = exact {
            self.hessian_method.set(Some(HessianMethod::Analytic));
            return self.chain_rule(u, h_theta);
        }
        self.hessian_method
            .set(Some(HessianMethod::GradientDifferences));
        let p = u.len();
        let mut h = DMatrix::zeros(p, p);
        let mut x = u.to_vec();
        // the gradient at u, for forward differences
        let (relative, base) = match differences {
            Differences::Central => (HESSIAN_STEP, None),
            Differences::Forward => (FORWARD_HESSIAN_STEP, Some(self.value_and_gradient(u).1)),
        };
        for j in 0..p {
            let step = relative * u[j].abs().max(1.0);
            x[j] = u[j] + step;
            let (_, gp) = self.value_and_gradient(&x);
            let (gm, width) = match &base {
                Some(g) => (g.clone(), step),
                None => {
                    x[j] = u[j] - step;
                    (self.value_and_gradient(&x).1, 2.0 * step)
                }
            };
            x[j] = u[j];
            for i in 0..p {
                h[(i, j)] = (gp[i] - gm[i]) / width;
            }
        }
        (&h + h.transpose()) * 0.5
    }

    /// `H_u = J H_θ J + diag(∂f/∂θ ⊙ t''(u))` with `J = diag(t'(u))`, plus the penalty.
    fn chain_rule(&self, u: &[f64], mut h: DMatrix<f64>) -> DMatrix<f64> {
        let d: Vec<f64> = self
            .constraints
            .iter()
            .zip(u)
            .map(|(c, u)| c.derivative(*u))
            .collect();
        let p = u.len();
        for i in 0..p {
            for j in 0..p {
                h[(i, j)] *= d[i] * d[j];
            }
        }
        if self.constraints.iter().any(|c| *c != Constraint::Free) {
            let (_, g_u) = self.value_and_gradient(u);
            for (j, c) in self.constraints.iter().enumerate() {
                if *c != Constraint::Free {
                    // ∂f/∂θⱼ = (∂f/∂uⱼ) / t'(uⱼ); the penalty never touches constrained parameters
                    h[(j, j)] += g_u[j] / d[j] * c.second_derivative(u[j]);
                }
            }
        }
        if let Some((lambda, _, mask)) = &self.penalty {
            for (j, m) in mask.iter().enumerate() {
                if *m {
                    h[(j, j)] -= lambda;
                }
            }
        }
        h
    }

    /// How the last Hessian was obtained.
    pub fn hessian_method(&self) -> Option<HessianMethod> {
        self.hessian_method.get()
    }

    /// The evaluation counters so far.
    pub fn counts(&self) -> Counts {
        self.counts.get()
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

/// The message of the error raised on non-finite values.
pub(crate) const NON_FINITE: &str = "non-finite log-likelihood";

impl<M: Model + ?Sized> CostFunction for &Objective<'_, M> {
    type Param = DVector<f64>;
    type Output = f64;
    fn cost(&self, u: &DVector<f64>) -> Result<f64, ArgminError> {
        // An infinite cost (−∞ log-likelihood) is a legitimate "worse" point for a line search.
        let v = self.value(u.as_slice());
        if v.is_nan() {
            Err(ArgminError::msg(NON_FINITE))
        } else {
            Ok(-v)
        }
    }
}

impl<M: Model + ?Sized> Gradient for &Objective<'_, M> {
    type Param = DVector<f64>;
    type Gradient = DVector<f64>;
    fn gradient(&self, u: &DVector<f64>) -> Result<DVector<f64>, ArgminError> {
        let (_, g) = self.value_and_gradient(u.as_slice());
        for v in &g {
            finite(*v)?;
        }
        Ok(-DVector::from_vec(g))
    }
}

impl<M: Model + ?Sized> HessianWithValues for &Objective<'_, M> {
    fn hessian_with_values(&self, yes: bool) {
        self.without_hessian.set(!yes);
    }
}

impl<M: Model + ?Sized> Hessian for &Objective<'_, M> {
    type Param = DVector<f64>;
    type Hessian = DMatrix<f64>;
    fn hessian(&self, u: &DVector<f64>) -> Result<DMatrix<f64>, ArgminError> {
        let h = self.step_hessian(u.as_slice());
        for v in h.iter() {
            finite(*v)?;
        }
        Ok(-h)
    }
}
