//! The bridge between a [`Model`] and the optimizers: the objective `f(u) = ℓ(t(u)) − (λ/2)
//! Σ slopes²` on the unconstrained scale `u`, evaluated through the model's evaluation seam
//! ([`Model::evaluate`]) where the model answers it and by autodiff where it does not; the
//! solvers see it in scaled coordinates (`optim::scaled`).
//!
//! Values alone run on the model's plain device and values with gradients on its autodiff
//! device (every autodiff forward pass is followed by `backward`, so no graph is left alive).
//! The last few evaluations are kept, because line searches ask for the cost and then the
//! gradient at the same point, and solvers ask again for the gradient at the point a line search
//! accepted.

use std::cell::{Cell, RefCell};

use nalgebra::DMatrix;

use crate::backend::{self, Tensor};
use crate::model::{
    Constraint, GradientMethod, HessianMethod, Model, Role, Want, to_natural_tensor,
};

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

/// An evaluation of `f` at `u` (unconstrained scale, penalty included).
#[derive(Clone)]
struct Entry {
    u: Vec<f64>,
    value: f64,
    gradient: Option<Vec<f64>>,
    /// `∇²f(u)` from the model's exact Hessian.
    hessian: Option<DMatrix<f64>>,
}

/// The most recent evaluations, newest last.
#[derive(Default)]
struct Cache(Vec<Entry>);

impl Cache {
    fn get(&self, u: &[f64], want: Want) -> Option<Entry> {
        self.0
            .iter()
            .rev()
            .find(|e| {
                e.u == u
                    && (!want.gradient || e.gradient.is_some())
                    && (!want.hessian || e.hessian.is_some())
            })
            .cloned()
    }

