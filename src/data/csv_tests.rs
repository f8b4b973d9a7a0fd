//! Tests of the CSV reader: the fast splitter against the csv crate, batch and piece boundaries
//! anywhere (a property test over generated files with quotes, quoted line breaks, bare CRs and
//! byte-order marks), and the files of the hostile-input reports.

use super::*;
use crate::data::batches::{BATCH_BYTES, MAX_RECORD_BYTES};
use crate::data::records::BOM;
use proptest::prelude::*;
use std::io::Write;

fn write(content: impl AsRef<[u8]>) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(content.as_ref()).unwrap();
    f
}

/// What the csv crate makes of the whole file in one reader: the header's names and each
/// column's cells, or `None` where the file is not a table (`read_csv` must refuse it then).
fn reference(bytes: &[u8]) -> Option<Vec<(String, Column)>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::Headers)
        .from_reader(bytes);
    let headers: Vec<String> = reader.headers().ok()?.iter().map(String::from).collect();
    let empty = headers.is_empty() || headers.iter().any(String::is_empty);
    let repeated = (1..headers.len()).any(|i| headers[..i].contains(&headers[i]));
    if empty || repeated {
        return None;
    }
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); headers.len()];
    for record in reader.records() {
        let record = record.ok()?;
        if record.len() != headers.len() {
            return None;
        }
        for (column, cell) in cells.iter_mut().zip(record.iter()) {
            column.push(cell.to_string());
        }
    }
    if cells[0].is_empty() {
        return None;
    }
    let columns = cells.into_iter().map(|c| {
        // missing cells (empty, NA, NaN, nan) are NaN in a numeric column
        let numbers: Option<Vec<f64>> = c
            .iter()
            .map(|s| parse_number(s).or_else(|| is_missing(s).then_some(f64::NAN)))
            .collect();
        numbers.map_or(Column::Text(c), Column::Numeric)
    });
    Some(headers.into_iter().zip(columns).collect())
}

/// `read_csv` with batches of `batch_bytes` in `pieces` pieces, as (name, column) pairs.
fn read_in(
    f: &tempfile::NamedTempFile,
    batch_bytes: usize,
    pieces: usize,
) -> Option<Vec<(String, Column)>> {
    let data = read_csv_in(f.path(), batch_bytes, pieces).ok()?;
    Some(
        data.names()
            .iter()
            .map(|n| (n.clone(), data.column(n).unwrap().clone()))
            .collect(),
    )
}

/// Tables compared with NaN equal to NaN (their debug forms).
fn same(a: &Option<Vec<(String, Column)>>, b: &Option<Vec<(String, Column)>>) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// Asserts that `read_csv` reads `bytes` as the csv crate does, with the usual batches and with
/// batches of every size up to `upto` bytes (boundaries everywhere).
fn reads_as_the_csv_crate(bytes: &[u8], upto: usize) {
    let f = write(bytes);
    let expected = reference(bytes);
    let text = String::from_utf8_lossy(bytes);
    let got = read_in(&f, BATCH_BYTES, 8);
    assert!(same(&got, &expected), "{text:?}: {got:?} != {expected:?}");
    for batch in 1..=upto {
        for pieces in [1, 3] {
            let got = read_in(&f, batch, pieces);
            assert!(
                same(&got, &expected),
                "batches of {batch} bytes in {pieces} pieces: {text:?}: {got:?} != {expected:?}"
            );
        }
    }
}

#[test]
fn quotes_inside_unquoted_fields_are_characters() {
    // a header `id",y,x` and a later cell `d"`: eight rows, as the csv crate, Python and pandas
    // read them
    let text = "id\",y,x\na,1,2\nb,2,3.1\nc,3,3.9\nd\",4,5.2\ne,5,6.1\nf,6,6.8\ng,7,8.3\nh,8,9\n";
    reads_as_the_csv_crate(text.as_bytes(), 24);
    let data = read_csv(write(text).path()).unwrap();
    assert_eq!(data.n_rows(), 8);
    assert_eq!(data.names(), ["id\"", "y", "x"]);
    assert_eq!(
        data.numeric("y").unwrap(),
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    );
}

#[test]
fn every_line_ending_reads() {
    // a header ending in a bare CR keeps the first data row
    let text = "y,x\r0,1\n1,2\n0,3\n";
    reads_as_the_csv_crate(text.as_bytes(), 12);
    assert_eq!(read_csv(write(text).path()).unwrap().n_rows(), 3);
    // CR, LF and CRLF mixed, a bare CR in the middle of a line ends a record
    for text in [
        "a,b\r1,2\r3,4\r",
        "a,b\r\n1,2\r\n3,4",
        "a,b\n1,2\r3,4\n",
        "a,b\r\n1,2\r3,4\r\n",
    ] {
        reads_as_the_csv_crate(text.as_bytes(), 12);
        let data = read_csv(write(text).path()).unwrap();
        assert_eq!(data.numeric("b").unwrap(), &[2.0, 4.0], "{text:?}");
    }
    // a bare CR inside a line, with a quote elsewhere in the file: two records, as ever
    reads_as_the_csv_crate(b"a,b\n1,2\r3,4\n\"5\",6\n", 12);
}

