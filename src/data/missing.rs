//! Missing values: what counts as one, and what a model does with rows that have one.
//!
//! A cell is missing when it is empty or `NA`, `NaN` or `nan` (white space around it aside); a
//! numeric column holds such cells as NaN. A cell that is neither a number nor missing in a
//! numeric column stays an error.

use super::dataset::{Column, Dataset};
use crate::error::Result;

/// The cells that are missing values, besides the empty one.
pub const MISSING: [&str; 3] = ["NA", "NaN", "nan"];

/// Whether a cell of text is a missing value.
pub fn is_missing(cell: &str) -> bool {
    let t = cell.trim();
    t.is_empty() || MISSING.contains(&t)
}

/// What to do with rows that have a missing value in a column the model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Missing {
    /// Leave them out and count them (R's `na.omit`, statsmodels' `missing="drop"`).
    #[default]
    Drop,
    /// Refuse, naming the first row and column.
    Error,
}

/// The rows of `data` with a value in each of `columns` and, if some rows lack one, the
/// dataset of those columns at those rows.
pub(crate) struct Complete {
    /// The 0-based rows kept.
    pub(crate) rows: Vec<usize>,
    /// The rows left out.
    pub(crate) dropped: usize,
}

impl Missing {
    /// The rows of `data` complete in every one of `columns`.
    ///
    /// # Errors
    /// With [`Missing::Error`], [`crate::MleError::BadValue`] naming the first missing cell
    /// (by row, then by the order of `columns`); unknown columns.
    pub(crate) fn complete<S: AsRef<str>>(self, data: &Dataset, columns: &[S]) -> Result<Complete> {
        let n = data.n_rows();
        let mut ok = vec![true; n];
        let mut first: Option<(usize, &str)> = None;
        for name in columns {
            let name = name.as_ref();
            let missing: Box<dyn Fn(usize) -> bool + '_> = match data.column(name)? {
                Column::Numeric(v) => Box::new(move |i| v[i].is_nan()),
                Column::Text(v) => Box::new(move |i| is_missing(&v[i])),
            };
            for (i, keep) in ok.iter_mut().enumerate() {
                if missing(i) {
                    *keep = false;
                    if first.is_none_or(|(r, _)| i < r) {
                        first = Some((i, name));
                    }
                }
            }
        }
        if let (Missing::Error, Some((row, column))) = (self, first) {
            return Err(data.bad_value(
                row + 1,
                column,
                "missing value (--missing drop leaves such rows out)",
            ));
        }
        let rows: Vec<usize> = (0..n).filter(|&i| ok[i]).collect();
        Ok(Complete {
            dropped: n - rows.len(),
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_a_missing_cell_are_dropped_or_named() {
        let data = Dataset::new(
            "d.csv",
            vec![
                ("x".into(), Column::Numeric(vec![1.0, f64::NAN, 3.0, 4.0])),
                (
                    "g".into(),
                    Column::Text(vec!["a".into(), "b".into(), " NA".into(), "a".into()]),
                ),
                ("z".into(), Column::Numeric(vec![f64::NAN, 1.0, 1.0, 1.0])),
            ],
        )
        .unwrap();
        let c = Missing::Drop.complete(&data, &["x", "g"]).unwrap();
        assert_eq!((c.rows.as_slice(), c.dropped), (&[0, 3][..], 2));
        let e = Missing::Error
            .complete(&data, &["x", "g", "z"])
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("row 1, column 'z': missing value"), "{e}");
        // a selection names the rows of its source
        let kept = data.select(&["x"], &c.rows).unwrap();
        let e = kept.bad_value(2, "x", "m").to_string();
        assert!(e.contains("row 4"), "{e}");
        assert!(is_missing("") && is_missing(" nan ") && !is_missing("none"));
    }
}