    fn put(&mut self, entry: Entry) {
        self.0.retain(|e| e.u != entry.u);
        if self.0.len() == CACHE_SIZE {
            self.0.remove(0);
        }
        self.0.push(entry);
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
    /// What the model's evaluation seam answers (nothing where closed forms are switched off).
    closed: Want,
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
            closed: model.closed_form(),
            used_autodiff: Cell::new(false),
            cache: RefCell::default(),
            counts: Cell::default(),
            hessian_method: Cell::new(None),
        }
    }

    /// Whether to use the model's closed-form gradients when it has them (default: yes);
    /// `false` takes every gradient by reverse-mode autodiff (an exact Hessian the model has is
    /// still used).
    #[must_use]
    pub fn closed_form(mut self, yes: bool) -> Self {
        if !yes {
            self.closed.gradient = false;
        }
        self
    }

    /// How the gradients were obtained so far.
    pub fn gradient_method(&self) -> GradientMethod {
        if self.used_autodiff.get() || !self.closed.gradient {
            GradientMethod::Autodiff
        } else {
            self.model.methods().0
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

    fn bump(&self, f: impl FnOnce(&mut Counts)) {
        let mut c = self.counts.get();
        f(&mut c);
        self.counts.set(c);
    }

    /// The natural-scale parameters `θ = t(u)`.
    pub fn natural(&self, u: &[f64]) -> Vec<f64> {
        self.constraints
            .iter()
            .zip(u)
            .map(|(c, u)| c.to_natural(*u))
            .collect()
    }

    /// `f(u)` with what `want` asks for (the gradient; the exact Hessian where the model has
    /// one), from the model's evaluation seam where it answers, else by autodiff.
    fn evaluate(&self, u: &[f64], want: Want) -> Entry {
        if let Some(e) = self.cache.borrow().get(u, want) {
            return e;
        }
        let want_gradient = want.gradient || (self.eager_gradient && !want.hessian);
        let entry = if self.closed.gradient && (!want.hessian || self.closed.hessian) {
            let want = if want.hessian {
                Want::HESSIAN
            } else if want_gradient {
                Want::GRADIENT
            } else {
                Want::VALUE
            };
            self.closed_form_entry(u, want)
        } else {
            let mut entry = if want_gradient || want.hessian {
                self.bump(|c| c.gradients += 1);
                self.used_autodiff.set(true);
                let (v, g) =
                    backend::value_and_gradient(&|t| self.expression(t), u, self.model.device());
                Entry {
                    u: u.to_vec(),
                    value: v,
                    gradient: Some(g),
                    hessian: None,
                }
            } else {
                self.bump(|c| c.values += 1);
                let v = backend::value(&|t| self.expression(t), u, self.model.device());
                Entry {
                    u: u.to_vec(),
                    value: v,
                    gradient: None,
                    hessian: None,
                }
            };
            if want.hessian && self.closed.hessian {
                entry.hessian = self.exact_hessian(u, entry.gradient.as_deref());
            }
            entry
        };
        self.cache.borrow_mut().put(entry.clone());
        entry
    }

    /// An evaluation from the model's seam with what `want` asks for, carried to the
    /// unconstrained scale with the penalty.
    fn closed_form_entry(&self, u: &[f64], want: Want) -> Entry {
        let theta = self.natural(u);
        if want.gradient {
            self.bump(|c| c.gradients += 1);
        } else {
            self.bump(|c| c.values += 1);
        }
        let e = self
            .model
            .evaluate(&theta, want)
            .filter(|e| want.met_by(e.holds()))
            .unwrap_or_else(|| {
                // a model that announced closed forms and then gave none: autodiff
                self.used_autodiff.set(true);
                let (value, g_u) =
                    backend::value_and_gradient(&|t| self.expression(t), u, self.model.device());
                let mut g = g_u;
                for ((g, c), u) in g.iter_mut().zip(&self.constraints).zip(u) {
                    *g /= c.derivative(*u);
                }
                crate::model::Evaluation {
                    value,
                    gradient: Some(g),
                    hessian: None,
                    scores: None,
                }
            });
        let mut value = e.value;
        let mut gradient = e.gradient;
        if let Some((lambda, _, mask)) = &self.penalty {
            for (j, (t, m)) in theta.iter().zip(mask).enumerate() {
                if *m {
                    value -= lambda / 2.0 * t * t;
                    if let Some(g) = &mut gradient {
                        g[j] -= lambda * t;
                    }
                }
            }
        }
        // ∂f/∂u = ∂f/∂θ · t'(u)
        if let Some(g) = &mut gradient {
            for ((g, c), u) in g.iter_mut().zip(&self.constraints).zip(u) {
                *g *= c.derivative(*u);
            }
        }
        let hessian = match (e.hessian, &gradient) {
            (Some(h), Some(g)) => Some(self.chain_rule(u, h, g)),
            _ => None,
        };
        Entry {
            u: u.to_vec(),
            value,
            gradient,
            hessian,
        }
    }

    /// The model's exact Hessian at `u`, on the unconstrained scale (`g_u`, the gradient there,
    /// for the constraints' second derivatives).
    fn exact_hessian(&self, u: &[f64], g_u: Option<&[f64]>) -> Option<DMatrix<f64>> {
        let h_theta = self
            .model
            .evaluate(&self.natural(u), Want::HESSIAN)?
            .hessian?;
        let g_u = match g_u {
            Some(g) => g.to_vec(),
            None => self.value_and_gradient(u).1,
        };
        Some(self.chain_rule(u, h_theta, &g_u))
    }

    /// `f(u₀)` at the start, evaluated with what the first iteration of the solver will ask for
    /// there (the gradient, and the Hessian for Newton's method where it comes in the same pass),
    /// so that the start costs one evaluation, not two.
    pub fn start_value(&self, u0: &[f64], newton: bool) -> f64 {
        let want = if newton && self.hessian_with_gradient() {
            Want::HESSIAN
        } else if newton || self.eager_gradient {
            Want::GRADIENT
        } else {
            Want::VALUE
        };
        self.evaluate(u0, want).value
    }

    /// `f(u)`.
    pub fn value(&self, u: &[f64]) -> f64 {
        self.evaluate(u, Want::VALUE).value
    }

    /// `f(u)` and `∇f(u)`, exact.
    pub fn value_and_gradient(&self, u: &[f64]) -> (f64, Vec<f64>) {
        let e = self.evaluate(u, Want::GRADIENT);
        (e.value, e.gradient.unwrap_or_default())
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
        if self.closed.hessian
            && let Some(h) = self.evaluate(u, Want::HESSIAN).hessian
        {
            self.hessian_method.set(Some(self.model.methods().1));
            return h;
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

    /// `H_u = J H_θ J + diag(∂f/∂θ ⊙ t''(u))` with `J = diag(t'(u))`, plus the penalty; `g_u`
    /// is `∇f(u)`.
    fn chain_rule(&self, u: &[f64], mut h: DMatrix<f64>, g_u: &[f64]) -> DMatrix<f64> {
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
        for (j, c) in self.constraints.iter().enumerate() {
            if *c != Constraint::Free {
                // ∂f/∂θⱼ = (∂f/∂uⱼ) / t'(uⱼ); the penalty never touches constrained parameters
                h[(j, j)] += g_u[j] / d[j] * c.second_derivative(u[j]);
            }
        }
        if let Some((lambda, _, mask)) = &self.penalty {
            for (j, m) in mask.iter().enumerate() {
                if *m {
                    h[(j, j)] -= lambda * d[j] * d[j];
                }
            }
        }
        h
    }

    /// `f(u)` with what `want` asks for; a Hessian the model does not have comes from forward
    /// differences of the gradient ([`Objective::step_hessian`]).
    pub(crate) fn evaluate_f(
        &self,
        u: &[f64],
        want: Want,
    ) -> (f64, Option<Vec<f64>>, Option<DMatrix<f64>>) {
        let e = self.evaluate(u, want);
        if !want.hessian {
            return (e.value, e.gradient, None);
        }
        match e.hessian {
            Some(h) => {
                self.bump(|c| c.hessians += 1);
                self.hessian_method.set(Some(self.model.methods().1));
                (e.value, e.gradient, Some(h))
            }
            None => {
                let h = self.step_hessian(u);
                let g = e.gradient.unwrap_or_else(|| self.value_and_gradient(u).1);
                (e.value, Some(g), Some(h))
            }
        }
    }

    /// Whether the Hessian comes with the value and the gradient in one evaluation (the
    /// model's seam answers both).
    pub(crate) fn hessian_with_gradient(&self) -> bool {
        self.closed.gradient && self.closed.hessian
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

/// The message of the error raised on non-finite values.
pub(crate) const NON_FINITE: &str = "non-finite log-likelihood";
