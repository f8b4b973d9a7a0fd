//! Predictions from a saved model on new data: the formula and coding of the fit applied to
//! the rows, a row with a missing value in a column the model reads left as NaN (an empty
//! cell), so that predictions stay aligned with the input rows.

use super::SavedModel;
use crate::data::{Dataset, Design, Formula, Missing, Terms};
use crate::error::{MleError, Result};

impl SavedModel {
    /// Predictions for every row of `data`: the mean `g⁻¹(o + xβ)` ([`SavedModel::mean_name`]
    /// says what it is: the probability of success for the binomial models, the mean for the
    /// others).
    ///
    /// # Errors
    /// [`MleError::UnknownColumn`] or [`MleError::BadValue`] when `data` lacks a column the model
    /// needs or has a bad value in one; [`MleError::Numerical`] when a prediction is not a
    /// finite number (a linear predictor that overflows), naming the row.
    pub fn predict(&self, data: &Dataset) -> Result<Vec<f64>> {
        let estimates = self.fit.estimates();
        if self.is_proportion() && self.offset.is_none() {
            // the proportion: the same probability for every row
            return Ok(vec![estimates[0]; data.n_rows()]);
        }
        let (design, offset, rows) = self.design_of(data)?;
        let predictions = self
            .model
            .predict(&design, &estimates, self.link(), offset.as_deref());
        finite(data, &predictions, &rows)?;
        Ok(scatter(&predictions, &rows, data.n_rows()))
    }

    /// The predictions for the rows of `data` with standard errors and intervals, for the
    /// linear predictor and the mean ([`crate::inference::predict_linear`]), at the saved fit's
    /// level and under its covariance.
    ///
    /// # Errors
    /// As [`SavedModel::predict`], and when the fit has no covariance.
    pub fn predict_with_intervals(
        &self,
        data: &Dataset,
    ) -> Result<crate::inference::LinearPrediction> {
        if self.is_proportion() && self.offset.is_none() {
            // the proportion: the fit's own estimate and interval for every row
            return crate::inference::LinearPrediction::of_proportion(
                &self.fit.params[0],
                data.n_rows(),
            );
        }
        let (design, offset, rows) = self.design_of(data)?;
        let p =
            crate::inference::predict_linear(&self.fit, &design, self.link(), offset.as_deref())?;
        finite(data, &p.mean, &rows)?;
        let n = data.n_rows();
        let all = |v: &[f64]| scatter(v, &rows, n);
        Ok(crate::inference::LinearPrediction {
            eta: all(&p.eta),
            eta_se: all(&p.eta_se),
            eta_lower: all(&p.eta_lower),
            eta_upper: all(&p.eta_upper),
            mean: all(&p.mean),
            mean_se: all(&p.mean_se),
            mean_lower: all(&p.mean_lower),
            mean_upper: all(&p.mean_upper),
        })
    }

    /// The design of the rows of `data` with a value in every column the model reads, coded
    /// as in fitting, their offset, and those rows (0-based).
    fn design_of(&self, data: &Dataset) -> Result<(Design, Option<Vec<f64>>, Vec<usize>)> {
        let terms = match &self.terms {
            Some(t) => t.clone(),
            None => Terms {
                formula: Formula::of_columns(&self.response, &self.columns)?
                    .text()
                    .to_string(),
                intercept: self.intercept,
                categorical: Vec::new(),
            },
        };
        let formula = Formula::parse(&terms.formula)?;
        let mut used: Vec<String> = formula.columns(false).into_iter().map(|(c, _)| c).collect();
        used.extend(self.offset.as_ref().map(|o| o.column().to_string()));
        for c in &used {
            data.column(c)?;
        }
        let complete = Missing::Drop.complete(data, &used)?;
        let rows = complete.rows;
        let selected;
        let data = if complete.dropped > 0 {
            selected = data.select(&used, &rows)?;
            &selected
        } else {
            data
        };
        let (design, from_formula) = terms.design(data)?;
        if design.covariates() != self.columns.as_slice() {
            return Err(MleError::Design(format!(
                "the saved formula \"{}\" codes the columns [{}] from these data, but the saved \
                 fit is of [{}]: the model file was changed after it was written",
                terms.formula,
                design.covariates().join(", "),
                self.columns.join(", ")
            )));
        }
        let offset = self.offset.as_ref().map(|o| o.read(data)).transpose()?;
        let offset = match (offset, from_formula) {
            (Some(a), Some(b)) => Some(a.iter().zip(&b).map(|(a, b)| a + b).collect()),
            (a, b) => a.or(b),
        };
        Ok((design, offset, rows))
    }
}

/// `values` of the `rows` (0-based) placed among `n` rows, NaN (a missing value) elsewhere.
fn scatter(values: &[f64], rows: &[usize], n: usize) -> Vec<f64> {
    if rows.len() == n {
        return values.to_vec();
    }
    let mut out = vec![f64::NAN; n];
    for (v, &i) in values.iter().zip(rows) {
        out[i] = *v;
    }
    out
}

/// The error for the first prediction that is not finite, if any, naming its row of `data`
/// (`rows[i]`, 0-based, for prediction `i`).
fn finite(data: &Dataset, predictions: &[f64], rows: &[usize]) -> Result<()> {
    match predictions.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(MleError::Numerical(format!(
            "{}: row {}: the prediction is {} (the linear predictor overflows double precision \
             with this model's estimates)",
            data.source(),
            data.source_row(rows[i]) + 1,
            predictions[i]
        ))),
    }
}
