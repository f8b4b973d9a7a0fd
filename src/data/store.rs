//! Where the values of a design live: in memory, or — when they would not fit a memory budget —
//! in a spill file on disk, mapped into memory and read a window of rows at a time.
//!
//! A spill is an unnamed temporary file (`tempfile::tempfile_in`: `O_TMPFILE` on Linux, or a file
//! removed as soon as it is opened), so it is never left behind, half-written or whole, however
//! the process ends. It holds the design's rows as native `f64`s, written once while the data
//! file is read; every later pass reads it through the page cache. A pass over a spilled design
//! goes window by window ([`Store::windows`]) and hands each window's pages back to the kernel
//! when it is done with them (`madvise(MADV_DONTNEED)` on the read-only mapping: the pages stay
//! in the page cache, not in the process), so the memory the process holds stays about one
//! window whatever the size of the design.

use std::io::Write;
use std::ops::{Deref, Range};
use std::path::{Path, PathBuf};

use crate::error::{MleError, Result};

/// The bytes of design a pass holds at once over a spilled design (a window of rows).
pub const WINDOW_BYTES: usize = 64 << 20;

/// The values of a design, row-major.
#[derive(Debug)]
pub enum Store {
    /// In memory.
    Memory(Vec<f64>),
    /// In a spill file on disk, mapped into memory.
    Spill(Spill),
}

/// A design's values in an unnamed file on disk, mapped read-only.
#[derive(Debug)]
pub struct Spill {
    map: memmap2::Mmap,
    len: usize,
    dir: PathBuf,
    window_bytes: usize,
}

impl Deref for Store {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        match self {
            Store::Memory(v) => v,
            Store::Spill(s) => s.values(),
        }
    }
}

impl From<Vec<f64>> for Store {
    fn from(v: Vec<f64>) -> Self {
        Store::Memory(v)
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Spill {
    fn values(&self) -> &[f64] {
        if self.len == 0 {
            return &[];
        }
        let bytes: &[u8] = &self.map;
        // SAFETY: the mapping is page-aligned (so aligned for f64), holds `len` f64s written by
        // `SpillWriter` in native byte order, and lives as long as `self`; the file is unnamed
        // and ours alone, so nothing else can change it under the mapping.
        unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<f64>(), self.len) }
    }

    /// The directory the spill was made in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Store {
    /// The bytes of the spill file, if the values are spilled.
    pub fn spill_bytes(&self) -> Option<u64> {
        match self {
            Store::Memory(_) => None,
            Store::Spill(s) => Some((s.len * 8) as u64),
        }
    }

    /// Hands the pages of the values in `range` back to the kernel (a spill only; they are read
    /// again from the page cache or the disk when next touched).
    pub fn release(&self, range: Range<usize>) {
        let Store::Spill(s) = self else {
            return;
        };
        let page = page_size();
        // whole pages inside the range only: the neighbours' pages stay
        let start = (range.start * 8).div_ceil(page) * page;
        let end = (range.end * 8).min(s.map.len()) / page * page;
        if end > start {
            // SAFETY: DONTNEED on a read-only shared file mapping drops the pages from the
            // process; the next access reads the same bytes from the file again.
            let _ = unsafe {
                s.map
                    .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
            };
        }
    }

    /// Every page handed back ([`Store::release`] of all values).
    pub fn release_all(&self) {
        self.release(0..self.len());
    }

    /// Rows per window of a pass over `p` columns: everything at once in memory, about
    /// [`WINDOW_BYTES`] of design for a spill.
    pub fn window_rows(&self, p: usize) -> usize {
        let n = self.len() / p.max(1);
        match self {
            Store::Memory(_) => n.max(1),
            Store::Spill(s) => (s.window_bytes / (8 * p.max(1))).max(1),
        }
    }

    /// `f(first_row, rows)` of each window of rows of the `p`-column design in order, each
    /// window released once `f` is done with it.
    pub fn windows<R>(&self, p: usize, f: impl FnMut(usize, &[f64]) -> R) -> Vec<R> {
        self.windows_of(p, self.window_rows(p), f)
    }

    /// As [`Store::windows`], `step` rows at a time.
    pub fn windows_of<R>(
        &self,
        p: usize,
        step: usize,
        mut f: impl FnMut(usize, &[f64]) -> R,
    ) -> Vec<R> {
        let n = self.len() / p.max(1);
        let step = step.max(1);
        let mut out = Vec::with_capacity(n.div_ceil(step).max(1));
        let mut start = 0;
        loop {
            let end = (start + step).min(n);
            out.push(f(start, &self[start * p..end * p]));
            self.release(start * p..end * p);
            start = end;
            if start >= n {
                return out;
            }
        }
    }
}

#[cfg(unix)]
fn page_size() -> usize {
    rustix::param::page_size()
}

/// Elsewhere the largest page size in use, so that a release never cuts a page.
#[cfg(not(unix))]
fn page_size() -> usize {
    1 << 16
}

