//! The data arguments every fitting command shares, and the model frame they read.

use std::path::PathBuf;

use clap::Args;
use mle::data::{
    DesignBuilder, Formula, Missing, ModelFrame, OffsetSpec, ResponseSpec, TrialsSpec,
};

/// What to do with rows that have a missing value.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum MissingArg {
    /// Leave them out, counted in the summary and the JSON (n_dropped).
    Drop,
    /// Refuse, naming the first row and column.
    Error,
}

/// Where the data are and which columns play which part.
#[derive(Args)]
pub(crate) struct DataArgs {
    /// The data: a CSV file with a header row, or a Parquet file (by its extension, .parquet
    /// or .pq; only the columns the model uses are read).
    #[arg(long, value_name = "FILE.csv|FILE.parquet")]
    pub(crate) data: PathBuf,
    /// Response column; COLUMN=LEVEL makes a 0/1 response (species=setosa).
    #[arg(
        long,
        value_name = "COLUMN[=LEVEL]",
        required_unless_present = "formula"
    )]
    pub(crate) y: Option<String>,
    /// Covariate columns, a text column entering as a categorical factor (default: every
    /// column but the response, trials, offset, exposure, clusters and weights).
    #[arg(
        long,
        value_name = "COL,COL,...",
        value_delimiter = ',',
        conflicts_with = "formula"
    )]
    pub(crate) x: Option<Vec<String>>,
    /// The model as a formula, in R's and patsy's notation: "y ~ a + C(g) + a:b + log(c) +
    /// I(d**2) + offset(log(t)) - 1"; instead of --y and --x.
    #[arg(long, value_name = "\"Y ~ TERMS\"", conflicts_with = "y")]
    pub(crate) formula: Option<String>,
    /// Rows with a missing value (an empty cell, NA, NaN or nan) in a column the model uses:
    /// drop them and count them, or refuse naming the first.
    #[arg(long, value_enum, default_value_t = MissingArg::Drop)]
    pub(crate) missing: MissingArg,
    /// Memory for the design (512MB, 2GB, 1.5GiB): a plain numeric CSV whose design would take
    /// more is written to an unnamed temporary file as it is read, and each pass of the fit
    /// reads it a window at a time, with the same results (default: half the machine's memory)
    #[arg(long, value_name = "SIZE", value_parser = mle::data::parse_size)]
    pub(crate) memory: Option<usize>,
    /// Fit without an intercept.
    #[arg(long)]
    pub(crate) no_intercept: bool,
    /// Drop columns that are linear combinations of earlier ones, and report them (without
    /// it such a design exits 3 naming them).
    #[arg(long)]
    pub(crate) drop_collinear: bool,
}

/// The columns (or values) that play a part other than a covariate's, as the command line
/// gives them.
#[derive(Default)]
pub(crate) struct Parts<'a> {
    /// `--trials`: a column, or one number for every row.
    pub(crate) trials: Option<&'a str>,
    /// `--offset` or `--exposure`.
    pub(crate) offset: Option<OffsetSpec>,
    /// `--cluster`.
    pub(crate) clusters: &'a [String],
    /// `--weights`.
    pub(crate) weights: Option<&'a str>,
}

/// The frame of `d` with the trials, offset, cluster and weight columns asked for; with
/// `--drop-collinear`, without its aliased columns, which come back beside it.
///
/// # Errors
/// Those of reading the data and building the frame.
pub(crate) fn frame(
    d: &DataArgs,
    parts: Parts<'_>,
) -> mle::Result<(ModelFrame, Vec<mle::data::Alias>)> {
    let Parts {
        trials,
        offset,
        clusters,
        weights,
    } = parts;
    let builder = match (&d.formula, &d.y) {
        (Some(f), _) => DesignBuilder::from_formula(Formula::parse(f)?),
        (None, Some(y)) => DesignBuilder::new(ResponseSpec::parse(y)),
        (None, None) => {
            return Err(mle::MleError::InvalidOption("give --y or --formula".into()));
        }
    };
    let mut builder = builder.intercept(!d.no_intercept).missing(match d.missing {
        MissingArg::Drop => Missing::Drop,
        MissingArg::Error => Missing::Error,
    });
    if let Some(bytes) = d.memory.or_else(mle::data::default_memory_budget) {
        builder = builder.memory(bytes);
    }
    for c in clusters {
        builder = builder.cluster(c.trim());
    }
    if let Some(offset) = offset {
        builder = builder.offset(offset);
    }
    if let Some(w) = weights {
        builder = builder.weights(w.trim());
    }
    if let Some(x) = &d.x {
        // `--x ""` asks for no covariates (the intercept alone)
        builder = builder.columns(
            x.iter()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
        );
    }
    if let Some(t) = trials {
        builder = builder.trials(match t.trim().parse::<f64>() {
            Ok(n) => TrialsSpec::Constant(n),
            Err(_) => TrialsSpec::Column(t.trim().to_string()),
        });
    }
    let frame = builder.read(&d.data)?;
    Ok(if d.drop_collinear {
        frame.without_aliased()
    } else {
        (frame, Vec::new())
    })
}
