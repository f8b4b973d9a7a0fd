//! The classic models by their usual names, as [`Glm`]s: logistic regression on a 0/1 response,
//! binomial regression on successes out of trials, Gaussian linear regression.

use super::family::{Binomial, Gaussian};
use super::glm::{Glm, Response};
use super::link::Link;
use crate::backend::{self, Device};
use crate::data::Design;
use crate::error::Result;

/// Logistic regression for a 0/1 response: the binomial family with one trial per row and
/// the logit link, `P(yᵢ = 1) = σ(xᵢβ)`, `ℓ(β) = Σ [yᵢηᵢ − ln(1 + e^{ηᵢ})]`.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::Logistic;
/// use mle::{fit, FitOptions};
/// let x = Design::from_columns(&["x"], &[vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0]], true).unwrap();
/// let model = Logistic::new(&x, &[0.0, 0.0, 1.0, 0.0, 1.0, 1.0]).unwrap();
/// let r = fit(&model, &FitOptions::default()).unwrap();
/// // two groups: the intercept is logit(1/3) = −ln 2, the slope ln 4 (closed form)
/// assert!((r.params[0].estimate + 2f64.ln()).abs() < 1e-7);
/// assert!((r.params[1].estimate - 4f64.ln()).abs() < 1e-7);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Logistic;

// `Logistic` names the model; what it builds is the binomial family's `Glm`
#[allow(clippy::new_ret_no_self)]
impl Logistic {
    /// A 0/1 response `y` for the rows of `design`, on the default backend.
    ///
    /// # Errors
    /// [`crate::MleError::Model`] naming the row when a response is not 0 or 1, or when only
    /// one class occurs (then the intercept runs off to infinity).
    pub fn new(design: &Design, y: &[f64]) -> Result<Glm<Binomial>> {
        Self::on(design, y, &backend::default_device()?)
    }

    /// As [`Logistic::new`], on a chosen device.
    ///
    /// # Errors
    /// As [`Logistic::new`].
    pub fn on(design: &Design, y: &[f64], device: &Device) -> Result<Glm<Binomial>> {
        Glm::on(Binomial, Link::Logit, design, Response::new(y), device)
            .map(|m| m.named("logistic"))
    }
}

impl Binomial {
    /// Logistic regression on `successes[i]` out of `trials[i]` for row `i` of `design`, on
    /// the default backend.
    ///
    /// # Examples
    /// ```
    /// use mle::data::Design;
    /// use mle::model::Binomial;
    /// use mle::{fit, FitOptions};
    /// // 3 of 10 at x = 0 and 7 of 10 at x = 1: two groups, a saturated model, so the fitted
    /// // log-odds are exactly logit(0.3) and logit(0.7) (closed form).
    /// let x = Design::from_columns(&["x"], &[vec![0.0, 1.0]], true).unwrap();
    /// let model = Binomial::new(&x, &[3.0, 7.0], &[10.0, 10.0]).unwrap();
    /// let r = fit(&model, &FitOptions::default()).unwrap();
    /// let logit = |p: f64| (p / (1.0 - p)).ln();
    /// assert!((r.params[0].estimate - logit(0.3)).abs() < 1e-7);
    /// assert!((r.params[1].estimate - (logit(0.7) - logit(0.3))).abs() < 1e-7);
    /// ```
    ///
    /// # Errors
    /// [`crate::MleError::Model`] naming the row when a count is negative, fractional or
    /// exceeds its trials, or when the lengths disagree with the design.
    pub fn new(design: &Design, successes: &[f64], trials: &[f64]) -> Result<Glm<Binomial>> {
        Self::on(design, successes, trials, &backend::default_device()?)
    }

    /// As [`Binomial::new`], on a chosen device.
    ///
    /// # Errors
    /// As [`Binomial::new`].
    pub fn on(
        design: &Design,
        successes: &[f64],
        trials: &[f64],
        device: &Device,
    ) -> Result<Glm<Binomial>> {
        let response = Response {
            trials: Some(trials),
            ..Response::new(successes)
        };
        Glm::on(Binomial, Link::Logit, design, response, device)
    }
}

impl Gaussian {
    /// Gaussian linear regression `y = Xβ + ε`, `ε ~ N(0, σ²)`, with `σ` estimated jointly, on
    /// the default backend.
    ///
    /// # Examples
    /// ```
    /// use mle::data::Design;
    /// use mle::model::Gaussian;
    /// use mle::{fit, FitOptions};
    /// let x = Design::from_columns(&["x"], &[vec![0.0, 1.0, 2.0, 3.0]], true).unwrap();
    /// let model = Gaussian::new(&x, &[1.0, 2.9, 5.1, 7.0]).unwrap();
    /// let r = fit(&model, &FitOptions::default()).unwrap();
    /// // the MLE of β is the least-squares line: slope 2.02, intercept 0.97 (by hand)
    /// assert!((r.params[1].estimate - 2.02).abs() < 1e-7);
    /// assert_eq!(r.params[2].name, "sigma");
    /// ```
    ///
    /// # Errors
    /// [`crate::MleError::Model`] for a response that is not finite or is constant, or lengths
    /// that disagree with the design; [`crate::MleError::Numerical`] when its sums of squares
    /// overflow.
    pub fn new(design: &Design, y: &[f64]) -> Result<Glm<Gaussian>> {
        Self::on(design, y, &backend::default_device()?)
    }

    /// As [`Gaussian::new`], on a chosen device.
    ///
    /// # Errors
    /// As [`Gaussian::new`].
    pub fn on(design: &Design, y: &[f64], device: &Device) -> Result<Glm<Gaussian>> {
        Glm::on(Gaussian, Link::Identity, design, Response::new(y), device)
    }
}
