//! Second-order forward-mode automatic differentiation over a block of rows.
//!
//! A [`Jet`] holds, for each of `m` rows, a value `v`, its derivatives `∂v/∂zₖ` along `q`
//! directions and (at order 2) the second derivatives `∂²v/∂zₖ∂zₗ`, and carries them through
//! every operation by the chain rule:
//!
//! - `f(a)`: `∂ₖ = f'(a) ∂ₖa`, `∂ₖₗ = f'(a) ∂ₖₗa + f''(a) ∂ₖa ∂ₗa`;
//! - `f(a, b)`: `∂ₖ = f_a ∂ₖa + f_b ∂ₖb`, `∂ₖₗ = f_a ∂ₖₗa + f_b ∂ₖₗb + f_aa ∂ₖa∂ₗa +
//!   f_ab (∂ₖa∂ₗb + ∂ₗa∂ₖb) + f_bb ∂ₖb∂ₗb`.
//!
//! Each component is a column over the rows or one number for all of them ([`Col`]), so data,
//! parameters and anything computed from parameters alone (`ln Γ(1/α)`) cost one evaluation,
//! not one per row, and a derivative that is zero costs nothing. The rows' derivatives are exact
//! (no differences): what the Hessian of a row model needs from each row.

use std::ops::{Add, Div, Mul, Neg, Sub};
use std::sync::Arc;

use super::Real;
use super::special;

/// One component of a jet: a value per row, or one value for every row.
#[derive(Debug, Clone)]
pub(crate) enum Col {
    /// The same value in every row.
    Const(f64),
    /// One value per row.
    Rows(Arc<Vec<f64>>),
}

/// The zero derivative.
static ZERO: Col = Col::Const(0.0);

impl Col {
    fn is_zero(&self) -> bool {
        matches!(self, Col::Const(c) if *c == 0.0)
    }

    /// Element `i` (any `i` for a constant).
    #[inline]
    pub(crate) fn at(&self, i: usize) -> f64 {
        match self {
            Col::Const(c) => *c,
            Col::Rows(v) => v[i],
        }
    }

    /// `f` of every element.
    fn map(&self, f: impl Fn(f64) -> f64) -> Col {
        match self {
            Col::Const(c) => Col::Const(f(*c)),
            Col::Rows(v) => Col::Rows(Arc::new(v.iter().map(|x| f(*x)).collect())),
        }
    }

    /// `f` of the elements of `a` and `b` pairwise.
    fn zip(a: &Col, b: &Col, f: impl Fn(f64, f64) -> f64) -> Col {
        match (a, b) {
            (Col::Const(x), Col::Const(y)) => Col::Const(f(*x, *y)),
            (Col::Rows(v), Col::Const(y)) => {
                Col::Rows(Arc::new(v.iter().map(|x| f(*x, *y)).collect()))
            }
            (Col::Const(x), Col::Rows(w)) => {
                Col::Rows(Arc::new(w.iter().map(|y| f(*x, *y)).collect()))
            }
            (Col::Rows(v), Col::Rows(w)) => Col::Rows(Arc::new(
                v.iter().zip(w.iter()).map(|(x, y)| f(*x, *y)).collect(),
            )),
        }
    }

    fn add(a: &Col, b: &Col) -> Col {
        if a.is_zero() {
            b.clone()
        } else if b.is_zero() {
            a.clone()
        } else {
            Col::zip(a, b, |x, y| x + y)
        }
    }

    fn mul(a: &Col, b: &Col) -> Col {
        if a.is_zero() || b.is_zero() {
            Col::Const(0.0)
        } else {
            Col::zip(a, b, |x, y| x * y)
        }
    }

    fn scale(&self, c: f64) -> Col {
        if c == 0.0 || self.is_zero() {
            Col::Const(0.0)
        } else if c == 1.0 {
            self.clone()
        } else {
            self.map(|x| x * c)
        }
    }

    /// `Σₜ aₜ bₜ` over the pairs, skipping zeros.
    fn dot(terms: &[(&Col, &Col)]) -> Col {
        terms
            .iter()
            .filter(|(a, b)| !a.is_zero() && !b.is_zero())
            .fold(Col::Const(0.0), |acc, (a, b)| {
                Col::add(&acc, &Col::mul(a, b))
            })
    }

