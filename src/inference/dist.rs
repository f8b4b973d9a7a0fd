//! Tail probabilities and quantiles (statrs).

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

fn standard_normal() -> Normal {
    Normal::standard()
}

/// `P(|Z| > |z|)` for a standard normal `Z`: `erfc(|z|/√2)`, by libm's erfc (within an ulp or
/// two, far into the tails; statrs' normal tail is ~5e-11 relative off).
pub fn normal_two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// The `q` quantile of the standard normal.
pub fn normal_quantile(q: f64) -> f64 {
    standard_normal().inverse_cdf(q)
}

/// `P(|T| > |t|)` for Student's t with `df` degrees of freedom.
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    let dist = StudentsT::new(0.0, 1.0, df).expect("df > 0");
    2.0 * dist.sf(t.abs())
}

/// The `q` quantile of Student's t with `df` degrees of freedom.
pub fn t_quantile(q: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).expect("df > 0").inverse_cdf(q)
}

/// `P(X > x)` for a chi-squared `X` with `df` degrees of freedom.
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    ChiSquared::new(df).expect("df > 0").sf(x)
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
    }
}
