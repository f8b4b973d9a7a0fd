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

use nalgebra::DMatrix;

use super::Glm;
use crate::model::Want;
use crate::model::family::{Aux, Family};
use crate::model::pass::{Known, RowTerms, pass_leaving};

impl<F: Family> Glm<F> {
    /// `Σᵢ sᵢsᵢᵀ` at `theta` on the natural scale.
    pub(super) fn score_meat(&self, theta: &[f64]) -> Option<DMatrix<f64>> {
        let p = self.p();
        let has_aux = self.family.aux().is_some();
        let aux = if has_aux {
            Aux::new(theta[p])
        } else {
            Aux::none()
        };
        let (offset, trials) = (self.offset.as_deref(), self.trials.as_deref());
        let weight = self.aux_weight.as_deref();
        let frequency = self.weights.as_deref();
        let (y, family, link) = (&self.y, &self.family, self.link);
        let row = |i: usize, eta: f64| {
            let eta = offset.map_or(eta, |o| eta + o[i]);
            let t = family.row(link, y[i], trials.map_or(1.0, |m| m[i]), eta, &aux);
            let e = t.da + weight.map_or(0.0, |c| c[i]);
            // a row standing for f observations: f copies of the same outer product
            let f = frequency.map_or(1.0, |f| f[i]);
            RowTerms::new(0.0, 0.0, f * t.d1 * t.d1).with_aux(0.0, f * e * e, f * t.d1 * e)
        };
        let want = Want {
            gradient: false,
            hessian: true,
            scores: false,
        };
        self.x
            .windows(p, |start, xw| {
                let row = |i: usize, eta: f64| row(start + i, eta);
                pass_leaving(xw, p, &theta[..p], has_aux, Known::default(), want, row)
            })
            .into_iter()
            .reduce(crate::model::Evaluation::merge)?
            .hessian
    }
}

#[cfg(test)]
mod tests {
    use crate::data::Design;
    use crate::model::family::{Binomial, Gamma, NegativeBinomial, Poisson};
    use crate::model::{Family, Glm, Link, Model, Response, Want};

    /// The meat summed in the pass equals `Σ sᵢsᵢᵀ` of the stored scores, for families with and
    /// without an auxiliary parameter (the Gamma shape's `a·cᵢ` term included).
    fn agrees<F: Family>(family: F, link: Link, y: &[f64], theta: &[f64]) {
        let x: Vec<f64> = (0..y.len()).map(|i| (i as f64 * 0.37).sin()).collect();
        let design = Design::from_columns(&["x"], &[x], true).unwrap();
        let model = Glm::new(family, link, &design, Response::new(y)).unwrap();
        let want = Want {
            gradient: true,
            hessian: false,
            scores: true,
        };
        let scores = model.evaluate(theta, want).unwrap().scores.unwrap();
        let k = scores.k;
        let meat = model.meat(theta).unwrap();
        for a in 0..k {
            for b in 0..k {
                let sum: f64 = (0..scores.n_rows())
                    .map(|i| scores.row(i)[a] * scores.row(i)[b])
                    .sum();
                assert!(
                    (meat[(a, b)] - sum).abs() <= 1e-12 * sum.abs().max(1.0),
                    "{a} {b}"
                );
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
        agrees(NegativeBinomial, Link::Log, &counts, &[0.3, 0.4, 0.7]);
        agrees(Gamma, Link::Log, &positive, &[0.5, 0.3, 2.0]);
    }
}
