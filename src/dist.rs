//! Tail probabilities and quantiles (statrs, libm), as total functions: any argument, finite or
//! not, in range or not, gives a number or NaN, never a panic or a hang. NaN in, NaN out; an
//! infinite statistic has tail probability 0; a quantile outside `(0, 1)` or degrees of freedom
//! that are not a positive normal number give NaN.
//!
//! statrs panics on some arguments (a t quantile below about 1e-300) and loops without end on
//! others (a t quantile beyond about 1e8 degrees of freedom, a chi-squared tail at 1e300), and
//! its t quantile loses digits as the degrees of freedom grow (relative error 3e-7 at 3e4, 4e-6
//! at 1e5, against SciPy/Boost), so the functions here keep it to the arguments where it is
//! measured to work and use the standard large-sample expansions beyond
//! [`T_QUANTILE_LARGE_DF`] and [`T_TAIL_LARGE_DF`] degrees of freedom.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

/// Degrees of freedom beyond which Student's t quantile is Hill's (1970) Cornish–Fisher
/// expansion about the normal quantile: relative error below 4e-16 there against SciPy/Boost
/// (statrs: 1e-13 up to here, 3e-7 at 3e4).
pub const T_QUANTILE_LARGE_DF: f64 = 1e4;

/// Degrees of freedom beyond which Student's t tail is Abramowitz & Stegun 26.7.8 (the normal
/// tail at a corrected statistic, as R's `pt` beyond 4e5): relative error 3e-12 at `t = 1.96`,
/// 7e-10 at 5, 4e-8 at 10 (`p ≈ 1e-23`) at 1e6, shrinking as `1/ν`; statrs' tail is off by
/// about 4e-10 at 1e6 and 2e-8 at 1e7.
pub const T_TAIL_LARGE_DF: f64 = 1e6;

/// Degrees of freedom beyond which the chi-squared tail is Wilson & Hilferty's (1931) cube-root
/// normal approximation (relative error below 1e-6 there; statrs does not return for some
/// arguments near 1e300).
const HUGE_CHI2_DF: f64 = 1e10;

/// Whether `df` can be a distribution's degrees of freedom.
fn valid_df(df: f64) -> bool {
    df > 0.0 && df.is_normal()
}

/// Whether `q` is a probability a quantile can be taken at.
fn valid_level(q: f64) -> bool {
    q > 0.0 && q < 1.0
}

/// `P(|Z| > |z|)` for a standard normal `Z`: `erfc(|z|/√2)`, by libm's erfc (within an ulp or
/// two, far into the tails; statrs' normal tail is ~5e-11 relative off).
pub fn normal_two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// The `q` quantile of the standard normal.
pub fn normal_quantile(q: f64) -> f64 {
    if !valid_level(q) {
        return f64::NAN;
    }
    Normal::standard().inverse_cdf(q)
}

/// `P(|T| > |t|)` for Student's t with `df` degrees of freedom.
///
/// Beyond [`T_TAIL_LARGE_DF`] degrees of freedom, `P(|Z| > z)` at
/// `z = |t| (1 − 1/(4ν)) / √(1 + t²/(2ν))` (Abramowitz & Stegun 26.7.8; R's `pt`).
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || !valid_df(df) {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    if df > T_TAIL_LARGE_DF {
        let v = 1.0 / (4.0 * df);
        // √(1 + 2v t²) without overflowing t²
        let z = t.abs() * (1.0 - v) / 1.0_f64.hypot(t * (2.0 * v).sqrt());
        return normal_two_sided_p(z);
    }
    match StudentsT::new(0.0, 1.0, df) {
        Ok(dist) => (2.0 * dist.sf(t.abs())).clamp(0.0, 1.0),
        Err(_) => f64::NAN,
    }
}

/// The `q` quantile of Student's t with `df` degrees of freedom (by symmetry, `−t(1 − q)` for
/// `q < ½`).
///
/// Beyond [`T_QUANTILE_LARGE_DF`] degrees of freedom, Hill's Cornish–Fisher expansion in `1/ν` about the
/// normal quantile `z`: `t = z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²) + (3z⁷ + 19z⁵ + 17z³ −
/// 15z)/(384ν³) + (79z⁹ + 776z⁷ + 1482z⁵ − 1920z³ − 945z)/(92160ν⁴)`.
pub fn t_quantile(q: f64, df: f64) -> f64 {
    if !valid_level(q) || !valid_df(df) {
        return f64::NAN;
    }
    if q < 0.5 {
        return -t_quantile(1.0 - q, df);
    }
    if df > T_QUANTILE_LARGE_DF {
        let z = normal_quantile(q);
        let z2 = z * z;
        let poly = |c: &[f64]| c.iter().rev().fold(0.0, |acc, c| acc * z2 + c) * z;
        let terms = [
            poly(&[1.0, 1.0]) / 4.0,
            poly(&[3.0, 16.0, 5.0]) / 96.0,
            poly(&[-15.0, 17.0, 19.0, 3.0]) / 384.0,
            poly(&[-945.0, -1920.0, 1482.0, 776.0, 79.0]) / 92160.0,
        ];
        return z + terms.iter().rev().fold(0.0, |acc, t| (acc + t) / df);
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |dist| dist.inverse_cdf(q))
}

