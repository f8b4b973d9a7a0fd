//! Models of independent rows written by a user (the NB2 and zero-inflated Poisson models of the
//! `custom_negbin` and `custom_zip` examples, and a right-censored Weibull regression written
//! here) against statsmodels 0.15.0, R 4.2's `survreg`, and the exact observed information of an
//! independent automatic differentiation: TMB, from C++ templates of the same likelihoods
//! (`tests/data/user_models/`: `make_statsmodels.py` writes the data and statsmodels' values,
//! `exact_information.R` TMB's and survreg's).
//!
//! The exact information must give TMB's standard errors to rounding: the jets' Hessian has no
//! differencing error (the finite differences of the autodiff gradient it replaces were off by
//! 6.5e-8 for NB2's α at n = 5000).

mod common;
#[path = "../examples/custom_negbin/nb2.rs"]
mod nb2;
#[path = "../examples/custom_zip/zip.rs"]
mod zip;

use common::*;
use mle::ad::Real;
use mle::data::Design;
use mle::model::{
    GradientMethod, HessianMethod, Likelihood, Model, Param, Params, Rows, Theta, Want,
};
use mle::{FitOptions, FitResult, Optimizer, fit};

/// Right-censored Weibull regression in survreg's parameterization: `ln T = xᵀβ + σW`, `W`
/// standard minimum extreme value; with `z = (ln t − η)/σ`,
/// `ℓᵢ = δᵢ(−ln σ − ln tᵢ + z) − e^z` (`δᵢ = 1` for an observed time, 0 for a censored one).
struct Weibull {
    log_time: Vec<f64>,
    event: Vec<f64>,
    params: Params,
}

impl Likelihood for Weibull {
    fn name(&self) -> &str {
        "weibull"
    }
    fn params(&self) -> &Params {
        &self.params
    }
    fn n_obs(&self) -> usize {
        self.event.len()
    }
    fn loglike_obs<R: Real>(&self, theta: &Theta<R>, rows: &Rows<R>) -> R {
        let (eta, sigma) = (theta.get("eta"), theta.get("sigma"));
        let log_t = rows.get(&self.log_time);
        let z = (log_t.clone() - eta) / sigma.clone();
        rows.get(&self.event) * (-sigma.log() - log_t + z.clone()) - z.exp()
    }
}

fn design(data: &mle::data::Dataset, columns: &[&str]) -> Design {
    let values: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| data.numeric(c).unwrap().to_vec())
        .collect();
    Design::from_columns(columns, &values, true).unwrap()
}

fn quine_nb2() -> nb2::NegativeBinomial {
    let data = dataset("user_models/quine.csv");
    let x = design(&data, &["EthN", "SexM", "AgeF1", "AgeF2", "AgeF3", "LrnSL"]);
    nb2::NegativeBinomial::new(&x, data.numeric("Days").unwrap())
}

fn zip_model() -> zip::ZeroInflatedPoisson {
    let data = dataset("user_models/zip.csv");
    let (count, inflate) = (design(&data, &["x1", "x2"]), design(&data, &["z"]));
    zip::ZeroInflatedPoisson::new(&count, &inflate, data.numeric("y").unwrap())
}

fn weibull(block_rows: usize) -> Weibull {
    let data = dataset("user_models/weibull.csv");
    let x = design(&data, &["x1", "x2"]);
    Weibull {
        log_time: data
            .numeric("time")
            .unwrap()
            .iter()
            .map(|t| t.ln())
            .collect(),
        event: data.numeric("event").unwrap().to_vec(),
        params: Params::new()
            .linear("eta", &x)
            .scalar(Param::positive("sigma", 1.0))
            .block_rows(block_rows),
    }
}

