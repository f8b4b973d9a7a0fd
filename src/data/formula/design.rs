//! The design matrix a formula makes on a dataset, and the coding it learns there ([`Terms`])
//! to code new data the same way.

use std::collections::HashMap;

use rayon::prelude::*;

use super::Formula;
use super::coding::{Coding, subterms};
use super::eval::evaluate;
use super::expand::Source;
use crate::data::csv::shortest;
use crate::data::dataset::{excerpt, list_names};
use crate::data::design::{Design, INTERCEPT};
use crate::data::{Column, Dataset};
use crate::error::{MleError, Result};

/// The levels of a categorical factor, as learnt from the data it was fitted on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Level {
    /// The factor's name in the formula (`C(religious)`, `religious`).
    pub factor: String,
    /// Its column.
    pub column: String,
    /// Its levels in order: text sorted as strings, numbers by value (written shortest).
    pub levels: Vec<String>,
    /// Whether the column is numeric (`C(year)`): levels then match by value.
    pub numeric: bool,
    /// The reference level of treatment coding (an index into `levels`).
    pub reference: usize,
}

/// A formula with the coding it learnt on the data it was fitted to: what new data need to
/// make the same columns (saved with a model, applied by `predict`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Terms {
    /// The formula.
    pub formula: String,
    /// Whether the design has an intercept.
    pub intercept: bool,
    /// The levels of each categorical factor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categorical: Vec<Level>,
}

/// A factor's values on the rows.
enum Values {
    Numeric(Vec<f64>),
    /// Level indices.
    Codes(Vec<u32>),
}

/// One factor of a design column: a numeric factor's value, or the indicator of a level.
#[derive(Clone, Copy)]
enum Part {
    Value(usize),
    Indicator(usize, u32),
}

impl Terms {
    /// The design of `data` (rows complete in every column the formula reads) and the
    /// formula's offset, coded as learnt.
    ///
    /// # Errors
    /// As [`Terms::learn`], and a level not seen in fitting, naming the row and column.
    pub fn design(&self, data: &Dataset) -> Result<(Design, Option<Vec<f64>>)> {
        let formula = Formula::parse(&self.formula)?;
        let (design, _, offset) = code(&formula, data, self.intercept, Some(self))?;
        Ok((design, offset))
    }

    /// Codes `formula` on `data`, learning the levels of its categorical factors: a bare
    /// column whose cells are text is categorical, and `C(column)` always. The intercept is the
    /// formula's choice, or `intercept` where it says nothing.
    ///
    /// # Errors
    /// [`MleError::Formula`] at an unknown column, a reference that is not a level, a factor
    /// with fewer than two levels; the errors of [`Design`] for a constant or repeated column;
    /// [`MleError::BadValue`] naming the row of a value outside a function's domain.
    pub fn learn(
        formula: &Formula,
        data: &Dataset,
        intercept: bool,
    ) -> Result<(Design, Terms, Option<Vec<f64>>)> {
        let intercept = formula.intercept().unwrap_or(intercept);
        code(formula, data, intercept, None)
    }
}

/// Whether a bare column is categorical: text in which no present cell is a number (a
/// numeric column with a bad cell stays numeric, so that the cell is named).
fn is_categorical(column: &Column) -> bool {
    match column {
        Column::Numeric(_) => false,
        Column::Text(v) => !v
            .iter()
            .any(|s| crate::data::dataset::parse_number(s).is_some()),
    }
}

