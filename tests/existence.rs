//! Maxima that do not exist, found before any number is printed as an answer: separation
//! (complete and quasi-complete, binary and binomial under every link, counts with a group of
//! zeros) decided by the certificate or the linear program of `mle::model::separation`, checked
//! against SciPy's HiGHS on Konis's linear program (`tests/data/existence/lp.json`, written by
//! `make_references.py` there); and designs of deficient rank refused (exit 3) or reduced
//! (`--drop-collinear`), naming the combination.

mod common;
use common::*;

use assert_cmd::Command;
use serde_json::Value;

fn mle() -> Command {
    Command::cargo_bin("mle").unwrap()
}

fn existence(name: &str) -> String {
    data_path(&format!("existence/{name}"))
        .display()
        .to_string()
}

/// `mle fit args… --json`: the exit code and the JSON object.
fn fit_json(args: &[&str]) -> (i32, Value, String) {
    let out = mle().arg("fit").args(args).arg("--json").output().unwrap();
    let json = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap(), json, stderr)
}

/// The reference decision for `name`: the infinite coefficients with their signs.
fn reference_infinite(name: &str) -> Vec<(String, f64)> {
    let lp = reference("existence/lp.json");
    lp[name]["infinite"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), number(v)))
        .collect()
}

/// The separating columns of a fit's JSON, with the signs of their direction components.
fn separating(v: &Value) -> Vec<(String, f64)> {
    let s = &v["separation"];
    let direction = s["direction"].as_array().unwrap();
    s["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let c = c.as_str().unwrap();
            let d = direction.iter().find(|d| d[0] == c).unwrap();
            (c.to_string(), number(&d[1]).signum())
        })
        .collect()
}

/// How many rows of column `col` of a bundled CSV equal `value`.
fn count(file: &str, col: &str, value: f64) -> usize {
    let data = dataset(&format!("existence/{file}"));
    let column = data.numeric(col).unwrap();
    column.iter().filter(|v| **v == value).count()
}

#[test]
fn quasi_complete_separation_of_a_clinical_data_set_exits_1_naming_nv() {
    // brglm2's endometrial data (Heinze & Schemper 2002): NV = 1 occurs only with HG = 1.
    // Before the linear program, `mle` printed NV = 23.76 (se 46,025), converged, exit 0.
    let data = existence("endometrial.csv");
    for link in ["logit", "probit", "cloglog"] {
        let (code, v, stderr) = fit_json(&[
            "binomial", "--data", &data, "--y", "HG", "--trials", "1", "--link", link,
        ]);
        assert_eq!(code, 1, "{link}: {stderr}");
        assert_eq!(v["converged"], false);
        assert_eq!(v["separation"]["kind"], "quasi_complete");
        assert_eq!(separating(&v), reference_infinite("endometrial"), "{link}");
        assert_eq!(
            v["separation"]["n_separated"].as_u64().unwrap() as usize,
            count("endometrial.csv", "NV", 1.0)
        );
        assert!(
            stderr.contains("quasi-complete separation by 'NV'"),
            "{stderr}"
        );
        assert!(stderr.contains("--firth"), "{stderr}");
        // no standard errors are printed for a maximum that does not exist
        assert!(v["params"][1]["std_error"].is_null());
    }
}

#[test]
fn one_covariate_present_only_with_events_is_found() {
    let (code, v, _) = fit_json(&["logistic", "--data", &existence("quasi.csv"), "--y", "y"]);
    assert_eq!(code, 1);
    assert_eq!(v["separation"]["kind"], "quasi_complete");
    assert_eq!(separating(&v), reference_infinite("quasi"));
    assert_eq!(
        v["separation"]["n_separated"].as_u64().unwrap() as usize,
        count("quasi.csv", "z", 1.0)
    );
}

