//! Ordinary least squares in closed form: `β̂ = argmin ‖y − Xβ‖²`, solved by Householder QR
//! (`X = QR`, `Rβ̂ = Qᵀy`), never by inverting `XᵀX` (which squares the condition number).
//!
//! The QR is taken by blocks of rows, reading `X` once in place ([`crate::data::rank`]), and the
//! same factor decides the rank: aliased columns are named, with the combination they equal.

use nalgebra::DMatrix;

use super::ols_robust::ols_sandwich;
use crate::data::Design;
use crate::data::rank::{aliased_from_r, blocked_qr};
use crate::error::{MleError, Result};
use crate::inference::{t_quantile, t_two_sided_p};
use crate::optim::CovType;

/// One coefficient of an OLS fit, with t-based inference.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OlsParam {
    /// Column name.
    pub name: String,
    /// `β̂ⱼ`.
    pub estimate: f64,
    /// `√(s² [(XᵀX)⁻¹]ⱼⱼ)`.
    pub std_error: f64,
    /// `β̂ⱼ / se`.
    pub t: f64,
    /// Two-sided p-value from Student's t with `n − p` degrees of freedom.
    pub p_value: f64,
    /// Lower end of the t interval.
    pub ci_lower: f64,
    /// Upper end of the t interval.
    pub ci_upper: f64,
}

/// A closed-form least-squares fit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OlsResult {
    /// Always "ols".
    pub model: String,
    /// Number of observations.
    pub n_obs: usize,
    /// Rows of the data left out for a missing value in a column the model uses.
    #[serde(default)]
    pub n_dropped: usize,
    /// Coefficients with inference.
    pub params: Vec<OlsParam>,
    /// Residual sum of squares.
    pub rss: f64,
    /// `s² = RSS / (n − p)`, the unbiased error variance.
    pub sigma2: f64,
    /// `n − p`.
    pub df_resid: f64,
    /// `1 − RSS/TSS` (TSS centred when there is an intercept).
    pub r_squared: f64,
    /// `1 − (1 − R²)(n − c)/(n − p)`, `c` = 1 with an intercept, else 0.
    pub adj_r_squared: f64,
    /// The Gaussian log-likelihood at `β̂` and `σ̂² = RSS/n`.
    pub log_likelihood: f64,
    /// Confidence level of the intervals.
    pub level: f64,
    /// The covariance, rows: `s² (XᵀX)⁻¹`, or the robust one of `cov_type`.
    pub covariance: Vec<Vec<f64>>,
    /// `nonrobust`, `HC0`–`HC3`, `cluster` (CR1) or `cluster-CR0`.
    #[serde(default = "nonrobust")]
    pub cov_type: String,
    /// The number of clusters of a cluster-robust covariance.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub n_clusters: Option<usize>,
    /// The number of clusters of each way of a multiway clustering.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub n_clusters_each: Vec<usize>,
    /// Columns dropped before the fit as linear combinations of earlier ones
    /// ([`crate::data::ModelFrame::without_aliased`]).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub aliased: Vec<crate::data::Alias>,
}

fn nonrobust() -> String {
    "nonrobust".to_string()
}

impl OlsResult {
    /// The estimates in order.
    pub fn estimates(&self) -> Vec<f64> {
        self.params.iter().map(|p| p.estimate).collect()
    }
}

/// Fits `y = Xβ + ε` by least squares.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::closed_form::ols;
/// let x = Design::from_columns(&["x"], &[vec![0.0, 1.0, 2.0, 3.0]], true).unwrap();
/// let fit = ols(&x, &[1.0, 2.9, 5.1, 7.0], 0.95).unwrap();
/// // by hand: slope = Sxy/Sxx = 10.1/5 = 2.02, intercept = ȳ − slope·x̄ = 4 − 2.02·1.5 = 0.97
/// assert!((fit.params[1].estimate - 2.02).abs() < 1e-12);
/// assert!((fit.params[0].estimate - 0.97).abs() < 1e-12);
/// ```
///
/// # Errors
/// [`MleError::Design`] when there are no residual degrees of freedom or the lengths differ;
/// [`MleError::Collinear`] naming every column that is a combination of earlier ones;
/// [`MleError::Numerical`] when the arithmetic overflows (data near the limits of `f64`).
pub fn ols(design: &Design, y: &[f64], level: f64) -> Result<OlsResult> {
    ols_robust(design, y, level, CovType::Model, &[])
}

