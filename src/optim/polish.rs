//! The Newton finish of a line-search method.
//!
//! A line search accepts a point by comparing values, and near the maximum `ℓ` changes by
//! `½ δᵀHδ`, which rounding hides once `δ ≈ √(ε|ℓ|/λ)`: about 1e-8 in the parameters. The
//! gradient still points on, and a Newton step on it lands the rest of the way. L-BFGS is
//! therefore stopped early, once the relative gradient is below [`HANDOVER_GTOL`] (its last
//! iterations would only fight the rounding of `ℓ`), and the finish takes Newton steps with one
//! Hessian (the model's exact one, or forward differences of the exact gradient) until the
//! gradient tolerance is met. A step is kept only when it does not lower `ℓ` beyond rounding and
//! shrinks the gradient; the count is reported.

use nalgebra::{DMatrix, DVector};

use super::newton::no_worse;
use super::{Objective, Optimum, StopReason};
use crate::model::Model;

/// The relative gradient at which L-BFGS hands over to the Newton finish (when the gradient
/// tolerance is tighter). At 1e-6 the estimate is within about 1e-3 standard errors of the
/// maximum on 10⁶ rows, where two Newton steps reach working precision.
pub const HANDOVER_GTOL: f64 = 1e-6;

/// Most Newton steps the finish takes.
const MAX_POLISH_STEPS: u32 = 2;

/// The finish starts only this close to the maximum: the Newton step below this many standard
/// errors in every parameter, where the quadratic model of `ℓ` is accurate.
const POLISH_MAX_STEP_SE: f64 = 0.1;

/// The Euclidean norm.
pub(crate) fn norm(g: &[f64]) -> f64 {
    g.iter().map(|v| v * v).sum::<f64>().sqrt()
}

/// How far one Newton step `I⁻¹g` would move the worst parameter, in standard errors:
/// `maxⱼ |(I⁻¹g)ⱼ| / √(I⁻¹)ⱼⱼ`, for the covariance `I⁻¹` (unconstrained scale).
pub fn newton_step_in_se(cov: &DMatrix<f64>, g: &[f64]) -> f64 {
    in_standard_errors(cov, &(cov * DVector::from_column_slice(g)))
}

/// `maxⱼ |stepⱼ| / √covⱼⱼ`.
fn in_standard_errors(cov: &DMatrix<f64>, step: &DVector<f64>) -> f64 {
    (0..step.len())
        .map(|j| step[j].abs() / cov[(j, j)].sqrt())
        .fold(0.0, f64::max)
}

/// Takes Newton steps from `optimum` (all with the Hessian at its starting point) while each is
/// accepted, at most [`MAX_POLISH_STEPS`]; marks the optimum converged
/// ([`StopReason::GradientTolerance`]) when the relative gradient reaches `gtol`. Returns the
/// number of steps taken.
pub(crate) fn polish<M: Model + ?Sized>(
    objective: &Objective<'_, M>,
    optimum: &mut Optimum,
    gtol: f64,
) -> u32 {
    let h = objective.step_hessian(&optimum.u);
    let Some(cov) = (-h).cholesky().map(|c| c.inverse()) else {
        return 0;
    };
    let mut steps = 0;
    while steps < MAX_POLISH_STEPS {
        let d = &cov * DVector::from_column_slice(&optimum.gradient);
        let in_se = in_standard_errors(&cov, &d);
        if in_se.is_nan() || in_se > POLISH_MAX_STEP_SE || in_se == 0.0 {
            break;
        }
        let u: Vec<f64> = optimum.u.iter().zip(d.iter()).map(|(u, d)| u + d).collect();
        let (value, gradient) = objective.value_and_gradient(&u);
        // values compared as costs (−ℓ)
        if !(no_worse(-optimum.value, -value) && norm(&gradient) < norm(&optimum.gradient)) {
            break;
        }
        steps += 1;
        optimum.u = u;
        optimum.value = value;
        optimum.gradient = gradient;
        if optimum.relative_gradient() <= gtol {
            optimum.reason = StopReason::GradientTolerance;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_in_standard_errors() {
        // I⁻¹ = diag(4, 1/4): the step I⁻¹g = (4, 0.25) for g = (1, 1), in standard errors
        // (2, 0.5) → 4/2 = 2 and 0.25/0.5 = 0.5
        let cov = DMatrix::from_row_slice(2, 2, &[4.0, 0.0, 0.0, 0.25]);
        assert_eq!(newton_step_in_se(&cov, &[1.0, 1.0]), 2.0);
        assert_eq!(norm(&[3.0, 4.0]), 5.0);
    }
}
