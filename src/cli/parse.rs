//! The command line's own value types and parsers, for clap: models and links from the
//! registry, `NAME=VALUE` pairs, the interval method.

use mle::MleError;
use mle::model::{Link, ModelKind};

/// A model of the registry, for clap.
pub(crate) fn parse_model(s: &str) -> Result<ModelKind, String> {
    s.parse().map_err(|e: MleError| e.to_string())
}

/// How `mle fit` computes its intervals.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CiMethod {
    /// Wald intervals from the covariance.
    Wald,
    /// Profile-likelihood intervals.
    Profile,
}

/// `NAME=VALUE` of `--fix`, for clap.
pub(crate) fn parse_fixed(s: &str) -> Result<(String, f64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not NAME=VALUE"))?;
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("'{}' is not a number", value.trim()))?;
    Ok((name.trim().to_string(), value))
}

/// A link, for clap.
pub(crate) fn parse_link(s: &str) -> Result<Link, String> {
    Link::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Link::ALL.iter().map(|l| l.name()).collect();
        format!("unknown link '{s}' (expected {})", names.join(", "))
    })
}
