//! Typed errors: every variant carries the context a user needs to fix the problem.

use std::path::PathBuf;

/// The crate's result type.
pub type Result<T, E = MleError> = std::result::Result<T, E>;

/// Everything that can go wrong between reading data and reporting a fit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MleError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read file: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("{path}: cannot {operation}: {source}")]
    Write {
        /// The file asked for.
        path: PathBuf,
        /// What was being done: "write", "flush to disk", "rename over it", ...
        operation: &'static str,
        /// The underlying error ("No space left on device", ...).
        source: std::io::Error,
    },
    /// Memory for the data could not be allocated.
    #[error(
        "not enough memory for {what}: {} could not be allocated",
        crate::alloc::human_bytes(*bytes)
    )]
    OutOfMemory {
        /// What the memory was for.
        what: String,
        /// How many bytes it needed.
        bytes: usize,
    },
    /// A saved model file is not one this program wrote, or has been changed since.
    #[error("{path}: {message}")]
    ModelFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A plot could not be drawn or written.
    #[error("{path}: cannot write the plot: {message}")]
    Plot {
        /// The SVG file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A CSV file is malformed (ragged rows, bad encoding, empty, ...).
    #[error("{path}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the row where known.
        message: String,
    },
    /// A value could not be used: not a number, missing, NaN or infinite, out of range.
    #[error("{source_name}: row {row}, column '{column}': {message}")]
    BadValue {
        /// Where the data came from (a file name, or "data").
        source_name: String,
        /// 1-based data row (the header is row 0).
        row: usize,
        /// The column.
        column: String,
        /// What was expected.
        message: String,
    },
    /// A column that was asked for does not exist.
    #[error("{source_name}: no column named '{column}' (columns: {available})")]
    UnknownColumn {
        /// Where the data came from.
        source_name: String,
        /// The missing column.
        column: String,
        /// The columns that do exist, comma-separated.
        available: String,
    },
    /// The data cannot identify the model (too few rows, constant or duplicated columns, ...).
    #[error("{0}")]
    Design(String),
    /// A model formula cannot be read or does not fit the data; the message draws the formula
    /// with the place marked.
    #[error("formula:\n{0}")]
    Formula(String),
    /// A parameter of a builder or an option is out of its range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// Columns of the design are linear combinations of the columns before them (exactly, or
    /// to [`crate::data::RANK_TOL`] of their norm): the coefficients are not identified.
    #[error(
        "the design matrix is rank deficient: {}, so {} not identified: drop {} (mle: \
         --drop-collinear does that and reports {2})",
        relations(aliased),
        quoted(aliased),
        if aliased.len() == 1 { "it" } else { "them" }
    )]
    Collinear {
        /// The aliased columns, in order, each with the combination of earlier columns it equals.
        aliased: Vec<crate::data::Alias>,
    },
    /// The log-likelihood or its gradient is not finite at the starting values.
    #[error(
        "the log-likelihood is not finite at the starting values ({value}); check the data and the starting values"
    )]
    NonFiniteStart {
        /// The value found.
        value: f64,
    },
    /// A model was asked to do something its data do not support.
    #[error("model '{model}': {message}")]
    Model {
        /// The model.
        model: String,
        /// What is wrong.
        message: String,
    },
    /// The arithmetic overflowed or lost all precision (data on scales near the limits of
    /// double precision): no number can be reported.
    #[error("numerical failure: {0}")]
    Numerical(String),
    /// The optimizer failed internally.
    #[error("optimizer: {0}")]
    Optimizer(String),
    /// The fit ended without converging, or the maximum does not exist.
    #[error("the fit did not converge: {reason}")]
    NotConverged {
        /// The reason, in words.
        reason: String,
    },
    /// Serialization of results failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// `z = 1·x + 1·w; 'c' is constant (every row is 5)`.
fn relations(aliased: &[crate::data::Alias]) -> String {
    let r: Vec<String> = aliased.iter().map(crate::data::Alias::describe).collect();
    r.join("; ")
}

/// `the coefficient of 'z' is`, `the coefficients of 'z', 'v' are`.
fn quoted(aliased: &[crate::data::Alias]) -> String {
    let r: Vec<String> = aliased.iter().map(|a| format!("'{}'", a.column)).collect();
    match r.len() {
        1 => format!("the coefficient of {} is", r[0]),
        _ => format!("the coefficients of {} are", r.join(", ")),
    }
}
