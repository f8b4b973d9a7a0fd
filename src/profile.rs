//! Profile-likelihood confidence intervals: for a parameter `θⱼ`, the values where the signed
//! root of the likelihood-ratio statistic of `θⱼ = c`,
//!
//! `r(c) = sign(c − θ̂ⱼ) √(2(ℓ(θ̂) − ℓₚ(c)))`, `ℓₚ(c) = max { ℓ(θ) : θⱼ = c }`,
//!
//! equals `±z` (`z` the normal quantile of the level, `z² = χ²₁` quantile). Each `ℓₚ(c)` is a
//! refit with `θⱼ` held at `c` ([`crate::FitOptions::fix`]), started from the estimates of the
//! last refit. The endpoints are solved by root finding on the unconstrained scale of `θⱼ`
//! (`ln σ` for `σ > 0`, so an interval respects the constraint): a bracket from the Wald
//! interval, extended by secant steps until `r` passes `±z`, then the Illinois variant of regula falsi to a
//! relative width of [`PROFILE_TOL`] (R's `MASS::confint` interpolates a spline through a grid
//! instead and is off in the fifth digit). Unlike Wald intervals they follow the shape of the
//! likelihood (asymmetric, and invariant under reparametrization).
//!
//! [`with_profile_intervals`] profiles the parameters in parallel (each its own sequence of
//! refits). A profile that reaches a higher likelihood than the fit means the fit was not at the
//! maximum; that is reported as an error rather than hidden (a known trap of R's `bbmle`). Where
//! the profile never falls by `z²/2` (a boundary, or a flat likelihood) the endpoint is `None`.

use crate::error::{MleError, Result};
use crate::inference::{FitResult, normal_quantile};
use crate::model::Model;
use crate::optim::FitOptions;

/// Relative width (on the unconstrained scale, at least 1e-8 absolute) to which endpoints are
/// solved.
pub const PROFILE_TOL: f64 = 1e-10;
/// Secant steps outward (each at most four times the reach so far) before an endpoint is
/// declared absent.
const MAX_WIDENINGS: usize = 40;
/// Root-finding iterations at most.
const MAX_ROOT_STEPS: usize = 100;

/// A profile-likelihood interval of one parameter on its natural scale; an end is `None` where
/// the profile does not fall far enough on that side.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProfileInterval {
    /// Lower end.
    pub lower: Option<f64>,
    /// Upper end.
    pub upper: Option<f64>,
    /// Constrained refits spent.
    pub refits: usize,
}

