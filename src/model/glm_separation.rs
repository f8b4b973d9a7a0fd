//! The existence check of a [`Glm`] ([`crate::model::separation`]): each row's side from the
//! family, the certificate of existence from the score and the Newton step at the estimate
//! (one pass over the rows), and the linear program only when the certificate fails.

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

use super::Glm;
use crate::linalg::{block_rows, dot, jacobi_scaling, next_block, prefetch_row};
use crate::model::family::Family;
use crate::model::separation::{Separation, Sides};

impl<F: Family> Glm<F> {
    /// The separation of the data, if any, at the estimate `theta` with the gradient and the
    /// information the fit computed there over the parameters `free` (the coefficients among
    /// them first: the auxiliary parameter, if free, is the last).
    ///
    /// # Errors
    /// When the linear program could not decide, in words.
    pub(super) fn find_separation(
        &self,
        theta: &[f64],
        free: &[usize],
        gradient: &[f64],
        information: &DMatrix<f64>,
    ) -> Result<Option<Separation>, String> {
        let p = self.p();
        let n = self.y.len();
        // the free coefficients: the columns a direction may move
        let columns: Vec<usize> = free.iter().copied().filter(|&j| j < p).collect();
        let q = columns.len();
        if q == 0 {
            return Ok(None);
        }
        let trials = self.trials.as_deref();
        let side = |i: usize| {
            let m = trials.map_or(1.0, |m| m[i]);
            self.family.side(self.link, self.y[i], m)
        };
        if (0..n).all(|i| side(i).is_none_or(|s| s == 0.0)) {
            return Ok(None);
        }
        if let Some(delta) = newton_step(information, gradient, q) {
            let (a, _) = self.aux_at(theta);
            let beta = &theta[..p];
            let offset = self.offset.as_deref();
            // the step in every coefficient, zero in the fixed ones
            let mut step = vec![0.0; p];
            for (&j, d) in columns.iter().zip(&delta) {
                step[j] = *d;
            }
            // one parallel pass over blocks of rows, nothing allocated: every row with a side
            // keeps the sign of its weight
            let rows = block_rows(p);
            let certified = self.x.windows(p, |start, xw| {
                xw.par_chunks(rows * p).enumerate().all(|(b, xb)| {
                    let first = start + b * rows;
                    let next = next_block(xw, b, rows * p);
                    xb.chunks_exact(p).enumerate().all(|(k, row)| {
                        prefetch_row(next, k, p);
                        let i = first + k;
                        let s = side(i).unwrap_or(0.0);
                        if s == 0.0 {
                            return true;
                        }
                        let eta = dot(row, beta) + offset.map_or(0.0, |o| o[i]);
                        let m = trials.map_or(1.0, |m| m[i]);
                        let t = self.family.row(self.link, self.y[i], m, eta, &a);
                        let x_step = dot(row, &step);
                        Separation::exists_certified(&[s], &[t.d1], &[-t.d2], &[x_step])
                    })
                })
            });
            let certified = certified.into_iter().all(|c| c);
            self.x.release_all();
            if certified {
                return Ok(None);
            }
        }
        let mut sides = Vec::new();
        crate::alloc::reserve(&mut sides, n, "the separation check").map_err(|e| e.to_string())?;
        sides.extend((0..n).map(|i| side(i).unwrap_or(0.0)));
        let bound = if self.family.mean_name() == "probability" {
            "probability 0 or 1"
        } else {
            "mean 0"
        };
        if q == p {
            return Separation::find(Sides {
                x: &self.x,
                p,
                sides: &sides,
                names: &self.names,
                bound,
            });
        }
        // a restricted fit: the linear program over the free columns alone
        let mut x = Vec::new();
        crate::alloc::reserve(&mut x, n * q, "the separation check").map_err(|e| e.to_string())?;
        x.extend(
            self.x
                .chunks_exact(p)
                .flat_map(|row| columns.iter().map(move |&j| row[j])),
        );
        let names: Vec<String> = columns.iter().map(|&j| self.names[j].clone()).collect();
        Separation::find(Sides {
            x: &x,
            p: q,
            sides: &sides,
            names: &names,
            bound,
        })
    }
}

/// `I⁻¹g` for the coefficients' block of the information (the first `p` parameters), by a
/// Jacobi-scaled Cholesky solve; `None` when that block is not positive definite.
fn newton_step(information: &DMatrix<f64>, gradient: &[f64], p: usize) -> Option<Vec<f64>> {
    let block = information.view((0, 0), (p, p)).into_owned();
    let (scaled, s) = jacobi_scaling(&block);
    let chol = scaled.cholesky()?;
    let b = DVector::from_iterator(p, (0..p).map(|j| gradient[j] * s[j]));
    let u = chol.solve(&b);
    let step: Vec<f64> = (0..p).map(|j| u[j] * s[j]).collect();
    step.iter().all(|v| v.is_finite()).then_some(step)
}
