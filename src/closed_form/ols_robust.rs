//! Heteroskedasticity- and cluster-robust covariances of least squares: the sandwich
//! `(XᵀX)⁻¹ (Σᵢ ωᵢ eᵢ² xᵢxᵢᵀ) (XᵀX)⁻¹` with the residuals `eᵢ` and, for HC2 and HC3, the
//! leverages `hᵢ = xᵢᵀ(XᵀX)⁻¹xᵢ` (MacKinnon & White 1985): `ωᵢ = 1` (HC0), `n/(n − p)` (HC1),
//! `1/(1 − hᵢ)` (HC2), `1/(1 − hᵢ)²` (HC3); with clusters, the scores `eᵢxᵢ` summed within each
//! first (CR0, or CR1 with `G/(G − 1)·(n − 1)/(n − p)`; two-way by inclusion–exclusion). The
//! scores go through the same [`crate::inference::sandwich`] as every maximum likelihood fit's.

use nalgebra::DMatrix;

use crate::data::Design;
use crate::error::{MleError, Result};
use crate::inference::{Meat, sandwich};
use crate::linalg::leverages;
use crate::model::Scores;
use crate::optim::CovType;

/// The robust covariance of the least-squares fit with `residuals` on `design`, whose
/// `(XᵀX)⁻¹` is `xtx_inv`; with the number of clusters of each way of clustering.
///
/// # Errors
/// [`MleError::InvalidOption`] for HC2/HC3 with clusters, a row of leverage 1 under HC2/HC3,
/// or clusters that cannot be formed.
pub(super) fn ols_sandwich(
    design: &Design,
    residuals: &[f64],
    xtx_inv: &DMatrix<f64>,
    cov_type: CovType,
    clusters: &[&[u64]],
) -> Result<(DMatrix<f64>, Vec<usize>)> {
    let p = design.n_cols();
    let h = matches!(cov_type, CovType::Hc2 | CovType::Hc3)
        .then(|| leverages(design.values(), p, &vec![1.0; residuals.len()], xtx_inv));
    let values = residuals
        .iter()
        .enumerate()
        .flat_map(|(i, &e)| design.row(i).iter().map(move |x| e * x))
        .collect();
    let scores = Scores { k: p, values };
    let meat = Meat {
        scores: &scores,
        leverages: h.as_deref(),
        clusters,
        weights: None,
    };
    sandwich(xtx_inv, &vec![1.0; p], meat, cov_type, p)
        .map_err(|e| MleError::InvalidOption(e.to_string()))
}
