//! Closed forms beside the iterative fits: OLS by QR, the binomial proportion `k/n`, and the
//! OLS-versus-Gaussian-MLE comparison.

mod compare;
mod ols;
mod ols_robust;
mod proportion;
mod summary;

pub use crate::data::rank::RANK_TOL;
pub use compare::{OlsMleComparison, compare_ols_mle};
pub use ols::{OlsParam, OlsResult, ols, ols_robust};
pub use proportion::{ProportionResult, proportion};
