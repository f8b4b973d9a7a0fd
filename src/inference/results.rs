//! The results of a fit: plain, serializable data. The fitted model is a separate type from the
//! model (statsmodels' split), and nothing here refers back to the data.

use nalgebra::DMatrix;

use super::boundary::Boundary;
use super::covariance::NotIdentified;
use super::{GradientMethod, HessianMethod};
use crate::error::{MleError, Result};
use crate::model::{Constraint, Separation};
use crate::optim::Convergence;

/// One parameter's estimate and inference.
///
/// `z` and `p_value` test `θ = 0` and are given for unconstrained parameters only (for `σ > 0`
/// or `p ∈ (0, 1)` that hypothesis is on or outside the boundary). Intervals of constrained
/// parameters are Wald intervals on the unconstrained scale mapped back, so they respect the
/// constraint.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParamEstimate {
    /// Name (`intercept`, a column name, `sigma`, `p`, ...).
    pub name: String,
    /// Estimate on the natural scale.
    pub estimate: f64,
    /// Standard error (delta method for constrained parameters).
    pub std_error: Option<f64>,
    /// `estimate / std_error`.
    pub z: Option<f64>,
    /// Two-sided p-value of `z`.
    pub p_value: Option<f64>,
    /// Lower end of the confidence interval.
    pub ci_lower: Option<f64>,
    /// Upper end of the confidence interval.
    pub ci_upper: Option<f64>,
    /// The parameter's constraint.
    pub constraint: Constraint,
    /// Held at its value, not estimated ([`crate::FitOptions::fix`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fixed: bool,
}

/// Everything a fit found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FitResult {
    /// The model's name.
    pub model: String,
    /// The link of a generalized linear model (`logit`, `log`, …).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub link: Option<String>,
    /// Number of observations (rows used).
    pub n_obs: usize,
    /// Rows of the data left out for a missing value in a column the model uses.
    #[serde(default)]
    pub n_dropped: usize,
    /// The bytes of the design's spill file when it was fitted out of core (too large for the
    /// memory budget), else absent.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub spill_bytes: Option<u64>,
    /// How the optimizer ended (flattened into the JSON object).
    #[serde(flatten)]
    pub convergence: Convergence,
    /// Per-parameter estimates and inference.
    pub params: Vec<ParamEstimate>,
    /// The (unpenalized) log-likelihood at the estimate.
    pub log_likelihood: f64,
    /// `−2ℓ + 2k`.
    pub aic: f64,
    /// `−2ℓ + k ln n`.
    pub bic: f64,
    /// The null (intercept-only) log-likelihood, where the model has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub log_likelihood_null: Option<f64>,
    /// Likelihood-ratio statistic against the null model, `2(ℓ − ℓ₀)`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub llr: Option<f64>,
    /// Its degrees of freedom.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub llr_df: Option<f64>,
    /// Its chi-squared p-value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub llr_p_value: Option<f64>,
    /// McFadden's pseudo-R², `1 − ℓ/ℓ₀`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pseudo_r2: Option<f64>,
    /// Confidence level of the intervals.
    pub level: f64,
    /// How the gradients were obtained.
    pub gradient_method: GradientMethod,
    /// How the Hessian was obtained.
    pub hessian_method: HessianMethod,
    /// The L2 penalty `λ` on the slopes, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub l2_penalty: Option<f64>,
    /// Covariance of the estimates on the natural scale (row-major rows), when identified.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub covariance: Option<Vec<Vec<f64>>>,
    /// How the covariance was computed: `nonrobust` (the inverse observed information),
    /// `HC0`, `HC1`, `cluster` (CR1) or `cluster-CR0` ([`crate::optim::CovType`]); standard
    /// errors, z, p and intervals follow it.
    #[serde(default = "nonrobust")]
    pub cov_type: String,
    /// How the intervals were computed: `wald` (from the covariance) or `profile` (the
    /// profile likelihood, [`crate::profile`]).
    #[serde(default = "wald_method")]
    pub ci_method: String,
    /// Constrained refits the profile intervals took.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub profile_refits: Option<usize>,
    /// The number of clusters of a cluster-robust covariance (the smallest, for two-way
    /// clustering).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub n_clusters: Option<usize>,
    /// The number of clusters of each way of a multiway clustering.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub n_clusters_each: Vec<usize>,
    /// The direction the data do not identify, when the information is singular.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub not_identified: Option<NotIdentified>,
    /// The penalty of a penalized likelihood ([`crate::model::Model::penalized`]: Firth's), whose
    /// value `log_likelihood` then is (and likelihood-ratio tests and profile intervals use).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub penalty: Option<String>,
    /// Columns of the design dropped before the fit as linear combinations of earlier ones
    /// ([`crate::data::ModelFrame::without_aliased`]); their coefficients are not estimable.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub aliased: Vec<crate::data::Alias>,
    /// Separation of binary data, when found: then the MLE does not exist.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub separation: Option<Separation>,
    /// The parameter whose maximum is on the boundary of its range, when one is.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub boundary: Option<Boundary>,
    /// Everything a user should know about this fit, in words.
    pub warnings: Vec<String>,
}