    /// The elements, `m` of them.
    fn expand(&self, m: usize) -> Vec<f64> {
        match self {
            Col::Const(c) => vec![*c; m],
            Col::Rows(v) => v.to_vec(),
        }
    }
}

/// Values of `m` rows with their first and (at order 2) second derivatives along `q` directions.
///
/// Constants carry no derivatives at all; a variable is seeded with the derivative 1 along its
/// direction. The second derivatives are stored once per pair `k ≤ l`.
#[derive(Debug, Clone)]
pub struct Jet {
    m: usize,
    q: usize,
    order: u8,
    v: Col,
    /// `∂v/∂zₖ`, empty for a constant.
    g: Vec<Col>,
    /// `∂²v/∂zₖ∂zₗ` at [`pair`]`(k, l)`, empty for a constant or at order 1.
    h: Vec<Col>,
}

/// The index of the pair `k ≤ l` among the `q(q + 1)/2` second derivatives, row by row of the
/// upper triangle.
pub(crate) fn pair(k: usize, l: usize, q: usize) -> usize {
    let (k, l) = if k <= l { (k, l) } else { (l, k) };
    k * q - k * (k + 1) / 2 + l
}

/// The shape of the jets of one evaluation: rows, directions, order (0: values alone, 1: with
/// first derivatives, 2: with second derivatives too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JetShape {
    /// Rows.
    pub m: usize,
    /// Directions.
    pub q: usize,
    /// Highest derivative carried.
    pub order: u8,
}

impl Jet {
    /// The data `values` (one per row): no derivatives.
    pub fn constant(values: &[f64], q: usize, order: u8) -> Jet {
        Jet::from_col(Col::Rows(Arc::new(values.to_vec())), values.len(), q, order)
    }

    /// The variable `zₖ` with `values` in its rows, `k = direction` of `q`, at `order`.
    pub fn variable(values: &[f64], direction: usize, q: usize, order: u8) -> Jet {
        let mut jet = Jet::constant(values, q, order);
        jet.seed(direction);
        jet
    }

    /// The variable `zₖ` with one value for all `m` rows.
    pub fn scalar_variable(value: f64, m: usize, direction: usize, q: usize, order: u8) -> Jet {
        let mut jet = Jet::from_col(Col::Const(value), m, q, order);
        jet.seed(direction);
        jet
    }

    pub(crate) fn from_col(v: Col, m: usize, q: usize, order: u8) -> Jet {
        Jet {
            m,
            q,
            order,
            v,
            g: Vec::new(),
            h: Vec::new(),
        }
    }

    fn seed(&mut self, direction: usize) {
        assert!(direction < self.q, "direction {direction} of {}", self.q);
        if self.order >= 1 {
            self.g = vec![Col::Const(0.0); self.q];
            self.g[direction] = Col::Const(1.0);
        }
        if self.order >= 2 {
            self.h = vec![Col::Const(0.0); self.q * (self.q + 1) / 2];
        }
    }

    /// The rows' values.
    pub fn value(&self) -> Vec<f64> {
        self.v.expand(self.m)
    }

    /// The rows' `∂v/∂zₖ`.
    pub fn first(&self, k: usize) -> Vec<f64> {
        self.g(k).expand(self.m)
    }

    /// The rows' `∂²v/∂zₖ∂zₗ` (zero at order 1).
    pub fn second(&self, k: usize, l: usize) -> Vec<f64> {
        self.h(k, l).expand(self.m)
    }

    pub(crate) fn value_col(&self) -> &Col {
        &self.v
    }

    pub(crate) fn g(&self, k: usize) -> &Col {
        self.g.get(k).unwrap_or(&ZERO)
    }

    pub(crate) fn h(&self, k: usize, l: usize) -> &Col {
        self.h.get(pair(k, l, self.q)).unwrap_or(&ZERO)
    }

    /// Directions and order of the result of an operation on `self` and `other`.
    fn joint(&self, other: &Jet) -> (usize, usize) {
        (
            self.g.len().max(other.g.len()),
            self.h.len().max(other.h.len()),
        )
    }

