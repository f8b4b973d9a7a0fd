//! Reading a [`Dataset`] from a CSV file with a header row.

use std::path::Path;

use rayon::prelude::*;

use super::batches::{Batch, Batches, count_lines, has_quote, pieces_per_batch};
use super::dataset::{Column, Dataset, parse_number};
use crate::error::{MleError, Result};

/// A column while the file is read: numbers until the first cell that is not one.
#[derive(Debug)]
enum Building {
    Numeric(Vec<f64>),
    Text(Vec<String>),
}

impl Building {
    fn push(&mut self, cell: &str) {
        if let Building::Numeric(values) = self
            && let Some(v) = parse_number(cell)
        {
            values.push(v);
            return;
        }
        self.text().push(cell.to_string());
    }

    /// The column as text, converting it if it was numeric so far (f64's Display is the shortest
    /// exact form of each earlier cell).
    fn text(&mut self) -> &mut Vec<String> {
        if let Building::Numeric(values) = self {
            *self = Building::Text(values.iter().map(f64::to_string).collect());
        }
        match self {
            Building::Text(text) => text,
            Building::Numeric(_) => unreachable!("converted above"),
        }
    }

    /// The cells of the next piece of the same column.
    fn append(&mut self, next: Building) {
        match (&mut *self, next) {
            (Building::Numeric(a), Building::Numeric(b)) => a.extend(b),
            (_, Building::Numeric(b)) => self.text().extend(b.iter().map(f64::to_string)),
            (_, Building::Text(b)) => self.text().extend(b),
        }
    }
}

/// Reads a comma-separated file with a header row.
///
/// Columns in which every cell is a number become [`Column::Numeric`]; the others stay text.
/// Empty cells make a column text, so that asking for it as a number names the missing cell.
/// The file is read in batches parsed in parallel (a batch with a quoted field is parsed in one
/// piece, since a quote may hide a line break).
///
/// # Errors
/// [`MleError::Io`] when the file cannot be opened; [`MleError::Csv`] when it is empty, has no
/// data rows, has a row with a different number of fields (naming the line), an empty or repeated
/// header name, or is not valid UTF-8.
pub fn read_csv(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let mut batches = Batches::open(path)?;
    let width = batches.headers().len();
    let mut columns: Vec<Building> = (0..width).map(|_| Building::Numeric(Vec::new())).collect();
    while let Some(batch) = batches.next(pieces_per_batch())? {
        let pieces = parse_batch(&batch, width).map_err(|e| batches.error(e))?;
        for piece in pieces {
            for (column, part) in columns.iter_mut().zip(piece) {
                column.append(part);
            }
        }
    }
    let named = batches
        .headers()
        .iter()
        .zip(columns)
        .map(|(h, c)| {
            let column = match c {
                Building::Numeric(v) => Column::Numeric(v),
                Building::Text(v) => Column::Text(v),
            };
            (h.clone(), column)
        })
        .collect();
    let data = Dataset::new(path.display().to_string(), named).map_err(|e| match e {
        MleError::Design(m) => batches.message(m.replace(&format!("{}: ", path.display()), "")),
        other => other,
    })?;
    if data.n_rows() == 0 {
        return Err(batches.message("the file has a header but no data rows".into()));
    }
    Ok(data)
}

/// The columns of one batch.
type Pieces = Vec<Vec<Building>>;

/// Parses a batch, in order, piece by piece in parallel (in one piece if a quote occurs: it may
/// hide a line break). An error carries its line number in the file.
fn parse_batch(batch: &Batch<'_>, width: usize) -> std::result::Result<Pieces, (usize, String)> {
    if batch.pieces.par_iter().any(|p| has_quote(p.bytes)) {
        return Ok(vec![parse_piece(batch.bytes, width, batch.first_line)?]);
    }
    batch
        .pieces
        .par_iter()
        .map(|p| parse_unquoted(p.bytes, width, p.first_line))
        .collect()
}

