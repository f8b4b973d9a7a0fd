//! The data arguments every fitting command shares, and the model frame they read.

use std::path::PathBuf;

use clap::Args;
use mle::data::{DesignBuilder, ModelFrame, OffsetSpec, ResponseSpec, TrialsSpec};

/// Where the data are and which columns play which part.
#[derive(Args)]
pub(crate) struct DataArgs {
    /// CSV file with a header row.
    #[arg(long, value_name = "FILE.csv")]
    pub(crate) data: PathBuf,
    /// Response column; COLUMN=LEVEL makes a 0/1 response (species=setosa).
    #[arg(long, value_name = "COLUMN[=LEVEL]")]
    pub(crate) y: String,
    /// Covariate columns (default: every numeric column but the response, trials, offset and
    /// exposure).
    #[arg(long, value_name = "COL,COL,...", value_delimiter = ',')]
    pub(crate) x: Option<Vec<String>>,
    /// Fit without an intercept.
    #[arg(long)]
    pub(crate) no_intercept: bool,
    /// Drop columns that are linear combinations of earlier ones, and report them (without
    /// it such a design exits 3 naming them).
    #[arg(long)]
    pub(crate) drop_collinear: bool,
}

/// The frame of `d` with the trials, offset and cluster columns asked for; with
/// `--drop-collinear`, without its aliased columns, which come back beside it.
///
/// # Errors
/// Those of reading the CSV and building the frame.
pub(crate) fn frame(
    d: &DataArgs,
    trials: Option<&str>,
    offset: Option<OffsetSpec>,
    clusters: &[String],
) -> mle::Result<(ModelFrame, Vec<mle::data::Alias>)> {
    let mut builder = DesignBuilder::new(ResponseSpec::parse(&d.y)).intercept(!d.no_intercept);
    for c in clusters {
        builder = builder.cluster(c.trim());
    }
    if let Some(offset) = offset {
        builder = builder.offset(offset);
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
    let frame = builder.read_csv(&d.data)?;
    Ok(if d.drop_collinear {
        frame.without_aliased()
    } else {
        (frame, Vec::new())
    })
}
