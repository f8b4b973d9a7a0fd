//! Where a GLM's coefficients start: one iteratively reweighted least-squares step from a mean
//! per row, as R's `glm` starts from `mustart` and statsmodels' GLM from its `_initialize`.
//!
//! From the null model's start (the intercept at the link of ȳ, the slopes 0) Newton's first
//! step finds the slopes but leaves the intercept where it was: the rows' means `e^{xβ}` then
//! overshoot `ȳ` on average (Jensen), and with the log link the intercept takes three or four
//! more iterations to come down. A start from a mean per row near the row's own response has no
//! such bias. With `μ₀ᵢ` from [`Family::mean_start`] and `η₀ᵢ = g(μ₀ᵢ)`, the row's derivatives
//! there give the working weight and response
//!
//! `wᵢ = −∂²ℓᵢ/∂η²(η₀ᵢ)`, `zᵢ = η₀ᵢ − oᵢ − (∂ℓᵢ/∂η)/(∂²ℓᵢ/∂η²)`,
//!
//! and the start is the weighted least-squares fit `β₀ = (XᵀWX)⁻¹XᵀWz`, computed by one pass of
//! the quadratic `fᵢ(η) = −wᵢ(zᵢ − η)²/2` at `β = 0` (its gradient there is `XᵀWz`, its Hessian
//! `−XᵀWX`) and a Cholesky solve in Jacobi-scaled form. For the canonical links this is the
//! Newton step of `ℓ` from the rows' `η₀`.
//!
//! With the log link and an intercept, the level of that start is then refitted with the slopes
//! held ([`Family::level_start`]: the intercept shifted so that the means match the responses'
//! level, the auxiliary parameter fitted about those means), from one pass for `Xβ₀`: a least-
//! squares fit to `ln μ₀` misses the level by `ln E y − E ln y`, and an auxiliary parameter
//! started from the marginal spread of `y` misses the spread about the means.
//!
//! Measured on `mle simulate` data (n = 10⁶, p = 10), the Newton iterations after it: Poisson
//! 4 instead of 6, logistic 3 instead of 5, Gamma 2 instead of 6 (the shape's start about the
//! means matters most there), each for one pass more. The Gaussian family proposes no start:
//! from `μ₀ = y` the step is the least-squares fit and, with `σ` refitted about it, the maximum
//! itself, which would leave its iterative fit (shown beside the closed form) nothing to do.
//!
//! No start is proposed (the null model's is used) when a row's weight is not positive and
//! finite, when `XᵀWX` is not positive definite, or when the solution is not finite.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use nalgebra::{DMatrix, DVector};

use super::evaluation::Want;
use super::family::{Aux, Family, Start};
use super::link::Link;
use super::pass::{RowTerms, pass};
use crate::data::Store;
use crate::linalg::{jacobi_scaling, linear_predictor};

/// The rows' data a start is computed from.
pub(crate) struct StartData<'a> {
    /// The row-major `n × p` design (read window by window where it is spilled).
    pub x: &'a Store,
    pub p: usize,
    pub y: &'a [f64],
    pub trials: Option<&'a [f64]>,
    pub offset: Option<&'a [f64]>,
    /// The auxiliary parameter's start (ignored by families without one).
    pub aux: f64,
    /// The intercept's column, if the design has one.
    pub intercept: Option<usize>,
}

/// Where a GLM starts, and what the start's pass proved about the design.
pub(crate) struct CoefficientStart {
    /// The coefficients' start, if [`irls_start`] gives one.
    pub beta: Option<Vec<f64>>,
    /// The family's start, with the auxiliary parameter refitted where the level was.
    pub start: Start,
    /// Whether the start's `XᵀWX` proved that the design has full column rank
    /// ([`crate::data::rank`]'s weighted test): then its rank needs no pass of its own.
    pub full_rank: bool,
}

