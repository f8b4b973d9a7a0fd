//! The toolbox of [`Real`] for burn tensors: special functions as differentiable tensor
//! expressions (burn has none of them), elementwise over the rows, so that reverse-mode
//! autodiff of an expression that uses them is exact. Each is tested against the scalar
//! functions of [`super::special`] (themselves tested against statrs and libm), value and
//! derivative.

use std::f64::consts::{FRAC_1_SQRT_2, LN_2};

use burn::tensor::activation;

use super::Real;
use crate::backend::{self, Device, Tensor};

/// Lanczos coefficients for `g = 7`, nine terms (Godfrey's set, as in Numerical Recipes).
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// `ln Γ(z)` for `z > 0`, elementwise, as a differentiable tensor expression (burn has no
/// `lgamma`): Lanczos's approximation `Γ(z + 1) = √(2π) t^{z+½} e^{−t} A(z)`, `t = z + 7.5`,
/// `A(z) = c₀ + Σₖ cₖ/(z + k)`, then `ln Γ(z) = ln Γ(z + 1) − ln z`. Relative error about
/// 1e-15 (tested against statrs); its autodiff derivative is the digamma function to about
/// 1e-13.
///
/// # Examples
/// ```
/// use mle::ad::tensor::lgamma;
/// use mle::backend::{default_device, to_vec, vector};
/// let device = default_device().unwrap();
/// let v = to_vec(lgamma(vector(&[0.5, 1.0, 10.0], &device)));
/// assert!((v[0] - 0.5 * std::f64::consts::PI.ln()).abs() < 1e-14); // Γ(½) = √π
/// assert!(v[1].abs() < 1e-14);
/// assert!((v[2] - 362_880f64.ln()).abs() < 1e-13); // Γ(10) = 9!
/// ```
pub fn lgamma(z: Tensor<1>) -> Tensor<1> {
    const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;
    let mut a = z.zeros_like() + LANCZOS[0];
    for (k, c) in LANCZOS.iter().enumerate().skip(1) {
        a = a + (z.clone() + k as f64).recip() * *c;
    }
    let t = z.clone() + 7.5;
    (z.clone() + 0.5) * t.clone().log() - t + a.log() - z.log() + HALF_LN_2PI
}

/// Below this, [`digamma`] climbs by the recurrence `ψ(z) = ψ(z + 1) − 1/z`.
const DIGAMMA_SHIFT: usize = 10;

/// `ψ(z)` for `z > 0`, elementwise: `ψ(z) = ψ(z + 10) − Σₖ₌₀⁹ 1/(z + k)`, and for `w = z + 10`
/// the asymptotic series `ln w − 1/(2w) − Σₖ B₂ₖ/(2k w^{2k})` (seven terms; the first one left
/// out is below 1e-16). Its autodiff derivative is the trigamma function to about 1e-14.
pub fn digamma(z: Tensor<1>) -> Tensor<1> {
    // B₂ₖ/(2k) for k = 1..7
    const SERIES: [f64; 7] = [
        1.0 / 12.0,
        -1.0 / 120.0,
        1.0 / 252.0,
        -1.0 / 240.0,
        1.0 / 132.0,
        -691.0 / 32_760.0,
        1.0 / 12.0,
    ];
    let mut shift = (z.clone()).recip();
    for k in 1..DIGAMMA_SHIFT {
        shift = shift + (z.clone() + k as f64).recip();
    }
    let w = z + DIGAMMA_SHIFT as f64;
    let r = w.clone().square().recip();
    let mut series = r.zeros_like() + SERIES[6];
    for c in SERIES[..6].iter().rev() {
        series = series * r.clone() + *c;
    }
    w.clone().log() - w.recip() * 0.5 - series * r - shift
}

/// `ln(1 + eˣ)`, exact in both tails (as `−ln σ(−x)`, which burn computes stably).
pub fn log1pexp(x: Tensor<1>) -> Tensor<1> {
    activation::log_sigmoid(x.neg()).neg()
}

/// `eˣ − 1`, accurate near 0: `2t/(1 − t)` with `t = tanh(x/2)` for `|x| ≤ ½`, `eˣ − 1` beyond.
pub fn expm1(x: Tensor<1>) -> Tensor<1> {
    let near = x.clone().abs().lower_equal_elem(0.5);
    let t = (x.clone().clamp(-0.5, 0.5) * 0.5).tanh();
    let small = t.clone() * 2.0 / (t.neg() + 1.0);
    (x.exp() - 1.0).mask_where(near, small)
}

