//! Closed forms beside the iterative fits: OLS by QR, the binomial proportion `k/n`, and the
//! OLS-versus-Gaussian-MLE comparison.

mod compare;
mod ols;
mod proportion;
mod summary;

pub use compare::{OlsMleComparison, compare_ols_mle};
pub use ols::{OlsParam, OlsResult, RANK_TOL, ols};
pub use proportion::{ProportionResult, proportion};
