//! The [`DesignBuilder`]: which columns of a [`Dataset`] play which part in a model, read into a
//! [`ModelFrame`] through a [`Formula`].

use super::dataset::{Column, Dataset, list_names};
use super::design::{INTERCEPT, finite};
use super::formula::{Formula, Terms, evaluate};
use super::frame::{
    ModelFrame, OffsetSpec, ResponseSpec, TrialsSpec, cluster_labels, is_frequency_weight,
};
use super::missing::Missing;
use crate::error::{MleError, Result};

/// Builds a [`ModelFrame`] from a [`Dataset`].
///
/// # Examples
/// ```
/// use mle::data::{Column, Dataset, DesignBuilder, ResponseSpec};
/// let data = Dataset::new("inline", vec![
///     ("x".into(), Column::Numeric(vec![1.0, 2.0, 4.0])),
///     ("kind".into(), Column::Text(vec!["a".into(), "b".into(), "a".into()])),
/// ]).unwrap();
/// let frame = DesignBuilder::new(ResponseSpec::parse("kind=a")).build(&data).unwrap();
/// assert_eq!(frame.response, vec![1.0, 0.0, 1.0]);
/// assert_eq!(frame.design.names(), &["intercept", "x"]);
/// ```
#[derive(Debug, Clone)]
pub struct DesignBuilder {
    pub(super) response: ResponseSpec,
    pub(super) columns: Option<Vec<String>>,
    pub(super) intercept: bool,
    pub(super) trials: Option<TrialsSpec>,
    pub(super) offset: Option<OffsetSpec>,
    pub(super) clusters: Vec<String>,
    pub(super) weights: Option<String>,
    pub(super) formula: Option<Formula>,
    pub(super) missing: Missing,
    pub(super) memory: Option<usize>,
    pub(super) spill_dir: Option<std::path::PathBuf>,
}

impl DesignBuilder {
    /// A builder for `response`; by default every other numeric column enters, with an intercept.
    pub fn new(response: ResponseSpec) -> Self {
        Self {
            response,
            columns: None,
            intercept: true,
            trials: None,
            offset: None,
            clusters: Vec::new(),
            weights: None,
            formula: None,
            missing: Missing::Drop,
            memory: None,
            spill_dir: None,
        }
    }

    /// A builder for the model `formula` (`y ~ x + C(g) + log(z)`): its left-hand side is the
    /// response, its right-hand side the covariates ([`Formula`]).
    pub fn from_formula(formula: Formula) -> Self {
        let response = ResponseSpec::Column(formula.response());
        Self {
            formula: Some(formula),
            ..Self::new(response)
        }
    }

    /// A memory budget in bytes for the design (default: none, the design in memory): when a
    /// CSV file's design (with its response and trials) would take more, [`DesignBuilder::read`]
    /// writes the design's rows to a spill file on disk ([`super::Store::Spill`], in
    /// [`DesignBuilder::spill_dir`]) as it reads them, and fits read it a window at a time.
    /// Plain numeric CSV and Parquet files (the models of the one-pass reader of
    /// [`DesignBuilder::read_csv`]: columns, no text, missing cells, offset, clusters or
    /// weights); a file or a model that needs the general path is read into memory.
    pub fn memory(mut self, bytes: usize) -> Self {
        self.memory = Some(bytes);
        self
    }

