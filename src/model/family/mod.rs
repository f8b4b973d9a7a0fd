//! Families: the distribution of a response given its mean, one file each.
//!
//! A family says, for one row, how the log-likelihood `ℓᵢ` depends on the row's linear
//! predictor `ηᵢ` through a [`Link`] (and on an auxiliary parameter such as a dispersion, a
//! shape or a scale): the value, its derivatives in `η` and in the auxiliary parameter
//! ([`RowTerms`], for the one-pass evaluation), and the same log-likelihood as a burn tensor
//! expression, which is its definition (autodiff of it must agree with the derivatives; the
//! tests check that for every family and link). It also validates responses, starts the fit,
//! draws responses for simulation, and names what it predicts.
//!
//! To add a family, write one file here implementing [`Family`] and add one line to the
//! registry ([`crate::model::registry`]).

pub(crate) mod binomial;
mod gamma;
mod gaussian;
mod negbin;
mod poisson;

pub use binomial::Binomial;
pub use gamma::Gamma;
pub use gaussian::Gaussian;
pub use negbin::NegativeBinomial;
pub use poisson::Poisson;

use rand::RngCore;

use super::link::{Link, Mean};
use super::pass::RowTerms;
use crate::backend::Tensor;

/// Where a fit starts: the mean of the response (the intercept starts at its link) and the
/// auxiliary parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Start {
    /// The response's mean on the scale of `μ`.
    pub mean: f64,
    /// The auxiliary parameter (ignored by families without one).
    pub aux: f64,
}

/// A family's auxiliary parameter `a` with the functions of it that row terms use, computed once
/// per evaluation rather than once per row (a digamma function per row would cost more than the
/// rest of a Gamma row).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aux {
    /// `a`.
    pub value: f64,
    /// `ln a`.
    pub ln: f64,
    /// `ln Γ(a)`.
    pub ln_gamma: f64,
    /// `ψ(a)`.
    pub digamma: f64,
    /// `ψ'(a)`.
    pub trigamma: f64,
    /// `1/a`.
    pub recip: f64,
    /// `ln Γ(1/a)`.
    pub ln_gamma_recip: f64,
    /// `ψ(1/a)`.
    pub digamma_recip: f64,
    /// `ψ'(1/a)`.
    pub trigamma_recip: f64,
}

impl Aux {
    /// `a` and its functions.
    pub fn new(a: f64) -> Self {
        use special::Gamma as _;
        let recip = 1.0 / a;
        Self {
            value: a,
            ln: a.ln(),
            ln_gamma: ln_gamma(a),
            digamma: a.digamma(),
            trigamma: a.trigamma(),
            recip,
            ln_gamma_recip: ln_gamma(recip),
            digamma_recip: recip.digamma(),
            trigamma_recip: recip.trigamma(),
        }
    }

    /// For a family without an auxiliary parameter: nothing computed.
    pub fn none() -> Self {
        Self {
            value: f64::NAN,
            ln: f64::NAN,
            ln_gamma: f64::NAN,
            digamma: f64::NAN,
            trigamma: f64::NAN,
            recip: f64::NAN,
            ln_gamma_recip: f64::NAN,
            digamma_recip: f64::NAN,
            trigamma_recip: f64::NAN,
        }
    }
}

/// The data of the rows as tensors, for the tensor expression of a family.
#[derive(Debug, Clone)]
pub struct RowTensors {
    /// The responses.
    pub y: Tensor<1>,
    /// The trials, for a binomial family with more than one trial in some row.
    pub trials: Option<Tensor<1>>,
}

