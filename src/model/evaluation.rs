//! The evaluation seam: what the optimizer and inference ask of a model at `θ`, and the answer
//! as sums over rows that merge.
//!
//! A log-likelihood of independent observations is a sum, `ℓ(θ) = Σᵢ ℓᵢ(θ)`, and so are its
//! gradient and Hessian. An [`Evaluation`] over some rows (a block, a file, a machine's share)
//! merges with the evaluation over other rows by adding ([`Evaluation::merge`]), so the same
//! answer comes from one pass in memory, from blocks streamed off disk, or from partial sums
//! computed elsewhere. The per-observation scores `∂ℓᵢ/∂θ` (for robust standard errors) are
//! rows, and merge by concatenation.

use nalgebra::DMatrix;

/// How each observation's outer product `sᵢsᵢᵀ` enters the meat of a sandwich: as it is (HC0,
/// HC1), or divided by `1 − hᵢ` (HC2) or by `(1 − hᵢ)²` (HC3), `hᵢ` the observation's leverage
/// (MacKinnon & White 1985).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MeatRows {
    /// `Σ sᵢsᵢᵀ`.
    #[default]
    Plain,
    /// `Σ sᵢsᵢᵀ/(1 − hᵢ)`.
    Hc2,
    /// `Σ sᵢsᵢᵀ/(1 − hᵢ)²`.
    Hc3,
}

impl MeatRows {
    /// The power `k` of `(1 − hᵢ)^k` that divides each outer product.
    pub fn power(self) -> i32 {
        match self {
            Self::Plain => 0,
            Self::Hc2 => 1,
            Self::Hc3 => 2,
        }
    }
}

/// What an evaluation is asked for besides the value `ℓ(θ)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Want {
    /// The gradient `∇ℓ(θ)`.
    pub gradient: bool,
    /// The Hessian `∇²ℓ(θ)`.
    pub hessian: bool,
    /// The per-observation scores `∂ℓᵢ/∂θ`, one row per observation.
    pub scores: bool,
}

impl Want {
    /// The value alone.
    pub const VALUE: Want = Want {
        gradient: false,
        hessian: false,
        scores: false,
    };
    /// The value and the gradient.
    pub const GRADIENT: Want = Want {
        gradient: true,
        hessian: false,
        scores: false,
    };
    /// The value, the gradient and the Hessian.
    pub const HESSIAN: Want = Want {
        gradient: true,
        hessian: true,
        scores: false,
    };

    /// Whether `self` asks for no more than `have` provides.
    pub fn met_by(self, have: Want) -> bool {
        (!self.gradient || have.gradient)
            && (!self.hessian || have.hessian)
            && (!self.scores || have.scores)
    }
}

/// Per-observation scores: `n` rows of `k` entries, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Entries per row (the number of parameters).
    pub k: usize,
    /// `∂ℓᵢ/∂θⱼ` at `values[i·k + j]`.
    pub values: Vec<f64>,
}

impl Scores {
    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.k..(i + 1) * self.k]
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.values.len().checked_div(self.k).unwrap_or(0)
    }
}

/// `ℓ(θ)` and what else was asked for, over some rows, on the natural scale of `θ`.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// `ℓ(θ)`.
    pub value: f64,
    /// `∇ℓ(θ)`, when asked for.
    pub gradient: Option<Vec<f64>>,
    /// `∇²ℓ(θ)`, when asked for.
    pub hessian: Option<DMatrix<f64>>,
    /// The per-observation scores, when asked for.
    pub scores: Option<Scores>,
}

impl Evaluation {
    /// The evaluation over no rows: zeros of what `want` asks for, for `k` parameters.
    pub fn zero(k: usize, want: Want) -> Self {
        Self {
            value: 0.0,
            gradient: (want.gradient || want.hessian).then(|| vec![0.0; k]),
            hessian: want.hessian.then(|| DMatrix::zeros(k, k)),
            scores: want.scores.then(|| Scores {
                k,
                values: Vec::new(),
            }),
        }
    }

    /// What this evaluation holds.
    pub fn holds(&self) -> Want {
        Want {
            gradient: self.gradient.is_some(),
            hessian: self.hessian.is_some(),
            scores: self.scores.is_some(),
        }
    }

    /// The evaluation over the rows of `self` followed by those of `other`: sums added, score
    /// rows appended. A part either side lacks is dropped.
    ///
    /// # Examples
    /// ```
    /// use mle::model::{Evaluation, Want};
    /// let mut a = Evaluation::zero(2, Want::GRADIENT);
    /// a.value = -1.5;
    /// a.gradient = Some(vec![1.0, 2.0]);
    /// let mut b = Evaluation::zero(2, Want::GRADIENT);
    /// b.value = -0.5;
    /// b.gradient = Some(vec![0.5, -2.0]);
    /// let both = a.merge(b);
    /// assert_eq!(both.value, -2.0);
    /// assert_eq!(both.gradient, Some(vec![1.5, 0.0]));
    /// ```
    #[must_use]
    pub fn merge(mut self, other: Evaluation) -> Evaluation {
        self.value += other.value;
        self.gradient = match (self.gradient, other.gradient) {
            (Some(mut a), Some(b)) => {
                a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
                Some(a)
            }
            _ => None,
        };
        self.hessian = match (self.hessian, other.hessian) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        self.scores = match (self.scores, other.scores) {
            (Some(mut a), Some(b)) if a.k == b.k => {
                a.values.extend(b.values);
                Some(a)
            }
            _ => None,
        };
        self
    }

    /// The gradient, which a caller that asked for it may take as present.
    pub fn gradient(&self) -> &[f64] {
        self.gradient.as_deref().unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_adds_sums_and_appends_scores() {
        let want = Want {
            gradient: true,
            hessian: true,
            scores: true,
        };
        let mut a = Evaluation::zero(1, want);
        a.value = 1.0;
        a.gradient = Some(vec![2.0]);
        a.hessian = Some(DMatrix::from_element(1, 1, -3.0));
        a.scores = Some(Scores {
            k: 1,
            values: vec![2.0],
        });
        let b = a.clone();
        let m = a.merge(b);
        assert_eq!(m.value, 2.0);
        assert_eq!(m.gradient, Some(vec![4.0]));
        assert_eq!(m.hessian.unwrap()[(0, 0)], -6.0);
        let s = m.scores.unwrap();
        assert_eq!((s.n_rows(), s.row(1)), (2, &[2.0][..]));
        // a part one side lacks is dropped
        let lacking = Evaluation::zero(1, Want::VALUE).merge(Evaluation::zero(1, want));
        assert_eq!(lacking.holds(), Want::VALUE);
        assert!(Want::GRADIENT.met_by(want) && !want.met_by(Want::GRADIENT));
    }
}
