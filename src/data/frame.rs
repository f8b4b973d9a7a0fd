//! What a model takes from a dataset: how its response, trials and offset are read
//! ([`ResponseSpec`], [`TrialsSpec`], [`OffsetSpec`]) and the frame they make with the design
//! ([`ModelFrame`]).

use super::csv::shortest;
use std::collections::HashMap;

use super::dataset::{Column, Dataset};
use super::design::{Design, finite};
use crate::error::{MleError, Result};

/// How the response is read from a [`Dataset`].
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseSpec {
    /// A numeric column, used as it is.
    Column(String),
    /// A column compared with one level: 1 where it equals `level`, else 0 (`species = setosa`).
    Level {
        /// The column (text or numeric).
        column: String,
        /// The level that counts as 1.
        level: String,
    },
}

impl ResponseSpec {
    /// Parses `COLUMN` or `COLUMN=LEVEL`.
    pub fn parse(s: &str) -> Self {
        match s.split_once('=') {
            Some((c, l)) => ResponseSpec::Level {
                column: c.trim().into(),
                level: l.trim().into(),
            },
            None => ResponseSpec::Column(s.trim().into()),
        }
    }

    /// The column the response is read from.
    pub fn column(&self) -> &str {
        match self {
            ResponseSpec::Column(c) | ResponseSpec::Level { column: c, .. } => c,
        }
    }
}

/// Number of trials per row, for binomial data.
#[derive(Debug, Clone, PartialEq)]
pub enum TrialsSpec {
    /// A column of trial counts.
    Column(String),
    /// The same number of trials for every row.
    Constant(f64),
}

/// An offset added to the linear predictor: a column as it is, or the logarithm of an exposure
/// column (counts per unit of time or population, with the log link).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetSpec {
    /// The column's values.
    Column(String),
    /// The logarithm of the column's values, which must be positive.
    Exposure(String),
}

impl OffsetSpec {
    /// The column it is read from.
    pub fn column(&self) -> &str {
        match self {
            OffsetSpec::Column(c) | OffsetSpec::Exposure(c) => c,
        }
    }

    /// The offset of the rows of `data`.
    ///
    /// # Errors
    /// [`MleError::UnknownColumn`]; [`MleError::BadValue`] naming the row for a value that is
    /// not finite or an exposure that is not positive.
    pub fn read(&self, data: &Dataset) -> Result<Vec<f64>> {
        let values = finite(data, self.column())?;
        match self {
            OffsetSpec::Column(_) => Ok(values.to_vec()),
            OffsetSpec::Exposure(c) => {
                if let Some(i) = values.iter().position(|v| *v <= 0.0) {
                    return Err(data.bad_value(
                        i + 1,
                        c,
                        &format!(
                            "an exposure must be positive, found {}",
                            shortest(values[i])
                        ),
                    ));
                }
                Ok(values.iter().map(|v| v.ln()).collect())
            }
        }
    }
}

/// The parts of a model that come from a dataset: design, response, (binomial) trials and an
/// offset.
#[derive(Debug, Clone)]
pub struct ModelFrame {
    /// The design matrix.
    pub design: Design,
    /// The response column's name (with `=LEVEL` if it was made from a level).
    pub response_name: String,
    /// The response values.
    pub response: Vec<f64>,
    /// Trials per row, when asked for.
    pub trials: Option<Vec<f64>>,
    /// The offset per row (the logarithm of the exposure), when asked for.
    pub offset: Option<Vec<f64>>,
    /// Where the offset came from.
    pub offset_spec: Option<OffsetSpec>,
    /// A cluster label per row for each way of clustering asked for (for cluster-robust
    /// covariances; two for two-way): each column's distinct values numbered in order of
    /// appearance.
    pub clusters: Vec<Vec<u64>>,
    /// The formula with the coding learnt on these data, to code new data the same way.
    pub terms: Option<super::Terms>,
    /// Frequency weights per row (whole numbers ≥ 1: row `i` stands for `wᵢ` observations),
    /// when asked for.
    pub weights: Option<Vec<f64>>,
    /// Rows of the data left out: for a missing value in a column the model uses, or for a
    /// frequency weight of 0.
    pub n_dropped: usize,
}

