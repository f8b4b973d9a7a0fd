//! Firth's bias-reduced fits (`mle::model::Firth`, `mle fit --firth`) against R's brglm2 0.9 and
//! the exact profile penalized-likelihood intervals and penalized likelihood-ratio test that
//! `tests/data/firth/references.R` solves (the values in `tests/data/firth/r.json`), on the
//! quasi-separated endometrial data, where the maximum likelihood estimate does not exist.

mod common;
use common::*;

use assert_cmd::Command;
use mle::data::{DesignBuilder, ResponseSpec, TrialsSpec, read_csv};
use mle::inference::RestrictionTest;
use mle::model::{Firth, Link, Logistic, ModelKind};
use mle::{FitOptions, fit, fit_frame};
use serde_json::Value;

/// Coefficients and standard errors: brglm2's convergence tolerance is 1e-14 in the score.
const COEF_REL: f64 = 1e-6;
/// The bound for profile penalized-likelihood ends.
const PROFILE_REL: f64 = 1e-5;

fn endometrial() -> mle::data::ModelFrame {
    let data = read_csv(data_path("existence/endometrial.csv")).unwrap();
    DesignBuilder::new(ResponseSpec::parse("HG"))
        .trials(TrialsSpec::Constant(1.0))
        .build(&data)
        .unwrap()
}

#[test]
fn coefficients_and_standard_errors_match_brglm2_for_every_link() {
    let r = reference("firth/r.json");
    let frame = endometrial();
    let binomial: ModelKind = "binomial".parse().unwrap();
    for link in [Link::Logit, Link::Probit, Link::Cloglog] {
        let e = &r[link.name()];
        let options = FitOptions::default().firth(true);
        let fit = fit_frame(binomial, &frame, link, &options, &mut ()).unwrap();
        assert!(fit.convergence.converged, "{link}");
        assert!(fit.separation.is_none());
        assert_rel(
            &format!("{link} β"),
            &fit.estimates(),
            &numbers(&e["coefficients"]),
            COEF_REL,
        );
        assert_rel(
            &format!("{link} se"),
            &some(fit.bse()),
            &numbers(&e["std_errors"]),
            COEF_REL,
        );
        assert_value_rel("ℓ*", fit.log_likelihood, &e["penalized_loglik"], 1e-9);
        assert_eq!(fit.penalty.as_deref(), Some("Firth (Jeffreys prior)"));
    }
}

#[test]
fn profile_penalized_intervals_and_the_penalized_lr_test_match_the_exact_solution() {
    let r = &reference("firth/r.json")["logit"];
    let frame = endometrial();
    let model = Firth::new(Logistic::new(&frame.design, &frame.response).unwrap()).unwrap();
    let options = FitOptions::default();
    let full = fit(&model, &options).unwrap();
    let profiled = mle::profile::with_profile_intervals(&model, full.clone(), &options).unwrap();
    let lower: Vec<f64> = profiled
        .params
        .iter()
        .map(|p| p.ci_lower.unwrap())
        .collect();
    let upper: Vec<f64> = profiled
        .params
        .iter()
        .map(|p| p.ci_upper.unwrap())
        .collect();
    assert_rel("lower", &lower, &numbers(&r["profile_lower"]), PROFILE_REL);
    assert_rel("upper", &upper, &numbers(&r["profile_upper"]), PROFILE_REL);
    // the penalized likelihood-ratio test of NV = 0: the restricted refit keeps the penalty
    let hypothesis = [("NV".to_string(), 0.0)];
    let restricted = fit(&model, &options.clone().fix("NV", 0.0)).unwrap();
    let test = RestrictionTest::new(&hypothesis, &restricted, &full).unwrap();
    assert_value_rel("LR", test.test.statistic, &r["lr_nv0"], 1e-7);
}

#[test]
fn firth_gives_finite_estimates_where_the_maximum_does_not_exist() {
    for (file, y) in [
        ("quasi.csv", "y"),
        ("complete.csv", "y"),
        ("endometrial.csv", "HG"),
    ] {
        let path = data_path(&format!("existence/{file}"))
            .display()
            .to_string();
        let out = Command::cargo_bin("mle")
            .unwrap()
            .args([
                "fit", "logistic", "--data", &path, "--y", y, "--firth", "--json",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{file}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["converged"], true, "{file}");
        for p in v["params"].as_array().unwrap() {
            assert!(number(&p["std_error"]).is_finite(), "{file}");
        }
    }
}

#[test]
fn firth_is_refused_where_it_does_not_apply() {
    let frame = endometrial();
    let model = Logistic::new(&frame.design, &frame.response).unwrap();
    // asked of an unpenalized model, or with an L2 penalty, robust covariances or autodiff
    assert!(fit(&model, &FitOptions::default().firth(true)).is_err());
    let firth = Firth::new(model).unwrap();
    let refused = [
        FitOptions::default().firth(true).l2(1.0),
        FitOptions::default().cov_type(mle::optim::CovType::Hc0),
        FitOptions::default().closed_form(false),
    ];
    for options in refused {
        let err = fit(&firth, &options).unwrap_err();
        assert!(matches!(err, mle::MleError::InvalidOption(_)), "{err}");
    }
    let poisson: ModelKind = "poisson".parse().unwrap();
    let e = fit_frame(
        poisson,
        &frame,
        Link::Log,
        &FitOptions::default().firth(true),
        &mut (),
    );
    assert!(e.is_err());
}
