//! Special functions of one real number with the derivatives that jets need, each accurate to a
//! few ulps over the range a likelihood reaches (tested against statrs and libm).
//!
//! | function | first derivative | second derivative |
//! |---|---|---|
//! | [`lgamma`] `ln Γ(x)` | [`digamma`] `ψ(x)` | [`trigamma`] `ψ'(x)` |
//! | [`digamma`] | [`trigamma`] | [`tetragamma`] `ψ''(x)` |
//! | [`log_ndtr`] `ln Φ(x)` | `m(x) = φ(x)/Φ(x)` ([`inverse_mills`]) | `−m(x)(x + m(x))` |
//! | [`ndtr`] `Φ(x)` | `φ(x)` | `−x φ(x)` |
//! | [`log1pexp`] `ln(1 + eˣ)` | `σ(x)` | `σ(x)σ(−x)` |
//! | [`log1mexp`] `ln(1 − eˣ)` | `−1/expm1(−x)` | `−e⁻ˣ/expm1(−x)²` |

use std::f64::consts::{FRAC_1_SQRT_2, LN_2, PI};

/// `1/√(2π)`.
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// `ln Γ(x)` for `x > 0` (statrs' Lanczos approximation, about 1e-15 relative).
pub fn lgamma(x: f64) -> f64 {
    statrs::function::gamma::ln_gamma(x)
}

/// `ψ(x)` for `x > 0` ([`lgamma_derivatives`]).
pub fn digamma(x: f64) -> f64 {
    lgamma_derivatives(x, 2)[1]
}

/// `ψ'(x)` for `x > 0` ([`lgamma_derivatives`]).
pub fn trigamma(x: f64) -> f64 {
    lgamma_derivatives(x, 3)[2]
}

/// From here on [`lgamma_derivatives`] takes the asymptotic series.
const STIRLING_FROM: f64 = 10.0;

/// `[ln Γ(x), ψ(x), ψ'(x)]` for `x > 0`, the first `need` of them (the others 0), sharing one
/// logarithm: below 10 the recurrences `ln Γ(x) = ln Γ(x + 1) − ln x`, `ψ(x) = ψ(x + 1) − 1/x`,
/// `ψ'(x) = ψ'(x + 1) + 1/x²` climb to `w ≥ 10`, where Stirling's series and its derivatives
/// (seven Bernoulli terms each; the first one left out is below 1e-16 relative) finish:
/// `ln Γ(w) = (w − ½) ln w − w + ½ ln 2π + Σₖ B₂ₖ/(2k(2k − 1) w^{2k−1})`,
/// `ψ(w) = ln w − 1/(2w) − Σₖ B₂ₖ/(2k w^{2k})`, `ψ'(w) = 1/w + 1/(2w²) + Σₖ B₂ₖ/w^{2k+1}`.
/// What a jet of `ln Γ` needs at every row, at the cost of about one logarithm.
pub fn lgamma_derivatives(x: f64, need: usize) -> [f64; 3] {
    const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;
    if x.is_nan() || x <= 0.0 {
        return [f64::NAN; 3];
    }
    if x == f64::INFINITY {
        return [f64::INFINITY, f64::INFINITY, 0.0];
    }
    // P(x) = Π (x + k) over the shift, with P' and P'' (multiplications only): then
    // Σ 1/(x + k) = P'/P and Σ 1/(x + k)² = (P'² − P P'')/P², one division for all of them
    let (mut w, mut p, mut p1, mut p2) = (x, 1.0, 0.0, 0.0);
    while w < STIRLING_FROM {
        p2 = p2 * w + 2.0 * p1;
        p1 = p1 * w + p;
        p *= w;
        w += 1.0;
    }
    let inv_p = 1.0 / p;
    let s1 = p1 * inv_p;
    let s2 = s1 * s1 - p2 * inv_p;
    let product = p;
    let (r, ln_w) = (1.0 / w, w.ln());
    let r2 = r * r;
    let ln_gamma = (w - 0.5) * ln_w - w
        + HALF_LN_2PI
        + r * (1.0 / 12.0
            - r2 * (1.0 / 360.0
                - r2 * (1.0 / 1260.0
                    - r2 * (1.0 / 1680.0
                        - r2 * (1.0 / 1188.0 - r2 * (691.0 / 360_360.0 - r2 / 156.0))))))
        - product.ln();
    if need <= 1 {
        return [ln_gamma, 0.0, 0.0];
    }
    let psi = ln_w
        - 0.5 * r
        - r2 * (1.0 / 12.0
            - r2 * (1.0 / 120.0
                - r2 * (1.0 / 252.0
                    - r2 * (1.0 / 240.0
                        - r2 * (1.0 / 132.0 - r2 * (691.0 / 32_760.0 - r2 / 12.0))))))
        - s1;
    if need <= 2 {
        return [ln_gamma, psi, 0.0];
    }
    let psi1 = r
        + 0.5 * r2
        + r * r2
            * (1.0 / 6.0
                - r2 * (1.0 / 30.0
                    - r2 * (1.0 / 42.0
                        - r2 * (1.0 / 30.0
                            - r2 * (5.0 / 66.0 - r2 * (691.0 / 2730.0 - r2 * 7.0 / 6.0))))))
        + s2;
    [ln_gamma, psi, psi1]
}

