//! Reading a [`Dataset`] from a CSV file with a header row.

use std::path::Path;

use rayon::prelude::*;

use super::batches::{BATCH_BYTES, Batch, Batches, Locator, pieces_per_batch};
use super::dataset::{Column, Dataset, parse_number};
use super::missing::is_missing;
use super::records::{count_lines, leading_terminators};
use crate::alloc::reserve;
use crate::error::{MleError, Result};
use crate::output::write_with;
use std::io::Write;

/// A column while the file is read.
#[derive(Debug)]
enum Building {
    /// Numbers so far.
    Numeric(Vec<f64>),
    /// Text from the column's first cell on: every cell as it is in the file.
    Text(Vec<String>),
    /// Numbers, then text: the text of the earlier numbers is not kept, so the column is read
    /// again as text. Holds the number of cells.
    Mixed(usize),
    /// Not read (a second reading keeps the mixed columns only).
    Skip(usize),
}

impl Building {
    fn len(&self) -> usize {
        match self {
            Building::Numeric(v) => v.len(),
            Building::Text(v) => v.len(),
            Building::Mixed(n) | Building::Skip(n) => *n,
        }
    }

    /// An empty column, to be read as text if `text`, skipped if `skip`.
    fn new(text: bool, skip: bool) -> Self {
        match (skip, text) {
            (true, _) => Building::Skip(0),
            (false, true) => Building::Text(Vec::new()),
            (false, false) => Building::Numeric(Vec::new()),
        }
    }

    /// Room for `rows` more cells.
    fn reserve(&mut self, rows: usize) -> Result<()> {
        match self {
            Building::Numeric(v) => reserve(v, rows, "the columns read from the file"),
            Building::Text(v) => reserve(v, rows, "the columns read from the file"),
            Building::Mixed(_) | Building::Skip(_) => Ok(()),
        }
    }

    fn push(&mut self, cell: &str) {
        match self {
            Building::Numeric(values) => match parse_number(cell) {
                Some(v) => values.push(v),
                None if is_missing(cell) => values.push(f64::NAN),
                None if values.is_empty() => *self = Building::Text(vec![cell.to_string()]),
                None => *self = Building::Mixed(values.len() + 1),
            },
            Building::Text(text) => text.push(cell.to_string()),
            Building::Mixed(n) | Building::Skip(n) => *n += 1,
        }
    }

    /// The cells of the next piece of the same column.
    fn append(&mut self, next: Building) -> Result<()> {
        let n = self.len() + next.len();
        match (&mut *self, next) {
            (Building::Skip(k), _) => *k = n,
            (Building::Numeric(a), Building::Numeric(b)) => {
                reserve(a, b.len(), "the columns read from the file")?;
                a.extend(b);
            }
            (Building::Text(a), Building::Text(b)) => {
                reserve(a, b.len(), "the columns read from the file")?;
                a.extend(b);
            }
            (Building::Numeric(a), next) if a.is_empty() => *self = next,
            (_, Building::Numeric(b)) if b.is_empty() => {}
            _ => *self = Building::Mixed(n),
        }
        Ok(())
    }
}

/// Reads a comma-separated file with a header row.
///
/// Columns in which every cell is a number or missing ([`is_missing`](super::is_missing):
/// empty, `NA`, `NaN`, `nan`) become [`Column::Numeric`], missing cells as NaN; the others stay
/// text, every cell as it is in the file.
///
/// The file is read by the grammar of the `csv` crate: RFC 4180 (fields separated by commas,
/// quoted fields that may hold commas, line breaks and doubled quotes), records ending in
/// `\n`, `\r\n` or a bare `\r`, blank lines skipped, a UTF-8 byte-order mark skipped. It is read
/// in batches cut where records end and parsed in parallel pieces: plain pieces (no quote, no
/// bare `\r`) by a fast splitter, the others by the csv crate, with the same result as the csv
/// crate reading the whole file.
///
/// # Errors
/// [`MleError::Io`] when the file cannot be opened; [`MleError::Csv`] when it is empty, has no
/// data rows, has a row with a different number of fields (naming the line), an empty or repeated
/// header name, a record longer than [`MAX_RECORD_BYTES`](super::MAX_RECORD_BYTES), or is not
/// valid UTF-8; [`MleError::OutOfMemory`] when the columns do not fit in memory.
pub fn read_csv(path: impl AsRef<Path>) -> Result<Dataset> {
    read_csv_in(path.as_ref(), BATCH_BYTES, pieces_per_batch())
}