    /// `f(self)` from `f, f', f''` of each element: `fd(x, need)` returns `[f(x), f'(x), f''(x)]`,
    /// of which the first `need` are used (the rest may be left out where they cost).
    pub(crate) fn unary(self, fd: impl Fn(f64, usize) -> [f64; 3]) -> Jet {
        let need = if self.h.is_empty() {
            if self.g.is_empty() { 1 } else { 2 }
        } else {
            3
        };
        let (v, d1, d2) = match &self.v {
            Col::Const(c) => {
                let [a, b, c] = fd(*c, need);
                (Col::Const(a), Col::Const(b), Col::Const(c))
            }
            Col::Rows(x) => {
                let mut out = [
                    Vec::with_capacity(x.len()),
                    Vec::with_capacity(if need > 1 { x.len() } else { 0 }),
                    Vec::with_capacity(if need > 2 { x.len() } else { 0 }),
                ];
                for x in x.iter() {
                    let r = fd(*x, need);
                    for (o, r) in out.iter_mut().zip(r).take(need) {
                        o.push(r);
                    }
                }
                let [a, b, c] = out.map(|v| Col::Rows(Arc::new(v)));
                (a, b, c)
            }
        };
        let q = self.q;
        let g: Vec<Col> = self.g.iter().map(|gk| Col::mul(&d1, gk)).collect();
        let h: Vec<Col> = (0..self.h.len())
            .map(|idx| {
                let (k, l) = unpair(idx, q);
                Col::add(
                    &Col::mul(&d1, &self.h[idx]),
                    &Col::mul(&d2, &Col::mul(self.g(k), self.g(l))),
                )
            })
            .collect();
        Jet { v, g, h, ..self }
    }

    /// `f(self, other)` from `[f, f_a, f_b, f_aa, f_ab, f_bb]` of each pair of elements.
    pub(crate) fn binary(self, other: Jet, fd: impl Fn(f64, f64) -> [f64; 6]) -> Jet {
        let (ng, nh) = self.joint(&other);
        let m = self.m.max(other.m);
        let [v, fa, fb, faa, fab, fbb] = match (&self.v, &other.v) {
            (Col::Const(x), Col::Const(y)) => fd(*x, *y).map(Col::Const),
            (a, b) => {
                let mut out: [Vec<f64>; 6] = std::array::from_fn(|_| Vec::with_capacity(m));
                for i in 0..m {
                    for (o, r) in out.iter_mut().zip(fd(a.at(i), b.at(i))) {
                        o.push(r);
                    }
                }
                out.map(|v| Col::Rows(Arc::new(v)))
            }
        };
        let q = self.q.max(other.q);
        let g: Vec<Col> = (0..ng)
            .map(|k| Col::dot(&[(&fa, self.g(k)), (&fb, other.g(k))]))
            .collect();
        let h: Vec<Col> = (0..nh)
            .map(|idx| {
                let (k, l) = unpair(idx, q);
                let cross = Col::add(
                    &Col::mul(self.g(k), other.g(l)),
                    &Col::mul(self.g(l), other.g(k)),
                );
                Col::dot(&[
                    (&fa, self.h(k, l)),
                    (&fb, other.h(k, l)),
                    (&faa, &Col::mul(self.g(k), self.g(l))),
                    (&fab, &cross),
                    (&fbb, &Col::mul(other.g(k), other.g(l))),
                ])
            })
            .collect();
        Jet {
            m,
            q,
            order: self.order.max(other.order),
            v,
            g,
            h,
        }
    }

    /// Every component times `c`, and `c0` added to the value.
    fn affine(self, c: f64, c0: f64) -> Jet {
        let v = if c0 == 0.0 {
            self.v.scale(c)
        } else {
            self.v.map(|x| c * x + c0)
        };
        Jet {
            v,
            g: self.g.iter().map(|x| x.scale(c)).collect(),
            h: self.h.iter().map(|x| x.scale(c)).collect(),
            ..self
        }
    }

    fn sum_with(self, other: Jet, sign: f64) -> Jet {
        let (ng, nh) = self.joint(&other);
        let q = self.q.max(other.q);
        let add = |a: &Col, b: &Col| {
            if sign == 1.0 {
                Col::add(a, b)
            } else {
                Col::add(a, &b.scale(-1.0))
            }
        };
        Jet {
            m: self.m.max(other.m),
            q,
            order: self.order.max(other.order),
            v: add(&self.v, &other.v),
            g: (0..ng).map(|k| add(self.g(k), other.g(k))).collect(),
            h: (0..nh)
                .map(|idx| {
                    let (k, l) = unpair(idx, q);
                    add(self.h(k, l), other.h(k, l))
                })
                .collect(),
        }
    }
}

