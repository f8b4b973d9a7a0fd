//! Parameter constraints: each constrained parameter is optimized on an unconstrained scale `u`
//! and reported on its natural scale `θ = t(u)`.
//!
//! | constraint | `θ = t(u)` | `u = t⁻¹(θ)` | `dθ/du` |
//! |---|---|---|---|
//! | [`Constraint::Free`] | `u` | `θ` | `1` |
//! | [`Constraint::Positive`] | `exp(u)` | `ln θ` | `θ` |
//! | [`Constraint::UnitInterval`] | `1 / (1 + e^{-u})` | `ln(θ / (1 - θ))` | `θ (1 - θ)` |

use burn::tensor::activation::sigmoid;

use crate::backend::Tensor;

/// The range a parameter lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// Any real number.
    Free,
    /// θ > 0, optimized as `ln θ` (a scale such as σ).
    Positive,
    /// 0 < θ < 1, optimized as `logit θ` (a probability).
    UnitInterval,
}

impl Constraint {
    /// `θ = t(u)`.
    pub fn to_natural(self, u: f64) -> f64 {
        match self {
            Constraint::Free => u,
            Constraint::Positive => u.exp(),
            Constraint::UnitInterval => crate::odds::sigmoid(u),
        }
    }

    /// `u = t⁻¹(θ)`; `None` when θ is outside the constraint.
    pub fn to_unconstrained(self, theta: f64) -> Option<f64> {
        match self {
            Constraint::Free => theta.is_finite().then_some(theta),
            Constraint::Positive => (theta > 0.0 && theta.is_finite()).then(|| theta.ln()),
            Constraint::UnitInterval => {
                (theta > 0.0 && theta < 1.0).then(|| crate::odds::logit(theta))
            }
        }
    }

    /// `dθ/du` at `u`.
    pub fn derivative(self, u: f64) -> f64 {
        match self {
            Constraint::Free => 1.0,
            Constraint::Positive => u.exp(),
            Constraint::UnitInterval => {
                let p = crate::odds::sigmoid(u);
                p * (1.0 - p)
            }
        }
    }

    /// `d²θ/du²` at `u`.
    pub fn second_derivative(self, u: f64) -> f64 {
        match self {
            Constraint::Free => 0.0,
            Constraint::Positive => u.exp(),
            Constraint::UnitInterval => {
                let p = crate::odds::sigmoid(u);
                p * (1.0 - p) * (1.0 - 2.0 * p)
            }
        }
    }

    fn apply(self, u: Tensor<1>) -> Tensor<1> {
        match self {
            Constraint::Free => u,
            Constraint::Positive => u.exp(),
            Constraint::UnitInterval => sigmoid(u),
        }
    }
}

/// Maps an unconstrained parameter tensor to the natural scale, one run of equally constrained
/// parameters at a time (no element ever passes through a transform that is not its own, so a
/// large free coefficient never meets `exp`).
pub fn to_natural_tensor(constraints: &[Constraint], u: Tensor<1>) -> Tensor<1> {
    if constraints.iter().all(|c| *c == Constraint::Free) {
        return u;
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < constraints.len() {
        let c = constraints[start];
        let end = constraints[start..]
            .iter()
            .position(|d| *d != c)
            .map_or(constraints.len(), |k| start + k);
        pieces.push(c.apply(u.clone().narrow(0, start, end - start)));
        start = end;
    }
    Tensor::cat(pieces, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_derivatives() {
        for (c, theta) in [
            (Constraint::Free, -3.5),
            (Constraint::Positive, 2.5),
            (Constraint::UnitInterval, 0.8),
        ] {
            let u = c.to_unconstrained(theta).unwrap();
            assert!((c.to_natural(u) - theta).abs() < 1e-15);
            // central differences of t(u), step 1e-5: truncation error O(h²) ≈ 1e-10
            let h = 1e-5;
            let d = (c.to_natural(u + h) - c.to_natural(u - h)) / (2.0 * h);
            assert!((d - c.derivative(u)).abs() < 1e-9);
            let d2 = (c.derivative(u + h) - c.derivative(u - h)) / (2.0 * h);
            assert!((d2 - c.second_derivative(u)).abs() < 1e-9);
        }
        assert_eq!(Constraint::Positive.to_unconstrained(0.0), None);
        assert_eq!(Constraint::UnitInterval.to_unconstrained(1.0), None);
    }
}
