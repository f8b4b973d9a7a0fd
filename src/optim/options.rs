//! Fit options: a validated builder (each setter documents its default).

use crate::error::{MleError, Result};

/// Default tolerance on the relative gradient `maxⱼ |gⱼ| · max(|uⱼ|, 1) / max(|ℓ|, 1)`.
pub const DEFAULT_GTOL: f64 = 1e-10;
/// Default tolerance on the relative change of the log-likelihood between iterations.
pub const DEFAULT_FTOL: f64 = 1e-15;
/// Default tolerance on the relative change of the parameters between iterations.
pub const DEFAULT_XTOL: f64 = 1e-12;
/// Default confidence level of the Wald intervals.
pub const DEFAULT_LEVEL: f64 = 0.95;

/// The maximization algorithm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Optimizer {
    /// Limited-memory BFGS (argmin's, memory 10) with the Moré–Thuente line search: needs only
    /// gradients.
    #[default]
    Lbfgs,
    /// Newton's method with the exact (or gradient-differenced) Hessian, Cholesky solves, a
    /// Levenberg shift where the Hessian is not negative definite, and Armijo backtracking.
    Newton,
    /// Gradient ascent (steepest ascent) with the Moré–Thuente line search: the textbook method,
    /// slow on ill-conditioned problems.
    Gradient,
}

impl Optimizer {
    /// The iteration limit used when none is set.
    pub fn default_max_iter(self) -> u64 {
        match self {
            Optimizer::Lbfgs => 1000,
            Optimizer::Newton => 100,
            Optimizer::Gradient => 20_000,
        }
    }

    /// The name used in results and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Lbfgs => "lbfgs",
            Optimizer::Newton => "newton",
            Optimizer::Gradient => "gradient",
        }
    }
}

impl std::str::FromStr for Optimizer {
    type Err = MleError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "lbfgs" | "l-bfgs" => Ok(Optimizer::Lbfgs),
            "newton" => Ok(Optimizer::Newton),
            "gradient" | "gradient-ascent" => Ok(Optimizer::Gradient),
            other => Err(MleError::InvalidOption(format!(
                "unknown optimizer '{other}' (expected lbfgs, newton or gradient)"
            ))),
        }
    }
}

/// How the covariance of the estimates is computed (statsmodels' `cov_type`).
///
/// With `I` the observed information and `sᵢ = ∂ℓᵢ/∂θ` the per-observation scores at the
/// estimate, the model-based covariance is `I⁻¹`; the robust (sandwich) covariance is
/// `I⁻¹ (Σᵢ sᵢsᵢᵀ) I⁻¹` (Huber–White), valid when the model's variance is wrong but its mean
/// is right. With clusters ([`FitOptions::clusters`]) the scores are summed within each
/// cluster first: `I⁻¹ (Σ_g S_g S_gᵀ) I⁻¹` with `S_g = Σ_{i∈g} sᵢ`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CovType {
    /// `I⁻¹`, the inverse observed information.
    #[default]
    Model,
    /// The sandwich without a small-sample factor (HC0; with clusters CR0).
    Hc0,
    /// The sandwich times `n/(n − k)`, `k` the coefficients of the linear predictors (HC1, as
    /// Stata, statsmodels and R's `sandwich`); with `G` clusters, times
    /// `G/(G − 1) · (n − 1)/(n − k)` (CR1).
    Hc1,
    /// Each `sᵢsᵢᵀ` divided by `1 − hᵢ`, `hᵢ` the leverage (HC2): for least squares and the
    /// generalized linear models (the weighted hat matrix).
    Hc2,
    /// Each `sᵢsᵢᵀ` divided by `(1 − hᵢ)²` (HC3, MacKinnon–White's jackknife approximation).
    Hc3,
}

