//! Reading a [`ModelFrame`] straight from a CSV file: the cells a model needs are parsed into
//! the rows of its design as the file is read, with no table of every column in between.

use std::path::Path;

use rayon::prelude::*;

use super::batches::{Batches, pieces_per_batch};
use super::builder::DesignBuilder;
use super::csv::read_csv;
use super::dataset::parse_number;
use super::design::{Design, INTERCEPT};
use super::formula::{Formula, Terms};
use super::frame::{ModelFrame, ResponseSpec, TrialsSpec};
use super::store::{SpillWriter, Store, over_budget};
use crate::alloc::reserve_total;
use crate::error::{MleError, Result};

impl DesignBuilder {
    /// The model frame of the CSV file at `path`: what [`read_csv`] and then
    /// [`build`](DesignBuilder::build) give, in about the memory of the design alone.
    ///
    /// When the file is plain comma-separated lines (no quoted field, no blank line) in which
    /// every cell the model uses is a finite number, those cells are parsed straight into the
    /// design's rows and the file's other columns are skipped. Anything else (a text or missing
    /// cell, a ragged row, a quote, a response given as `COLUMN=LEVEL`, a name that is not in
    /// the header) makes it read the file again with [`read_csv`] and
    /// [`build`](DesignBuilder::build), which handle it or name what is wrong: the frame and
    /// the errors are the same either way.
    ///
    /// # Errors
    /// As [`read_csv`] and [`DesignBuilder::build`].
    ///
    /// # Examples
    /// ```
    /// use mle::data::{DesignBuilder, ResponseSpec, read_csv};
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("d.csv");
    /// std::fs::write(&path, "x,label,y\n1.5,a,0\n2,b,1\n-3e-1,c,1\n").unwrap();
    /// let builder = DesignBuilder::new(ResponseSpec::parse("y")).columns(["x"]);
    /// let frame = builder.read_csv(&path).unwrap();
    /// assert_eq!(frame.design.values(), &[1.0, 1.5, 1.0, 2.0, 1.0, -0.3]);
    /// assert_eq!(frame.response, vec![0.0, 1.0, 1.0]);
    /// // the same frame as through a dataset of every column
    /// let through = builder.build(&read_csv(&path).unwrap()).unwrap();
    /// assert_eq!(frame.design, through.design);
    /// ```
    pub fn read_csv(&self, path: impl AsRef<Path>) -> Result<ModelFrame> {
        let path = path.as_ref();
        match self.stream(path)? {
            Some(frame) => Ok(frame),
            None => self.build(&read_csv(path)?),
        }
    }

    /// The frame read in one pass, or `None` where the file or the model needs the general
    /// path.
    fn stream(&self, path: &Path) -> Result<Option<ModelFrame>> {
        let mut batches = Batches::open(path)?;
        let Some(plan) = Plan::new(self, batches.headers()) else {
            return Ok(None);
        };
        let p = plan.names.len();
        let trials = plan.trials == Some(Trials::Column);
        let size = std::fs::metadata(path).map_or(0, |m| m.len()) as f64;
        let mut rows = Rows::default();
        let mut bytes_read = 0;
        // the design goes to a spill file once it would not fit the memory budget
        let mut spill: Option<SpillWriter> = None;
        while let Some(batch) = batches.next(pieces_per_batch())? {
            if !batch.pieces.iter().all(|piece| piece.plain) {
                return Ok(None);
            }
            let counts: Vec<usize> = batch
                .pieces
                .iter()
                .map(|piece| piece.lines + usize::from(!piece.bytes.ends_with(b"\n")))
                .collect();
            // the rows of the whole file at the density read so far
            bytes_read += batch.bytes.len();
            let read = rows.n + counts.iter().sum::<usize>();
            let expected = (size * read as f64 / bytes_read as f64 * 1.01) as usize;
            if spill.is_none()
                && let Some(budget) = self.memory
                && over_budget(expected, p, trials, budget)
            {
                // a pass holds a quarter of the budget of design at once
                let mut writer = SpillWriter::create(&self.spill_directory(), budget / 4)?;
                writer.append(&rows.x)?;
                rows.spilled = rows.n;
                rows.x = Vec::new();
                spill = Some(writer);
            }
            let parts = rows.grow(&counts, p, trials, expected)?;
            let ok = batch
                .pieces
                .into_par_iter()
                .zip(parts)
                .all(|(piece, part)| plan.parse(piece.bytes, part));
            if !ok {
                return Ok(None);
            }
            if let Some(writer) = &mut spill {
                writer.append(&rows.x)?;
                rows.spilled = rows.n;
                rows.x.clear();
            }
        }
        if rows.n == 0 {
            return Ok(None);
        }
        let Rows { n, x, y, m, .. } = rows.finish(p);
        let x: Store = match spill {
            Some(writer) => writer.finish()?,
            None => x.into(),
        };
        self.plain_frame(path, plan, n, x, y, m).map(Some)
    }

