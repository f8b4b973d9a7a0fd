//! Linear algebra shared by every layer: the blocks of rows the passes over a design work in and
//! their prefetch, `Xβ`, `XᵀWX` ([`Gram`]), and the symmetric diagonal scaling of the Newton
//! steps and the covariance.

use nalgebra::{DMatrix, DMatrixView, Dyn};
use rayon::prelude::*;

mod gram;

pub(crate) use gram::Gram;

/// Rows per block: about 256 KiB of `X` (within the L2 cache), at least 64 rows.
pub(crate) fn block_rows(p: usize) -> usize {
    (32 * 1024 / p.max(1)).max(64)
}

/// The row-major block `xb` of `p` columns as an `m × p` matrix, in place.
pub(crate) fn rows_view(xb: &[f64], p: usize) -> DMatrixView<'_, f64, Dyn, Dyn> {
    DMatrixView::from_slice_with_strides_generic(xb, Dyn(xb.len() / p), Dyn(p), Dyn(p), Dyn(1))
}

/// The block of `len` values after block `b` of `x` (blocks of `len` values each; empty after
/// the last).
pub(crate) fn next_block(x: &[f64], b: usize, len: usize) -> &[f64] {
    let start = (b + 1).saturating_mul(len).min(x.len());
    &x[start..start.saturating_add(len).min(x.len())]
}

/// Asks the processor to bring the part of the row-major block `next` (`p` columns) due at
/// row `k` into its cache: `⌊p/8⌋ + 1` lines of 64 bytes per row, more than a row holds, so
/// that the whole block is asked for before its last rows are due. Nothing elsewhere than on
/// x86-64.
///
/// A pass over a design works on one block of rows at a time: the linear predictor streams
/// the block from memory, then the row terms and the sums work on it from the cache. Between
/// blocks the processor's own prefetcher loses the stream and starts again; asking for the next
/// block while this one is worked on keeps the memory busy throughout. Measured with `mle fit`
/// (n = 10⁶, p = 11, one thread, Intel Xeon, best of seven, alternating): Poisson 0.212 →
/// 0.187 s, logistic 0.205 → 0.165 s, Gamma 0.189 → 0.158 s.
#[inline(always)]
pub(crate) fn prefetch_row(next: &[f64], k: usize, p: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let step = (p / 8 + 1) * 8;
        let end = ((k + 1) * step).min(next.len());
        let mut at = k * step;
        while at < end {
            // SAFETY: `at < next.len()`: the address lies within `next`; a prefetch never faults.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(next.as_ptr().add(at).cast()) };
            at += 8;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (next, k, p);
}

/// `XᵀX` of the row-major `n × p` design `x`: [`weighted_gram`] with unit weights.
pub(crate) fn gram(x: &[f64], p: usize) -> DMatrix<f64> {
    let ones = vec![1.0; block_rows(p)];
    sum_of_blocks(x, p, |g, xb, _| g.add(xb, &ones[..xb.len() / p]))
}

/// The sum over the blocks of rows of `x` of what `add` makes of each (given the block and the
/// index of its first row): one [`Gram`] per block, the blocks' sums then added, in parallel.
fn sum_of_blocks<A>(x: &[f64], p: usize, add: A) -> DMatrix<f64>
where
    A: Fn(&mut Gram, &[f64], usize) + Sync,
{
    let rows = block_rows(p);
    x.par_chunks(rows * p)
        .enumerate()
        .fold(
            || (Gram::new(p), DMatrix::zeros(p, p)),
            |(mut g, mut total), (b, xb)| {
                g.clear();
                add(&mut g, xb, b * rows);
                g.add_to(&mut total);
                (g, total)
            },
        )
        .map(|(_, total)| total)
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

/// `Xᵀ diag(w) X` of the row-major `n × p` design `x`: one rank update per block of rows
/// ([`Gram`]), the blocks' sums added.
pub(crate) fn weighted_gram(x: &[f64], p: usize, w: &[f64]) -> DMatrix<f64> {
    sum_of_blocks(x, p, |g, xb, first| {
        g.add(xb, &w[first..first + xb.len() / p]);
    })
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
