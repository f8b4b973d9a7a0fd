//! Inference after a fit: covariance from the observed information, standard errors, Wald tests
//! and intervals, robust (sandwich and cluster-robust) covariances, information criteria, likelihood-ratio tests, and the results types.

mod boundary;
mod covariance;
mod lr;
mod predict;
mod results;
mod robust;
pub(crate) mod summary;
mod wald;
mod wald_test;

pub use crate::dist::{
    T_QUANTILE_LARGE_DF, T_TAIL_LARGE_DF, chi2_sf, normal_quantile, normal_two_sided_p, t_quantile,
    t_two_sided_p,
};
pub use boundary::{BOUNDARY_DRIFT, BOUNDARY_SE, Boundary, LastIterate, boundary};
pub use covariance::{NotIdentified, covariance};
pub use lr::{LrTest, RestrictionTest, lr_test};
pub use predict::{LinearPrediction, Prediction, predict, predict_linear};
pub use results::{FitResult, ParamEstimate};
pub use robust::{Meat, RobustError, robust_covariance, sandwich};
pub use wald::{Wald, wald};
pub use wald_test::{LinearRestriction, WaldTest};

/// How the derivatives behind a fit were obtained (defined with the optimizer, which obtains
/// them; here for the results that report them).
pub use crate::optim::{GradientMethod, HessianMethod};
pub use summary::{format_cell, format_number};
