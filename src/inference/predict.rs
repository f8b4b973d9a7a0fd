//! Predictions of a fitted model of independent rows with delta-method standard errors: each
//! quantity the model declares ([`Likelihood::predict_obs`]: a mean, a probability, any function
//! of `θ` and a row), at the estimate, with `se(ĝᵢ) = √(∇gᵢᵀ Σ ∇gᵢ)` from the rows' exact
//! gradients in `θ` (forward-mode jets) and the fit's covariance `Σ`, and Wald intervals
//! `ĝᵢ ± z·se`.
//!
//! The model may hold other rows than the fit did (new data): the fit supplies `θ̂` and `Σ`,
//! the model the rows, so a saved fit ([`crate::persist::load_fit`]) predicts on data it never
//! saw.

use super::results::FitResult;
use crate::dist::normal_quantile;
use crate::error::{MleError, Result};
use crate::model::{Likelihood, Model, predict_rows};

/// One predicted quantity for every row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prediction {
    /// What it is (the model's name for it).
    pub name: String,
    /// The predictions, one per row.
    pub values: Vec<f64>,
    /// Their delta-method standard errors, where the fit has a covariance.
    pub std_errors: Option<Vec<f64>>,
    /// Lower ends of the Wald intervals at the fit's level.
    pub ci_lower: Option<Vec<f64>>,
    /// Upper ends.
    pub ci_upper: Option<Vec<f64>>,
}

/// What `model` predicts for its rows at the estimate of `fit`, with delta-method standard
/// errors and intervals.
///
/// # Errors
/// [`MleError::InvalidOption`] when the fit's parameters are not the model's (by name and
/// order), or the model declares nothing to predict.
pub fn predict<L: Likelihood>(model: &L, fit: &FitResult) -> Result<Vec<Prediction>> {
    let names: Vec<String> = Model::params(model).into_iter().map(|p| p.name).collect();
    let fitted: Vec<&str> = fit.params.iter().map(|p| p.name.as_str()).collect();
    if names.iter().map(String::as_str).ne(fitted.iter().copied()) {
        return Err(MleError::InvalidOption(format!(
            "the fit's parameters [{}] are not the model's [{}]",
            fitted.join(", "),
            names.join(", ")
        )));
    }
    let theta = fit.estimates();
    let quantities = predict_rows(model, &theta);
    if quantities.is_empty() {
        return Err(MleError::InvalidOption(format!(
            "model '{}' declares nothing to predict (Likelihood::predict_obs)",
            Likelihood::name(model)
        )));
    }
    let cov = fit.cov_params();
    let z = normal_quantile(0.5 + fit.level / 2.0);
    let k = theta.len();
    Ok(quantities
        .into_iter()
        .map(|q| {
            let se: Option<Vec<f64>> = cov.as_ref().map(|c| {
                q.gradients
                    .chunks_exact(k)
                    .map(|g| {
                        let v = nalgebra::DVector::from_column_slice(g);
                        (v.transpose() * c * &v)[(0, 0)].max(0.0).sqrt()
                    })
                    .collect()
            });
            let bound = |sign: f64| {
                se.as_ref().map(|se| {
                    q.values
                        .iter()
                        .zip(se)
                        .map(|(v, s)| v + sign * z * s)
                        .collect()
                })
            };
            Prediction {
                ci_lower: bound(-1.0),
                ci_upper: bound(1.0),
                name: q.name,
                values: q.values,
                std_errors: se,
            }
        })
        .collect())
}

/// Predictions of a generalized linear model with intervals: for each row the linear predictor
/// `ηᵢ = oᵢ + xᵢβ̂` with `se(ηᵢ) = √(xᵢᵀ V xᵢ)` (`V` the coefficients' block of the fit's chosen
/// covariance) and its Wald interval, and the mean `μᵢ = g⁻¹(ηᵢ)` with the delta-method
/// `se(μᵢ) = |dμ/dη| se(ηᵢ)` and the interval `g⁻¹` of the ends of `η`'s (inside the mean's
/// range, as R's `predict.glm` users build it; asymmetric where the link bends).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinearPrediction {
    /// `ηᵢ`.
    pub eta: Vec<f64>,
    /// `se(ηᵢ)`.
    pub eta_se: Vec<f64>,
    /// `ηᵢ ∓ z se(ηᵢ)`.
    pub eta_lower: Vec<f64>,
    /// Upper ends.
    pub eta_upper: Vec<f64>,
    /// `μᵢ`.
    pub mean: Vec<f64>,
    /// `se(μᵢ)`.
    pub mean_se: Vec<f64>,
    /// `g⁻¹` of the lower end of `η`'s interval (the smaller end for a decreasing link).
    pub mean_lower: Vec<f64>,
    /// `g⁻¹` of the upper end.
    pub mean_upper: Vec<f64>,
}