    /// The frame of the `n` rows read by `plan` from `path`: design values `x`, responses `y`,
    /// trials `m` (read from a column, else empty).
    pub(super) fn plain_frame(
        &self,
        path: &Path,
        plan: Plan,
        n: usize,
        x: Store,
        y: Vec<f64>,
        m: Vec<f64>,
    ) -> Result<ModelFrame> {
        let source = path.display().to_string();
        let trials = match &plan.trials {
            Some(Trials::Column) => Some(m),
            Some(Trials::Constant(value)) => Some(vec![*value; n]),
            None => None,
        };
        let formula: Formula = self.formula_of(
            plan.names[usize::from(plan.intercept)..]
                .iter()
                .map(String::as_str),
        )?;
        let terms = Terms {
            formula: formula.text().to_string(),
            intercept: plan.intercept,
            categorical: Vec::new(),
        };
        let design = Design::from_rows(&source, plan.names, x, n, plan.intercept)?;
        let mut frame = ModelFrame::new(&source, design, plan.response_name, y, trials)?;
        frame.terms = Some(terms);
        Ok(frame)
    }
}

/// Where a field of a line goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Slot {
    Skip,
    Response,
    Trials,
    /// The design's column.
    Covariate(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Trials {
    /// Read from a column of the file.
    Column,
    Constant(f64),
}

/// What becomes of each field of a line.
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) slots: Vec<Slot>,
    /// The design's column names, the intercept first if there is one.
    pub(super) names: Vec<String>,
    pub(super) intercept: bool,
    response_name: String,
    pub(super) trials: Option<Trials>,
}

impl Plan {
    /// The plan for `builder` on a file with `headers`; `None` where the general path must
    /// decide (a level response, a name missing from the header or used twice, a column that
    /// would play two parts, a covariate named like the intercept, an offset, clusters,
    /// weights).
    pub(super) fn new(builder: &DesignBuilder, headers: &[String]) -> Option<Self> {
        let ResponseSpec::Column(response) = &builder.response else {
            return None;
        };
        if builder.offset.is_some() || !builder.clusters.is_empty() || builder.weights.is_some() {
            return None;
        }
        if let Some(f) = &builder.formula
            && f.response_column() != Some(response.as_str())
        {
            return None;
        }
        let unique = headers
            .iter()
            .enumerate()
            .all(|(i, h)| !headers[..i].contains(h));
        if !unique {
            return None;
        }
        let index = |name: &str| headers.iter().position(|h| h == name);
        let mut slots = vec![Slot::Skip; headers.len()];
        slots[index(response)?] = Slot::Response;
        let trials = match &builder.trials {
            None => None,
            Some(TrialsSpec::Constant(value)) => Some(Trials::Constant(*value)),
            Some(TrialsSpec::Column(c)) => {
                let i = index(c)?;
                if slots[i] != Slot::Skip {
                    return None;
                }
                slots[i] = Slot::Trials;
                Some(Trials::Column)
            }
        };
        // by default every column but those that play another part: all must be numbers, as
        // the parse checks
        let (covariates, intercept) = match &builder.formula {
            Some(f) => (
                f.plain_columns()?,
                f.intercept().unwrap_or(builder.intercept),
            ),
            None => (
                builder.covariates(headers.iter().map(String::as_str)),
                builder.intercept,
            ),
        };
        let offset = usize::from(intercept);
        let mut names: Vec<String> = Vec::with_capacity(covariates.len() + offset);
        if intercept {
            names.push(INTERCEPT.to_string());
        }
        for (k, name) in covariates.into_iter().enumerate() {
            let i = index(&name)?;
            if slots[i] != Slot::Skip || (intercept && name == INTERCEPT) {
                return None;
            }
            slots[i] = Slot::Covariate(k + offset);
            names.push(name);
        }
        Some(Self {
            slots,
            names,
            intercept,
            response_name: response.clone(),
            trials,
        })
    }

