//! The rank of a design, decided before a fit: which columns are linear combinations of the
//! columns before them (R's aliased coefficients), and with what coefficients.
//!
//! Columns are taken in order, as R's `lm` and `glm` take them (the QR with limited pivoting of
//! LINPACK's `dqrdc2`): column `j` is *aliased* when the part of `xⱼ` outside the span of the
//! earlier columns that are kept is at most [`RANK_TOL`] of `‖xⱼ‖`. Aliased columns are left out
//! of that span, so every later column is judged against the kept ones.
//!
//! The decision comes from a triangular factor `R` of `X` (`‖Xa‖ = ‖Ra‖` for every `a`), so the
//! work after the factorization is on a `p × p` matrix. The factor is found in two ways:
//! - first from the Cholesky factor of the Jacobi-scaled `XᵀX`, one matrix product per block of
//!   rows: when every scaled pivot exceeds `GRAM_CLEAR` = 1e-8 (each column's part outside the span of
//!   the others is above 10⁻⁴ of its norm), the design has full rank and nothing more is done;
//! - otherwise (a design near or at rank deficiency, where squaring the condition number in
//!   `XᵀX` leaves too few digits) from a Householder QR of `X` itself by blocks of rows
//!   (`blocked_qr`), which resolves residuals down to [`RANK_TOL`].

use nalgebra::{DMatrix, DVector};

use crate::linalg::{block_rows, jacobi_scaling};

/// A column whose part outside the span of the kept columns before it is at most this fraction
/// of its norm is aliased (R's `glm.fit` uses `1e-11`, `lm` `1e-7`).
pub const RANK_TOL: f64 = 1e-10;

/// Scaled Cholesky pivots above this clear a design of rank deficiency without a QR.
const GRAM_CLEAR: f64 = 1e-8;

/// A column that is a linear combination of columns before it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alias {
    /// The aliased column.
    pub column: String,
    /// The combination of kept columns it equals: `(name, coefficient)`, coefficients that are
    /// negligible (below `1e-9` of the largest) left out.
    pub combination: Vec<(String, f64)>,
}

impl Alias {
    /// What the relation means, in words where it is simple: `'c' is constant (every row is 5)`
    /// for a multiple of the intercept (or a column of zeros), `'w' is identical to column 'x'`
    /// for a copy of one column, else [`Alias::relation`].
    pub fn describe(&self) -> String {
        match self.combination.as_slice() {
            [] => format!("'{}' is constant (every row is 0)", self.column),
            [(name, c)] if name == crate::data::INTERCEPT => {
                format!(
                    "'{}' is constant (every row is {})",
                    self.column,
                    shortest_digits(*c)
                )
            }
            [(name, c)] if shortest_digits(*c) == "1" => {
                format!("'{}' is identical to column '{name}'", self.column)
            }
            _ => self.relation(),
        }
    }

    /// `z = 1·x + 1·w`, coefficients to seven significant digits.
    pub fn relation(&self) -> String {
        let terms: Vec<String> = self
            .combination
            .iter()
            .enumerate()
            .map(|(i, (name, c))| {
                let sign = match (i, *c < 0.0) {
                    (0, true) => "-",
                    (0, false) => "",
                    (_, true) => " - ",
                    (_, false) => " + ",
                };
                format!("{sign}{}·{name}", shortest_digits(c.abs()))
            })
            .collect();
        if terms.is_empty() {
            format!("{} = 0", self.column)
        } else {
            format!("{} = {}", self.column, terms.concat())
        }
    }
}

/// `v` to seven significant digits, without trailing zeros.
fn shortest_digits(v: f64) -> String {
    let s = format!("{:.*e}", 6, v);
    let parsed: f64 = s.parse().unwrap_or(v);
    crate::data::shortest(parsed)
}

/// The aliased columns of the row-major `n × p` design `x` with column `names`, in order.
#[cfg(test)]
pub(crate) fn aliased_columns(x: &[f64], p: usize, names: &[String]) -> Vec<Alias> {
    aliased_columns_given(&crate::linalg::gram(x, p), x, p, names)
}

/// The aliased columns of the row-major design `x` of `p` columns with column `names`, in
/// order, with `XᵀX` formed already (`g`).
pub(crate) fn aliased_columns_given(
    g: &DMatrix<f64>,
    x: &[f64],
    p: usize,
    names: &[String],
) -> Vec<Alias> {
    if full_rank_by_gram(g) {
        return Vec::new();
    }
    let (r, _, norms) = blocked_qr(x, None, p);
    aliased_from_r(&r, &norms, names)
}

/// Row weights whose largest is at most this multiple of their smallest let a weighted Gram
/// matrix `XᵀWX` decide the rank of `X` ([`full_rank_by_weighted_gram`]).
const WEIGHT_RATIO_CLEAR: f64 = 1e8;

