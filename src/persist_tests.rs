//! Tests of saved models: the round trip, the checks on load (each invariant broken by an
//! edit), the refusal to save a fit that did not converge, and a property test that feeds the
//! loader damaged files.

use super::*;
use crate::data::{Column, Dataset, DesignBuilder, ResponseSpec};
use crate::model::{Link, Logistic};
use crate::{FitOptions, fit};
use proptest::prelude::*;

/// A logistic fit of y on x1, x2 (with an intercept), saved as JSON text.
fn saved() -> (SavedModel, Dataset) {
    let x1 = vec![0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0];
    let x2 = vec![1.0, -1.0, 2.0, 0.0, 1.0, -2.0, 0.5, 1.5, -0.5, 0.0];
    let y = vec![1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
    let data = Dataset::new(
        "inline",
        vec![
            ("x1".into(), Column::Numeric(x1)),
            ("x2".into(), Column::Numeric(x2)),
            ("y".into(), Column::Numeric(y)),
        ],
    )
    .unwrap();
    let frame = DesignBuilder::new(ResponseSpec::parse("y"))
        .build(&data)
        .unwrap();
    let result = fit(
        &Logistic::new(&frame.design, &frame.response).unwrap(),
        &FitOptions::default(),
    )
    .unwrap();
    assert!(result.convergence.converged, "{result}");
    let model = SavedModel::new("logistic".parse().unwrap(), Link::Logit, &frame, result);
    (model, data)
}

/// `model` written to a file and read back.
fn round_trip(model: &SavedModel) -> Result<SavedModel> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    model.save_unconverged(&path)?;
    SavedModel::load(&path)
}

/// The text of `model`'s file after `edit`, loaded.
fn load_edited(
    model: &SavedModel,
    edit: impl FnOnce(&mut serde_json::Value),
) -> Result<SavedModel> {
    let mut value = serde_json::to_value(model).unwrap();
    edit(&mut value);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    SavedModel::load(&path)
}

fn refused(result: Result<SavedModel>, words: &str) {
    let err = result.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, MleError::ModelFile { .. }), "{text}");
    assert!(text.contains("m.json") && text.contains(words), "{text}");
}

/// A saved formula that does not parse, disagrees on the intercept, or names other columns
/// than the fit's (in another order) is refused on load, not at prediction.
#[test]
fn a_changed_formula_is_refused() {
    let (model, _) = saved();
    let formula =
        |text: &'static str| move |v: &mut serde_json::Value| v["terms"]["formula"] = text.into();
    refused(
        load_edited(&model, formula("$ ~ x1 + x2")),
        "does not parse",
    );
    refused(
        load_edited(&model, formula("y ~ x2 + x1")),
        "has the columns [x2, x1]",
    );
    refused(
        load_edited(&model, |v| v["terms"]["intercept"] = false.into()),
        "intercept",
    );
    // as written, it loads
    assert!(load_edited(&model, |_| {}).is_ok());
}

