//! Estimates that run to the edge of their range: a dispersion `α → 0` on underdispersed counts,
//! a mixing probability `π → 0` or `1`. The maximum then lies on the boundary, outside the
//! open range the parameter is optimized in, and the optimizer's last iterate is not an
//! estimate: the report says so, naming the parameter, instead of printing it as an answer.
//!
//! A constrained parameter is optimized on its unconstrained scale `u` (`α = eᵘ`, `π = σ(u)`).
//! Towards a boundary `ℓ` flattens in `u` (for `α = eᵘ → 0`, `ℓ ≈ ℓ₀ + c·eᵘ`, so `∂ℓ/∂u` and
//! `∂²ℓ/∂u²` vanish together): the gradient test is met while `u` is still drifting, and the
//! curvature in `u` leaves it unidentified; further out the log-likelihood itself loses its
//! digits (NB2's `ln Γ(y + 1/α) − ln Γ(1/α)` at `α = 1e-14` is a difference of numbers near
//! `3e15`), and the line search fails. The diagnosis, either of:
//! - the curvature in `uⱼ` alone gives a standard error of `uⱼ` above [`BOUNDARY_SE`] (an
//!   interval for `α` spanning a factor of `e^{±2·1.96·BOUNDARY_SE}`) while the natural-scale
//!   slope `∂ℓ/∂θⱼ` points out of the range: `ℓ` still rises towards the bound;
//! - `uⱼ` has travelled more than [`BOUNDARY_DRIFT`] from its start towards the bound (`α` fell
//!   by a factor of 1e8), and the slope points at the bound or the fit did not converge.

use crate::model::Constraint;

/// Above this standard error of a constrained parameter's unconstrained value (from its own
/// curvature, `1/√Iⱼⱼ`), with the slope pointing at the bound, the estimate is on the boundary.
pub const BOUNDARY_SE: f64 = 10.0;

/// How far (on the unconstrained scale) a parameter may travel from its start towards a bound
/// before it counts as running to it: `ln 1e8`, a factor of 1e8 in a positive parameter.
pub const BOUNDARY_DRIFT: f64 = 18.420_680_743_952_367;

/// A parameter whose maximum is on the boundary of its range.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Boundary {
    /// The parameter.
    pub name: String,
    /// The bound it runs to (0, or 1 for a probability).
    pub bound: f64,
    /// The optimizer's last iterate (not an estimate).
    pub last_iterate: f64,
    /// `∂ℓ/∂θ` there, on the natural scale: its sign points at the bound.
    pub slope: f64,
    /// `1/√Iⱼⱼ` on the unconstrained scale (infinite where the curvature vanished).
    pub se_unconstrained: f64,
}

impl Boundary {
    /// A paragraph for users.
    pub fn explain(&self) -> String {
        format!(
            "the estimate of '{}' runs to its bound {}: the log-likelihood still rises towards it \
             (∂ℓ/∂{} = {:.4e} at {} = {:.3e}, where the data hardly inform it: standard error \
             of its {} {:.3e}); the maximum lies on the boundary, where the model reduces to one \
             without this parameter (for a dispersion: no overdispersion). Fit that simpler \
             model; the numbers below are the optimizer's last iterate, not estimates",
            self.name,
            self.bound,
            self.name,
            self.slope,
            self.name,
            self.last_iterate,
            if self.bound == 0.0 && self.last_iterate > 0.0 {
                "logarithm"
            } else {
                "logit"
            },
            self.se_unconstrained
        )
    }
}

/// Where a fit's parameters started and ended, on the unconstrained scale, with the gradient
/// `g_u` and the diagonal `info_u` of the observed information at the end, and whether the
/// optimizer called it converged.
#[derive(Debug, Clone, Copy)]
pub struct LastIterate<'a> {
    /// The starting values.
    pub start: &'a [f64],
    /// The last iterate.
    pub u: &'a [f64],
    /// `∂ℓ/∂u` there.
    pub g_u: &'a [f64],
    /// `−∂²ℓ/∂uⱼ²` there.
    pub info_u: &'a [f64],
    /// Whether the optimizer's stopping rules were met.
    pub converged: bool,
}

/// The first constrained parameter (of `names` with `constraints`) whose maximum is on its
/// boundary, judged at the `last` iterate.
pub fn boundary(
    names: &[String],
    constraints: &[Constraint],
    last: LastIterate<'_>,
) -> Option<Boundary> {
    let LastIterate {
        start,
        u,
        g_u,
        info_u,
        converged,
    } = last;
    constraints.iter().enumerate().find_map(|(j, &c)| {
        if c == Constraint::Free {
            return None;
        }
        let se = if info_u[j] > 0.0 {
            1.0 / info_u[j].sqrt()
        } else {
            f64::INFINITY
        };
        let slope = g_u[j] / c.derivative(u[j]);
        let theta = c.to_natural(u[j]);
        // the bound below (u → −∞), or above for a probability (u → +∞), that uⱼ is nearer to
        let below = c == Constraint::Positive || u[j] < 0.0;
        let bound = if below { 0.0 } else { 1.0 };
        let outward = if below { slope < 0.0 } else { slope > 0.0 };
        let drift = if below {
            start[j] - u[j]
        } else {
            u[j] - start[j]
        };
        let flat = se > BOUNDARY_SE && outward && slope.is_finite();
        let far = drift > BOUNDARY_DRIFT && (outward || !converged);
        let near_bound = if below { u[j] < 0.0 } else { u[j] > 0.0 };
        (near_bound && (flat || far)).then(|| Boundary {
            name: names[j].clone(),
            bound,
            last_iterate: theta,
            slope,
            se_unconstrained: se,
        })
    })
}
