//! Robust covariances: the sandwich `I⁻¹ B I⁻¹` from the per-observation scores that the
//! model's evaluation seam gives ([`crate::model::Model::evaluate`] with `scores`), with or
//! without clusters, and the small-sample factors of HC1 and CR1.
//!
//! With `sᵢ = ∂ℓᵢ/∂θ` at the estimate, the meat is `B = Σᵢ sᵢsᵢᵀ` (HC0), or with clusters
//! `B = Σ_g S_g S_gᵀ`, `S_g = Σ_{i∈g} sᵢ` (CR0). HC1 multiplies by `n/(n − k)` and CR1 by
//! `G/(G − 1) · (n − 1)/(n − k)`, with `k` the coefficients of the linear predictors (the
//! design's columns, not a scale or dispersion), as Stata, statsmodels and R's `sandwich`
//! (`vcovHC(type = "HC1")`, `vcovCL(type = "HC1", cadjust = TRUE)`) do.
//!
//! The fit works on an unconstrained scale `u` (`σ = eᵘ`); with `J = diag(dθ/du)` the
//! information there is `J I J` (the gradient vanishes at the maximum) and the meat `J B J`, so
//! the sandwich on that scale is `C (J B J) C` with `C` the model-based covariance on it, and
//! `J C (J B J) C J = I⁻¹ B I⁻¹` on the natural scale. Intervals are built on `u` and mapped
//! back, as for the model-based covariance.

use std::collections::HashMap;

use nalgebra::DMatrix;

use crate::error::{MleError, Result};
use crate::model::{Constraint, Model, Role, Scores, Want};
use crate::optim::{CovType, FitOptions};

/// The covariance `options` ask for on the unconstrained scale, at the estimate `theta`
/// (natural scale; `u` unconstrained) of `model`, from the model-based `cov_u`: `cov_u` itself
/// for [`CovType::Model`], else the [`sandwich`] from the model's per-observation scores; with
/// the number of clusters, if any.
///
/// # Errors
/// [`MleError::Model`] when the model's evaluation seam gives no per-observation scores;
/// [`MleError::InvalidOption`] for clusters or a factor that cannot be formed
/// ([`RobustError`]).
pub fn robust_covariance<M: Model + ?Sized>(
    model: &M,
    theta: &[f64],
    u: &[f64],
    constraints: &[Constraint],
    cov_u: &DMatrix<f64>,
    options: &FitOptions,
) -> Result<(DMatrix<f64>, Option<usize>)> {
    let cov_type = options.get_cov_type();
    if cov_type == CovType::Model {
        return Ok((cov_u.clone(), None));
    }
    if matches!(cov_type, CovType::Hc2 | CovType::Hc3) {
        return Err(MleError::InvalidOption(format!(
            "{} needs the leverages of a least-squares fit: use `mle ols --cov` (or \
             closed_form::ols_robust); for this fit hc0 or hc1",
            cov_type.name(false)
        )));
    }
    let want = Want {
        gradient: true,
        hessian: false,
        scores: true,
    };
    let scores = model
        .closed_form()
        .scores
        .then(|| model.evaluate(theta, want))
        .flatten()
        .and_then(|e| e.scores)
        .ok_or_else(|| MleError::Model {
            model: model.name().to_string(),
            message: "robust standard errors need per-observation scores from the model's \
                      evaluation seam (Model::evaluate), which this model does not give: write \
                      it as a Likelihood, whose scores are exact"
                .into(),
        })?;
    let jacobian: Vec<f64> = constraints
        .iter()
        .zip(u)
        .map(|(c, u)| c.derivative(*u))
        .collect();
    let n_coef = model
        .params()
        .iter()
        .filter(|p| p.role != Role::Auxiliary)
        .count();
    sandwich(
        cov_u,
        &jacobian,
        &scores,
        options.get_clusters(),
        cov_type,
        n_coef,
    )
    .map_err(|e| MleError::InvalidOption(e.to_string()))
}

/// Why a robust covariance cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RobustError {
    /// The small-sample factor needs more observations than coefficients.
    #[error(
        "the HC1 factor n/(n − k) needs more observations than coefficients (n = {n}, k = {k})"
    )]
    TooFewObservations {
        /// Observations.
        n: usize,
        /// Coefficients.
        k: usize,
    },
    /// Clusters given, fewer than two distinct.
    #[error("cluster-robust standard errors need at least two clusters, found {0}")]
    TooFewClusters(usize),
    /// One label per observation is needed.
    #[error("{labels} cluster labels for {n} observations: one per observation is needed")]
    ClusterLength {
        /// Labels given.
        labels: usize,
        /// Observations.
        n: usize,
    },
}