/// Writes the rows of a design to a spill file.
#[derive(Debug)]
pub struct SpillWriter {
    file: std::io::BufWriter<std::fs::File>,
    len: usize,
    dir: PathBuf,
    window_bytes: usize,
}

impl SpillWriter {
    /// A new, empty, unnamed spill file in `dir`, whose passes will hold about `window_bytes`
    /// of it at once (at most [`WINDOW_BYTES`], at least one page).
    ///
    /// # Errors
    /// [`MleError::Write`] naming the directory when the file cannot be made.
    pub fn create(dir: &Path, window_bytes: usize) -> Result<Self> {
        let file = tempfile::tempfile_in(dir).map_err(|e| spill_error(dir, "create", &e))?;
        Ok(Self {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            len: 0,
            dir: dir.to_path_buf(),
            window_bytes: window_bytes.clamp(page_size(), WINDOW_BYTES),
        })
    }

    /// Appends `values`.
    ///
    /// # Errors
    /// [`MleError::Write`] naming the directory (a full disk).
    pub fn append(&mut self, values: &[f64]) -> Result<()> {
        for v in values {
            self.file
                .write_all(&v.to_ne_bytes())
                .map_err(|e| spill_error(&self.dir, "write", &e))?;
        }
        self.len += values.len();
        Ok(())
    }

    /// The values written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The finished spill, mapped.
    ///
    /// # Errors
    /// [`MleError::Write`] when the file cannot be flushed or mapped.
    pub fn finish(self) -> Result<Store> {
        let dir = self.dir.clone();
        let file = self
            .file
            .into_inner()
            .map_err(|e| spill_error(&dir, "write", e.error()))?;
        // SAFETY: the file is unnamed and ours alone: nobody else can truncate or change it
        // while it is mapped.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| spill_error(&dir, "map", &e))?;
        let _ = map.advise(memmap2::Advice::Sequential);
        Ok(Store::Spill(Spill {
            map,
            len: self.len,
            dir,
            window_bytes: self.window_bytes,
        }))
    }
}

/// Whether `rows` rows of a `p`-column design, with their response (and trials), take more
/// than `budget` bytes: the rule by which a reader spills the design.
pub(crate) fn over_budget(rows: usize, p: usize, trials: bool, budget: usize) -> bool {
    rows.saturating_mul(8 * (p + 1 + usize::from(trials))) > budget
}

/// A size in bytes from text: a number with an optional unit, `B`, `KB`, `MB`, `GB`, `TB`
/// (powers of 1000) or `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024), case aside.
///
/// # Errors
/// A sentence saying what was expected.
///
/// # Examples
/// ```
/// use mle::data::parse_size;
/// assert_eq!(parse_size("512MB"), Ok(512_000_000));
/// assert_eq!(parse_size("1.5 GiB"), Ok(1_610_612_736));
/// assert_eq!(parse_size("4096"), Ok(4096));
/// assert!(parse_size("lots").is_err());
/// ```
pub fn parse_size(text: &str) -> std::result::Result<usize, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "tb" | "t" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0f64.powi(4),
        _ => return Err(format!("'{text}' is not a size (512MB, 2GB, 1.5GiB)")),
    };
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v * factor < usize::MAX as f64 => {
            Ok((v * factor).round() as usize)
        }
        _ => Err(format!("'{text}' is not a size (512MB, 2GB, 1.5GiB)")),
    }
}

/// The default memory budget for a design: half of the machine's memory (`MemTotal` of
/// `/proc/meminfo`), or none where that cannot be read.
pub fn default_memory_budget() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024) / 2)
}

fn spill_error(dir: &Path, operation: &'static str, e: &std::io::Error) -> MleError {
    MleError::Write {
        path: dir.to_path_buf(),
        operation,
        source: std::io::Error::new(e.kind(), format!("the design's spill file: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spill_holds_what_was_written_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SpillWriter::create(dir.path(), WINDOW_BYTES).unwrap();
        let values: Vec<f64> = (0..300_000).map(|i| f64::from(i) * 0.5 - 7.0).collect();
        w.append(&values[..1000]).unwrap();
        w.append(&values[1000..]).unwrap();
        let store = w.finish().unwrap();
        assert_eq!(&*store, values.as_slice());
        assert_eq!(store.spill_bytes(), Some(2_400_000));
        // nothing named in the directory, while mapped and after
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        // released pages read back the same
        store.release_all();
        assert_eq!(&*store, values.as_slice());
        // the windows cover every row once, in order
        let p = 3;
        let rows: Vec<(usize, usize)> = store.windows_of(p, 7_000, |s, w| (s, w.len() / p));
        assert_eq!(rows.len(), 15);
        assert_eq!(rows.iter().map(|r| r.1).sum::<usize>(), 100_000);
        assert!(rows.windows(2).all(|w| w[0].0 + w[0].1 == w[1].0));
        let memory = Store::from(values.clone());
        assert_eq!(memory.windows(p, |s, w| (s, w.len())), vec![(0, 300_000)]);
        assert_eq!(memory, store);
    }
}