/// `ln(1 − eˣ)` for `x < 0`: `ln(−expm1(x))` above `−ln 2`, `ln1p(−eˣ)` below (Mächler 2012).
pub fn log1mexp(x: Tensor<1>) -> Tensor<1> {
    let upper = x.clone().greater_elem(-LN_2);
    let by_expm1 = expm1(x.clone().clamp_min(-LN_2)).neg().log();
    let by_log1p = x.clamp_max(-LN_2).exp().neg().log1p();
    by_log1p.mask_where(upper, by_expm1)
}

/// `Φ(x)`, as `exp(ln Φ(x))` (accurate in the lower tail, where `(1 + erf)/2` cancels).
pub fn ndtr(x: Tensor<1>) -> Tensor<1> {
    log_ndtr(x).exp()
}

/// `ln(eᵃ + eᵇ)` elementwise, as `m + ln(1 + e^{o − m})` with `m = max(a, b)` and `o` the other
/// one: an identity on either side, so its derivative is right at ties too.
pub fn logsumexp(a: Tensor<1>, b: Tensor<1>) -> Tensor<1> {
    let m = a.clone().max_pair(b.clone());
    let o = a + b - m.clone();
    m.clone() + (o - m).exp().log1p()
}

impl Real for Tensor<1> {
    type Shape = Device;

    fn data(values: &[f64], device: &Device) -> Self {
        backend::vector(values, device)
    }
    fn exp(self) -> Self {
        Tensor::exp(self)
    }
    fn log(self) -> Self {
        Tensor::log(self)
    }
    fn log1p(self) -> Self {
        Tensor::log1p(self)
    }
    fn expm1(self) -> Self {
        expm1(self)
    }
    fn recip(self) -> Self {
        Tensor::recip(self)
    }
    fn sqrt(self) -> Self {
        Tensor::sqrt(self)
    }
    fn square(self) -> Self {
        Tensor::<1>::square(self)
    }
    fn powf_scalar(self, a: f64) -> Self {
        Tensor::powf_scalar(self, a)
    }
    fn abs(self) -> Self {
        Tensor::abs(self)
    }
    fn tanh(self) -> Self {
        Tensor::tanh(self)
    }
    fn erf(self) -> Self {
        Tensor::erf(self)
    }
    fn sigmoid(self) -> Self {
        activation::sigmoid(self)
    }
    fn log_sigmoid(self) -> Self {
        activation::log_sigmoid(self)
    }
    fn log1pexp(self) -> Self {
        log1pexp(self)
    }
    fn log1mexp(self) -> Self {
        log1mexp(self)
    }
    fn lgamma(self) -> Self {
        lgamma(self)
    }
    fn digamma(self) -> Self {
        digamma(self)
    }
    fn ndtr(self) -> Self {
        ndtr(self)
    }
    fn log_ndtr(self) -> Self {
        log_ndtr(self)
    }
    fn logsumexp(self, other: Self) -> Self {
        logsumexp(self, other)
    }
}

