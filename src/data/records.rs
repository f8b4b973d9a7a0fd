//! Where the records of CSV text end, by the grammar of the `csv` crate (RFC 4180 as its default
//! reader reads it): fields are separated by `,`; a record ends at `\n`, `\r\n` or a bare `\r`
//! outside quotes; empty records (blank lines) are skipped; a field that *starts* with `"` is
//! quoted (it may hold commas and line breaks, `""` stands for one quote, and whatever follows
//! its closing quote up to the next delimiter is appended to it); a `"` anywhere else is an
//! ordinary character; a UTF-8 byte-order mark at the start of the file is skipped.
//!
//! Every reader of the crate cuts its input only where this module says a record ends, so that
//! batches and the pieces parsed in parallel hold whole records whatever the file holds. The
//! scan jumps from quote to quote with `memchr`: text without quotes costs one vectorized search.

use std::ops::Range;

/// The UTF-8 byte-order mark.
pub(super) const BOM: &[u8] = b"\xef\xbb\xbf";

/// Whether `b` ends a record outside quotes.
fn is_terminator(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// The quoted fields of a text that starts at a record boundary.
#[derive(Debug, Default)]
pub(super) struct Quoted {
    /// From each opening quote to one past its closing quote, in order. The last one may run to
    /// the end of the text: its closing quote is not there yet.
    spans: Vec<Range<usize>>,
}

impl Quoted {
    /// Scans `bytes`, which start at a record boundary. When the text is not `complete` (more
    /// of the file follows), a quote at its very end may still be the first half of `""`, so a
    /// field closed there is taken as still open.
    pub(super) fn scan(bytes: &[u8], complete: bool) -> Self {
        let mut spans = Vec::new();
        let mut from = 0;
        while let Some(q) = memchr::memchr(b'"', &bytes[from..]).map(|k| from + k) {
            // outside quotes the byte before a quote is outside quotes too: a quote closes a
            // field only where the next byte is not a quote
            let field_start = q == 0 || matches!(bytes[q - 1], b',' | b'\n' | b'\r');
            if !field_start {
                from = q + 1;
                continue;
            }
            let Some(close) = closing_quote(bytes, q + 1, complete) else {
                spans.push(q..bytes.len());
                break;
            };
            spans.push(q..close + 1);
            from = close + 1;
        }
        Self { spans }
    }

    /// The quoted field that byte `i` lies in, if any.
    fn span_at(&self, i: usize) -> Option<&Range<usize>> {
        let k = self.spans.partition_point(|s| s.start <= i);
        k.checked_sub(1)
            .map(|k| &self.spans[k])
            .filter(|s| i < s.end)
    }

    /// The end (one past its terminator, both bytes of a `\r\n`) of the first record that ends
    /// at or after `from`; `None` when the text ends first, or ends in a `\r` that may be the
    /// first half of a `\r\n` (when it is not `complete`).
    pub(super) fn record_end(&self, bytes: &[u8], from: usize, complete: bool) -> Option<usize> {
        let mut i = from;
        loop {
            i += memchr::memchr2(b'\n', b'\r', bytes.get(i..)?)?;
            if let Some(span) = self.span_at(i) {
                i = span.end;
                continue;
            }
            return terminator_end(bytes, i, complete);
        }
    }

    /// The end of the last record that surely ends within `bytes`.
    pub(super) fn last_record_end(&self, bytes: &[u8], complete: bool) -> Option<usize> {
        let mut before = bytes.len();
        loop {
            let i = memchr::memrchr2(b'\n', b'\r', &bytes[..before])?;
            if let Some(span) = self.span_at(i) {
                before = span.start;
                continue;
            }
            match terminator_end(bytes, i, complete) {
                Some(end) => return Some(end),
                None => before = i,
            }
        }
    }
}

/// The closing quote of a quoted field whose text starts at `from`, skipping `""`.
fn closing_quote(bytes: &[u8], mut from: usize, complete: bool) -> Option<usize> {
    loop {
        let q = from + memchr::memchr(b'"', &bytes[from..])?;
        match bytes.get(q + 1) {
            Some(b'"') => from = q + 2,
            None if !complete => return None,
            _ => return Some(q),
        }
    }
}

/// One past the terminator at `i` (both bytes of `\r\n`); `None` for a `\r` at the end of text
/// that is not `complete`.
fn terminator_end(bytes: &[u8], i: usize, complete: bool) -> Option<usize> {
    match (bytes[i], bytes.get(i + 1)) {
        (b'\r', Some(b'\n')) => Some(i + 2),
        (b'\r', None) if !complete => None,
        _ => Some(i + 1),
    }
}

/// Lines of text as an editor counts them: line breaks are `\n`, `\r\n` and a bare `\r`.
pub(super) fn count_lines(bytes: &[u8]) -> usize {
    let lf = memchr::memchr_iter(b'\n', bytes).count();
    let bare_cr = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .count();
    lf + bare_cr
}

/// Whether `bytes` are plain records: no `"` and no bare `\r`, so that every record is one line
/// ending in `\n` or `\r\n` (or the end of the text) and every field ends at a comma. The fast
/// readers take only plain text; the csv crate reads the rest.
pub(super) fn is_plain(bytes: &[u8]) -> bool {
    memchr::memchr(b'"', bytes).is_none()
        && memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i + 1) == Some(&b'\n'))
}