/// As [`ols`], with the covariance `cov_type` (HC0–HC3, [`super::ols_robust`]) and, for HC0 or
/// HC1, cluster labels (one per row, for each way of clustering: two for two-way): the standard
/// errors, t, p and intervals follow it.
///
/// # Errors
/// As [`ols`]; [`MleError::InvalidOption`] for a robust covariance that cannot be formed.
pub fn ols_robust(
    design: &Design,
    y: &[f64],
    level: f64,
    cov_type: CovType,
    clusters: &[&[u64]],
) -> Result<OlsResult> {
    let (n, p) = (design.n_rows(), design.n_cols());
    if y.len() != n {
        return Err(MleError::Design(format!(
            "{} responses for {n} rows",
            y.len()
        )));
    }
    if n <= p {
        return Err(MleError::Design(format!(
            "{n} rows for {p} coefficients: OLS needs more rows than coefficients"
        )));
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(MleError::InvalidOption(format!(
            "level must lie in (0, 1), got {level}"
        )));
    }
    let (r, qty, norms) = blocked_qr(design.values(), Some(y), p);
    if !norms
        .iter()
        .chain(r.iter())
        .chain(qty.iter())
        .all(|v| v.is_finite())
    {
        return Err(overflow(design.values(), y));
    }
    let aliased = aliased_from_r(&r, &norms, design.names());
    if !aliased.is_empty() {
        return Err(MleError::Collinear { aliased });
    }
    let beta = r
        .solve_upper_triangular(&qty)
        .ok_or_else(|| MleError::Design("the triangular factor is singular".into()))?;
    // residuals straight from the data: accurate even when RSS ≪ ‖y‖²
    let fitted = design.linear_predictor(beta.as_slice());
    let rss: f64 = y.iter().zip(&fitted).map(|(y, f)| (y - f).powi(2)).sum();
    let df = (n - p) as f64;
    let s2 = rss / df;
    let r_inv = r
        .solve_upper_triangular(&DMatrix::identity(p, p))
        .ok_or_else(|| MleError::Design("the triangular factor is singular".into()))?;
    let xtx_inv = &r_inv * r_inv.transpose();
    let cov_type = if !clusters.is_empty() {
        cov_type.with_clusters()
    } else {
        cov_type
    };
    let (cov, n_clusters) = if cov_type == CovType::Model {
        (&xtx_inv * s2, Vec::new())
    } else {
        let residuals: Vec<f64> = y.iter().zip(&fitted).map(|(y, f)| y - f).collect();
        ols_sandwich(design, &residuals, &xtx_inv, cov_type, clusters)?
    };
    let cov_name = cov_type.name(!clusters.is_empty());
    if !(rss.is_finite() && beta.iter().chain(cov.iter()).all(|v| v.is_finite())) {
        return Err(overflow(design.values(), y));
    }
    let tcrit = t_quantile(0.5 + level / 2.0, df);
    let params = (0..p)
        .map(|j| {
            let se = cov[(j, j)].sqrt();
            let t = beta[j] / se;
            OlsParam {
                name: design.names()[j].clone(),
                estimate: beta[j],
                std_error: se,
                t,
                p_value: t_two_sided_p(t, df),
                ci_lower: beta[j] - tcrit * se,
                ci_upper: beta[j] + tcrit * se,
            }
        })
        .collect();
    let intercept = design.has_intercept();
    let tss = if intercept {
        let mean = y.iter().sum::<f64>() / n as f64;
        y.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
    } else {
        y.iter().map(|v| v * v).sum::<f64>()
    };
    let r2 = 1.0 - rss / tss;
    let c = if intercept { 1.0 } else { 0.0 };
    let nf = n as f64;
    Ok(OlsResult {
        model: "ols".into(),
        n_obs: n,
        n_dropped: 0,
        params,
        rss,
        sigma2: s2,
        df_resid: df,
        r_squared: r2,
        adj_r_squared: 1.0 - (1.0 - r2) * (nf - c) / df,
        log_likelihood: -nf / 2.0 * ((2.0 * std::f64::consts::PI * rss / nf).ln() + 1.0),
        level,
        covariance: cov
            .row_iter()
            .map(|r| r.iter().copied().collect())
            .collect(),
        cov_type: cov_name.to_string(),
        n_clusters: n_clusters.iter().min().copied(),
        n_clusters_each: if n_clusters.len() > 1 {
            n_clusters.clone()
        } else {
            Vec::new()
        },
        aliased: Vec::new(),
    })
}

/// The error for least squares whose arithmetic overflowed: data too close to the limits of
/// double precision (squares of values beyond ~1e154 overflow).
fn overflow(x: &[f64], y: &[f64]) -> MleError {
    let largest = x.iter().chain(y).fold(0.0_f64, |m, v| m.max(v.abs()));
    MleError::Numerical(format!(
        "least squares overflowed double precision (the largest |value| in the data is \
         {largest:e}; sums of squares overflow beyond about 1e154): rescale the columns, for \
         example to other units"
    ))
}