/// The profile-likelihood interval of the parameter `name` of `model` at the confidence level
/// of `fit`, which must be the converged fit of `model` with `options`.
///
/// # Errors
/// [`MleError::InvalidOption`] for an unknown or fixed parameter, a fit that did not converge
/// or has no standard error for it; [`MleError::Numerical`] when a refit finds a higher
/// likelihood than the fit; the errors of the refits.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::{Gaussian, Glm, Link, Response};
/// use mle::profile::profile_interval;
/// use mle::{FitOptions, fit};
/// // y = a + bx + ε: the profile of the slope has the closed form
/// // b̂ ± √((e^{z²/n} − 1)·RSS/Sxx), since RSS(b) = RSS + (b − b̂)²·Sxx
/// let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
/// let y = [0.1, 1.3, 1.8, 3.4, 3.9, 5.2];
/// let design = Design::from_columns(&["x"], &[x.to_vec()], true)?;
/// let model = Glm::new(Gaussian, Link::Identity, &design, Response::new(&y))?;
/// let options = FitOptions::default();
/// let result = fit(&model, &options)?;
/// let interval = profile_interval(&model, &result, &options, "x")?;
/// let (n, mx) = (6.0, 2.5);
/// let sxx: f64 = x.iter().map(|v| (v - mx) * (v - mx)).sum();
/// let b = result.params[1].estimate;
/// let rss: f64 = x.iter().zip(&y).map(|(x, y)| {
///     let r = y - result.params[0].estimate - b * x;
///     r * r
/// }).sum();
/// let z = mle::inference::normal_quantile(0.975);
/// let half = ((z * z / n).exp_m1() * rss / sxx).sqrt();
/// assert!((interval.lower.unwrap() - (b - half)).abs() < 1e-8);
/// assert!((interval.upper.unwrap() - (b + half)).abs() < 1e-8);
/// # Ok::<(), mle::MleError>(())
/// ```
pub fn profile_interval<M: Model + ?Sized>(
    model: &M,
    fit: &FitResult,
    options: &FitOptions,
    name: &str,
) -> Result<ProfileInterval> {
    let bad = |m: String| Err(MleError::InvalidOption(m));
    let Some(j) = fit.params.iter().position(|p| p.name == name) else {
        let names: Vec<&str> = fit.params.iter().map(|p| p.name.as_str()).collect();
        return bad(format!(
            "no parameter '{name}' to profile (parameters: {})",
            names.join(", ")
        ));
    };
    let p = &fit.params[j];
    if p.fixed {
        return bad(format!(
            "'{name}' is held fixed: there is nothing to profile"
        ));
    }
    if !fit.convergence.converged {
        return bad("profile intervals need a converged fit".into());
    }
    let c = p.constraint;
    let (Some(u_hat), Some(se)) = (c.to_unconstrained(p.estimate), p.std_error) else {
        return bad(format!(
            "'{name}' has no standard error to start its profile from"
        ));
    };
    // the standard error on the unconstrained scale, by the delta method
    let se_u = se / c.derivative(u_hat).abs();
    let z = normal_quantile(0.5 + fit.level / 2.0);
    let ll_hat = fit.log_likelihood;
    let slack = 1e-9 * ll_hat.abs().max(1.0);
    let mut start: Vec<f64>;
    let mut refits = 0;
    // r(u) − target for the side `sign`: |r| − z, negative inside the interval
    let mut gap = |u: f64, start: &mut Vec<f64>| -> Result<f64> {
        let theta_j = c.to_natural(u);
        start[j] = theta_j;
        let restricted = options
            .clone()
            .existence_known()
            .fix(name, theta_j)
            .start(start.clone());
        let r = crate::fit(model, &restricted)?;
        refits += 1;
        if r.log_likelihood > ll_hat + slack {
            return Err(MleError::Numerical(format!(
                "the profile of '{name}' at {theta_j} reaches ℓ = {} above the fit's {ll_hat}: \
                 the fit was not at the maximum; refit from there",
                r.log_likelihood
            )));
        }
        if !r.convergence.converged {
            return Err(MleError::Numerical(format!(
                "the refit with '{name}' held at {theta_j} did not converge ({})",
                r.convergence.reason.describe()
            )));
        }
        *start = r.estimates();
        Ok((2.0 * (ll_hat - r.log_likelihood)).max(0.0).sqrt() - z)
    };
    let mut ends = [None, None];
    for (side, sign) in [(0, -1.0), (1, 1.0)] {
        // from the Wald end, steps predicted by the secant of |r| − z (nearly linear in u),
        // pushed 2% past the predicted root so that the bracket's outer end is close to it
        let mut inner = (u_hat, -z);
        let mut u = u_hat + sign * z * se_u;
        let mut outer = None;
        start = fit.estimates();
        for _ in 0..MAX_WIDENINGS {
            let g = gap(u, &mut start)?;
            if g >= 0.0 {
                outer = Some((u, g));
                break;
            }
            let slope = (g - inner.1) / (u - inner.0);
            let reach = (u - u_hat).abs();
            let predicted = if slope * sign > 0.0 {
                (u - 1.02 * g / slope - u_hat).abs()
            } else {
                2.0 * reach
            };
            inner = (u, g);
            u = u_hat + sign * predicted.clamp(1.05 * reach, 4.0 * reach);
        }
        let Some(outer) = outer else { continue };
        ends[side] = Some(c.to_natural(illinois(inner, outer, &mut |u| gap(u, &mut start))?));
    }
    Ok(ProfileInterval {
        lower: ends[0],
        upper: ends[1],
        refits,
    })
}

/// The root of `f` between `a = (x, f(x)) < 0` and `b = (x, f(x)) ≥ 0` by the Illinois method.
fn illinois(a: (f64, f64), b: (f64, f64), f: &mut dyn FnMut(f64) -> Result<f64>) -> Result<f64> {
    let ((mut xa, mut fa), (mut xb, mut fb)) = (a, b);
    let mut last_side = 0;
    for _ in 0..MAX_ROOT_STEPS {
        let width = (xb - xa).abs();
        if width <= PROFILE_TOL * xa.abs().max(xb.abs()).max(1e-8 / PROFILE_TOL) || fb == 0.0 {
            break;
        }
        let slope = (fb - fa) / (xb - xa);
        let x = xb - fb / slope;
        let fx = f(x)?;
        // the secant's next step from x would be below the tolerance: x is the root to it
        let tol = PROFILE_TOL * x.abs().max(1e-8 / PROFILE_TOL);
        if fx == 0.0 || (fx / slope).abs() <= tol {
            return Ok(x);
        }
        if (fx < 0.0) == (fa < 0.0) {
            (xa, fa) = (x, fx);
            if last_side == -1 {
                fb /= 2.0;
            }
            last_side = -1;
        } else {
            (xb, fb) = (x, fx);
            if last_side == 1 {
                fa /= 2.0;
            }
            last_side = 1;
        }
    }
    Ok(if fa.abs() < fb.abs() { xa } else { xb })
}