/// The model's exact information at TMB's estimate gives TMB's standard errors to 1e-11 (the
/// two automatic differentiations agree to rounding); the fit, from its own estimate, to 1e-8
/// (what the default stopping rule leaves: a last Newton step of about 1e-8 standard errors,
/// which moves the information by as much), estimates and log-likelihood likewise; both by
/// forward-mode jets.
fn check_against_tmb<M: Model>(model: &M, r: &FitResult, key: &str) {
    let tmb = &reference("user_models/tmb.json")[key];
    let at = numbers(&tmb["params"]);
    let h = model.evaluate(&at, Want::HESSIAN).unwrap().hessian.unwrap();
    let cov = (-h).try_inverse().unwrap();
    let bse: Vec<f64> = (0..at.len()).map(|j| cov[(j, j)].sqrt()).collect();
    assert_rel(
        "exact bse at TMB's estimate",
        &bse,
        &numbers(&tmb["bse"]),
        1e-11,
    );
    assert!(r.convergence.converged, "{r}");
    assert_eq!(r.gradient_method, GradientMethod::ForwardMode);
    assert_eq!(r.hessian_method, HessianMethod::ForwardMode);
    assert_rel("params", &r.estimates(), &at, 1e-8);
    assert_rel("bse", &some(r.bse()), &numbers(&tmb["bse"]), 1e-8);
    let llf = numbers(&tmb["llf"])[0];
    assert!(
        (r.log_likelihood - llf).abs() <= 1e-10 * llf.abs(),
        "{}",
        r.log_likelihood
    );
}

#[test]
fn negative_binomial_matches_statsmodels_and_tmb() {
    let model = quine_nb2();
    let r = fit(&model, &FitOptions::default()).unwrap();
    check_against_tmb(&model, &r, "quine_nb2");
    let sm = &reference("user_models/statsmodels.json")["quine_nb2"];
    assert_rel("params", &r.estimates(), &numbers(&sm["params"]), 1e-8);
    // statsmodels' NegativeBinomial has an analytic Hessian: the same standard errors
    assert_rel("bse", &some(r.bse()), &numbers(&sm["bse"]), 1e-8);
    assert_value_rel("llf", r.log_likelihood, &sm["llf"], 1e-12);
}

#[test]
fn zero_inflated_poisson_matches_statsmodels_and_tmb() {
    let model = zip_model();
    let r = fit(&model, &FitOptions::default()).unwrap();
    check_against_tmb(&model, &r, "zip");
    let names: Vec<&str> = r.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["inflate_intercept", "inflate_z", "intercept", "x1", "x2"]
    );
    let sm = &reference("user_models/statsmodels.json")["zip"];
    assert_rel("params", &r.estimates(), &numbers(&sm["params"]), 1e-8);
    assert_value_rel("llf", r.log_likelihood, &sm["llf"], 1e-12);
    // statsmodels' ZeroInflatedPoisson reports standard errors up to 10% from the exact ones
    // (0.0766 for inflate_const where TMB's exact information gives 0.0851): not compared
}

#[test]
fn censored_weibull_matches_survreg_and_tmb() {
    let model = weibull(4096);
    let r = fit(&model, &FitOptions::default()).unwrap();
    check_against_tmb(&model, &r, "weibull");
    let survreg = &reference("user_models/tmb.json")["weibull_survreg"];
    assert_rel("params", &r.estimates(), &numbers(&survreg["params"]), 1e-9);
    let llf = numbers(&survreg["llf"])[0];
    assert!((r.log_likelihood - llf).abs() <= 1e-10 * llf.abs());
}

/// Every optimizer, and the whole-data tensor expression by reverse-mode autodiff (Hessian by
/// differences), reach the same maximum.
#[test]
fn every_path_reaches_the_same_maximum() {
    let model = zip_model();
    let best = fit(&model, &FitOptions::default()).unwrap();
    for options in [
        FitOptions::default().optimizer(Optimizer::Lbfgs),
        FitOptions::default().optimizer(Optimizer::Gradient),
        FitOptions::default().closed_form(false),
    ] {
        let r = fit(&model, &options).unwrap();
        assert!(r.convergence.converged, "{r}");
        assert_rel("params", &r.estimates(), &best.estimates(), 1e-8);
        assert_rel("bse", &some(r.bse()), &some(best.bse()), 1e-6);
    }
    let by_tensors = fit(&model, &FitOptions::default().closed_form(false)).unwrap();
    assert_eq!(by_tensors.gradient_method, GradientMethod::Autodiff);
}

