//! A small typed table: named columns of numbers or text.

use crate::error::{MleError, Result};

/// One column of a [`Dataset`].
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Every cell parsed as a number (NaN and infinities included; designs reject them later).
    Numeric(Vec<f64>),
    /// At least one cell is not a number (or is empty).
    Text(Vec<String>),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Named columns of equal length, with the name of their source for error messages.
///
/// # Examples
/// ```
/// use mle::data::{Column, Dataset};
/// let data = Dataset::new(
///     "inline",
///     vec![
///         ("x".into(), Column::Numeric(vec![1.0, 2.0])),
///         ("kind".into(), Column::Text(vec!["a".into(), "b".into()])),
///     ],
/// )
/// .unwrap();
/// assert_eq!(data.n_rows(), 2);
/// assert_eq!(data.numeric("x").unwrap(), &[1.0, 2.0]);
/// assert!(data.numeric("kind").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Dataset {
    source: String,
    names: Vec<String>,
    columns: Vec<Column>,
    /// For a selection of rows ([`Dataset::select`]): each row's 0-based row in the source,
    /// so that messages name the row of the file.
    rows: Option<std::sync::Arc<Vec<usize>>>,
}

impl Dataset {
    /// A dataset from named columns.
    ///
    /// # Errors
    /// [`MleError::Design`] when the columns differ in length, a name repeats, or there are none.
    pub fn new(source: impl Into<String>, columns: Vec<(String, Column)>) -> Result<Self> {
        let source = source.into();
        if columns.is_empty() {
            return Err(MleError::Design(format!(
                "{source}: the data have no columns"
            )));
        }
        let n = columns[0].1.len();
        let mut names = Vec::with_capacity(columns.len());
        let mut cols = Vec::with_capacity(columns.len());
        for (name, col) in columns {
            if col.len() != n {
                return Err(MleError::Design(format!(
                    "{source}: column '{name}' has {} rows, the first column has {n}",
                    col.len()
                )));
            }
            if names.contains(&name) {
                return Err(MleError::Design(format!(
                    "{source}: the column name '{name}' appears twice"
                )));
            }
            names.push(name);
            cols.push(col);
        }
        Ok(Self {
            source,
            names,
            columns: cols,
            rows: None,
        })
    }

    /// The dataset of the named `columns` at the 0-based `rows` (in that order); errors about
    /// it still name the rows of the source. A text column whose kept cells are all numbers
    /// becomes numeric, as a reader would have made it had the other rows not been there.
    ///
    /// # Errors
    /// [`MleError::UnknownColumn`].
    pub fn select<S: AsRef<str>>(&self, columns: &[S], rows: &[usize]) -> Result<Self> {
        let mut picked: Vec<(String, Column)> = Vec::with_capacity(columns.len());
        for name in columns {
            let name = name.as_ref();
            if picked.iter().any(|(n, _)| n == name) {
                continue;
            }
            let column = match self.column(name)? {
                Column::Numeric(v) => Column::Numeric(rows.iter().map(|&i| v[i]).collect()),
                Column::Text(v) => {
                    // the rule of the readers: a column is numeric when its every cell is a
                    // number, here every cell of the rows kept
                    let numbers: Option<Vec<f64>> =
                        rows.iter().map(|&i| parse_number(&v[i])).collect();
                    match numbers {
                        Some(x) if !rows.is_empty() => Column::Numeric(x),
                        _ => Column::Text(rows.iter().map(|&i| v[i].clone()).collect()),
                    }
                }
            };
            picked.push((name.to_string(), column));
        }
        let source_rows = rows.iter().map(|&i| self.source_row(i)).collect();
        Ok(Self {
            source: self.source.clone(),
            names: picked.iter().map(|(n, _)| n.clone()).collect(),
            columns: picked.into_iter().map(|(_, c)| c).collect(),
            rows: Some(std::sync::Arc::new(source_rows)),
        })
    }

    /// The 0-based row of the source that row `i` is.
    pub fn source_row(&self, i: usize) -> usize {
        self.rows.as_ref().map_or(i, |r| r[i])
    }

    /// Where the data came from (a file path, or a label).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Column names in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column called `name`.
    ///
    /// # Errors
    /// [`MleError::UnknownColumn`] listing the columns that exist.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
            .ok_or_else(|| MleError::UnknownColumn {
                source_name: self.source.clone(),
                column: excerpt(name),
                available: list_names(&self.names),
            })
    }

    /// The numeric column called `name`.
    ///
    /// # Errors
    /// [`MleError::UnknownColumn`], or [`MleError::BadValue`] naming the first row that is not a
    /// number (or is empty).
    pub fn numeric(&self, name: &str) -> Result<&[f64]> {
        match self.column(name)? {
            Column::Numeric(v) => Ok(v),
            Column::Text(v) => {
                let (row, cell) = v
                    .iter()
                    .enumerate()
                    .find(|(_, s)| parse_number(s).is_none() && !super::missing::is_missing(s))
                    .map(|(i, s)| (i + 1, s.as_str()))
                    .unwrap_or((1, ""));
                Err(self.bad_value(row, name, &describe_non_number(cell)))
            }
        }
    }

    /// An error about the cell at 1-based data `row` of `column`.
    pub fn bad_value(&self, row: usize, column: &str, message: &str) -> MleError {
        MleError::BadValue {
            source_name: self.source.clone(),
            row: self.source_row(row.saturating_sub(1)) + 1,
            column: column.to_string(),
            message: message.to_string(),
        }
    }
}

