//! Whether a maximum exists when each row's log-likelihood is bounded above in its linear
//! predictor: binary and binomial responses under any link, counts under the log link. Decided
//! exactly, by a certificate of existence or by linear programming, never by how large the
//! coefficients grew.
//!
//! Give each row a *side* `sᵢ`: `+1` when `ℓᵢ` keeps rising as `ηᵢ → +∞` (every trial a
//! success), `−1` when it keeps rising as `ηᵢ → −∞` (every trial a failure, a zero count), `0`
//! when it has a maximum in `ηᵢ` (a mixed row, a positive count). The maximum likelihood estimate
//! fails to exist exactly when some direction `d` has
//!
//! `sᵢ xᵢd ≥ 0` for every row with a side, `xᵢd = 0` for every other row, `sᵢ xᵢd > 0` for one
//!
//! (Albert & Anderson 1984 for the logit link; Silvapulle 1981 for the others; Santos Silva &
//! Tenreyro 2010 for counts): along `d` no term of `ℓ` falls and one rises towards its bound.
//! *Complete* separation when every row is strictly on its side, *quasi-complete* otherwise.
//!
//! **Existence certified at the estimate.** By Stiemke's theorem of the alternative no such `d`
//! exists exactly when there are weights `uᵢ > 0` (rows with a side) and `vᵢ` (the others) with
//! `Σ uᵢ sᵢ xᵢ + Σ vᵢ xᵢ = 0`. The score at the estimate supplies them: `∂ℓ/∂β = Σ cᵢ xᵢ` with
//! `cᵢ = ∂ℓᵢ/∂ηᵢ`, and `sᵢcᵢ > 0` on rows with a side. The score is not exactly zero; the Newton
//! step `δ = I⁻¹g` (with `I = Σ Wᵢ xᵢxᵢᵀ`, `Wᵢ = −∂²ℓᵢ/∂ηᵢ²`) corrects it: the weights
//! `cᵢ − Wᵢ xᵢδ` sum to zero exactly, and keep their signs when `Wᵢ|xᵢδ| ≤ ½|cᵢ|` on every row
//! with a side. That is checked in one pass over the rows, and settles every fit whose maximum
//! is well inside the data.
//!
//! **Otherwise, a linear program** (Konis 2007, as R's `detectseparation`): minimize `‖d‖₁`
//! over the directions above normalized by `Σ sᵢ xᵢd ≥ 1`, columns scaled to a largest
//! `|xᵢⱼ|` of 1, rows repeated in the data entered once. Infeasible: no separation. Feasible: the
//! direction is checked again in `f64` against [`Separation::CERTIFICATE_TOL`] and reported; the
//! smallest `‖d‖₁` names as few columns as the data allow.

use std::collections::HashSet;

use microlp::{ComparisonOp, OptimizationDirection, Problem};

use crate::linalg::dot;

/// How the data are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeparationKind {
    /// Every row is strictly on its side along the direction: the linear predictor classifies
    /// every row.
    Complete,
    /// Some rows are on their side, the others are left unchanged by the direction.
    QuasiComplete,
}

/// A separation: the maximum likelihood estimate does not exist.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Separation {
    /// Complete or quasi-complete.
    pub kind: SeparationKind,
    /// Number of rows the direction puts strictly on their side: their fitted probabilities
    /// (or means) tend to 0 or 1 (or 0) as the coefficients follow it.
    pub n_separated: usize,
    /// Up to ten of those rows, 1-based.
    pub example_rows: Vec<usize>,
    /// The direction along which the log-likelihood keeps rising, by parameter name, of unit
    /// length.
    pub direction: Vec<(String, f64)>,
    /// The columns the direction uses (its non-zero components): the separating columns.
    #[serde(default)]
    pub columns: Vec<String>,
    /// What tends to its bound: `probability 0 or 1`, `mean 0`.
    #[serde(default)]
    pub bound: String,
}

