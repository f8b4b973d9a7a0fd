//! Model formulas in the conventions of R, patsy and formulaic:
//! `y ~ a + log(b) + C(g, Treatment(reference="x")) + a:b + c*d + I(e ** 2) + offset(o) - 1`.
//!
//! A formula is parsed (`parse`, by a pest grammar), its right-hand side expanded into terms
//! (`expand`), the terms coded into columns as patsy codes them (`coding`) and the columns
//! evaluated on a dataset (`design`, `eval`). What the coding learnt from the data (each
//! categorical factor's levels) is kept as [`Terms`], so that new data are coded the same way.
//!
//! Column names are patsy's, except that the intercept is `intercept` (patsy and statsmodels:
//! `Intercept`; R: `(Intercept)`): `C(g)[T.b]`, `religious[T.fairly]`, `age:yrs_married`,
//! `log(yrs_married)`, `I(x ** 2)`.

mod coding;
mod design;
mod eval;
mod expand;
mod parse;

pub use design::{Level, Terms};
pub(crate) use eval::evaluate;

use crate::error::{MleError, Result};
use expand::{Expanded, Source};
use parse::{Expr, Span, Syntax, error_at};

/// A parsed model formula.
///
/// # Examples
/// ```
/// use mle::data::Formula;
/// let f = Formula::parse("affair ~ rate_marriage + C(religious) + age:yrs_married - 1").unwrap();
/// assert_eq!(f.response(), "affair");
/// assert_eq!(f.intercept(), Some(false));
/// let e = Formula::parse("y ~ x + (z").unwrap_err().to_string();
/// assert!(e.contains("1:11"), "{e}");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    text: String,
    syntax: Syntax,
    expanded: Expanded,
}

impl Formula {
    /// Parses and expands `text`.
    ///
    /// # Errors
    /// [`MleError::Formula`], the formula drawn with the place marked: a syntax error, an
    /// unknown function, a number among the terms other than 0 or 1, a `C(...)` that is not
    /// `C(column)` or `C(column, Treatment(reference))`.
    pub fn parse(text: &str) -> Result<Self> {
        let syntax = parse::parse(text)?;
        let expanded = expand::expand(text, &syntax.rhs)?;
        Ok(Self {
            text: text.to_string(),
            syntax,
            expanded,
        })
    }

    /// The formula `response ~ a + b + ...` of covariate columns, as `--x` names them (a name
    /// that is not a plain identifier in backticks).
    ///
    /// # Errors
    /// As [`Formula::parse`] (a name holding a backtick).
    pub fn of_columns<S: AsRef<str>>(response: &str, columns: &[S]) -> Result<Self> {
        let quote = |c: &str| {
            let plain = c
                .chars()
                .next()
                .is_some_and(|h| h.is_ascii_alphabetic() || h == '_')
                && c.chars()
                    .all(|h| h.is_ascii_alphanumeric() || h == '_' || h == '.');
            if plain {
                c.to_string()
            } else {
                format!("`{c}`")
            }
        };
        let rhs: Vec<String> = columns.iter().map(|c| quote(c.as_ref())).collect();
        let rhs = if rhs.is_empty() {
            "1".to_string()
        } else {
            rhs.join(" + ")
        };
        Self::parse(&format!("{} ~ {rhs}", quote(response)))
    }

    /// The text as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The response as named in the formula (`y`, `log(y)`).
    pub fn response(&self) -> String {
        match &self.syntax.lhs {
            Expr::Column(c, _) => c.clone(),
            e => e.to_string(),
        }
    }

    /// Whether the formula asks for an intercept (`1`), removes it (`0`, `- 1`) or says
    /// nothing.
    pub fn intercept(&self) -> Option<bool> {
        self.expanded.intercept
    }

    /// The response column when the left-hand side is one column.
    pub(crate) fn response_column(&self) -> Option<&str> {
        match &self.syntax.lhs {
            Expr::Column(c, _) => Some(c),
            _ => None,
        }
    }

    /// The left-hand side.
    pub(crate) fn lhs(&self) -> &Expr {
        &self.syntax.lhs
    }

    /// The covariate columns when every term is a column by itself (no function, no
    /// interaction, no offset): the formulas `--x` makes, which a CSV file can be streamed into.
    pub(crate) fn plain_columns(&self) -> Option<Vec<String>> {
        if !self.expanded.offsets.is_empty() {
            return None;
        }
        self.expanded
            .terms
            .iter()
            .map(|t| match t.as_slice() {
                [f] => match &self.expanded.factors[*f].source {
                    Source::Column(c) => Some(c.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// Every column the formula reads, with where it is named: the right-hand side's (with
    /// `offset(...)`), then the response's if `response`.
    pub(crate) fn columns(&self, response: bool) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        for f in &self.expanded.factors {
            match &f.source {
                Source::Column(c) | Source::Categorical { column: c, .. } => {
                    out.push((c.clone(), f.span));
                }
                Source::Expression(e) => eval::columns_of(e, &mut out),
            }
        }
        for o in &self.expanded.offsets {
            eval::columns_of(o, &mut out);
        }
        if response {
            eval::columns_of(&self.syntax.lhs, &mut out);
        }
        out
    }

    /// An error about the place `span`.
    pub(crate) fn error_at(&self, span: Span, message: impl Into<String>) -> MleError {
        error_at(&self.text, span, message)
    }
}

impl std::fmt::Display for Formula {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}