/// The robust covariance on the unconstrained scale: `C (J B J) C · factor`, for the
/// model-based covariance `cov_u` on that scale, `jacobian` = `dθⱼ/duⱼ`, the natural-scale
/// `scores`, optional cluster labels (one per observation), `cov_type` (HC0 or HC1; the
/// model-based type returns `cov_u` itself) and `n_coef` coefficients for the factor; with the
/// number of clusters, if any.
///
/// # Errors
/// [`RobustError`] when the factor or the clusters cannot be formed.
///
/// # Examples
/// ```
/// use mle::inference::sandwich;
/// use mle::model::Scores;
/// use mle::optim::CovType;
/// use nalgebra::DMatrix;
/// // the mean of y = 1, 2, 6 with known unit variance: I = n = 3, sᵢ = yᵢ − ȳ = −2, −1, 3;
/// // HC0 = I⁻¹ (Σ sᵢ²) I⁻¹ = 14/9, the plug-in variance of the mean Σ(yᵢ − ȳ)²/n²
/// let cov = DMatrix::from_element(1, 1, 1.0 / 3.0);
/// let scores = Scores { k: 1, values: vec![-2.0, -1.0, 3.0] };
/// let (v, clusters) = sandwich(&cov, &[1.0], &scores, None, CovType::Hc0, 1).unwrap();
/// assert!((v[(0, 0)] - 14.0 / 9.0).abs() < 1e-15);
/// assert_eq!(clusters, None);
/// ```
pub fn sandwich(
    cov_u: &DMatrix<f64>,
    jacobian: &[f64],
    scores: &Scores,
    clusters: Option<&[u64]>,
    cov_type: CovType,
    n_coef: usize,
) -> Result<(DMatrix<f64>, Option<usize>), RobustError> {
    if cov_type == CovType::Model {
        return Ok((cov_u.clone(), None));
    }
    let (n, k) = (scores.n_rows(), scores.k);
    // the meat on the unconstrained scale, from the scores (or their cluster sums) times J
    let (meat, groups) = match clusters {
        None => (gram_of_rows(&scores.values, k, jacobian), None),
        Some(labels) => {
            if labels.len() != n {
                return Err(RobustError::ClusterLength {
                    labels: labels.len(),
                    n,
                });
            }
            let sums = cluster_sums(scores, labels);
            let g = sums.len() / k.max(1);
            if g < 2 {
                return Err(RobustError::TooFewClusters(g));
            }
            (gram_of_rows(&sums, k, jacobian), Some(g))
        }
    };
    let factor = if cov_type == CovType::Hc1 {
        if n <= n_coef {
            return Err(RobustError::TooFewObservations { n, k: n_coef });
        }
        let (n, kc) = (n as f64, n_coef as f64);
        match groups {
            None => n / (n - kc),
            Some(g) => {
                let g = g as f64;
                g / (g - 1.0) * (n - 1.0) / (n - kc)
            }
        }
    } else {
        1.0
    };
    let v = cov_u * meat * cov_u * factor;
    // symmetric to the last bit
    let v = DMatrix::from_fn(k, k, |i, j| 0.5 * (v[(i, j)] + v[(j, i)]));
    Ok((v, groups))
}

/// `Σᵣ (J rᵣ)(J rᵣ)ᵀ` over the rows `rᵣ` (of `k` entries) of the row-major `rows`.
fn gram_of_rows(rows: &[f64], k: usize, jacobian: &[f64]) -> DMatrix<f64> {
    let mut m = DMatrix::zeros(k, k);
    for r in rows.chunks_exact(k) {
        for a in 0..k {
            let ra = r[a] * jacobian[a];
            for b in a..k {
                m[(a, b)] += ra * r[b] * jacobian[b];
            }
        }
    }
    DMatrix::from_fn(k, k, |a, b| if a <= b { m[(a, b)] } else { m[(b, a)] })
}

/// The scores summed within each cluster, the clusters in the order of their first row.
fn cluster_sums(scores: &Scores, labels: &[u64]) -> Vec<f64> {
    let k = scores.k;
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut sums: Vec<f64> = Vec::new();
    for (i, &label) in labels.iter().enumerate() {
        let g = *index.entry(label).or_insert_with(|| {
            sums.extend(std::iter::repeat_n(0.0, k));
            sums.len() / k - 1
        });
        for (s, v) in sums[g * k..(g + 1) * k].iter_mut().zip(scores.row(i)) {
            *s += v;
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clusters of one observation each give the HC0 sandwich; the CR1 factor with n clusters
    /// is `n/(n − 1) · (n − 1)/(n − k) = n/(n − k)`, HC1's.
    #[test]
    fn singleton_clusters_are_the_heteroskedastic_sandwich() {
        let cov = DMatrix::from_row_slice(2, 2, &[0.5, 0.1, 0.1, 0.25]);
        let scores = Scores {
            k: 2,
            values: vec![1.0, -0.5, -2.0, 0.25, 0.5, 1.5, 0.5, -1.25],
        };
        let labels = [7, 3, 9, 1];
        for cov_type in [CovType::Hc0, CovType::Hc1] {
            let (hc, _) = sandwich(&cov, &[1.0, 2.0], &scores, None, cov_type, 1).unwrap();
            let (cl, g) = sandwich(&cov, &[1.0, 2.0], &scores, Some(&labels), cov_type, 1).unwrap();
            assert_eq!(g, Some(4));
            assert!((hc - cl).amax() < 1e-15);
        }
    }

    #[test]
    fn one_cluster_or_wrong_labels_are_errors() {
        let cov = DMatrix::identity(1, 1);
        let scores = Scores {
            k: 1,
            values: vec![1.0, -1.0],
        };
        let one = sandwich(&cov, &[1.0], &scores, Some(&[5, 5]), CovType::Hc1, 1);
        assert_eq!(one.unwrap_err(), RobustError::TooFewClusters(1));
        let short = sandwich(&cov, &[1.0], &scores, Some(&[5]), CovType::Hc1, 1);
        assert!(matches!(short, Err(RobustError::ClusterLength { .. })));
        let tight = sandwich(&cov, &[1.0], &scores, None, CovType::Hc1, 2);
        assert!(matches!(tight, Err(RobustError::TooFewObservations { .. })));
    }
}
