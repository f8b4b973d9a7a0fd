//! A CSV file read in batches of whole records after its header row, each cut at line breaks
//! into pieces to be parsed in parallel.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::csv::describe_csv_error;
use crate::error::{MleError, Result};

/// Bytes read per batch. Each batch is cut at its last record boundary and parsed in pieces on
/// rayon's pool, so memory holds one batch of text besides what is parsed from it.
pub(super) const BATCH_BYTES: usize = 8 << 20;

/// A CSV file after its header row, handed out in batches of whole records.
pub(super) struct Batches {
    path: PathBuf,
    file: File,
    headers: Vec<String>,
    buf: Vec<u8>,
    /// Bytes at the front of `buf` handed out by the last batch.
    used: usize,
    eof: bool,
    /// Lines of the file before the next batch (the header is line 1).
    lines_before: usize,
}

impl Batches {
    /// Opens `path` and reads its header row.
    ///
    /// # Errors
    /// [`MleError::Io`] when the file cannot be read; [`MleError::Csv`] when it is empty or a
    /// header name is empty.
    pub(super) fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|source| MleError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut batches = Self {
            path: path.to_path_buf(),
            file,
            headers: Vec::new(),
            buf: Vec::with_capacity(BATCH_BYTES + (1 << 16)),
            used: 0,
            eof: false,
            lines_before: 1,
        };
        batches.fill()?;
        // the header: the first record
        let header_end = loop {
            match record_end(&batches.buf, 0) {
                Some(end) => break end,
                None if batches.eof => break batches.buf.len(),
                None => batches.fill()?,
            }
        };
        let headers = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::Headers)
            .from_reader(&batches.buf[..header_end])
            .headers()
            .map_err(|e| batches.error((1, describe_csv_error(&e))))?
            .clone();
        if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
            return Err(batches.message("the file is empty; expected a header row".into()));
        }
        if let Some(i) = headers.iter().position(str::is_empty) {
            return Err(batches.message(format!("header field {} is empty", i + 1)));
        }
        batches.headers = headers.iter().map(String::from).collect();
        batches.used = header_end;
        Ok(batches)
    }

    /// The header's names, in order.
    pub(super) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The next batch of whole records, cut at line breaks into at most `pieces` pieces of about
    /// equal length; `None` after the last.
    ///
    /// # Errors
    /// [`MleError::Io`] when the file cannot be read.
    pub(super) fn next(&mut self, pieces: usize) -> Result<Option<Batch<'_>>> {
        self.buf.drain(..self.used);
        self.used = 0;
        // what the header left of the first read is most of a batch already
        if !self.eof && self.buf.len() < BATCH_BYTES / 2 {
            self.fill()?;
        }
        if self.buf.is_empty() {
            return Ok(None);
        }
        let cut = loop {
            if self.eof {
                break self.buf.len();
            }
            match last_record_end(&self.buf) {
                Some(cut) => break cut,
                None => self.fill()?,
            }
        };
        self.used = cut;
        let batch = Batch::new(&self.buf[..cut], pieces, self.lines_before + 1);
        self.lines_before += batch.pieces.iter().map(|p| p.lines).sum::<usize>();
        Ok(Some(batch))
    }

    /// A [`MleError::Csv`] about `line` of this file.
    pub(super) fn error(&self, (line, message): (usize, String)) -> MleError {
        self.message(format!("line {line}: {message}"))
    }

    /// A [`MleError::Csv`] about this file.
    pub(super) fn message(&self, message: String) -> MleError {
        MleError::Csv {
            path: self.path.clone(),
            message,
        }
    }

    /// Appends up to another batch of bytes to `buf`, noting when the file has ended.
    fn fill(&mut self) -> Result<()> {
        let want = BATCH_BYTES as u64;
        let got = (&mut self.file)
            .take(want)
            .read_to_end(&mut self.buf)
            .map_err(|source| MleError::Io {
                path: self.path.clone(),
                source,
            })?;
        self.eof = (got as u64) < want;
        Ok(())
    }
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
    if !has_quote(bytes) {
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

pub(super) fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// How many pieces a batch is cut into: a few per thread, so that threads finish together.
pub(super) fn pieces_per_batch() -> usize {
    4 * rayon::current_num_threads()
}

/// Whole records of a file.
pub(super) struct Batch<'a> {
    /// The records' bytes.
    pub bytes: &'a [u8],
    /// The number of the batch's first line in the file.
    pub first_line: usize,
    /// `bytes` cut at line breaks, in order.
    pub pieces: Vec<Piece<'a>>,
}

/// Whole lines of a [`Batch`].
pub(super) struct Piece<'a> {
    pub bytes: &'a [u8],
    /// The number of the first line in the file.
    pub first_line: usize,
    /// Line breaks in `bytes`.
    pub lines: usize,
}

impl<'a> Batch<'a> {
    /// `bytes` (whole lines, the first numbered `first_line`) cut at line breaks into at most
    /// `n` pieces of about equal length; the lines are counted in parallel.
    fn new(bytes: &'a [u8], n: usize, first_line: usize) -> Self {
        let mut cuts = vec![0];
        for k in 1..n {
            let target = (bytes.len() * k / n).max(*cuts.last().unwrap_or(&0));
            if let Some(nl) = memchr::memchr(b'\n', &bytes[target..]) {
                cuts.push(target + nl + 1);
            }
        }
        cuts.push(bytes.len());
        cuts.dedup();
        let counts: Vec<usize> = cuts
            .par_windows(2)
            .map(|w| count_lines(&bytes[w[0]..w[1]]))
            .collect();
        let mut next_line = first_line;
        let pieces = cuts
            .windows(2)
            .zip(counts)
            .map(|(w, lines)| {
                let piece = Piece {
                    bytes: &bytes[w[0]..w[1]],
                    first_line: next_line,
                    lines,
                };
                next_line += lines;
                piece
            })
            .collect();
        Self {
            bytes,
            first_line,
            pieces,
        }
    }
}

/// Whether `bytes` hold a double quote.
pub(super) fn has_quote(bytes: &[u8]) -> bool {
    memchr::memchr(b'"', bytes).is_some()
}