#[test]
fn a_byte_order_mark_is_skipped_at_the_start_only() {
    let text = "\u{feff}a,b\n1,2\n\u{feff}3,4\n";
    reads_as_the_csv_crate(text.as_bytes(), 12);
    let data = read_csv(write(text).path()).unwrap();
    assert_eq!(data.names(), ["a", "b"]);
    // mid-file it is a character: the cell is text, as the csv crate reads it
    assert!(matches!(data.column("a").unwrap(), Column::Text(_)));
    // before a quoted header, and before blank lines
    reads_as_the_csv_crate("\u{feff}\"a\",b\n1,2\n".as_bytes(), 12);
    reads_as_the_csv_crate("\u{feff}\n\na,b\n1,2\n".as_bytes(), 12);
}

/// The report's 8.4 MB file: `5" pipe` early in a text column, and later a quoted field whose
/// line break falls on a boundary between batches. Every row is read once.
#[test]
fn a_quoted_line_break_on_a_batch_boundary_makes_no_row() {
    let mut text = String::from("id,note,x\n0,5\" pipe,0\n");
    let mut rows = 1;
    while text.len() < BATCH_BYTES - 20 {
        text.push_str(&format!("{rows},plain,{rows}\n"));
        rows += 1;
    }
    // a quoted field spanning two lines, its line break near the 8 MiB mark
    text.push_str(&format!("{rows},\"two\nlines\",{rows}\n"));
    rows += 1;
    for _ in 0..1000 {
        text.push_str(&format!("{rows},plain,{rows}\n"));
        rows += 1;
    }
    let data = read_csv(write(&text).path()).unwrap();
    assert_eq!(data.n_rows(), rows);
    let x = data.numeric("x").unwrap();
    assert!(x.iter().enumerate().all(|(k, v)| *v == k as f64));
    match data.column("note").unwrap() {
        Column::Text(v) => {
            assert_eq!(v[0], "5\" pipe");
            assert!(v.iter().filter(|s| *s == "two\nlines").count() == 1);
        }
        Column::Numeric(_) => panic!("text expected"),
    }
}

/// Numbers then text in one column: the text of every cell as the file has it (`1.0`, `01`),
/// not the numbers' shortest forms.
#[test]
fn a_column_of_numbers_then_text_keeps_every_cell_as_written() {
    let text = "code,y\n01,1\n1.0,2\n1e1,3\nx,4\n";
    reads_as_the_csv_crate(text.as_bytes(), 10);
    let data = read_csv(write(text).path()).unwrap();
    assert_eq!(
        data.column("code").unwrap(),
        &Column::Text(vec!["01".into(), "1.0".into(), "1e1".into(), "x".into()])
    );
}

#[test]
fn an_unclosed_quote_is_reported_not_read_to_the_end() {
    let mut text = String::from("a,b\n1,\"open\n");
    while text.len() <= MAX_RECORD_BYTES + BATCH_BYTES {
        text.push_str("1234567,1234567\n");
    }
    let err = read_csv(write(&text).path()).unwrap_err().to_string();
    assert!(
        err.contains("line 2") && err.contains("unclosed quote"),
        "{err}"
    );
}

