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
//! time), the row terms, and the Hessian's upper triangle as a rank update by four rows at a
//! time (`linalg::Gram`, with fused multiply-add where the processor has it).
//! [`linear_pass_log`] takes the logarithms in the row terms once per 512 rows. Blocks run in
//! parallel on rayon's pool (`RAYON_NUM_THREADS` sets its size). Sums are taken per block and then across blocks, which keeps the rounding of
//! `Σ fᵢ` near `(B + n/B)·ε` relative instead of `n·ε`.
//!
//! A model with one auxiliary parameter `a` besides `β` (a dispersion, a shape, a scale) adds
//! `∂fᵢ/∂a`, `∂²fᵢ/∂a²` and `∂²fᵢ/∂η∂a` per row ([`RowTerms`]): the gradient gains `Σ ∂fᵢ/∂a`
//! and the Hessian the border `Xᵀ ∂²f/∂η∂a` and the corner `Σ ∂²fᵢ/∂a²`.
//!
//! The built-in families use this for speed; the test suite checks every one of them against
//! the reverse-mode autodiff gradient of their tensor expression and against the autodiff-only
//! fit ([`crate::FitOptions::closed_form`]).

use nalgebra::DMatrix;
use rayon::prelude::*;

use super::evaluation::{Evaluation, Scores, Want};
use crate::linalg::{Gram, block_rows, linear_predictor_into, next_block, prefetch_row};

/// Rows whose factors `bᵢ ∈ [½, 2]` are multiplied before one logarithm is taken: the product
/// stays within `2^±512` and its rounding below 512·ε/2 relative, so `ln Πbᵢ` is off from
/// `Σ ln bᵢ` by less than 5.7e-14 absolute per product.
const ROWS_PER_LOG: usize = 512;

/// What one row contributes, as a function of its linear predictor `η` and (for a model with
/// one auxiliary parameter `a`, such as a dispersion or a scale) of `a`: the log-likelihood
/// term `fᵢ = valueᵢ + ln factorᵢ` and its derivatives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowTerms {
    /// The part of `fᵢ` without a logarithm taken by the pass.
    pub value: f64,
    /// A factor in `[½, 2]` whose logarithm belongs to `fᵢ` (1 for none): the pass takes one
    /// logarithm per 512 rows of their product instead of one per row.
    pub factor: f64,
    /// `∂fᵢ/∂η`.
    pub d1: f64,
    /// `∂²fᵢ/∂η²`.
    pub d2: f64,
    /// `∂fᵢ/∂a`.
    pub da: f64,
    /// `∂²fᵢ/∂a²`.
    pub daa: f64,
    /// `∂²fᵢ/∂η∂a`.
    pub dea: f64,
}

impl RowTerms {
    /// Terms without an auxiliary parameter: `fᵢ`, `fᵢ'`, `fᵢ''`.
    pub fn new(value: f64, d1: f64, d2: f64) -> Self {
        Self {
            value,
            factor: 1.0,
            d1,
            d2,
            da: 0.0,
            daa: 0.0,
            dea: 0.0,
        }
    }

    /// With the auxiliary parameter's `∂fᵢ/∂a`, `∂²fᵢ/∂a²` and `∂²fᵢ/∂η∂a`.
    #[must_use]
    pub fn with_aux(mut self, da: f64, daa: f64, dea: f64) -> Self {
        (self.da, self.daa, self.dea) = (da, daa, dea);
        self
    }

    /// The terms of a row standing for `w` observations (a frequency weight): each term times
    /// `w`, the factor's logarithm taken here (`factorʷ` need not lie in `[½, 2]`).
    #[must_use]
    pub fn weighted(self, w: f64) -> Self {
        Self {
            value: w * (self.value + self.factor.ln()),
            factor: 1.0,
            d1: w * self.d1,
            d2: w * self.d2,
            da: w * self.da,
            daa: w * self.daa,
            dea: w * self.dea,
        }
    }
}

/// The layout of the parameters of a pass: `p` coefficients, then the auxiliary parameter if
/// any; and which blocks of the Hessian the pass forms (not those the caller has already).
#[derive(Debug, Clone, Copy)]
struct Layout {
    p: usize,
    aux: bool,
    /// `Xᵀ diag(f'') X`.
    xwx: bool,
    /// `Xᵀ ∂²f/∂η∂a`.
    cross: bool,
}