/// A response distribution, with the links it supports.
pub trait Family: Send + Sync + std::fmt::Debug + 'static {
    /// Its name: `binomial`, `poisson`, ...
    fn name(&self) -> &'static str;

    /// The links it supports, its default first.
    fn links(&self) -> &'static [Link];

    /// The name of its auxiliary parameter (`alpha`, `shape`, `sigma`), which is positive and
    /// optimized as its logarithm; `None` for families without one.
    fn aux(&self) -> Option<&'static str> {
        None
    }

    /// Whether a response comes with a number of trials (successes out of trials).
    fn has_trials(&self) -> bool {
        false
    }

    /// The side of a row with response `y` out of `trials` under `link`
    /// ([`crate::model::separation`]): `+1` when its log-likelihood keeps rising towards a bound
    /// as `η → +∞` (every trial a success), `−1` as `η → −∞` (every trial a failure, a zero
    /// count), `0` when it has a maximum in `η`. `None` (the default) for a family and link
    /// whose every row has a maximum in `η`, where separation cannot happen.
    fn side(&self, _link: Link, _y: f64, _trials: f64) -> Option<f64> {
        None
    }

    /// The expected (Fisher) weight `μ'(η)²/V(μ)` of a row at `η` with `trials` trials and the
    /// auxiliary parameter `aux`, up to a factor common to every row (a dispersion): what the
    /// leverages of the weighted hat matrix take (R's `hatvalues` of a `glm`). `None` (the
    /// default) where none is given.
    fn fisher_weight(&self, _link: Link, _eta: f64, _trials: f64, _aux: f64) -> Option<f64> {
        None
    }

    /// Whether the expected weights of [`Family::fisher_weight`] are the observed ones,
    /// `−∂²ℓᵢ/∂ηᵢ²`, in every row under `link` (a canonical link): then the information a fit
    /// computed at its estimate is the expected one. `false` (the default) where they differ
    /// or it is not known.
    fn expected_is_observed(&self, _link: Link) -> bool {
        false
    }

    /// What is wrong with the response `y` (out of `trials` trials), if anything.
    ///
    /// # Errors
    /// A sentence saying what was expected.
    fn check(&self, y: f64, trials: f64) -> Result<(), String>;

    /// What makes the data as a whole unable to give a maximum (one class only, all zeros),
    /// if anything.
    fn degenerate(&self, _y: &[f64], _trials: &[f64]) -> Option<String> {
        None
    }

    /// The terms of `ℓᵢ` that do not depend on the parameters (`−ln yᵢ!`, `ln C(mᵢ, kᵢ)`).
    fn constant(&self, _y: f64, _trials: f64) -> f64 {
        0.0
    }

    /// `cᵢ` where `ℓᵢ` holds the term `a·cᵢ`, the auxiliary parameter times a function of the
    /// data alone (`ν ln yᵢ` for the Gamma shape), left out of [`Family::row`]: the model sums
    /// `Σcᵢ` once and adds `aΣcᵢ` to the value and `Σcᵢ` to the gradient, instead of taking a
    /// logarithm per row at every evaluation. 0 (the default) for none.
    fn aux_weight(&self, _y: f64, _trials: f64) -> f64 {
        0.0
    }

    /// Where a fit on these responses starts.
    fn start(&self, y: &[f64], trials: &[f64]) -> Start;

    /// The mean `μ₀` (on the scale of [`Family::start`]'s mean) of the row with response `y`
    /// out of `trials` that the coefficients' start is fitted to by one reweighted
    /// least-squares step (R's `mustart`): near the row's own response, inside the range of
    /// the mean. `None` (the default) for no such step: the
    /// coefficients start at the null model.
    fn mean_start(&self, _y: f64, _trials: f64) -> Option<f64> {
        None
    }

    /// At the coefficients' start (the rows' linear predictors `eta`, offsets included, under
    /// `link`): the shift of the intercept that fits the level of the responses with the slopes
    /// held (`ln c` for means `cμᵢ` under the log link; it is applied only where the design
    /// has an intercept), and the auxiliary parameter that fits the shifted means (NaN for a
    /// family without one). A least-squares start on `ln μ₀` misses the level
    /// (`E ln y ≠ ln E y`), and an auxiliary parameter started from the marginal spread of `y`
    /// misses the spread about the means. `None` (the default) keeps the start.
    fn level_start(&self, _link: Link, _y: &[f64], _eta: &[f64]) -> Option<(f64, f64)> {
        None
    }

    /// Row terms of `ℓᵢ` without [`Family::constant`] and without `a·cᵢ`
    /// ([`Family::aux_weight`]) at `η`, with the auxiliary parameter `aux` (and its functions,
    /// computed once per evaluation).
    fn row(&self, link: Link, y: f64, trials: f64, eta: f64, aux: &Aux) -> RowTerms;

    /// `c` where `∂²ℓᵢ/∂η∂a = c·∂ℓᵢ/∂η` in every row (so the pass need not sum the cross
    /// derivatives: they are `c` times the gradient): `1/ν` for the Gamma shape, `−2/σ` for the
    /// Gaussian scale with the identity link. `None` (the default) where there is no such `c`.
    fn cross_from_gradient(&self, _link: Link, _aux: f64) -> Option<f64> {
        None
    }

    /// `ℓᵢ` without [`Family::constant`] as a tensor expression of `η` and the auxiliary
    /// parameter (a one-element tensor).
    fn loglike(
        &self,
        link: Link,
        data: &RowTensors,
        eta: Tensor<1>,
        aux: Option<Tensor<1>>,
    ) -> Tensor<1>;

    /// Whether `∂²ℓᵢ/∂η²` is the same for every row (the Gaussian family with the identity
    /// link): then `Xᵀ diag(ℓ'') X` is a multiple of `XᵀX`, formed once.
    fn constant_curvature(&self, _link: Link) -> bool {
        false
    }

    /// The maximized log-likelihood of the intercept-only model (no offset) in closed form,
    /// constants included (`constant`, weighted already), each row counted `weightsᵢ` times,
    /// where there is one.
    fn null_log_likelihood(
        &self,
        _y: &[f64],
        _trials: &[f64],
        _weights: Option<&[f64]>,
        _constant: f64,
    ) -> Option<f64> {
        None
    }

    /// A response drawn at `η` (with `trials` trials and the auxiliary parameter `aux`).
    fn sample(&self, link: Link, eta: f64, aux: f64, trials: f64, rng: &mut dyn RngCore) -> f64;

    /// The auxiliary parameter `simulate` draws with.
    fn simulation_aux(&self) -> f64 {
        1.0
    }

    /// What a prediction is: `probability`, `mean`.
    fn mean_name(&self) -> &'static str {
        "mean"
    }
}