/// [`read_csv`] with batches of `batch_bytes` cut into `pieces` pieces.
pub(super) fn read_csv_in(path: &Path, batch_bytes: usize, pieces: usize) -> Result<Dataset> {
    let (headers, mut columns) = read_columns(path, batch_bytes, pieces, false, &|_| false)?;
    let mixed: Vec<bool> = columns
        .iter()
        .map(|c| matches!(c, Building::Mixed(_)))
        .collect();
    if mixed.contains(&true) {
        // read again, keeping the text of the mixed columns only
        let (_, again) = read_columns(path, batch_bytes, pieces, true, &|j| !mixed[j])?;
        for (j, column) in again.into_iter().enumerate() {
            if mixed[j] {
                columns[j] = column;
            }
        }
    }
    let at = Locator::new(path);
    let mut named = Vec::with_capacity(headers.len());
    for (h, c) in headers.into_iter().zip(columns) {
        let column = match c {
            Building::Numeric(v) => Column::Numeric(v),
            Building::Text(v) => Column::Text(v),
            Building::Mixed(_) | Building::Skip(_) => {
                return Err(at.message(format!("column '{h}' could not be read as text")));
            }
        };
        named.push((h, column));
    }
    let data = Dataset::new(path.display().to_string(), named).map_err(|e| match e {
        MleError::Design(m) => at.message(m.replace(&format!("{}: ", path.display()), "")),
        other => other,
    })?;
    if data.n_rows() == 0 {
        return Err(at.message("the file has a header but no data rows".into()));
    }
    Ok(data)
}

/// The header and the columns of the file, column `j` skipped where `skip(j)`, every cell read
/// as text if `text`.
fn read_columns(
    path: &Path,
    batch_bytes: usize,
    pieces: usize,
    text: bool,
    skip: &(dyn Fn(usize) -> bool + Sync),
) -> Result<(Vec<String>, Vec<Building>)> {
    let mut batches = Batches::with_batch_bytes(path, batch_bytes)?;
    let width = batches.headers().len();
    let fresh = || -> Vec<Building> { (0..width).map(|j| Building::new(text, skip(j))).collect() };
    let mut columns = fresh();
    let at = batches.locator().clone();
    while let Some(batch) = batches.next(pieces)? {
        for piece in parse_batch(&batch, &at, &fresh)? {
            for (column, part) in columns.iter_mut().zip(piece) {
                column.append(part)?;
            }
        }
    }
    Ok((batches.headers().to_vec(), columns))
}

/// The columns of one batch, piece by piece.
type Pieces = Vec<Vec<Building>>;

/// Parses a batch, in order, piece by piece in parallel: plain pieces by [`parse_plain`], the
/// others by the csv crate. Where several pieces fail, the error is the first in the file.
fn parse_batch(
    batch: &Batch<'_>,
    at: &Locator,
    fresh: &(dyn Fn() -> Vec<Building> + Sync),
) -> Result<Pieces> {
    batch
        .pieces
        .par_iter()
        .map(|p| {
            let mut columns = fresh();
            for c in &mut columns {
                // every record ends a line, or the piece
                c.reserve(p.lines + 1)?;
            }
            if p.plain {
                parse_plain(p.bytes, &mut columns, p.first_line)
            } else {
                parse_piece(p.bytes, &mut columns, p.first_line)
            }
            .map_err(|(line, message)| at.at(line, message))?;
            Ok(columns)
        })
        .collect::<Vec<Result<Vec<Building>>>>()
        .into_iter()
        .collect()
}

/// A parse error: the line and what is wrong.
type LineError = (usize, String);

fn ragged(line: usize, found: usize, width: usize) -> LineError {
    let message = format!("found {found} fields, expected {width} as in the header");
    (line, message)
}

/// As [`parse_piece`] for plain text ([`is_plain`](super::records::is_plain): no quote, no bare
/// `\r`), where a record is a line and fields are split at commas; a `\r` before the `\n` and
/// blank lines are ignored, as the csv crate does. A faster path for the common case, checked
/// against the csv crate in tests.
fn parse_plain(
    bytes: &[u8],
    columns: &mut [Building],
    first_line: usize,
) -> std::result::Result<(), LineError> {
    let width = columns.len();
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
            let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            let more = memchr::memchr_iter(b',', &rest[..end]).count();
            return Err(ragged(line, width + 1 + more, width));
        }
        columns[col].push(cell);
        col += 1;
        if b == b'\n' {
            if col != width {
                return Err(ragged(line, col, width));
            }
            line += 1;
            col = 0;
        }
    }
    Ok(())
}