/// Below this, [`tetragamma`] climbs by the recurrence before the asymptotic series.
const TETRAGAMMA_SERIES_FROM: f64 = 15.0;

/// `ψ''(x)` for `x > 0`: the recurrence `ψ''(x) = ψ''(x + 1) − 2/x³` up to `x ≥ 15`, then the
/// asymptotic series `ψ''(x) ~ −1/x² − 1/x³ − Σₖ (2k + 1) B₂ₖ / x^{2k+2}` (six terms; the first
/// one left out is below 1e-17 there).
pub fn tetragamma(x: f64) -> f64 {
    if x == f64::INFINITY {
        return -0.0;
    }
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut shift = 0.0;
    let mut x = x;
    while x < TETRAGAMMA_SERIES_FROM {
        shift -= 2.0 / (x * x * x);
        x += 1.0;
    }
    let r = 1.0 / (x * x);
    // (2k + 1) B₂ₖ for k = 1..6
    let series = r
        * (0.5
            + r * (-1.0 / 6.0
                + r * (1.0 / 6.0 + r * (-0.3 + r * (5.0 / 6.0 + r * (-691.0 / 210.0))))));
    shift - r - r / x - r * series
}

/// `Φ(x) = erfc(−x/√2)/2`, accurate in the lower tail too.
pub fn ndtr(x: f64) -> f64 {
    0.5 * libm::erfc(-x * FRAC_1_SQRT_2)
}

/// `φ(x)`, the standard normal density.
pub fn normal_pdf(x: f64) -> f64 {
    FRAC_1_SQRT_2PI * (-0.5 * x * x).exp()
}

/// `ln Φ(x)`, accurate in both tails: `ln(erfcx(−x/√2)/2) − x²/2` below 0, `ln(1 − erfc(x/√2)/2)`
/// above.
pub fn log_ndtr(x: f64) -> f64 {
    use errorfunctions::RealErrorFunctions;
    if x < 0.0 {
        (0.5 * (-x * FRAC_1_SQRT_2).erfcx()).ln() - 0.5 * x * x
    } else {
        (-0.5 * libm::erfc(x * FRAC_1_SQRT_2)).ln_1p()
    }
}

/// `φ(x)/Φ(x)`, the inverse Mills ratio, accurate in both tails: `√(2/π)/erfcx(−x/√2)`.
pub fn inverse_mills(x: f64) -> f64 {
    use errorfunctions::RealErrorFunctions;
    2.0 * FRAC_1_SQRT_2PI / (-x * FRAC_1_SQRT_2).erfcx()
}

