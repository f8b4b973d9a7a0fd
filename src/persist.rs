//! Fitted models on disk: a JSON file that holds what prediction needs (the model, its columns,
//! the estimates) and the full fit, written atomically, and checked for consistency when read.

use std::path::Path;

use crate::data::{Formula, INTERCEPT, ModelFrame, OffsetSpec, Terms};
use crate::error::{MleError, Result};
use crate::inference::FitResult;
use crate::model::{Constraint, Link, ModelKind};
use crate::output::write_file;

/// The `format` tag of a saved model file.
pub const FORMAT: &str = "mle-model";
/// The version of the saved model format this build writes and reads.
pub const VERSION: u32 = 1;

/// A fitted model as saved by `mle fit --save`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedModel {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// Which model (a name in [`crate::model::MODELS`]).
    pub model: ModelKind,
    /// Its link, where it is not the model's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    /// The response, as given (`species=setosa`).
    pub response: String,
    /// The covariate columns, in order (no intercept).
    pub columns: Vec<String>,
    /// Whether the design had an intercept.
    pub intercept: bool,
    /// The offset, read from the same column of new data to predict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<OffsetSpec>,
    /// The formula with the coding learnt in fitting (levels, references), applied to new data
    /// (files written before formulas: the `columns`, each as it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<Terms>,
    /// The fit.
    pub fit: FitResult,
}

/// Relative agreement required between numbers a saved model states twice (a z value and its
/// estimate over its standard error, a variance and the square of a standard error, AIC and
/// the log-likelihood): JSON keeps every bit, so only an edited or damaged file disagrees.
const CONSISTENCY_TOL: f64 = 1e-9;

/// The largest model file read: far beyond any model this program writes.
const MAX_MODEL_BYTES: u64 = 64 << 20;

