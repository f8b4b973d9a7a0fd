//! Robust covariances: the sandwich `I⁻¹ B I⁻¹` from the per-observation scores that the
//! model's evaluation seam gives ([`crate::model::Model::evaluate`] with `scores`), with or
//! without clusters, and the small-sample factors of HC1 and CR1.
//!
//! With `sᵢ = ∂ℓᵢ/∂θ` at the estimate, the meat is `B = Σᵢ sᵢsᵢᵀ` (HC0), or with clusters
//! `B = Σ_g S_g S_gᵀ`, `S_g = Σ_{i∈g} sᵢ` (CR0). HC1 multiplies by `n/(n − k)` and CR1 by
//! `G/(G − 1) · (n − 1)/(n − k)`, with `k` the coefficients of the linear predictors (the
//! design's columns, not a scale or dispersion), as Stata, statsmodels' OLS and R's `sandwich`
//! (`vcovHC(type = "HC1")`, `vcovCL(type = "HC1", cadjust = TRUE)`) do (statsmodels' GLM
//! `cov_type="HC1"` is HC0: it leaves the factor out). HC2 and HC3 divide each
//! `sᵢsᵢᵀ` by `1 − hᵢ` and `(1 − hᵢ)²`, `hᵢ` the leverage (MacKinnon & White 1985; for a GLM the
//! diagonal of the weighted hat matrix, as `vcovHC` takes `hatvalues`).
//!
//! With frequency weights ([`Model::frequency_weights`]) a row's score `wᵢsᵢ` is the sum of its
//! `wᵢ` observations' scores: their meat is `Σ wᵢ sᵢsᵢᵀ` (the row's score squared over `wᵢ`),
//! `n = Σwᵢ`, and a cluster sums the rows' scores as they are; so every type equals the one of
//! the data with each row repeated `wᵢ` times.
//!
//! Two-way (and more) clustering is Cameron, Gelbach & Miller's (2011) inclusion–exclusion:
//! `B = B_A + B_B − B_{A∩B}`, each term with its own `G/(G − 1)` under CR1 (and the
//! `(n − 1)/(n − k)` once), as `vcovCL(cluster = ~a + b, multi0 = FALSE)`.
//!
//! The fit works on an unconstrained scale `u` (`σ = eᵘ`); with `J = diag(dθ/du)` the
//! information there is `J I J` (the gradient vanishes at the maximum) and the meat `J B J`, so
//! the sandwich on that scale is `C (J B J) C` with `C` the model-based covariance on it, and
//! `J C (J B J) C J = I⁻¹ B I⁻¹` on the natural scale. Intervals are built on `u` and mapped
//! back, as for the model-based covariance.

use std::collections::HashMap;

use nalgebra::DMatrix;

use crate::error::{MleError, Result};
use crate::model::{Constraint, MeatRows, Model, Role, Scores, Want};
use crate::optim::{CovType, FitOptions};