/// As [`parse_piece`] for text without quotes, where a record is a line and fields are split at
/// commas (RFC 4180 without quoting; a `\r` before the `\n` and blank lines are ignored, as the
/// csv crate does): a faster path for the common case, checked against the csv crate in tests.
fn parse_unquoted(
    bytes: &[u8],
    width: usize,
    first_line: usize,
) -> std::result::Result<Vec<Building>, (usize, String)> {
    let mut columns: Vec<Building> = (0..width).map(|_| Building::Numeric(Vec::new())).collect();
    let ragged = |line: usize, found: usize| {
        let message = format!("found {found} fields, expected {width} as in the header");
        (line, message)
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = first_line + count_lines(&bytes[..e.valid_up_to()]);
        (line, "not valid UTF-8 text".to_string())
    })?;
    let (mut line, mut start, mut col) = (first_line, 0, 0);
    // one scan: a cell ends at a comma, a line break or the end of the piece
    let ends = memchr::memchr2_iter(b',', b'\n', bytes).chain(std::iter::once(bytes.len()));
    for i in ends {
        let b = bytes.get(i).copied().unwrap_or(b'\n');
        // cells end at ASCII bytes, so every slice of `text` below is on a char boundary
        let mut cell = &text[start..i];
        start = i + 1;
        if b == b'\n' {
            cell = cell.strip_suffix('\r').unwrap_or(cell);
            if col == 0 && cell.is_empty() {
                // a blank line
                line += 1;
                continue;
            }
        }
        if col == width {
            // one cell too many: count the rest of the line's cells for the message
            let rest = &bytes[i..];
            let end = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            let more = rest[..end].iter().filter(|&&c| c == b',').count();
            return Err(ragged(line, width + 1 + more));
        }
        columns[col].push(cell);
        col += 1;
        if b == b'\n' {
            if col != width {
                return Err(ragged(line, col));
            }
            line += 1;
            col = 0;
        }
    }
    Ok(columns)
}

/// Parses one piece of whole records whose first line is `first_line` of the file.
fn parse_piece(
    bytes: &[u8],
    width: usize,
    first_line: usize,
) -> std::result::Result<Vec<Building>, (usize, String)> {
    let mut columns: Vec<Building> = (0..width).map(|_| Building::Numeric(Vec::new())).collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                if record.len() != width {
                    let line = record.position().map_or(1, csv::Position::line);
                    return Err((
                        first_line + line as usize - 1,
                        format!(
                            "found {} fields, expected {width} as in the header",
                            record.len()
                        ),
                    ));
                }
                for (col, cell) in columns.iter_mut().zip(record.iter()) {
                    col.push(cell);
                }
            }
            Ok(false) => return Ok(columns),
            Err(e) => {
                let line = e.position().map_or(1, csv::Position::line);
                return Err((first_line + line as usize - 1, describe_csv_error(&e)));
            }
        }
    }
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

/// What went wrong, without the position (the caller knows the line).
pub(super) fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::batches::BATCH_BYTES;
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

    /// More than one batch, parsed in parallel pieces: every value in its place, and a ragged
    /// row deep in the file reported at its own line.
    #[test]
    fn large_files_keep_order_and_line_numbers() {
        let rows = 700_000; // ≈ 10 MB: two batches
        let mut text = String::from("i,half\n");
        for i in 0..rows {
            text.push_str(&format!("{i},{}\n", i as f64 / 2.0));
        }
        assert!(text.len() > BATCH_BYTES);
        let d = read_csv(write(&text).path()).unwrap();
        let i = d.numeric("i").unwrap();
        let half = d.numeric("half").unwrap();
        assert_eq!(i.len(), rows);
        assert!(i.iter().enumerate().all(|(k, v)| *v == k as f64));
        assert!(half.iter().enumerate().all(|(k, v)| *v == k as f64 / 2.0));
        // row 600000 (0-based 599999) sits on line 600001 of the file
        let ragged = text.replacen("599999,299999.5\n", "599999\n", 1);
        let err = read_csv(write(&ragged).path()).unwrap_err().to_string();
        assert!(
            err.contains("line 600001") && err.contains("1 fields"),
            "{err}"
        );
    }

    /// The unquoted fast path reads what the csv crate reads: CRLF, blank lines, spaces, empty
    /// and text cells, and reports a ragged row at the same line with the same words.
    #[test]
    fn fast_path_agrees_with_the_csv_crate() {
        let text = b"1,a, 2.5\r\n\n3,b,-4e-3\r\n5,,6\n7,c,8";
        let fast = parse_unquoted(text, 3, 2).unwrap();
        let slow = parse_piece(text, 3, 2).unwrap();
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        for bad in [&b"1,2,3\n4,5\n"[..], b"1,2,3\n4,5,6,7\n"] {
            assert_eq!(
                parse_unquoted(bad, 3, 2).unwrap_err(),
                parse_piece(bad, 3, 2).unwrap_err()
            );
        }
        // after a blank line the fast path names the line an editor shows (the csv crate's
        // position skips blank lines)
        assert_eq!(parse_unquoted(b"1,2,3\n\n4,5\n", 3, 2).unwrap_err().0, 4);
    }

    #[test]
    fn quoted_line_breaks_stay_in_their_field() {
        let f = write("name,x\n\"two\nlines\",1\nplain,2\n");
        let d = read_csv(f.path()).unwrap();
        assert_eq!(d.numeric("x").unwrap(), &[1.0, 2.0]);
        match d.column("name").unwrap() {
            Column::Text(v) => assert_eq!(v[0], "two\nlines"),
            Column::Numeric(_) => panic!("text expected"),
        }
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
