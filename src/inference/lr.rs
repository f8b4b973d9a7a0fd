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

/// The likelihood-ratio test of a restriction `θⱼ = cⱼ` on some parameters, from the fit with
/// them held at those values and the fit without (`mle fit ... --test "x1 = 0, x2 = 0"`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RestrictionTest {
    /// The restriction: each parameter and its value.
    pub hypothesis: Vec<(String, f64)>,
    /// The log-likelihood of the restricted fit.
    pub restricted_log_likelihood: f64,
    /// The test.
    #[serde(flatten)]
    pub test: LrTest,
}

impl RestrictionTest {
    /// The test of `hypothesis` from the `restricted` fit (those parameters held fixed) against
    /// the `full` one.
    ///
    /// # Errors
    /// As [`lr_test`].
    pub fn new(
        hypothesis: &[(String, f64)],
        restricted: &FitResult,
        full: &FitResult,
    ) -> Result<Self> {
        Ok(Self {
            hypothesis: hypothesis.to_vec(),
            restricted_log_likelihood: restricted.log_likelihood,
            test: lr_test(restricted, full)?,
        })
    }
}

impl std::fmt::Display for RestrictionTest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h: Vec<String> = self
            .hypothesis
            .iter()
            .map(|(n, v)| format!("{n} = {v}"))
            .collect();
        write!(
            f,
            "Likelihood-ratio test of {}: LR = {:.4}, df = {}, p = {:.4e} (restricted \
             log-likelihood {:.4})",
            h.join(", "),
            self.test.statistic,
            self.test.df,
            self.test.p_value,
            self.restricted_log_likelihood
        )
    }
}
