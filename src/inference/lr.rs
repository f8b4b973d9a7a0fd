//! Likelihood-ratio tests between nested fits.

use super::results::FitResult;
use crate::dist::chi2_sf;
use crate::error::{MleError, Result};

/// A likelihood-ratio test: `2(ℓ_full − ℓ_restricted) ~ χ²(df)` under the restricted model.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LrTest {
    /// The statistic `2(ℓ_full − ℓ_restricted)`.
    pub statistic: f64,
    /// Degrees of freedom: the difference in the number of parameters.
    pub df: f64,
    /// `P(χ²(df) > statistic)`.
    pub p_value: f64,
}

/// Tests a restricted fit against a fuller one nested in it. The caller vouches for the nesting;
/// the test checks what it can: the same data size, fewer parameters, both converged.
///
/// # Errors
/// [`MleError::InvalidOption`] when the fits cannot be compared.
pub fn lr_test(restricted: &FitResult, full: &FitResult) -> Result<LrTest> {
    let bad = |m: &str| {
        Err(MleError::InvalidOption(format!(
            "likelihood-ratio test: {m}"
        )))
    };
    if restricted.n_obs != full.n_obs {
        return bad("the fits use different numbers of observations");
    }
    let (kr, kf) = (restricted.n_estimated(), full.n_estimated());
    if kr >= kf {
        return bad("the restricted model must have fewer parameters than the full one");
    }
    if !restricted.convergence.converged || !full.convergence.converged {
        return bad("both fits must have converged");
    }
    if restricted.l2_penalty.is_some() || full.l2_penalty.is_some() {
        return bad("penalized fits are not maximum likelihood fits");
    }
    let statistic = (2.0 * (full.log_likelihood - restricted.log_likelihood)).max(0.0);
    let df = (kf - kr) as f64;
    Ok(LrTest {
        statistic,
        df,
        p_value: chi2_sf(statistic, df),
    })
}
