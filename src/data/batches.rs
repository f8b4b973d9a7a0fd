//! A CSV file read in batches of whole records after its header row, each cut where a record
//! ends into pieces to be parsed in parallel. Where records end is decided by [`super::records`]
//! alone, so that a quote, a quoted line break or a bare carriage return never shifts a
//! boundary.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::csv::describe_csv_error;
use super::records::{BOM, Quoted, count_lines, is_plain, leading_terminators};
use crate::error::{MleError, Result};

/// Bytes read per batch. Each batch is cut at its last record boundary and parsed in pieces on
/// rayon's pool, so memory holds one batch of text besides what is parsed from it.
pub(super) const BATCH_BYTES: usize = 8 << 20;

/// The longest record read: a longer one is reported (it is almost always an unclosed quote
/// that would otherwise swallow the rest of the file).
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// Names a line of a file in errors.
#[derive(Debug, Clone)]
pub(super) struct Locator {
    path: PathBuf,
}

impl Locator {
    pub(super) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
        }
    }

    /// A [`MleError::Csv`] about `line` of the file.
    pub(super) fn at(&self, line: usize, message: impl std::fmt::Display) -> MleError {
        self.message(format!("line {line}: {message}"))
    }

    /// A [`MleError::Csv`] about the file.
    pub(super) fn message(&self, message: String) -> MleError {
        MleError::Csv {
            path: self.path.clone(),
            message,
        }
    }

    /// A [`MleError::Io`] about reading the file.
    fn io(&self, source: std::io::Error) -> MleError {
        MleError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

/// A CSV file after its header row, handed out in batches of whole records.
pub(super) struct Batches {
    at: Locator,
    file: File,
    headers: Vec<String>,
    buf: Vec<u8>,
    /// Bytes at the front of `buf` handed out by the last batch.
    used: usize,
    eof: bool,
    /// The number of the line the next batch starts on.
    next_line: usize,
    /// Bytes read at a time.
    batch_bytes: usize,
}

impl Batches {
    /// Opens `path` and reads its header row.
    ///
    /// # Errors
    /// [`MleError::Io`] when the file cannot be read; [`MleError::Csv`] when it is empty, a
    /// header name is empty, or the header is longer than [`MAX_RECORD_BYTES`].
    pub(super) fn open(path: &Path) -> Result<Self> {
        Self::with_batch_bytes(path, BATCH_BYTES)
    }

    /// As [`Batches::open`], reading `batch_bytes` at a time (small in tests, to put batch and
    /// piece boundaries everywhere).
    pub(super) fn with_batch_bytes(path: &Path, batch_bytes: usize) -> Result<Self> {
        let at = Locator::new(path);
        let file = File::open(path).map_err(|e| at.io(e))?;
        let mut batches = Self {
            at,
            file,
            headers: Vec::new(),
            buf: Vec::new(),
            used: 0,
            eof: false,
            next_line: 1,
            batch_bytes: batch_bytes.max(1),
        };
        batches.fill()?;
        while !batches.eof && batches.buf.len() < BOM.len() {
            batches.fill()?;
        }
        // the header: the first record after a byte-order mark and blank lines
        let bom = if batches.buf.starts_with(BOM) { 3 } else { 0 };
        let header_end = loop {
            let text = &batches.buf[bom..];
            let skip = leading_terminators(text);
            let quoted = Quoted::scan(text, batches.eof);
            match quoted.record_end(text, skip, batches.eof) {
                Some(end) => break bom + end,
                None if batches.eof => break batches.buf.len(),
                None => batches.fill_record()?,
            }
        };
        let header = &batches.buf[..header_end];
        let headers = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::Headers)
            .from_reader(header)
            .headers()
            .map_err(|e| {
                let line = 1 + leading_terminators(&header[bom..]);
                batches.at.at(line, describe_csv_error(&e))
            })?
            .clone();
        if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
            return Err(batches
                .at
                .message("the file is empty; expected a header row".into()));
        }
        if let Some(i) = headers.iter().position(str::is_empty) {
            return Err(batches
                .at
                .message(format!("header field {} is empty", i + 1)));
        }
        batches.headers = headers.iter().map(String::from).collect();
        batches.next_line = 1 + count_lines(&batches.buf[bom..header_end]);
        batches.used = header_end;
        Ok(batches)
    }

    /// The header's names, in order.
    pub(super) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// What names lines of this file in errors.
    pub(super) fn locator(&self) -> &Locator {
        &self.at
    }

    /// The next batch of whole records, cut where records end into at most `pieces` pieces of
    /// about equal length; `None` after the last.
    ///
    /// # Errors
    /// [`MleError::Io`] when the file cannot be read; [`MleError::Csv`] for a record longer
    /// than [`MAX_RECORD_BYTES`]; [`MleError::OutOfMemory`] when the next batch does not fit.
    pub(super) fn next(&mut self, pieces: usize) -> Result<Option<Batch<'_>>> {
        self.buf.drain(..self.used);
        self.used = 0;
        // what the header left of the first read is most of a batch already
        if !self.eof && (self.buf.is_empty() || self.buf.len() < self.batch_bytes / 2) {
            self.fill()?;
        }
        if self.buf.is_empty() {
            return Ok(None);
        }
        let (cut, quoted) = loop {
            let quoted = Quoted::scan(&self.buf, self.eof);
            if self.eof {
                break (self.buf.len(), quoted);
            }
            match quoted.last_record_end(&self.buf, false) {
                Some(cut) => break (cut, quoted),
                None => self.fill_record()?,
            }
        };
        self.used = cut;
        let batch = Batch::new(&self.buf[..cut], &quoted, pieces, self.next_line);
        self.next_line += batch.pieces.iter().map(|p| p.lines).sum::<usize>();
        Ok(Some(batch))
    }

    /// Appends up to another batch of bytes to `buf`, noting when the file has ended.
    fn fill(&mut self) -> Result<()> {
        crate::alloc::reserve(&mut self.buf, self.batch_bytes, "the reading buffer")?;
        let want = self.batch_bytes as u64;
        let got = (&mut self.file)
            .take(want)
            .read_to_end(&mut self.buf)
            .map_err(|e| self.at.io(e))?;
        self.eof = (got as u64) < want;
        Ok(())
    }

    /// [`Batches::fill`] for a record that has not ended within `buf`, unless it is already
    /// longer than [`MAX_RECORD_BYTES`].
    fn fill_record(&mut self) -> Result<()> {
        if self.buf.len() > MAX_RECORD_BYTES {
            return Err(self.at.at(
                self.next_line,
                format!(
                    "a record longer than {} MiB starts here (an unclosed quote?)",
                    MAX_RECORD_BYTES >> 20
                ),
            ));
        }
        self.fill()
    }
}