/// The rows as the existence check sees them: the row-major design `x` with `p` columns, each
/// row's side `sᵢ` (`+1`, `−1`, `0`) and the parameter names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sides<'a> {
    pub x: &'a [f64],
    pub p: usize,
    pub sides: &'a [f64],
    pub names: &'a [String],
    /// What tends to its bound on a separated row (`probability 0 or 1`).
    pub bound: &'a str,
}

impl Separation {
    /// Relative tolerance of a direction's check: a row counts as strictly on its side when
    /// `sᵢ xᵢd` exceeds this fraction of `maxᵢ |xᵢd|`, and as unchanged when `|xᵢd|` is below it.
    pub const CERTIFICATE_TOL: f64 = 1e-6;

    /// Whether the weights `c` (`∂ℓᵢ/∂ηᵢ` at the estimate), `w` (`−∂²ℓᵢ/∂ηᵢ²`) and the products
    /// `xδ` of the rows with the Newton step certify that the maximum exists (module
    /// documentation).
    pub(crate) fn exists_certified(sides: &[f64], c: &[f64], w: &[f64], x_delta: &[f64]) -> bool {
        (0..sides.len()).all(|i| {
            let s = sides[i];
            s == 0.0 || (s * c[i] > 0.0 && w[i] * x_delta[i].abs() <= 0.5 * c[i].abs())
        })
    }

    /// The separation of the rows, if any, by linear programming (module documentation).
    ///
    /// # Errors
    /// The solver's failure, in words (it could not decide).
    pub(crate) fn find(rows: Sides<'_>) -> Result<Option<Self>, String> {
        let Sides { x, p, sides, .. } = rows;
        let n = sides.len();
        // columns scaled to a largest |xᵢⱼ| of 1
        let mut scale = vec![0.0f64; p];
        for row in x.chunks_exact(p) {
            for (s, v) in scale.iter_mut().zip(row) {
                *s = s.max(v.abs());
            }
        }
        let scale: Vec<f64> = scale
            .iter()
            .map(|&s| if s > 0.0 { s } else { 1.0 })
            .collect();
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let plus: Vec<_> = (0..p)
            .map(|_| problem.add_var(1.0, (0.0, f64::INFINITY)))
            .collect();
        let minus: Vec<_> = (0..p)
            .map(|_| problem.add_var(1.0, (0.0, f64::INFINITY)))
            .collect();
        let mut seen = HashSet::new();
        let mut total = vec![0.0; p];
        let mut any_side = false;
        for (i, row) in x.chunks_exact(p).enumerate() {
            let s = sides[i];
            let key: Vec<u64> = std::iter::once(s.to_bits())
                .chain(row.iter().map(|v| v.to_bits()))
                .collect();
            if !seen.insert(key) {
                continue;
            }
            let coefficient = |j: usize| if s == 0.0 { 1.0 } else { s } * row[j] / scale[j];
            let mut expr = Vec::with_capacity(2 * p);
            for j in 0..p {
                let a = coefficient(j);
                if a != 0.0 {
                    expr.push((plus[j], a));
                    expr.push((minus[j], -a));
                }
            }
            if s != 0.0 {
                any_side = true;
                for (t, j) in total.iter_mut().zip(0..p) {
                    *t += coefficient(j);
                }
            }
            let op = if s == 0.0 {
                ComparisonOp::Eq
            } else {
                ComparisonOp::Ge
            };
            problem.add_constraint(expr.as_slice(), op, 0.0);
        }
        if !any_side || n == 0 {
            return Ok(None);
        }
        let normalization: Vec<_> = (0..p)
            .flat_map(|j| [(plus[j], total[j]), (minus[j], -total[j])])
            .collect();
        problem.add_constraint(normalization.as_slice(), ComparisonOp::Ge, 1.0);
        let solution = match problem.solve() {
            Err(microlp::Error::Infeasible) => return Ok(None),
            Err(e) => return Err(format!("the separation check's linear program failed: {e}")),
            Ok(outcome) => match outcome.into_solution() {
                Ok(s) => s,
                Err(_) => return Err("the separation check's linear program was stopped".into()),
            },
        };
        let d: Vec<f64> = (0..p)
            .map(|j| (solution.var_value(plus[j]) - solution.var_value(minus[j])) / scale[j])
            .collect();
        let found = Self::checked(rows, &d, &scale);
        // the smallest ‖d‖₁ may touch rows it need not: without mixed rows, ask for the direction
        // with the widest margin, which is strictly on every side exactly when the separation is
        // complete
        if found.is_some() && sides.iter().all(|&s| s != 0.0) {
            let widest = Self::widest_margin(rows, &scale, &seen)?;
            if let Some(c) = widest.and_then(|d| Self::checked(rows, &d, &scale))
                && c.kind == SeparationKind::Complete
            {
                return Ok(Some(c));
            }
        }
        Ok(found)
    }

