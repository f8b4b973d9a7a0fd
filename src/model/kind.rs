//! The built-in models by name, for callers that choose a model at run time (the command line).

use std::str::FromStr;

use super::{Binomial, Gaussian, Logistic, Proportion};
use crate::data::{Design, ModelFrame};
use crate::error::{MleError, Result};
use crate::fit::build_and_fit;
use crate::inference::FitResult;
use crate::odds::sigmoid;
use crate::optim::{FitOptions, Observer};

/// A built-in model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Bernoulli logistic regression (alias `bernoulli`).
    Logistic,
    /// Binomial regression on successes out of trials; with no covariates, the proportion.
    Binomial,
    /// Gaussian linear regression (alias `linear`).
    Gaussian,
}

impl FromStr for ModelKind {
    type Err = MleError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "logistic" | "bernoulli" => Ok(Self::Logistic),
            "binomial" => Ok(Self::Binomial),
            "gaussian" | "linear" => Ok(Self::Gaussian),
            other => Err(MleError::InvalidOption(format!(
                "unknown model '{other}' (expected logistic, binomial or gaussian)"
            ))),
        }
    }
}

impl ModelKind {
    /// The model's name in results.
    pub fn name(self) -> &'static str {
        match self {
            Self::Logistic => "logistic",
            Self::Binomial => "binomial",
            Self::Gaussian => "gaussian",
        }
    }

    /// Builds this model from a frame and fits it. A binomial frame whose design is the intercept
    /// alone is fitted as the proportion `p` (the coin-flip model).
    ///
    /// # Errors
    /// Invalid data for the model (named rows), missing trials for binomial, and fit errors.
    pub fn fit(
        self,
        frame: &ModelFrame,
        options: &FitOptions,
        observer: &mut dyn Observer,
    ) -> Result<FitResult> {
        let d = &frame.design;
        match self {
            Self::Logistic => {
                build_and_fit(|| Logistic::new(d, &frame.response), options, observer)
            }
            Self::Gaussian => {
                build_and_fit(|| Gaussian::new(d, &frame.response), options, observer)
            }
            Self::Binomial => {
                let trials = frame.trials.as_ref().ok_or_else(|| MleError::Model {
                    model: "binomial".into(),
                    message: "the number of trials is needed (a column, or one number for \
                              every row)"
                        .into(),
                })?;
                if d.n_cols() == 1 && d.has_intercept() {
                    build_and_fit(
                        || Proportion::new(&frame.response, trials),
                        options,
                        observer,
                    )
                } else {
                    build_and_fit(
                        || Binomial::new(d, &frame.response, trials),
                        options,
                        observer,
                    )
                }
            }
        }
    }

    /// Predictions for the rows of `design` from coefficients `beta` (in the design's column
    /// order): the probability of success for logistic and binomial, the mean for gaussian.
    pub fn predict(self, design: &Design, beta: &[f64]) -> Vec<f64> {
        let eta = design.linear_predictor(beta);
        match self {
            Self::Logistic | Self::Binomial => eta.into_iter().map(sigmoid).collect(),
            Self::Gaussian => eta,
        }
    }
}
