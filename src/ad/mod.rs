//! Automatic differentiation of row log-likelihoods, both ways: one expression, generic over
//! [`Real`], evaluated as a burn tensor expression (reverse mode: burn's autodiff gives the
//! gradient) or as a [`Jet`] (forward mode: value, first and second derivatives along a few
//! directions, exact, for every row at once).
//!
//! A model of independent rows ([`crate::model::Likelihood`]) writes `ℓᵢ` once as a function of
//! a few per-row predictors (linear predictors `ηᵢ = xᵢᵀβ`, scalar parameters) and the row's
//! data. Its gradient in `β` is `Xᵀ ∂ℓ/∂η` and its Hessian `Xᵀ diag(∂²ℓ/∂η²) X` (with the
//! scalar parameters' rows and columns): a jet seeded along each predictor yields those
//! per-row derivatives exactly, and burn's reverse mode (first order only) the gradient.
//!
//! The toolbox of special functions (`lgamma`, `digamma`, `lbeta`, `log1pexp`, `logsumexp`,
//! `ndtr`, `log_ndtr`, `log1mexp`) is part of [`Real`], so it is the same for both: for tensors
//! as differentiable expressions ([`tensor`]), for jets from the scalar functions and their
//! derivatives ([`special`]).
//!
//! # Examples
//! The same expression, `ln Γ(y + x) − x ln 2`, on tensors and on a jet in `x`:
//! ```
//! use mle::ad::{Jet, Real};
//! use mle::backend::{default_device, to_vec, vector};
//!
//! fn f<R: Real>(y: R, x: R) -> R {
//!     (y + x.clone()).lgamma() - x * 2f64.ln()
//! }
//! let device = default_device().unwrap();
//! let t = to_vec(f(vector(&[3.0], &device), vector(&[1.5], &device)));
//! let j = f(Jet::constant(&[3.0], 1, 2), Jet::variable(&[1.5], 0, 1, 2));
//! assert!((t[0] - j.value()[0]).abs() < 1e-14);
//! // d/dx = ψ(4.5) − ln 2 and d²/dx² = ψ'(4.5), in closed form from ψ(½) = −γ − 2 ln 2,
//! // ψ'(½) = π²/2 and the recurrences ψ(x + 1) = ψ(x) + 1/x, ψ'(x + 1) = ψ'(x) − 1/x²
//! let psi = -0.577_215_664_901_532_9 - 2.0 * 2f64.ln() + 2.0 + 2.0 / 3.0 + 0.4 + 2.0 / 7.0;
//! let psi1 = std::f64::consts::PI.powi(2) / 2.0 - 4.0 - 4.0 / 9.0 - 0.16 - 4.0 / 49.0;
//! assert!((j.first(0)[0] - (psi - 2f64.ln())).abs() < 1e-14);
//! assert!((j.second(0, 0)[0] - psi1).abs() < 1e-14);
//! ```

pub(crate) mod jet;
pub mod special;
pub mod tensor;

pub use jet::{Jet, JetShape};

use std::ops::{Add, Div, Mul, Neg, Sub};

/// A number of a row log-likelihood: a burn tensor over rows (`Tensor<1>`) or a [`Jet`].
///
/// Arithmetic takes its operands by value, as burn's does: `clone()` what is used twice (cheap
/// for both). With a number on the left, write `-p + 1.0` for `1 − p` (no `f64 − R` here).
/// Method names follow burn's (`log`, `log1p`, `recip`, `powf_scalar`) and, for the special
/// functions, SciPy's.
pub trait Real:
    Clone
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// What [`Real::data`] needs to make a number: the device of a tensor, the shape of a jet.
    type Shape;
    /// The data `values`, one per row, as a number without derivatives.
    fn data(values: &[f64], shape: &Self::Shape) -> Self;
    /// `eˣ`.
    fn exp(self) -> Self;
    /// `ln x`.
    fn log(self) -> Self;
    /// `ln(1 + x)`, accurate near 0.
    fn log1p(self) -> Self;
    /// `eˣ − 1`, accurate near 0.
    fn expm1(self) -> Self;
    /// `1/x`.
    fn recip(self) -> Self;
    /// `√x`.
    fn sqrt(self) -> Self;
    /// `x²`.
    fn square(self) -> Self;
    /// `xᵃ` for a number `a`.
    fn powf_scalar(self, a: f64) -> Self;
    /// `|x|` (derivative `sign x`).
    fn abs(self) -> Self;
    /// `tanh x`.
    fn tanh(self) -> Self;
    /// The error function.
    fn erf(self) -> Self;
    /// `σ(x) = 1/(1 + e⁻ˣ)`.
    fn sigmoid(self) -> Self;
    /// `ln σ(x) = −ln(1 + e⁻ˣ)`, exact in both tails.
    fn log_sigmoid(self) -> Self;
    /// `ln(1 + eˣ)` (softplus), exact in both tails.
    fn log1pexp(self) -> Self;
    /// `ln(1 − eˣ)` for `x < 0`, accurate near 0 and far below it (Mächler 2012).
    fn log1mexp(self) -> Self;
    /// `ln Γ(x)` for `x > 0`.
    fn lgamma(self) -> Self;
    /// `ψ(x) = d ln Γ(x)/dx` for `x > 0`.
    fn digamma(self) -> Self;
    /// `Φ(x)`, the standard normal distribution function.
    fn ndtr(self) -> Self;
    /// `ln Φ(x)`, accurate in both tails.
    fn log_ndtr(self) -> Self;
    /// `ln(eˣ + eʸ)` without overflow.
    fn logsumexp(self, other: Self) -> Self;
    /// `ln B(x, y) = ln Γ(x) + ln Γ(y) − ln Γ(x + y)`.
    fn lbeta(self, other: Self) -> Self {
        self.clone().lgamma() + other.clone().lgamma() - (self + other).lgamma()
    }
}
