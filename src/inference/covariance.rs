//! The covariance of the estimates: the inverse of the observed information `I = −H`, computed
//! by Cholesky after symmetric diagonal scaling (the scaling of the Newton steps). When `I` is
//! not positive definite, the eigenvector of its smallest eigenvalue names the direction the data
//! cannot identify.

use nalgebra::{DMatrix, SymmetricEigen};

/// Eigenvalues of the scaled information below this fraction of the largest count as zero.
pub const IDENTIFICATION_TOL: f64 = 1e-12;

/// A direction in parameter space along which the log-likelihood is flat or curves upward.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NotIdentified {
    /// The smallest eigenvalue of the (scaled) information matrix.
    pub eigenvalue: f64,
    /// Its eigenvector, by parameter name, largest components first (those above 0.05).
    pub direction: Vec<(String, f64)>,
}

impl NotIdentified {
    /// A sentence for users.
    pub fn explain(&self) -> String {
        let dir = self
            .direction
            .iter()
            .map(|(n, v)| format!("{v:+.3}·{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        let what = if self.eigenvalue < 0.0 {
            "the Hessian is not negative definite (not a maximum)"
        } else {
            "the information matrix is singular"
        };
        format!(
            "{what}: the data do not identify the direction ({dir}); standard errors are not \
             available. Remove or combine the collinear parameters"
        )
    }
}

/// `I⁻¹` for a symmetric information matrix `I` (the negated Hessian), or the direction that is
/// not identified.
///
/// # Errors
/// [`NotIdentified`] when the scaled `I` is not numerically positive definite.
pub fn covariance(info: &DMatrix<f64>, names: &[String]) -> Result<DMatrix<f64>, NotIdentified> {
    let p = info.nrows();
    let d: Vec<f64> = (0..p).map(|j| info[(j, j)]).collect();
    let nonpositive = d.iter().any(|v| v.is_nan() || *v <= 0.0 || v.is_infinite());
    let (scaled, s) = crate::linalg::jacobi_scaling(info);
    if !nonpositive && let Some(chol) = scaled.clone().cholesky() {
        let eig_min_ok = {
            // Cholesky succeeds on matrices with eigenvalues ~1e-17; require a margin.
            let l = chol.l();
            let diag_min = (0..p).map(|j| l[(j, j)]).fold(f64::INFINITY, f64::min);
            diag_min * diag_min > IDENTIFICATION_TOL
        };
        if eig_min_ok {
            let inv = chol.inverse();
            return Ok(DMatrix::from_fn(p, p, |i, j| inv[(i, j)] * s[i] * s[j]));
        }
    }
    let eig = SymmetricEigen::new(scaled);
    let (k, &eigenvalue) = eig
        .eigenvalues
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .expect("p ≥ 1");
    let v = eig.eigenvectors.column(k);
    // back to the original scale and normalized
    let raw: Vec<f64> = (0..p).map(|j| v[j] * s[j]).collect();
    let norm = raw.iter().map(|x| x * x).sum::<f64>().sqrt();
    let sign = if raw
        .iter()
        .fold(0.0, |m: f64, x| if x.abs() > m.abs() { *x } else { m })
        < 0.0
    {
        -1.0
    } else {
        1.0
    };
    let mut direction: Vec<(String, f64)> = names
        .iter()
        .cloned()
        .zip(raw.iter().map(|x| sign * x / norm))
        .filter(|(_, x)| x.abs() > 0.05)
        .collect();
    direction.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    Err(NotIdentified {
        eigenvalue,
        direction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_a_known_matrix() {
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8 (closed form)
        let a = DMatrix::from_row_slice(2, 2, &[4.0, 2.0, 2.0, 3.0]);
        let c = covariance(&a, &["a".into(), "b".into()]).unwrap();
        let expect = DMatrix::from_row_slice(2, 2, &[3.0, -2.0, -2.0, 4.0]) / 8.0;
        assert!((c - expect).amax() < 1e-15);
    }

    #[test]
    fn singular_matrix_names_the_direction() {
        // b duplicates a: the direction (a − b)/√2 is not identified
        let a = DMatrix::from_row_slice(2, 2, &[1.0, 1.0, 1.0, 1.0]);
        let e = covariance(&a, &["a".into(), "b".into()]).unwrap_err();
        assert_eq!(e.direction.len(), 2);
        assert!((e.direction[0].1.abs() - 0.5f64.sqrt()).abs() < 1e-12);
        assert!(e.direction[0].1 * e.direction[1].1 < 0.0);
    }
}
