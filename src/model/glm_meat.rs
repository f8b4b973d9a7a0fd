//! The meat `B = Σᵢ sᵢsᵢᵀ` of a [`Glm`]'s sandwich in one pass over the rows, without the
//! per-observation scores stored. With `sᵢ = (dᵢxᵢ, eᵢ)`, `dᵢ = ∂ℓᵢ/∂ηᵢ` and `eᵢ = ∂ℓᵢ/∂a` (the
//! auxiliary parameter's, `a·cᵢ` included),
//!
//! `B = [XᵀD²X, Xᵀ(d∘e); ·, Σeᵢ²]`,
//!
//! which is the Hessian of the pass ([`super::pass`]) with each row's `(f'', ∂²f/∂η∂a,
//! ∂²f/∂a²)` replaced by `(dᵢ², dᵢeᵢ, eᵢ²)`: the same blocked sweep, one matrix product per
//! block of rows, at the cost of one Hessian evaluation. With frequency weights `fᵢ` each row
//! stands for `fᵢ` observations of the same score: `B = Σᵢ fᵢ sᵢsᵢᵀ`.

use std::sync::atomic::{AtomicBool, Ordering};

use nalgebra::DMatrix;

use super::Glm;
use crate::linalg::quadratic_form;
use crate::model::family::Family;
use crate::model::pass::{RowTerms, pass, pass_rows};
use crate::model::{Evaluation, MeatRows, Want};

/// A leverage this close to 1 leaves HC2 and HC3 undefined (the general path names the row).
const LEVERAGE_ONE: f64 = 1e-12;

impl<F: Family> Glm<F> {
    /// `Σᵢ sᵢsᵢᵀ/(1 − hᵢ)^k` at `theta` on the natural scale, `k` as `rows` says; `None` where
    /// the family has no expected weights or a leverage is 1. The leverages take `covariance`,
    /// the inverse of the fit's observed information, where that is the expected information of
    /// the coefficients (a canonical link and no auxiliary parameter), `(XᵀX)⁻¹` where the
    /// model holds `XᵀX` (the Gaussian family), and otherwise the expected information from a
    /// pass of its own.
    pub(super) fn score_meat(
        &self,
        theta: &[f64],
        rows: MeatRows,
        covariance: &DMatrix<f64>,
    ) -> Option<DMatrix<f64>> {
        let p = self.p();
        let has_aux = self.family.aux().is_some();
        let (aux, aux_value) = self.aux_at(theta);
        // the inverse information the leverages hᵢ = wᵢ xᵢᵀ(XᵀWX)⁻¹xᵢ need, for HC2 and HC3
        let inverse = match rows {
            MeatRows::Plain => None,
            _ if !has_aux && self.family.expected_is_observed(self.link) => {
                Some(covariance.clone())
            }
            _ => Some(self.fisher_information(theta)?.cholesky()?.inverse()),
        };
        let power = rows.power();
        let (offset, trials) = (self.offset.as_deref(), self.trials.as_deref());
        let weight = self.aux_weight.as_deref();
        let frequency = self.weights.as_deref();
        let (y, family, link) = (&self.y, &self.family, self.link);
        let undefined = AtomicBool::new(false);
        let row = |i: usize, eta: f64, x: &[f64]| {
            let eta = offset.map_or(eta, |o| eta + o[i]);
            let m = trials.map_or(1.0, |m| m[i]);
            let t = family.row(link, y[i], m, eta, &aux);
            let e = t.da + weight.map_or(0.0, |c| c[i]);
            // a row standing for f observations: f copies of the same outer product, each with
            // the leverage of one observation
            let mut c = frequency.map_or(1.0, |f| f[i]);
            if let Some(a) = &inverse {
                let w = family
                    .fisher_weight(link, eta, m, aux_value)
                    .unwrap_or(f64::NAN);
                let h = w * quadratic_form(a, x);
                if h.is_nan() || h >= 1.0 - LEVERAGE_ONE {
                    undefined.store(true, Ordering::Relaxed);
                    return RowTerms::new(0.0, 0.0, 0.0);
                }
                c /= (1.0 - h).powi(power);
            }
            RowTerms::new(0.0, 0.0, c * t.d1 * t.d1).with_aux(0.0, c * e * e, c * t.d1 * e)
        };
        let want = Want {
            gradient: false,
            hessian: true,
            scores: false,
        };
        let meat = self
            .x
            .windows(p, |start, xw| {
                let row = |i: usize, eta: f64, x: &[f64]| row(start + i, eta, x);
                pass_rows(xw, p, &theta[..p], has_aux, want, row)
            })
            .into_iter()
            .reduce(Evaluation::merge)?
            .hessian;
        meat.filter(|_| !undefined.load(Ordering::Relaxed))
    }

