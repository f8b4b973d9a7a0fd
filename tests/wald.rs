//! Wald tests of linear restrictions (`mle::inference::WaldTest`, `mle fit --wald`) against R:
//! `lmtest::waldtest` for `x1 = 0, x2 = 0` under the model-based and the HC1 covariance, and the
//! quadratic form written out in R for `x1 + x2 = 0.5` and `x1 + x2 = 0.5, x1 = 2 x2`
//! (`tests/data/wald/references.R`, values in `r.json` there), on the logistic regression of
//! `tests/data/robust/clustered.csv`.

mod common;
use common::*;

use assert_cmd::Command;
use mle::data::{DesignBuilder, ResponseSpec, read_csv};
use mle::inference::{LinearRestriction, WaldTest};
use mle::model::ModelKind;
use mle::optim::CovType;
use mle::{FitOptions, FitResult, fit_frame};
use serde_json::Value;

fn logistic(options: &FitOptions) -> FitResult {
    let data = read_csv(data_path("robust/clustered.csv")).unwrap();
    let frame = DesignBuilder::new(ResponseSpec::parse("y_binary"))
        .columns(["x1", "x2"])
        .build(&data)
        .unwrap();
    let kind: ModelKind = "logistic".parse().unwrap();
    fit_frame(kind, &frame, kind.link(None).unwrap(), options, &mut ()).unwrap()
}

fn test(fit: &FitResult, restrictions: &str) -> WaldTest {
    WaldTest::new(fit, &LinearRestriction::parse_list(restrictions).unwrap()).unwrap()
}

#[test]
fn wald_statistics_match_r() {
    let r = reference("wald/r.json");
    let model = logistic(&FitOptions::default());
    let hc1 = logistic(&FitOptions::default().cov_type(CovType::Hc1));
    let cases = [
        (&model, "x1 = 0, x2 = 0", "zero_model"),
        (&hc1, "x1 = 0, x2 = 0", "zero_hc1"),
        (&model, "x1 + x2 = 0.5", "sum_model"),
        (&hc1, "x1 + x2 = 0.5, x1 = 2*x2", "pair_hc1"),
    ];
    for (fit, restrictions, key) in cases {
        let w = test(fit, restrictions);
        assert_value_rel(key, w.statistic, &r[key]["statistic"], 1e-7);
        assert_eq!(w.df, number(&r[key]["df"]), "{key}");
        if let Some(p) = r[key].get("p_value") {
            assert_value_rel(key, w.p_value, p, 1e-6);
        }
    }
}

#[test]
fn from_the_command_line_with_its_errors() {
    let data = data_path("robust/clustered.csv").display().to_string();
    let base = [
        "fit", "logistic", "--data", &data, "--y", "y_binary", "--x", "x1,x2",
    ];
    let out = Command::cargo_bin("mle")
        .unwrap()
        .args(base)
        .args(["--cov", "hc1", "--wald", "x1 = 0, x2 = 0", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = &reference("wald/r.json")["zero_hc1"]["statistic"];
    assert_value_rel("W", number(&v["wald_test"]["statistic"]), expected, 1e-7);
    assert_eq!(v["wald_test"]["cov_type"], "HC1");
    for (wald, needle) in [
        ("x3 = 0", "no parameter named 'x3'"),
        ("x1 = 0, 2*x1 = 0", "linearly dependent"),
        ("x1 + = 0", "a term is missing"),
    ] {
        let out = Command::cargo_bin("mle")
            .unwrap()
            .args(base)
            .args(["--wald", wald])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{wald}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{wald}: {stderr}");
    }
}
