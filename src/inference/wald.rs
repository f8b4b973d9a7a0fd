//! Wald inference at an estimate: standard errors on the natural scale by the delta method,
//! z and p values for unconstrained parameters, and intervals built on the unconstrained scale
//! and mapped back, so that they respect each parameter's constraint.

use nalgebra::DMatrix;

use super::results::ParamEstimate;
use crate::dist::{normal_quantile, normal_two_sided_p};
use crate::model::Constraint;

/// The Wald inference of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Wald {
    /// Each parameter's estimate with its inference.
    pub params: Vec<ParamEstimate>,
    /// The covariance on the natural scale, `J C J` with `J = diag(dθ/du)`, where identified.
    pub covariance: Option<DMatrix<f64>>,
}

/// The Wald inference of the parameters `names` with `constraints` at `u` (unconstrained
/// scale), from the covariance `cov_u` on that scale (`None` where the information is singular
/// or the maximum does not exist: then estimates alone), at confidence `level`.
///
/// # Examples
/// ```
/// use mle::inference::wald;
/// use mle::model::Constraint;
/// use nalgebra::DMatrix;
/// // σ = e^u with u = 0 and var(u) = 0.01: se(σ) = σ·se(u) = 0.1 (delta method)
/// let cov = DMatrix::from_element(1, 1, 0.01);
/// let w = wald(&["sigma".into()], &[Constraint::Positive], &[0.0], Some(&cov), 0.95);
/// assert!((w.params[0].std_error.unwrap() - 0.1).abs() < 1e-15);
/// assert!(w.params[0].ci_lower.unwrap() > 0.0); // the interval respects σ > 0
/// ```
pub fn wald(
    names: &[String],
    constraints: &[Constraint],
    u: &[f64],
    cov_u: Option<&DMatrix<f64>>,
    level: f64,
) -> Wald {
    let zcrit = normal_quantile(0.5 + level / 2.0);
    let covariance = cov_u.map(|c| {
        let d: Vec<f64> = constraints
            .iter()
            .zip(u)
            .map(|(c, u)| c.derivative(*u))
            .collect();
        let p = d.len();
        DMatrix::from_fn(p, p, |i, j| c[(i, j)] * d[i] * d[j])
    });
    let params = (0..names.len())
        .map(|j| {
            let se = covariance.as_ref().map(|m| m[(j, j)].sqrt());
            let se_u = cov_u.map(|m| m[(j, j)].sqrt());
            estimate(&names[j], constraints[j], u[j], se, se_u, zcrit)
        })
        .collect();
    Wald { params, covariance }
}

/// One parameter's inference: Wald z and p for unconstrained parameters, and an interval built
/// on the unconstrained scale (`u ± z·se_u`) and mapped back, so it respects the constraint.
fn estimate(
    name: &str,
    c: Constraint,
    u: f64,
    se: Option<f64>,
    se_u: Option<f64>,
    zcrit: f64,
) -> ParamEstimate {
    let theta = c.to_natural(u);
    let (z, p_value) = match (c, se) {
        (Constraint::Free, Some(se)) => {
            let z = theta / se;
            (Some(z), Some(normal_two_sided_p(z)))
        }
        _ => (None, None),
    };
    ParamEstimate {
        name: name.to_string(),
        estimate: theta,
        std_error: se,
        z,
        p_value,
        ci_lower: se_u.map(|s| c.to_natural(u - zcrit * s)),
        ci_upper: se_u.map(|s| c.to_natural(u + zcrit * s)),
        constraint: c,
        fixed: false,
    }
}
