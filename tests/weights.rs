//! Frequency weights: a row of weight `w` stands for `w` identical observations. Fair's affairs
//! data aggregated over the columns a model uses (`tests/data/formula/fair_counts*.csv`, one
//! row per distinct combination with its count in `n`, and one row of weight 0) must give the
//! fit of every row of the data: statsmodels' estimates, standard errors (model-based, HC1 and
//! cluster-robust) and log-likelihood on `fair.csv`, written by
//! `tests/data/formula/make_references.py`, which also checks statsmodels' own
//! `GLM(freq_weights=...)` against them, and R's `glm(weights = n)`
//! (`tests/data/formula/references.R`).

mod common;
use common::*;

use mle::data::{DesignBuilder, Formula, ModelFrame};
use mle::model::{Model, ModelKind, Proportion};
use mle::optim::CovType;
use mle::{FitOptions, FitResult, fit, fit_frame};
use serde_json::Value;

/// The agreement: coefficients and standard errors to 1e-6 relative.
const REL: f64 = 1e-6;

fn case(name: &str) -> Value {
    reference("formula/references.json")[name].clone()
}

fn weighted_frame(case: &Value) -> ModelFrame {
    let path = data_path(&format!("formula/{}", case["data"].as_str().unwrap()));
    let formula = Formula::parse(case["formula"].as_str().unwrap()).unwrap();
    DesignBuilder::from_formula(formula)
        .weights(case["weights"].as_str().unwrap())
        .read(path)
        .unwrap()
}

fn unweighted_frame(case: &Value) -> ModelFrame {
    let formula = Formula::parse(case["formula"].as_str().unwrap()).unwrap();
    DesignBuilder::from_formula(formula)
        .read(data_path("formula/fair.csv"))
        .unwrap()
}

fn run(model: &str, frame: &ModelFrame, options: &FitOptions) -> FitResult {
    let kind: ModelKind = model.parse().unwrap();
    let r = fit_frame(kind, frame, kind.link(None).unwrap(), options, &mut ()).unwrap();
    assert!(r.convergence.converged, "{r}");
    r
}

/// The reference's estimates, standard errors (or a named set of them) in its order.
fn column(params: &Value, index: Option<usize>) -> Vec<f64> {
    params
        .as_object()
        .unwrap()
        .values()
        .map(|v| number(index.map_or(v, |i| &v[i])))
        .collect()
}

fn estimates(r: &FitResult, k: usize) -> Vec<f64> {
    r.params[..k].iter().map(|p| p.estimate).collect()
}

fn std_errors(r: &FitResult, k: usize) -> Vec<f64> {
    r.params[..k].iter().map(|p| p.std_error.unwrap()).collect()
}

/// A weighted fit against statsmodels' fit of every row: estimates, standard errors,
/// log-likelihood, observations `Σw`, and the one row of weight 0 dropped.
fn fits_every_row(name: &str, model: &str) -> (Value, ModelFrame, FitResult) {
    let case = case(name);
    let frame = weighted_frame(&case);
    assert_eq!(frame.design.n_rows() as u64, case["rows"].as_u64().unwrap());
    assert_eq!(frame.n_dropped, 1, "{name}: the row of weight 0");
    let r = run(model, &frame, &FitOptions::default());
    let k = frame.design.n_cols();
    assert_eq!(r.n_obs as u64, case["nobs"].as_u64().unwrap(), "{name}: n");
    let p = &case["params"];
    assert_rel(name, &estimates(&r, k), &column(p, Some(0)), REL);
    assert_rel(name, &std_errors(&r, k), &column(p, Some(1)), REL);
    assert_value_rel(name, r.log_likelihood, &case["llf"], 1e-10);
    (case, frame, r)
}

#[test]
fn a_weighted_logistic_fit_is_the_fit_of_every_row() {
    let (case, frame, _) = fits_every_row("weighted_logit", "logistic");
    let k = frame.design.n_cols();
    // statsmodels' GLM with freq_weights on the aggregated rows says the same
    let p = &case["freq_weights_params"];
    let r_fit = run("logistic", &frame, &FitOptions::default());
    assert_rel(
        "freq_weights",
        &estimates(&r_fit, k),
        &column(p, Some(0)),
        REL,
    );
    assert_rel(
        "freq_weights",
        &std_errors(&r_fit, k),
        &column(p, Some(1)),
        REL,
    );
    // R's glm with these counts as prior weights (tests/data/formula/references.R)
    let r = &reference("formula/r.json")["weighted_logit"]["params"];
    let key = |n: &str| {
        if n == "intercept" {
            "Intercept".to_string()
        } else {
            n.to_string()
        }
    };
    let names = frame.design.names();
    let est: Vec<f64> = names.iter().map(|n| number(&r[key(n)][0])).collect();
    let se: Vec<f64> = names.iter().map(|n| number(&r[key(n)][1])).collect();
    assert_rel("R glm(weights = n)", &estimates(&r_fit, k), &est, REL);
    assert_rel("R glm(weights = n)", &std_errors(&r_fit, k), &se, REL);
    // robust standard errors count observations, not rows (statsmodels' GLM "HC1" is the
    // sandwich without the factor n/(n − k): HC0)
    let hc0 = run(
        "logistic",
        &frame,
        &FitOptions::default().cov_type(CovType::Hc0),
    );
    assert_rel(
        "HC0",
        &std_errors(&hc0, k),
        &column(&case["bse_hc0"], None),
        REL,
    );
    // clustered by religion, which is constant within each aggregated row
    let formula = Formula::parse(case["formula"].as_str().unwrap()).unwrap();
    let clustered = DesignBuilder::from_formula(formula)
        .weights("n")
        .cluster("religious")
        .read(data_path("formula/fair_counts.csv"))
        .unwrap();
    let options = FitOptions::default().clusters(clustered.clusters[0].clone());
    let cr1 = run("logistic", &clustered, &options);
    assert_rel(
        "CR1",
        &std_errors(&cr1, k),
        &column(&case["bse_cluster"], None),
        REL,
    );
}