impl SavedModel {
    /// A saved model for a fit of `model` with `link` on `frame`.
    pub fn new(model: ModelKind, link: Link, frame: &ModelFrame, fit: FitResult) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            model,
            link: (link != model.link).then_some(link),
            response: frame.response_name.clone(),
            columns: frame.design.covariates().to_vec(),
            intercept: frame.design.has_intercept(),
            offset: frame.offset_spec.clone(),
            terms: frame.terms.clone(),
            fit,
        }
    }

    /// The model's link.
    pub fn link(&self) -> Link {
        self.link.unwrap_or(self.model.link)
    }

    /// What a prediction is: `probability` or `mean`.
    pub fn mean_name(&self) -> &'static str {
        self.model.mean_name()
    }

    /// Whether the fit is the binomial proportion `p` rather than coefficients.
    fn is_proportion(&self) -> bool {
        self.model.name() == "binomial" && self.columns.is_empty() && self.intercept
    }

    /// Writes the model as JSON ([`write_file`]: atomically, through links). A fit that did not
    /// converge is refused: its numbers are not estimates. [`SavedModel::save_unconverged`]
    /// saves one anyway.
    ///
    /// # Errors
    /// [`MleError::NotConverged`] for a fit that did not converge; [`MleError::Write`].
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        if !self.fit.convergence.converged {
            return Err(MleError::NotConverged {
                reason: format!(
                    "{}; the model was not saved to {} (`mle fit --save-unconverged` saves it \
                     anyway)",
                    self.fit.convergence.reason.describe(),
                    path.as_ref().display()
                ),
            });
        }
        self.save_unconverged(path)
    }

    /// As [`SavedModel::save`], also for a fit that did not converge ([`SavedModel::load`] reads
    /// it back; `mle predict` warns when it uses one).
    ///
    /// # Errors
    /// [`MleError::Write`].
    pub fn save_unconverged(&self, path: impl AsRef<Path>) -> Result<()> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        write_file(path.as_ref(), json.as_bytes())
    }

    /// Reads a saved model and checks that it is one this program could have written: the
    /// format and version, parameter names that match the model and its columns in order,
    /// finite estimates, standard errors and covariance, and the numbers it states twice (z
    /// values, variances, AIC/BIC) in agreement.
    ///
    /// # Errors
    /// [`MleError::Io`] when it cannot be read; [`MleError::ModelFile`] naming the file and what
    /// is wrong when it is not JSON, not an `mle` model, of another version, or inconsistent.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bad = |message: String| MleError::ModelFile {
            path: path.to_path_buf(),
            message,
        };
        let value = read_tagged(path, FORMAT, "model")?;
        let saved: Self =
            serde_json::from_value(value).map_err(|e| bad(format!("corrupt model file ({e})")))?;
        saved
            .check()
            .map_err(|m| bad(format!("corrupt or edited model file: {m}")))?;
        Ok(saved)
    }

    /// The parameters a fit of this model on these columns has, in order, with their
    /// constraints.
    fn expected_params(&self) -> Vec<(String, Constraint)> {
        if self.is_proportion() {
            return vec![("p".into(), Constraint::UnitInterval)];
        }
        let mut params = Vec::with_capacity(self.columns.len() + 2);
        if self.intercept {
            params.push((INTERCEPT.to_string(), Constraint::Free));
        }
        params.extend(self.columns.iter().map(|c| (c.clone(), Constraint::Free)));
        if let Some(aux) = self.model.family.aux() {
            params.push((aux.into(), Constraint::Positive));
        }
        params
    }

    /// The invariants of a model file this program writes, or what breaks them.
    fn check(&self) -> std::result::Result<(), String> {
        let fit = &self.fit;
        if !self.model.links().contains(&self.link()) {
            return Err(format!(
                "the {} model does not take the link {}",
                self.model.name(),
                self.link()
            ));
        }
        if fit.model != self.model.name() {
            return Err(format!(
                "a '{}' model holds the fit of a '{}' model",
                self.model.name(),
                fit.model
            ));
        }
        for (i, c) in self.columns.iter().enumerate() {
            if c.is_empty() || (self.intercept && c == INTERCEPT) || self.columns[..i].contains(c) {
                return Err(format!("column name '{c}' is empty, reserved or repeated"));
            }
        }
        let expected = self.expected_params();
        let names: Vec<&str> = fit.params.iter().map(|p| p.name.as_str()).collect();
        let expected_names: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
        if names != expected_names {
            return Err(format!(
                "its parameters are [{}], but a {} model on the columns [{}]{} has [{}]",
                names.join(", "),
                self.model.name(),
                self.columns.join(", "),
                if self.intercept {
                    " with an intercept"
                } else {
                    ""
                },
                expected_names.join(", ")
            ));
        }
        for (p, (_, constraint)) in fit.params.iter().zip(&expected) {
            check_param(p, *constraint)?;
        }
        if let Some(terms) = &self.terms {
            check_terms(terms, self.intercept, &self.columns)?;
        }
        check_fit_numbers(fit)
    }
}

/// A saved formula that parses, with the intercept of the saved columns, and (for a formula
/// of plain columns, which codes each column as itself) those very columns in order; a formula
/// with factors is held to its columns when it codes new data.
fn check_terms(
    terms: &Terms,
    intercept: bool,
    columns: &[String],
) -> std::result::Result<(), String> {
    let formula = Formula::parse(&terms.formula)
        .map_err(|e| format!("its formula \"{}\" does not parse: {e}", terms.formula))?;
    if terms.intercept != intercept {
        return Err(format!(
            "its formula \"{}\" and its columns disagree on the intercept",
            terms.formula
        ));
    }
    match formula.plain_columns() {
        Some(plain) if plain != columns => Err(format!(
            "its formula \"{}\" has the columns [{}], its fit [{}]",
            terms.formula,
            plain.join(", "),
            columns.join(", ")
        )),
        _ => Ok(()),
    }
}

#[path = "persist_predict.rs"]
mod predict;