/// Which blocks of the Hessian a pass leaves to its caller.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Known {
    /// `Xᵀ diag(f'') X` (a curvature that is the same in every row times `XᵀX`).
    pub xwx: bool,
    /// `Xᵀ ∂²f/∂η∂a` (a multiple of the gradient).
    pub cross: bool,
}

impl Layout {
    /// All parameters.
    fn k(self) -> usize {
        self.p + usize::from(self.aux)
    }
}

/// Running sums of one block or of many.
struct Sums {
    value: f64,
    gradient: Vec<f64>,
    /// Whether the Hessian's sums are taken.
    hessian: bool,
    /// `Σ fᵢ'' xᵢxᵢᵀ`, when wanted.
    xwx: Option<DMatrix<f64>>,
    /// `Σ ∂²fᵢ/∂η∂a xᵢ`, `Σ ∂fᵢ/∂a`, `Σ ∂²fᵢ/∂a²`.
    cross: Vec<f64>,
    da: f64,
    daa: f64,
}

impl Sums {
    fn zero(layout: Layout, hessian: bool) -> Self {
        let (p, aux) = (layout.p, layout.aux);
        Self {
            value: 0.0,
            gradient: vec![0.0; p],
            hessian,
            xwx: (hessian && layout.xwx).then(|| DMatrix::zeros(p, p)),
            cross: vec![0.0; if aux && hessian && layout.cross { p } else { 0 }],
            da: 0.0,
            daa: 0.0,
        }
    }

    fn add(&mut self, other: &Sums) {
        self.value += other.value;
        add_to(&mut self.gradient, &other.gradient);
        add_to(&mut self.cross, &other.cross);
        if let (Some(a), Some(b)) = (&mut self.xwx, &other.xwx) {
            *a += b;
        }
        self.da += other.da;
        self.daa += other.daa;
    }

    /// The evaluation these sums make for `layout`.
    fn into_evaluation(self, layout: Layout, want: Want, scores: Option<Vec<f64>>) -> Evaluation {
        let (p, k) = (layout.p, layout.k());
        let mut gradient = self.gradient;
        if layout.aux {
            gradient.push(self.da);
        }
        let xwx = self.xwx;
        let hessian = self.hessian.then(|| {
            let mut h = DMatrix::zeros(k, k);
            if let Some(xwx) = xwx {
                h.view_mut((0, 0), (p, p)).copy_from(&xwx);
            }
            if layout.aux {
                for (j, c) in self.cross.iter().enumerate() {
                    h[(j, p)] = *c;
                    h[(p, j)] = *c;
                }
                h[(p, p)] = self.daa;
            }
            h
        });
        Evaluation {
            value: self.value,
            gradient: (want.gradient || want.hessian).then_some(gradient),
            hessian,
            scores: scores.map(|values| Scores { k, values }),
        }
    }
}

fn add_to(a: &mut [f64], b: &[f64]) {
    for (a, b) in a.iter_mut().zip(b) {
        *a += b;
    }
}

/// Per-thread scratch space: the block's sums, the linear predictor, the first, cross and second
/// derivatives and the block's share of `Xᵀ diag(f'') X`.
struct Scratch {
    /// Whether the gradient is summed (not for a value alone).
    want_gradient: bool,
    total: Sums,
    block: Sums,
    eta: Vec<f64>,
    d1: Vec<f64>,
    dea: Vec<f64>,
    d2: Vec<f64>,
    gram: Gram,
}

/// `Σ fᵢ` with what `want` asks for, for a row-major `n × p` design `x`, coefficients `beta`
/// and, if `aux`, one auxiliary parameter after them; `row(i, ηᵢ)` gives row `i`'s
/// [`RowTerms`].
///
/// The gradient is `(Xᵀf', Σ ∂fᵢ/∂a)`, the Hessian `[[Xᵀ diag(f'') X, Xᵀ ∂²f/∂η∂a],
/// [·, Σ ∂²fᵢ/∂a²]]`, the score of row `i` `(fᵢ' xᵢ, ∂fᵢ/∂a)`. Blocks of rows (about 256 KiB of
/// `x` each) run in parallel on rayon's pool and are summed per block, then across blocks.
///
/// # Panics
/// When `x.len()` is not a multiple of `p` or `beta.len() != p` (programming errors).
pub fn pass<F>(x: &[f64], p: usize, beta: &[f64], aux: bool, want: Want, row: F) -> Evaluation
where
    F: Fn(usize, f64) -> RowTerms + Sync,
{
    pass_leaving(x, p, beta, aux, Known::default(), want, row)
}

