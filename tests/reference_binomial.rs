//! Binomial regression (n = 200 rows of successes out of trials) against statsmodels 0.15.0
//! `GLM(Binomial)` (tests/data/binomial_n200_p2.json), and the coin flips (55 heads in 100) against
//! the closed form (tests/data/coin_flips.json).

mod common;
use common::*;

use mle::closed_form::proportion;
use mle::data::{DesignBuilder, ResponseSpec, TrialsSpec};
use mle::model::{Binomial, Proportion};
use mle::{FitOptions, Optimizer, fit};

#[test]
fn binomial_regression_matches_statsmodels() {
    let e = reference("binomial_n200_p2.json");
    let data = dataset("binomial_n200_p2.csv");
    let f = DesignBuilder::new(ResponseSpec::parse("successes"))
        .trials(TrialsSpec::Column("trials".into()))
        .build(&data)
        .unwrap();
    assert_eq!(f.design.names(), &["intercept", "x1", "x2"]);
    let model = Binomial::new(&f.design, &f.response, f.trials.as_ref().unwrap()).unwrap();
    for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
        let r = fit(&model, &FitOptions::default().optimizer(optimizer)).unwrap();
        assert!(r.convergence.converged, "{r}");
        assert_wald(&r, &e, 1e-6, 1e-5);
        // statsmodels' GLM includes ln C(m, k), as this model does
        assert_value_abs(
            "log_likelihood",
            r.log_likelihood,
            &e["log_likelihood"],
            1e-8,
        );
        assert_value_abs("aic", r.aic, &e["aic"], 1e-7);
        assert_eq!(r.n_obs, 200);
    }
}

#[test]
fn coin_flips_closed_form_and_iterative_fit_agree() {
    let e = reference("coin_flips.json");
    let (k, n) = (number(&e["successes"]), number(&e["trials"]));
    let closed = proportion(k, n, 0.95).unwrap();
    assert_eq!(closed.p_hat, number(&e["p_hat"]));
    assert_rel("se", &[closed.std_error], &[number(&e["std_error"])], 1e-12);
    assert_rel(
        "ll",
        &[closed.log_likelihood_kernel],
        &[number(&e["log_likelihood"])],
        1e-12,
    );
    // with ln C(100, 55) = 66.2879964680086 added (the reference note)
    let full = number(&e["log_likelihood"]) + 66.287_996_468_008_6;
    assert_abs("full ll", &[closed.log_likelihood], &[full], 1e-9);

    // the iterative fit of p on the logit scale, by every optimizer
    let coin = Proportion::new(&[k], &[n]).unwrap();
    for optimizer in [Optimizer::Lbfgs, Optimizer::Newton, Optimizer::Gradient] {
        let r = fit(&coin, &FitOptions::default().optimizer(optimizer)).unwrap();
        assert!(r.convergence.converged, "{r}");
        let p = &r.params[0];
        assert_abs("p_hat", &[p.estimate], &[0.55], 1e-9);
        // delta method: se(p) = p(1 − p)·se(logit p) = √(p(1 − p)/n) exactly
        assert_rel(
            "se",
            &[p.std_error.unwrap()],
            &[number(&e["std_error"])],
            1e-8,
        );
        assert_abs("ll", &[r.log_likelihood], &[full], 1e-9);
        // the interval comes from the logit scale and stays inside (0, 1)
        assert!(p.ci_lower.unwrap() > 0.0 && p.ci_upper.unwrap() < 1.0);
    }

    // the same flips one by one (Bernoulli rows) give the same p̂ and se (Newton: on 100 rows
    // a line search stalls when ℓ stops changing in floating point, ~1e-8 short in p)
    let ks: Vec<f64> = (0..100).map(|i| f64::from(u8::from(i < 55))).collect();
    let options = FitOptions::default().optimizer(Optimizer::Newton);
    let r = fit(&Proportion::new(&ks, &[1.0; 100]).unwrap(), &options).unwrap();
    assert_abs("p_hat rows", &[r.params[0].estimate], &[0.55], 1e-9);
    assert_rel(
        "se rows",
        &[r.params[0].std_error.unwrap()],
        &[number(&e["std_error"])],
        1e-8,
    );
}

#[test]
fn all_heads_is_refused_with_a_reason() {
    let err = Proportion::new(&[10.0], &[10.0]).unwrap_err().to_string();
    assert!(err.contains("boundary"), "{err}");
    let err = Proportion::new(&[11.0], &[10.0]).unwrap_err().to_string();
    assert!(err.contains("exceed"), "{err}");
}
