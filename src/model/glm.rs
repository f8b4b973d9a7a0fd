//! One pass over the rows of a linear-predictor model.
//!
//! For a log-likelihood `ℓ(β) = Σᵢ fᵢ(ηᵢ)` with `ηᵢ = xᵢβ`, the chain rule gives
//!
//! - `∇ℓ = Σᵢ fᵢ'(ηᵢ) xᵢ = Xᵀ f'`,
//! - `∇²ℓ = Σᵢ fᵢ''(ηᵢ) xᵢxᵢᵀ = Xᵀ diag(f'') X`,
//!
//! so value, gradient and Hessian need only the three numbers `(fᵢ, fᵢ', fᵢ'')` per row and one
//! sweep over `X`. [`linear_pass`] does that sweep in blocks of rows that stay in cache: the
//! linear predictor of a block and the gradient as a sum of scaled rows (both four rows at a
//! time), the row terms, and the Hessian as one matrix product `(diag(f'') X_b)ᵀ X_b` per block
//! (nalgebra's `gemm`, which runs matrixmultiply's SIMD kernels). [`linear_pass_log`] takes the
//! logarithms in the row terms once per 512 rows. Blocks run in parallel on rayon's pool (`RAYON_NUM_THREADS`
//! sets its size). Sums are taken per block and then across blocks, which keeps the rounding of
//! `Σ fᵢ` near `(B + n/B)·ε` relative instead of `n·ε`.
//!
//! The built-in models use this for speed; the test suite checks every one of them against the
//! reverse-mode autodiff gradient of their tensor expression and against the autodiff-only fit
//! ([`crate::FitOptions::closed_form`]).

use nalgebra::{DMatrix, DMatrixView, Dyn};
use rayon::prelude::*;

/// Rows whose factors `bᵢ ∈ [½, 2]` are multiplied before one logarithm is taken: the product
/// stays within `2^±512` and its rounding below 512·ε/2 relative, so `ln Πbᵢ` is off from
/// `Σ ln bᵢ` by less than 5.7e-14 absolute per product.
const ROWS_PER_LOG: usize = 512;

/// Rows per block: about 256 KiB of `X` (within the L2 cache), at least 64 rows.
pub(crate) fn block_rows(p: usize) -> usize {
    (32 * 1024 / p.max(1)).max(64)
}

/// Value, gradient and (optionally) Hessian of `ℓ` with respect to the coefficients `β`.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivatives {
    /// `ℓ`.
    pub value: f64,
    /// `∂ℓ/∂θ`.
    pub gradient: Vec<f64>,
    /// `∂²ℓ/∂θ∂θᵀ`, when asked for.
    pub hessian: Option<DMatrix<f64>>,
}

/// Running sums of one block or of many.
struct Sums {
    value: f64,
    gradient: Vec<f64>,
    hessian: Option<DMatrix<f64>>,
}

impl Sums {
    fn zero(p: usize, hessian: bool) -> Self {
        Self {
            value: 0.0,
            gradient: vec![0.0; p],
            hessian: hessian.then(|| DMatrix::zeros(p, p)),
        }
    }

    fn add(&mut self, other: &Sums) {
        self.value += other.value;
        for (a, b) in self.gradient.iter_mut().zip(&other.gradient) {
            *a += b;
        }
        if let (Some(a), Some(b)) = (&mut self.hessian, &other.hessian) {
            *a += b;
        }
    }
}

/// Per-thread scratch space: the block's sums, the linear predictor, the first derivatives
/// and the scaled rows.
struct Scratch {
    total: Sums,
    block: Sums,
    eta: Vec<f64>,
    d1: Vec<f64>,
    scaled: Vec<f64>,
}

/// `Σ fᵢ(ηᵢ)` with its gradient and, if `hessian`, its Hessian in `β`, for the row-major `n × p`
/// design `x`. `row(i, ηᵢ)` returns `(fᵢ, fᵢ', fᵢ'')` for row `i`.
///
/// # Examples
/// ```
/// use mle::model::linear_pass;
/// // least squares as a "likelihood": fᵢ = −(yᵢ − ηᵢ)²/2, f' = yᵢ − ηᵢ, f'' = −1
/// let x = [1.0, 0.0, 1.0, 1.0, 1.0, 2.0]; // intercept and x = 0, 1, 2
/// let y = [1.0, 3.0, 5.0];
/// let d = linear_pass(&x, 2, &[1.0, 2.0], true, |i, eta| {
///     let r = y[i] - eta;
///     (-0.5 * r * r, r, -1.0)
/// });
/// assert_eq!(d.value, 0.0); // y = 1 + 2x exactly
/// assert_eq!(d.gradient, vec![0.0, 0.0]);
/// let h = d.hessian.unwrap(); // −XᵀX
/// assert_eq!((h[(0, 0)], h[(0, 1)], h[(1, 1)]), (-3.0, -3.0, -5.0));
/// ```
///
/// # Panics
/// When `x.len()` is not a multiple of `p` or `beta.len() != p` (programming errors).
pub fn linear_pass<F>(x: &[f64], p: usize, beta: &[f64], hessian: bool, row: F) -> Derivatives
where
    F: Fn(usize, f64) -> (f64, f64, f64) + Sync,
{
    linear_pass_log(x, p, beta, hessian, |i, eta| {
        let (f, d1, d2) = row(i, eta);
        (f, 1.0, d1, d2)
    })
}