    /// `max t` over `sᵢ x̃ᵢd ≥ t` (the distinct rows `seen`), `−1 ≤ d̃ⱼ ≤ 1`, `t ≤ 1`, on the
    /// scaled columns: the direction `d` (unscaled) when `t > 0`.
    fn widest_margin(
        rows: Sides<'_>,
        scale: &[f64],
        seen: &HashSet<Vec<u64>>,
    ) -> Result<Option<Vec<f64>>, String> {
        let p = rows.p;
        let mut problem = Problem::new(OptimizationDirection::Maximize);
        let d: Vec<_> = (0..p).map(|_| problem.add_var(0.0, (-1.0, 1.0))).collect();
        let t = problem.add_var(1.0, (f64::NEG_INFINITY, 1.0));
        for key in seen {
            let s = f64::from_bits(key[0]);
            let mut expr: Vec<_> = (0..p)
                .map(|j| (d[j], s * f64::from_bits(key[j + 1]) / scale[j]))
                .collect();
            expr.push((t, -1.0));
            problem.add_constraint(expr.as_slice(), ComparisonOp::Ge, 0.0);
        }
        let solution = problem
            .solve()
            .map_err(|e| format!("the separation check's linear program failed: {e}"))?;
        let solution = solution
            .into_solution()
            .map_err(|_| "the separation check's linear program was stopped".to_string())?;
        Ok((solution.var_value(t) > 0.0).then(|| {
            (0..p)
                .map(|j| solution.var_value(d[j]) / scale[j])
                .collect()
        }))
    }

    /// The separation along `d` when `d` passes the check in `f64`.
    fn checked(rows: Sides<'_>, d: &[f64], scale: &[f64]) -> Option<Self> {
        let Sides {
            x,
            p,
            sides,
            names,
            bound,
        } = rows;
        let xd: Vec<f64> = x.chunks_exact(p).map(|r| dot(r, d)).collect();
        let largest = xd.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let tol = Self::CERTIFICATE_TOL * largest;
        let holds = largest > 0.0
            && (0..xd.len()).all(|i| match sides[i] {
                0.0 => xd[i].abs() <= tol,
                s => s * xd[i] >= -tol,
            });
        let separated: Vec<usize> = (0..xd.len()).filter(|&i| sides[i] * xd[i] > tol).collect();
        if !holds || separated.is_empty() {
            return None;
        }
        let kind = if separated.len() == xd.len() {
            SeparationKind::Complete
        } else {
            SeparationKind::QuasiComplete
        };
        // the components that matter on the scale of the data
        let weight: Vec<f64> = d.iter().zip(scale).map(|(d, s)| (d * s).abs()).collect();
        let heaviest = weight.iter().fold(0.0f64, |m, v| m.max(*v));
        let norm = d.iter().map(|v| v * v).sum::<f64>().sqrt();
        Some(Self {
            kind,
            n_separated: separated.len(),
            example_rows: separated.iter().take(10).map(|i| i + 1).collect(),
            direction: names
                .iter()
                .zip(d)
                .map(|(n, v)| (n.clone(), v / norm))
                .collect(),
            columns: names
                .iter()
                .zip(&weight)
                .filter(|(_, w)| **w > 1e-9 * heaviest)
                .map(|(n, _)| n.clone())
                .collect(),
            bound: bound.to_string(),
        })
    }