/// `P(X > x)` for a chi-squared `X` with `df` degrees of freedom.
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || !valid_df(df) {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    if df > HUGE_CHI2_DF {
        let s = 2.0 / (9.0 * df);
        let z = ((x / df).cbrt() - (1.0 - s)) / s.sqrt();
        return 0.5 * libm::erfc(z / std::f64::consts::SQRT_2);
    }
    ChiSquared::new(df).map_or(f64::NAN, |dist| dist.sf(x).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        // z(0.975) = 1.959963984540054 (R: qnorm(0.975))
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-9);
        // P(|Z| > 1.96) = erfc(1.96/√2) = 0.04999579029644087 (Python math.erfc)
        assert!((normal_two_sided_p(1.96) - 0.049_995_790_296_440_87).abs() < 1e-12);
        // P(chi2_1 > 3.841458820694124) = 0.05 (R: qchisq(0.95, 1))
        assert!((chi2_sf(3.841_458_820_694_124, 1.0) - 0.05).abs() < 1e-12);
        // P(|T_3| > 3.182446305284263) = 0.05 (R: qt(0.975, 3))
        assert!((t_two_sided_p(3.182_446_305_284_263, 3.0) - 0.05).abs() < 1e-12);
        assert!((t_quantile(0.975, 3.0) - 3.182_446_305_284_263).abs() < 1e-9);
    }

    /// Either side of [`T_QUANTILE_LARGE_DF`] and [`T_TAIL_LARGE_DF`]: SciPy 1.17.1 (Boost)
    /// `t.ppf(0.975, ν)` and `2·t.sf(x, ν)`, to the errors measured in their docs; and the
    /// chi-squared tail at 1e11 degrees of freedom, `chi2.sf(1e11 + 5e5, 1e11)`.
    #[test]
    fn large_degrees_of_freedom_match_scipy() {
        let cases = [
            (
                1e4,
                1.960_201_239_890_626,
                0.050_023_520_231_833_03,
                5.830_326_613_662_659e-7,
            ),
            (
                4e5,
                1.959_969_915_235_770_1,
                0.049_996_483_518_911_99,
                5.735_447_766_955_273e-7,
            ),
            (
                1e6,
                1.959_966_356_814_107,
                0.049_996_067_585_269_85,
                5.733_997_870_890_745e-7,
            ),
            (
                1e9,
                1.959_963_986_912_325,
                0.049_995_790_573_729_625,
                5.733_032_403_951_619e-7,
            ),
        ];
        for (df, q, p196, p5) in cases {
            for df in [df, df * (1.0 + 1e-12)] {
                let quantile = t_quantile(0.975, df);
                assert!((quantile - q).abs() <= 1e-13 * q, "{df}: {quantile}");
                let p = t_two_sided_p(1.96, df);
                assert!((p - p196).abs() <= 1e-9 * p196, "{df}: {p}");
                let p = t_two_sided_p(5.0, df);
                assert!((p - p5).abs() <= 1e-9 * p5, "{df}: {p}");
            }
        }
        let chi = chi2_sf(1e11 + 5e5, 1e11);
        assert!((chi - 0.131_776_318_221_543_68).abs() < 1e-6, "{chi}");
    }

    /// Every argument the arithmetic of a fit can produce, none of which may panic.
    #[test]
    fn any_argument_gives_a_number_or_nan() {
        let awkward = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            -1.0,
            1e-320,
            1e-300,
            1e-20,
            0.975,
            2.0,
            1e3,
            1e8,
            1e154,
            1e300,
            f64::MAX,
        ];
        for &a in &awkward {
            for &b in &awkward {
                let p = t_two_sided_p(a, b);
                assert!(
                    p.is_nan() || (0.0..=1.0).contains(&p),
                    "t p({a}, {b}) = {p}"
                );
                let q = chi2_sf(a, b);
                assert!(
                    q.is_nan() || (0.0..=1.0).contains(&q),
                    "chi2({a}, {b}) = {q}"
                );
                let _ = t_quantile(a, b);
            }
            let _ = normal_quantile(a);
            assert_eq!((0.0..=1.0).contains(&normal_two_sided_p(a)), !a.is_nan());
        }
        assert_eq!(t_two_sided_p(f64::INFINITY, 3.0), 0.0);
        assert_eq!(chi2_sf(f64::INFINITY, 3.0), 0.0);
        assert!(t_two_sided_p(f64::NAN, 3.0).is_nan());
        assert!(t_quantile(1.5, 3.0).is_nan() && normal_quantile(-0.1).is_nan());
    }
}