/// `ℓᵢ` and its partial derivatives in the mean `μ` and the auxiliary parameter `a`, for
/// families written in terms of `μ`; [`MeanTerms::through`] composes them with a link.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeanTerms {
    /// `ℓᵢ` (without the family's constant).
    pub value: f64,
    /// `∂ℓᵢ/∂μ`.
    pub d_mu: f64,
    /// `∂²ℓᵢ/∂μ²`.
    pub d_mu2: f64,
    /// `∂ℓᵢ/∂a`.
    pub d_a: f64,
    /// `∂²ℓᵢ/∂a²`.
    pub d_a2: f64,
    /// `∂²ℓᵢ/∂μ∂a`.
    pub d_mu_a: f64,
}

impl MeanTerms {
    /// The row terms in `η`: `∂ℓ/∂η = ℓ_μ μ'`, `∂²ℓ/∂η² = ℓ_μμ μ'² + ℓ_μ μ''`,
    /// `∂²ℓ/∂η∂a = ℓ_μa μ'`.
    pub fn through(self, m: Mean) -> RowTerms {
        RowTerms::new(
            self.value,
            self.d_mu * m.d1,
            self.d_mu2 * m.d1 * m.d1 + self.d_mu * m.d2,
        )
        .with_aux(self.d_a, self.d_a2, self.d_mu_a * m.d1)
    }
}

/// The mean of `values` weighted by `weights`.
pub(crate) fn weighted_mean(values: &[f64], weights: &[f64]) -> f64 {
    values.iter().sum::<f64>() / weights.iter().sum::<f64>()
}

/// The mean and variance (divisor n) of `values`.
pub(crate) fn mean_variance(values: &[f64]) -> (f64, f64) {
    weighted_mean_variance(values, None)
}

