//! Data in: a typed [`Dataset`], a CSV reader and the [`DesignBuilder`] that turns columns into a
//! design matrix and a response.

mod batches;
mod builder;
mod csv;
mod dataset;
mod design;
pub mod formula;
mod frame;
mod missing;
mod parquet;
mod parquet_stream;
pub mod rank;
mod records;
mod store;
mod stream;

pub use batches::MAX_RECORD_BYTES;
pub use builder::DesignBuilder;
pub use csv::{NamedColumn, read_csv, shortest, write_csv, write_csv_to};
pub use dataset::{Column, Dataset};
pub use design::{Design, INTERCEPT};
pub use formula::{Formula, Terms};
pub use frame::{
    ModelFrame, OffsetSpec, ResponseSpec, TrialsSpec, is_frequency_weight, observations,
};
pub use missing::{MISSING, Missing, is_missing};
pub use parquet::{is_parquet, parquet_columns, read_parquet};
pub use rank::{Alias, RANK_TOL};
pub use store::{Spill, SpillWriter, Store, WINDOW_BYTES, default_memory_budget, parse_size};

/// The table at `path`: Parquet by its extension ([`is_parquet`]), otherwise CSV.
///
/// # Errors
/// As [`read_parquet`] and [`read_csv`].
pub fn read_table(path: impl AsRef<std::path::Path>) -> crate::error::Result<Dataset> {
    let path = path.as_ref();
    if is_parquet(path) {
        read_parquet(path, None)
    } else {
        read_csv(path)
    }
}
