//! The honest convergence report every fit carries.

use std::fmt;

/// Why the optimizer stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The relative gradient fell below `gtol`: converged.
    GradientTolerance,
    /// The log-likelihood and the parameters both stopped changing (relative changes below
    /// `ftol` and `xtol`) with the relative gradient within 1000 × `gtol`: converged.
    RelativeChange,
    /// The line search found no further increase in floating point while the relative gradient
    /// was already within 1000 × `gtol`: converged to working precision.
    PrecisionLimit,
    /// The line search failed far from a stationary point: not converged.
    LineSearchFailed,
    /// The iteration limit was reached: not converged.
    MaxIterations,
    /// The log-likelihood or its gradient became NaN or infinite: not converged.
    NonFinite,
    /// The data are separated: the maximum likelihood estimate does not exist.
    Separation,
    /// A constrained parameter runs to the boundary of its range (a dispersion to 0): the
    /// maximum is on the boundary, not an estimate inside the range.
    Boundary,
    /// The solver stopped, but one more Newton step would still move a parameter by more than
    /// [`crate::optim::STEP_SE_LIMIT`] standard errors, and Newton's method could not finish:
    /// not converged.
    NewtonStepLarge,
}

impl StopReason {
    /// Whether this reason means the maximum was found.
    pub fn is_converged(self) -> bool {
        matches!(
            self,
            StopReason::GradientTolerance | StopReason::RelativeChange | StopReason::PrecisionLimit
        )
    }

    /// A sentence for users.
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::GradientTolerance => "the gradient vanished (relative gradient below gtol)",
            StopReason::RelativeChange => {
                "the log-likelihood and the parameters stopped changing (below ftol and xtol)"
            }
            StopReason::PrecisionLimit => {
                "no further increase is possible in floating point and the gradient is near zero"
            }
            StopReason::LineSearchFailed => {
                "the line search found no increase although the gradient is not near zero"
            }
            StopReason::MaxIterations => "the iteration limit was reached",
            StopReason::NonFinite => "the log-likelihood or its gradient became NaN or infinite",
            StopReason::Separation => "the data are separated: the MLE does not exist",
            StopReason::Boundary => "a parameter runs to the boundary of its range",
            StopReason::NewtonStepLarge => {
                "one more Newton step would still move a parameter by more than 0.001 standard \
                 errors, and Newton's method could not take it"
            }
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// What the optimizer did and how it ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Convergence {
    /// Whether the maximum was found.
    pub converged: bool,
    /// Why the optimizer stopped.
    pub reason: StopReason,
    /// The optimizer used ("lbfgs", "newton", "gradient").
    pub optimizer: String,
    /// Iterations taken.
    pub iterations: u64,
    /// Evaluations of the log-likelihood alone (plain device).
    pub function_evals: u64,
    /// Evaluations of the log-likelihood with its gradient (autodiff device).
    pub gradient_evals: u64,
    /// Evaluations of the Hessian (analytic, or from gradient differences).
    pub hessian_evals: u64,
    /// Euclidean norm of the gradient of the objective at the estimate (unconstrained scale).
    pub gradient_norm: f64,
    /// The relative gradient `maxⱼ |gⱼ| · max(|uⱼ|, 1) / max(|ℓ|, 1)` at the estimate.
    pub relative_gradient: f64,
    /// The largest change one more Newton step would make to a parameter, in standard errors
    /// (`maxⱼ |(I⁻¹g)ⱼ| / seⱼ` on the unconstrained scale): how far the estimate may still be
    /// from the maximum, in the units that matter. `None` when the covariance is unavailable.
    pub newton_step_in_se: Option<f64>,
    /// Newton steps taken on the exact gradient after a line-search method stopped (at most
    /// two, only within 0.1 standard errors of the maximum; L-BFGS hands over to them at a
    /// relative gradient of [`crate::optim::HANDOVER_GTOL`]): they carry the estimate past the
    /// ~1e-8 that comparing log-likelihood values can resolve.
    #[serde(default)]
    pub newton_polish_steps: u32,
    /// Wall time of the whole fit, inference included, in seconds; with [`crate::build_and_fit`]
    /// (the command line's fits) the building of the model from data in memory too.
    pub wall_time_s: f64,
}

/// One iteration as observers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Iteration number, from 0.
    pub iteration: u64,
    /// The objective (log-likelihood, minus any penalty).
    pub objective: f64,
    /// The norm of its gradient.
    pub gradient_norm: f64,
    /// The parameters on the unconstrained scale.
    pub params: Vec<f64>,
}

/// Watches the optimizer; the library itself never prints.
pub trait Observer {
    /// Called once per iteration, starting values included.
    fn observe(&mut self, progress: &Progress);
}

/// Observes nothing.
impl Observer for () {
    fn observe(&mut self, _: &Progress) {}
}

/// Collects the path of the optimizer (for plots and tests).
impl Observer for Vec<Progress> {
    fn observe(&mut self, progress: &Progress) {
        self.push(progress.clone());
    }
}
