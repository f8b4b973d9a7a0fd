//! Data in: a typed [`Dataset`], a CSV reader and the [`DesignBuilder`] that turns columns into a
//! design matrix and a response.

mod batches;
mod csv;
mod dataset;
mod design;
mod stream;

pub use csv::{NamedColumn, read_csv, write_csv};
pub use dataset::{Column, Dataset};
pub use design::{Design, DesignBuilder, INTERCEPT, ModelFrame, ResponseSpec, TrialsSpec};