    /// Parses the lines of `piece` into `part`; false at the first thing the general path must
    /// handle (a cell used by the model that is not a finite number, a line with too few or too
    /// many fields, a quote).
    fn parse(&self, piece: &[u8], part: Part<'_>) -> bool {
        let Part { x, y, m } = part;
        let p = self.names.len();
        // every cut below is at an ASCII byte, so each cell of valid UTF-8 is valid UTF-8
        let Ok(text) = std::str::from_utf8(piece) else {
            return false;
        };
        let last_field = self.slots.len() - 1;
        let mut start = 0;
        for row in 0..y.len() {
            for (field, slot) in self.slots.iter().enumerate() {
                let Some((value, next)) =
                    cell(piece, text, start, field == last_field, *slot != Slot::Skip)
                else {
                    return false;
                };
                match *slot {
                    Slot::Response => y[row] = value,
                    Slot::Trials => m[row] = value,
                    Slot::Covariate(j) => x[row * p + j] = value,
                    Slot::Skip => {}
                }
                start = next;
            }
            if self.intercept {
                x[row * p] = 1.0;
            }
        }
        start == piece.len()
    }
}

/// The cell of `piece` (whose text is `text`) that starts at `start`: its value if it is
/// `wanted` (0 if not), and where the next cell starts. `None` if a wanted cell is not a finite
/// number or the cell does not end as field `last` or not must: at a line break or the end of
/// the piece for the last field of a line, at a comma for the others.
fn cell(piece: &[u8], text: &str, start: usize, last: bool, wanted: bool) -> Option<(f64, usize)> {
    if wanted
        && let Ok((value, len)) = fast_float2::parse_partial::<f64, _>(&piece[start..])
        && let Some(next) = after_delimiter(piece, start + len, last)
    {
        // the number took the whole cell, so that parsing the cell alone gives it too
        return value.is_finite().then_some((value, next));
    }
    let end =
        memchr::memchr3(b',', b'\n', b'"', &piece[start..]).map_or(piece.len(), |i| start + i);
    let next = after_delimiter(piece, end, last)?;
    if !wanted {
        return Some((0.0, next));
    }
    let cell = &text[start..end];
    let cell = if last {
        cell.strip_suffix('\r').unwrap_or(cell)
    } else {
        cell
    };
    parse_number(cell)
        .filter(|v| v.is_finite())
        .map(|value| (value, next))
}

/// Where the next cell starts if a cell ending at `end` ends as it must: at a comma, or if it is
/// the `last` of its line at a line break (`\n` or `\r\n`) or the end of the piece.
fn after_delimiter(piece: &[u8], end: usize, last: bool) -> Option<usize> {
    match (piece.get(end), last) {
        (Some(b','), false) | (Some(b'\n'), true) => Some(end + 1),
        (Some(b'\r'), true) if piece.get(end + 1) == Some(&b'\n') => Some(end + 2),
        (None, true) => Some(end),
        _ => None,
    }
}

/// What has been read so far: row-major covariates (those after the first `spilled` rows,
/// which are in the spill file), response and trials.
#[derive(Debug, Default)]
struct Rows {
    n: usize,
    x: Vec<f64>,
    y: Vec<f64>,
    m: Vec<f64>,
    spilled: usize,
}

/// The rows of one piece, to be filled.
#[derive(Debug)]
struct Part<'a> {
    x: &'a mut [f64],
    y: &'a mut [f64],
    m: &'a mut [f64],
}