    /// Where a spill file goes (default: the system's temporary directory). The file has no
    /// name there: it is gone when the design is, however the process ends.
    pub fn spill_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.spill_dir = Some(dir.into());
        self
    }

    /// The directory of a spill file.
    pub(super) fn spill_directory(&self) -> std::path::PathBuf {
        self.spill_dir.clone().unwrap_or_else(std::env::temp_dir)
    }

    /// What to do with rows that have a missing value in a column the model uses (default:
    /// [`Missing::Drop`], counted in [`ModelFrame::n_dropped`]).
    pub fn missing(mut self, missing: Missing) -> Self {
        self.missing = missing;
        self
    }

    /// The covariate columns (default: every numeric column but the response and trials; a
    /// column with some numbers and a bad cell is included, so that the bad cell is reported).
    pub fn columns<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }

    /// Whether to add an intercept (default: `true`).
    pub fn intercept(mut self, yes: bool) -> Self {
        self.intercept = yes;
        self
    }

    /// Trials per row for binomial data (default: none).
    pub fn trials(mut self, trials: TrialsSpec) -> Self {
        self.trials = Some(trials);
        self
    }

    /// A column of cluster labels (numbers or text) for cluster-robust covariances, read into
    /// [`ModelFrame::clusters`] (default: none); called again, a second way of clustering
    /// (two-way cluster-robust). It is not a covariate.
    pub fn cluster(mut self, column: impl Into<String>) -> Self {
        self.clusters.push(column.into());
        self
    }

    /// A column of frequency weights (default: none): row `i` stands for `wᵢ` identical
    /// observations, a whole number; rows of weight 0 are left out (counted in
    /// [`ModelFrame::n_dropped`]). Read into [`ModelFrame::weights`]; it is not a covariate.
    pub fn weights(mut self, column: impl Into<String>) -> Self {
        self.weights = Some(column.into());
        self
    }

    /// An offset for the linear predictor (default: none).
    pub fn offset(mut self, offset: OffsetSpec) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Whether `column` plays another part than a covariate's: the response, the trials, the
    /// offset, the clusters, the weights.
    pub(super) fn takes_part(&self, column: &str) -> bool {
        let trials = match &self.trials {
            Some(TrialsSpec::Column(c)) => Some(c.as_str()),
            _ => None,
        };
        column == self.response.column()
            || Some(column) == trials
            || Some(column) == self.offset.as_ref().map(OffsetSpec::column)
            || self.clusters.iter().any(|c| c == column)
            || self.weights.as_deref() == Some(column)
    }

    /// The covariates: the columns asked for, or by default each of `candidates` (the columns
    /// that can be covariates) that plays no other part.
    pub(super) fn covariates<'a>(
        &self,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Vec<String> {
        match &self.columns {
            Some(c) => c.clone(),
            None => candidates
                .into_iter()
                .filter(|n| !self.takes_part(n))
                .map(String::from)
                .collect(),
        }
    }

    /// The formula of the covariates: the one given, or `response ~ a + b + ...` of the
    /// columns asked for (by default every column that plays no other part).
    pub(super) fn formula_of<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Formula> {
        match &self.formula {
            Some(f) => Ok(f.clone()),
            None => Formula::of_columns(self.response.column(), &self.covariates(names)),
        }
    }

    /// The model frame of the file at `path`: a Parquet file ([`super::is_parquet`]) by its
    /// columns the model uses only, a CSV file by [`DesignBuilder::read_csv`].
    ///
    /// # Errors
    /// As [`super::read_parquet`], [`DesignBuilder::read_csv`] and [`DesignBuilder::build`].
    pub fn read(&self, path: impl AsRef<std::path::Path>) -> Result<ModelFrame> {
        let path = path.as_ref();
        if !super::is_parquet(path) {
            return self.read_csv(path);
        }
        let names = super::parquet_columns(path)?;
        if let Some(frame) = self.spill_parquet(path, &names)? {
            return Ok(frame);
        }
        let formula = self.formula_of(names.iter().map(String::as_str))?;
        self.known_columns(&names, &path.display().to_string())?;
        let used = self.used_columns(&formula);
        self.build(&super::read_parquet(path, Some(&used))?)
    }

    /// An error pointing at the place in the formula of a column that `names` lacks.
    fn known_columns(&self, names: &[String], source: &str) -> Result<()> {
        let Some(f) = &self.formula else {
            return Ok(());
        };
        match f
            .columns(true)
            .into_iter()
            .find(|(c, _)| !names.contains(c))
        {
            Some((c, span)) => Err(f.error_at(
                span,
                format!(
                    "no column named '{c}' in {source} (columns: {})",
                    names.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    /// Every column the frame reads.
    fn used_columns(&self, formula: &Formula) -> Vec<String> {
        let mut used: Vec<String> = formula.columns(true).into_iter().map(|(c, _)| c).collect();
        if let Some(TrialsSpec::Column(c)) = &self.trials {
            used.push(c.clone());
        }
        used.extend(self.offset.as_ref().map(|o| o.column().to_string()));
        used.extend(self.clusters.iter().cloned());
        used.extend(self.weights.iter().cloned());
        used
    }

    /// Reads the columns and validates them: rows with a missing value in a column the model
    /// uses are left out (or refused, [`DesignBuilder::missing`]) first.
    ///
    /// # Errors
    /// Unknown columns, non-numeric or non-finite values (with row and column), constant or
    /// duplicated columns, and more parameters than rows; [`MleError::Formula`].
    pub fn build(&self, data: &Dataset) -> Result<ModelFrame> {
        let formula = self.formula_of(data.names().iter().map(String::as_str))?;
        let y_col = self.response.column();
        for (c, span) in formula.columns(false) {
            if c == y_col {
                let m = format!("column '{c}' is the response; it cannot also be a covariate");
                return Err(match &self.formula {
                    Some(f) => f.error_at(span, m),
                    None => MleError::Design(format!("{}: {m}", data.source())),
                });
            }
            if c == INTERCEPT && formula.intercept().unwrap_or(self.intercept) {
                return Err(MleError::Design(format!(
                    "{}: a column is named '{INTERCEPT}', which is reserved for the \
                     intercept; rename it or fit without an intercept",
                    data.source()
                )));
            }
        }
        self.known_columns(data.names(), data.source())?;
        let used = self.used_columns(&formula);
        for c in &used {
            data.column(c)?;
        }
        let mut complete = self.missing.complete(data, &used)?;
        let missing = complete.dropped;
        if let Some(w) = &self.weights
            && let Column::Numeric(v) = data.column(w)?
        {
            complete.rows.retain(|&i| v[i] != 0.0);
            complete.dropped = data.n_rows() - complete.rows.len();
        }
        if complete.rows.is_empty() && complete.dropped > 0 {
            let why = if missing == complete.dropped {
                "has a missing value in a column the model uses"
            } else {
                "has a missing value in a column the model uses or a weight of 0"
            };
            return Err(MleError::Design(format!(
                "{}: each of the {} rows {why} ({})",
                data.source(),
                complete.dropped,
                list_names(&used)
            )));
        }
        let selected;
        let data = if complete.dropped > 0 {
            selected = data.select(&used, &complete.rows)?;
            &selected
        } else {
            data
        };
        let (response, response_name) = match (&self.formula, &self.response) {
            (Some(f), _) if f.response_column().is_none() => {
                (evaluate(f.lhs(), data, &f.response())?, f.response())
            }
            (_, ResponseSpec::Column(c)) => (finite(data, c)?.to_vec(), c.clone()),
            (_, ResponseSpec::Level { column, level }) => (
                level_indicator(data, column, level)?,
                format!("{column}={level}"),
            ),
        };
        let trials = match &self.trials {
            None => None,
            Some(TrialsSpec::Column(c)) => Some(finite(data, c)?.to_vec()),
            Some(TrialsSpec::Constant(m)) => Some(vec![*m; data.n_rows()]),
        };
        let offset = self.offset.as_ref().map(|o| o.read(data)).transpose()?;
        let (design, terms, formula_offset) = Terms::learn(&formula, data, self.intercept)?;
        let offset = match (offset, formula_offset) {
            (Some(a), Some(b)) => Some(a.iter().zip(&b).map(|(a, b)| a + b).collect()),
            (a, b) => a.or(b),
        };
        let mut frame = ModelFrame::new(data.source(), design, response_name, response, trials)?;
        frame.offset = offset;
        frame.offset_spec = self.offset.clone();
        frame.terms = Some(terms);
        frame.n_dropped = complete.dropped;
        frame.weights = self
            .weights
            .as_ref()
            .map(|c| frequency_weights(data, c))
            .transpose()?;
        frame.clusters = self
            .clusters
            .iter()
            .map(|c| cluster_labels(data, c))
            .collect::<Result<_>>()?;
        Ok(frame)
    }
}

/// The frequency weights of `column`: whole numbers ≥ 1 (the rows of weight 0 are gone).
fn frequency_weights(data: &Dataset, column: &str) -> Result<Vec<f64>> {
    let w = finite(data, column)?;
    match w.iter().position(|&w| !is_frequency_weight(w)) {
        Some(i) => Err(data.bad_value(
            i + 1,
            column,
            "a frequency weight: a whole number of observations ≥ 0",
        )),
        None => Ok(w.to_vec()),
    }
}

fn level_indicator(data: &Dataset, column: &str, level: &str) -> Result<Vec<f64>> {
    let out: Vec<f64> = match data.column(column)? {
        Column::Text(v) => v
            .iter()
            .map(|s| f64::from(u8::from(s.trim() == level)))
            .collect(),
        Column::Numeric(v) => {
            let target: f64 = level.parse().map_err(|_| {
                data.bad_value(
                    1,
                    column,
                    &format!("the column is numeric; level '{level}' is not a number"),
                )
            })?;
            v.iter()
                .map(|x| f64::from(u8::from(*x == target)))
                .collect()
        }
    };
    if !out.contains(&1.0) {
        return Err(MleError::Design(format!(
            "{}: no row of column '{column}' equals '{level}'",
            data.source()
        )));
    }
    Ok(out)
}