/// Parses one piece of whole records whose first line is `first_line` of the file, with the
/// csv crate.
fn parse_piece(
    bytes: &[u8],
    columns: &mut [Building],
    first_line: usize,
) -> std::result::Result<(), LineError> {
    let width = columns.len();
    // a new reader skips a byte-order mark at the start of its input, but this piece is in the
    // middle of the file: it starts with a blank line, which the grammar skips
    let input = std::io::Read::chain(&b"\n"[..], bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    // the line of a record whose position the reader gives (before the blank lines it skipped)
    let line_of = |position: Option<&csv::Position>| {
        let from = position.map_or(0, |p| p.byte() as usize).saturating_sub(1);
        let from = from.min(bytes.len());
        let start = from + leading_terminators(&bytes[from..]);
        first_line + count_lines(&bytes[..start])
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                if record.len() != width {
                    return Err(ragged(line_of(record.position()), record.len(), width));
                }
                for (col, cell) in columns.iter_mut().zip(record.iter()) {
                    col.push(cell);
                }
            }
            Ok(false) => return Ok(()),
            Err(e) => return Err((line_of(e.position()), describe_csv_error(&e))),
        }
    }
}

/// A named numeric column, as [`write_csv`] takes it.
pub type NamedColumn = (String, Vec<f64>);

/// The shortest text that reads back as exactly `v`: plain decimals for magnitudes from 1e-5
/// to 1e16, scientific notation beyond (never the 300-digit decimals of `1e-300`).
///
/// # Examples
/// ```
/// use mle::data::shortest;
/// assert_eq!(shortest(0.25), "0.25");
/// assert_eq!(shortest(1e-300), "1e-300");
/// assert_eq!(shortest(-2.5e17), "-2.5e17");
/// assert_eq!(shortest(1e-300).parse::<f64>().unwrap(), 1e-300);
/// ```
pub fn shortest(v: f64) -> String {
    let magnitude = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-5..1e16).contains(&magnitude) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// Writes `columns` (equal-length, named) to `w` as CSV text with a header row, each number in
/// its [`shortest`] exact form and NaN (a missing value) as an empty cell (standard output,
/// say; [`write_csv`] writes files).
///
/// # Errors
/// The writer's errors; columns that differ in length as [`std::io::ErrorKind::InvalidInput`],
/// before anything is written.
pub fn write_csv_to(w: &mut dyn Write, columns: &[NamedColumn]) -> std::io::Result<()> {
    let n = same_lengths(columns)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    stream_csv(w, columns, n)
}

/// The common length of `columns`.
fn same_lengths(columns: &[NamedColumn]) -> Result<usize> {
    let n = columns.first().map_or(0, |c| c.1.len());
    match columns.iter().find(|(_, c)| c.len() != n) {
        Some((name, c)) => Err(MleError::Design(format!(
            "column '{name}' has {} values, the first has {n}",
            c.len()
        ))),
        None => Ok(n),
    }
}

/// Streams `n` rows of `columns` to `w` as CSV.
fn stream_csv(w: &mut dyn Write, columns: &[NamedColumn], n: usize) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(columns.iter().map(|(n, _)| n.as_str()))?;
    for i in 0..n {
        out.write_record(columns.iter().map(|(_, c)| {
            if c[i].is_nan() {
                String::new()
            } else {
                shortest(c[i])
            }
        }))?;
    }
    out.flush()
}

/// Writes `columns` as CSV ([`write_csv_to`]) to `path` by [`write_with`]: streamed,
/// atomically for a regular file, through a link, directly into a device or FIFO.
///
/// # Errors
/// [`MleError::Design`] when the columns differ in length; [`MleError::Write`] naming the path
/// and what failed.
pub fn write_csv(path: impl AsRef<Path>, columns: &[NamedColumn]) -> Result<()> {
    let n = same_lengths(columns)?;
    write_with(path.as_ref(), |w| stream_csv(w, columns, n))
}

/// What went wrong, without the position (the caller knows the line).
pub(super) fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