impl Rows {
    /// Room for pieces of `counts` rows after those read so far, cut into one part each.
    ///
    /// The room grows with what has been read: to the `expected` rows of the whole file, but
    /// never beyond twice the rows read so far, so that a guess from an unusual start of the
    /// file cannot reserve ten times the memory needed; growing reallocates in place where the
    /// allocator can (large blocks are moved by remapping pages, not copied).
    ///
    /// # Errors
    /// [`MleError::OutOfMemory`](crate::MleError::OutOfMemory) when even the rows read so far
    /// do not fit.
    fn grow(
        &mut self,
        counts: &[usize],
        p: usize,
        trials: bool,
        expected: usize,
    ) -> Result<Vec<Part<'_>>> {
        let old = self.n;
        self.n += counts.iter().sum::<usize>();
        if self.spilled > 0 {
            // out of core: the covariates of this batch only
            let what = format!("a batch of the design ({} rows)", self.n - old);
            reserve_total(&mut self.x, (self.n - self.spilled) * p, &what)?;
        }
        if self.y.capacity() < self.n {
            let target = self.n.max(expected.min(self.n.saturating_mul(2)));
            if self.reserve(target, p, trials).is_err() {
                self.reserve(self.n, p, trials).map_err(|e| match e {
                    MleError::OutOfMemory { bytes, .. } => MleError::OutOfMemory {
                        what: format!(
                            "the design ({} rows of {p} columns read so far, about {expected} \
                             rows in the file)",
                            self.n
                        ),
                        bytes,
                    },
                    other => other,
                })?;
            }
        }
        self.x.resize((self.n - self.spilled) * p, 0.0);
        self.y.resize(self.n, 0.0);
        if trials {
            self.m.resize(self.n, 0.0);
        }
        let (mut x, mut y) = (&mut self.x[(old - self.spilled) * p..], &mut self.y[old..]);
        let mut m: &mut [f64] = if trials { &mut self.m[old..] } else { &mut [] };
        Ok(counts
            .iter()
            .map(|&rows| {
                let (xk, xr) = std::mem::take(&mut x).split_at_mut(rows * p);
                let (yk, yr) = std::mem::take(&mut y).split_at_mut(rows);
                let (mk, mr) = std::mem::take(&mut m).split_at_mut(if trials { rows } else { 0 });
                (x, y, m) = (xr, yr, mr);
                Part {
                    x: xk,
                    y: yk,
                    m: mk,
                }
            })
            .collect())
    }

    /// Capacity for `rows` rows in all.
    fn reserve(&mut self, rows: usize, p: usize, trials: bool) -> Result<()> {
        let what = format!("the design ({rows} rows of {p} columns)");
        let cells = rows.checked_mul(p).ok_or_else(|| MleError::OutOfMemory {
            what: what.clone(),
            bytes: usize::MAX,
        })?;
        if self.spilled == 0 {
            reserve_total(&mut self.x, cells, &what)?;
        }
        reserve_total(&mut self.y, rows, &what)?;
        if trials {
            reserve_total(&mut self.m, rows, &what)?;
        }
        Ok(())
    }

    /// The rows read, without the room left over.
    fn finish(mut self, p: usize) -> Self {
        let n = self.n;
        let x_len = (n - self.spilled) * p;
        for (v, len) in [(&mut self.x, x_len), (&mut self.y, n), (&mut self.m, n)] {
            v.truncate(len);
            v.shrink_to_fit();
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Reads `text` both ways and checks that the frames, or the errors, are the same; returns
    /// whether the one pass decided (a frame or an error) instead of handing over.
    fn same_both_ways(builder: &DesignBuilder, text: &[u8]) -> bool {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text).unwrap();
        let general = read_csv(f.path()).and_then(|data| builder.build(&data));
        match (builder.read_csv(f.path()), general) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.design, b.design);
                assert_eq!((a.response, a.response_name), (b.response, b.response_name));
                assert_eq!(a.trials, b.trials);
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("one pass {a:?}, through a dataset {b:?}"),
        }
        !matches!(builder.stream(f.path()), Ok(None))
    }

    fn builder(y: &str) -> DesignBuilder {
        DesignBuilder::new(ResponseSpec::parse(y))
    }

    #[test]
    fn plain_numbers_are_read_in_one_pass() {
        let y = builder("y");
        for text in [
            "x1,x2,y\n1,2,0\n3,-4.5,1\n5,6e-1,1\n",
            // CRLF, no line break at the end
            "x1,x2,y\r\n1,2,0\r\n3,-4.5,1\r\n5,0.6,1",
            // spaces around names and numbers, signs, a leading point
            " x1 , x2 ,y\n 1 ,2,0\n3, -4.5 ,1\n5,.6,+1\n",
            // errors found after reading: a constant column, more parameters than rows
            "x1,x2,y\n1,2,0\n1,3,1\n1,5,1\n",
            "x1,x2,y\n1,2,0\n",
        ] {
            assert!(same_both_ways(&y, text.as_bytes()), "{text}");
        }
        // the columns asked for, a text column skipped, no intercept
        let text = b"name,x,y\nab c,1,0\nd;e,2,1\nfg,4,1\n";
        assert!(same_both_ways(&y.clone().columns(["x"]), text));
        assert!(same_both_ways(
            &y.clone().columns(["x"]).intercept(false),
            text
        ));
        // binomial counts with a column of trials, and with a constant
        let k = builder("k").columns(["x"]);
        let text = b"k,m,x\n1,3,0.5\n2,3,1.5\n0,2,2\n";
        assert!(same_both_ways(
            &k.clone().trials(TrialsSpec::Column("m".into())),
            text
        ));
        assert!(same_both_ways(&k.trials(TrialsSpec::Constant(3.0)), text));
        // batches of several pieces each: every row in its place
        let mut text = String::from("i,half,y\n");
        for i in 0..700_000 {
            text.push_str(&format!("{i},{},{}\n", i as f64 / 2.0, i % 3));
        }
        assert!(text.len() > super::super::batches::BATCH_BYTES);
        assert!(same_both_ways(&y.columns(["i"]), text.as_bytes()));
    }

    /// A guess of the file's rows from an unusual start (ten times too many) reserves at most
    /// twice the rows read; the rows read always fit.
    #[test]
    fn the_design_grows_with_the_rows_read_not_with_a_guess() {
        let mut rows = Rows::default();
        let parts = rows.grow(&[1000, 1000], 3, false, 200_000).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(rows.y.len(), 2000);
        assert!(rows.y.capacity() <= 4000 && rows.x.capacity() <= 12_000);
        rows.grow(&[3000], 3, false, 200_000).unwrap();
        assert!(rows.y.capacity() >= 5000 && rows.y.capacity() <= 10_000);
        // an honest guess is taken whole
        let mut rows = Rows::default();
        rows.grow(&[1000], 3, true, 1500).unwrap();
        assert_eq!(rows.m.capacity(), 1500);
        // more than any memory: an error saying so, not an abort
        let err = Rows::default()
            .grow(&[usize::MAX / 4], 3, false, 0)
            .unwrap_err();
        assert!(matches!(err, MleError::OutOfMemory { .. }), "{err}");
    }

    #[test]
    fn anything_else_is_read_through_a_dataset_with_the_same_result() {
        let y = builder("y");
        for text in [
            "x,y\n\"1\",0\n2,1\n3,1\n",          // a quote
            "x,y\n1,0\n\n2,1\n3,0\n",            // a blank line
            "x,y\n1,0\r2,1\n3,0\n",              // a bare CR ends a record
            "x,y\n1\r,0\n2,1\n3,0\n",            // ... also after a number
            "id\",x,y\na,1,0\nb\",2,1\nc,4,1\n", // quotes inside fields
            "x,y\n1,0\n,1\n3,0\n",               // a missing cell
            "x,y\n1,0\nabc,1\n3,0\n",            // text in a covariate
            "x,y\n1,0\nNaN,1\n3,0\n",            // not finite
            "x,y\n1,0\n2\n3,0\n",                // too few fields
            "x,y\n1,0\n2,1,5\n3,0\n",            // too many
            "x,x,y\n1,2,0\n2,3,1\n4,4,0\n",      // a name used twice
            "intercept,y\n1,0\n2,1\n4,1\n",      // the intercept's name
            "name,x,y\na,1,0\nb,2,1\nc,4,1\n",   // a label column, covariates by default
            "x,y\n",                             // no rows
        ] {
            assert!(!same_both_ways(&y, text.as_bytes()), "{text}");
        }
        assert!(!same_both_ways(&y, b"x,y\n1,0\n\xff,1\n3,0\n"));
        assert!(!same_both_ways(
            &y.clone().columns(["z"]),
            b"x,y\n1,0\n2,1\n"
        ));
        assert!(!same_both_ways(&builder("s=a"), b"s,x\na,1\nb,2\na,4\n"));
    }
}