/// The `format` tag of a saved fit of any model ([`save_fit`]).
pub const FIT_FORMAT: &str = "mle-fit";

/// A fit of any model, as [`save_fit`] writes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct SavedFit {
    format: String,
    version: u32,
    fit: FitResult,
}

/// Writes the fit of any model, user-written ones included, as JSON (atomically, through
/// links), for [`load_fit`] and [`crate::inference::predict`] on new data. A fit that did not
/// converge is refused.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::Logistic;
/// use mle::persist::{load_fit, save_fit};
/// use mle::{fit, FitOptions};
/// let x = Design::from_columns(&["x"], &[vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0]], true)?;
/// let r = fit(&Logistic::new(&x, &[0.0, 0.0, 1.0, 0.0, 1.0, 1.0])?, &FitOptions::default())?;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("fit.json");
/// save_fit(&r, &path)?;
/// assert_eq!(load_fit(&path)?, r);
/// # Ok::<(), mle::MleError>(())
/// ```
///
/// # Errors
/// [`MleError::NotConverged`] for a fit that did not converge; [`MleError::Write`].
pub fn save_fit(fit: &FitResult, path: impl AsRef<Path>) -> Result<()> {
    if !fit.convergence.converged {
        return Err(MleError::NotConverged {
            reason: format!(
                "{}; the fit was not saved to {}",
                fit.convergence.reason.describe(),
                path.as_ref().display()
            ),
        });
    }
    let saved = SavedFit {
        format: FIT_FORMAT.into(),
        version: VERSION,
        fit: fit.clone(),
    };
    let mut json = serde_json::to_string_pretty(&saved)?;
    json.push('\n');
    write_file(path.as_ref(), json.as_bytes())
}

/// Reads a fit [`save_fit`] wrote and checks it as [`SavedModel::load`] checks a model: finite
/// estimates within their ranges, standard errors, z values, covariance and AIC/BIC in
/// agreement.
///
/// # Errors
/// [`MleError::Io`] when it cannot be read; [`MleError::ModelFile`] naming the file and what is
/// wrong when it is not a saved fit of this version or is inconsistent.
pub fn load_fit(path: impl AsRef<Path>) -> Result<FitResult> {
    let path = path.as_ref();
    let bad = |message: String| MleError::ModelFile {
        path: path.to_path_buf(),
        message,
    };
    let value = read_tagged(path, FIT_FORMAT, "fit")?;
    let saved: SavedFit =
        serde_json::from_value(value).map_err(|e| bad(format!("corrupt fit file ({e})")))?;
    let fit = saved.fit;
    let check = || -> std::result::Result<(), String> {
        for p in &fit.params {
            check_param(p, p.constraint)?;
        }
        check_fit_numbers(&fit)
    };
    check().map_err(|m| bad(format!("corrupt or edited fit file: {m}")))?;
    Ok(fit)
}

/// The JSON of a file of `format` and [`VERSION`], read within [`MAX_MODEL_BYTES`].
fn read_tagged(path: &Path, format: &str, what: &str) -> Result<serde_json::Value> {
    let bad = |message: String| MleError::ModelFile {
        path: path.to_path_buf(),
        message,
    };
    let io = |source| MleError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_MODEL_BYTES {
        return Err(bad(format!(
            "{size} bytes is larger than any model file (at most {MAX_MODEL_BYTES})"
        )));
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| bad(format!("not a valid JSON model file ({e})")))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(format) {
        return Err(bad(format!(
            "not an mle {what} file (no \"format\": \"{format}\"); save one with {}",
            if what == "model" {
                "`mle fit --save`"
            } else {
                "mle::persist::save_fit"
            }
        )));
    }
    if value.get("version").and_then(serde_json::Value::as_u64) != Some(u64::from(VERSION)) {
        return Err(bad(format!(
            "model file version {} (this mle reads version {VERSION})",
            value
                .get("version")
                .map_or("missing".into(), ToString::to_string)
        )));
    }
    Ok(value)
}