/// The covariance `options` ask for on the unconstrained scale, at the estimate `theta`
/// (natural scale; `u` unconstrained) of `model`, from the model-based `cov_u`: `cov_u` itself
/// for [`CovType::Model`], else the [`sandwich`] from the model's per-observation scores; with
/// the number of clusters of each way of clustering.
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
) -> Result<(DMatrix<f64>, Vec<usize>)> {
    let cov_type = options.get_cov_type();
    if cov_type == CovType::Model {
        return Ok((cov_u.clone(), Vec::new()));
    }
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
    let clusters = options.get_clusters();
    // HC0 to HC3 from the meat summed inside one pass, where the model forms it
    let rows = match cov_type {
        CovType::Hc2 => MeatRows::Hc2,
        CovType::Hc3 => MeatRows::Hc3,
        _ => MeatRows::Plain,
    };
    if clusters.is_empty()
        && let Some(b) = model.meat(theta, rows, cov_u)
    {
        let k = b.nrows();
        let meat_u = DMatrix::from_fn(k, k, |a, c| b[(a, c)] * jacobian[a] * jacobian[c]);
        let factor = hc_factor(cov_type, model.n_obs(), n_coef, false)
            .map_err(|e| MleError::InvalidOption(e.to_string()))?;
        return Ok((outer(cov_u, &meat_u, factor), Vec::new()));
    }
    let leverages = match cov_type {
        CovType::Hc2 | CovType::Hc3 => Some(model.leverages(theta).ok_or_else(|| {
            MleError::InvalidOption(format!(
                "{} needs the leverages of the observations, which model '{}' does not give \
                 (Model::leverages): use hc0 or hc1",
                cov_type.name(false),
                model.name()
            ))
        })?),
        _ => None,
    };
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
    let meat = Meat {
        scores: &scores,
        leverages: leverages.as_deref(),
        clusters: &clusters,
        weights: model.frequency_weights(),
    };
    sandwich(cov_u, &jacobian, meat, cov_type, n_coef)
        .map_err(|e| MleError::InvalidOption(e.to_string()))
}

