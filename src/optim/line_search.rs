//! The line search of L-BFGS: Moré–Thuente, with a first trial step measured along the first
//! direction.
//!
//! L-BFGS has no curvature information at its first iteration, so its direction is the raw
//! gradient, whose length carries the units of the log-likelihood: about `n` times a typical
//! score. A first trial step of that length overshoots wildly on large data (η = Xβ of order 10⁴,
//! `exp(η)` overflowing, ℓ = −∞ with a non-finite gradient that ends the search); a unit-length
//! step, as in L-BFGS-B, is safe but leaves Moré–Thuente many extrapolations to reach a good
//! step. So the first search probes the gradient one unit along the direction `d` and starts at
//! the minimizer of the quadratic through that curvature, `α₀ = −dᵀg / (dᵀ(g(x + td) − g(x))/t)`,
//! `t = 1/‖d‖` (or at `t` when the probe shows no positive curvature). From the second iteration
//! on, L-BFGS's own scaling makes `1` the natural first trial. One gradient evaluation is spent.

use argmin::core::{Error, Gradient, IterState, KV, Problem, Solver, State, TerminationStatus};
use argmin::solver::linesearch::LineSearch;
use nalgebra::DVector;

type Vector = DVector<f64>;
type LineState = IterState<Vector, Vector, (), (), (), f64>;

/// A line search whose first use starts from a step measured along its direction.
#[derive(Clone)]
pub struct ScaledFirstStep<L> {
    inner: L,
    directions: usize,
    /// The direction of the first search, while its first step is still to be measured.
    probe: Option<Vector>,
}

impl<L> ScaledFirstStep<L> {
    /// Wraps `inner`.
    pub fn new(inner: L) -> Self {
        Self {
            inner,
            directions: 0,
            probe: None,
        }
    }
}

/// The first trial step along `d` from `x` with gradient `g` (of the cost), given the gradient
/// `g_t` one unit along `d` (at `x + t d`, `t = 1/‖d‖`).
fn first_step(d: &Vector, g: &Vector, g_t: Option<Vector>) -> f64 {
    let t = 1.0 / d.norm();
    let slope = d.dot(g);
    let alpha = g_t.map_or(f64::NAN, |g_t| {
        let curvature = d.dot(&(g_t - g)) / t;
        -slope / curvature
    });
    if alpha.is_finite() && alpha > 0.0 {
        alpha
    } else {
        t
    }
}

impl<L: LineSearch<Vector, f64>> LineSearch<Vector, f64> for ScaledFirstStep<L> {
    fn search_direction(&mut self, direction: Vector) {
        let norm = direction.norm();
        self.probe =
            (self.directions == 0 && norm > 1.0 && norm.is_finite()).then(|| direction.clone());
        self.directions += 1;
        // 1 > 0: never refused
        let _ = self.inner.initial_step_length(1.0);
        self.inner.search_direction(direction);
    }

    fn initial_step_length(&mut self, step_length: f64) -> Result<(), Error> {
        self.inner.initial_step_length(step_length)
    }
}

impl<O, L> Solver<O, LineState> for ScaledFirstStep<L>
where
    L: Solver<O, LineState> + LineSearch<Vector, f64>,
    O: Gradient<Param = Vector, Gradient = Vector>,
{
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        state: LineState,
    ) -> Result<(LineState, Option<KV>), Error> {
        if let (Some(d), Some(x), Some(g)) =
            (self.probe.take(), state.get_param(), state.get_gradient())
        {
            let t = 1.0 / d.norm();
            let g_t = problem
                .gradient(&(x + &d * t))
                .ok()
                .filter(|g| g.iter().all(|v| v.is_finite()));
            self.inner.initial_step_length(first_step(&d, g, g_t))?;
        }
        self.inner.init(problem, state)
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: LineState,
    ) -> Result<(LineState, Option<KV>), Error> {
        self.inner.next_iter(problem, state)
    }

    fn terminate_internal(&mut self, state: &LineState) -> TerminationStatus {
        self.inner.terminate_internal(state)
    }

    fn terminate(&mut self, state: &LineState) -> TerminationStatus {
        self.inner.terminate(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the first trial step of every search.
    #[derive(Default)]
    struct Record(Vec<f64>);

    impl LineSearch<DVector<f64>, f64> for Record {
        fn search_direction(&mut self, _direction: DVector<f64>) {}
        fn initial_step_length(&mut self, step_length: f64) -> Result<(), Error> {
            self.0.push(step_length);
            Ok(())
        }
    }

    #[test]
    fn only_the_first_long_direction_is_measured() {
        let mut ls = ScaledFirstStep::new(Record::default());
        ls.search_direction(DVector::from_vec(vec![3e4, 4e4]));
        assert!(ls.probe.is_some());
        ls.search_direction(DVector::from_vec(vec![3e4, 4e4]));
        assert!(ls.probe.is_none(), "later searches start at 1");
        assert_eq!(ls.inner.0, [1.0, 1.0]);
        let mut short = ScaledFirstStep::new(Record::default());
        short.search_direction(DVector::from_vec(vec![0.3, 0.4]));
        assert!(
            short.probe.is_none(),
            "a short first direction keeps the unit step"
        );
    }

    #[test]
    fn the_first_step_minimizes_the_quadratic_along_the_direction() {
        // cost ½ xᵀAx with A = diag(2, 8) at x = (1, 1): g = (2, 8), d = −g; the exact line
        // minimizer is α = gᵀg / gᵀAg = 68 / 520 (closed form)
        let a: Vector = DVector::from_vec(vec![2.0, 8.0]);
        let x: Vector = DVector::from_vec(vec![1.0, 1.0]);
        let g = x.component_mul(&a);
        let d = -&g;
        let t = 1.0 / d.norm();
        let g_t = (&x + &d * t).component_mul(&a);
        let alpha = first_step(&d, &g, Some(g_t));
        assert!((alpha - 68.0 / 520.0).abs() < 1e-15, "{alpha}");
        // no usable probe: a unit-length step
        assert_eq!(first_step(&d, &g, None), t);
    }
}
