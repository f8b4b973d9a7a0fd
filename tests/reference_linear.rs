//! Linear regression, n = 500, p = 3 (+ intercept), against statsmodels 0.15.0 `OLS`
//! (tests/data/linear_n500_p3.json: block `ols` for the closed form, block `mle` for the
//! Gaussian maximum likelihood fit), and the OLS-versus-MLE comparison.

mod common;
use common::*;

use mle::closed_form::{compare_ols_mle, ols};
use mle::data::{DesignBuilder, ModelFrame, ResponseSpec};
use mle::model::Gaussian;
use mle::{FitOptions, Optimizer, fit};

fn frame() -> ModelFrame {
    let data = dataset("linear_n500_p3.csv");
    DesignBuilder::new(ResponseSpec::parse("y"))
        .build(&data)
        .unwrap()
}

#[test]
fn ols_matches_statsmodels() {
    let e = &reference("linear_n500_p3.json")["ols"];
    let f = frame();
    let r = ols(&f.design, &f.response, 0.95).unwrap();
    let get =
        |k: fn(&mle::closed_form::OlsParam) -> f64| r.params.iter().map(k).collect::<Vec<_>>();
    assert_rel(
        "estimate",
        &get(|p| p.estimate),
        &numbers(&e["estimate"]),
        1e-10,
    );
    assert_rel(
        "std_error",
        &get(|p| p.std_error),
        &numbers(&e["std_error"]),
        1e-10,
    );
    assert_rel("t", &get(|p| p.t), &numbers(&e["t"]), 1e-10);
    assert_rel(
        "p_value",
        &get(|p| p.p_value),
        &numbers(&e["p_value"]),
        1e-6,
    );
    assert_rel(
        "ci_lower",
        &get(|p| p.ci_lower),
        &numbers(&e["ci_lower"]),
        1e-10,
    );
    assert_rel(
        "ci_upper",
        &get(|p| p.ci_upper),
        &numbers(&e["ci_upper"]),
        1e-10,
    );
    assert_value_rel("r_squared", r.r_squared, &e["r_squared"], 1e-12);
    assert_value_rel("adj_r_squared", r.adj_r_squared, &e["adj_r_squared"], 1e-12);
    assert_value_rel("rss", r.rss, &e["rss"], 1e-12);
    assert_value_rel("sigma2", r.sigma2, &e["sigma2_unbiased"], 1e-12);
    assert_eq!(r.df_resid, number(&e["df_resid"]));
    let mle_ll = number(&reference("linear_n500_p3.json")["mle"]["log_likelihood"]);
    assert_abs("log_likelihood", &[r.log_likelihood], &[mle_ll], 1e-9);
}

#[test]
fn gaussian_mle_matches_statsmodels() {
    let e = &reference("linear_n500_p3.json")["mle"];
    let f = frame();
    let model = Gaussian::new(&f.design, &f.response).unwrap();
    for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
        let r = fit(&model, &FitOptions::default().optimizer(optimizer)).unwrap();
        assert!(r.convergence.converged, "{r}");
        let est = r.estimates();
        let se = some(r.bse());
        assert_rel("beta", &est[..4], &numbers(&e["estimate"]), 1e-8);
        assert_rel("beta se", &se[..4], &numbers(&e["std_error"]), 1e-7);
        assert_rel("sigma", &[est[4]], &[number(&e["sigma"])], 1e-8);
        assert_rel("sigma se", &[se[4]], &[number(&e["sigma_std_error"])], 1e-7);
        assert_value_abs(
            "log_likelihood",
            r.log_likelihood,
            &e["log_likelihood"],
            1e-8,
        );
        assert_value_abs("aic", r.aic, &e["aic"], 1e-7);
        assert_value_abs("bic", r.bic, &e["bic"], 1e-7);
        // σ > 0: its interval is mapped back from the log scale and stays positive
        let sigma = r.param("sigma").unwrap();
        assert!(sigma.ci_lower.unwrap() > 0.0 && sigma.z.is_none());
    }
}

#[test]
fn ols_and_mle_are_one_framework() {
    let f = frame();
    let c = compare_ols_mle(&f.design, &f.response, &FitOptions::default()).unwrap();
    assert!(
        c.max_rel_beta_diff < 1e-8,
        "β differ by {}",
        c.max_rel_beta_diff
    );
    // σ̂² = RSS/n against s² = RSS/(n − p), closed forms of the same RSS
    let rss = c.ols.rss;
    assert_rel("sigma_mle²", &[c.sigma_mle.powi(2)], &[rss / 500.0], 1e-8);
    assert_rel("s²", &[c.sigma_ols.powi(2)], &[rss / 496.0], 1e-12);
    // standard errors differ by exactly √(n/(n − p))
    assert_rel(
        "expected ratio",
        &[c.expected_se_ratio],
        &[(500.0f64 / 496.0).sqrt()],
        1e-15,
    );
    for r in &c.se_ratios {
        assert_rel("se ratio", &[*r], &[c.expected_se_ratio], 1e-7);
    }
}

/// Newton from the Gaussian's default start (β = 0) takes a first step so long that σ
/// underflows to 0 and ℓ is NaN there; the line search must shorten it, not give up. Found by the
/// linear_regression example; the answer is the least-squares β (closed form, QR).
#[test]
fn newton_survives_a_nan_trial_point() {
    let iris =
        mle::data::read_csv(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/iris.csv")).unwrap();
    let f = DesignBuilder::new(ResponseSpec::parse("sepal_length"))
        .columns(["sepal_width", "petal_length", "petal_width"])
        .build(&iris)
        .unwrap();
    let options = FitOptions::default().optimizer(Optimizer::Newton);
    let c = compare_ols_mle(&f.design, &f.response, &options).unwrap();
    assert!(c.mle.convergence.converged, "{}", c.mle);
    assert!(c.max_rel_beta_diff < 1e-8, "{}", c.max_rel_beta_diff);
}