/// Blocks of 800 (one), 400 (two) and 115 rows (seven): the same evaluation to rounding; and on
/// pools of 1, 2 and 3 threads, bit for bit.
#[test]
fn blocked_evaluation_is_the_same_for_any_blocks_and_threads() {
    let theta = [1.0, 0.5, -0.3, 0.7];
    let want = Want {
        gradient: true,
        hessian: true,
        scores: true,
    };
    let one = weibull(800).evaluate(&theta, want).unwrap();
    for rows in [400, 115] {
        let e = weibull(rows).evaluate(&theta, want).unwrap();
        assert!((e.value - one.value).abs() <= 1e-13 * one.value.abs());
        assert_rel("gradient", e.gradient(), one.gradient(), 1e-12);
        let (h, h1) = (e.hessian.unwrap(), one.hessian.clone().unwrap());
        assert_rel("hessian", h.as_slice(), h1.as_slice(), 1e-12);
        assert_eq!(
            e.scores, one.scores,
            "scores are per row: the same whatever the blocks"
        );
    }
    let model = weibull(115);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| model.evaluate(&theta, want).unwrap())
    };
    let single = on(1);
    for threads in [2, 3] {
        assert_eq!(on(threads), single);
    }
    // the per-observation scores add up to the gradient
    let s = single.scores.as_ref().unwrap();
    for j in 0..theta.len() {
        let total: f64 = (0..s.n_rows()).map(|i| s.row(i)[j]).sum();
        assert!(
            (total - single.gradient()[j]).abs() <= 1e-10 * single.gradient()[j].abs().max(1.0)
        );
    }
}

/// Underdispersed counts (binomial, variance 0.7 × the mean): NB2's `α` runs to 0, where the
/// model is the Poisson. The fit says so, naming `alpha`, for the user model and the built-in
/// family alike, and does not report the last iterate as an estimate.
#[test]
fn a_dispersion_running_to_zero_is_diagnosed() {
    use mle::StopReason;
    use mle::model::{Glm, Link, NegativeBinomial, Response};
    let x: Vec<f64> = (0..400).map(|i| f64::from(i % 5) / 4.0).collect();
    // binomial(10, p) counts by a fixed pattern: mean 10p, variance 10p(1 − p)
    let y: Vec<f64> = (0..400)
        .map(|i| f64::from(2 + (i * 7 % 5) as u8 + u8::from(i % 5 > 2)))
        .collect();
    let design = Design::from_columns(&["x"], std::slice::from_ref(&x), true).unwrap();
    let user = fit(
        &nb2::NegativeBinomial::new(&design, &y),
        &FitOptions::default(),
    )
    .unwrap();
    let builtin = Glm::new(NegativeBinomial, Link::Log, &design, Response::new(&y)).unwrap();
    let builtin = fit(&builtin, &FitOptions::default()).unwrap();
    for r in [&user, &builtin] {
        assert!(!r.convergence.converged, "{r}");
        assert_eq!(r.convergence.reason, StopReason::Boundary, "{r}");
        let b = r.boundary.as_ref().expect("the boundary is reported");
        assert_eq!((b.name.as_str(), b.bound), ("alpha", 0.0));
        assert!(b.slope < 0.0 && b.last_iterate < 1e-3, "{b:?}");
        assert!(r.params.iter().all(|p| p.std_error.is_none()), "{r}");
        assert!(
            r.warnings[0].contains("'alpha' runs to its bound 0"),
            "{:?}",
            r.warnings
        );
        assert!(r.to_string().contains("The maximum is on the boundary"));
    }
}