fn wald_method() -> String {
    "wald".to_string()
}

fn nonrobust() -> String {
    "nonrobust".to_string()
}

impl FitResult {
    /// How many parameters were estimated (not held fixed): what AIC, BIC and likelihood-ratio
    /// tests count.
    pub fn n_estimated(&self) -> usize {
        self.params.iter().filter(|p| !p.fixed).count()
    }

    /// The estimates, in order (statsmodels' `params`; fixed parameters at their values).
    pub fn estimates(&self) -> Vec<f64> {
        self.params.iter().map(|p| p.estimate).collect()
    }

    /// The standard errors (statsmodels' `bse`), `None` when not identified or when a parameter
    /// is held fixed ([`FitResult::bse_estimated`] then).
    pub fn bse(&self) -> Option<Vec<f64>> {
        self.params.iter().map(|p| p.std_error).collect()
    }

    /// The standard errors of the estimated parameters alone (fixed ones left out).
    pub fn bse_estimated(&self) -> Option<Vec<f64>> {
        self.params
            .iter()
            .filter(|p| !p.fixed)
            .map(|p| p.std_error)
            .collect()
    }

    /// The confidence intervals `(lower, upper)` at [`FitResult::level`] (statsmodels'
    /// `conf_int`).
    pub fn conf_int(&self) -> Option<Vec<(f64, f64)>> {
        self.params
            .iter()
            .map(|p| Some((p.ci_lower?, p.ci_upper?)))
            .collect()
    }

    /// The covariance matrix, when identified.
    pub fn cov_params(&self) -> Option<DMatrix<f64>> {
        let rows = self.covariance.as_ref()?;
        let p = rows.len();
        Some(DMatrix::from_fn(p, p, |i, j| rows[i][j]))
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&ParamEstimate> {
        self.params.iter().find(|p| p.name == name)
    }

    /// This result if the fit converged to a maximum that exists, else an error with the reason.
    ///
    /// # Errors
    /// [`MleError::NotConverged`].
    pub fn ensure_converged(self) -> Result<Self> {
        if self.convergence.converged {
            Ok(self)
        } else {
            let reason = match (&self.separation, &self.boundary) {
                (Some(s), _) => s.explain(),
                (None, Some(b)) => b.explain(),
                _ => self.convergence.reason.describe().to_string(),
            };
            Err(MleError::NotConverged { reason })
        }
    }

    /// The result as one JSON value: every field, and each constrained parameter (a scale
    /// `sigma`, a dispersion `alpha`, a shape, a probability `p`) also at the top level with
    /// its standard error (`sigma`, `sigma_std_error`).
    ///
    /// # Errors
    /// [`MleError::Json`] (only for non-finite numbers, which JSON cannot hold).
    pub fn to_json_value(&self) -> Result<serde_json::Value> {
        let mut v = serde_json::to_value(self)?;
        for p in self
            .params
            .iter()
            .filter(|p| p.constraint != Constraint::Free)
        {
            v[&p.name] = serde_json::json!(p.estimate);
            v[format!("{}_std_error", p.name)] = serde_json::json!(p.std_error);
        }
        Ok(v)
    }

    /// The result as one JSON object ([`FitResult::to_json_value`]).
    ///
    /// # Errors
    /// As [`FitResult::to_json_value`].
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(&self.to_json_value()?)?)
    }
}