/// `ln Φ(x)` as a tensor expression, accurate in both tails: `ln((1 + erf(x/√2))/2)` above −3,
/// and below it `ln φ(x) − ln v` with Laplace's continued fraction
/// `v = t + 1/(t + 2/(t + 3/(t + …)))`, `t = −x`, for `Φ(x)/φ(x) = 1/v` (40 terms: relative
/// error below 1e-14 from `t = 3` on).
pub fn log_ndtr(x: Tensor<1>) -> Tensor<1> {
    const SPLIT: f64 = -3.0;
    const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;
    let lower = x.clone().lower_elem(SPLIT);
    let by_erf =
        ((x.clone().clamp_min(SPLIT) * FRAC_1_SQRT_2).erf() + 1.0).log() - std::f64::consts::LN_2;
    let t = x.clamp_max(SPLIT).neg();
    let mut v = t.clone();
    for k in (1..=40).rev() {
        v = t.clone() + v.recip() * f64::from(k);
    }
    let by_fraction = v.log().neg() - t.square() * 0.5 - HALF_LN_2PI;
    by_erf.mask_where(lower, by_fraction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ad::special;
    use crate::backend::{default_device, to_vec, value_and_gradient, vector};

    /// `f` of each `x` and its autodiff derivative against the scalar function and its
    /// derivative.
    fn check(
        name: &str,
        f: fn(Tensor<1>) -> Tensor<1>,
        want: impl Fn(f64) -> (f64, f64),
        xs: &[f64],
        rel: f64,
    ) {
        let device = default_device().unwrap();
        let v = to_vec(f(vector(xs, &device)));
        for (x, v) in xs.iter().zip(&v) {
            let (w, dw) = want(*x);
            assert!(
                (v - w).abs() <= rel * w.abs().max(1.0),
                "{name}({x}) = {v}, not {w}"
            );
            let (_, g) = value_and_gradient(&|u| f(u).sum(), &[*x], &device);
            assert!(
                (g[0] - dw).abs() <= rel * dw.abs().max(1.0),
                "{name}'({x}) = {}, not {dw}",
                g[0]
            );
        }
    }

    const POSITIVE: [f64; 13] = [
        1e-3, 0.1, 0.5, 0.99, 1.0, 1.5, 2.0, 3.7, 10.0, 55.5, 1e3, 1e5, 1e6,
    ];

    #[test]
    fn gamma_functions() {
        let lg = |x| (special::lgamma(x), special::digamma(x));
        check("lgamma", lgamma, lg, &POSITIVE, 1e-13);
        let dg = |x| (special::digamma(x), special::trigamma(x));
        check("digamma", digamma, dg, &POSITIVE, 1e-13);
    }

    #[test]
    fn normal_functions() {
        let xs = [-40.0, -10.0, -3.5, -3.0, -1.0, 0.0, 0.5, 2.0, 8.0];
        let ln = |x| (special::log_ndtr(x), special::inverse_mills(x));
        check("log_ndtr", log_ndtr, ln, &xs, 1e-12);
        let nd = |x| (special::ndtr(x), special::normal_pdf(x));
        check("ndtr", ndtr, nd, &xs[2..], 1e-12);
    }

    #[test]
    fn exponential_functions() {
        let xs = [
            -800.0, -40.0, -1.0, -0.5, -1e-8, 0.0, 1e-8, 0.3, 1.0, 20.0, 40.0,
        ];
        let sp = |x| (special::log1pexp(x), special::sigmoid(x));
        check("log1pexp", log1pexp, sp, &xs, 1e-14);
        let em = |x: f64| (x.exp_m1(), x.exp());
        check("expm1", expm1, em, &xs[1..], 1e-14);
        let neg = [-800.0, -40.0, -1.0, -LN_2 - 1e-9, -LN_2 + 1e-9, -0.1, -1e-8];
        let lm = |x: f64| (special::log1mexp(x), -1.0 / (-x).exp_m1());
        check("log1mexp", log1mexp, lm, &neg, 1e-13);
    }

    #[test]
    fn logsumexp_at_and_away_from_ties() {
        let device = default_device().unwrap();
        for (a, b) in [(0.0, 0.0), (1.0, -2.0), (-700.0, -700.5), (800.0, 1.0)] {
            let f = |u: Tensor<1>| logsumexp(u.clone().narrow(0, 0, 1), u.narrow(0, 1, 1));
            let (v, g) = value_and_gradient(&f, &[a, b], &device);
            let hi = f64::max(a, b);
            let want = hi + ((a - hi).exp() + (b - hi).exp()).ln();
            assert!((v - want).abs() <= 1e-14 * want.abs().max(1.0), "{a} {b}");
            let w = special::sigmoid(a - b);
            assert!(
                (g[0] - w).abs() < 1e-15 && (g[1] - (1.0 - w)).abs() < 1e-15,
                "{g:?}"
            );
        }
    }

    /// `lgamma` against statrs' `ln_gamma`, and its autodiff derivative against the digamma
    /// function (`special`), over the range negative binomial and Gamma fits reach.
    #[test]
    fn lgamma_and_its_derivative() {
        use ::special::Gamma;
        let device = default_device().unwrap();
        let z = [
            1e-3, 0.1, 0.5, 0.99, 1.0, 1.5, 2.0, 3.7, 10.0, 55.5, 1e3, 1e6,
        ];
        let v = to_vec(lgamma(vector(&z, &device)));
        for (z, v) in z.iter().zip(&v) {
            let want = statrs::function::gamma::ln_gamma(*z);
            assert!(
                (v - want).abs() <= 1e-14 * want.abs().max(1.0),
                "{z}: {v} vs {want}"
            );
            let f = |u: Tensor<1>| lgamma(u).sum();
            let (_, g) = value_and_gradient(&f, &[*z], &device);
            let psi = z.digamma();
            assert!(
                (g[0] - psi).abs() <= 1e-12 * psi.abs().max(1.0),
                "{z}: {} vs {psi}",
                g[0]
            );
        }
    }
}
