//! One generic maximizer for every [`crate::model::Model`]: argmin's L-BFGS and steepest
//! descent, and this crate's damped Newton, all driven through argmin's executor on the exact
//! autodiff gradient, and stopped by the same rules.

mod convergence;
mod line_search;
mod monitor;
mod newton;
mod objective;
mod options;
mod polish;
mod scaled;

pub use crate::model::{GradientMethod, HessianMethod};
pub use convergence::{Convergence, Observer, Progress, StopReason};
pub use monitor::relative_gradient;
pub use newton::{CostEvaluation, Newton, NewtonProblem};
pub use objective::{Counts, FORWARD_HESSIAN_STEP, HESSIAN_STEP, Objective};
pub use options::{
    CovType, DEFAULT_FTOL, DEFAULT_GTOL, DEFAULT_LEVEL, DEFAULT_XTOL, FitOptions, Optimizer,
};
pub(crate) use polish::norm;
pub use polish::{HANDOVER_GTOL, newton_step_in_se};

use argmin::core::{Executor, Solver, State, TerminationReason};
use argmin::solver::gradientdescent::SteepestDescent;
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use nalgebra::DVector;

use crate::error::{MleError, Result};
use crate::model::Model;
use line_search::ScaledFirstStep;
use monitor::{Monitored, PRECISION_FACTOR, Tracker};
use newton::{NewtonState, PRECISION_EXIT};
use scaled::Scaled;
pub use scaled::Transform;

/// L-BFGS memory: the number of past steps kept.
const LBFGS_MEMORY: usize = 10;

/// Where the maximizer stopped.
#[derive(Debug, Clone)]
pub struct Optimum {
    /// The parameters, unconstrained scale.
    pub u: Vec<f64>,
    /// The objective there.
    pub value: f64,
    /// Its gradient there.
    pub gradient: Vec<f64>,
    /// Why the run stopped.
    pub reason: StopReason,
    /// Iterations taken.
    pub iterations: u64,
    /// Newton steps of the finish after a line-search method (see [`HANDOVER_GTOL`]).
    pub polish_steps: u32,
    /// The solver's coordinates, in which the stopping rules measure the relative gradient.
    pub transform: Transform,
}

impl Optimum {
    /// The relative gradient ([`relative_gradient`]) in the solver's coordinates.
    pub fn relative_gradient(&self) -> f64 {
        let t = &self.transform;
        relative_gradient(&t.v(&self.u), &t.gradient_v(&self.gradient), self.value)
    }
}

/// Maximizes `objective` from `u0` (unconstrained scale).
///
/// Newton's method runs to the end on its own. The line-search methods are finished by Newton
/// steps on the exact gradient, also where their line search failed at a relative gradient
/// below [`HANDOVER_GTOL`]; L-BFGS hands over to them at [`HANDOVER_GTOL`], and goes on by
/// itself from wherever they stop should they not reach the gradient tolerance.
///
/// # Errors
/// [`MleError::Optimizer`] when argmin fails for a reason other than a non-finite value (which
/// is reported as [`StopReason::NonFinite`], not as an error).
pub fn maximize<M: Model + ?Sized>(
    objective: &Objective<'_, M>,
    u0: Vec<f64>,
    options: &FitOptions,
    observer: &mut dyn Observer,
) -> Result<Optimum> {
    // the line-search methods work in coordinates whitened by the information at the start;
    // Newton's steps are invariant to them, its stopping rules to the Jacobi scaling
    let scaled = match options.chosen() {
        Optimizer::Newton => Scaled::jacobi(objective, &u0),
        _ => Scaled::whitened(objective, &u0),
    };
    let handover = (options.chosen() == Optimizer::Lbfgs && HANDOVER_GTOL > options.gtol)
        .then_some(HANDOVER_GTOL);
    let (mut optimum, handed_over) = solve(&scaled, u0, options, handover, observer)?;
    // a line search that failed this close to the maximum lost to the rounding of ℓ, which is
    // what the finish is for
    let rounding_floor = optimum.reason == StopReason::LineSearchFailed
        && optimum.relative_gradient() <= HANDOVER_GTOL;
    let finish = handed_over || optimum.reason.is_converged() || rounding_floor;
    if options.chosen() == Optimizer::Newton || !finish {
        return Ok(optimum);
    }
    optimum.polish_steps = polish::polish(objective, &mut optimum, options.gtol);
    if handed_over && optimum.reason != StopReason::GradientTolerance {
        // the finish could not reach the tolerance: the line search goes on from where it ended
        let (mut rest, _) = solve(&scaled, optimum.u, options, None, observer)?;
        rest.iterations += optimum.iterations;
        rest.polish_steps = optimum.polish_steps;
        if rest.reason.is_converged() {
            rest.polish_steps += polish::polish(objective, &mut rest, options.gtol);
        }
        optimum = rest;
    }
    Ok(optimum)
}

