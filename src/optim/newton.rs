//! Newton's method as an argmin solver: the step solves `H d = −g` by Cholesky, with a Levenberg
//! shift `H + μI` where the Hessian of the cost is not positive definite, and an Armijo
//! backtracking line search on the cost. Deep in the quadratic regime one step reuses the
//! previous Hessian (a chord step) where that saves a Hessian without costing an iteration.

use argmin::core::{Error, IterState, KV, Problem, Solver, State, TerminationReason};
use nalgebra::{DMatrix, DVector};

use super::monitor::relative_gradient;
use crate::linalg::jacobi_scaling;
use crate::model::Want;

type Vector = DVector<f64>;
/// The argmin state used by every solver here.
pub type NewtonState = IterState<Vector, Vector, (), (), (), f64>;

/// The exit of a Newton run whose line search can no longer tell points apart but whose step
/// is below [`NEWTON_SE_TOL`] standard errors: the maximum to working precision.
pub(crate) const PRECISION_EXIT: &str = "precision limit";

/// A Newton step below this many standard errors in every parameter is the maximum to working
/// precision where values can no longer judge it.
pub const NEWTON_SE_TOL: f64 = 1e-6;

/// Sufficient-decrease constant of the Armijo condition.
const ARMIJO_C: f64 = 1e-4;
/// Shortened steps before the line search gives up.
const MAX_HALVINGS: usize = 60;
/// Relative rounding level of a log-likelihood value: differences of ℓ below
/// `VALUE_ROUNDING · max(|ℓ|, 1)` are taken as noise. A sum of 10⁶ terms carries about 1e-13
/// relative rounding error (blocked summation); 1e-12 leaves a margin.
pub(crate) const VALUE_ROUNDING: f64 = 1e-12;

/// The rounding level of a value `v` of ℓ (or of the cost −ℓ).
fn rounding(v: f64) -> f64 {
    VALUE_ROUNDING * v.abs().max(1.0)
}

/// Whether the cost `after` is no worse than `before` beyond rounding.
pub(crate) fn no_worse(before: f64, after: f64) -> bool {
    after <= before + rounding(before)
}

/// A chord step is taken from the next point only if that point is predicted to miss the
/// tolerance by this factor (else its Hessian is needed for the standard errors anyway) ...
const CHORD_NOT_LAST: f64 = 10.0;
/// ... and the chord step from it is predicted to reach the tolerance by this factor.
const CHORD_FINISHES: f64 = 10.0;

/// Damped Newton's method.
///
/// Near the maximum Newton's relative gradients fall quadratically, `rₖ₊₁ ≈ C rₖ²`, with `C`
/// measured on the last two full steps. When the next point is predicted to miss the tolerance
/// (`C rₖ² > 10·gtol`) but a step from it with the current Hessian is predicted to reach it
/// (such a chord step contracts by about `rₖ₊₁/rₖ`, the change of the Hessian over the step:
/// `(C rₖ²)²/rₖ < gtol/10`), the next point is evaluated without its Hessian and the step from it
/// reuses the current one: one Hessian fewer (for the built-in models the `XᵀWX` part of a pass,
/// for a custom model `p` gradients), never two chord steps in a row.
#[derive(Debug, Clone)]
pub struct Newton {
    gtol: f64,
    /// The Hessian at the current point, when the evaluation that reached it computed one.
    hessian: Option<DMatrix<f64>>,
    /// The Hessian of the last iteration and the relative gradient there, if it took a fresh
    /// Hessian and a full step.
    last: Option<(DMatrix<f64>, f64)>,
    /// Whether the next iteration steps with `last`'s Hessian.
    chord: bool,
}

impl Newton {
    /// Newton's method for a fit to the relative gradient tolerance `gtol`.
    pub fn new(gtol: f64) -> Self {
        Self {
            gtol,
            hessian: None,
            last: None,
            chord: false,
        }
    }

    /// Whether the step from the point after the current one should reuse the current Hessian,
    /// from the relative gradients `r_last` at the last point (reached by a full step with a
    /// fresh Hessian) and `r` at the current one.
    fn chord_next(&self, r_last: f64, r: f64) -> bool {
        if r_last <= 0.0 || r <= 0.0 {
            return false;
        }
        let next = r / (r_last * r_last) * r * r;
        next > CHORD_NOT_LAST * self.gtol && next * next / r < self.gtol / CHORD_FINISHES
    }
}

impl Default for Newton {
    fn default() -> Self {
        Self::new(super::options::DEFAULT_GTOL)
    }
}

/// The cost `−f` at a point with what was asked for: its gradient and Hessian.
#[derive(Debug, Clone)]
pub struct CostEvaluation {
    /// The cost.
    pub cost: f64,
    /// Its gradient, when asked for.
    pub gradient: Option<Vector>,
    /// Its Hessian, when asked for.
    pub hessian: Option<DMatrix<f64>>,
}

