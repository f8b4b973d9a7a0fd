//! How the derivatives a fit followed were obtained, as results report them: the gradient
//! (closed form, reverse-mode autodiff, forward-mode jets) and the Hessian (analytic, forward-mode
//! jets, or differences of the exact gradient). A model says what its evaluation seam uses
//! ([`crate::model::Model::methods`]); the objective records what the fit used.

/// How the gradients the optimizer followed were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradientMethod {
    /// Reverse-mode autodiff of the model's tensor expression.
    Autodiff,
    /// The model's closed-form derivatives, one pass over the data
    /// ([`crate::model::Model::evaluate`]); the test suite checks them against autodiff.
    ClosedForm,
    /// Forward-mode automatic differentiation of each row's log-likelihood in its predictors
    /// ([`crate::ad::Jet`]), for models of independent rows ([`crate::model::Likelihood`]).
    ForwardMode,
}

impl GradientMethod {
    /// Words for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            GradientMethod::Autodiff => "autodiff",
            GradientMethod::ClosedForm => "closed form",
            GradientMethod::ForwardMode => "forward-mode autodiff",
        }
    }
}

/// How the Hessian behind the standard errors was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HessianMethod {
    /// The model's exact Hessian (`XᵀWX` for the generalized linear models).
    Analytic,
    /// Exact: each row's second derivatives in its predictors by forward-mode automatic
    /// differentiation ([`crate::ad::Jet`]), carried to `θ` (`Xᵀ diag(∂²ℓ/∂η²) X` and the scalar
    /// parameters' rows), for models of independent rows ([`crate::model::Likelihood`]).
    ForwardMode,
    /// Central differences of the exact autodiff gradient, step
    /// [`crate::optim::HESSIAN_STEP`]` · max(|uⱼ|, 1)`, symmetrized: about 1e-11 relative error
    /// in the standard errors.
    GradientDifferences,
    /// The expected information `XᵀWX` in place of the Hessian: Fisher scoring, for a
    /// penalized likelihood whose exact Hessian is not formed ([`crate::model::Firth`]).
    Expected,
}

impl HessianMethod {
    /// Words for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            HessianMethod::Analytic => "analytic",
            HessianMethod::ForwardMode => "forward-mode autodiff",
            HessianMethod::GradientDifferences => "gradient differences",
            HessianMethod::Expected => "expected information",
        }
    }
}