#[test]
fn complete_separation_by_a_combination_of_columns_is_found() {
    let file = existence("complete.csv");
    let (code, v, _) = fit_json(&["logistic", "--data", &file, "--y", "y"]);
    assert_eq!(code, 1);
    assert!(number(&lp_separated("complete")) == 1.0);
    assert_eq!(v["separation"]["kind"], "complete");
    assert_eq!(v["separation"]["n_separated"], 30);
    // the reported direction itself classifies every row
    let d: Vec<f64> = v["separation"]["direction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| number(&d[1]))
        .collect();
    let data = dataset("existence/complete.csv");
    let (y, x1, x2) = (
        data.numeric("y").unwrap(),
        data.numeric("x1").unwrap(),
        data.numeric("x2").unwrap(),
    );
    for i in 0..y.len() {
        let eta = d[0] + d[1] * x1[i] + d[2] * x2[i];
        assert!(if y[i] == 1.0 { eta > 0.0 } else { eta < 0.0 }, "row {i}");
    }
}

fn lp_separated(name: &str) -> Value {
    let s = reference("existence/lp.json")[name]["separated"]
        .as_bool()
        .unwrap();
    Value::from(u8::from(s))
}

#[test]
fn a_group_with_only_zero_counts_is_found_for_poisson_and_negbin() {
    for model in ["poisson", "negbin"] {
        let (code, v, stderr) =
            fit_json(&[model, "--data", &existence("poisson_zero.csv"), "--y", "y"]);
        assert_eq!(code, 1, "{model}: {stderr}");
        assert_eq!(
            separating(&v),
            reference_infinite("poisson_zero"),
            "{model}"
        );
        assert_eq!(
            v["separation"]["n_separated"].as_u64().unwrap() as usize,
            count("poisson_zero.csv", "gc", 1.0)
        );
        assert!(stderr.contains("fitted mean 0"), "{stderr}");
    }
}

#[test]
fn data_with_a_maximum_are_not_called_separated() {
    // the same designs without the separating column, and the families' reference data
    let cases: [(&str, &[&str]); 3] = [
        ("quasi.csv", &["logistic", "--y", "y", "--x", "x"]),
        ("poisson_zero.csv", &["poisson", "--y", "y", "--x", "x,gb"]),
        (
            "endometrial.csv",
            &["logistic", "--y", "HG", "--x", "PI,EH"],
        ),
    ];
    for (file, args) in cases {
        let mut all = vec![args[0], "--data"];
        let path = existence(file);
        all.push(&path);
        all.extend(&args[1..]);
        let (code, v, stderr) = fit_json(&all);
        assert_eq!(code, 0, "{file} {args:?}: {stderr}");
        assert!(v.get("separation").is_none(), "{file} {args:?}");
    }
}

#[test]
fn a_collinear_design_exits_3_naming_the_combination_or_is_reduced() {
    let mut text = String::from("y,x1,x2,x3\n");
    for i in 0..12 {
        let (a, b) = (f64::from(i) * 0.7, f64::from((i * i) % 5));
        text += &format!("{},{a},{b},{}\n", i % 2, a + b);
    }
    let (_file, path, stderr) = refused(&text);
    assert!(stderr.contains("x3 = 1·x1 + 1·x2"), "{stderr}");
    assert!(stderr.contains("'x3' is not identified"), "{stderr}");
    for command in ["fit", "ols"] {
        let (aliased, kept) = reduced(command, &path);
        assert_eq!(aliased, ["x3"], "{command}");
        assert_eq!(kept, ["intercept", "x1", "x2"], "{command}");
    }
}

/// `text` written to a CSV file, which `mle fit logistic` must refuse with exit 3: the file (kept
/// while it lives), its path and the error.
fn refused(text: &str) -> (tempfile::NamedTempFile, String, String) {
    let file = tempfile::NamedTempFile::with_suffix(".csv").unwrap();
    std::fs::write(file.path(), text).unwrap();
    let path = file.path().display().to_string();
    let out = mle()
        .args(["fit", "logistic", "--data", &path, "--y", "y"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (file, path, stderr)
}

/// `mle fit logistic` or `mle ols` of `path` with `--drop-collinear`, which must exit 0: the
/// aliased columns it dropped and the parameters it estimated.
fn reduced(command: &str, path: &str) -> (Vec<String>, Vec<String>) {
    let mut args = vec![command];
    if command == "fit" {
        args.push("logistic");
    }
    args.extend(["--data", path, "--y", "y", "--drop-collinear", "--json"]);
    let out = mle().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{command}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = |list: &Value, key: &str| -> Vec<String> {
        let list = list.as_array().unwrap().iter();
        list.map(|a| a[key].as_str().unwrap().to_string()).collect()
    };
    (names(&v["aliased"], "column"), names(&v["params"], "name"))
}

#[test]
fn constant_and_copied_columns_are_aliased_and_dropped_on_request() {
    // c is constant and w a copy of x: both are named (exit 3), or dropped and reported with
    // --drop-collinear, as R's glm reports them as aliased (coefficients NA)
    let mut text = String::from("y,x,c,w\n");
    for i in 0..12 {
        let x = f64::from((i * 7) % 11) * 0.5;
        text += &format!("{},{x},5,{x}\n", i % 2);
    }
    let (_file, path, stderr) = refused(&text);
    assert!(
        stderr.contains("'c' is constant (every row is 5)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("'w' is identical to column 'x'"),
        "{stderr}"
    );
    for command in ["fit", "ols"] {
        let (aliased, kept) = reduced(command, &path);
        assert_eq!(aliased, ["c", "w"], "{command}");
        assert_eq!(kept, ["intercept", "x"], "{command}");
    }
}

#[test]
fn restricted_fits_are_checked_among_their_free_coefficients() {
    // quasi.csv is separated by z alone: with x held fixed the restricted fit is still
    // separated by z (exit 1, no answer); with z held fixed the others have a maximum
    let path = existence("quasi.csv");
    let (code, v, stderr) = fit_json(&[
        "logistic", "--data", &path, "--y", "y", "--x", "x,z", "--fix", "x=0.5",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(separating(&v), reference_infinite("quasi"), "{stderr}");
    assert!(stderr.contains("--firth"), "{stderr}");
    let (code, v, stderr) = fit_json(&[
        "logistic", "--data", &path, "--y", "y", "--x", "x,z", "--fix", "z=2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(v.get("separation").is_none(), "{v}");
    assert_eq!(v["converged"], true);
}
