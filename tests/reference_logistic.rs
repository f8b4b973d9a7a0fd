//! Logistic regression, n = 1000, p = 5 (+ intercept), against statsmodels 0.15.0
//! `Logit(...).fit(method="newton")` (tests/data/logistic_n1000_p5.json, copied from the
//! project's reference set).

mod common;
use common::*;

use mle::data::{DesignBuilder, ResponseSpec};
use mle::model::Logistic;
use mle::{FitOptions, FitResult, Optimizer, fit};

fn fit_with(options: FitOptions) -> FitResult {
    let data = dataset("logistic_n1000_p5.csv");
    let frame = DesignBuilder::new(ResponseSpec::parse("y"))
        .build(&data)
        .unwrap();
    let model = Logistic::new(&frame.design, &frame.response).unwrap();
    fit(&model, &options).unwrap()
}

fn check(r: &FitResult) {
    let e = reference("logistic_n1000_p5.json");
    assert!(r.convergence.converged, "{r}");
    // one more Newton step would move no estimate by more than 1e-4 standard errors
    assert!(r.convergence.newton_step_in_se.unwrap() < 1e-4, "{r}");
    let names: Vec<&str> = r.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["intercept", "x1", "x2", "x3", "x4", "x5"]);
    assert_wald(r, &e, 1e-6, 1e-5);
    let ci = r.conf_int().unwrap();
    let lo: Vec<f64> = ci.iter().map(|c| c.0).collect();
    let hi: Vec<f64> = ci.iter().map(|c| c.1).collect();
    assert_rel("ci_lower", &lo, &numbers(&e["ci_lower"]), 1e-6);
    assert_rel("ci_upper", &hi, &numbers(&e["ci_upper"]), 1e-6);
    assert_abs(
        "log_likelihood",
        &[r.log_likelihood],
        &[number(&e["log_likelihood"])],
        1e-8,
    );
    // The null log-likelihood has a closed form, n[p̄ ln p̄ + (1 − p̄) ln(1 − p̄)] with p̄ = ȳ,
    // = -674.2093278222404 on these data (computed in Python from the CSV). statsmodels fits the
    // null model iteratively and stops 4.6e-8 short of that maximum (-674.2093278677415), so
    // against statsmodels the null log-likelihood agrees to 1e-7 and ours is the higher one.
    let ll0 = r.log_likelihood_null.unwrap();
    assert_abs(
        "log_likelihood_null (closed form)",
        &[ll0],
        &[-674.209_327_822_240_4],
        1e-9,
    );
    assert_abs(
        "log_likelihood_null",
        &[ll0],
        &[number(&e["log_likelihood_null"])],
        1e-7,
    );
    assert!(ll0 > number(&e["log_likelihood_null"]));
    assert_abs("aic", &[r.aic], &[number(&e["aic"])], 1e-7);
    assert_abs("bic", &[r.bic], &[number(&e["bic"])], 1e-7);
    assert_rel("llr", &[r.llr.unwrap()], &[number(&e["llr"])], 1e-9);
    assert_rel(
        "llr_p_value",
        &[r.llr_p_value.unwrap()],
        &[number(&e["llr_p_value"])],
        1e-6,
    );
    assert_rel(
        "pseudo_r2",
        &[r.pseudo_r2.unwrap()],
        &[number(&e["pseudo_r2_mcfadden"])],
        1e-9,
    );
    assert_eq!(r.n_obs, 1000);
}

#[test]
fn lbfgs_matches_statsmodels() {
    let r = fit_with(FitOptions::default());
    check(&r);
    assert_eq!(r.hessian_method, mle::inference::HessianMethod::Analytic);
}

#[test]
fn newton_matches_statsmodels() {
    let r = fit_with(FitOptions::default().optimizer(Optimizer::Newton));
    check(&r);
    // Newton on a logistic likelihood converges quadratically: a handful of steps
    assert!(
        r.convergence.iterations <= 10,
        "{} iterations",
        r.convergence.iterations
    );
}

#[test]
fn gradient_ascent_matches_statsmodels() {
    // Steepest ascent stalls in floating point a little short of gtol; it stops on the relative
    // change rule (the gradient within 1000 × gtol), still 1e-6 close to statsmodels.
    let r = fit_with(FitOptions::default().optimizer(Optimizer::Gradient));
    check(&r);
    assert!(r.convergence.iterations > 5);
}

#[test]
fn json_has_the_documented_fields() {
    let r = fit_with(FitOptions::default().optimizer(Optimizer::Newton));
    let v: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    for key in [
        "model",
        "n_obs",
        "converged",
        "iterations",
        "optimizer",
        "log_likelihood",
        "aic",
        "bic",
        "params",
        "log_likelihood_null",
        "llr",
        "llr_p_value",
        "pseudo_r2",
        "hessian_method",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in [
        "name",
        "estimate",
        "std_error",
        "z",
        "p_value",
        "ci_lower",
        "ci_upper",
    ] {
        assert!(v["params"][0].get(key).is_some(), "missing params[].{key}");
    }
    assert_eq!(v["model"], "logistic");
    assert_eq!(v["params"][0]["name"], "intercept");
    // round trip
    let back: FitResult = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

#[test]
fn likelihood_ratio_test_of_nested_fits() {
    // statsmodels 0.15.0 Logit newton (tol 1e-12) without x4: llf = -535.5879975337156;
    // 2(ℓ_full − ℓ_restricted) = 0.05329766790987378, scipy chi2.sf(·, 1) = 0.817421331681788.
    let data = dataset("logistic_n1000_p5.csv");
    let restricted = DesignBuilder::new(ResponseSpec::parse("y"))
        .columns(["x1", "x2", "x3", "x5"])
        .build(&data)
        .unwrap();
    let options = FitOptions::default().optimizer(Optimizer::Newton);
    let small = fit(
        &Logistic::new(&restricted.design, &restricted.response).unwrap(),
        &options,
    )
    .unwrap();
    let full = fit_with(options);
    assert_abs(
        "restricted ll",
        &[small.log_likelihood],
        &[-535.587_997_533_715_6],
        1e-8,
    );
    let t = mle::lr_test(&small, &full).unwrap();
    assert_eq!(t.df, 1.0);
    assert_rel(
        "statistic",
        &[t.statistic],
        &[0.053_297_667_909_873_78],
        1e-6,
    );
    assert_rel("p_value", &[t.p_value], &[0.817_421_331_681_788], 1e-6);
    // the wrong way round is refused
    assert!(mle::lr_test(&full, &small).is_err());
}