/// `fit` with the profile-likelihood interval of every estimated parameter in place of its
/// Wald interval (`ci_method` becomes `profile`); a parameter without a standard error keeps
/// none, an end the profile does not reach is left empty.
///
/// # Errors
/// As [`profile_interval`].
pub fn with_profile_intervals<M: Model + ?Sized>(
    model: &M,
    mut fit: FitResult,
    options: &FitOptions,
) -> Result<FitResult> {
    use rayon::prelude::*;
    // the parameters are profiled in parallel: each profile is its own sequence of refits
    let wanted: Vec<usize> = (0..fit.params.len())
        .filter(|&j| !fit.params[j].fixed && fit.params[j].std_error.is_some())
        .collect();
    let intervals: Vec<ProfileInterval> = wanted
        .par_iter()
        .map(|&j| profile_interval(model, &fit, options, &fit.params[j].name))
        .collect::<Result<_>>()?;
    let mut refits = 0;
    for (&j, interval) in wanted.iter().zip(&intervals) {
        refits += interval.refits;
        fit.params[j].ci_lower = interval.lower;
        fit.params[j].ci_upper = interval.upper;
    }
    fit.ci_method = "profile".into();
    fit.profile_refits = Some(refits);
    Ok(fit)
}

/// The signed root `r` of the likelihood-ratio statistic along the profile of `name`, at
/// `points` values on each side of the estimate, evenly spaced on the unconstrained scale out to
/// `z + 1` of its standard errors: `(δ, r(δ))` with `δ = (u − û)/se(û)`, where Wald's
/// approximation is the line `r = δ` (Bates & Watts' profile-t plot). Each point is a refit,
/// warm-started from the one before; a point whose refit fails ends that side.
///
/// # Errors
/// As [`profile_interval`] for the parameter and the fit.
pub fn profile_curve<M: Model + ?Sized>(
    model: &M,
    fit: &FitResult,
    options: &FitOptions,
    name: &str,
    points: usize,
) -> Result<Vec<(f64, f64)>> {
    let Some(j) = fit.params.iter().position(|p| p.name == name) else {
        return Err(MleError::InvalidOption(format!(
            "no parameter '{name}' to profile"
        )));
    };
    let p = &fit.params[j];
    let c = p.constraint;
    let (Some(u_hat), Some(se), false, true) = (
        c.to_unconstrained(p.estimate),
        p.std_error,
        p.fixed,
        fit.convergence.converged,
    ) else {
        return Err(MleError::InvalidOption(format!(
            "'{name}' has no converged estimate with a standard error to profile"
        )));
    };
    let se_u = se / c.derivative(u_hat).abs();
    let reach = normal_quantile(0.5 + fit.level / 2.0) + 1.0;
    let mut curve = vec![(0.0, 0.0)];
    for sign in [-1.0, 1.0] {
        let mut start = fit.estimates();
        for k in 1..=points {
            let delta = sign * reach * k as f64 / points as f64;
            let theta_j = c.to_natural(u_hat + delta * se_u);
            start[j] = theta_j;
            let restricted = options
                .clone()
                .existence_known()
                .fix(name, theta_j)
                .start(start.clone());
            let Ok(r) = crate::fit(model, &restricted) else {
                break;
            };
            if !r.convergence.converged {
                break;
            }
            let root = (2.0 * (fit.log_likelihood - r.log_likelihood))
                .max(0.0)
                .sqrt();
            curve.push((delta, sign * root));
            start = r.estimates();
        }
    }
    curve.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(curve)
}

/// Points per side of [`profile_chart_of`]'s curves.
const CURVE_POINTS: usize = 8;

/// The profile-t picture ([`crate::plot::profile_chart`]) of every estimated parameter of
/// `fit`, profiled in parallel.
///
/// # Errors
/// As [`profile_curve`].
pub fn profile_chart_of<M: Model + ?Sized>(
    model: &M,
    fit: &FitResult,
    options: &FitOptions,
) -> Result<crate::plot::Chart> {
    use rayon::prelude::*;
    let names: Vec<&str> = fit
        .params
        .iter()
        .filter(|p| !p.fixed && p.std_error.is_some())
        .map(|p| p.name.as_str())
        .collect();
    let curves = names
        .par_iter()
        .map(|&n| {
            Ok((
                n.to_string(),
                profile_curve(model, fit, options, n, CURVE_POINTS)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let z = normal_quantile(0.5 + fit.level / 2.0);
    let title = format!("{}: profile likelihood against Wald", fit.model);
    Ok(crate::plot::profile_chart(title, &curves, z))
}
