//! Fitted models on disk: a JSON file that holds what prediction needs (the model, its columns,
//! the estimates) and the full fit, written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::data::{Dataset, Design};
use crate::error::{MleError, Result};
use crate::inference::FitResult;
use crate::model::ModelKind;

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
    /// Which model.
    pub model: ModelKind,
    /// The response, as given (`species=setosa`).
    pub response: String,
    /// The covariate columns, in order (no intercept).
    pub columns: Vec<String>,
    /// Whether the design had an intercept.
    pub intercept: bool,
    /// The fit.
    pub fit: FitResult,
}

impl SavedModel {
    /// A saved model for a fit of `model` on `design`.
    pub fn new(model: ModelKind, response: &str, design: &Design, fit: FitResult) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            model,
            response: response.into(),
            columns: design.covariates().to_vec(),
            intercept: design.has_intercept(),
            fit,
        }
    }

    /// Writes the model as JSON, atomically: to a temporary file beside `path`, flushed to disk,
    /// then renamed over `path`. A crash or a full disk leaves the old file (if any) in place.
    ///
    /// # Errors
    /// [`MleError::Io`] naming the path.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        write_atomic(path.as_ref(), json.as_bytes())
    }

    /// Reads and checks a saved model.
    ///
    /// # Errors
    /// [`MleError::Io`]; [`MleError::Csv`]-like [`MleError::Model`] errors naming the file when it
    /// is not JSON, not an `mle` model, of another version, or inconsistent.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bad = |message: String| MleError::Model {
            model: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|source| MleError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not a valid JSON model file ({e})")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(bad(format!(
                "not an mle model file (no \"format\": \"{FORMAT}\"); save one with `mle fit --save`"
            )));
        }
        let saved: Self =
            serde_json::from_value(value).map_err(|e| bad(format!("corrupt model file ({e})")))?;
        if saved.version != VERSION {
            return Err(bad(format!(
                "model file version {} (this mle reads version {VERSION})",
                saved.version
            )));
        }
        let expected = saved.columns.len() + usize::from(saved.intercept);
        let proportion = saved.model == ModelKind::Binomial && saved.columns.is_empty();
        let params = saved.fit.params.len();
        let consistent = saved.fit.model == saved.model.name()
            && if proportion {
                params == 1
            } else if saved.model == ModelKind::Gaussian {
                params == expected + 1
            } else {
                params == expected
            };
        if !consistent {
            return Err(bad(format!(
                "corrupt model file: a {} model with columns [{}] cannot have the {} fitted \
                 parameters of a '{}' fit",
                saved.model.name(),
                saved.columns.join(", "),
                params,
                saved.fit.model
            )));
        }
        Ok(saved)
    }

    /// Predictions for every row of `data`: the probability of success (logistic, binomial) or
    /// the mean (gaussian).
    ///
    /// # Errors
    /// [`MleError::UnknownColumn`] or [`MleError::BadValue`] when `data` lacks a column the model
    /// needs or has a bad value in one.
    pub fn predict(&self, data: &Dataset) -> Result<Vec<f64>> {
        let estimates = self.fit.estimates();
        if self.model == ModelKind::Binomial && self.columns.is_empty() {
            // the proportion: the same probability for every row
            return Ok(vec![estimates[0]; data.n_rows()]);
        }
        let design = Design::for_prediction(data, &self.columns, self.intercept)?;
        Ok(self.model.predict(&design, &estimates[..design.n_cols()]))
    }
}

/// Writes `contents` to `path` atomically: to a temporary file in the same directory, flushed to
/// disk, then renamed over `path`. On any failure the temporary file is removed and `path` is
/// untouched.
///
/// # Errors
/// [`MleError::Io`] naming `path`.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let tmp = temporary_beside(path);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(|source| MleError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// A temporary file name in the same directory as `path` (so that the rename is atomic).
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "model".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_files_and_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new contents").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
        // a directory that does not exist: an error naming the path, nothing written
        let missing = dir.path().join("no/such/dir/out.json");
        let err = write_atomic(&missing, b"x").unwrap_err().to_string();
        assert!(err.contains("no/such/dir/out.json"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