/// The pair `(k, l)`, `k ≤ l`, at index `idx` of [`pair`].
fn unpair(idx: usize, q: usize) -> (usize, usize) {
    let mut k = 0;
    while pair(k, q - 1, q) < idx {
        k += 1;
    }
    (k, idx - pair(k, k, q) + k)
}

impl Add for Jet {
    type Output = Jet;
    fn add(self, other: Jet) -> Jet {
        self.sum_with(other, 1.0)
    }
}

impl Sub for Jet {
    type Output = Jet;
    fn sub(self, other: Jet) -> Jet {
        self.sum_with(other, -1.0)
    }
}

impl Mul for Jet {
    type Output = Jet;
    fn mul(self, other: Jet) -> Jet {
        let (ng, nh) = self.joint(&other);
        let q = self.q.max(other.q);
        let (a, b) = (&self, &other);
        Jet {
            m: a.m.max(b.m),
            q,
            order: a.order.max(b.order),
            v: Col::mul(&a.v, &b.v),
            g: (0..ng)
                .map(|k| Col::dot(&[(a.g(k), &b.v), (&a.v, b.g(k))]))
                .collect(),
            h: (0..nh)
                .map(|idx| {
                    let (k, l) = unpair(idx, q);
                    Col::dot(&[
                        (a.h(k, l), &b.v),
                        (&a.v, b.h(k, l)),
                        (a.g(k), b.g(l)),
                        (a.g(l), b.g(k)),
                    ])
                })
                .collect(),
        }
    }
}

impl Div for Jet {
    type Output = Jet;
    /// `a/b = a · (1/b)`.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn div(self, other: Jet) -> Jet {
        self * other.recip()
    }
}

impl Neg for Jet {
    type Output = Jet;
    fn neg(self) -> Jet {
        self.affine(-1.0, 0.0)
    }
}

impl Add<f64> for Jet {
    type Output = Jet;
    fn add(self, c: f64) -> Jet {
        Jet {
            v: self.v.map(|x| x + c),
            ..self
        }
    }
}

impl Sub<f64> for Jet {
    type Output = Jet;
    fn sub(self, c: f64) -> Jet {
        self + (-c)
    }
}

impl Mul<f64> for Jet {
    type Output = Jet;
    fn mul(self, c: f64) -> Jet {
        self.affine(c, 0.0)
    }
}

impl Div<f64> for Jet {
    type Output = Jet;
    fn div(self, c: f64) -> Jet {
        self.affine(1.0 / c, 0.0)
    }
}

impl Real for Jet {
    type Shape = JetShape;

    fn data(values: &[f64], shape: &JetShape) -> Jet {
        Jet::constant(values, shape.q, shape.order)
    }

