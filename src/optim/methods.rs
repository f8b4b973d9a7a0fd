//! How the derivatives a fit followed were obtained: the gradient (closed form or autodiff) and
//! the Hessian (analytic or differences of the exact gradient), as results report them.

/// How the gradients the optimizer followed were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradientMethod {
    /// Reverse-mode autodiff of the model's tensor expression.
    Autodiff,
    /// The model's closed-form derivatives, one pass over the data
    /// ([`crate::model::Model::evaluate`]); the test suite checks them against autodiff.
    ClosedForm,
}

impl GradientMethod {
    /// Words for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            GradientMethod::Autodiff => "autodiff",
            GradientMethod::ClosedForm => "closed form",
        }
    }
}

/// How the Hessian behind the standard errors was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HessianMethod {
    /// The model's exact Hessian (`XᵀWX` for the generalized linear models).
    Analytic,
    /// Central differences of the exact autodiff gradient, step
    /// [`crate::optim::HESSIAN_STEP`]` · max(|uⱼ|, 1)`, symmetrized: about 1e-11 relative error
    /// in the standard errors.
    GradientDifferences,
}

impl HessianMethod {
    /// Words for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            HessianMethod::Analytic => "analytic",
            HessianMethod::GradientDifferences => "gradient differences",
        }
    }
}