    /// A sentence for users.
    pub fn explain(&self) -> String {
        let direction = self
            .direction
            .iter()
            .filter(|(n, _)| self.columns.contains(n))
            .map(|(n, d)| format!("{d:+.4}·{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        let columns = self
            .columns
            .iter()
            .map(|c| format!("'{c}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let what = match self.kind {
            SeparationKind::Complete => "complete separation",
            SeparationKind::QuasiComplete => "quasi-complete separation",
        };
        let cure = if self.bound.contains("probability") {
            "fit with Firth's bias-reduced likelihood (--firth), or add an L2 penalty"
        } else {
            "merge or drop the rows' category, or add an L2 penalty"
        };
        format!(
            "{what} by {columns}: along ({direction}) the log-likelihood keeps rising and {} \
             rows (rows {:?}{}) are driven to fitted {}, so the maximum likelihood estimate does \
             not exist; {cure}",
            self.n_separated,
            self.example_rows,
            if self.n_separated > self.example_rows.len() {
                ", …"
            } else {
                ""
            },
            self.bound
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(x: &[f64], p: usize, sides: &[f64]) -> Option<Separation> {
        let names: Vec<String> = (0..p).map(|j| format!("x{j}")).collect();
        Separation::find(Sides {
            x,
            p,
            sides,
            names: &names,
            bound: "probability 0 or 1",
        })
        .unwrap()
    }

    #[test]
    fn complete_separation_is_found() {
        // intercept and x; y = 1 exactly where x > 0
        let x = [1.0, -2.0, 1.0, -1.0, 1.0, 1.0, 1.0, 2.0];
        let s = find(&x, 2, &[-1.0, -1.0, 1.0, 1.0]).unwrap();
        assert_eq!(s.kind, SeparationKind::Complete);
        assert_eq!(s.n_separated, 4);
        assert_eq!(s.columns, ["x1"]);
    }

    #[test]
    fn quasi_complete_separation_leaves_mixed_rows_unchanged() {
        // y = 1 wherever z = 1; mixed outcomes where z = 0: d = z separates quasi-completely
        let x = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let s = find(&x, 2, &[-1.0, 1.0, -1.0, 1.0, 1.0]).unwrap();
        assert_eq!(s.kind, SeparationKind::QuasiComplete);
        assert_eq!(s.example_rows, [4, 5]);
        assert_eq!(s.columns, ["x1"]);
        assert!(s.direction[1].1 > 0.0);
    }

    #[test]
    fn overlapping_data_are_not_separated() {
        let x = [1.0, -1.0, 1.0, 0.5, 1.0, -0.2, 1.0, 2.0];
        assert!(find(&x, 2, &[-1.0, -1.0, 1.0, 1.0]).is_none());
    }

    #[test]
    fn the_certificate_needs_signs_and_a_small_step() {
        let sides = [1.0, -1.0, 0.0];
        assert!(Separation::exists_certified(
            &sides,
            &[0.2, -0.3, 0.1],
            &[0.16, 0.21, 0.2],
            &[1e-9, -1e-9, 5.0]
        ));
        // a row with a side whose weight has the wrong sign, or a step that would flip it
        assert!(!Separation::exists_certified(
            &sides,
            &[0.0, -0.3, 0.1],
            &[0.0, 0.21, 0.2],
            &[0.0; 3]
        ));
        assert!(!Separation::exists_certified(
            &sides,
            &[0.2, -0.3, 0.1],
            &[0.16, 0.21, 0.2],
            &[1.0, 0.0, 0.0]
        ));
    }
}
