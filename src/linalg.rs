//! Linear algebra shared by every layer: the blocks of rows the passes over a design work in,
//! `Xβ`, `XᵀX`, and the symmetric diagonal scaling of the Newton steps and the covariance.

use nalgebra::{DMatrix, DMatrixView, Dyn};
use rayon::prelude::*;

/// Rows per block: about 256 KiB of `X` (within the L2 cache), at least 64 rows.
pub(crate) fn block_rows(p: usize) -> usize {
    (32 * 1024 / p.max(1)).max(64)
}

/// The row-major block `xb` of `p` columns as an `m × p` matrix, in place.
pub(crate) fn rows_view(xb: &[f64], p: usize) -> DMatrixView<'_, f64, Dyn, Dyn> {
    DMatrixView::from_slice_with_strides_generic(xb, Dyn(xb.len() / p), Dyn(p), Dyn(p), Dyn(1))
}

/// `XᵀX` of the row-major `n × p` design `x`: one matrix product per block of rows, summed.
pub(crate) fn gram(x: &[f64], p: usize) -> DMatrix<f64> {
    x.par_chunks(block_rows(p) * p)
        .fold(
            || DMatrix::zeros(p, p),
            |mut h, xb| {
                // the row-major block read column-major is its transpose
                let xb_t = DMatrixView::from_slice(xb, p, xb.len() / p);
                h.gemm(1.0, &xb_t, &rows_view(xb, p), 1.0);
                h
            },
        )
        .reduce(|| DMatrix::zeros(p, p), |a, b| a + b)
}

/// `η = Xβ` for the row-major `n × p` design `x`.
pub(crate) fn linear_predictor(x: &[f64], p: usize, beta: &[f64]) -> Vec<f64> {
    debug_assert_eq!(beta.len(), p);
    let mut eta = Vec::with_capacity(x.len() / p.max(1));
    linear_predictor_into(&mut eta, x, beta);
    eta
}

/// `η = Xβ` for the row-major block `xb` into `eta`, four rows at a time (four independent sums
/// in flight).
pub(crate) fn linear_predictor_into(eta: &mut Vec<f64>, xb: &[f64], beta: &[f64]) {
    let p = beta.len();
    eta.clear();
    let mut fours = xb.chunks_exact(4 * p);
    for x in &mut fours {
        let (x0, x) = x.split_at(p);
        let (x1, x) = x.split_at(p);
        let (x2, x3) = x.split_at(p);
        let mut e = [0.0; 4];
        for j in 0..p {
            e[0] += x0[j] * beta[j];
            e[1] += x1[j] * beta[j];
            e[2] += x2[j] * beta[j];
            e[3] += x3[j] * beta[j];
        }
        eta.extend_from_slice(&e);
    }
    eta.extend(fours.remainder().chunks_exact(p).map(|r| dot(r, beta)));
}

/// `Σ aⱼ bⱼ`.
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// Symmetric diagonal (Jacobi) scaling of a symmetric matrix: `(SMS, s)` with
/// `S = diag(s)`, `sᵢ = 1/√|mᵢᵢ|` (1 where that is zero or not finite), so that `SMS` has a unit
/// diagonal. Factorizations of `SMS` see the correlation structure of `M` rather than the units
/// of the parameters: a year next to an intercept makes `XᵀX` of NIST's Longley data
/// 10¹⁹-conditioned, its scaled form 10⁹.
pub(crate) fn jacobi_scaling(m: &DMatrix<f64>) -> (DMatrix<f64>, Vec<f64>) {
    let n = m.nrows();
    let s: Vec<f64> = (0..n)
        .map(|j| {
            let v = m[(j, j)].abs();
            if v > 0.0 && v.is_finite() {
                1.0 / v.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    (DMatrix::from_fn(n, n, |i, j| m[(i, j)] * s[i] * s[j]), s)
}

/// `Xᵀ diag(w) X` of the row-major `n × p` design `x`: one matrix product per block of rows.
pub(crate) fn weighted_gram(x: &[f64], p: usize, w: &[f64]) -> DMatrix<f64> {
    let rows = block_rows(p);
    x.par_chunks(rows * p)
        .zip(w.par_chunks(rows))
        .fold(
            || DMatrix::zeros(p, p),
            |mut h, (xb, wb)| {
                let m = wb.len();
                let wx = DMatrix::from_fn(m, p, |i, j| xb[i * p + j] * wb[i]);
                let xb_t = DMatrixView::from_slice(xb, p, m);
                h.gemm(1.0, &xb_t, &wx, 1.0);
                h
            },
        )
        .reduce(|| DMatrix::zeros(p, p), |a, b| a + b)
}

/// The leverages `hᵢ = wᵢ xᵢᵀ M xᵢ` of the rows of the row-major design `x` with weights `w`,
/// for `M = (XᵀWX)⁻¹` (the diagonal of the weighted hat matrix).
pub(crate) fn leverages(x: &[f64], p: usize, w: &[f64], inverse: &DMatrix<f64>) -> Vec<f64> {
    x.par_chunks_exact(p)
        .zip(w.par_iter())
        .map(|(row, &wi)| wi * quadratic_form(inverse, row))
        .collect()
}

/// `xᵀAx` for a square `A` of `x.len()` columns.
#[inline]
pub(crate) fn quadratic_form(a: &DMatrix<f64>, x: &[f64]) -> f64 {
    (0..x.len())
        .map(|j| x[j] * dot(a.column(j).as_slice(), x))
        .sum()
}