/// How many bytes of line breaks (blank lines) start `bytes`: the csv crate skips them.
pub(super) fn leading_terminators(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| is_terminator(b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record end of `text`, by repeated [`Quoted::record_end`].
    fn ends(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let q = Quoted::scan(bytes, true);
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(e) = q.record_end(bytes, from, true) {
            out.push(e);
            from = e;
        }
        out
    }

    #[test]
    fn records_end_where_the_csv_crate_ends_them() {
        assert_eq!(ends("a,b\n1,2\n"), [4, 8]);
        assert_eq!(ends("a,b\r\n1,2\r\n"), [5, 10]);
        assert_eq!(ends("a,b\r1,2\r"), [4, 8]);
        // a quoted line break, a doubled quote, a quote inside an unquoted field
        assert_eq!(ends("\"x\ny\",1\n"), [8]);
        assert_eq!(ends("\"x\"\"\ny\",1\n"), [10]);
        assert_eq!(ends("id\",y\nd\",2\n"), [6, 11]);
        // text after a closing quote belongs to the field; a later quote there is literal
        assert_eq!(ends("\"a\"b\"\n1\n"), [6, 8]);
        // an unclosed quote runs to the end
        assert_eq!(ends("1\n\"open\n2\n"), [2]);
    }

    #[test]
    fn incomplete_text_does_not_cut_where_more_may_follow() {
        let text = b"1,2\r";
        let q = Quoted::scan(text, false);
        assert_eq!(q.record_end(text, 0, false), None);
        assert_eq!(q.last_record_end(text, false), None);
        assert_eq!(q.last_record_end(text, true), Some(4));
        // a quote at the end may be the first half of `""`
        let text = b"1\n\"a\"";
        let q = Quoted::scan(text, false);
        assert_eq!(q.last_record_end(text, false), Some(2));
        assert_eq!(q.record_end(text, 2, false), None);
    }

    #[test]
    fn last_record_end_skips_quoted_line_breaks() {
        let text = b"1\n\"a\nb\",2\n3,\"c\nd";
        let q = Quoted::scan(text, false);
        assert_eq!(q.last_record_end(text, false), Some(10));
    }

    #[test]
    fn lines_and_plain_text() {
        assert_eq!(count_lines(b"a\nb\r\nc\rd"), 3);
        assert!(is_plain(b"1,2\r\n3,4\n"));
        assert!(!is_plain(b"1,2\r3,4\n"));
        assert!(!is_plain(b"1,\"2\"\n"));
        assert_eq!(leading_terminators(b"\r\n\n1"), 3);
    }
}