/// As [`pass`], leaving the blocks of the Hessian that `known` names zero, for a caller that
/// has them already.
pub(crate) fn pass_leaving<F>(
    x: &[f64],
    p: usize,
    beta: &[f64],
    aux: bool,
    known: Known,
    want: Want,
    row: F,
) -> Evaluation
where
    F: Fn(usize, f64) -> RowTerms + Sync,
{
    let layout = Layout {
        p,
        aux,
        xwx: !known.xwx,
        cross: !known.cross,
    };
    pass_in(x, beta, layout, want, row)
}

/// What a pass asks of each row: its [`RowTerms`] from its index, its linear predictor and, for
/// the rows that need it (a leverage), the row of `X` itself.
trait Row: Sync {
    fn terms(&self, i: usize, eta: f64, x: &[f64]) -> RowTerms;
}

impl<F: Fn(usize, f64) -> RowTerms + Sync> Row for F {
    #[inline]
    fn terms(&self, i: usize, eta: f64, _: &[f64]) -> RowTerms {
        self(i, eta)
    }
}

/// A row function that reads the row of `X` too.
struct WithRow<G>(G);

impl<G: Fn(usize, f64, &[f64]) -> RowTerms + Sync> Row for WithRow<G> {
    #[inline]
    fn terms(&self, i: usize, eta: f64, x: &[f64]) -> RowTerms {
        (self.0)(i, eta, x)
    }
}

/// As [`pass_leaving`] with nothing known, for row terms that depend on the row `xᵢ` of `X` as
/// well as on `ηᵢ` (`row(i, ηᵢ, xᵢ)`): a leverage `hᵢ = wᵢ xᵢᵀ A xᵢ`, say.
pub(crate) fn pass_rows<G>(
    x: &[f64],
    p: usize,
    beta: &[f64],
    aux: bool,
    want: Want,
    row: G,
) -> Evaluation
where
    G: Fn(usize, f64, &[f64]) -> RowTerms + Sync,
{
    let layout = Layout {
        p,
        aux,
        xwx: true,
        cross: true,
    };
    pass_in(x, beta, layout, want, WithRow(row))
}

fn pass_in<R: Row>(x: &[f64], beta: &[f64], layout: Layout, want: Want, row: R) -> Evaluation {
    let p = layout.p;
    assert!(
        p > 0 && x.len().is_multiple_of(p),
        "x is not a whole number of rows"
    );
    assert_eq!(beta.len(), p, "one coefficient per column");
    let rows = block_rows(p);
    let n = x.len() / p;
    let scratch = || Scratch {
        want_gradient: want.gradient || want.hessian || want.scores,
        total: Sums::zero(layout, want.hessian),
        block: Sums::zero(layout, want.hessian),
        eta: Vec::with_capacity(rows),
        d1: Vec::with_capacity(rows),
        dea: Vec::with_capacity(rows),
        d2: Vec::with_capacity(if want.hessian { rows } else { 0 }),
        gram: Gram::new(if want.hessian { p } else { 0 }),
    };
    let blocks = x.par_chunks(rows * p).enumerate();
    let (sums, scores) = if want.scores {
        let k = layout.k();
        let mut scores = vec![0.0; n * k];
        let sums = blocks
            .zip(scores.par_chunks_mut(rows * k))
            .fold(scratch, |mut s, ((b, xb), out)| {
                let here = Block {
                    x: xb,
                    next: next_block(x, b, rows * p),
                    first: b * rows,
                };
                block(&mut s, here, layout, beta, &row, Some(out));
                s.total.add(&s.block);
                s
            })
            .map(|s| s.total)
            .reduce(|| Sums::zero(layout, want.hessian), merge);
        (sums, Some(scores))
    } else {
        let sums = blocks
            .fold(scratch, |mut s, (b, xb)| {
                let here = Block {
                    x: xb,
                    next: next_block(x, b, rows * p),
                    first: b * rows,
                };
                block(&mut s, here, layout, beta, &row, None);
                s.total.add(&s.block);
                s
            })
            .map(|s| s.total)
            .reduce(|| Sums::zero(layout, want.hessian), merge);
        (sums, None)
    };
    sums.into_evaluation(layout, want, scores)
}

fn merge(mut a: Sums, b: Sums) -> Sums {
    a.add(&b);
    a
}

