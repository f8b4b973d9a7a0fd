//! Heteroskedasticity- and cluster-robust covariances of least squares: the sandwich
//! `(XᵀX)⁻¹ (Σᵢ ωᵢ eᵢ² xᵢxᵢᵀ) (XᵀX)⁻¹` with the residuals `eᵢ` and, for HC2 and HC3, the
//! leverages `hᵢ = xᵢᵀ(XᵀX)⁻¹xᵢ` (MacKinnon & White 1985): `ωᵢ = 1` (HC0), `n/(n − p)` (HC1),
//! `1/(1 − hᵢ)` (HC2), `1/(1 − hᵢ)²` (HC3); with clusters, the scores `eᵢxᵢ` summed within each
//! first (CR0, or CR1 with `G/(G − 1)·(n − 1)/(n − p)`). The scores and their sums go through
//! the same [`crate::inference::sandwich`] as every maximum likelihood fit's.

use nalgebra::DMatrix;

use crate::data::Design;
use crate::error::{MleError, Result};
use crate::inference::sandwich;
use crate::model::Scores;
use crate::optim::CovType;

/// The robust covariance of the least-squares fit with `residuals` on `design`, whose
/// `(XᵀX)⁻¹` is `xtx_inv`; with the number of clusters, if any.
///
/// # Errors
/// [`MleError::InvalidOption`] for HC2/HC3 with clusters, a row of leverage 1 under HC2/HC3,
/// or clusters that cannot be formed.
pub(super) fn ols_sandwich(
    design: &Design,
    residuals: &[f64],
    xtx_inv: &DMatrix<f64>,
    cov_type: CovType,
    clusters: Option<&[u64]>,
) -> Result<(DMatrix<f64>, Option<usize>)> {
    let p = design.n_cols();
    let leverage_power = match cov_type {
        CovType::Hc2 => 0.5,
        CovType::Hc3 => 1.0,
        _ => 0.0,
    };
    if leverage_power > 0.0 && clusters.is_some() {
        return Err(MleError::InvalidOption(
            "clusters go with hc0 (CR0) or hc1 (CR1), not hc2 or hc3".into(),
        ));
    }
    let mut values = Vec::with_capacity(residuals.len() * p);
    for (i, &e) in residuals.iter().enumerate() {
        let x = design.row(i);
        // each score eᵢxᵢ scaled by (1 − hᵢ)^(−power), so that its square carries ωᵢ
        let scale = if leverage_power > 0.0 {
            let h: f64 = (0..p)
                .map(|a| x[a] * (0..p).map(|b| xtx_inv[(a, b)] * x[b]).sum::<f64>())
                .sum();
            if h >= 1.0 - 1e-12 {
                return Err(MleError::InvalidOption(format!(
                    "row {} has leverage 1 (it alone determines a coefficient): {} is not \
                     defined; use hc0 or hc1",
                    i + 1,
                    cov_type.name(false)
                )));
            }
            (1.0 - h).powf(-leverage_power)
        } else {
            1.0
        };
        values.extend(x.iter().map(|x| e * x * scale));
    }
    let scores = Scores { k: p, values };
    let base = if cov_type == CovType::Hc1 {
        CovType::Hc1
    } else {
        CovType::Hc0
    };
    sandwich(xtx_inv, &vec![1.0; p], &scores, clusters, base, p)
        .map_err(|e| MleError::InvalidOption(e.to_string()))
}
