//! Wald tests of linear restrictions `Rθ = r` at a fit: `W = (Rθ̂ − r)ᵀ (R V Rᵀ)⁻¹ (Rθ̂ − r)`,
//! `χ²` with as many degrees of freedom as restrictions, under the covariance `V` the fit chose
//! (model-based or robust). No refit is needed (the likelihood-ratio test of
//! [`super::RestrictionTest`] refits; the two agree to first order).
//!
//! A restriction is written as on paper: `x1 = 0`, `x1 = x2`, `x1 + 2*x2 = 0.5`,
//! `2 x1 - x3 = 1`; several are separated by commas.

use std::fmt;
use std::str::FromStr;

use nalgebra::{DMatrix, DVector};

use super::results::FitResult;
use crate::dist::chi2_sf;
use crate::error::{MleError, Result};

/// One linear restriction `Σⱼ cⱼ θⱼ = value`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinearRestriction {
    /// The coefficients `cⱼ` by parameter name (each name once).
    pub coefficients: Vec<(String, f64)>,
    /// The right-hand side.
    pub value: f64,
    /// The restriction as written.
    pub text: String,
}

impl LinearRestriction {
    /// The restrictions of a comma-separated list.
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] naming what could not be read.
    ///
    /// # Examples
    /// ```
    /// use mle::inference::LinearRestriction;
    /// let r = LinearRestriction::parse_list("x1 = x2, 2*x1 - x3 = 1").unwrap();
    /// assert_eq!(r[0].coefficients, [("x1".to_string(), 1.0), ("x2".to_string(), -1.0)]);
    /// assert_eq!((r[1].coefficients[0].1, r[1].coefficients[1].1, r[1].value), (2.0, -1.0, 1.0));
    /// ```
    pub fn parse_list(s: &str) -> Result<Vec<Self>> {
        s.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(str::parse)
            .collect()
    }
}

impl FromStr for LinearRestriction {
    type Err = MleError;

    fn from_str(s: &str) -> Result<Self> {
        let bad = |m: String| MleError::InvalidOption(format!("restriction '{}': {m}", s.trim()));
        let (left, right) = s
            .split_once('=')
            .ok_or_else(|| bad("expected LEFT = RIGHT".into()))?;
        let mut coefficients: Vec<(String, f64)> = Vec::new();
        let mut constant = 0.0;
        for (side, sign) in [(left, 1.0), (right, -1.0)] {
            for (c, name) in terms(side).map_err(bad)? {
                match name {
                    None => constant += sign * c,
                    Some(n) => match coefficients.iter_mut().find(|(m, _)| *m == n) {
                        Some(entry) => entry.1 += sign * c,
                        None => coefficients.push((n, sign * c)),
                    },
                }
            }
        }
        coefficients.retain(|(_, c)| *c != 0.0);
        if coefficients.is_empty() {
            return Err(bad("it names no parameter".into()));
        }
        Ok(Self {
            coefficients,
            value: -constant,
            text: s.trim().to_string(),
        })
    }
}

/// The signed terms `c` or `c·name` of one side of a restriction.
fn terms(side: &str) -> std::result::Result<Vec<(f64, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut rest = side.trim();
    if rest.is_empty() {
        return Err("a side is empty".into());
    }
    let mut sign = 1.0;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('-') {
            sign = -sign;
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix('+') {
            rest = r;
            continue;
        }
        // a number, then optionally `*` and a name; or a name alone
        let (term, tail) = split_term(rest);
        let term = term.trim();
        if term.is_empty() {
            return Err("a term is missing".into());
        }
        let (number, name) = match term.split_once('*') {
            Some((c, n)) => (c.trim(), Some(n.trim())),
            None => match term.split_once(char::is_whitespace) {
                Some((c, n)) if c.parse::<f64>().is_ok() => (c, Some(n.trim())),
                _ if term.parse::<f64>().is_ok() => (term, None),
                _ => ("1", Some(term)),
            },
        };
        let c: f64 = number
            .parse()
            .map_err(|_| format!("'{number}' is not a number"))?;
        if let Some(n) = name
            && (n.is_empty() || n.contains(char::is_whitespace))
        {
            return Err(format!("'{term}' is not a number times a parameter name"));
        }
        out.push((sign * c, name.map(str::to_string)));
        sign = 1.0;
        rest = tail;
        if rest.trim().is_empty() {
            return Ok(out);
        }
    }
}

/// `rest` split before the `+` or `-` that ends its first term (not one of a number's exponent,
/// as in `1e-3`).
fn split_term(rest: &str) -> (&str, &str) {
    let bytes = rest.as_bytes();
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        if (b == b'+' || b == b'-') && !matches!(bytes[i - 1], b'e' | b'E' if is_exponent(rest, i))
        {
            return (&rest[..i], &rest[i..]);
        }
    }
    (rest, "")
}