impl CovType {
    /// The type to use with clusters: a robust one as it is, and CR1 ([`CovType::Hc1`]) for
    /// the model-based default, since clusters ask for a cluster-robust covariance.
    pub fn with_clusters(self) -> Self {
        if self == CovType::Model {
            CovType::Hc1
        } else {
            self
        }
    }

    /// The name in results: statsmodels' `nonrobust`, `HC0`, `HC1`, and `cluster` (CR1) or
    /// `cluster-CR0` with clusters.
    pub fn name(self, clustered: bool) -> &'static str {
        match (self, clustered) {
            (CovType::Model, _) => "nonrobust",
            (CovType::Hc0, false) => "HC0",
            (CovType::Hc1, false) => "HC1",
            (CovType::Hc0, true) => "cluster-CR0",
            (CovType::Hc1, true) => "cluster",
            (CovType::Hc2, _) => "HC2",
            (CovType::Hc3, _) => "HC3",
        }
    }
}

impl std::str::FromStr for CovType {
    type Err = MleError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "model" | "nonrobust" => Ok(CovType::Model),
            "hc0" => Ok(CovType::Hc0),
            "hc1" => Ok(CovType::Hc1),
            "hc2" => Ok(CovType::Hc2),
            "hc3" => Ok(CovType::Hc3),
            other => Err(MleError::InvalidOption(format!(
                "unknown covariance type '{other}' (expected model, hc0, hc1, hc2 or hc3)"
            ))),
        }
    }
}

/// How to fit: optimizer, stopping rules, penalty, interval level, starting values.
///
/// # Examples
/// ```
/// use mle::{FitOptions, Optimizer};
/// let options = FitOptions::default().optimizer(Optimizer::Newton).max_iter(50).l2(1.0);
/// assert!(options.check().is_ok());
/// assert!(FitOptions::default().level(1.5).check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FitOptions {
    pub(crate) optimizer: Option<Optimizer>,
    pub(crate) max_iter: Option<u64>,
    pub(crate) gtol: f64,
    pub(crate) ftol: f64,
    pub(crate) xtol: f64,
    pub(crate) l2: Option<f64>,
    pub(crate) level: f64,
    pub(crate) start: Option<Vec<f64>>,
    #[serde(default)]
    pub(crate) fixed: Vec<(String, f64)>,
    #[serde(default = "closed_form_default")]
    pub(crate) closed_form: bool,
    #[serde(default)]
    pub(crate) cov_type: CovType,
    /// One cluster label per observation for each way of clustering, for cluster-robust
    /// covariances (not saved).
    #[serde(skip)]
    pub(crate) clusters: Vec<std::sync::Arc<[u64]>>,
    #[serde(default)]
    pub(crate) firth: bool,
    /// Whether the maximum is known to exist, so that the fit does not check it again (not
    /// saved): see [`FitOptions::existence_known`].
    #[serde(skip)]
    pub(crate) existence_known: bool,
}

fn closed_form_default() -> bool {
    true
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            optimizer: None,
            max_iter: None,
            gtol: DEFAULT_GTOL,
            ftol: DEFAULT_FTOL,
            xtol: DEFAULT_XTOL,
            l2: None,
            level: DEFAULT_LEVEL,
            start: None,
            fixed: Vec::new(),
            closed_form: true,
            cov_type: CovType::Model,
            clusters: Vec::new(),
            firth: false,
            existence_known: false,
        }
    }
}