    fn exp(self) -> Jet {
        self.unary(|x, _| {
            let e = x.exp();
            [e, e, e]
        })
    }
    fn log(self) -> Jet {
        self.unary(|x, _| [x.ln(), 1.0 / x, -1.0 / (x * x)])
    }
    fn log1p(self) -> Jet {
        self.unary(|x, _| {
            let r = 1.0 / (1.0 + x);
            [x.ln_1p(), r, -r * r]
        })
    }
    fn expm1(self) -> Jet {
        self.unary(|x, _| {
            let e = x.exp();
            [x.exp_m1(), e, e]
        })
    }
    fn recip(self) -> Jet {
        self.unary(|x, _| {
            let r = 1.0 / x;
            [r, -r * r, 2.0 * r * r * r]
        })
    }
    fn sqrt(self) -> Jet {
        self.unary(|x, _| {
            let s = x.sqrt();
            [s, 0.5 / s, -0.25 / (s * x)]
        })
    }
    fn square(self) -> Jet {
        self.unary(|x, _| [x * x, 2.0 * x, 2.0])
    }
    fn powf_scalar(self, a: f64) -> Jet {
        self.unary(|x, _| {
            [
                x.powf(a),
                a * x.powf(a - 1.0),
                a * (a - 1.0) * x.powf(a - 2.0),
            ]
        })
    }
    fn abs(self) -> Jet {
        self.unary(|x, _| [x.abs(), if x == 0.0 { 0.0 } else { x.signum() }, 0.0])
    }
    fn tanh(self) -> Jet {
        self.unary(|x, _| {
            let t = x.tanh();
            let d = 1.0 - t * t;
            [t, d, -2.0 * t * d]
        })
    }
    fn erf(self) -> Jet {
        self.unary(|x, _| {
            let d = std::f64::consts::FRAC_2_SQRT_PI * (-x * x).exp();
            [libm::erf(x), d, -2.0 * x * d]
        })
    }
    fn sigmoid(self) -> Jet {
        self.unary(|x, _| {
            let (s, c) = (special::sigmoid(x), special::sigmoid(-x));
            [s, s * c, s * c * (c - s)]
        })
    }
    fn log_sigmoid(self) -> Jet {
        self.unary(|x, _| {
            let (s, c) = (special::sigmoid(x), special::sigmoid(-x));
            [special::log_sigmoid(x), c, -s * c]
        })
    }
    fn log1pexp(self) -> Jet {
        self.unary(|x, _| {
            let (s, c) = (special::sigmoid(x), special::sigmoid(-x));
            [special::log1pexp(x), s, s * c]
        })
    }
    fn log1mexp(self) -> Jet {
        self.unary(|x, _| {
            let d = (-x).exp_m1();
            [special::log1mexp(x), -1.0 / d, -(-x).exp() / (d * d)]
        })
    }
    fn lgamma(self) -> Jet {
        self.unary(special::lgamma_derivatives)
    }
    fn digamma(self) -> Jet {
        self.unary(|x, need| {
            let [_, d, t] = special::lgamma_derivatives(x, need + 1);
            [
                d,
                t,
                if need > 2 {
                    special::tetragamma(x)
                } else {
                    0.0
                },
            ]
        })
    }
    fn ndtr(self) -> Jet {
        self.unary(|x, _| {
            let d = special::normal_pdf(x);
            [special::ndtr(x), d, -x * d]
        })
    }
    fn log_ndtr(self) -> Jet {
        self.unary(|x, need| {
            let m = if need > 1 {
                special::inverse_mills(x)
            } else {
                0.0
            };
            [special::log_ndtr(x), m, -m * (x + m)]
        })
    }
    fn logsumexp(self, other: Jet) -> Jet {
        self.binary(other, |a, b| {
            let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
            let w = special::sigmoid(a - b);
            let c = w * (1.0 - w);
            [hi + (lo - hi).exp().ln_1p(), w, 1.0 - w, c, -c, c]
        })
    }
    fn lbeta(self, other: Jet) -> Jet {
        self.binary(other, |a, b| {
            let (ab1, ab2) = (special::digamma(a + b), special::trigamma(a + b));
            [
                special::lgamma(a) + special::lgamma(b) - special::lgamma(a + b),
                special::digamma(a) - ab1,
                special::digamma(b) - ab1,
                special::trigamma(a) - ab2,
                -ab2,
                special::trigamma(b) - ab2,
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{Tensor, default_device, value_and_gradient};

    /// An expression over two variables that uses every operation of [`Real`].
    fn every_operation<R: Real>(a: R, b: R) -> R {
        let s = a.clone() * b.clone() + a.clone() / (b.clone() + 3.0) - b.clone().square() * 0.25;
        let specials = (a.clone().abs() + 1.5).lgamma() + (b.clone().exp() + 0.5).digamma()
            - a.clone().log_ndtr()
            + b.clone().ndtr()
            + a.clone().log1pexp()
            + b.clone().log_sigmoid() * a.clone().sigmoid()
            + (-(a.clone().square()) - 0.1).log1mexp()
            + a.clone().logsumexp(b.clone() * 2.0)
            + (a.clone().square() + 1.0).lbeta(b.clone().exp());
        let elementary = (b.clone().square() + 1.0).log() * a.clone().tanh()
            + (a.clone() * 0.3).expm1()
            + (b.clone().square() + 2.0).sqrt().recip()
            + (b.clone().square() + 1.0).powf_scalar(1.7)
            + a.clone().erf()
            + (b.clone() * 0.1).log1p()
            - (-a).exp();
        s + specials + elementary
    }

    /// The jet's value, first and second derivatives against burn's reverse mode (value and
    /// gradient) and central differences of that exact gradient (second derivatives), at rows
    /// of both signs, with the variables per row and as one value for all rows.
    #[test]
    fn jets_agree_with_reverse_mode() {
        let device = default_device().unwrap();
        let a = [-1.3, -0.2, 0.4, 1.1, 2.5];
        let b = [0.7, -0.9, 1.6, -0.1, 0.3];
        let ja = Jet::variable(&a, 0, 2, 2);
        let jb = Jet::variable(&b, 1, 2, 2);
        let j = every_operation(ja, jb);
        let f = |u: Tensor<1>| every_operation(u.clone().narrow(0, 0, 1), u.narrow(0, 1, 1));
        for i in 0..a.len() {
            let (v, g) = value_and_gradient(&f, &[a[i], b[i]], &device);
            let close = |x: f64, y: f64, rel: f64| (x - y).abs() <= rel * y.abs().max(1.0);
            assert!(
                close(j.value()[i], v, 1e-13),
                "row {i}: {} vs {v}",
                j.value()[i]
            );
            for (k, gk) in g.iter().enumerate() {
                assert!(close(j.first(k)[i], *gk, 1e-12), "row {i} ∂{k}");
            }
            let h = 1e-5;
            for k in 0..2 {
                let mut up = [a[i], b[i]];
                let mut down = up;
                up[k] += h;
                down[k] -= h;
                let (_, gu) = value_and_gradient(&f, &up, &device);
                let (_, gd) = value_and_gradient(&f, &down, &device);
                for l in 0..2 {
                    let fd = (gu[l] - gd[l]) / (2.0 * h);
                    assert!(close(j.second(k, l)[i], fd, 1e-7), "row {i} ∂{k}∂{l}");
                }
            }
        }
        // the same numbers when the variables are constants across rows
        let js = every_operation(
            Jet::scalar_variable(a[2], 3, 0, 2, 2),
            Jet::scalar_variable(b[2], 3, 1, 2, 2),
        );
        assert_eq!(js.value(), vec![j.value()[2]; 3]);
        assert_eq!(js.second(0, 1), vec![j.second(0, 1)[2]; 3]);
    }

    /// Products and quotients are exact: `x²y/(1 + y)` has known derivatives.
    #[test]
    fn a_rational_function_exactly() {
        let (x, y) = (1.5, 0.5);
        let j = Jet::variable(&[x], 0, 2, 2);
        let k = Jet::variable(&[y], 1, 2, 2);
        let f = j.clone() * j * k.clone() / (k + 1.0);
        let r = y / (1.0 + y);
        let dr = 1.0 / (1.0 + y).powi(2);
        assert_eq!(f.value()[0], x * x * r);
        assert!((f.first(0)[0] - 2.0 * x * r).abs() < 1e-15);
        assert!((f.first(1)[0] - x * x * dr).abs() < 1e-15);
        assert!((f.second(0, 0)[0] - 2.0 * r).abs() < 1e-15);
        assert!((f.second(0, 1)[0] - 2.0 * x * dr).abs() < 1e-15);
        assert!((f.second(1, 1)[0] + x * x * 2.0 / (1.0 + y).powi(3)).abs() < 1e-15);
        // at order 1 no second derivatives are carried; at order 0 no first ones either
        let first = Jet::variable(&[x], 0, 1, 1).exp();
        assert_eq!((first.first(0)[0], first.second(0, 0)[0]), (x.exp(), 0.0));
        assert_eq!(Jet::variable(&[x], 0, 1, 0).exp().first(0)[0], 0.0);
    }

    #[test]
    fn pairs_index_the_upper_triangle() {
        for q in 1..6 {
            let mut seen = Vec::new();
            for k in 0..q {
                for l in k..q {
                    let idx = pair(k, l, q);
                    assert_eq!(unpair(idx, q), (k, l));
                    assert_eq!(pair(l, k, q), idx);
                    seen.push(idx);
                }
            }
            assert_eq!(seen, (0..q * (q + 1) / 2).collect::<Vec<_>>());
        }
    }
}