/// The mean and the variance (divided by `Σw`) of `values`, each counted `wᵢ` times
/// (frequency weights; once each where `None`).
pub(crate) fn weighted_mean_variance(values: &[f64], weights: Option<&[f64]>) -> (f64, f64) {
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let n: f64 = (0..values.len()).map(w).sum();
    let mean = values
        .iter()
        .enumerate()
        .map(|(i, v)| w(i) * v)
        .sum::<f64>()
        / n;
    let var = values
        .iter()
        .enumerate()
        .map(|(i, v)| w(i) * (v - mean).powi(2))
        .sum::<f64>()
        / n;
    (mean, var)
}

/// `Σ wᵢ vᵢ` (`Σ vᵢ` where `weights` is `None`).
pub(crate) fn weighted_sum(values: &[f64], weights: Option<&[f64]>) -> f64 {
    match weights {
        Some(w) => values.iter().zip(w).map(|(v, w)| v * w).sum(),
        None => values.iter().sum(),
    }
}

/// Whether `v` is a finite whole number. `f64::fract` is a library call on baseline x86-64 (no
/// SSE4.1 rounding instruction), a cost on millions of rows; below 2⁵² the conversion to an
/// integer truncates exactly, and above it every finite `f64` is whole.
pub(crate) fn is_whole(v: f64) -> bool {
    const EVERY_FLOAT_WHOLE: f64 = 4_503_599_627_370_496.0; // 2⁵²
    if v.abs() < EVERY_FLOAT_WHOLE {
        (v as i64) as f64 == v
    } else {
        v.is_finite()
    }
}

/// `c = Σyᵢ / Σ e^{ηᵢ}`: the factor that matches the means `c·e^{ηᵢ}` of counts to their total
/// (where a Poisson intercept's score `Σ(yᵢ − cμᵢ)` is 0), for [`Family::level_start`].
pub(crate) fn count_level(y: &[f64], eta: &[f64]) -> f64 {
    let total: f64 = eta.iter().map(|e| e.exp()).sum();
    y.iter().sum::<f64>() / total
}

/// `ln Γ(x)` (statrs: Lanczos, about 1e-15 relative).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    statrs::function::gamma::ln_gamma(x)
}

/// Counts below this have their `ln k!` in a table.
const LN_FACTORIAL_TABLE: usize = 1024;

/// `ln y! = ln Γ(y + 1)`: from a table of [`ln_gamma`]'s own values for whole `y` below 1024
/// (the counts of almost every data set: a lookup per row instead of a Lanczos sum), else
/// [`ln_gamma`].
pub(crate) fn ln_factorial(y: f64) -> f64 {
    static TABLE: std::sync::LazyLock<Vec<f64>> = std::sync::LazyLock::new(|| {
        (0..LN_FACTORIAL_TABLE)
            .map(|k| ln_gamma(k as f64 + 1.0))
            .collect()
    });
    if y >= 0.0 && y < LN_FACTORIAL_TABLE as f64 && is_whole(y) {
        TABLE[y as usize]
    } else {
        ln_gamma(y + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{is_whole, ln_factorial, ln_gamma};

    #[test]
    fn ln_factorial_is_ln_gamma() {
        for y in [0.0, 1.0, 2.0, 7.0, 170.0, 1023.0, 1024.0, 5000.0, 2.5, 1e6] {
            assert_eq!(ln_factorial(y), ln_gamma(y + 1.0), "{y}");
        }
        // ln 10! = ln 3628800, a closed form
        assert!((ln_factorial(10.0) - 3_628_800f64.ln()).abs() < 1e-14);
    }

    #[test]
    fn whole_numbers_as_fract_tells_them() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -3.0,
            2f64.powi(52) - 1.0,
            2f64.powi(52),
            1e300,
            -1e300,
        ] {
            assert!(is_whole(v) && v.fract() == 0.0, "{v}");
        }
        for v in [
            0.5,
            -2.25,
            2f64.powi(51) + 0.5,
            1e-300,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert!(!is_whole(v) && (!v.is_finite() || v.fract() != 0.0), "{v}");
        }
    }
}