/// The numbers of a fit that state each other: the covariance against the standard errors,
/// the log-likelihood against AIC and BIC (counting the estimated parameters), the level.
fn check_fit_numbers(fit: &FitResult) -> std::result::Result<(), String> {
    if fit.n_obs < fit.n_estimated() {
        return Err(format!(
            "{} observations cannot identify {} parameters",
            fit.n_obs,
            fit.n_estimated()
        ));
    }
    if !(fit.level > 0.0 && fit.level < 1.0) {
        return Err(format!(
            "the confidence level {} is not in (0, 1)",
            fit.level
        ));
    }
    if let Some(cov) = &fit.covariance {
        check_covariance(cov, &fit.params)?;
    }
    let (ll, k, n) = (
        fit.log_likelihood,
        fit.n_estimated() as f64,
        fit.n_obs as f64,
    );
    if !ll.is_finite() {
        return Err(format!("the log-likelihood {ll} is not finite"));
    }
    agree("AIC", fit.aic, -2.0 * ll + 2.0 * k)?;
    agree("BIC", fit.bic, -2.0 * ll + k * n.ln())
}

/// A parameter's numbers are finite, its standard error non-negative, its estimate within its
/// `constraint`, and its z value its estimate over its standard error.
fn check_param(
    p: &crate::ParamEstimate,
    constraint: Constraint,
) -> std::result::Result<(), String> {
    let name = &p.name;
    if !p.estimate.is_finite() {
        return Err(format!("the estimate of '{name}' is {}", p.estimate));
    }
    if p.constraint != constraint || constraint.to_unconstrained(p.estimate).is_none() {
        return Err(format!(
            "the estimate {} of '{name}' is outside its range",
            p.estimate
        ));
    }
    let numbers = [p.std_error, p.z, p.p_value, p.ci_lower, p.ci_upper];
    if let Some(v) = numbers.into_iter().flatten().find(|v| !v.is_finite()) {
        return Err(format!("an inference number of '{name}' is {v}"));
    }
    if p.std_error.is_some_and(|se| se < 0.0)
        || p.p_value.is_some_and(|q| !(0.0..=1.0).contains(&q))
    {
        return Err(format!(
            "the standard error or p-value of '{name}' is out of range"
        ));
    }
    if let (Some(z), Some(se)) = (p.z, p.std_error) {
        agree(&format!("z of '{name}'"), z, p.estimate / se)?;
    }
    Ok(())
}

/// The covariance is square over the parameters, finite, symmetric, and its diagonal the
/// squared standard errors.
fn check_covariance(
    cov: &[Vec<f64>],
    params: &[crate::ParamEstimate],
) -> std::result::Result<(), String> {
    let k = params.len();
    if cov.len() != k || cov.iter().any(|row| row.len() != k) {
        return Err(format!("the covariance is not {k} × {k}"));
    }
    for (i, (row, param)) in cov.iter().zip(params).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if !v.is_finite() {
                return Err(format!("covariance entry ({i}, {j}) is {v}"));
            }
            agree("the covariance's symmetry", v, cov[j][i])?;
        }
        if let Some(se) = param.std_error {
            agree(
                &format!("the variance of '{}'", param.name),
                row[i],
                se * se,
            )?;
        }
    }
    Ok(())
}

/// Whether two statements of one number agree to [`CONSISTENCY_TOL`].
fn agree(what: &str, stated: f64, implied: f64) -> std::result::Result<(), String> {
    let scale = stated.abs().max(implied.abs()).max(f64::MIN_POSITIVE);
    if stated.is_finite()
        && implied.is_finite()
        && (stated - implied).abs() <= CONSISTENCY_TOL * scale
    {
        Ok(())
    } else {
        Err(format!(
            "{what} is {stated}, where its other numbers give {implied}"
        ))
    }
}

#[cfg(test)]
#[path = "persist_tests.rs"]
mod tests;