/// As [`linear_pass`] for row terms with a logarithm, `fᵢ = aᵢ + ln bᵢ` with `½ ≤ bᵢ ≤ 2`:
/// `row(i, ηᵢ)` returns `(aᵢ, bᵢ, fᵢ', fᵢ'')`. The factors are multiplied, 512 rows at a time,
/// and one logarithm is taken per product instead of one per row (the log-partition
/// `ln σ(|η|)` of the logistic model costs more than the rest of its row terms); the sum
/// moves by less than 5.7e-14 per 512 rows, far below the rounding of a sum of many terms.
///
/// # Examples
/// ```
/// use mle::model::{linear_pass, linear_pass_log};
/// let x = [1.0, -2.0, 1.0, 0.5, 1.0, 3.0];
/// // ln σ(−η) = −max(η, 0) + ln σ(|η|), with σ(|η|) in [½, 1]
/// let log_tail = |_: usize, eta: f64| (-eta.max(0.0), 1.0 / (1.0 + (-eta.abs()).exp()), 0.0, 0.0);
/// let by_rows = linear_pass(&x, 2, &[0.1, 0.7], false, |i, eta| {
///     let (a, b, _, _) = log_tail(i, eta);
///     (a + b.ln(), 0.0, 0.0)
/// });
/// let by_products = linear_pass_log(&x, 2, &[0.1, 0.7], false, log_tail);
/// assert!((by_products.value - by_rows.value).abs() < 1e-15);
/// ```
///
/// # Panics
/// As [`linear_pass`].
pub fn linear_pass_log<F>(x: &[f64], p: usize, beta: &[f64], hessian: bool, row: F) -> Derivatives
where
    F: Fn(usize, f64) -> (f64, f64, f64, f64) + Sync,
{
    assert!(
        p > 0 && x.len().is_multiple_of(p),
        "x is not a whole number of rows"
    );
    assert_eq!(beta.len(), p, "one coefficient per column");
    let rows = block_rows(p);
    let scratch = || Scratch {
        total: Sums::zero(p, hessian),
        block: Sums::zero(p, hessian),
        eta: Vec::with_capacity(rows),
        d1: Vec::with_capacity(rows),
        scaled: Vec::with_capacity(if hessian { rows * p } else { 0 }),
    };
    let sums = x
        .par_chunks(rows * p)
        .enumerate()
        .fold(scratch, |mut s, (b, xb)| {
            block(&mut s, xb, p, b * rows, beta, &row);
            s.total.add(&s.block);
            s
        })
        .map(|s| s.total)
        .reduce(
            || Sums::zero(p, hessian),
            |mut a, b| {
                a.add(&b);
                a
            },
        );
    Derivatives {
        value: sums.value,
        gradient: sums.gradient,
        hessian: sums.hessian,
    }
}

/// The sums of one block of rows starting at row `first`, into `s.block`.
fn block<F>(s: &mut Scratch, xb: &[f64], p: usize, first: usize, beta: &[f64], row: &F)
where
    F: Fn(usize, f64) -> (f64, f64, f64, f64),
{
    let m = xb.len() / p;
    linear_predictor_into(&mut s.eta, xb, beta);
    s.scaled.clear();
    let want_hessian = s.block.hessian.is_some();
    let (mut value, mut product) = (0.0, 1.0);
    s.d1.clear();
    for (k, (xr, &eta)) in xb.chunks_exact(p).zip(&s.eta).enumerate() {
        let (a, b, d1, d2) = row(first + k, eta);
        debug_assert!((0.5..=2.0).contains(&b), "factor {b} out of [1/2, 2]");
        value += a;
        product *= b;
        if k % ROWS_PER_LOG == ROWS_PER_LOG - 1 {
            value += product.ln();
            product = 1.0;
        }
        s.d1.push(d1);
        if want_hessian {
            s.scaled.extend(xr.iter().map(|x| d2 * x));
        }
    }
    s.block.value = value + product.ln();
    scaled_row_sum(&mut s.block.gradient, xb, &s.d1);
    if let Some(h) = &mut s.block.hessian {
        // columns of `scaled_t` (p × m) are fᵢ'' xᵢ; `xb_rows` (m × p) is the block itself
        let scaled_t = DMatrixView::from_slice(&s.scaled, p, m);
        h.gemm(1.0, &scaled_t, &rows_view(xb, p), 0.0);
    }
}