/// What Newton's method asks of a problem: one evaluation of the cost with exactly what the
/// method needs there (the value alone for a shortened trial step, the gradient and the
/// Hessian where it expects to step from, the gradient alone before a chord step). A model
/// that evaluates in one pass computes all it is asked for at once.
pub trait NewtonProblem {
    /// The cost at `u` with what `want` asks for.
    ///
    /// # Errors
    /// Any error of the evaluation (a non-finite Hessian).
    fn evaluate_cost(&self, u: &Vector, want: Want) -> Result<CostEvaluation, Error>;

    /// Whether the Hessian comes almost free with the value and gradient (one pass computes
    /// them all), so that it is worth computing at every point a step may be taken from;
    /// otherwise it is asked for only where a step starts.
    fn hessian_with_gradient(&self) -> bool;
}

/// Asks `problem` whether its Hessian comes with its gradient.
fn hessian_with_gradient<O: NewtonProblem>(problem: &mut Problem<O>) -> Result<bool, Error> {
    problem.problem("hessian_with_gradient", |p| Ok(p.hessian_with_gradient()))
}

/// Asks `problem` for the cost at `u` with `want`.
fn evaluate<O: NewtonProblem>(
    problem: &mut Problem<O>,
    u: &Vector,
    want: Want,
) -> Result<CostEvaluation, Error> {
    problem.problem("evaluate_cost", |p| p.evaluate_cost(u, want))
}

/// Solves `H d = −g`, shifting `H` by `μI` until its Cholesky factorization exists.
///
/// The system is solved after [`jacobi_scaling`], `(SHS) y = −Sg`, `d = Sy`, so the shift `μ`
/// is relative to a unit diagonal.
fn newton_step(h: &DMatrix<f64>, g: &Vector) -> Option<Vector> {
    let n = h.nrows();
    let (scaled, s) = jacobi_scaling(h);
    let scaled_g = Vector::from_fn(n, |i, _| -g[i] * s[i]);
    let mut mu = 0.0;
    for _ in 0..40 {
        let shifted = &scaled + DMatrix::identity(n, n) * mu;
        if let Some(chol) = shifted.cholesky() {
            let y = chol.solve(&scaled_g);
            let d = Vector::from_fn(n, |i, _| y[i] * s[i]);
            if d.iter().all(|v| v.is_finite()) {
                return Some(d);
            }
        }
        mu = if mu == 0.0 { 1e-10 } else { mu * 10.0 };
    }
    None
}

impl<O: NewtonProblem> Solver<O, NewtonState> for Newton {
    fn name(&self) -> &str {
        "Newton"
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        mut state: NewtonState,
    ) -> Result<(NewtonState, Option<KV>), Error> {
        let x = state
            .take_param()
            .ok_or_else(|| Error::msg("Newton needs a starting point"))?;
        let want = if hessian_with_gradient(problem)? {
            Want::HESSIAN
        } else {
            Want::GRADIENT
        };
        let e = evaluate(problem, &x, want)?;
        let grad = e.gradient.ok_or_else(|| Error::msg("no gradient"))?;
        self.hessian = e.hessian;
        Ok((state.param(x).cost(e.cost).gradient(grad), None))
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        mut state: NewtonState,
    ) -> Result<(NewtonState, Option<KV>), Error> {
        let x = state
            .take_param()
            .ok_or_else(|| Error::msg("no parameter"))?;
        let g = state
            .take_gradient()
            .ok_or_else(|| Error::msg("no gradient"))?;
        let cost = state.get_cost();
        let last = self.last.take();
        let fresh = !std::mem::take(&mut self.chord);
        let here = self.hessian.take();
        let (h, r_last) = match (last, here) {
            (Some((h, _)), _) if !fresh => (h, None),
            (last, Some(h)) => (h, last.map(|(_, r)| r)),
            (last, None) => {
                let h = evaluate(problem, &x, Want::HESSIAN)?
                    .hessian
                    .ok_or_else(|| Error::msg("no Hessian"))?;
                (h, last.map(|(_, r)| r))
            }
        };
        let r = relative_gradient(x.as_slice(), g.as_slice(), cost);
        let Some(mut d) = newton_step(&h, &g) else {
            return Ok((
                state
                    .param(x)
                    .gradient(g)
                    .terminate_with(TerminationReason::SolverExit("no descent direction".into())),
                None,
            ));
        };
        let mut slope = g.dot(&d);
        if slope >= 0.0 {
            // never happens with a positive definite system; fall back to steepest descent
            d = -&g;
            slope = -g.dot(&g);
        }
        let mut t = 1.0;
        let floor = rounding(cost);
        // a full step from a fresh Hessian: the next point's Hessian may be left out
        let chord = fresh && r_last.is_some_and(|r_last| self.chord_next(r_last, r));
        let eager = hessian_with_gradient(problem)?;
        for _ in 0..MAX_HALVINGS {
            let trial = &x + &d * t;
            let full = t == 1.0;
            let planned = full && chord;
            // the full step is usually taken: evaluate there all the next iteration needs; a
            // shortened one first by its value alone
            let want = match (full, planned || !eager) {
                (true, false) => Want::HESSIAN,
                (true, true) => Want::GRADIENT,
                (false, _) => Want::VALUE,
            };
            // a trial point where ℓ is NaN (e.g. σ underflowed to 0) is too far: shorten the step
            let e = evaluate(problem, &trial, want)
                .ok()
                .filter(|e| !e.cost.is_nan());
            let c = e.as_ref().map_or(f64::INFINITY, |e| e.cost);
            // Near the maximum the gain ½gᵀH⁻¹g falls below the rounding of ℓ and values can no
            // longer judge a step; the full step is then kept when it shrinks the gradient,
            // which is still exact there.
            let armijo = c <= cost + ARMIJO_C * t * slope;
            let rounding_level = full && no_worse(cost, c);
            if armijo || rounding_level {
                let e = match e {
                    Some(e) if e.gradient.is_some() => e,
                    _ if eager => evaluate(problem, &trial, Want::HESSIAN)?,
                    _ => evaluate(problem, &trial, Want::GRADIENT)?,
                };
                let grad = e.gradient.ok_or_else(|| Error::msg("no gradient"))?;
                if armijo || grad.norm() < g.norm() {
                    self.chord = planned;
                    self.last = (fresh && full).then_some((h, r));
                    self.hessian = e.hessian;
                    return Ok((state.param(trial).cost(c).gradient(grad), None));
                }
            }
            if t * slope.abs() < floor {
                // shorter steps cannot show a gain above the rounding of ℓ either
                break;
            }
            t *= 0.5;
        }
        // no step could be judged: where the step is a negligible fraction of every standard
        // error, this is the maximum to working precision
        let exit = if step_in_standard_errors(&h, &d) <= NEWTON_SE_TOL {
            PRECISION_EXIT
        } else {
            "line search failed"
        };
        Ok((
            state
                .param(x)
                .gradient(g)
                .terminate_with(TerminationReason::SolverExit(exit.into())),
            None,
        ))
    }
}

