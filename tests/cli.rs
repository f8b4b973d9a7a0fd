//! The `mle` binary end to end (assert_cmd), on bundled data: fit, JSON, save/predict, ols,
//! compare, simulate → fit; exit codes; and one test per kind of bad input.

mod common;
use common::*;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn mle() -> Command {
    Command::cargo_bin("mle").unwrap()
}

fn data(name: &str) -> String {
    data_path(name).display().to_string()
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("stdout is one JSON object")
}

/// The field `key` of every parameter of a fit's JSON.
fn param_column(v: &Value, key: &str) -> Vec<f64> {
    let params = v["params"].as_array().expect("params");
    params.iter().map(|p| number(&p[key])).collect()
}

/// Runs `mle args…`, expects success, and parses stdout as one JSON object.
fn json_success(args: &[&str]) -> Value {
    json_of(&mle().args(args).assert().success().get_output().stdout)
}

#[test]
fn fit_json_matches_statsmodels() {
    // statsmodels 0.15.0 Logit (tests/data/logistic_n1000_p5.json)
    let e = reference("logistic_n1000_p5.json");
    let v = json_success(&[
        "fit",
        "logistic",
        "--data",
        &data("logistic_n1000_p5.csv"),
        "--y",
        "y",
        "--json",
    ]);
    assert_eq!(v["model"], "logistic");
    assert_eq!(v["n_obs"], 1000);
    assert_eq!(v["converged"], true);
    // Newton's method by default: the built-in models have exact Hessians
    assert_eq!(v["optimizer"], "newton");
    let est = param_column(&v, "estimate");
    assert_rel("estimate", &est, &numbers(&e["estimate"]), 1e-6);
    assert_eq!(v["params"][0]["name"], "intercept");
    assert_value_abs(
        "log_likelihood",
        number(&v["log_likelihood"]),
        &e["log_likelihood"],
        1e-8,
    );
    for key in [
        "aic",
        "bic",
        "log_likelihood_null",
        "llr",
        "llr_p_value",
        "pseudo_r2",
        "iterations",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
}

/// The snapshot's numbers agree with statsmodels 0.15.0's `Logit(...).fit(method="newton")
/// .summary()` on the same data to every digit both print (coef 8.0928 / 0.1294 / −3.2128, std err
/// 2.389 / 0.247 / 0.638, LL −75.825, LL-Null −95.477, LLR p 2.919e-09, pseudo R² 0.2058).
#[test]
fn fit_text_summary_snapshot() {
    let out = mle()
        .args([
            "fit",
            "logistic",
            "--data",
            &data("iris.csv"),
            "--y",
            "species=versicolor",
        ])
        .args(["--x", "sepal_length,sepal_width", "--optimizer", "newton"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // the last digits of a gradient at the optimum are rounding noise: redact them
    insta::with_settings!({filters => vec![
        (r"Gradient norm:\s+\S+", "Gradient norm: [noise]"),
        (r"Newton step / se:\s+\S+", "Newton step / se: [noise]"),
    ]}, {
        insta::assert_snapshot!(text);
    });
}

#[test]
fn gaussian_json_has_sigma_and_ols_json_has_t() {
    let e = reference("linear_n500_p3.json");
    let v = json_success(&[
        "fit",
        "linear",
        "--data",
        &data("linear_n500_p3.csv"),
        "--y",
        "y",
        "--json",
    ]);
    assert_eq!(v["model"], "gaussian");
    assert_value_rel("sigma", number(&v["sigma"]), &e["mle"]["sigma"], 1e-8);
    assert_value_rel(
        "sigma se",
        number(&v["sigma_std_error"]),
        &e["mle"]["sigma_std_error"],
        1e-7,
    );

    let v = json_success(&[
        "ols",
        "--data",
        &data("linear_n500_p3.csv"),
        "--y",
        "y",
        "--json",
    ]);
    let t: Vec<f64> = v["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| number(&p["t"]))
        .collect();
    assert_rel("t", &t, &numbers(&e["ols"]["t"]), 1e-10);
    for key in ["r_squared", "adj_r_squared", "rss", "sigma2", "df_resid"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_value_rel("rss", number(&v["rss"]), &e["ols"]["rss"], 1e-12);
}

#[test]
fn compare_prints_both_fits() {
    mle()
        .args(["compare", "--data", &data("linear_n500_p3.csv"), "--y", "y"])
        .assert()
        .success()
        .stdout(predicate::str::contains("β (OLS)").and(predicate::str::contains("√(500/496)")));
}

/// Fits scikit-learn's default logistic regression (L2, C = 1) on the iris split and saves it.
fn save_iris_model(path: &std::path::Path) {
    mle()
        .args([
            "fit",
            "logistic",
            "--data",
            &data("iris_setosa_train.csv"),
            "--y",
            "setosa",
        ])
        .args(["--l2", "1", "--save", path.to_str().unwrap()])
        .assert()
        .success();
}

#[test]
fn save_and_predict_reproduce_scikit_learn() {
    // scikit-learn 1.9.1 LogisticRegression() on the iris split (tests/data/iris_setosa_l2.json)
    let e = reference("iris_setosa_l2.json");
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    let out = dir.path().join("pred.csv");
    save_iris_model(&model);
    mle()
        .args([
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            &data("iris_setosa_test.csv"),
        ])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("probability"));
    let p: Vec<f64> = lines.map(|l| l.parse().unwrap()).collect();
    assert_rel(
        "probabilities",
        &p,
        &numbers(&e["test_predict_proba_class1"]),
        1e-5,
    );
    // and to stdout, with no temporary file left behind
    mle()
        .args([
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            &data("iris_setosa_test.csv"),
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("probability\n"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2);
}

#[test]
fn simulate_then_fit_recovers_the_parameters() {
    let dir = tempfile::tempdir().unwrap();
    for (model, extra) in [
        ("logistic", vec![]),
        ("gaussian", vec![]),
        ("binomial", vec!["--trials", "trials"]),
    ] {
        let csv = dir.path().join(format!("{model}.csv"));
        mle()
            .args([
                "simulate",
                model,
                "--n",
                "4000",
                "--p",
                "3",
                "--seed",
                "7",
                "--out",
                csv.to_str().unwrap(),
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("intercept"));
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(csv.with_extension("json")).unwrap())
                .unwrap();
        let y = truth["response"].as_str().unwrap();
        let out = mle()
            .args([
                "fit",
                model,
                "--data",
                csv.to_str().unwrap(),
                "--y",
                y,
                "--json",
            ])
            .args(&extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v = json_of(&out);
        for (p, t) in v["params"]
            .as_array()
            .unwrap()
            .iter()
            .zip(truth["params"].as_array().unwrap())
        {
            assert_eq!(p["name"], t[0]);
            let z = (number(&p["estimate"]) - number(&t[1])) / number(&p["std_error"]);
            assert!(z.abs() < 4.0, "{model} {}: {z:.1} SE from the truth", t[0]);
        }
    }
}

#[test]
fn coin_flips_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("flips.csv");
    std::fs::write(&csv, "heads\n55\n").unwrap();
    let v = json_success(&[
        "fit",
        "binomial",
        "--data",
        csv.to_str().unwrap(),
        "--y",
        "heads",
        "--trials",
        "100",
        "--json",
    ]);
    assert_eq!(v["params"][0]["name"], "p");
    // closed form: p̂ = 0.55, se = √(0.55·0.45/100)
    assert_abs("p", &[number(&v["params"][0]["estimate"])], &[0.55], 1e-9);
    assert_rel(
        "se",
        &[number(&v["params"][0]["std_error"])],
        &[(0.55f64 * 0.45 / 100.0).sqrt()],
        1e-8,
    );
}

#[test]
fn separation_prints_what_it_found_and_exits_1() {
    let out = mle()
        .args([
            "fit",
            "logistic",
            "--data",
            &data("iris.csv"),
            "--y",
            "species=setosa",
        ])
        .args(["--x", "sepal_length,sepal_width", "--json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("complete separation by"))
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(v["converged"], false);
    assert_eq!(v["reason"], "separation");
    assert_eq!(v["separation"]["kind"], "complete");
}

/// Runs `mle` with `args` on a CSV holding `content`; expects exit `code`, a message containing
/// each of `needles`, and no panic.
fn bad_input(content: &str, args: &[&str], code: i32, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("input.csv");
    std::fs::write(&csv, content).unwrap();
    let mut all = vec!["fit"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--data", csv.to_str().unwrap()]);
    let assert = mle()
        .args(&all)
        .assert()
        .code(code)
        .stderr(predicate::str::contains("panicked").not());
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for n in needles {
        assert!(err.contains(n), "{args:?}: '{n}' not in: {err}");
    }
    assert_eq!(err.lines().count(), 1, "one clear message: {err}");
}

#[test]
fn bad_inputs_exit_3_with_the_cause() {
    let logistic = ["logistic", "--y", "y"];
    bad_input("", &logistic, 3, &["input.csv", "empty"]);
    bad_input("x,y\n", &logistic, 3, &["no data rows"]);
    bad_input(
        "x,y\n1,0\n2\n",
        &logistic,
        3,
        &["line 3", "1 fields", "expected 2"],
    );
    bad_input(
        "x,y\n1,0\nabc,1\n3,1\n",
        &logistic,
        3,
        &["input.csv", "row 2", "'x'", "'abc'"],
    );
    // missing cells (empty, NaN) refused with --missing error (by default, dropped)
    let refuse = ["logistic", "--y", "y", "--missing", "error"];
    bad_input(
        "x,y\n1,0\n,1\n3,1\n",
        &refuse,
        3,
        &["row 2", "'x'", "missing value"],
    );
    bad_input(
        "x,y\n1,0\nNaN,1\n3,1\n",
        &refuse,
        3,
        &["row 2", "'x'", "missing value"],
    );
    bad_input(
        "x,y\n1,0\ninf,1\n3,1\n",
        &logistic,
        3,
        &["row 2", "not a finite"],
    );
    bad_input(
        "x,y\n1,0\n2,1\n3,1\n",
        &["logistic", "--y", "y", "--x", "z"],
        3,
        &["no column named 'z'"],
    );
    bad_input("x,y\n1,0\n2,2\n3,1\n", &logistic, 3, &["row 2", "0 or 1"]);
    bad_input(
        "x,k,m\n1,1,3\n2,5,4\n3,1,3\n",
        &["binomial", "--y", "k", "--trials", "m"],
        3,
        &["row 2", "exceed"],
    );
    bad_input(
        "x,k,m\n1,1,3\n2,-1,4\n3,1,3\n",
        &["binomial", "--y", "k", "--trials", "m"],
        3,
        &["row 2", "successes"],
    );
    bad_input(
        "x,c,y\n1,5,0\n2,5,1\n3,5,1\n",
        &logistic,
        3,
        &["'c' is constant"],
    );
    bad_input(
        "x,w,y\n1,1,0\n2,2,1\n3,3,1\n",
        &logistic,
        3,
        &["'w' is identical to column 'x'"],
    );
    bad_input(
        "a,b,c,y\n1,2,3,0\n2,1,5,1\n",
        &logistic,
        3,
        &["4 parameters but only 2 rows"],
    );
    bad_input("x,k\n1,1\n", &["binomial", "--y", "k"], 3, &["--trials"]);
}

#[test]
fn missing_file_and_bad_model_files() {
    mle()
        .args(["fit", "logistic", "--data", "/no/such/file.csv", "--y", "y"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/no/such/file.csv"));
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    // predicting with `model` on `file` must fail with exit 3, a message, and no panic
    let predict = |model: &std::path::Path, file: &str| {
        let out = mle()
            .args([
                "predict",
                "--model",
                model.to_str().unwrap(),
                "--data",
                &data(file),
            ])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("panicked").not())
            .get_output()
            .stderr
            .clone();
        String::from_utf8(out).unwrap()
    };
    std::fs::write(&model, "{ not json").unwrap();
    assert!(predict(&model, "iris.csv").contains("not a valid JSON model"));
    std::fs::write(&model, "{\"model\": \"logistic\"}").unwrap();
    assert!(predict(&model, "iris.csv").contains("not an mle model file"));
    // a saved logistic model relabelled as another model
    save_iris_model(&model);
    let text = std::fs::read_to_string(&model).unwrap().replace(
        "\"model\": \"logistic\",\n  \"response\"",
        "\"model\": \"gaussian\",\n  \"response\"",
    );
    std::fs::write(&model, text).unwrap();
    assert!(predict(&model, "iris.csv").contains("corrupt or edited model file"));
    // data without the model's columns
    save_iris_model(&model);
    assert!(predict(&model, "linear_n500_p3.csv").contains("no column named 'sepal_length'"));
}

#[test]
fn usage_errors_exit_2() {
    mle()
        .args(["fit", "weibull", "--data", "x.csv", "--y", "y"])
        .assert()
        .code(2);
    mle().args(["fit", "logistic"]).assert().code(2);
}

#[test]
fn plot_draws_the_convergence_trace() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("trace.svg");
    let iris = data("iris.csv");
    let base = [
        "fit",
        "logistic",
        "--data",
        &iris,
        "--y",
        "species=versicolor",
    ];
    mle()
        .args(base)
        .args(["--optimizer", "newton", "--plot", svg.to_str().unwrap()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.starts_with("<svg") && text.contains("iteration"),
        "{text}"
    );
    // a plot that cannot be written: exit 3, the file named, one line
    mle()
        .args(base)
        .args(["--plot", "/no/such/dir/trace.svg"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/no/such/dir/trace.svg"));
}

/// A reader that goes away (`mle fit ... | head`) must not make `mle` panic: it stops quietly.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("mle"))
        .args([
            "fit",
            "logistic",
            "--data",
            &data("iris.csv"),
            "--y",
            "species=versicolor",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // close the reading end before the fit has printed anything
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// The README shows `mle fit --help` as the binary prints it.
#[test]
fn readme_shows_the_fit_help_of_the_binary() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("`mle fit --help`:").expect("the help section");
    let block = &readme[start..];
    let text_start = block.find("```text\n").unwrap() + "```text\n".len();
    let text_end = text_start + block[text_start..].find("```").unwrap();
    let shown = &block[text_start..text_end];
    let out = mle().args(["fit", "--help"]).assert().success();
    let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(shown, help, "update the README's `mle fit --help`");
}

/// `--cov hc1` reports the sandwich covariance (its value is checked against R in
/// tests/robust.rs): the summary names it, the JSON says `cov_type`, the standard errors differ
/// from the model-based ones; an unknown type is a usage error naming the choices.
#[test]
fn fit_with_a_robust_covariance() {
    let args = |cov: &str| {
        let mut a = vec![
            "fit".to_string(),
            "poisson".into(),
            "--data".into(),
            data("robust/clustered.csv"),
            "--y".into(),
            "y_count".into(),
            "--x".into(),
            "x1,x2".into(),
            "--json".into(),
        ];
        a.extend(["--cov".to_string(), cov.to_string()]);
        a
    };
    let json = |cov: &str| -> Value {
        let out = mle().args(args(cov)).assert().success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let (robust, model) = (json("hc1"), json("model"));
    assert_eq!(robust["cov_type"], "HC1");
    assert_eq!(model["cov_type"], "nonrobust");
    let se = |v: &Value| v["params"][1]["std_error"].as_f64().unwrap();
    assert!((se(&robust) / se(&model) - 1.0).abs() > 0.05);
    let mut text = args("hc0");
    text.retain(|a| a != "--json");
    mle()
        .args(text)
        .assert()
        .success()
        .stdout(predicate::str::contains("Covariance:").and(predicate::str::contains("HC0")));
    mle()
        .args(args("hc7"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected model, hc0, hc1, hc2 or hc3",
        ));
}

/// `--cluster COL` reads the labels from the file (numbers here; text works alike) and gives
/// the CR1 covariance, as `FitOptions::clusters` does (checked against R in tests/robust.rs);
/// with `--cov model` it is refused, and an unknown column is named.
#[test]
fn fit_with_clusters() {
    let base = [
        "fit",
        "poisson",
        "--data",
        &data("robust/clustered.csv"),
        "--y",
        "y_count",
        "--x",
        "x1,x2",
        "--cluster",
    ]
    .map(String::from)
    .to_vec();
    let with = |extra: &[&str]| {
        let mut a = base.clone();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let out = mle().args(with(&["cluster", "--json"])).assert().success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["cov_type"], "cluster");
    assert_eq!(v["n_clusters"], 24);
    let expected = numbers(&reference("robust/r.json")["poisson"]["cluster_cr1"]);
    let se = v["params"][1]["std_error"].as_f64().unwrap();
    assert!((se / expected[4].sqrt() - 1.0).abs() < 1e-6);
    // two-way: clusters crossed with regions
    let out = mle()
        .args(with(&["cluster,region", "--json"]))
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["n_clusters_each"], serde_json::json!([24, 8]));
    let expected = numbers(&reference("robust/r.json")["poisson"]["twoway_cr1"]);
    let se = v["params"][1]["std_error"].as_f64().unwrap();
    assert!((se / expected[4].sqrt() - 1.0).abs() < 1e-6);
    // HC3 from the leverages of the weighted hat matrix
    let mut hc3 = base.clone();
    hc3.pop();
    hc3.extend(["--cov", "hc3", "--json"].map(String::from));
    let v = json_of(&mle().args(hc3).assert().success().get_output().stdout);
    let expected = numbers(&reference("robust/r.json")["poisson"]["hc3"]);
    let se = v["params"][1]["std_error"].as_f64().unwrap();
    assert!((se / expected[4].sqrt() - 1.0).abs() < 1e-6);
    mle()
        .args(with(&["cluster", "--cov", "model"]))
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "clusters are for a robust covariance",
        ));
    mle()
        .args(with(&["firm"]))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no column named 'firm'"));
}

/// `--fix NAME=VALUE` holds a parameter (here NB2's α at statsmodels' GLM value, as the library
/// test against statsmodels does): the JSON marks it fixed without a standard error and AIC
/// counts the others; an unknown name and a malformed pair are refused.
#[test]
fn fit_with_a_fixed_parameter() {
    let args = |fix: &str| {
        [
            "fit",
            "negbin",
            "--data",
            &data("user_models/quine.csv"),
            "--y",
            "Days",
            "--fix",
            fix,
            "--json",
        ]
        .map(String::from)
    };
    let out = mle().args(args("alpha=0.5")).assert().success();
    let v = json_of(&out.get_output().stdout);
    let params = v["params"].as_array().unwrap();
    let alpha = params.iter().find(|p| p["name"] == "alpha").unwrap();
    assert_eq!(alpha["fixed"], true);
    assert_eq!(alpha["estimate"], 0.5);
    assert!(alpha["std_error"].is_null());
    let k = (params.len() - 1) as f64;
    let ll = v["log_likelihood"].as_f64().unwrap();
    assert!((v["aic"].as_f64().unwrap() - (-2.0 * ll + 2.0 * k)).abs() < 1e-9);
    mle()
        .args(args("beta=1"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("cannot fix 'beta'"));
    mle()
        .args(args("alpha"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not NAME=VALUE"));
}

/// `--test "AgeF1 = 0, AgeF2 = 0, AgeF3 = 0"` refits the NB2 without the age terms (its α
/// re-estimated) and reports the likelihood-ratio test: R's `glm.nb` fits of both models
/// (tests/data/families/references.R, `quine_negbin_no_age`) give the same statistic.
#[test]
fn fit_with_a_likelihood_ratio_test() {
    let reference = &reference("families/r.json")["quine_negbin_no_age"];
    let out = mle()
        .args([
            "fit",
            "negbin",
            "--data",
            &data("families/quine.csv"),
            "--y",
            "Days",
            "--test",
            "AgeF1 = 0, AgeF2 = 0,AgeF3=0",
            "--json",
        ])
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    let t = &v["lr_test"];
    assert_value_rel(
        "LR",
        t["statistic"].as_f64().unwrap(),
        &reference["lr"],
        1e-7,
    );
    assert_eq!(t["df"], 3.0);
    assert_value_rel(
        "p",
        t["p_value"].as_f64().unwrap(),
        &reference["p_value"],
        1e-6,
    );
    let ll = t["restricted_log_likelihood"].as_f64().unwrap();
    assert_value_rel("restricted ℓ", ll, &reference["loglike"], 1e-10);
    mle()
        .args([
            "fit",
            "negbin",
            "--data",
            &data("families/quine.csv"),
            "--y",
            "Days",
            "--test",
            "AgeF1=0",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Likelihood-ratio test of AgeF1 = 0: LR = ",
        ));
}

/// `--ci profile` puts the profile-likelihood intervals (checked against R in
/// tests/profile.rs) in the summary and the JSON, and says so.
#[test]
fn fit_with_profile_intervals() {
    let args = |ci: &str| {
        [
            "fit",
            "logistic",
            "--data",
            &data("families/spector.csv"),
            "--y",
            "GRADE",
            "--ci",
            ci,
            "--json",
        ]
        .map(String::from)
    };
    let out = mle().args(args("profile")).assert().success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["ci_method"], "profile");
    let want = numbers(&reference("profile/r.json")["spector_logit"]["GPA"]);
    let gpa = &v["params"][1];
    assert!((gpa["ci_lower"].as_f64().unwrap() / want[0] - 1.0).abs() < 1e-7);
    assert!((gpa["ci_upper"].as_f64().unwrap() / want[1] - 1.0).abs() < 1e-7);
    let out = mle().args(args("wald")).assert().success();
    assert_eq!(json_of(&out.get_output().stdout)["ci_method"], "wald");
}

/// `mle ols --cov hc3` (values against R in tests/robust.rs) names the covariance; `compare`
/// refuses robust options rather than ignoring them.
#[test]
fn ols_with_a_robust_covariance() {
    let args = |cmd: &str| {
        [
            cmd,
            "--data",
            &data("robust/clustered.csv"),
            "--y",
            "y_linear",
            "--x",
            "x1,x2",
            "--cov",
            "hc3",
        ]
        .map(String::from)
    };
    mle()
        .args(args("ols"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Covariance:").and(predicate::str::contains("HC3")));
    mle()
        .args(args("compare"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--cov and --cluster are for ols"));
}

/// `--autodiff` fits the built-in model by burn's reverse-mode autodiff of its tensor expression
/// (here on the ndarray device) and reaches statsmodels' answer as the closed-form pass does;
/// a GPU backend this build lacks is refused in words, exit 3.
#[test]
fn the_device_and_the_autodiff_path_are_chosen_on_the_command_line() {
    // statsmodels 0.15.0 Logit (tests/data/logistic_n1000_p5.json)
    let e = reference("logistic_n1000_p5.json");
    let csv = data("logistic_n1000_p5.csv");
    let v = json_success(&[
        "fit",
        "logistic",
        "--data",
        &csv,
        "--y",
        "y",
        "--device",
        "ndarray",
        "--autodiff",
        "--json",
    ]);
    assert_eq!(v["converged"], true);
    assert_eq!(v["gradient_method"], "autodiff");
    let est = param_column(&v, "estimate");
    assert_rel("estimate", &est, &numbers(&e["estimate"]), 1e-6);
    assert_value_abs(
        "log_likelihood",
        number(&v["log_likelihood"]),
        &e["log_likelihood"],
        1e-8,
    );
    for device in ["wgpu", "cuda"] {
        if cfg!(feature = "wgpu") || cfg!(feature = "cuda") {
            continue;
        }
        mle()
            .args([
                "fit", "logistic", "--data", &csv, "--y", "y", "--device", device,
            ])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(format!(
                "built without the {device} backend: build it with `--features {device}`"
            )));
    }
    mle()
        .args([
            "fit", "logistic", "--data", &csv, "--y", "y", "--device", "tpu",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown device 'tpu'"));
}