/// What the meat of a sandwich is made of: the per-observation scores, their leverages (for
/// HC2 and HC3) and the cluster labels of each way of clustering (one label per observation
/// each; none for a heteroskedasticity-robust covariance).
#[derive(Debug, Clone, Copy)]
pub struct Meat<'a> {
    /// `sᵢ = ∂ℓᵢ/∂θ` on the natural scale.
    pub scores: &'a Scores,
    /// `hᵢ`, for HC2 and HC3.
    pub leverages: Option<&'a [f64]>,
    /// One slice of labels per way of clustering.
    pub clusters: &'a [&'a [u64]],
    /// Frequency weights, when each row stands for `wᵢ` observations and its score is their
    /// sum `wᵢsᵢ`.
    pub weights: Option<&'a [f64]>,
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
    /// HC2 and HC3 were asked with clusters.
    #[error("clusters go with hc0 (CR0) or hc1 (CR1), not hc2 or hc3")]
    LeverageWithClusters,
    /// HC2 and HC3 need the leverages.
    #[error("hc2 and hc3 need the leverages of the observations")]
    NoLeverages,
    /// An observation alone determines a coefficient.
    #[error(
        "row {0} has leverage 1 (it alone determines a coefficient): hc2 and hc3 are not defined; use hc0 or hc1"
    )]
    LeverageOne(usize),
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
/// model-based covariance `cov_u` on that scale, `jacobian` = `dθⱼ/duⱼ`, the `meat` ([`Meat`]),
/// `cov_type` (HC0–HC3; the model-based type returns `cov_u` itself) and `n_coef` coefficients
/// for the factor; with the number of clusters of each way of clustering.
///
/// # Errors
/// [`RobustError`] when the factor, the leverages or the clusters cannot be formed.
///
/// # Examples
/// ```
/// use mle::inference::{Meat, sandwich};
/// use mle::model::Scores;
/// use mle::optim::CovType;
/// use nalgebra::DMatrix;
/// // the mean of y = 1, 2, 6 with known unit variance: I = n = 3, sᵢ = yᵢ − ȳ = −2, −1, 3;
/// // HC0 = I⁻¹ (Σ sᵢ²) I⁻¹ = 14/9, the plug-in variance of the mean Σ(yᵢ − ȳ)²/n²
/// let cov = DMatrix::from_element(1, 1, 1.0 / 3.0);
/// let scores = Scores { k: 1, values: vec![-2.0, -1.0, 3.0] };
/// let meat = Meat { scores: &scores, leverages: None, clusters: &[], weights: None };
/// let (v, clusters) = sandwich(&cov, &[1.0], meat, CovType::Hc0, 1).unwrap();
/// assert!((v[(0, 0)] - 14.0 / 9.0).abs() < 1e-15);
/// assert!(clusters.is_empty());
/// // HC3 with the leverages 1/3 of a mean: each sᵢ² divided by (2/3)², so 9/4 of HC0
/// let h = [1.0 / 3.0; 3];
/// let meat = Meat { leverages: Some(&h), ..meat };
/// let (v3, _) = sandwich(&cov, &[1.0], meat, CovType::Hc3, 1).unwrap();
/// assert!((v3[(0, 0)] - 14.0 / 9.0 * 9.0 / 4.0).abs() < 1e-14);
/// ```
pub fn sandwich(
    cov_u: &DMatrix<f64>,
    jacobian: &[f64],
    meat: Meat<'_>,
    cov_type: CovType,
    n_coef: usize,
) -> Result<(DMatrix<f64>, Vec<usize>), RobustError> {
    if cov_type == CovType::Model {
        return Ok((cov_u.clone(), Vec::new()));
    }
    let Meat {
        scores,
        leverages,
        clusters,
        weights,
    } = meat;
    let (n, k) = (scores.n_rows(), scores.k);
    let power = match cov_type {
        CovType::Hc2 => 0.5,
        CovType::Hc3 => 1.0,
        _ => 0.0,
    };
    if power > 0.0 && !clusters.is_empty() {
        return Err(RobustError::LeverageWithClusters);
    }
    let leverages = if power > 0.0 {
        let h = leverages.ok_or(RobustError::NoLeverages)?;
        if let Some(i) = h.iter().position(|&h| h >= 1.0 - 1e-12) {
            return Err(RobustError::LeverageOne(i + 1));
        }
        Some(h)
    } else {
        None
    };
    // without clusters, scores scaled by (1 − hᵢ)^(−power)/√wᵢ, so that their squares carry
    // HC2's or HC3's weights and a weighted row's square is its observations' sum
    let frequency = weights.filter(|_| clusters.is_empty());
    let scaled;
    let scores = if leverages.is_some() || frequency.is_some() {
        let values = (0..n)
            .flat_map(|i| {
                let c = leverages.map_or(1.0, |h| (1.0 - h[i]).powf(-power))
                    / frequency.map_or(1.0, |w| w[i].sqrt());
                scores.row(i).iter().map(move |s| s * c)
            })
            .collect();
        scaled = Scores { k, values };
        &scaled
    } else {
        scores
    };
    let n_obs = crate::data::observations(n, weights);
    if let Some(labels) = clusters.iter().find(|l| l.len() != n) {
        return Err(RobustError::ClusterLength {
            labels: labels.len(),
            n,
        });
    }
    let cr1 = cov_type == CovType::Hc1;
    let (meat, groups) = if clusters.is_empty() {
        (gram_of_rows(&scores.values, k, jacobian), Vec::new())
    } else {
        multiway_meat(scores, clusters, jacobian, cr1)?
    };
    let factor = hc_factor(cov_type, n_obs, n_coef, !clusters.is_empty())?;
    Ok((outer(cov_u, &meat, factor), groups))
}

/// HC1's `n/(n − k)`, or with clusters `(n − 1)/(n − k)` (the `G/(G − 1)` of each way is in
/// the meat already); 1 for the other types.
fn hc_factor(
    cov_type: CovType,
    n: usize,
    n_coef: usize,
    clustered: bool,
) -> Result<f64, RobustError> {
    if cov_type != CovType::Hc1 {
        return Ok(1.0);
    }
    if n <= n_coef {
        return Err(RobustError::TooFewObservations { n, k: n_coef });
    }
    let (n, kc) = (n as f64, n_coef as f64);
    Ok(if clustered {
        (n - 1.0) / (n - kc)
    } else {
        n / (n - kc)
    })
}

/// `C B C · factor`, symmetric to the last bit.
fn outer(cov_u: &DMatrix<f64>, meat: &DMatrix<f64>, factor: f64) -> DMatrix<f64> {
    let k = cov_u.nrows();
    let v = cov_u * meat * cov_u * factor;
    DMatrix::from_fn(k, k, |i, j| 0.5 * (v[(i, j)] + v[(j, i)]))
}

