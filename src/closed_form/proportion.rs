//! The binomial proportion in closed form: `p̂ = k/n`, `se = √(p̂(1 − p̂)/n)`.

use crate::error::{MleError, Result};
use crate::inference::normal_quantile;

/// The closed-form binomial MLE.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProportionResult {
    /// Successes `k`.
    pub successes: f64,
    /// Trials `n`.
    pub trials: f64,
    /// `p̂ = k/n`.
    pub p_hat: f64,
    /// `√(p̂(1 − p̂)/n)`, from the observed information `n / (p̂(1 − p̂))`.
    pub std_error: f64,
    /// Wald interval lower end.
    pub ci_lower: f64,
    /// Wald interval upper end.
    pub ci_upper: f64,
    /// `k ln p̂ + (n − k) ln(1 − p̂)`, without the binomial coefficient.
    pub log_likelihood_kernel: f64,
    /// The full log-likelihood, `ln C(n, k)` included.
    pub log_likelihood: f64,
    /// Confidence level.
    pub level: f64,
}

/// `k` successes in `n` trials.
///
/// # Examples
/// ```
/// use mle::closed_form::proportion;
/// let r = proportion(55.0, 100.0, 0.95).unwrap();
/// assert_eq!(r.p_hat, 0.55);
/// assert!((r.std_error - (0.55f64 * 0.45 / 100.0).sqrt()).abs() < 1e-15);
/// ```
///
/// # Errors
/// [`MleError::Model`] unless `0 ≤ k ≤ n`, `n ≥ 1`, both whole numbers.
pub fn proportion(k: f64, n: f64, level: f64) -> Result<ProportionResult> {
    if !(n >= 1.0 && k >= 0.0 && k <= n && k.fract() == 0.0 && n.fract() == 0.0) {
        return Err(MleError::Model {
            model: "binomial".into(),
            message: format!("{k} successes in {n} trials: need whole numbers with 0 ≤ k ≤ n"),
        });
    }
    let p = k / n;
    let se = (p * (1.0 - p) / n).sqrt();
    let z = normal_quantile(0.5 + level / 2.0);
    let xlogy = |x: f64, y: f64| if x == 0.0 { 0.0 } else { x * y.ln() };
    let kernel = xlogy(k, p) + xlogy(n - k, 1.0 - p);
    let ln_choose = statrs::function::gamma::ln_gamma(n + 1.0)
        - statrs::function::gamma::ln_gamma(k + 1.0)
        - statrs::function::gamma::ln_gamma(n - k + 1.0);
    Ok(ProportionResult {
        successes: k,
        trials: n,
        p_hat: p,
        std_error: se,
        ci_lower: p - z * se,
        ci_upper: p + z * se,
        log_likelihood_kernel: kernel,
        log_likelihood: kernel + ln_choose,
        level,
    })
}
