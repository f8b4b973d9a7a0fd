//! Reading a [`Dataset`] from a CSV file with a header row.

use std::path::Path;

use super::dataset::{Column, Dataset};
use crate::error::{MleError, Result};

/// A column while the file is read: numbers until the first cell that is not one.
enum Building {
    Numeric(Vec<f64>),
    Text(Vec<String>),
}

impl Building {
    fn push(&mut self, cell: &str) {
        match self {
            Building::Numeric(values) => match parse_number(cell) {
                Some(v) => values.push(v),
                None => {
                    // Keep the earlier cells as text; f64's Display is the shortest exact form.
                    let mut text: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                    text.push(cell.to_string());
                    *self = Building::Text(text);
                }
            },
            Building::Text(values) => values.push(cell.to_string()),
        }
    }
}

fn parse_number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    if t.is_empty() { None } else { t.parse().ok() }
}

/// Reads a comma-separated file with a header row.
///
/// Columns in which every cell is a number become [`Column::Numeric`]; the others stay text.
/// Empty cells make a column text, so that asking for it as a number names the missing cell.
///
/// # Errors
/// [`MleError::Io`] when the file cannot be opened; [`MleError::Csv`] when it is empty, has no
/// data rows, has a row with a different number of fields (naming the line), an empty or repeated
/// header name, or is not valid UTF-8.
pub fn read_csv(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|source| MleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let csv_error = |message: String| MleError::Csv {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::Headers)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let headers = reader
        .headers()
        .map_err(|e| csv_error(describe_csv_error(&e)))?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(csv_error("the file is empty; expected a header row".into()));
    }
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(csv_error(format!("header field {} is empty", i + 1)));
        }
    }
    let mut columns: Vec<Building> = (0..headers.len())
        .map(|_| Building::Numeric(Vec::new()))
        .collect();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                for (col, cell) in columns.iter_mut().zip(record.iter()) {
                    col.push(cell);
                }
            }
            Ok(false) => break,
            Err(e) => return Err(csv_error(describe_csv_error(&e))),
        }
    }
    let named = headers
        .iter()
        .zip(columns)
        .map(|(h, c)| {
            let column = match c {
                Building::Numeric(v) => Column::Numeric(v),
                Building::Text(v) => Column::Text(v),
            };
            (h.to_string(), column)
        })
        .collect();
    let data = Dataset::new(path.display().to_string(), named).map_err(|e| match e {
        MleError::Design(m) => csv_error(m.replace(&format!("{}: ", path.display()), "")),
        other => other,
    })?;
    if data.n_rows() == 0 {
        return Err(csv_error("the file has a header but no data rows".into()));
    }
    Ok(data)
}

/// A named numeric column, as [`write_csv`] takes it.
pub type NamedColumn = (String, Vec<f64>);

/// Writes `columns` (equal-length, named) as a CSV file with a header row, atomically.
///
/// # Errors
/// [`MleError::Io`] naming the path.
pub fn write_csv(path: impl AsRef<Path>, columns: &[NamedColumn]) -> Result<()> {
    let path = path.as_ref();
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| MleError::Csv {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    w.write_record(columns.iter().map(|(n, _)| n.as_str()))
        .map_err(fail)?;
    let n = columns.first().map_or(0, |c| c.1.len());
    for i in 0..n {
        // Rust's Display for f64 is the shortest string that reads back to the same number
        w.write_record(columns.iter().map(|(_, c)| c[i].to_string()))
            .map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| MleError::Csv {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    crate::persist::write_atomic(path, &bytes)
}

fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let line = pos.as_ref().map_or(0, csv::Position::line);
            format!("line {line}: found {len} fields, expected {expected_len} as in the header")
        }
        csv::ErrorKind::Utf8 { pos, .. } => {
            let line = pos.as_ref().map_or(0, csv::Position::line);
            format!("line {line}: not valid UTF-8 text")
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(content: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        f
    }

    #[test]
    fn numbers_and_text() {
        let f = write("a,b,c\n1,x,2.5\n2,y,\n");
        let d = read_csv(f.path()).unwrap();
        assert_eq!(d.numeric("a").unwrap(), &[1.0, 2.0]);
        assert!(matches!(d.column("b").unwrap(), Column::Text(_)));
        let err = d.numeric("c").unwrap_err().to_string();
        assert!(
            err.contains("row 2") && err.contains("'c'") && err.contains("missing"),
            "{err}"
        );
    }

    #[test]
    fn text_after_numbers_names_the_row() {
        let f = write("a\n1\n2\nabc\n");
        let d = read_csv(f.path()).unwrap();
        let err = d.numeric("a").unwrap_err().to_string();
        assert!(err.contains("row 3") && err.contains("'abc'"), "{err}");
    }

    #[test]
    fn ragged_rows_name_the_line() {
        let f = write("a,b\n1,2\n3\n");
        let err = read_csv(f.path()).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("1 fields"), "{err}");
    }

    #[test]
    fn empty_and_missing_files() {
        let f = write("");
        assert!(
            read_csv(f.path())
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        let f = write("a,b\n");
        assert!(
            read_csv(f.path())
                .unwrap_err()
                .to_string()
                .contains("no data rows")
        );
        let err = read_csv("/no/such/file.csv").unwrap_err().to_string();
        assert!(err.contains("/no/such/file.csv"), "{err}");
    }
}