/// A Newton step of more than this many standard errors in some parameter means that a point
/// is not the maximum, whatever stopped the solver.
pub const STEP_SE_LIMIT: f64 = 1e-3;

/// The Hessian at `optimum` for inference, and `optimum` held to the rule that a converged fit
/// is one where one more Newton step moves no parameter by more than [`STEP_SE_LIMIT`] standard
/// errors: where the solver stopped short of that (L-BFGS fooled by a covariate on the scale
/// 1e-150, say), Newton's method goes on from there, and if it cannot finish either the fit is
/// reported as not converged ([`StopReason::NewtonStepLarge`]).
///
/// # Errors
/// As [`maximize`].
pub fn settle<M: Model + ?Sized>(
    objective: &Objective<'_, M>,
    optimum: Optimum,
    options: &FitOptions,
    observer: &mut dyn Observer,
) -> Result<(Optimum, nalgebra::DMatrix<f64>)> {
    let h = objective.hessian(&optimum.u);
    if !optimum.reason.is_converged() || step_in_se(&h, &optimum.gradient) <= STEP_SE_LIMIT {
        return Ok((optimum, h));
    }
    // to the default tolerance at least: a loose one is what stopped short
    let newton = options
        .clone()
        .optimizer(Optimizer::Newton)
        .gtol(options.gtol.min(DEFAULT_GTOL));
    let scaled = Scaled::new(objective, optimum.transform.clone());
    let (mut rest, _) = solve(&scaled, optimum.u.clone(), &newton, None, observer)?;
    rest.iterations += optimum.iterations;
    rest.polish_steps = optimum.polish_steps;
    rest.transform = optimum.transform;
    let h = objective.hessian(&rest.u);
    if rest.reason.is_converged() && step_in_se(&h, &rest.gradient) > STEP_SE_LIMIT {
        rest.reason = StopReason::NewtonStepLarge;
    }
    Ok((rest, h))
}

/// How far the Newton step from `g` with the Hessian `h` (unconstrained scale) moves the worst
/// parameter, in standard errors; 0 where `−h` is not positive definite (then inference says
/// what the data do not identify).
fn step_in_se(h: &nalgebra::DMatrix<f64>, g: &[f64]) -> f64 {
    let info = -h;
    let (scaled, s) = crate::linalg::jacobi_scaling(&info);
    scaled.cholesky().map_or(0.0, |c| {
        let inv = c.inverse();
        let cov = nalgebra::DMatrix::from_fn(s.len(), s.len(), |i, j| inv[(i, j)] * s[i] * s[j]);
        newton_step_in_se(&cov, g)
    })
}