/// Whether `XᵀWX`, with every row weight in `[low, high]`, `0 < low`, proves that `X` has full
/// column rank by the standard of [`RANK_TOL`], so that no pass of its own is needed (a GLM's
/// start forms `XᵀWX` anyway).
///
/// A scaled Cholesky pivot of `XᵀWX` above [`GRAM_CLEAR`] says that each column of `W^{1/2}X`
/// lies more than `10⁻⁴` of its norm outside the span of the earlier ones. With `‖W^{1/2}v‖`
/// between `√low·‖v‖` and `√high·‖v‖`, the same column of `X` then lies more than
/// `10⁻⁴·√(low/high) ≥ 10⁻⁸` of its norm outside their span when `high/low ≤ 10⁸`
/// (`WEIGHT_RATIO_CLEAR`): far above [`RANK_TOL`], so no column is aliased. Otherwise nothing is
/// proved, and the rank is decided from `X` itself.
pub(crate) fn full_rank_by_weighted_gram(g: &DMatrix<f64>, low: f64, high: f64) -> bool {
    low > 0.0 && high.is_finite() && high <= WEIGHT_RATIO_CLEAR * low && full_rank_by_gram(g)
}

/// Whether the Cholesky factorization of the Jacobi-scaled Gram matrix succeeds with every pivot
/// above [`GRAM_CLEAR`].
fn full_rank_by_gram(g: &DMatrix<f64>) -> bool {
    if !g.iter().all(|v| v.is_finite()) || (0..g.nrows()).any(|j| g[(j, j)] <= 0.0) {
        return false;
    }
    let (scaled, _) = jacobi_scaling(g);
    match scaled.cholesky() {
        Some(c) => {
            let l = c.l();
            (0..l.nrows()).all(|j| l[(j, j)] * l[(j, j)] > GRAM_CLEAR)
        }
        None => false,
    }
}

/// The aliased columns from a triangular factor `r` of `X` (`RᵀR = XᵀX`) and the column norms
/// `‖xⱼ‖`, in order: the modified Gram–Schmidt of the columns of `r` against the kept ones.
pub(crate) fn aliased_from_r(r: &DMatrix<f64>, norms: &[f64], names: &[String]) -> Vec<Alias> {
    let p = r.ncols();
    // orthonormal basis of the kept columns' span (columns of r), and the kept indices
    let mut basis: Vec<DVector<f64>> = Vec::new();
    let mut kept: Vec<usize> = Vec::new();
    let mut aliased = Vec::new();
    for j in 0..p {
        let mut v: DVector<f64> = r.column(j).into_owned();
        for _ in 0..2 {
            // twice: Gram–Schmidt with reorthogonalization
            for q in &basis {
                let c = q.dot(&v);
                v.axpy(-c, q, 1.0);
            }
        }
        let residual = v.norm();
        if norms[j] == 0.0 || residual <= RANK_TOL * norms[j] {
            aliased.push(Alias {
                column: names[j].clone(),
                combination: combination(r, &kept, j, names),
            });
        } else {
            basis.push(v / residual);
            kept.push(j);
        }
    }
    aliased
}

/// The least-squares coefficients of column `j` of `r` on the columns `kept`.
fn combination(r: &DMatrix<f64>, kept: &[usize], j: usize, names: &[String]) -> Vec<(String, f64)> {
    if kept.is_empty() {
        return Vec::new();
    }
    let a = r.select_columns(kept);
    let b = r.column(j).into_owned();
    let Ok(c) = a.svd(true, true).solve(&b, 1e-14) else {
        return Vec::new();
    };
    let largest = c.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    kept.iter()
        .zip(c.iter())
        .filter(|(_, v)| v.abs() > 1e-9 * largest)
        .map(|(&k, &v)| (names[k].clone(), v))
        .collect()
}