/// How many pieces a batch is cut into: a few per thread, so that threads finish together.
pub(super) fn pieces_per_batch() -> usize {
    4 * rayon::current_num_threads()
}

/// Whole records of a file.
pub(super) struct Batch<'a> {
    /// The records' bytes.
    pub bytes: &'a [u8],
    /// `bytes` cut where records end, in order.
    pub pieces: Vec<Piece<'a>>,
}

/// Whole records of a [`Batch`].
pub(super) struct Piece<'a> {
    pub bytes: &'a [u8],
    /// The number of the first line in the file.
    pub first_line: usize,
    /// Line breaks in `bytes` ([`count_lines`]).
    pub lines: usize,
    /// Whether the records are plain ([`is_plain`]): one line each, fields ending at commas.
    pub plain: bool,
}

impl<'a> Batch<'a> {
    /// `bytes` (whole records, the first on line `first_line`, quoted fields `quoted`) cut
    /// where records end into at most `n` pieces of about equal length; lines counted and
    /// plainness checked in parallel.
    fn new(bytes: &'a [u8], quoted: &Quoted, n: usize, first_line: usize) -> Self {
        let mut cuts = vec![0];
        for k in 1..n {
            let target = (bytes.len() * k / n).max(*cuts.last().unwrap_or(&0));
            if let Some(end) = quoted.record_end(bytes, target, true) {
                cuts.push(end);
            }
        }
        cuts.push(bytes.len());
        cuts.dedup();
        let facts: Vec<(usize, bool)> = cuts
            .par_windows(2)
            .map(|w| {
                let piece = &bytes[w[0]..w[1]];
                (count_lines(piece), is_plain(piece))
            })
            .collect();
        let mut next_line = first_line;
        let pieces = cuts
            .windows(2)
            .zip(facts)
            .map(|(w, (lines, plain))| {
                let piece = Piece {
                    bytes: &bytes[w[0]..w[1]],
                    first_line: next_line,
                    lines,
                    plain,
                };
                next_line += lines;
                piece
            })
            .collect();
        Self { bytes, pieces }
    }
}