/// `Σ fᵢ(ηᵢ)` with its gradient and, if `hessian`, its Hessian in `β`, for the row-major `n × p`
/// design `x`. `row(i, ηᵢ)` returns `(fᵢ, fᵢ', fᵢ'')` for row `i`: [`pass`] without an
/// auxiliary parameter.
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
/// assert_eq!(d.gradient, Some(vec![0.0, 0.0]));
/// let h = d.hessian.unwrap(); // −XᵀX
/// assert_eq!((h[(0, 0)], h[(0, 1)], h[(1, 1)]), (-3.0, -3.0, -5.0));
/// ```
///
/// # Panics
/// As [`pass`].
pub fn linear_pass<F>(x: &[f64], p: usize, beta: &[f64], hessian: bool, row: F) -> Evaluation
where
    F: Fn(usize, f64) -> (f64, f64, f64) + Sync,
{
    let want = if hessian {
        Want::HESSIAN
    } else {
        Want::GRADIENT
    };
    pass(x, p, beta, false, want, |i, eta| {
        let (f, d1, d2) = row(i, eta);
        RowTerms::new(f, d1, d2)
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
/// As [`pass`].
pub fn linear_pass_log<F>(x: &[f64], p: usize, beta: &[f64], hessian: bool, row: F) -> Evaluation
where
    F: Fn(usize, f64) -> (f64, f64, f64, f64) + Sync,
{
    let want = if hessian {
        Want::HESSIAN
    } else {
        Want::GRADIENT
    };
    pass(x, p, beta, false, want, |i, eta| {
        let (a, b, d1, d2) = row(i, eta);
        RowTerms {
            factor: b,
            ..RowTerms::new(a, d1, d2)
        }
    })
}

/// A block of rows of the design.
struct Block<'a> {
    /// Its rows, row-major.
    x: &'a [f64],
    /// The rows of the next block, asked into the cache while this one is worked on.
    next: &'a [f64],
    /// The index of its first row.
    first: usize,
}

/// The sums of one block of rows into `s.block`; the block's scores into `scores` when given.
fn block<R: Row>(
    s: &mut Scratch,
    rows: Block<'_>,
    layout: Layout,
    beta: &[f64],
    row: &R,
    scores: Option<&mut [f64]>,
) {
    let Block { x: xb, next, first } = rows;
    let p = layout.p;
    linear_predictor_into(&mut s.eta, xb, beta);
    s.d2.clear();
    s.d1.clear();
    s.dea.clear();
    let want_hessian = s.block.xwx.is_some();
    let want_cross = s.block.hessian && layout.aux && layout.cross;
    let want_gradient = !s.block.gradient.is_empty() && s.want_gradient;
    let (mut value, mut product, mut da, mut daa) = (0.0, 1.0, 0.0, 0.0);
    let mut scores = scores.map(|out| out.chunks_exact_mut(layout.k()));
    for (k, (xr, &eta)) in xb.chunks_exact(p).zip(&s.eta).enumerate() {
        prefetch_row(next, k, p);
        let t = row.terms(first + k, eta, xr);
        debug_assert!(
            (0.5..=2.0).contains(&t.factor),
            "factor {} out of [1/2, 2]",
            t.factor
        );
        value += t.value;
        product *= t.factor;
        if k % ROWS_PER_LOG == ROWS_PER_LOG - 1 {
            value += product.ln();
            product = 1.0;
        }
        if want_gradient {
            s.d1.push(t.d1);
        }
        if layout.aux {
            da += t.da;
            daa += t.daa;
        }
        if want_cross {
            s.dea.push(t.dea);
        }
        if want_hessian {
            s.d2.push(t.d2);
        }
        if let Some(out) = scores.as_mut().and_then(Iterator::next) {
            for (o, x) in out.iter_mut().zip(xr) {
                *o = t.d1 * x;
            }
            if layout.aux {
                out[p] = t.da;
            }
        }
    }
    s.block.value = value + product.ln();
    s.block.da = da;
    s.block.daa = daa;
    if want_gradient {
        scaled_row_sum(&mut s.block.gradient, xb, &s.d1);
    }
    if let Some(h) = &mut s.block.xwx {
        s.gram.clear();
        s.gram.add(xb, &s.d2);
        h.fill(0.0);
        s.gram.add_to(h);
    }
    if want_cross {
        scaled_row_sum(&mut s.block.cross, xb, &s.dea);
    }
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

#[cfg(test)]
#[path = "pass_tests.rs"]
mod tests;