fn code(
    formula: &Formula,
    data: &Dataset,
    intercept: bool,
    known: Option<&Terms>,
) -> Result<(Design, Terms, Option<Vec<f64>>)> {
    for (c, span) in formula.columns(false) {
        if data.column(&c).is_err() {
            let m = format!(
                "no column named '{}' in {} (columns: {})",
                excerpt(&c),
                data.source(),
                list_names(data.names())
            );
            return Err(formula.error_at(span, m));
        }
    }
    let ex = &formula.expanded;
    // each factor's kind and, for a categorical one, its levels
    let mut learnt: Vec<Option<Level>> = Vec::with_capacity(ex.factors.len());
    for f in &ex.factors {
        let column = match &f.source {
            Source::Column(c) => {
                let categorical = match known {
                    Some(t) => t.categorical.iter().any(|l| l.factor == f.name),
                    None => is_categorical(data.column(c)?),
                };
                categorical.then_some((c, None))
            }
            Source::Categorical { column, reference } => Some((column, reference.as_deref())),
            Source::Expression(_) => None,
        };
        learnt.push(match (column, known) {
            (None, _) => None,
            (Some(_), Some(t)) => {
                let saved = t.categorical.iter().find(|l| l.factor == f.name);
                Some(saved.cloned().ok_or_else(|| {
                    MleError::Design(format!("the saved terms have no levels for '{}'", f.name))
                })?)
            }
            (Some((column, reference)), None) => {
                Some(levels_of(formula, f, column, reference, data)?)
            }
        });
    }
    let mut values = Vec::with_capacity(ex.factors.len());
    for (f, level) in ex.factors.iter().zip(&learnt) {
        values.push(match (level, &f.source) {
            (Some(level), _) => Values::Codes(codes(data, level)?),
            (None, Source::Expression(e)) => Values::Numeric(evaluate(e, data, &f.name)?),
            (None, Source::Column(c) | Source::Categorical { column: c, .. }) => {
                Values::Numeric(evaluate(
                    &super::parse::Expr::Column(c.clone(), f.span),
                    data,
                    &f.name,
                )?)
            }
        });
    }
    let mut terms: Vec<Vec<usize>> = Vec::with_capacity(ex.terms.len() + 1);
    if intercept {
        terms.push(Vec::new());
    }
    terms.extend(ex.terms.iter().cloned());
    let subs = subterms(&terms, &|f| learnt[f].is_none());
    // the columns: each subterm's factors' columns multiplied, the left-most varying fastest
    let mut names = Vec::new();
    let mut columns: Vec<Vec<Part>> = Vec::new();
    for sub in &subs {
        let mut combos: Vec<(Vec<String>, Vec<Part>)> = vec![(Vec::new(), Vec::new())];
        for &(f, coding) in sub.factors.iter().rev() {
            let name = &ex.factors[f].name;
            let options: Vec<(String, Part)> = match (coding, &learnt[f]) {
                (Coding::Numeric, _) | (_, None) => vec![(name.clone(), Part::Value(f))],
                (c, Some(l)) => (0..l.levels.len())
                    .filter(|&k| c == Coding::Full || k != l.reference)
                    .map(|k| {
                        let t = if c == Coding::Full { "" } else { "T." };
                        let label = format!("{name}[{t}{}]", l.levels[k]);
                        (label, Part::Indicator(f, k as u32))
                    })
                    .collect(),
            };
            combos = options
                .iter()
                .flat_map(|(n, p)| {
                    combos.iter().map(move |(ns, ps)| {
                        let mut ns = ns.clone();
                        ns.insert(0, n.clone());
                        let mut ps = ps.clone();
                        ps.insert(0, *p);
                        (ns, ps)
                    })
                })
                .collect();
        }
        // the product above varies the right-most fastest; patsy (as R) the left-most
        combos.sort_by_key(|(_, ps)| {
            ps.iter()
                .rev()
                .map(|p| match p {
                    Part::Value(_) => 0,
                    Part::Indicator(_, k) => *k,
                })
                .collect::<Vec<u32>>()
        });
        for (ns, ps) in combos {
            names.push(if ns.is_empty() {
                INTERCEPT.to_string()
            } else {
                ns.join(":")
            });
            columns.push(ps);
        }
    }
    let (n, p) = (data.n_rows(), columns.len());
    let mut x = Vec::new();
    crate::alloc::reserve(&mut x, n.saturating_mul(p), "the design")?;
    x.resize(n * p, 0.0);
    if p > 0 {
        x.par_chunks_mut(p).enumerate().for_each(|(i, row)| {
            for (cell, parts) in row.iter_mut().zip(&columns) {
                *cell = parts.iter().fold(1.0, |acc, part| match *part {
                    Part::Value(f) => match &values[f] {
                        Values::Numeric(v) => acc * v[i],
                        Values::Codes(_) => acc,
                    },
                    Part::Indicator(f, k) => match &values[f] {
                        Values::Codes(c) => acc * f64::from(u8::from(c[i] == k)),
                        Values::Numeric(_) => acc,
                    },
                });
            }
        });
    }
    let offset = ex
        .offsets
        .iter()
        .map(|o| evaluate(o, data, &format!("offset({o})")))
        .try_fold(None::<Vec<f64>>, |acc, v| {
            let v = v?;
            Ok::<_, MleError>(Some(match acc {
                Some(a) => a.iter().zip(&v).map(|(a, b)| a + b).collect(),
                None => v,
            }))
        })?;
    let design = Design::from_rows(data.source(), names, x, n, intercept)?;
    let terms = Terms {
        formula: formula.text().to_string(),
        intercept,
        categorical: learnt.into_iter().flatten().collect(),
    };
    Ok((design, terms, offset))
}