/// NB2 on quine with `alpha` held at 1 (`FitOptions::fix`) is statsmodels' GLM with the NB2
/// family of fixed `alpha = 1`; the likelihood-ratio test of that restriction counts one degree
/// of freedom, and AIC counts the estimated parameters only.
#[test]
fn a_fixed_parameter_is_held_and_tested() {
    let model = quine_nb2();
    let restricted = fit(&model, &FitOptions::default().fix("alpha", 1.0)).unwrap();
    let full = fit(&model, &FitOptions::default()).unwrap();
    let glm = &reference("user_models/statsmodels.json")["quine_nb2_alpha_1"];
    assert!(restricted.convergence.converged, "{restricted}");
    let alpha = restricted.param("alpha").unwrap();
    assert!(alpha.fixed && alpha.estimate == 1.0 && alpha.std_error.is_none());
    assert_eq!(restricted.n_estimated(), 7);
    let (b, se) = (restricted.estimates(), some(restricted.bse_estimated()));
    assert_rel("params", &b[..7], &numbers(&glm["params"]), 1e-9);
    assert_rel("bse", &se, &numbers(&glm["bse"]), 1e-8);
    assert_value_rel("llf", restricted.log_likelihood, &glm["llf"], 1e-12);
    assert!((restricted.aic - (-2.0 * restricted.log_likelihood + 14.0)).abs() < 1e-9);
    let lr = mle::lr_test(&restricted, &full).unwrap();
    assert_eq!(lr.df, 1.0);
    assert!((lr.statistic - 2.0 * (full.log_likelihood - restricted.log_likelihood)).abs() < 1e-9);
    // a name that is not a parameter, and a value outside the range, are refused
    for bad in [
        FitOptions::default().fix("beta", 1.0),
        FitOptions::default().fix("alpha", -1.0),
    ] {
        let e = fit(&model, &bad).unwrap_err().to_string();
        assert!(e.contains("cannot fix"), "{e}");
    }
}

/// The NB2's fitted means with delta-method standard errors (`inference::predict`) are
/// statsmodels' `get_prediction(which="mean")`; a fit saved and loaded predicts the same on new
/// rows (a model built for prediction, without the checks of a design to fit).
#[test]
fn predictions_with_standard_errors_from_a_saved_fit() {
    use mle::inference::predict;
    use mle::persist::{load_fit, save_fit};
    let model = quine_nb2();
    let r = fit(&model, &FitOptions::default()).unwrap();
    let p = predict(&model, &r).unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].name, "mean");
    let sm = &reference("user_models/statsmodels.json")["quine_nb2_mean"];
    assert_rel("mean", &p[0].values, &numbers(&sm["predicted"]), 1e-8);
    let se = p[0].std_errors.clone().unwrap();
    assert_rel("se", &se, &numbers(&sm["se"]), 1e-7);
    let (lo, hi) = (
        p[0].ci_lower.clone().unwrap(),
        p[0].ci_upper.clone().unwrap(),
    );
    assert!((hi[0] - lo[0] - 2.0 * 1.959_963_984_540_054 * se[0]).abs() < 1e-9 * hi[0]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nb2.json");
    save_fit(&r, &path).unwrap();
    let loaded = load_fit(&path).unwrap();
    assert_eq!(loaded, r);
    let data = dataset("user_models/quine.csv");
    let columns = ["EthN", "SexM", "AgeF1", "AgeF2", "AgeF3", "LrnSL"];
    let x = Design::for_prediction(&data, &columns, true).unwrap();
    let new_rows = nb2::NegativeBinomial::new(&x, data.numeric("Days").unwrap());
    let q = predict(&new_rows, &loaded).unwrap();
    assert_eq!(q[0].values, p[0].values);
    // a fit of another model is refused
    let other = fit(&zip_model(), &FitOptions::default()).unwrap();
    assert!(
        predict(&model, &other)
            .unwrap_err()
            .to_string()
            .contains("not the model's")
    );
    // the zero-inflated model's probability of a zero, against its definition
    let zip = zip_model();
    let g = other.estimates();
    let zp = predict(&zip, &other).unwrap();
    assert_eq!(zp[1].name, "probability_of_zero");
    let d = dataset("user_models/zip.csv");
    let (x1, x2, z) = (
        d.numeric("x1").unwrap(),
        d.numeric("x2").unwrap(),
        d.numeric("z").unwrap(),
    );
    for i in [0, 7, 500] {
        let pi = 1.0 / (1.0 + (-(g[0] + g[1] * z[i])).exp());
        let mu = (g[2] + g[3] * x1[i] + g[4] * x2[i]).exp();
        let want = pi + (1.0 - pi) * (-mu).exp();
        assert!((zp[1].values[i] - want).abs() < 1e-14, "row {i}");
        assert!(((zp[0].values[i] - (1.0 - pi) * mu) / zp[0].values[i]).abs() < 1e-14);
    }
}