/// The triangular factor `R` (p × p), `Qᵀy` (its first p entries, empty without `y`) and the
/// column norms `‖xⱼ‖` of the row-major `n × p` matrix `x`, by Householder QR over blocks of
/// rows (TSQR: Demmel, Grigori, Hoemmen & Langou, "Communication-optimal parallel and sequential
/// QR and LU factorizations", SIAM J. Sci. Comput. 34, 2012): the triangular factor `R` and
/// `Qᵀy` so far are stacked on the next block of rows `[R; X_b]`, `[Qᵀy; y_b]`, and that small
/// matrix is factored again. The result is the `R` and `Qᵀy` of one Householder QR of the whole
/// of `X` (up to the signs of the rows of `R`), just as backward stable, but every factorization
/// works within the cache and `X` is read once, in place, with no column-major copy of it.
pub(crate) fn blocked_qr(
    x: &[f64],
    y: Option<&[f64]>,
    p: usize,
) -> (DMatrix<f64>, DVector<f64>, Vec<f64>) {
    // the one pass's blocks (about 256 KiB of X, within the L2 cache), and at least 2p rows
    let rows = block_rows(p).max(2 * p);
    let mut r = DMatrix::<f64>::zeros(0, p);
    let mut qty = DVector::<f64>::zeros(0);
    let mut squares = vec![0.0; p];
    for (b, xb) in x.chunks(rows * p).enumerate() {
        let m = xb.len() / p;
        let k = r.nrows();
        // [R; X_b] in column-major order, and [Qᵀy; y_b]
        let stacked = DMatrix::from_fn(k + m, p, |i, j| {
            if i < k {
                r[(i, j)]
            } else {
                xb[(i - k) * p + j]
            }
        });
        for row in xb.chunks_exact(p) {
            for (s, v) in squares.iter_mut().zip(row) {
                *s += v * v;
            }
        }
        let qr = stacked.qr();
        let keep = (k + m).min(p);
        if let Some(y) = y {
            let yb = &y[b * rows..b * rows + m];
            let mut rhs = DVector::from_fn(k + m, |i, _| if i < k { qty[i] } else { yb[i - k] });
            qr.q_tr_mul(&mut rhs);
            qty = rhs.rows(0, keep).into_owned();
        }
        r = qr.r().rows(0, keep).into_owned();
    }
    (r, qty, squares.iter().map(|s| s.sqrt()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::gram;

    fn names(k: usize) -> Vec<String> {
        (0..k).map(|j| format!("x{j}")).collect()
    }

    #[test]
    fn an_exact_sum_is_aliased_with_its_coefficients() {
        // x2 = x0 + 2·x1 exactly
        let rows: Vec<[f64; 3]> = (0..20)
            .map(|i| {
                let (a, b) = (1.0, (i as f64 * 0.7).sin());
                [a, b, a + 2.0 * b]
            })
            .collect();
        let x: Vec<f64> = rows.iter().flatten().copied().collect();
        let a = aliased_columns(&x, 3, &names(3));
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].column, "x2");
        assert!((a[0].combination[0].1 - 1.0).abs() < 1e-10, "{a:?}");
        assert!((a[0].combination[1].1 - 2.0).abs() < 1e-10, "{a:?}");
        assert_eq!(a[0].relation(), "x2 = 1·x0 + 2·x1");
    }

    #[test]
    fn a_weighted_gram_proves_full_rank_only_within_its_weight_ratio() {
        // an intercept, a slope and a curvature: full rank; XᵀWX with row weights from 1 to 10
        let x: Vec<f64> = (0..40)
            .flat_map(|i| {
                let t = f64::from(i) / 10.0;
                [1.0, t, t * t]
            })
            .collect();
        let w: Vec<f64> = (0..40).map(|i| 1.0 + f64::from(i % 10)).collect();
        let g = crate::linalg::weighted_gram(&x, 3, &w);
        assert!(full_rank_by_weighted_gram(&g, 1.0, 10.0));
        // the same matrix says nothing when the weights spread beyond 1e8, or are not positive
        assert!(!full_rank_by_weighted_gram(&g, 1.0, 1.1e8));
        assert!(!full_rank_by_weighted_gram(&g, 0.0, 10.0));
        // a copied column never clears
        let copied: Vec<f64> = x.chunks(3).flat_map(|r| [r[0], r[1], r[1]]).collect();
        let g = crate::linalg::weighted_gram(&copied, 3, &w);
        assert!(!full_rank_by_weighted_gram(&g, 1.0, 10.0));
        assert_eq!(
            aliased_columns(&copied, 3, &names(3))[0].describe(),
            "'x2' is identical to column 'x1'"
        );
    }

    #[test]
    fn simple_relations_are_said_in_words() {
        let alias = |combination: Vec<(&str, f64)>| Alias {
            column: "c".into(),
            combination: combination
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect(),
        };
        assert_eq!(
            alias(vec![(crate::data::INTERCEPT, 5.0)]).describe(),
            "'c' is constant (every row is 5)"
        );
        assert_eq!(alias(vec![]).describe(), "'c' is constant (every row is 0)");
        assert_eq!(
            alias(vec![("x", 1.0 + 1e-15)]).describe(),
            "'c' is identical to column 'x'"
        );
        assert_eq!(alias(vec![("x", 2.0)]).describe(), "c = 2·x");
    }

    #[test]
    fn a_nearly_dependent_column_is_kept() {
        // x2 = x1 + 1e-6·noise: its residual is 1e-6 of its norm, above RANK_TOL; the Gram
        // route cannot decide it and the QR does
        let x: Vec<f64> = (0..50)
            .flat_map(|i| {
                let b = (i as f64 * 0.3).cos();
                [1.0, b, b + 1e-6 * (i as f64 * 1.7).sin()]
            })
            .collect();
        assert!(!full_rank_by_gram(&gram(&x, 3)));
        assert!(aliased_columns(&x, 3, &names(3)).is_empty());
    }

    #[test]
    fn a_zero_column_and_a_duplicate_are_both_found() {
        let x: Vec<f64> = (0..10)
            .flat_map(|i| {
                let b = i as f64;
                [1.0, 0.0, b, b]
            })
            .collect();
        let a = aliased_columns(&x, 4, &names(4));
        let cols: Vec<&str> = a.iter().map(|a| a.column.as_str()).collect();
        assert_eq!(cols, ["x1", "x3"]);
        assert_eq!(a[0].relation(), "x1 = 0");
        assert_eq!(a[1].relation(), "x3 = 1·x2");
    }
}
