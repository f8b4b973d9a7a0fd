//! The blocked evaluation of a [`Likelihood`]: its expression on jets over blocks of rows, in
//! parallel, each block's rows' derivatives in the predictors carried to `θ`, the blocks' sums
//! merged in block order.
//!
//! With `zₖ` the predictors of a row (`ηₖ = xₖᵀβₖ` of each linear block, the value of each scalar
//! block) and `ℓ_k`, `ℓ_kl` the row's first and second derivatives in them:
//! `∂ℓ/∂βₖ = Σᵢ ℓ_k xₖᵢ`, `∂ℓ/∂a = Σᵢ ℓ_a`, `∂²ℓ/∂βₖ∂βₗᵀ = Xₖᵀ diag(ℓ_kl) Xₗ`,
//! `∂²ℓ/∂βₖ∂a = Xₖᵀ ℓ_ka`, `∂²ℓ/∂a∂b = Σᵢ ℓ_ab`; the score of row `i` is `(ℓ_k xₖᵢ, ℓ_a)`.

use std::ops::Range;

use nalgebra::DMatrix;
use rayon::prelude::*;

use super::evaluation::{Evaluation, Scores, Want};
use super::likelihood::Likelihood;
use super::params::{Block, Params, Rows, Theta};
use crate::ad::Jet;
use crate::ad::jet::{Col, JetShape};
use crate::linalg::{dot, rows_view};

/// `ℓ(θ)` with what `want` asks for, over all rows of `model`, on the natural scale.
pub(crate) fn evaluate<L: Likelihood + ?Sized>(model: &L, theta: &[f64], want: Want) -> Evaluation {
    let n = model.n_obs();
    let b = model.params().rows_per_block();
    let ranges: Vec<Range<usize>> = (0..n).step_by(b).map(|s| s..(s + b).min(n)).collect();
    let parts: Vec<Evaluation> = ranges
        .into_par_iter()
        .map(|rows| block(model, theta, rows, want))
        .collect();
    // in block order, whatever the threads did
    parts
        .into_iter()
        .fold(Evaluation::zero(theta.len(), want), Evaluation::merge)
}

/// The highest derivative `want` needs.
fn order(want: Want) -> u8 {
    if want.hessian {
        2
    } else if want.gradient || want.scores {
        1
    } else {
        0
    }
}

/// The evaluation over `rows`.
fn block<L: Likelihood + ?Sized>(
    model: &L,
    theta: &[f64],
    rows: Range<usize>,
    want: Want,
) -> Evaluation {
    let params = model.params();
    let (m, q, order) = (rows.len(), params.blocks().len(), order(want));
    let shape = JetShape { m, q, order };
    let theta_jets = seed(params, theta, &rows, order);
    let l = model.loglike_obs(&theta_jets, &Rows::new(rows.clone(), shape));
    carry(
        &l,
        params.blocks(),
        &params.offsets(),
        theta.len(),
        rows,
        want,
    )
}

/// The blocks of `θ` for `rows` as jets of `order`, each seeded along its own direction: a
/// linear block's `η = Xβ` per row, a scalar block's value.
fn seed<'a>(params: &'a Params, theta: &[f64], rows: &Range<usize>, order: u8) -> Theta<'a, Jet> {
    let blocks = params.blocks();
    let (m, q) = (rows.len(), blocks.len());
    let values = blocks
        .iter()
        .zip(params.offsets())
        .enumerate()
        .map(|(d, (b, at))| match b {
            Block::Linear { x, p, .. } => {
                let xb = &x[rows.start * p..rows.end * p];
                let eta: Vec<f64> = xb
                    .chunks_exact(*p)
                    .map(|r| dot(r, &theta[at..at + p]))
                    .collect();
                Jet::variable(&eta, d, q, order)
            }
            Block::Scalar(_) => Jet::scalar_variable(theta[at], m, d, q, order),
        })
        .collect();
    Theta::new(params, values)
}

/// A component of the result as one value per row (a constant repeated).
fn per_row(c: &Col, m: usize) -> std::borrow::Cow<'_, [f64]> {
    match c {
        Col::Const(v) => std::borrow::Cow::Owned(vec![*v; m]),
        Col::Rows(v) => std::borrow::Cow::Borrowed(&v[..]),
    }
}

/// `Σᵢ cᵢ`.
fn total(c: &Col, m: usize) -> f64 {
    match c {
        Col::Const(v) => v * m as f64,
        Col::Rows(v) => v.iter().sum(),
    }
}

/// `Xᵀw` for the row-major block `x` of `p` columns.
fn weighted_column_sums(x: &[f64], p: usize, w: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; p];
    for (row, w) in x.chunks_exact(p).zip(w) {
        out.iter_mut().zip(row).for_each(|(o, x)| *o += w * x);
    }
    out
}