    /// The expected information of the coefficients at `theta`, `XᵀWX` with the family's
    /// expected weights `wᵢ` (each row's times its frequency weight), in one pass; `None` where
    /// the family has none.
    pub(super) fn fisher_information(&self, theta: &[f64]) -> Option<DMatrix<f64>> {
        let p = self.p();
        let (_, aux) = self.aux_at(theta);
        if let Some(g) = &self.gram {
            // a curvature the same in every row (the Gaussian family) has one expected weight
            // for every row: that weight times XᵀX (XᵀFX with frequency weights), formed already
            return self
                .family
                .fisher_weight(self.link, 0.0, 1.0, aux)
                .map(|w| g * w);
        }
        let (offset, trials) = (self.offset.as_deref(), self.trials.as_deref());
        let frequency = self.weights.as_deref();
        let missing = AtomicBool::new(false);
        let row = |i: usize, eta: f64| {
            let eta = offset.map_or(eta, |o| eta + o[i]);
            let m = trials.map_or(1.0, |m| m[i]);
            let f = frequency.map_or(1.0, |f| f[i]);
            match self.family.fisher_weight(self.link, eta, m, aux) {
                Some(w) => RowTerms::new(0.0, 0.0, -f * w),
                None => {
                    missing.store(true, Ordering::Relaxed);
                    RowTerms::new(0.0, 0.0, 0.0)
                }
            }
        };
        let hessian = self
            .x
            .windows(p, |start, xw| {
                let row = |i: usize, eta: f64| row(start + i, eta);
                pass(xw, p, &theta[..p], false, Want::HESSIAN, row)
            })
            .into_iter()
            .reduce(Evaluation::merge)?
            .hessian?;
        (!missing.load(Ordering::Relaxed)).then(|| -hessian)
    }
}

#[cfg(test)]
mod tests {
    use crate::data::Design;
    use crate::model::family::{Binomial, Gamma, Gaussian, NegativeBinomial, Poisson};
    use crate::model::{Family, Glm, Link, MeatRows, Model, Response, Want};

    /// The meat summed in the pass equals `Σ sᵢsᵢᵀ/(1 − hᵢ)^k` of the stored scores and the
    /// leverages of [`Model::leverages`] (HC0 to HC3), for families with and without an
    /// auxiliary parameter (the Gamma shape's `a·cᵢ` term included), with frequency weights
    /// and without.
    fn agrees<F: Family + Clone>(family: F, link: Link, y: &[f64], theta: &[f64]) {
        let x: Vec<f64> = (0..y.len()).map(|i| (i as f64 * 0.37).sin()).collect();
        let design = Design::from_columns(&["x"], &[x], true).unwrap();
        let f: Vec<f64> = (0..y.len()).map(|i| 1.0 + (i % 3) as f64).collect();
        for weights in [None, Some(f.as_slice())] {
            let response = Response {
                weights,
                ..Response::new(y)
            };
            let model = Glm::new(family.clone(), link, &design, response).unwrap();
            let want = Want {
                gradient: true,
                hessian: false,
                scores: true,
            };
            let scores = model.evaluate(theta, want).unwrap().scores.unwrap();
            let h = model.leverages(theta).unwrap();
            // the inverse observed information, which the canonical links' leverages take
            let hessian = model.evaluate(theta, Want::HESSIAN).unwrap().hessian;
            let covariance = (-hessian.unwrap()).try_inverse().unwrap();
            let k = scores.k;
            for rows in [MeatRows::Plain, MeatRows::Hc2, MeatRows::Hc3] {
                let meat = model.meat(theta, rows, &covariance).unwrap();
                for a in 0..k {
                    for b in 0..k {
                        // a weighted row's score is the sum over its f copies: f·sᵢ
                        let sum: f64 = (0..scores.n_rows())
                            .map(|i| {
                                let w = weights.map_or(1.0, |f| f[i]);
                                let c = w * (1.0 - h[i]).powi(rows.power());
                                scores.row(i)[a] * scores.row(i)[b] / c
                            })
                            .sum();
                        assert!(
                            (meat[(a, b)] - sum).abs() <= 1e-12 * sum.abs().max(1.0),
                            "{rows:?} {weights:?} {a} {b}: {} against {sum}",
                            meat[(a, b)]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_meat_is_the_sum_of_the_scores_outer_products() {
        let counts = [0.0, 2.0, 1.0, 4.0, 3.0, 0.0, 7.0, 2.0, 5.0, 1.0];
        let positive = [0.4, 2.1, 1.3, 4.2, 3.3, 0.8, 7.5, 2.2, 5.1, 1.7];
        let binary = [0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0];
        agrees(Binomial, Link::Probit, &binary, &[0.2, 0.5]);
        agrees(Poisson, Link::Log, &counts, &[0.3, 0.4]);
        agrees(Binomial, Link::Logit, &binary, &[0.2, 0.5]);
        agrees(Gaussian, Link::Identity, &positive, &[0.5, 0.3, 1.5]);
        agrees(NegativeBinomial, Link::Log, &counts, &[0.3, 0.4, 0.7]);
        agrees(Gamma, Link::Log, &positive, &[0.5, 0.3, 2.0]);
    }
}
