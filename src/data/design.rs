//! Design matrices: which columns enter a model, with or without an intercept, and the response.

use std::sync::{Arc, OnceLock};

use super::rank::{Alias, aliased_columns_given};
use super::store::Store;

use super::csv::shortest;
use super::dataset::Dataset;
use crate::error::{MleError, Result};

/// The name given to the column of ones.
pub const INTERCEPT: &str = "intercept";

/// A design matrix `X` (row-major, `n × p`) with its column names.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// // two observations, one covariate, an intercept added in front
/// let x = Design::from_columns(&["x"], &[vec![1.0, 2.0]], true).unwrap();
/// assert_eq!(x.names(), &["intercept", "x"]);
/// assert_eq!(x.row(1), &[1.0, 2.0]);
/// ```
#[derive(Debug, Clone)]
pub struct Design {
    names: Vec<String>,
    /// Shared, not copied, by the models built on this design.
    values: Arc<Store>,
    n: usize,
    intercept: bool,
    /// The aliased columns ([`super::rank`]), found once on first use and shared by clones.
    aliased: Arc<OnceLock<Vec<Alias>>>,
}

/// Equal names, intercept and values, wherever the values live (the cache of aliased columns
/// aside).
impl PartialEq for Design {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
            && self.n == other.n
            && self.intercept == other.intercept
            && *self.values == *other.values
    }
}

impl Design {
    /// A design from named covariate columns, with an intercept column in front if asked.
    ///
    /// # Errors
    /// [`MleError::Design`] when lengths differ, a value is not finite, or there are no columns
    /// at all. A constant column (with an intercept) or one that repeats another is aliased:
    /// [`Design::check_rank`] refuses it by name and [`Design::without_aliased`] drops it.
    pub fn from_columns<S: AsRef<str>>(
        names: &[S],
        columns: &[Vec<f64>],
        intercept: bool,
    ) -> Result<Self> {
        let cols: Vec<(&str, &[f64])> = names
            .iter()
            .map(AsRef::as_ref)
            .zip(columns.iter().map(Vec::as_slice))
            .collect();
        if names.len() != columns.len() {
            return Err(MleError::Design(format!(
                "{} names for {} columns",
                names.len(),
                columns.len()
            )));
        }
        let n = columns.first().map_or(0, Vec::len);
        Self::assemble("data", &cols, n, intercept)
    }

    /// The design of new rows for prediction: the named columns of `data` (which must exist and
    /// be finite), with an intercept if asked. Unlike a design to fit, constant columns are fine.
    ///
    /// # Errors
    /// [`MleError::UnknownColumn`] and [`MleError::BadValue`] naming the file, row and column.
    pub fn for_prediction<S: AsRef<str>>(
        data: &Dataset,
        columns: &[S],
        intercept: bool,
    ) -> Result<Self> {
        let mut cols = Vec::with_capacity(columns.len());
        for name in columns {
            cols.push((name.as_ref(), finite(data, name.as_ref())?));
        }
        Self::assemble(data.source(), &cols, data.n_rows(), intercept)
    }

    fn assemble(source: &str, cols: &[(&str, &[f64])], n: usize, intercept: bool) -> Result<Self> {
        let p = cols.len() + usize::from(intercept);
        for (name, col) in cols {
            if col.len() != n {
                return Err(MleError::Design(format!(
                    "{source}: column '{name}' has {} rows, expected {n}",
                    col.len()
                )));
            }
            if let Some(i) = col.iter().position(|v| !v.is_finite()) {
                return Err(MleError::BadValue {
                    source_name: source.into(),
                    row: i + 1,
                    column: (*name).into(),
                    message: format!("{} is not a finite number", shortest(col[i])),
                });
            }
            if *name == INTERCEPT && intercept {
                return Err(MleError::Design(format!(
                    "{source}: a column is named '{INTERCEPT}', which is reserved for the \
                     intercept; rename it or fit without an intercept"
                )));
            }
        }
        let mut names = Vec::with_capacity(p);
        if intercept {
            names.push(INTERCEPT.to_string());
        }
        names.extend(cols.iter().map(|(n, _)| n.to_string()));
        let mut values = Vec::new();
        let what = format!("the design ({n} rows of {p} columns)");
        let cells = n.saturating_mul(p);
        crate::alloc::reserve(&mut values, cells, &what)?;
        for i in 0..n {
            if intercept {
                values.push(1.0);
            }
            values.extend(cols.iter().map(|(_, c)| c[i]));
        }
        Self::from_rows(source, names, values, n, intercept)
    }

    /// A design from its finite row-major `values` (`n` rows of `names.len()`, the intercept's
    /// ones first if `intercept`).
    pub(super) fn from_rows(
        source: &str,
        names: Vec<String>,
        values: impl Into<Store>,
        n: usize,
        intercept: bool,
    ) -> Result<Self> {
        let values: Store = values.into();
        debug_assert_eq!(values.len(), n * names.len());
        if names.is_empty() {
            return Err(MleError::Design(
                "the model has no parameters: no covariates and no intercept".into(),
            ));
        }
        if n == 0 {
            return Err(MleError::Design(format!("{source}: the data have no rows")));
        }
        Ok(Self {
            names,
            values: Arc::new(values),
            n,
            intercept,
            aliased: Arc::default(),
        })
    }