/// The sums over the rows of the jet `l` (one row each), carried from the predictors to `θ`.
fn carry(
    l: &Jet,
    blocks: &[Block],
    offsets: &[usize],
    k: usize,
    rows: Range<usize>,
    want: Want,
) -> Evaluation {
    let m = rows.len();
    let mut e = Evaluation::zero(k, want);
    e.value = total(l.value_col(), m);
    let designs = block_designs(blocks, &rows);
    if let Some(g) = &mut e.gradient {
        for (d, design) in designs.iter().enumerate() {
            let gd = l.g(d);
            match design {
                Some((xb, p)) => g[offsets[d]..offsets[d] + p]
                    .copy_from_slice(&weighted_column_sums(xb, *p, &per_row(gd, m))),
                None => g[offsets[d]] = total(gd, m),
            }
        }
    }
    if let Some(h) = &mut e.hessian {
        for d in 0..blocks.len() {
            for f in d..blocks.len() {
                let w = per_row(l.h(d, f), m);
                let (od, of) = (offsets[d], offsets[f]);
                let part = match (designs[d], designs[f]) {
                    (Some((xd, pd)), Some((xf, pf))) => {
                        // (diag(w) X_d)ᵀ X_f, the weighted rows row-major, one matrix product
                        let mut wx = Vec::with_capacity(xd.len());
                        for (row, w) in xd.chunks_exact(pd).zip(w.iter()) {
                            wx.extend(row.iter().map(|x| w * x));
                        }
                        // the row-major weighted rows read column-major are their transpose
                        let wx_t = nalgebra::DMatrixView::from_slice(&wx, pd, m);
                        let mut part = DMatrix::zeros(pd, pf);
                        part.gemm(1.0, &wx_t, &rows_view(xf, pf), 0.0);
                        part
                    }
                    (Some((xd, pd)), None) => {
                        DMatrix::from_vec(pd, 1, weighted_column_sums(xd, pd, &w))
                    }
                    (None, Some((xf, pf))) => {
                        DMatrix::from_vec(1, pf, weighted_column_sums(xf, pf, &w))
                    }
                    (None, None) => DMatrix::from_element(1, 1, w.iter().sum()),
                };
                let (r, c) = part.shape();
                h.view_mut((od, of), (r, c)).copy_from(&part);
                if d != f {
                    h.view_mut((of, od), (c, r)).copy_from(&part.transpose());
                }
            }
        }
    }
    if want.scores {
        e.scores = Some(Scores {
            k,
            values: row_gradients(l, &designs, k, m),
        });
    }
    e
}

/// Each row's gradient in `θ` of the jet `l` (one row each), row-major: `(l_d xᵢ, l_a)`.
fn row_gradients(l: &Jet, designs: &[Option<(&[f64], usize)>], k: usize, m: usize) -> Vec<f64> {
    let firsts: Vec<_> = (0..designs.len()).map(|d| per_row(l.g(d), m)).collect();
    let mut values = Vec::with_capacity(m * k);
    for i in 0..m {
        for (d, design) in designs.iter().enumerate() {
            let gd = firsts[d][i];
            match design {
                Some((xb, p)) => values.extend(xb[i * p..(i + 1) * p].iter().map(|x| gd * x)),
                None => values.push(gd),
            }
        }
    }
    values
}

/// The rows of one block of a design, or none for a scalar block.
fn block_designs<'a>(blocks: &'a [Block], rows: &Range<usize>) -> Vec<Option<(&'a [f64], usize)>> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Linear { x, p, .. } => Some((&x[rows.start * p..rows.end * p], *p)),
            Block::Scalar(_) => None,
        })
        .collect()
}

/// One quantity a model predicts for each row ([`Likelihood::predict_obs`]) at `θ`: its
/// values and each row's gradient in `θ` (row-major, `k` per row), for the delta method.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPredictions {
    /// The quantity's name.
    pub name: String,
    /// One value per row.
    pub values: Vec<f64>,
    /// `∂valueᵢ/∂θ`, `k` per row.
    pub gradients: Vec<f64>,
}

/// What `model` predicts for its rows at `θ`, by forward-mode jets over blocks of rows in
/// parallel (blocks in order).
pub fn predict_rows<L: Likelihood + ?Sized>(model: &L, theta: &[f64]) -> Vec<RowPredictions> {
    let n = model.n_obs();
    let b = model.params().rows_per_block();
    let ranges: Vec<Range<usize>> = (0..n).step_by(b).map(|s| s..(s + b).min(n)).collect();
    let parts: Vec<Vec<RowPredictions>> = ranges
        .into_par_iter()
        .map(|rows| {
            let params = model.params();
            let blocks = params.blocks();
            let (m, k) = (rows.len(), theta.len());
            let theta_jets = seed(params, theta, &rows, 1);
            let shape = JetShape {
                m,
                q: blocks.len(),
                order: 1,
            };
            let designs = block_designs(blocks, &rows);
            model
                .predict_obs(&theta_jets, &Rows::new(rows.clone(), shape))
                .into_iter()
                .map(|(name, jet)| RowPredictions {
                    name,
                    values: per_row(jet.value_col(), m).into_owned(),
                    gradients: row_gradients(&jet, &designs, k, m),
                })
                .collect()
        })
        .collect();
    let mut out: Vec<RowPredictions> = Vec::new();
    for part in parts {
        if out.is_empty() {
            out = part;
            continue;
        }
        for (o, p) in out.iter_mut().zip(part) {
            o.values.extend(p.values);
            o.gradients.extend(p.gradients);
        }
    }
    out
}