impl LinearPrediction {
    /// The binomial proportion `p̂` of `estimate` (an intercept-only fit on the probability
    /// scale) for `n` rows: its estimate, standard error and interval, and on the logit scale
    /// `logit p̂` with the delta-method `se/(p̂(1 − p̂))` and the logits of the interval's ends.
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] when the estimate has no standard error or interval.
    pub fn of_proportion(estimate: &super::ParamEstimate, n: usize) -> Result<Self> {
        let p = estimate.estimate;
        let (Some(se), Some(lo), Some(hi)) =
            (estimate.std_error, estimate.ci_lower, estimate.ci_upper)
        else {
            return Err(MleError::InvalidOption(
                "intervals need the fit's standard error".into(),
            ));
        };
        let logit = |v: f64| (v / (1.0 - v)).ln();
        Ok(Self {
            eta: vec![logit(p); n],
            eta_se: vec![se / (p * (1.0 - p)); n],
            eta_lower: vec![logit(lo); n],
            eta_upper: vec![logit(hi); n],
            mean: vec![p; n],
            mean_se: vec![se; n],
            mean_lower: vec![lo; n],
            mean_upper: vec![hi; n],
        })
    }
}

/// [`LinearPrediction`] for the rows of `design` (with `offset`) under `link`, from `fit`'s
/// coefficients (its first `design.n_cols()` parameters) and covariance, at the fit's level.
///
/// # Errors
/// [`MleError::InvalidOption`] when the fit has no covariance (not converged, not identified)
/// or fewer parameters than the design has columns.
pub fn predict_linear(
    fit: &FitResult,
    design: &crate::data::Design,
    link: crate::model::Link,
    offset: Option<&[f64]>,
) -> Result<LinearPrediction> {
    let p = design.n_cols();
    let cov = fit.cov_params().ok_or_else(|| {
        MleError::InvalidOption(
            "intervals need the fit's covariance (it did not converge, or is not identified)"
                .into(),
        )
    })?;
    if fit.params.len() < p {
        return Err(MleError::InvalidOption(format!(
            "the fit has {} parameters for {p} columns",
            fit.params.len()
        )));
    }
    let beta: Vec<f64> = fit.estimates()[..p].to_vec();
    let v = cov.view((0, 0), (p, p)).into_owned();
    let z = normal_quantile(0.5 + fit.level / 2.0);
    let n = design.n_rows();
    let mut out = LinearPrediction {
        eta: Vec::with_capacity(n),
        eta_se: Vec::with_capacity(n),
        eta_lower: Vec::with_capacity(n),
        eta_upper: Vec::with_capacity(n),
        mean: Vec::with_capacity(n),
        mean_se: Vec::with_capacity(n),
        mean_lower: Vec::with_capacity(n),
        mean_upper: Vec::with_capacity(n),
    };
    for i in 0..n {
        let x = design.row(i);
        let eta = offset.map_or(0.0, |o| o[i]) + crate::linalg::dot(x, &beta);
        let quadratic: f64 = (0..p)
            .map(|a| x[a] * (0..p).map(|b| v[(a, b)] * x[b]).sum::<f64>())
            .sum();
        let se = quadratic.max(0.0).sqrt();
        let (lo, hi) = (eta - z * se, eta + z * se);
        let mean = link.mean(eta);
        let (m_lo, m_hi) = (link.mean(lo).mu, link.mean(hi).mu);
        out.eta.push(eta);
        out.eta_se.push(se);
        out.eta_lower.push(lo);
        out.eta_upper.push(hi);
        out.mean.push(mean.mu);
        out.mean_se.push(mean.d1.abs() * se);
        out.mean_lower.push(m_lo.min(m_hi));
        out.mean_upper.push(m_lo.max(m_hi));
    }
    Ok(out)
}