/// The level of each row's cell of `level.column`.
fn codes(data: &Dataset, level: &Level) -> Result<Vec<u32>> {
    let index: HashMap<&str, u32> = level
        .levels
        .iter()
        .enumerate()
        .map(|(k, l)| (l.as_str(), k as u32))
        .collect();
    let unseen = |row: usize, cell: &str| {
        data.bad_value(
            row + 1,
            &level.column,
            &format!(
                "level '{}' of {} was not among the levels it was fitted with ({})",
                excerpt(cell),
                level.factor,
                list_names(&level.levels)
            ),
        )
    };
    match data.column(&level.column)? {
        Column::Text(v) => v
            .iter()
            .enumerate()
            .map(|(i, s)| index.get(s.trim()).copied().ok_or_else(|| unseen(i, s)))
            .collect(),
        Column::Numeric(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let key = shortest(x + 0.0);
                index
                    .get(key.as_str())
                    .copied()
                    .ok_or_else(|| unseen(i, &key))
            })
            .collect(),
    }
}

/// The sorted levels of `column` in `data` and the reference among them.
fn levels_of(
    formula: &Formula,
    factor: &super::expand::Factor,
    column: &str,
    reference: Option<&str>,
    data: &Dataset,
) -> Result<Level> {
    let (levels, numeric) = match data.column(column)? {
        Column::Text(v) => {
            let mut l: Vec<&str> = v.iter().map(|s| s.trim()).collect();
            l.par_sort_unstable();
            l.dedup();
            (l.into_iter().map(String::from).collect::<Vec<_>>(), false)
        }
        Column::Numeric(v) => {
            let mut l: Vec<f64> = v.iter().map(|x| x + 0.0).collect();
            l.par_sort_unstable_by(f64::total_cmp);
            l.dedup();
            (l.into_iter().map(shortest).collect(), true)
        }
    };
    if levels.len() < 2 {
        return Err(formula.error_at(
            factor.span,
            format!(
                "{} has {} level{} in the rows used ({}); a categorical factor needs two or \
                 more",
                factor.name,
                levels.len(),
                if levels.len() == 1 { "" } else { "s" },
                list_names(&levels)
            ),
        ));
    }
    let reference = match reference {
        None => 0,
        Some(r) => levels
            .iter()
            .position(|l| l == r || (numeric && r.parse::<f64>().ok() == l.parse::<f64>().ok()))
            .ok_or_else(|| {
                formula.error_at(
                    factor.span,
                    format!(
                        "the reference '{}' is not a level of '{column}' (levels: {})",
                        excerpt(r),
                        list_names(&levels)
                    ),
                )
            })?,
    };
    Ok(Level {
        factor: factor.name.clone(),
        column: column.to_string(),
        levels,
        numeric,
        reference,
    })
}