/// The coefficients' start, if [`irls_start`] gives one, its level refitted where the link is
/// the log and the design has an intercept; and `start` with the auxiliary parameter so
/// refitted.
pub(crate) fn coefficient_start<F: Family>(
    family: &F,
    link: Link,
    data: &StartData<'_>,
    mut start: Start,
) -> CoefficientStart {
    let Some(irls) = irls_start(family, link, data) else {
        return CoefficientStart {
            beta: None,
            start,
            full_rank: false,
        };
    };
    let full_rank = irls.proves_full_rank();
    let Some((beta, aux)) = refined_start(family, link, data, irls.beta) else {
        return CoefficientStart {
            beta: None,
            start,
            full_rank,
        };
    };
    if aux.is_finite() {
        start.aux = aux;
    }
    CoefficientStart {
        beta: Some(beta),
        start,
        full_rank,
    }
}

/// The IRLS start `beta` with its level refitted: the coefficients and the auxiliary parameter
/// (NaN to keep the family's); `None` where the start leaves a row without a log-likelihood.
fn refined_start<F: Family>(
    family: &F,
    link: Link,
    data: &StartData<'_>,
    mut beta: Vec<f64>,
) -> Option<(Vec<f64>, f64)> {
    if matches!(link, Link::Logit | Link::Probit | Link::Cloglog) {
        // means in (0, 1) for every η, and no level to refit (the binomial families)
        return Some((beta, f64::NAN));
    }
    let bounded = link != Link::Log && link != Link::Identity;
    let p = data.p;
    let mut eta = data
        .x
        .windows(p, |_, xw| linear_predictor(xw, p, &beta))
        .concat();
    if let Some(o) = data.offset {
        eta.iter_mut().zip(o).for_each(|(e, o)| *e += o);
    }
    if bounded {
        // a link whose means do not cover every η (the inverse: η > 0): the start must give
        // every row a log-likelihood
        let aux = if family.aux().is_some() {
            Aux::new(data.aux)
        } else {
            Aux::none()
        };
        let trial = |i: usize| data.trials.map_or(1.0, |m| m[i]);
        let outside = eta.iter().enumerate().any(|(i, &e)| {
            let t = family.row(link, data.y[i], trial(i), e, &aux);
            !(t.value.is_finite() && t.factor.is_finite() && t.factor > 0.0)
        });
        if outside {
            return None;
        }
    }
    match family.level_start(link, data.y, &eta) {
        Some((shift, aux)) if shift.is_finite() => {
            match data.intercept {
                Some(j) => beta[j] += shift,
                None if shift != 0.0 => return Some((beta, f64::NAN)),
                None => {}
            }
            let aux = if aux.is_finite() && aux > 0.0 {
                aux
            } else {
                f64::NAN
            };
            Some((beta, aux))
        }
        _ => Some((beta, f64::NAN)),
    }
}

/// One reweighted least-squares step: its coefficients, the weighted cross-product `XᵀWX` it
/// solved with, and the range of the working weights `wᵢ`.
pub(crate) struct IrlsStart {
    pub beta: Vec<f64>,
    information: DMatrix<f64>,
    weights: (f64, f64),
}

impl IrlsStart {
    /// Whether `XᵀWX` proves that the design has full column rank
    /// (`data::rank::full_rank_by_weighted_gram`).
    pub(crate) fn proves_full_rank(&self) -> bool {
        let (low, high) = self.weights;
        crate::data::rank::full_rank_by_weighted_gram(&self.information, low, high)
    }
}