/// Whether the sign at `i` follows the `e` of a number's exponent (`2.5e-3`).
fn is_exponent(rest: &str, i: usize) -> bool {
    let before = rest[..i - 1].trim_start();
    !before.is_empty() && before.parse::<f64>().is_ok()
}

/// A Wald test of linear restrictions at a fit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WaldTest {
    /// The restrictions, as written.
    pub hypothesis: Vec<String>,
    /// `W`.
    pub statistic: f64,
    /// The number of restrictions.
    pub df: f64,
    /// `P(χ²(df) > W)`.
    pub p_value: f64,
    /// The covariance the test used (`nonrobust`, `HC1`, `cluster`, …).
    pub cov_type: String,
}

impl WaldTest {
    /// The test of `restrictions` at `fit`, under its covariance.
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] for an unknown or fixed parameter, a fit without a covariance
    /// (not converged, not identified), or restrictions that repeat one another.
    pub fn new(fit: &FitResult, restrictions: &[LinearRestriction]) -> Result<Self> {
        let bad = |m: String| Err(MleError::InvalidOption(format!("Wald test: {m}")));
        let Some(cov) = &fit.covariance else {
            return bad("the fit has no covariance (not converged, or not identified)".into());
        };
        if restrictions.is_empty() {
            return bad("no restriction given".into());
        }
        let k = fit.params.len();
        let q = restrictions.len();
        let mut r = DMatrix::<f64>::zeros(q, k);
        let mut rhs = DVector::<f64>::zeros(q);
        for (i, restriction) in restrictions.iter().enumerate() {
            for (name, c) in &restriction.coefficients {
                let Some(j) = fit.params.iter().position(|p| &p.name == name) else {
                    let names: Vec<&str> = fit.params.iter().map(|p| p.name.as_str()).collect();
                    return bad(format!(
                        "no parameter named '{name}' (parameters: {})",
                        names.join(", ")
                    ));
                };
                if fit.params[j].fixed {
                    return bad(format!("'{name}' is held fixed"));
                }
                r[(i, j)] += c;
            }
            rhs[i] = restriction.value;
        }
        let v = DMatrix::<f64>::from_fn(k, k, |a, b| cov[a][b]);
        let theta = DVector::from_iterator(k, fit.params.iter().map(|p| p.estimate));
        let e = &r * theta - rhs;
        let middle: DMatrix<f64> = &r * v * r.transpose();
        let Some(chol) = middle.cholesky() else {
            return bad(
                "the restrictions are linearly dependent (one follows from the others)".into(),
            );
        };
        let statistic = e.dot(&chol.solve(&e));
        let df = q as f64;
        Ok(Self {
            hypothesis: restrictions.iter().map(|r| r.text.clone()).collect(),
            statistic,
            df,
            p_value: chi2_sf(statistic, df),
            cov_type: fit.cov_type.clone(),
        })
    }
}

impl fmt::Display for WaldTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Wald test of {}: W = {:.4}, df = {}, p = {:.4e} ({} covariance)",
            self.hypothesis.join(", "),
            self.statistic,
            self.df,
            self.p_value,
            self.cov_type
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &str) -> (Vec<(String, f64)>, f64) {
        let r: LinearRestriction = s.parse().unwrap();
        (r.coefficients, r.value)
    }

    #[test]
    fn restrictions_read_as_written() {
        let c = |v: &[(&str, f64)]| v.iter().map(|(n, c)| (n.to_string(), *c)).collect();
        assert_eq!(parsed("x1 = 0"), (c(&[("x1", 1.0)]), 0.0));
        assert_eq!(parsed("x1 = x2"), (c(&[("x1", 1.0), ("x2", -1.0)]), 0.0));
        assert_eq!(
            parsed("2*x1 - x3 = 1"),
            (c(&[("x1", 2.0), ("x3", -1.0)]), 1.0)
        );
        assert_eq!(
            parsed("2 x1 + 0.5 = -x2"),
            (c(&[("x1", 2.0), ("x2", 1.0)]), -0.5)
        );
        assert_eq!(parsed("1e-3*x1 = 2.5e-1"), (c(&[("x1", 1e-3)]), 0.25));
        assert_eq!(
            parsed("-x1 - -x2 = 0"),
            (c(&[("x1", -1.0), ("x2", 1.0)]), 0.0)
        );
        for bad in [
            "x1",
            "x1 = ",
            "= 0",
            "x1 x2 = 0",
            "2 = 2",
            "x1 - x1 = 0",
            "a*b*c = 0",
        ] {
            assert!(bad.parse::<LinearRestriction>().is_err(), "{bad}");
        }
    }
}
