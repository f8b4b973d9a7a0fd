//! Data in: a typed [`Dataset`], a CSV reader and the [`DesignBuilder`] that turns columns into a
//! design matrix and a response.

mod batches;
mod csv;
mod dataset;
mod design;
mod frame;
pub mod rank;
mod records;
mod stream;

pub use batches::MAX_RECORD_BYTES;
pub use csv::{NamedColumn, read_csv, shortest, write_csv, write_csv_to};
pub use dataset::{Column, Dataset};
pub use design::{Design, DesignBuilder, INTERCEPT};
pub use frame::{ModelFrame, OffsetSpec, ResponseSpec, TrialsSpec};
pub use rank::{Alias, RANK_TOL};
