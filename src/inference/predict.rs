//! Predictions of a fitted model of independent rows with delta-method standard errors: each
//! quantity the model declares ([`Likelihood::predict_obs`]: a mean, a probability, any function
//! of `θ` and a row), at the estimate, with `se(ĝᵢ) = √(∇gᵢᵀ Σ ∇gᵢ)` from the rows' exact
//! gradients in `θ` (forward-mode jets) and the fit's covariance `Σ`, and Wald intervals
//! `ĝᵢ ± z·se`.
//!
//! The model may hold other rows than the fit did (new data): the fit supplies `θ̂` and `Σ`,
//! the model the rows, so a saved fit ([`crate::persist::load_fit`]) predicts on data it never
//! saw.

use super::results::FitResult;
use crate::dist::normal_quantile;
use crate::error::{MleError, Result};
use crate::model::{Likelihood, Model, predict_rows};

/// One predicted quantity for every row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prediction {
    /// What it is (the model's name for it).
    pub name: String,
    /// The predictions, one per row.
    pub values: Vec<f64>,
    /// Their delta-method standard errors, where the fit has a covariance.
    pub std_errors: Option<Vec<f64>>,
    /// Lower ends of the Wald intervals at the fit's level.
    pub ci_lower: Option<Vec<f64>>,
    /// Upper ends.
    pub ci_upper: Option<Vec<f64>>,
}

/// What `model` predicts for its rows at the estimate of `fit`, with delta-method standard
/// errors and intervals.
///
/// # Errors
/// [`MleError::InvalidOption`] when the fit's parameters are not the model's (by name and
/// order), or the model declares nothing to predict.
pub fn predict<L: Likelihood>(model: &L, fit: &FitResult) -> Result<Vec<Prediction>> {
    let names: Vec<String> = Model::params(model).into_iter().map(|p| p.name).collect();
    let fitted: Vec<&str> = fit.params.iter().map(|p| p.name.as_str()).collect();
    if names.iter().map(String::as_str).ne(fitted.iter().copied()) {
        return Err(MleError::InvalidOption(format!(
            "the fit's parameters [{}] are not the model's [{}]",
            fitted.join(", "),
            names.join(", ")
        )));
    }
    let theta = fit.estimates();
    let quantities = predict_rows(model, &theta);
    if quantities.is_empty() {
        return Err(MleError::InvalidOption(format!(
            "model '{}' declares nothing to predict (Likelihood::predict_obs)",
            Likelihood::name(model)
        )));
    }
    let cov = fit.cov_params();
    let z = normal_quantile(0.5 + fit.level / 2.0);
    let k = theta.len();
    Ok(quantities
        .into_iter()
        .map(|q| {
            let se: Option<Vec<f64>> = cov.as_ref().map(|c| {
                q.gradients
                    .chunks_exact(k)
                    .map(|g| {
                        let v = nalgebra::DVector::from_column_slice(g);
                        (v.transpose() * c * &v)[(0, 0)].max(0.0).sqrt()
                    })
                    .collect()
            });
            let bound = |sign: f64| {
                se.as_ref().map(|se| {
                    q.values
                        .iter()
                        .zip(se)
                        .map(|(v, s)| v + sign * z * s)
                        .collect()
                })
            };
            Prediction {
                ci_lower: bound(-1.0),
                ci_upper: bound(1.0),
                name: q.name,
                values: q.values,
                std_errors: se,
            }
        })
        .collect())
}