/// `η = Xβ` for the row-major block `xb` into `eta`, four rows at a time (four independent sums
/// in flight).
fn linear_predictor_into(eta: &mut Vec<f64>, xb: &[f64], beta: &[f64]) {
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

/// `g = Σᵢ wᵢ xᵢ` over the rows `xᵢ` of the row-major block `xb`, four rows at a time: each
/// entry of `g` is loaded and stored once per four rows, not once per row.
fn scaled_row_sum(g: &mut [f64], xb: &[f64], w: &[f64]) {
    let p = g.len();
    g.fill(0.0);
    let mut fours = xb.chunks_exact(4 * p);
    let mut weights = w.chunks_exact(4);
    for (x, w) in (&mut fours).zip(&mut weights) {
        let (x0, x) = x.split_at(p);
        let (x1, x) = x.split_at(p);
        let (x2, x3) = x.split_at(p);
        for j in 0..p {
            g[j] += w[0] * x0[j] + w[1] * x1[j] + w[2] * x2[j] + w[3] * x3[j];
        }
    }
    for (x, w) in fours.remainder().chunks_exact(p).zip(weights.remainder()) {
        for (g, x) in g.iter_mut().zip(x) {
            *g += w * x;
        }
    }
}

/// The row-major block `xb` of `p` columns as an `m × p` matrix, in place.
fn rows_view(xb: &[f64], p: usize) -> DMatrixView<'_, f64, Dyn, Dyn> {
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
    x.chunks_exact(p).map(|r| dot(r, beta)).collect()
}

/// `Σ aⱼ bⱼ`.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pass over many blocks equals the textbook sums row by row (closed form for a
    /// quadratic row function), including a ragged last block.
    #[test]
    fn blocks_add_up() {
        let p = 3;
        let n = 3 * block_rows(p) + 17;
        let x: Vec<f64> = (0..n * p)
            .map(|k| ((k * 7919) % 101) as f64 / 50.0 - 1.0)
            .collect();
        let beta = [0.3, -0.2, 0.5];
        let row = |i: usize, eta: f64| (eta * eta + i as f64, 2.0 * eta, 2.0);
        let d = linear_pass(&x, p, &beta, true, row);
        let (mut v, mut g, mut h) = (0.0, [0.0; 3], [[0.0; 3]; 3]);
        for (i, r) in x.chunks(p).enumerate() {
            let eta = dot(r, &beta);
            v += eta * eta + i as f64;
            for a in 0..p {
                g[a] += 2.0 * eta * r[a];
                for b in 0..p {
                    h[a][b] += 2.0 * r[a] * r[b];
                }
            }
        }
        // sums of ~3·10⁴ terms in different orders: agreement to ~1e-12 relative
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
        assert!(close(d.value, v));
        let hd = d.hessian.unwrap();
        for a in 0..p {
            assert!(close(d.gradient[a], g[a]), "{a}");
            for b in 0..p {
                assert!(close(hd[(a, b)], h[a][b]), "{a} {b}");
            }
        }
        // XᵀX: half the Hessian of Σ ηᵢ² + i
        let g = gram(&x, p);
        for a in 0..p {
            for b in 0..p {
                assert!(close(2.0 * g[(a, b)], h[a][b]), "{a} {b}");
            }
        }
        // ln σ(−η) per row against one logarithm per 512 rows: equal to the rounding of the sum
        let tail = |_: usize, eta: f64| {
            let r = 1.0 / (1.0 + (-eta.abs()).exp());
            (-eta.max(0.0), r, 0.0, 0.0)
        };
        let by_products = linear_pass_log(&x, p, &beta, false, tail).value;
        let by_rows: f64 = x
            .chunks(p)
            .map(|r| {
                let (a, b, _, _) = tail(0, dot(r, &beta));
                a + b.ln()
            })
            .sum();
        assert!(close(by_products, by_rows), "{by_products} vs {by_rows}");
        let without = linear_pass(&x, p, &beta, false, row);
        assert!(without.hessian.is_none());
        assert_eq!(without.gradient.len(), p);
    }
}
