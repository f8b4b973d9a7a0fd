//! Linear regression as an instance of maximum likelihood: the closed-form OLS solution beside
//! the iterative Gaussian MLE on the same data.
//!
//! Both give the same `β̂` (least squares maximizes the Gaussian likelihood in `β` for any `σ`).
//! They differ in the error variance: the MLE is `σ̂² = RSS/n`, OLS reports the unbiased
//! `s² = RSS/(n − p)`; so the standard errors of `β̂` differ by exactly `√(n/(n − p))`
//! (`σ̂²(XᵀX)⁻¹` against `s²(XᵀX)⁻¹`) and the MLE's tests use z where OLS uses t.

use std::time::Instant;

use super::ols::{OlsResult, ols};
use crate::data::Design;
use crate::error::Result;
use crate::fit::build_and_fit;
use crate::inference::FitResult;
use crate::model::Gaussian;
use crate::optim::FitOptions;

/// OLS and Gaussian MLE side by side.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OlsMleComparison {
    /// The closed form.
    pub ols: OlsResult,
    /// The iterative fit.
    pub mle: FitResult,
    /// `maxⱼ |β̂ⱼ(MLE) − β̂ⱼ(OLS)| / max(|β̂ⱼ(OLS)|, 1)`.
    pub max_rel_beta_diff: f64,
    /// `σ̂ = √(RSS/n)` from the MLE.
    pub sigma_mle: f64,
    /// `s = √(RSS/(n − p))` from OLS.
    pub sigma_ols: f64,
    /// `√(n/(n − p))`, the expected ratio of OLS to MLE standard errors.
    pub expected_se_ratio: f64,
    /// The observed ratios `se(OLS) / se(MLE)`, per coefficient.
    pub se_ratios: Vec<f64>,
    /// Wall time of the closed form, seconds.
    pub ols_time_s: f64,
}

/// Fits `y = Xβ + ε` both ways.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::closed_form::compare_ols_mle;
/// use mle::FitOptions;
/// let x = Design::from_columns(&["x"], &[vec![0.0, 1.0, 2.0, 3.0, 4.0]], true).unwrap();
/// let c = compare_ols_mle(&x, &[1.1, 2.9, 5.2, 6.8, 9.1], &FitOptions::default()).unwrap();
/// assert!(c.max_rel_beta_diff < 1e-8);
/// assert!((c.se_ratios[1] - c.expected_se_ratio).abs() < 1e-6);
/// ```
///
/// # Errors
/// As [`ols`] and [`crate::fit`].
pub fn compare_ols_mle(
    design: &Design,
    y: &[f64],
    options: &FitOptions,
) -> Result<OlsMleComparison> {
    let clock = Instant::now();
    let closed = ols(design, y, options.get_level())?;
    let ols_time_s = clock.elapsed().as_secs_f64();
    let mle = build_and_fit(|| Gaussian::new(design, y).map(Box::new), options, &mut ())?;
    let p = design.n_cols();
    let n = design.n_rows() as f64;
    let max_rel_beta_diff = closed
        .params
        .iter()
        .zip(&mle.params)
        .map(|(o, m)| (m.estimate - o.estimate).abs() / o.estimate.abs().max(1.0))
        .fold(0.0, f64::max);
    let se_ratios = closed
        .params
        .iter()
        .zip(&mle.params)
        .map(|(o, m)| m.std_error.map_or(f64::NAN, |s| o.std_error / s))
        .collect();
    Ok(OlsMleComparison {
        sigma_mle: mle.params[p].estimate,
        sigma_ols: closed.sigma2.sqrt(),
        expected_se_ratio: (n / (n - p as f64)).sqrt(),
        ols: closed,
        mle,
        max_rel_beta_diff,
        se_ratios,
        ols_time_s,
    })
}
