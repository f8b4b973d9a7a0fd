//! Reading a [`Dataset`] from a CSV file with a header row.

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::dataset::{Column, Dataset};
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

fn parse_number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    if t.is_empty() { None } else { t.parse().ok() }
}

/// Bytes read per batch. Each batch is cut at its last record boundary and parsed in pieces on
/// rayon's pool, so memory holds one batch of text besides the columns.
const BATCH_BYTES: usize = 8 << 20;

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
    let io_error = |source| MleError::Io {
        path: path.to_path_buf(),
        source,
    };
    let csv_error = |message: String| MleError::Csv {
        path: path.to_path_buf(),
        message,
    };
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let mut buf = Vec::with_capacity(BATCH_BYTES + (1 << 16));
    let mut eof = fill(&mut file, &mut buf, BATCH_BYTES).map_err(io_error)?;
    // the header: the first record
    let header_end = loop {
        match record_end(&buf, 0) {
            Some(end) => break end,
            None if eof => break buf.len(),
            None => eof = fill(&mut file, &mut buf, BATCH_BYTES).map_err(io_error)?,
        }
    };
    let headers = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::Headers)
        .from_reader(&buf[..header_end])
        .headers()
        .map_err(|e| csv_error(format!("line 1: {}", describe_csv_error(&e))))?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(csv_error("the file is empty; expected a header row".into()));
    }
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(csv_error(format!("header field {} is empty", i + 1)));
        }
    }
    buf.drain(..header_end);
    let width = headers.len();
    let mut columns: Vec<Building> = (0..width).map(|_| Building::Numeric(Vec::new())).collect();
    // lines before the batch (the header is line 1)
    let mut lines_before = 1;
    loop {
        let cut = if eof {
            buf.len()
        } else {
            match last_record_end(&buf) {
                Some(cut) => cut,
                None => {
                    eof = fill(&mut file, &mut buf, BATCH_BYTES).map_err(io_error)?;
                    continue;
                }
            }
        };
        let (pieces, lines) = parse_batch(&buf[..cut], width, lines_before)
            .map_err(|(line, message)| csv_error(format!("line {line}: {message}")))?;
        for piece in pieces {
            for (column, part) in columns.iter_mut().zip(piece) {
                column.append(part);
            }
        }
        lines_before += lines;
        buf.drain(..cut);
        if eof && buf.is_empty() {
            break;
        }
        if !eof {
            eof = fill(&mut file, &mut buf, BATCH_BYTES).map_err(io_error)?;
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

/// Appends up to `more` bytes of `file` to `buf`; true when the file has ended.
fn fill(file: &mut impl Read, buf: &mut Vec<u8>, more: usize) -> std::io::Result<bool> {
    let want = more as u64;
    let got = file.take(want).read_to_end(buf)?;
    Ok((got as u64) < want)
}

/// The end (one past the `\n`) of the first record starting at `from`, skipping quoted line
/// breaks; `None` when the bytes end first.
fn record_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The end of the last complete record in `bytes`.
fn last_record_end(bytes: &[u8]) -> Option<usize> {
    if !bytes.contains(&b'"') {
        return bytes.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
    }
    let mut end = None;
    let mut from = 0;
    while let Some(e) = record_end(bytes, from) {
        end = Some(e);
        from = e;
    }
    end
}

fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// The columns of one batch.
type Pieces = Vec<Vec<Building>>;

/// Parses whole records, in order, in pieces cut at line breaks (one piece if a quote occurs),
/// and counts the batch's lines. An error carries its line number in the file.
fn parse_batch(
    bytes: &[u8],
    width: usize,
    lines_before: usize,
) -> std::result::Result<(Pieces, usize), (usize, String)> {
    let quoted = bytes.contains(&b'"');
    let n_pieces = if quoted {
        1
    } else {
        4 * rayon::current_num_threads()
    };
    let mut cuts = vec![0];
    for k in 1..n_pieces {
        let target = (bytes.len() * k / n_pieces).max(*cuts.last().unwrap_or(&0));
        if let Some(nl) = memchr::memchr(b'\n', &bytes[target..]) {
            cuts.push(target + nl + 1);
        }
    }
    cuts.push(bytes.len());
    cuts.dedup();
    let pieces: Vec<&[u8]> = cuts.windows(2).map(|w| &bytes[w[0]..w[1]]).collect();
    let mut next_line = lines_before + 1;
    let first_lines: Vec<usize> = pieces
        .iter()
        .map(|piece| {
            let first = next_line;
            next_line += count_lines(piece);
            first
        })
        .collect();
    let parsed = pieces
        .par_iter()
        .zip(first_lines)
        .map(|(piece, first_line)| {
            if quoted {
                parse_piece(piece, width, first_line)
            } else {
                parse_unquoted(piece, width, first_line)
            }
        })
        .collect::<std::result::Result<Pieces, _>>()?;
    Ok((parsed, next_line - lines_before - 1))
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
fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".into(),
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
