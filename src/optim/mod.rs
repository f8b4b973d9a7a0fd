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

pub use convergence::{Convergence, Observer, Progress, StopReason};
pub use monitor::relative_gradient;
pub use newton::{CostEvaluation, Newton, NewtonProblem};
pub use objective::{Counts, FORWARD_HESSIAN_STEP, HESSIAN_STEP, Objective};
pub use options::{DEFAULT_FTOL, DEFAULT_GTOL, DEFAULT_LEVEL, DEFAULT_XTOL, FitOptions, Optimizer};
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
use newton::NewtonState;

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
    let handover = (options.chosen() == Optimizer::Lbfgs && HANDOVER_GTOL > options.gtol)
        .then_some(HANDOVER_GTOL);
    let (mut optimum, handed_over) = solve(objective, u0, options, handover, observer)?;
    // a line search that failed this close to the maximum lost to the rounding of ℓ, which is
    // what the finish is for
    let rounding_floor = optimum.reason == StopReason::LineSearchFailed
        && monitor::relative_gradient(&optimum.u, &optimum.gradient, optimum.value)
            <= HANDOVER_GTOL;
    let finish = handed_over || optimum.reason.is_converged() || rounding_floor;
    if options.chosen() == Optimizer::Newton || !finish {
        return Ok(optimum);
    }
    optimum.polish_steps = polish::polish(objective, &mut optimum, options.gtol);
    if handed_over && optimum.reason != StopReason::GradientTolerance {
        // the finish could not reach the tolerance: the line search goes on from where it ended
        let (mut rest, _) = solve(objective, optimum.u, options, None, observer)?;
        rest.iterations += optimum.iterations;
        rest.polish_steps = optimum.polish_steps;
        if rest.reason.is_converged() {
            rest.polish_steps += polish::polish(objective, &mut rest, options.gtol);
        }
        optimum = rest;
    }
    Ok(optimum)
}

/// One run of the chosen solver from `u0`; with `handover`, stopping early at that relative
/// gradient (then the returned flag is set and the reason is provisional).
fn solve<M: Model + ?Sized>(
    objective: &Objective<'_, M>,
    u0: Vec<f64>,
    options: &FitOptions,
    handover: Option<f64>,
    observer: &mut dyn Observer,
) -> Result<(Optimum, bool)> {
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
    };
    let max_iter = options.get_max_iter();
    let start = DVector::from_vec(u0.clone());
    let outcome = match options.chosen() {
        Optimizer::Lbfgs => {
            let search = ScaledFirstStep::new(MoreThuenteLineSearch::new());
            let solver = LBFGS::new(search, LBFGS_MEMORY);
            run(objective, solver, start, max_iter, &mut tracker)
        }
        Optimizer::Newton => {
            let solver = Newton::new(options.gtol);
            run(objective, solver, start, max_iter, &mut tracker)
        }
        Optimizer::Gradient => {
            let solver = SteepestDescent::new(MoreThuenteLineSearch::new());
            run(objective, solver, start, max_iter, &mut tracker)
        }
    };
    let (u, iterations, argmin_reason) = match outcome {
        Ok(done) => done,
        Err(e) if e.to_string().contains(objective::NON_FINITE) => {
            let u = tracker.last.as_ref().map_or(u0, |(u, _)| u.clone());
            let (value, gradient) = objective.value_and_gradient(&u);
            let optimum = Optimum {
                u,
                value,
                gradient,
                reason: StopReason::NonFinite,
                iterations: 0,
                polish_steps: 0,
            };
            return Ok((optimum, false));
        }
        Err(e) => return Err(MleError::Optimizer(e.to_string())),
    };
    let (value, gradient) = objective.value_and_gradient(&u);
    let reason = match argmin_reason {
        // provisional, never reported: the Newton finish or the run after it decides
        _ if tracker.handed_over => StopReason::LineSearchFailed,
        Some(TerminationReason::SolverConverged) => {
            tracker.reason.unwrap_or(StopReason::GradientTolerance)
        }
        Some(TerminationReason::MaxItersReached) => StopReason::MaxIterations,
        _ if tracker.reason == Some(StopReason::LineSearchFailed) => StopReason::LineSearchFailed,
        _ if !value.is_finite() || gradient.iter().any(|g| !g.is_finite()) => StopReason::NonFinite,
        // the line search could not go on
        _ if relative_gradient(&u, &gradient, value) <= PRECISION_FACTOR * options.gtol => {
            StopReason::PrecisionLimit
        }
        _ => StopReason::LineSearchFailed,
    };
    let optimum = Optimum {
        u,
        value,
        gradient,
        reason,
        iterations,
        polish_steps: 0,
    };
    Ok((optimum, tracker.handed_over))
}

type RunOutcome =
    std::result::Result<(Vec<f64>, u64, Option<TerminationReason>), argmin::core::Error>;

fn run<'a, M: Model + ?Sized, S>(
    objective: &'a Objective<'a, M>,
    solver: S,
    start: DVector<f64>,
    max_iter: u64,
    tracker: &mut Tracker<'_>,
) -> RunOutcome
where
    S: Solver<&'a Objective<'a, M>, NewtonState>,
{
    let monitored = Monitored {
        inner: solver,
        tracker,
    };
    let result = Executor::new(objective, monitored)
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