    /// The columns that are linear combinations of the columns before them (R's aliased
    /// coefficients; [`super::rank`]), in order. Found by one pass over the rows on first use.
    pub fn aliased(&self) -> &[Alias] {
        self.aliased.get_or_init(|| {
            // XᵀX window by window; the QR (a design near rank deficiency) over all rows
            let p = self.n_cols();
            let g = self
                .values
                .windows(p, |_, w| crate::linalg::gram(w, p))
                .into_iter()
                .fold(nalgebra::DMatrix::zeros(p, p), |a, b| a + b);
            self.aliased_given(&g)
        })
    }

    /// The aliased columns from `XᵀX` formed already.
    fn aliased_given(&self, g: &nalgebra::DMatrix<f64>) -> Vec<Alias> {
        let aliased = aliased_columns_given(g, &self.values, self.n_cols(), &self.names);
        self.values.release_all();
        aliased
    }

    /// As [`Design::check_rank`], with `XᵀX` formed already (the Gaussian model forms it), so
    /// that deciding the rank takes no pass of its own unless the design is near deficiency.
    ///
    /// # Errors
    /// As [`Design::check_rank`].
    pub(crate) fn check_rank_given(&self, g: &nalgebra::DMatrix<f64>) -> Result<()> {
        self.aliased.get_or_init(|| self.aliased_given(g));
        self.check_rank()
    }

    /// Records that the design has full column rank, as a GLM's start proves it from the
    /// `XᵀWX` it forms (`rank::full_rank_by_weighted_gram`), so that [`Design::check_rank`]
    /// makes no pass of its own.
    pub(crate) fn proved_full_rank(&self) {
        // a rank decided already stays: it is the same answer
        let _ = self.aliased.set(Vec::new());
    }

    /// Whether the design has full column rank.
    ///
    /// # Errors
    /// [`MleError::Collinear`] naming every aliased column with the combination it equals.
    pub fn check_rank(&self) -> Result<()> {
        match self.aliased() {
            [] => Ok(()),
            aliased => Err(MleError::Collinear {
                aliased: aliased.to_vec(),
            }),
        }
    }

    /// The design without its aliased columns (itself when there are none), and those columns:
    /// what R's `lm` and `glm` fit when they report coefficients "not defined because of
    /// singularities".
    pub fn without_aliased(&self) -> (Design, Vec<Alias>) {
        let aliased = self.aliased().to_vec();
        if aliased.is_empty() {
            return (self.clone(), aliased);
        }
        let p = self.n_cols();
        let keep: Vec<usize> = (0..p)
            .filter(|&j| !aliased.iter().any(|a| a.column == self.names[j]))
            .collect();
        let values: Vec<f64> = self
            .values
            .chunks_exact(p)
            .flat_map(|row| keep.iter().map(move |&j| row[j]))
            .collect();
        let design = Design {
            names: keep.iter().map(|&j| self.names[j].clone()).collect(),
            values: Arc::new(values.into()),
            n: self.n,
            intercept: self.intercept && keep.first() == Some(&0),
            aliased: Arc::new(OnceLock::from(Vec::new())),
        };
        (design, aliased)
    }

    /// Column names (the intercept, if any, first).
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n
    }
    /// Number of columns, intercept included.
    pub fn n_cols(&self) -> usize {
        self.names.len()
    }
    /// Whether the first column is the intercept.
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }
    /// Whether the values are spilled to disk ([`Store::Spill`]), and the spill's bytes.
    pub fn spill_bytes(&self) -> Option<u64> {
        self.values.spill_bytes()
    }

    /// The row-major values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
    /// The row-major values, shared: a model holds the design without copying it.
    pub fn shared_values(&self) -> Arc<Store> {
        Arc::clone(&self.values)
    }
    /// Row `i` (0-based).
    pub fn row(&self, i: usize) -> &[f64] {
        let p = self.n_cols();
        &self.values[i * p..(i + 1) * p]
    }
    /// The covariate names: [`Design::names`] without the intercept.
    pub fn covariates(&self) -> &[String] {
        &self.names[usize::from(self.intercept)..]
    }
    /// The linear predictor `η = Xβ`, one value per row.
    pub fn linear_predictor(&self, beta: &[f64]) -> Vec<f64> {
        crate::linalg::linear_predictor(&self.values, self.n_cols(), beta)
    }
    /// Column `j` (0-based), copied out.
    pub fn column(&self, j: usize) -> Vec<f64> {
        (0..self.n)
            .map(|i| self.values[i * self.n_cols() + j])
            .collect()
    }
}

/// A numeric column whose values are all finite.
pub(super) fn finite<'a>(data: &'a Dataset, name: &str) -> Result<&'a [f64]> {
    let values = data.numeric(name)?;
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(data.bad_value(
            i + 1,
            name,
            &format!("{} is not a finite number", shortest(values[i])),
        ));
    }
    Ok(values)
}