#[test]
fn a_saved_model_reads_back_equal_and_predicts() {
    let (model, data) = saved();
    let back = round_trip(&model).unwrap();
    assert_eq!(back, model);
    let p = back.predict(&data).unwrap();
    assert_eq!(p.len(), 10);
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn columns_that_do_not_match_the_parameters_are_refused() {
    let (model, _) = saved();
    // the report's case: columns reversed against the parameters
    refused(
        load_edited(&model, |v| v["columns"] = serde_json::json!(["x2", "x1"])),
        "its parameters are [intercept, x1, x2]",
    );
    refused(
        load_edited(&model, |v| v["intercept"] = serde_json::json!(false)),
        "parameters",
    );
    refused(
        load_edited(&model, |v| v["model"] = serde_json::json!("gaussian")),
        "holds the fit of a 'logistic' model",
    );
    refused(
        load_edited(&model, |v| v["columns"] = serde_json::json!(["x1", "x1"])),
        "repeated",
    );
}

#[test]
fn numbers_that_are_not_finite_or_disagree_are_refused() {
    let (model, _) = saved();
    // an estimate of 1e308: its z value no longer is estimate / se
    refused(
        load_edited(&model, |v| {
            v["fit"]["params"][1]["estimate"] = serde_json::json!(1e308)
        }),
        "z of 'x1'",
    );
    // NaN is written as null by JSON writers: not a number
    refused(
        load_edited(&model, |v| {
            v["fit"]["params"][1]["estimate"] = serde_json::Value::Null
        }),
        "corrupt model file",
    );
    refused(
        load_edited(&model, |v| {
            v["fit"]["covariance"][0][1] = serde_json::json!(123.0)
        }),
        "symmetry",
    );
    refused(
        load_edited(&model, |v| {
            v["fit"]["covariance"][1][1] = serde_json::json!(9.0)
        }),
        "variance of 'x1'",
    );
    refused(
        load_edited(&model, |v| v["fit"]["aic"] = serde_json::json!(1.0)),
        "AIC",
    );
    refused(
        load_edited(&model, |v| {
            v["fit"]["params"][0]["std_error"] = serde_json::json!(-1.0)
        }),
        "standard error or p-value of 'intercept'",
    );
    refused(
        load_edited(&model, |v| v["fit"]["level"] = serde_json::json!(1.5)),
        "level",
    );
    refused(
        load_edited(&model, |v| v["version"] = serde_json::json!(2)),
        "version 2",
    );
    refused(
        load_edited(&model, |v| v["format"] = serde_json::json!("other")),
        "not an mle model file",
    );
}

#[test]
fn a_fit_that_did_not_converge_is_saved_only_when_asked() {
    let (mut model, _) = saved();
    model.fit.convergence.converged = false;
    model.fit.convergence.reason = crate::StopReason::MaxIterations;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let err = model.save(&path).unwrap_err().to_string();
    assert!(
        err.contains("not saved") && err.contains("--save-unconverged"),
        "{err}"
    );
    assert!(!path.exists());
    model.save_unconverged(&path).unwrap();
    assert!(!SavedModel::load(&path).unwrap().fit.convergence.converged);
}

#[test]
fn predictions_that_overflow_name_the_row() {
    let (model, _) = saved();
    // a gaussian mean can overflow where a probability saturates: build one from the data
    let mut gaussian = model.clone();
    gaussian.model = "gaussian".parse().unwrap();
    gaussian.fit.model = "gaussian".into();
    // each slope's contribution at its largest, with the slope's sign: η overflows
    let beta = gaussian.fit.estimates();
    let data = Dataset::new(
        "new.csv",
        vec![
            (
                "x1".into(),
                Column::Numeric(vec![1.0, f64::MAX.copysign(beta[1])]),
            ),
            (
                "x2".into(),
                Column::Numeric(vec![0.0, f64::MAX.copysign(beta[2])]),
            ),
        ],
    )
    .unwrap();
    let err = gaussian.predict(&data).unwrap_err().to_string();
    assert!(err.contains("new.csv") && err.contains("row 2"), "{err}");
}

/// Damage to a saved file: a byte replaced, the text cut short, or a number changed.
#[derive(Debug, Clone)]
enum Damage {
    Byte(usize, u8),
    Truncate(usize),
    Number(usize, f64),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::Byte(i, b)),
        any::<usize>().prop_map(Damage::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                Just(0.0),
                Just(-1.0),
                Just(1e308),
                Just(-1e-320),
                any::<f64>()
            ]
        )
            .prop_map(|(i, v)| Damage::Number(i, v)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The loader on damaged files: it never panics, and whatever it accepts is consistent
    /// enough to predict finite values or name the row that overflows.
    #[test]
    fn damaged_files_are_refused_or_consistent(damages in prop::collection::vec(damage(), 1..4)) {
        let (model, data) = saved();
        let mut text = serde_json::to_string_pretty(&model).unwrap().into_bytes();
        for d in damages {
            match d {
                Damage::Byte(i, b) => {
                    let i = i % text.len();
                    text[i] = b;
                }
                Damage::Truncate(i) => text.truncate(i % text.len()),
                Damage::Number(i, v) => {
                    // replace the i-th number in the text
                    let s = String::from_utf8_lossy(&text).into_owned();
                    let starts: Vec<usize> = s
                        .char_indices()
                        .filter(|(k, c)| {
                            (c.is_ascii_digit() || *c == '-')
                                && !s[..*k].ends_with(|p: char| p.is_ascii_alphanumeric() || p == '.' || p == '-')
                        })
                        .map(|(k, _)| k)
                        .collect();
                    if starts.is_empty() {
                        continue;
                    }
                    let k = starts[i % starts.len()];
                    let end = s[k..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+'))
                        .map_or(s.len(), |e| k + e);
                    text = format!("{}{}{}", &s[..k], serde_json::json!(v), &s[end..]).into_bytes();
                }
            }
            if text.is_empty() {
                break;
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        std::fs::write(&path, &text).unwrap();
        if let Ok(loaded) = SavedModel::load(&path) {
            match loaded.predict(&data) {
                Ok(p) => prop_assert!(p.iter().all(|v| v.is_finite())),
                Err(e) => prop_assert!(
                    matches!(e, MleError::Numerical(_) | MleError::UnknownColumn { .. }),
                    "{}", e
                ),
            }
        }
    }
}