/// What no reference above covers, against the same fit of every row by `mle` itself (each
/// equal to R or statsmodels in their own tests): HC1, HC2 and HC3 from the leverages of one
/// observation, Firth's penalty, AIC and BIC with `n = Σw`.
#[test]
fn weighted_leverages_firth_and_criteria_equal_those_of_every_row() {
    let case = case("weighted_logit");
    let (weighted, every) = (weighted_frame(&case), unweighted_frame(&case));
    let k = weighted.design.n_cols();
    for cov in [CovType::Hc1, CovType::Hc2, CovType::Hc3] {
        let options = FitOptions::default().cov_type(cov);
        let (a, b) = (
            run("logistic", &weighted, &options),
            run("logistic", &every, &options),
        );
        assert_rel(
            &format!("{cov:?}"),
            &std_errors(&a, k),
            &std_errors(&b, k),
            1e-8,
        );
    }
    let firth = FitOptions::default().firth(true);
    let (a, b) = (
        run("logistic", &weighted, &firth),
        run("logistic", &every, &firth),
    );
    assert_rel("firth", &estimates(&a, k), &estimates(&b, k), 1e-8);
    assert_rel("firth se", &std_errors(&a, k), &std_errors(&b, k), 1e-8);
    let (a, b) = (
        run("logistic", &weighted, &FitOptions::default()),
        run("logistic", &every, &FitOptions::default()),
    );
    assert_rel("aic, bic", &[a.aic, a.bic], &[b.aic, b.bic], 1e-10);
    let null = |r: &FitResult| r.llr.expect("an intercept: a null model");
    assert_rel("llr", &[null(&a)], &[null(&b)], 1e-8);
}

#[test]
fn a_weighted_poisson_fit_is_the_fit_of_every_row() {
    fits_every_row("weighted_poisson", "poisson");
}

/// The Gaussian family's curvature is the same in every row: its Hessian is `XᵀWX`.
#[test]
fn a_weighted_gaussian_fit_is_the_fit_of_every_row() {
    fits_every_row("weighted_gaussian", "gaussian");
}

/// The coin flips with weights: `p̂ = Σwk / Σwm` and its standard error `√(p̂(1 − p̂)/Σwm)`.
#[test]
fn a_weighted_proportion_is_the_pooled_proportion() {
    let device = mle::backend::default_device().unwrap();
    let coin = Proportion::weighted(&[3.0, 1.0], &[5.0, 2.0], Some(&[2.0, 3.0]), &device).unwrap();
    assert_eq!(coin.n_obs(), 5);
    let r = fit(&coin, &FitOptions::default()).unwrap();
    let p = 9.0 / 16.0;
    assert_rel("p", &[r.params[0].estimate], &[p], 1e-10);
    let se = (p * (1.0 - p) / 16.0).sqrt();
    assert_rel("se", &[r.params[0].std_error.unwrap()], &[se], 1e-8);
    let half = Proportion::weighted(&[3.0], &[5.0], Some(&[0.5]), &device);
    assert!(half.unwrap_err().to_string().contains("row 1"));
}

fn mle() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("mle").unwrap()
}

/// From the command line: `--weights n` gives the fit of every row, `n_obs` = Σw in the JSON
/// with the row of weight 0 counted as dropped; a weight that is not a whole number, negative
/// or text is an error naming its file, row and column (exit 3).
#[test]
fn weights_from_the_command_line() {
    let case = case("weighted_logit");
    let out = mle()
        .args(["fit", "logistic", "--json", "--weights", "n", "--formula"])
        .arg(case["formula"].as_str().unwrap())
        .arg("--data")
        .arg(data_path("formula/fair_counts.csv"))
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["n_obs"], case["nobs"]);
    assert_eq!(v["n_dropped"], 1);
    let dir = tempfile::tempdir().unwrap();
    for (cell, expected) in [("2.5", "2.5"), ("-1", "-1"), ("many", "many")] {
        let path = dir.path().join("w.csv");
        std::fs::write(
            &path,
            format!("y,x,w\n1,0.5,2\n0,1.5,{cell}\n1,2.5,1\n0,0.1,3\n"),
        )
        .unwrap();
        let out = mle()
            .args(["fit", "logistic", "--y", "y", "--x", "x", "--weights", "w"])
            .arg("--data")
            .arg(&path)
            .assert()
            .code(3);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(
            err.contains("w.csv") && err.contains("row 2") && err.contains("'w'"),
            "{cell}: {err}"
        );
        assert!(err.contains(expected) || err.contains("number"), "{err}");
    }
}
