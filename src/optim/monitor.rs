//! Stopping rules shared by every solver: an argmin solver wrapped so that its `terminate` applies
//! this crate's criteria (relative gradient, relative change) and records which one fired, and so
//! that observers see each iteration.

use argmin::core::{
    Error, Gradient, KV, Problem, Solver, State, TerminationReason, TerminationStatus,
};
use nalgebra::DVector;

use super::convergence::{Observer, Progress, StopReason};
use super::newton::NewtonState;

/// The relative gradient `maxⱼ |gⱼ| · max(|uⱼ|, 1) / max(|f|, 1)`: invariant to the scale of `f`
/// and of each parameter (Dennis & Schnabel, *Numerical Methods for Unconstrained Optimization*,
/// §7.2).
pub fn relative_gradient(u: &[f64], g: &[f64], f: f64) -> f64 {
    let denom = f.abs().max(1.0);
    u.iter()
        .zip(g)
        .map(|(u, g)| g.abs() * u.abs().max(1.0) / denom)
        .fold(0.0, f64::max)
}

/// What the monitor has seen; it outlives the solver, so an error inside a run loses nothing.
pub struct Tracker<'o> {
    /// The criterion that stopped the run, if one of ours did.
    pub reason: Option<StopReason>,
    /// The last point observed: the solver's (scaled) parameters and the objective.
    pub last: Option<(Vec<f64>, f64)>,
    pub(crate) gtol: f64,
    pub(crate) ftol: f64,
    pub(crate) xtol: f64,
    /// A relative gradient at which to stop early and hand over to the Newton finish.
    pub(crate) handover: Option<f64>,
    /// Whether the run stopped at `handover`.
    pub(crate) handed_over: bool,
    pub(crate) observer: &'o mut dyn Observer,
    /// The best objective so far and how many iterations ago it last rose.
    pub(crate) best: f64,
    pub(crate) stalled_for: u32,
    /// The solver's coordinates ([`super::scaled`]): what the observer is shown is `u`.
    pub(crate) transform: super::Transform,
}

/// Iterations without any rise of the objective after which a solver counts as stalled (at once
/// when a step moves no parameter by more than a few ulps).
const STALL_ITERATIONS: u32 = 3;
/// A stalled solver still counts as converged when the relative gradient is within this factor
/// of `gtol`: the objective cannot rise further in floating point.
pub const PRECISION_FACTOR: f64 = 1e3;

/// A solver whose stopping is decided by a [`Tracker`].
pub struct Monitored<'t, 'o, S> {
    pub(crate) inner: S,
    pub(crate) tracker: &'t mut Tracker<'o>,
}

impl<O, S> Solver<O, NewtonState> for Monitored<'_, '_, S>
where
    O: Gradient<Param = DVector<f64>, Gradient = DVector<f64>>,
    S: Solver<O, NewtonState>,
{
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        state: NewtonState,
    ) -> Result<(NewtonState, Option<KV>), Error> {
        self.inner.init(problem, state)
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: NewtonState,
    ) -> Result<(NewtonState, Option<KV>), Error> {
        let (mut state, kv) = self.inner.next_iter(problem, state)?;
        // Not every solver keeps the gradient at the new point in the state (argmin's steepest
        // descent keeps the old one); the stopping rules need it, and the objective's cache
        // makes this free after a line search.
        if let Some(u) = state.get_param() {
            let g = problem.gradient(u)?;
            state = state.gradient(g);
        }
        Ok((state, kv))
    }

    fn terminate(&mut self, state: &NewtonState) -> TerminationStatus {
        let (Some(u), Some(g)) = (state.get_param(), state.get_gradient()) else {
            return TerminationStatus::NotTerminated;
        };
        // argmin minimizes the cost −f with gradient −∇f
        let f = -state.get_cost();
        let t = &mut *self.tracker;
        t.observer.observe(&Progress {
            iteration: state.get_iter(),
            objective: f,
            gradient_norm: t
                .transform
                .gradient_u(g.as_slice())
                .iter()
                .map(|g| g * g)
                .sum::<f64>()
                .sqrt(),
            params: t.transform.u(u.as_slice()),
        });
        t.last = Some((u.as_slice().to_vec(), f));
        // the largest relative change of a parameter since the last iteration
        let dx = state
            .get_prev_param()
            .filter(|_| state.get_iter() > 0)
            .map(|prev| {
                u.iter()
                    .zip(prev.iter())
                    .map(|(a, b)| (a - b).abs() / a.abs().max(1.0))
                    .fold(0.0, f64::max)
            });
        if dx.is_some_and(|dx| dx <= 4.0 * f64::EPSILON) {
            // the line search returned (within a few ulps) the point it started from
            t.stalled_for = STALL_ITERATIONS;
        } else if f > t.best {
            t.best = f;
            t.stalled_for = 0;
        } else {
            t.stalled_for += 1;
        }
        let rel = relative_gradient(u.as_slice(), g.as_slice(), f);
        let mut reason = None;
        if rel <= t.gtol {
            reason = Some(StopReason::GradientTolerance);
        } else if t.handover.is_some_and(|h| rel <= h) {
            t.handed_over = true;
            return TerminationStatus::Terminated(TerminationReason::SolverConverged);
        } else if t.stalled_for >= STALL_ITERATIONS {
            reason = Some(if rel <= PRECISION_FACTOR * t.gtol {
                StopReason::PrecisionLimit
            } else {
                StopReason::LineSearchFailed
            });
        } else if let Some(dx) = dx {
            let df = (f + state.get_prev_cost()).abs();
            // tiny steps far from a stationary point are not convergence
            if df <= t.ftol * f.abs().max(1.0) && dx <= t.xtol && rel <= PRECISION_FACTOR * t.gtol {
                reason = Some(StopReason::RelativeChange);
            }
        }
        match reason {
            Some(StopReason::LineSearchFailed) => {
                t.reason = reason;
                TerminationStatus::Terminated(TerminationReason::SolverExit("stalled".into()))
            }
            Some(r) => {
                t.reason = Some(r);
                TerminationStatus::Terminated(TerminationReason::SolverConverged)
            }
            None => TerminationStatus::NotTerminated,
        }
    }
}
