//! The families from the command line: `mle fit` with every model, `--link`, `--offset` and
//! `--exposure`, against the reference values of `tests/data/families/`; the requests that do
//! not fit a model; saving and predicting with an offset; `simulate` then `fit` for every model.

mod common;
use common::*;

use assert_cmd::Command;
use serde_json::Value;

fn mle() -> Command {
    Command::cargo_bin("mle").unwrap()
}

fn family_data(name: &str) -> String {
    data_path(&format!("families/{name}")).display().to_string()
}

/// `mle fit args… --json`, which must succeed.
fn fit_json(args: &[&str]) -> Value {
    let out = mle().arg("fit").args(args).arg("--json").assert().success();
    serde_json::from_slice(&out.get_output().stdout).expect("one JSON object")
}

fn estimates(v: &Value) -> Vec<f64> {
    v["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| number(&p["estimate"]))
        .collect()
}

#[test]
fn every_family_from_the_command_line_matches_statsmodels() {
    let sm = reference("families/statsmodels.json");
    let exposure = family_data("exposure.csv");
    let star = family_data("star98.csv");
    let scotland = family_data("scotland.csv");
    let cases: [(&str, Vec<&str>); 4] = [
        (
            "exposure_poisson",
            vec![
                "poisson",
                "--data",
                &exposure,
                "--y",
                "y_pois",
                "--x",
                "x1,x2",
                "--exposure",
                "t",
            ],
        ),
        (
            "exposure_negbin",
            vec![
                "negbin",
                "--data",
                &exposure,
                "--y",
                "y_nb",
                "--x",
                "x1,x2",
                "--exposure",
                "t",
            ],
        ),
        (
            "star98_probit",
            vec![
                "binomial",
                "--link",
                "probit",
                "--data",
                &star,
                "--y",
                "successes",
                "--trials",
                "trials",
            ],
        ),
        (
            "scotland_gamma_inverse",
            vec![
                "gamma", "--link", "inverse", "--data", &scotland, "--y", "YES",
            ],
        ),
    ];
    for (key, args) in cases {
        let v = fit_json(&args);
        assert_eq!(v["converged"], true, "{key}");
        assert_eq!(v["optimizer"], "newton", "{key}: Newton by default");
        let want = numbers(&sm[key]["params"]);
        assert_rel(key, &estimates(&v)[..want.len()], &want, 1e-6);
    }
    // the auxiliary parameters at the top of the JSON too
    let v = fit_json(&[
        "negbin",
        "--data",
        &exposure,
        "--y",
        "y_nb",
        "--x",
        "x1,x2",
        "--exposure",
        "t",
    ]);
    let alpha = numbers(&sm["exposure_negbin"]["params"])[3];
    assert_rel("alpha", &[number(&v["alpha"])], &[alpha], 1e-6);
    assert!(v["alpha_std_error"].is_number());
}

#[test]
fn requests_that_do_not_fit_the_model_are_refused() {
    let exposure = family_data("exposure.csv");
    let refused = |args: &[&str], code: i32, words: &str| {
        let out = mle().arg("fit").args(args).assert().code(code);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(err.contains(words), "{args:?}: {err}");
    };
    let base = ["--data", exposure.as_str(), "--y", "y_pois", "--x", "x1,x2"];
    let with = |extra: &[&'static str], model: &'static str| -> Vec<String> {
        std::iter::once(model)
            .chain(base.iter().copied())
            .chain(extra.iter().copied())
            .map(String::from)
            .collect()
    };
    let run = |args: Vec<String>, code, words| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&args, code, words);
    };
    run(with(&["--trials", "5"], "poisson"), 3, "takes no trials");
    run(
        with(&["--link", "logit"], "poisson"),
        3,
        "takes the link log",
    );
    run(
        with(&["--exposure", "t"], "gaussian"),
        3,
        "needs the log link",
    );
    run(with(&["--link", "cubic"], "poisson"), 2, "unknown link");
    run(
        with(&["--offset", "off", "--exposure", "t"], "poisson"),
        2,
        "cannot be used with",
    );
    run(
        with(&["--exposure", "x1"], "poisson"),
        3,
        "exposure must be positive",
    );
    run(with(&[], "binomial"), 3, "needs trials");
}

#[test]
fn a_model_with_an_exposure_predicts_with_the_new_rows_exposure() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("poisson.json");
    let exposure = family_data("exposure.csv");
    let v = fit_json(&[
        "poisson",
        "--data",
        &exposure,
        "--y",
        "y_pois",
        "--x",
        "x1,x2",
        "--exposure",
        "t",
        "--save",
        model.to_str().unwrap(),
    ]);
    let beta = estimates(&v);
    let out = mle()
        .args([
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            &exposure,
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("mean"));
    let data = mle::data::read_csv(&exposure).unwrap();
    let (x1, x2, t) = (
        data.numeric("x1").unwrap(),
        data.numeric("x2").unwrap(),
        data.numeric("t").unwrap(),
    );
    for (i, line) in lines.enumerate() {
        let got: f64 = line.parse().unwrap();
        let want = t[i] * (beta[0] + beta[1] * x1[i] + beta[2] * x2[i]).exp();
        assert!(
            (got - want).abs() <= 1e-12 * want,
            "row {i}: {got} vs {want}"
        );
    }
}

#[test]
fn simulated_data_of_every_model_give_back_their_parameters() {
    let dir = tempfile::tempdir().unwrap();
    for model in [
        "logistic", "probit", "cloglog", "binomial", "poisson", "negbin", "gamma", "gaussian",
    ] {
        let csv = dir.path().join(format!("{model}.csv"));
        mle()
            .args(["simulate", model, "--n", "4000", "--p", "2", "--seed", "3"])
            .args(["--out", csv.to_str().unwrap()])
            .assert()
            .success();
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(csv.with_extension("json")).unwrap())
                .unwrap();
        let csv = csv.display().to_string();
        let mut args = vec![model, "--data", csv.as_str()];
        if model == "binomial" {
            args.extend(["--y", "successes", "--trials", "trials"]);
        } else {
            args.extend(["--y", "y"]);
        }
        let v = fit_json(&args);
        for (param, (name, value)) in v["params"].as_array().unwrap().iter().zip(
            truth["params"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].clone(), p[1].clone())),
        ) {
            assert_eq!(param["name"], name, "{model}");
            let (est, se) = (number(&param["estimate"]), number(&param["std_error"]));
            let z = (est - number(&value)) / se;
            assert!(z.abs() < 4.5, "{model} {name}: {est} ± {se} vs {value}");
        }
    }
}