impl FitOptions {
    /// The optimizer (default: Newton's method for a model with an exact Hessian, as every
    /// built-in model has, and [`Optimizer::Lbfgs`] for one without).
    pub fn optimizer(mut self, optimizer: Optimizer) -> Self {
        self.optimizer = Some(optimizer);
        self
    }
    /// The iteration limit (default: [`Optimizer::default_max_iter`]).
    pub fn max_iter(mut self, n: u64) -> Self {
        self.max_iter = Some(n);
        self
    }
    /// Relative gradient tolerance (default: [`DEFAULT_GTOL`]).
    pub fn gtol(mut self, tol: f64) -> Self {
        self.gtol = tol;
        self
    }
    /// Relative change tolerances for the log-likelihood and the parameters (defaults:
    /// [`DEFAULT_FTOL`], [`DEFAULT_XTOL`]); both must hold at once to stop.
    pub fn change_tolerances(mut self, ftol: f64, xtol: f64) -> Self {
        self.ftol = ftol;
        self.xtol = xtol;
        self
    }
    /// An L2 penalty on the slopes (never the intercept or auxiliary parameters): maximize
    /// `ℓ(θ) − (λ/2) Σ slopes²` (default: none). `λ = 1/C` reproduces scikit-learn's
    /// `LogisticRegression(C=C)`.
    pub fn l2(mut self, lambda: f64) -> Self {
        self.l2 = Some(lambda);
        self
    }
    /// Firth's bias-reduced fit of a binary or binomial model ([`crate::model::Firth`]):
    /// [`crate::fit_frame`] builds the penalized model; [`crate::fit`] takes a model already
    /// wrapped and refuses one that is not.
    pub fn firth(mut self, yes: bool) -> Self {
        self.firth = yes;
        self
    }

    /// Whether Firth's fit was asked for.
    pub fn get_firth(&self) -> bool {
        self.firth
    }

    /// Confidence level of the intervals (default: [`DEFAULT_LEVEL`]).
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
    /// Starting values on the natural scale (default: each model's own).
    pub fn start(mut self, start: Vec<f64>) -> Self {
        self.start = Some(start);
        self
    }

    /// Holds the parameter `name` at `value` (natural scale) instead of estimating it; may be
    /// given for several. The fit estimates the others (as [`crate::model::Fixed`] presents
    /// them), reports the fixed ones as such, and counts only the estimated ones in AIC and BIC.
    /// Starting values, when given, are for every parameter (the fixed ones' are ignored).
    pub fn fix(mut self, name: impl Into<String>, value: f64) -> Self {
        self.fixed.push((name.into(), value));
        self
    }

    /// Options for the refits of a model whose fit converged with a maximum that exists (a
    /// profile's): their existence check is skipped. Data that no direction among all the
    /// coefficients separates cannot be separated by a direction among fewer of them, whatever
    /// the values the others are held at (they enter the linear predictor as an offset).
    pub(crate) fn existence_known(mut self) -> Self {
        self.existence_known = true;
        self
    }

    /// These options without fixed parameters.
    pub(crate) fn unfixed(mut self) -> Self {
        self.fixed.clear();
        self
    }

    /// The parameters held fixed, with their values.
    pub fn fixed(&self) -> &[(String, f64)] {
        &self.fixed
    }

    /// Whether to use a model's closed-form derivatives when it offers them (default: `true`;
    /// the built-in models compute value, gradient and Hessian in one pass over the data).
    /// `false` takes every gradient by reverse-mode autodiff of the model's tensor expression,
    /// as for any user-defined model: slower, and a check of the closed forms.
    pub fn closed_form(mut self, yes: bool) -> Self {
        self.closed_form = yes;
        self
    }

    /// How the covariance of the estimates, and with it every standard error, z, p and
    /// interval, is computed (default: [`CovType::Model`]). The robust types need the model's
    /// per-observation scores from its evaluation seam (every built-in model and every
    /// [`crate::model::Likelihood`] gives them).
    pub fn cov_type(mut self, cov_type: CovType) -> Self {
        self.cov_type = cov_type;
        self
    }

    /// One cluster label per observation, in the model's order: the robust covariance sums the
    /// scores within each cluster (one-way cluster-robust, Liang–Zeger; CR1 with
    /// [`CovType::Hc1`], which becomes the covariance type if none robust was chosen). Called
    /// again, a second way of clustering: two-way cluster-robust (Cameron–Gelbach–Miller).
    pub fn clusters(mut self, labels: Vec<u64>) -> Self {
        self.clusters.push(labels.into());
        self.cov_type = self.cov_type.with_clusters();
        self
    }