/// One run of the chosen solver from `u0`; with `handover`, stopping early at that relative
/// gradient (then the returned flag is set and the reason is provisional).
fn solve<M: Model + ?Sized>(
    scaled: &Scaled<'_, '_, M>,
    u0: Vec<f64>,
    options: &FitOptions,
    handover: Option<f64>,
    observer: &mut dyn Observer,
) -> Result<(Optimum, bool)> {
    let objective = scaled.objective();
    let mut tracker = Tracker {
        reason: None,
        last: None,
        gtol: options.gtol,
        ftol: options.ftol,
        xtol: options.xtol,
        handover,
        handed_over: false,
        observer,
        best: f64::NEG_INFINITY,
        stalled_for: 0,
        transform: scaled.transform().clone(),
    };
    let max_iter = options.get_max_iter();
    let start = DVector::from_vec(scaled.v(&u0));
    let outcome = match options.chosen() {
        Optimizer::Lbfgs => {
            let search = ScaledFirstStep::new(MoreThuenteLineSearch::new());
            let solver = LBFGS::new(search, LBFGS_MEMORY);
            run(scaled, solver, start, max_iter, &mut tracker)
        }
        Optimizer::Newton => {
            let solver = Newton::new(options.gtol);
            run(scaled, solver, start, max_iter, &mut tracker)
        }
        Optimizer::Gradient => {
            let solver = SteepestDescent::new(MoreThuenteLineSearch::new());
            run(scaled, solver, start, max_iter, &mut tracker)
        }
    };
    let (v, iterations, argmin_reason) = match outcome {
        Ok(done) => done,
        Err(e) if e.to_string().contains(objective::NON_FINITE) => {
            let u = tracker.last.as_ref().map_or(u0, |(v, _)| scaled.u(v));
            let (value, gradient) = objective.value_and_gradient(&u);
            let optimum = Optimum {
                u,
                value,
                gradient,
                reason: StopReason::NonFinite,
                iterations: 0,
                polish_steps: 0,
                transform: scaled.transform().clone(),
            };
            return Ok((optimum, false));
        }
        Err(e) => return Err(MleError::Optimizer(e.to_string())),
    };
    let u = scaled.u(&v);
    let (value, gradient) = objective.value_and_gradient(&u);
    let relative = relative_gradient(&v, &scaled.transform().gradient_v(&gradient), value);
    let reason = match argmin_reason {
        // provisional, never reported: the Newton finish or the run after it decides
        _ if tracker.handed_over => StopReason::LineSearchFailed,
        Some(TerminationReason::SolverConverged) => {
            tracker.reason.unwrap_or(StopReason::GradientTolerance)
        }
        Some(TerminationReason::MaxItersReached) => StopReason::MaxIterations,
        Some(TerminationReason::SolverExit(why)) if why == PRECISION_EXIT => {
            StopReason::PrecisionLimit
        }
        _ if tracker.reason == Some(StopReason::LineSearchFailed) => StopReason::LineSearchFailed,
        _ if !value.is_finite() || gradient.iter().any(|g| !g.is_finite()) => StopReason::NonFinite,
        // the line search could not go on
        _ if relative <= PRECISION_FACTOR * options.gtol => StopReason::PrecisionLimit,
        _ => StopReason::LineSearchFailed,
    };
    let optimum = Optimum {
        u,
        value,
        gradient,
        reason,
        iterations,
        polish_steps: 0,
        transform: scaled.transform().clone(),
    };
    Ok((optimum, tracker.handed_over))
}

type RunOutcome =
    std::result::Result<(Vec<f64>, u64, Option<TerminationReason>), argmin::core::Error>;

fn run<'s, M: Model + ?Sized, S>(
    scaled: &'s Scaled<'s, 's, M>,
    solver: S,
    start: DVector<f64>,
    max_iter: u64,
    tracker: &mut Tracker<'_>,
) -> RunOutcome
where
    S: Solver<&'s Scaled<'s, 's, M>, NewtonState>,
{
    let monitored = Monitored {
        inner: solver,
        tracker,
    };
    let result = Executor::new(scaled, monitored)
        .configure(|s| s.param(start).max_iters(max_iter))
        .ctrlc(false)
        .timer(false)
        .run()?;
    let mut state = result.state;
    let iterations = state.get_iter();
    let reason = state.get_termination_reason().cloned();
    // The point the stopping rule judged is the last one. argmin's "best" (lowest cost) point
    // can be an earlier iterate when the last steps change ℓ by less than its rounding; keep
    // that one only when the run did not stop on a vanishing gradient.
    let last = state.take_param();
    let u = if tracker.reason == Some(StopReason::GradientTolerance) {
        last.or_else(|| state.take_best_param())
    } else {
        state.take_best_param().or(last)
    }
    .ok_or_else(|| argmin::core::Error::msg("the optimizer returned no parameters"))?;
    Ok((u.as_slice().to_vec(), iterations, reason))
}