pub use crate::odds::sigmoid;

/// `ln(1 + eˣ)`, exact in both tails (Mächler 2012, "Accurately computing log(1 − exp(−|a|))").
pub fn log1pexp(x: f64) -> f64 {
    if x <= -37.0 {
        x.exp()
    } else if x <= 18.0 {
        x.exp().ln_1p()
    } else if x <= 33.3 {
        x + (-x).exp()
    } else {
        x
    }
}

/// `ln σ(x) = −ln(1 + e⁻ˣ)`.
pub fn log_sigmoid(x: f64) -> f64 {
    -log1pexp(-x)
}

/// `ln(1 − eˣ)` for `x < 0`: `ln(−expm1(x))` above `−ln 2`, `ln1p(−eˣ)` below (Mächler 2012);
/// NaN for `x > 0`, `−∞` at 0.
pub fn log1mexp(x: f64) -> f64 {
    if x > -LN_2 {
        (-x.exp_m1()).ln()
    } else {
        (-x.exp()).ln_1p()
    }
}

/// `ψ(1) = −γ`, Euler's constant, and `ψ'(1) = π²/6`: values the tests hold the functions to.
pub const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// `ψ'(1) = π²/6`.
pub const TRIGAMMA_ONE: f64 = PI * PI / 6.0;

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300) || a == b
    }

    /// Over the range a likelihood reaches: 1e-3 to 1e6.
    const XS: [f64; 14] = [
        1e-3, 0.01, 0.1, 0.5, 0.99, 1.0, 1.5, 2.0, 3.7, 10.0, 14.9, 55.5, 1e3, 1e6,
    ];

    #[test]
    fn gamma_family_against_statrs_and_identities() {
        for x in XS {
            // statrs: an independent digamma; the special crate's trigamma
            let want = statrs::function::gamma::digamma(x);
            let want1 = ::special::Gamma::trigamma(&x);
            assert!(
                close(trigamma(x), want1, 1e-13),
                "ψ'({x}) {} vs {want1}",
                trigamma(x)
            );
            assert!(
                close(digamma(x), want, 1e-13),
                "ψ({x}) {} vs {want}",
                digamma(x)
            );
            // libm's lgamma, independent of statrs' Lanczos
            assert!(
                (lgamma(x) - libm::lgamma(x)).abs() <= 1e-13 * libm::lgamma(x).abs().max(1.0),
                "lnΓ({x})"
            );
            // the recurrences ψ'(x) = ψ'(x + 1) + 1/x², ψ''(x) = ψ''(x + 1) − 2/x³
            assert!(close(trigamma(x), trigamma(x + 1.0) + 1.0 / (x * x), 1e-13));
            assert!(close(
                tetragamma(x),
                tetragamma(x + 1.0) - 2.0 / (x * x * x),
                1e-13
            ));
            // ψ'' is the derivative of ψ' (central differences, step relative 1e-5)
            let h = 1e-5 * x;
            let fd = (trigamma(x + h) - trigamma(x - h)) / (2.0 * h);
            assert!(
                close(tetragamma(x), fd, 1e-7),
                "ψ''({x}) {} vs {fd}",
                tetragamma(x)
            );
        }
        assert!(close(digamma(1.0), -EULER_GAMMA, 1e-15));
        assert!(close(trigamma(1.0), TRIGAMMA_ONE, 1e-15));
        // ψ''(1) = −2ζ(3), ψ''(½) = −14ζ(3)
        let zeta3 = 1.202_056_903_159_594_3;
        assert!(close(tetragamma(1.0), -2.0 * zeta3, 1e-14));
        assert!(close(tetragamma(0.5), -14.0 * zeta3, 1e-14));
        // on both sides of where the series takes over
        for x in [TETRAGAMMA_SERIES_FROM - 1e-9, TETRAGAMMA_SERIES_FROM] {
            let h = 1e-4;
            let fd = (trigamma(x + h) - trigamma(x - h)) / (2.0 * h);
            assert!(close(tetragamma(x), fd, 1e-7));
        }
    }

    #[test]
    fn normal_functions_against_libm() {
        for x in [-40.0, -10.0, -3.0, -1.0, 0.0, 0.5, 2.0, 8.0, 40.0] {
            let phi = 0.5 * libm::erfc(-x / 2f64.sqrt());
            // x/√2 and x·(1/√2) differ by an ulp, which erfc far out turns into ~2x²·1e-16
            assert!(close(ndtr(x), phi, 1e-13), "{x}");
            if phi > 1e-300 {
                // above 0, ln Φ(x) = ln(1 − Φ(−x)) from the small upper tail
                let log_phi = if x > 0.0 {
                    libm::log1p(-0.5 * libm::erfc(x / 2f64.sqrt()))
                } else {
                    phi.ln()
                };
                assert!(close(log_ndtr(x), log_phi, 1e-13), "{x}");
                assert!(close(inverse_mills(x), normal_pdf(x) / phi, 1e-13), "{x}");
            }
        }
        // far in the lower tail Φ underflows but ln Φ(x) ≈ −x²/2 − ln(−x) − ln √(2π)
        let x: f64 = -1e3;
        let asymptotic = -0.5 * x * x - (-x).ln() - 0.5 * (2.0 * PI).ln();
        assert!(close(log_ndtr(x), asymptotic, 1e-9));
        assert!(close(inverse_mills(x), -x, 1e-5));
    }

    #[test]
    fn logistic_functions_in_both_tails() {
        for x in [
            -800.0, -40.0, -20.0, -1.0, 0.0, 1e-10, 1.0, 20.0, 35.0, 800.0,
        ] {
            // reference by libm's log1p, exp where they do not overflow
            let want = if x < 30.0 {
                libm::log1p(libm::exp(x))
            } else {
                x + libm::exp(-x)
            };
            assert!(close(log1pexp(x), want, 1e-15), "{x}");
            assert!(close(log_sigmoid(x), -log1pexp(-x), 0.0));
            assert!(close(sigmoid(x), 1.0 / (1.0 + libm::exp(-x)), 1e-15));
        }
        for x in [-800.0, -40.0, -1.0, -LN_2, -0.5, -1e-10, -1e-300] {
            let want = if x > -1.0 {
                libm::log(-libm::expm1(x))
            } else {
                libm::log1p(-libm::exp(x))
            };
            assert!(close(log1mexp(x), want, 1e-14), "{x}");
        }
        assert_eq!(log1mexp(0.0), f64::NEG_INFINITY);
        assert!(log1mexp(1.0).is_nan());
    }

    /// `ln Φ` and the Mills ratio far in the tails (SciPy 1.17.1 `special.log_ndtr`, and
    /// `exp(norm.logpdf(x) − log_ndtr(x))`).
    #[test]
    fn normal_tails() {
        let cases = [
            (-40.0, -804.608_442_013_753_9, 40.024_968_847_210_886),
            (-5.0, -15.064_998_393_988_727, 5.186_503_967_125_851_5),
            (0.0, -std::f64::consts::LN_2, 0.797_884_560_802_865_4),
            (3.0, -0.001_350_809_964_748_192_5, 0.004_437_839_042_125_666),
            (
                9.0,
                -1.128_588_405_953_832_4e-19,
                1.027_977_357_166_890_1e-18,
            ),
        ];
        for (x, log_cdf, mills) in cases {
            let l = log_ndtr(x);
            assert!((l - log_cdf).abs() <= 1e-14 * log_cdf.abs(), "{x}: {l}");
            let r = inverse_mills(x);
            assert!((r - mills).abs() <= 1e-13 * mills, "{x}: {r}");
        }
    }
}
