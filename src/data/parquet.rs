//! Reading a [`Dataset`] from a Parquet file, only the columns asked for, row group by row
//! group (arrow-rs's `parquet` reader).
//!
//! Numeric columns (floating point, integers, booleans as 0/1) become
//! [`Column::Numeric`], a null as NaN (a missing value); strings (plain, large, views and
//! dictionary-encoded) become [`Column::Text`], a null as an empty cell (missing). Other types
//! (dates, lists, structs) are refused, naming the column and its type.

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::dataset::{Column, Dataset};
use crate::error::{MleError, Result};

/// Whether `path` names a Parquet file (by its extension, `.parquet` or `.pq`).
pub fn is_parquet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
}

pub(super) fn error(path: &Path, message: impl std::fmt::Display) -> MleError {
    MleError::Csv {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// The names of the columns of the Parquet file at `path`, from its footer.
///
/// # Errors
/// [`MleError::Io`]; [`MleError::Csv`] when the file is not Parquet.
pub fn parquet_columns(path: impl AsRef<Path>) -> Result<Vec<String>> {
    let path = path.as_ref();
    let builder = open(path)?;
    Ok(builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect())
}

pub(super) fn open(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>> {
    let file = File::open(path).map_err(|source| MleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| error(path, e))
}

/// The Parquet file at `path`, only its columns named in `columns` (all of them for `None`),
/// in the file's order.
///
/// # Errors
/// [`MleError::Io`]; [`MleError::Csv`] for a file that is not Parquet, a column of a type
/// that is neither numbers nor text; [`MleError::UnknownColumn`].
pub fn read_parquet(path: impl AsRef<Path>, columns: Option<&[String]>) -> Result<Dataset> {
    let path = path.as_ref();
    let builder = open(path)?;
    let schema = builder.schema().clone();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let wanted: Vec<usize> = match columns {
        None => (0..names.len()).collect(),
        Some(cs) => {
            for c in cs {
                if !names.contains(c) {
                    return Err(MleError::UnknownColumn {
                        source_name: path.display().to_string(),
                        column: c.clone(),
                        available: names.join(", "),
                    });
                }
            }
            (0..names.len())
                .filter(|&i| cs.contains(&names[i]))
                .collect()
        }
    };
    // top-level fields as roots: every leaf of a nested one, which is then refused by type
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().copied());
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| error(path, e))?;
    let mut out: Vec<(String, Column)> = wanted
        .iter()
        .map(|&i| {
            let f = &schema.fields()[i];
            let column = if is_text(f.data_type()) {
                Column::Text(Vec::new())
            } else {
                Column::Numeric(Vec::new())
            };
            (f.name().clone(), column)
        })
        .collect();
    for batch in reader {
        let batch = batch.map_err(|e| error(path, e))?;
        for (k, (name, column)) in out.iter_mut().enumerate() {
            append(path, name, column, batch.column(k))?;
        }
    }
    let data = Dataset::new(path.display().to_string(), out)?;
    if data.n_rows() == 0 {
        return Err(error(path, "the file has no rows"));
    }
    Ok(data)
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

/// Appends `array`'s values to `column`.
fn append(path: &Path, name: &str, column: &mut Column, array: &ArrayRef) -> Result<()> {
    let n = array.len();
    match column {
        Column::Text(v) => {
            v.reserve(n);
            let text = strings(array).ok_or_else(|| unsupported(path, name, array.data_type()))?;
            v.extend(text);
        }
        Column::Numeric(v) => {
            v.reserve(n);
            let get = numbers(array).ok_or_else(|| unsupported(path, name, array.data_type()))?;
            v.extend((0..n).map(|i| if array.is_null(i) { f64::NAN } else { get(i) }));
        }
    }
    Ok(())
}

fn unsupported(path: &Path, name: &str, t: &DataType) -> MleError {
    error(
        path,
        format!("column '{name}' holds {t}, which is neither numbers nor text"),
    )
}

/// The cells of a string array, a null as an empty cell.
fn strings(a: &ArrayRef) -> Option<Vec<String>> {
    let cell = |c: Option<&str>| c.unwrap_or("").to_string();
    Some(match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().iter().map(cell).collect(),
        DataType::LargeUtf8 => a.as_string::<i64>().iter().map(cell).collect(),
        DataType::Utf8View => a.as_string_view().iter().map(cell).collect(),
        DataType::Dictionary(..) => {
            let d = a.as_any_dictionary();
            let values = strings(d.values())?;
            let keys = d.normalized_keys();
            (0..a.len())
                .map(|i| {
                    if a.is_null(i) {
                        String::new()
                    } else {
                        values[keys[i]].clone()
                    }
                })
                .collect()
        }
        _ => return None,
    })
}

/// The value of row `i` as a number, for the numeric types.
pub(super) fn numbers(a: &ArrayRef) -> Option<Box<dyn Fn(usize) -> f64 + '_>> {
    macro_rules! of {
        ($t:ty) => {{
            let p = a.as_primitive::<$t>();
            Some(Box::new(move |i| p.value(i) as f64))
        }};
    }
    match a.data_type() {
        DataType::Float64 => of!(Float64Type),
        DataType::Float32 => of!(Float32Type),
        DataType::Int8 => of!(Int8Type),
        DataType::Int16 => of!(Int16Type),
        DataType::Int32 => of!(Int32Type),
        DataType::Int64 => of!(Int64Type),
        DataType::UInt8 => of!(UInt8Type),
        DataType::UInt16 => of!(UInt16Type),
        DataType::UInt32 => of!(UInt32Type),
        DataType::UInt64 => of!(UInt64Type),
        DataType::Boolean => {
            let b = a.as_boolean();
            Some(Box::new(move |i| f64::from(u8::from(b.value(i)))))
        }
        _ => None,
    }
}