/// `Σ_S (−1)^{|S|+1} c_S B_S` over the non-empty sets `S` of ways of clustering, `B_S` the meat
/// of the clusters of their intersection, `c_S = G_S/(G_S − 1)` under CR1 (else 1); with the
/// number of clusters of each way.
fn multiway_meat(
    scores: &Scores,
    clusters: &[&[u64]],
    jacobian: &[f64],
    cr1: bool,
) -> Result<(DMatrix<f64>, Vec<usize>), RobustError> {
    let (n, k) = (scores.n_rows(), scores.k);
    let ways = clusters.len();
    let mut meat = DMatrix::zeros(k, k);
    let mut groups = vec![0; ways];
    for set in 1..(1usize << ways) {
        let members: Vec<usize> = (0..ways).filter(|w| set >> w & 1 == 1).collect();
        let labels: Vec<u64> = if members.len() == 1 {
            clusters[members[0]].to_vec()
        } else {
            let mut index: HashMap<Vec<u64>, u64> = HashMap::new();
            (0..n)
                .map(|i| {
                    let key: Vec<u64> = members.iter().map(|&w| clusters[w][i]).collect();
                    let next = index.len() as u64;
                    *index.entry(key).or_insert(next)
                })
                .collect()
        };
        let sums = cluster_sums(scores, &labels);
        let g = sums.len() / k.max(1);
        if members.len() == 1 {
            if g < 2 {
                return Err(RobustError::TooFewClusters(g));
            }
            groups[members[0]] = g;
        }
        let adjust = if cr1 && g > 1 {
            g as f64 / (g as f64 - 1.0)
        } else {
            1.0
        };
        let sign = if members.len() % 2 == 1 { 1.0 } else { -1.0 };
        meat += gram_of_rows(&sums, k, jacobian) * (sign * adjust);
    }
    Ok((meat, groups))
}

/// `Σᵣ (J rᵣ)(J rᵣ)ᵀ` over the rows `rᵣ` (of `k` entries) of the row-major `rows`: `J (RᵀR) J`,
/// `RᵀR` by one matrix product per block of rows, in parallel.
fn gram_of_rows(rows: &[f64], k: usize, jacobian: &[f64]) -> DMatrix<f64> {
    let m = crate::linalg::gram(rows, k);
    DMatrix::from_fn(k, k, |a, b| m[(a, b)] * jacobian[a] * jacobian[b])
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
            let none = Meat {
                scores: &scores,
                leverages: None,
                clusters: &[],
                weights: None,
            };
            let (hc, _) = sandwich(&cov, &[1.0, 2.0], none, cov_type, 1).unwrap();
            let one = Meat {
                clusters: &[&labels],
                ..none
            };
            let (cl, g) = sandwich(&cov, &[1.0, 2.0], one, cov_type, 1).unwrap();
            assert_eq!(g, [4]);
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
        let meat = |clusters| Meat {
            scores: &scores,
            leverages: None,
            clusters,
            weights: None,
        };
        let one = sandwich(&cov, &[1.0], meat(&[&[5, 5]]), CovType::Hc1, 1);
        assert_eq!(one.unwrap_err(), RobustError::TooFewClusters(1));
        let short = sandwich(&cov, &[1.0], meat(&[&[5]]), CovType::Hc1, 1);
        assert!(matches!(short, Err(RobustError::ClusterLength { .. })));
        let tight = sandwich(&cov, &[1.0], meat(&[]), CovType::Hc1, 2);
        assert!(matches!(tight, Err(RobustError::TooFewObservations { .. })));
        let h = [1.0, 0.0];
        let levered = Meat {
            leverages: Some(&h),
            ..meat(&[])
        };
        let one = sandwich(&cov, &[1.0], levered, CovType::Hc3, 1);
        assert_eq!(one.unwrap_err(), RobustError::LeverageOne(1));
    }
}