/// Names for a message: each an [`excerpt`], the first twenty, and how many more.
pub(crate) fn list_names(names: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut list: Vec<String> = names.iter().take(SHOWN).map(|n| excerpt(n)).collect();
    if names.len() > SHOWN {
        list.push(format!("… and {} more", names.len() - SHOWN));
    }
    list.join(", ")
}

/// The number in a cell: its text without surrounding white space, in Rust's syntax for `f64`
/// (`1`, `-2.5e-3`, `.5`, `inf`, `NaN`), correctly rounded; `None` for anything else, empty
/// cells included.
pub(crate) fn parse_number(cell: &str) -> Option<f64> {
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    // most cells need no trimming: they begin and end with a visible ASCII character
    let bytes = cell.as_bytes();
    let t = if visible(bytes.first()) && visible(bytes.last()) {
        cell
    } else {
        cell.trim()
    };
    if t.is_empty() {
        None
    } else {
        fast_float2::parse(t).ok()
    }
}

/// What to say about a cell that should have been a number.
pub(crate) fn describe_non_number(cell: &str) -> String {
    if cell.trim().is_empty() {
        "missing value; expected a number".to_string()
    } else {
        format!("expected a number, found '{}'", excerpt(cell))
    }
}

/// Characters of a cell or name quoted in a message, at most.
const EXCERPT_CHARS: usize = 40;

/// `text` as a message quotes it: control characters escaped (`\n`, `\u{0}`), and cut to its
/// first [`EXCERPT_CHARS`] characters, with its length, when longer.
pub(crate) fn excerpt(text: &str) -> String {
    let escape = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_debug().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let count = text.chars().count();
    if count <= EXCERPT_CHARS {
        return escape(text);
    }
    let head: String = text.chars().take(EXCERPT_CHARS - 8).collect();
    format!("{}… ({count} characters)", escape(&head))
}

#[cfg(test)]
mod tests {
    use super::{excerpt, list_names, parse_number};

    #[test]
    fn messages_quote_short_excerpts() {
        assert_eq!(excerpt("abc"), "abc");
        assert_eq!(excerpt("a\nb\0"), "a\\nb\\0");
        let long = "9".repeat(10_000_000) + "x";
        let e = excerpt(&long);
        assert!(e.len() < 80 && e.ends_with("(10000001 characters)"), "{e}");
        let names: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        assert!(list_names(&names).ends_with("c19, … and 5 more"));
    }
    use proptest::prelude::*;

    /// The reference is the standard library's `f64::from_str` on the trimmed cell.
    fn std_parse(cell: &str) -> Option<f64> {
        cell.trim().parse().ok()
    }

    fn same(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (a, b) => a.is_none() && b.is_none(),
        }
    }

    #[test]
    fn cells_read_as_the_standard_library_reads_them() {
        for cell in [
            "1",
            "-2.5e-3",
            ".5",
            "5.",
            "+1",
            "1e",
            "e5",
            "1e+5",
            "1E5",
            "0x10",
            "1_000",
            "inf",
            "-Infinity",
            "NaN",
            "nan",
            "1.5.2",
            "--1",
            "1e400",
            "-1e-400",
            "4.9e-324",
            "2.2250738585072011e-308",
            "9007199254740993",
            "0.1000000000000000055511151231257827",
            " 3 ",
            "\t-3\r",
            "\u{a0}4\u{2003}",
            "",
            "  ",
            "1 2",
            "١",
            "3,5",
        ] {
            assert!(
                same(parse_number(cell), std_parse(cell)),
                "{cell:?}: {:?} vs {:?}",
                parse_number(cell),
                std_parse(cell)
            );
        }
    }

    proptest! {
        #[test]
        fn every_float_reads_back_as_the_standard_library_reads_it(bits in any::<u64>(), digits in 0usize..20) {
            let v = f64::from_bits(bits);
            for cell in [v.to_string(), format!("{v:e}"), format!("{v:.digits$}"), format!("{v:.digits$e}")] {
                prop_assert!(same(parse_number(&cell), std_parse(&cell)), "{}", cell);
            }
        }
    }
}
