//! Helpers shared by the reference tests: reading the bundled data and reference values.
#![allow(dead_code)]

use std::path::PathBuf;

use mle::data::{Dataset, read_csv};
use serde_json::Value;

/// A file under `tests/data/`.
pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A bundled CSV file.
pub fn dataset(name: &str) -> Dataset {
    read_csv(data_path(name)).expect("bundled data read")
}

/// A bundled JSON file of reference values.
pub fn reference(name: &str) -> Value {
    let text = std::fs::read_to_string(data_path(name)).expect("reference file");
    serde_json::from_str(&text).expect("reference JSON")
}

/// A JSON array of numbers.
pub fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

/// A JSON number.
pub fn number(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

/// Asserts `|a − e| ≤ rel · |e|` elementwise, naming the entry that fails.
pub fn assert_rel(what: &str, actual: &[f64], expected: &[f64], rel: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let err = (a - e).abs() / e.abs();
        assert!(
            err <= rel,
            "{what}[{i}]: got {a}, expected {e} (relative error {err:.2e} > {rel:.0e})"
        );
    }
}

/// Asserts `|a − e| ≤ abs` elementwise.
pub fn assert_abs(what: &str, actual: &[f64], expected: &[f64], abs: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= abs,
            "{what}[{i}]: got {a}, expected {e} (error {:.2e} > {abs:.0e})",
            (a - e).abs()
        );
    }
}

/// Unwraps a column of optional results.
pub fn some(values: Option<Vec<f64>>) -> Vec<f64> {
    values.expect("available")
}

/// Asserts `|a − e| ≤ abs` for one reference number.
pub fn assert_value_abs(what: &str, actual: f64, expected: &Value, abs: f64) {
    assert_abs(what, &[actual], &[number(expected)], abs);
}

/// Asserts `|a − e| ≤ rel·|e|` for one reference number.
pub fn assert_value_rel(what: &str, actual: f64, expected: &Value, rel: f64) {
    assert_rel(what, &[actual], &[number(expected)], rel);
}

/// Asserts estimates, standard errors and z to `rel`, p-values to `p_rel`, against a reference
/// object with the arrays `estimate`, `std_error`, `z`, `p_value`.
pub fn assert_wald(r: &mle::FitResult, e: &Value, rel: f64, p_rel: f64) {
    assert_rel("estimate", &r.estimates(), &numbers(&e["estimate"]), rel);
    assert_rel("std_error", &some(r.bse()), &numbers(&e["std_error"]), rel);
    let z: Vec<f64> = r.params.iter().map(|p| p.z.expect("z")).collect();
    assert_rel("z", &z, &numbers(&e["z"]), rel);
    let pv: Vec<f64> = r.params.iter().map(|p| p.p_value.expect("p")).collect();
    assert_rel("p_value", &pv, &numbers(&e["p_value"]), p_rel);
}