impl ModelFrame {
    /// A frame whose design has no more columns than rows.
    pub(super) fn new(
        source: &str,
        design: Design,
        response_name: String,
        response: Vec<f64>,
        trials: Option<Vec<f64>>,
    ) -> Result<Self> {
        if design.n_cols() > design.n_rows() {
            return Err(MleError::Design(format!(
                "{source}: {} parameters but only {} {}; the model cannot be identified",
                design.n_cols(),
                design.n_rows(),
                if design.n_rows() == 1 { "row" } else { "rows" }
            )));
        }
        Ok(Self {
            design,
            response_name,
            response,
            trials,
            offset: None,
            offset_spec: None,
            clusters: Vec::new(),
            terms: None,
            weights: None,
            n_dropped: 0,
        })
    }

    /// The frame with its design's aliased columns dropped ([`Design::without_aliased`]), and
    /// those columns: R's coefficients "not defined because of singularities".
    pub fn without_aliased(self) -> (Self, Vec<super::Alias>) {
        let (design, aliased) = self.design.without_aliased();
        (Self { design, ..self }, aliased)
    }
}

/// Whether `w` can be a frequency weight: a whole number of observations, at least 1 (and
/// below 2⁵³, where every `f64` is whole and counts stop being exact).
pub fn is_frequency_weight(w: f64) -> bool {
    (1.0..9_007_199_254_740_992.0).contains(&w) && w.fract() == 0.0
}

/// The observations that `rows` rows stand for: `Σwᵢ` with frequency weights, else `rows`.
pub fn observations(rows: usize, weights: Option<&[f64]>) -> usize {
    weights.map_or(rows, |w| w.iter().sum::<f64>() as usize)
}

/// The cluster label of each row of `column` in `data`: its distinct values (numbers or text)
/// numbered in order of first appearance.
///
/// # Errors
/// [`MleError::BadValue`] naming the first row whose cell is empty or not a finite number in a
/// numeric column.
pub(super) fn cluster_labels(data: &Dataset, column: &str) -> Result<Vec<u64>> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut label = |key: String| {
        let next = seen.len() as u64;
        *seen.entry(key).or_insert(next)
    };
    match data.column(column)? {
        Column::Numeric(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| {
                if x.is_finite() {
                    // one key per value: -0 and 0 alike
                    Ok(label(format!("{}", x + 0.0)))
                } else {
                    Err(data.bad_value(i + 1, column, "a cluster label (not empty, finite)"))
                }
            })
            .collect(),
        Column::Text(v) => v
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if s.trim().is_empty() {
                    Err(data.bad_value(i + 1, column, "a cluster label (not empty)"))
                } else {
                    Ok(label(s.clone()))
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels are numbered by first appearance, text and numbers alike; an empty or
    /// non-finite label names its row.
    #[test]
    fn cluster_labels_number_distinct_values() {
        let data = Dataset::new(
            "d",
            vec![
                (
                    "firm".into(),
                    Column::Text(vec!["b".into(), "a".into(), "b".into(), "c".into()]),
                ),
                ("year".into(), Column::Numeric(vec![2.0, 1.0, 2.0, -0.0])),
                (
                    "gap".into(),
                    Column::Text(vec!["x".into(), " ".into(), "x".into(), "y".into()]),
                ),
                ("bad".into(), Column::Numeric(vec![1.0, f64::NAN, 1.0, 2.0])),
            ],
        )
        .unwrap();
        assert_eq!(cluster_labels(&data, "firm").unwrap(), vec![0, 1, 0, 2]);
        assert_eq!(cluster_labels(&data, "year").unwrap(), vec![0, 1, 0, 2]);
        let e = cluster_labels(&data, "gap").unwrap_err().to_string();
        assert!(e.contains("row 2") && e.contains("gap"), "{e}");
        let e = cluster_labels(&data, "bad").unwrap_err().to_string();
        assert!(e.contains("row 2") && e.contains("bad"), "{e}");
    }
}