#[test]
fn numbers_and_text() {
    let f = write("a,b,c\n1,x,2.5\n2,y,\n");
    let d = read_csv(f.path()).unwrap();
    assert_eq!(d.numeric("a").unwrap(), &[1.0, 2.0]);
    assert!(matches!(d.column("b").unwrap(), Column::Text(_)));
    // an empty cell is a missing value: NaN in a numeric column
    let c = d.numeric("c").unwrap();
    assert!(c[0] == 2.5 && c[1].is_nan());
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
    // the same line through the csv crate's path (a quote in the piece), after a quoted line
    // break and a blank line
    let f = write("a,b\n\"x\ny\",2\n\n3\n");
    let err = read_csv(f.path()).unwrap_err().to_string();
    assert!(err.contains("line 5") && err.contains("1 fields"), "{err}");
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

/// The plain splitter reads what the csv crate reads: CRLF, blank lines, spaces, empty and text
/// cells, and reports a ragged row at the same line with the same words.
#[test]
fn plain_splitter_agrees_with_the_csv_crate() {
    let columns = || -> Vec<Building> { (0..3).map(|_| Building::new(false, false)).collect() };
    let text = b"1,a, 2.5\r\n\n3,b,-4e-3\r\n5,,6\n7,c,8";
    let (mut fast, mut slow) = (columns(), columns());
    parse_plain(text, &mut fast, 2).unwrap();
    parse_piece(text, &mut slow, 2).unwrap();
    assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    for bad in [&b"1,2,3\n4,5\n"[..], b"1,2,3\n4,5,6,7\n", b"1,2,3\n\n4,5\n"] {
        assert_eq!(
            parse_plain(bad, &mut columns(), 2).unwrap_err(),
            parse_piece(bad, &mut columns(), 2).unwrap_err()
        );
    }
    // after a blank line both name the line an editor shows
    assert_eq!(
        parse_plain(b"1,2,3\n\n4,5\n", &mut columns(), 2)
            .unwrap_err()
            .0,
        4
    );
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
    for (text, words) in [
        ("", "empty"),
        ("\n\r\n", "empty"),
        ("a,b\n", "no data rows"),
    ] {
        let err = read_csv(write(text).path()).unwrap_err().to_string();
        assert!(err.contains(words), "{text:?}: {err}");
    }
    let err = read_csv("/no/such/file.csv").unwrap_err().to_string();
    assert!(err.contains("/no/such/file.csv"), "{err}");
}

#[test]
fn written_numbers_read_back_exactly_in_short_forms() {
    let values = vec![0.1, -2.5e-300, 1e-5, 9.99e-6, 1e16, 123456.789, 0.0, -0.0];
    let f = tempfile::NamedTempFile::new().unwrap();
    write_csv(f.path(), &[("v".to_string(), values.clone())]).unwrap();
    let text = std::fs::read_to_string(f.path()).unwrap();
    assert!(text.lines().all(|l| l.len() <= 24), "{text}");
    let back = read_csv(f.path()).unwrap();
    let read: Vec<u64> = back
        .numeric("v")
        .unwrap()
        .iter()
        .map(|v| v.to_bits())
        .collect();
    let want: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
    assert_eq!(read, want);
}

/// One cell of a generated file: numbers, text, empty cells, quoted fields with commas, line
/// breaks, CRs and doubled quotes, quotes inside unquoted fields, byte-order marks.
fn cell() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "1",
        "-2.5",
        "3e2",
        " 4 ",
        "x",
        "",
        "é",
        "\"q\"",
        "\"a,b\"",
        "\"l\nm\"",
        "\"r\r\"",
        "\"c\r\n\"",
        "d\"",
        "\"\"",
        "\"x\"\"y\"",
        "\"a\"b",
        "\u{feff}",
        "\u{feff}7",
        "NaN",
    ])
    .prop_map(String::from)
}

/// A line ending, a blank line now and then.
fn ending() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n\r"])
        .prop_map(String::from)
}

/// A generated file: a header of `width` names (some quoted), rows of mostly `width` cells.
fn file() -> impl Strategy<Value = Vec<u8>> {
    (1usize..4, any::<bool>(), any::<bool>()).prop_flat_map(|(width, bom, ragged)| {
        let row = prop::collection::vec(
            cell(),
            if ragged {
                1..width + 2
            } else {
                width..width + 1
            },
        );
        (
            prop::collection::vec((row, ending()), 1..12),
            prop::sample::select(vec!["\n", "\r\n", "\r"]),
            any::<bool>(),
        )
            .prop_map(move |(rows, header_end, last_ending)| {
                let mut text = String::new();
                if bom {
                    text.push('\u{feff}');
                }
                let names: Vec<String> = (0..width)
                    .map(|j| {
                        if j == 1 {
                            format!("\"c{j}\"")
                        } else {
                            format!("c{j}")
                        }
                    })
                    .collect();
                text.push_str(&names.join(","));
                text.push_str(header_end);
                let k = rows.len();
                for (i, (cells, end)) in rows.into_iter().enumerate() {
                    text.push_str(&cells.join(","));
                    if i + 1 < k || last_ending {
                        text.push_str(&end);
                    }
                }
                text.into_bytes()
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any file, cut into batches of any size and pieces: the columns the csv crate reads from
    /// the whole file, or an error where it finds no table.
    #[test]
    fn batches_and_pieces_never_change_what_is_read(
        bytes in file(),
        batch in 1usize..40,
        pieces in 1usize..5,
    ) {
        let f = write(&bytes);
        let expected = reference(&bytes);
        let whole = read_in(&f, BATCH_BYTES, 8);
        prop_assert!(same(&whole, &expected), "{:?} != {:?}", whole, expected);
        let cut = read_in(&f, batch, pieces);
        prop_assert!(same(&cut, &expected), "{:?} != {:?}", cut, expected);
    }
}

/// Bytes that matter to a CSV reader, and any others now and then.
fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        8 => prop::sample::select(b",\"\n\r1a. -e".to_vec()),
        1 => prop::sample::select(vec![0xef, 0xbb, 0xbf, 0xff, 0x00, b'\t']),
        1 => any::<u8>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The reader as a fuzz target: any bytes at all, in batches of any size, read as the csv
    /// crate reads them or refused as it refuses them, and never a panic.
    #[test]
    fn any_bytes_read_as_the_csv_crate_reads_them(
        bytes in prop::collection::vec(byte(), 0..120),
        bom in any::<bool>(),
        batch in 1usize..24,
        pieces in 1usize..4,
    ) {
        let bytes = if bom { [BOM, &bytes].concat() } else { bytes };
        let f = write(&bytes);
        let expected = reference(&bytes);
        let cut = read_in(&f, batch, pieces);
        prop_assert!(same(&cut, &expected), "{:?} != {:?}", cut, expected);
    }
}