/// The coefficients of one reweighted least-squares step from the family's per-row means, or
/// `None` where there is none or it cannot be computed (see the module's documentation).
pub(crate) fn irls_start<F: Family>(
    family: &F,
    link: Link,
    data: &StartData<'_>,
) -> Option<IrlsStart> {
    let trial = |i: usize| data.trials.map_or(1.0, |m| m[i]);
    family.mean_start(*data.y.first()?, trial(0))?;
    let aux = if family.aux().is_some() {
        Aux::new(data.aux)
    } else {
        Aux::none()
    };
    // the working weight and response of row i, in the pass of the quadratic
    // fᵢ(η) = −wᵢ(zᵢ − η)²/2; a row where they are unusable marks the start as none. The
    // weights' range is kept as the bits of positive floats, which order as the floats do.
    let unusable = AtomicBool::new(false);
    let (lowest, highest) = (AtomicU64::new(u64::MAX), AtomicU64::new(0));
    let quadratic = |i: usize, eta: f64| {
        let (y, m) = (data.y[i], trial(i));
        let (w, z) = match family.mean_start(y, m) {
            Some(mu) => {
                let eta0 = link.link(mu);
                let t = family.row(link, y, m, eta0, &aux);
                (
                    -t.d2,
                    eta0 - data.offset.map_or(0.0, |o| o[i]) - t.d1 / t.d2,
                )
            }
            None => (f64::NAN, f64::NAN),
        };
        if !(w > 0.0 && w.is_finite() && z.is_finite()) {
            unusable.store(true, Ordering::Relaxed);
            return RowTerms::new(0.0, 0.0, 0.0);
        }
        // a new extreme is rare: a plain load first, the atomic update only then
        let bits = w.to_bits();
        if bits < lowest.load(Ordering::Relaxed) {
            lowest.fetch_min(bits, Ordering::Relaxed);
        }
        if bits > highest.load(Ordering::Relaxed) {
            highest.fetch_max(bits, Ordering::Relaxed);
        }
        let r = z - eta;
        RowTerms::new(-0.5 * w * r * r, w * r, -w)
    };
    let zero = vec![0.0; data.p];
    let e = data
        .x
        .windows(data.p, |start, xw| {
            let quadratic = |i: usize, eta: f64| quadratic(start + i, eta);
            pass(xw, data.p, &zero, false, Want::HESSIAN, quadratic)
        })
        .into_iter()
        .reduce(super::Evaluation::merge)?;
    if unusable.load(Ordering::Relaxed) {
        return None;
    }
    let (information, gradient) = (-e.hessian?, DVector::from_vec(e.gradient?));
    let beta = solve_scaled(&information, &gradient)?;
    let weights = (
        f64::from_bits(lowest.into_inner()),
        f64::from_bits(highest.into_inner()),
    );
    Some(IrlsStart {
        beta,
        information,
        weights,
    })
}

/// `A⁻¹b` for a symmetric positive definite `A`, by Cholesky of its Jacobi-scaled form.
fn solve_scaled(a: &DMatrix<f64>, b: &DVector<f64>) -> Option<Vec<f64>> {
    let (scaled, s) = jacobi_scaling(a);
    let chol = scaled.cholesky()?;
    let sb = DVector::from_iterator(b.len(), b.iter().zip(&s).map(|(b, s)| b * s));
    let u = chol.solve(&sb);
    let x: Vec<f64> = u.iter().zip(&s).map(|(u, s)| u * s).collect();
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::family::{Gaussian, Poisson};

    /// The rows of an intercept and one covariate (row-major `x`) with responses `y`.
    fn two_columns<'a>(x: &'a Store, y: &'a [f64]) -> StartData<'a> {
        StartData {
            x,
            p: 2,
            y,
            trials: None,
            offset: None,
            aux: 1.0,
            intercept: Some(0),
        }
    }

    /// The start is the weighted least-squares solution: for Poisson rows with `μ₀ = y + 0.1`
    /// (R's `mustart`), `w = μ₀` and `z = ln μ₀ − 0.1/μ₀`; the normal equations of that fit,
    /// formed here directly, hold at the returned start.
    #[test]
    fn poisson_start_solves_the_weighted_normal_equations() {
        let x = [1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 4.0];
        let y = [0.0, 2.0, 3.0, 5.0, 11.0];
        let store = Store::from(x.to_vec());
        let data = two_columns(&store, &y);
        let beta = irls_start(&Poisson, Link::Log, &data).unwrap().beta;
        let mut normal = [0.0; 2];
        for (i, row) in x.chunks(2).enumerate() {
            let mu = y[i] + 0.1;
            let (w, z) = (mu, mu.ln() - 0.1 / mu);
            let r = z - (row[0] * beta[0] + row[1] * beta[1]);
            normal[0] += w * r * row[0];
            normal[1] += w * r * row[1];
        }
        assert!(normal.iter().all(|v| v.abs() < 1e-12), "{normal:?}");
    }

    /// A family without per-row starts (Gaussian, whose Newton step from any start is exact
    /// in `β`) gets none.
    #[test]
    fn no_start_without_means() {
        let x = [1.0, 0.0, 1.0, 1.0, 1.0, 2.0];
        let y = [0.0, 1.5, 1.0];
        let store = Store::from(x.to_vec());
        let data = two_columns(&store, &y);
        assert!(irls_start(&Gaussian, Link::Identity, &data).is_none());
    }
}