    /// The covariance type.
    pub fn get_cov_type(&self) -> CovType {
        self.cov_type
    }

    /// The cluster labels of each way of clustering (none for no clusters).
    pub fn get_clusters(&self) -> Vec<&[u64]> {
        self.clusters.iter().map(|c| &c[..]).collect()
    }

    /// The optimizer chosen, if one was.
    pub fn get_optimizer(&self) -> Option<Optimizer> {
        self.optimizer
    }

    /// The optimizer this fit runs: the one chosen, else Newton's method for a model with an
    /// exact Hessian (`exact_hessian`) and L-BFGS for one without.
    pub fn optimizer_for(&self, exact_hessian: bool) -> Optimizer {
        self.optimizer.unwrap_or(if exact_hessian {
            Optimizer::Newton
        } else {
            Optimizer::Lbfgs
        })
    }

    /// These options with the optimizer settled for a model with (or without) an exact Hessian.
    #[must_use]
    pub(crate) fn settled(&self, exact_hessian: bool) -> Self {
        let mut options = self.clone();
        options.optimizer = Some(self.optimizer_for(exact_hessian));
        options
    }

    /// The optimizer, settled ([`FitOptions::settled`]) or L-BFGS.
    pub(crate) fn chosen(&self) -> Optimizer {
        self.optimizer.unwrap_or_default()
    }
    /// The effective iteration limit.
    pub fn get_max_iter(&self) -> u64 {
        self.max_iter
            .unwrap_or_else(|| self.chosen().default_max_iter())
    }
    /// The confidence level.
    pub fn get_level(&self) -> f64 {
        self.level
    }
    /// The L2 penalty, if any.
    pub fn get_l2(&self) -> Option<f64> {
        self.l2
    }

    /// Validates every option at once.
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] naming the option and its allowed range.
    pub fn check(&self) -> Result<()> {
        let bad = |m: String| Err(MleError::InvalidOption(m));
        if !(self.level > 0.0 && self.level < 1.0) {
            return bad(format!("level must lie in (0, 1), got {}", self.level));
        }
        for (name, v) in [
            ("gtol", self.gtol),
            ("ftol", self.ftol),
            ("xtol", self.xtol),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(format!("{name} must be a finite number ≥ 0, got {v}"));
            }
        }
        if self.max_iter == Some(0) {
            return bad("max_iter must be at least 1".into());
        }
        if let Some(l) = self.l2
            && !(l.is_finite() && l >= 0.0)
        {
            return bad(format!(
                "the L2 penalty must be a finite number ≥ 0, got {l}"
            ));
        }
        if let Some(s) = &self.start
            && s.iter().any(|v| !v.is_finite())
        {
            return bad("starting values must be finite".into());
        }
        if self.firth && self.l2.is_some_and(|l| l > 0.0) {
            return bad("Firth's penalty and an L2 penalty do not combine: choose one".into());
        }
        if self.cov_type != CovType::Model && self.l2.is_some_and(|l| l > 0.0) {
            return bad(
                "robust covariances are for unpenalized fits: drop the L2 penalty or the \
                 robust covariance type"
                    .into(),
            );
        }
        if !self.clusters.is_empty() && matches!(self.cov_type, CovType::Hc2 | CovType::Hc3) {
            return bad("clusters go with hc0 (CR0) or hc1 (CR1), not hc2 or hc3".into());
        }
        if !self.clusters.is_empty() && self.cov_type == CovType::Model {
            return bad(
                "clusters are for a robust covariance (hc0 or hc1), not the model-based one".into(),
            );
        }
        if let Some((name, v)) = self.fixed.iter().find(|(_, v)| !v.is_finite()) {
            return bad(format!(
                "the value '{name}' is fixed at must be finite, got {v}"
            ));
        }
        Ok(())
    }
}