/// `maxⱼ |dⱼ| / √(H⁻¹)ⱼⱼ`: the step `d` in standard errors, for the Hessian `H` of the cost
/// (the observed information); infinite where `H` is not positive definite.
fn step_in_standard_errors(h: &DMatrix<f64>, d: &Vector) -> f64 {
    let (scaled, s) = jacobi_scaling(h);
    let Some(chol) = scaled.cholesky() else {
        return f64::INFINITY;
    };
    let inv = chol.inverse();
    (0..d.len())
        .map(|j| d[j].abs() / (inv[(j, j)].sqrt() * s[j]))
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule on the relative gradients of a logistic fit at n = 10⁶ (5.7e-3, then 6.7e-5,
    /// then 1e-8: quadratic with C ≈ 2) and of a Gaussian fit whose steps still contract slowly.
    #[test]
    fn a_chord_step_only_where_it_saves_a_hessian_and_costs_no_iteration() {
        let newton = Newton::new(1e-10);
        // next ≈ 2.06 · (6.7e-5)² = 9.3e-9: not the last point; the chord step from it
        // contracts by next/r = 1.4e-4, to 1.3e-12 < gtol/10
        assert!(newton.chord_next(5.7e-3, 6.7e-5));
        // next ≈ 2.2e-16: the next point is the last, whose Hessian the standard errors need
        assert!(!newton.chord_next(6.7e-5, 1e-8));
        // next ≈ 3.2e-6, a chord step would leave 5.5e-9 > gtol: it would cost an iteration
        assert!(!newton.chord_next(0.043, 1.8e-3));
    }

    #[test]
    fn shifts_an_indefinite_hessian() {
        let h = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, -1.0]);
        let g = DVector::from_vec(vec![1.0, 1.0]);
        let d = newton_step(&h, &g).unwrap();
        assert!(g.dot(&d) < 0.0, "a descent direction");
    }

    #[test]
    fn the_step_does_not_depend_on_the_units() {
        // H = diag(1e12, 1) with a coupling: in scaled form [[1, 0.5], [0.5, 1]]; the exact
        // solution of H d = −g is d = −H⁻¹g, checked by multiplying back
        let h = DMatrix::from_row_slice(2, 2, &[1e12, 0.5e6, 0.5e6, 1.0]);
        let g = DVector::from_vec(vec![1e6, 1.0]);
        let d = newton_step(&h, &g).unwrap();
        let residual = &h * &d + &g;
        assert!(residual.amax() < 1e-9 * g.amax(), "{residual}");
        // the closed form: H⁻¹ = [[1, −0.5e6], [−0.5e6, 1e12]] / (0.75e12)
        assert!((d[0] - -(1e6 - 0.5e6) / 0.75e12).abs() < 1e-18);
        assert!((d[1] - -(-0.5e12 + 1e12) / 0.75e12).abs() < 1e-12);
    }
}
