//! Every family and link against statsmodels 0.15.0 and R 4.2 on real data (statsmodels'
//! spector, star98, cpunish and scotland, R's MASS::quine) and on simulated counts with an
//! exposure: coefficients and standard errors to 1e-6 relative, log-likelihoods to 1e-8.
//!
//! The data and values are in `tests/data/families/`, written by `references.R` (R: `glm`,
//! `MASS::glm.nb`, the maximum likelihood Gamma shape) and `make_statsmodels.py` (statsmodels,
//! standard errors from the observed information, as `mle` reports them). R's `glm` standard
//! errors come from the expected information, equal to the observed one for canonical links
//! only, so they are compared for those.

mod common;
use common::*;

use mle::FitOptions;
use mle::data::{DesignBuilder, OffsetSpec, ResponseSpec, TrialsSpec, read_csv};
use mle::model::{Link, ModelKind};
use mle::{FitResult, Optimizer, fit_frame};
use serde_json::Value;

/// Relative agreement of estimates and standard errors with the references.
const REL: f64 = 1e-6;

/// A fit of `model` with `link` to `families/<file>`: response `y`, the covariates the
/// reference names (after its intercept), trials and an offset if given.
struct Case<'a> {
    file: &'a str,
    model: &'a str,
    link: Option<Link>,
    y: &'a str,
    trials: Option<&'a str>,
    offset: Option<OffsetSpec>,
    key: &'a str,
}

fn statsmodels() -> Value {
    reference("families/statsmodels.json")
}

fn r() -> Value {
    reference("families/r.json")
}

fn fit(case: &Case<'_>, optimizer: Option<Optimizer>) -> FitResult {
    let reference = &statsmodels()[case.key];
    let names: Vec<String> = reference["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let kind: ModelKind = case.model.parse().unwrap();
    let covariates: Vec<&String> = names[1..]
        .iter()
        .filter(|n| Some(n.as_str()) != kind.family.aux())
        .collect();
    let mut builder = DesignBuilder::new(ResponseSpec::parse(case.y)).columns(covariates);
    if let Some(t) = case.trials {
        builder = builder.trials(TrialsSpec::Column(t.into()));
    }
    if let Some(o) = &case.offset {
        builder = builder.offset(o.clone());
    }
    let data = read_csv(data_path(&format!("families/{}", case.file))).unwrap();
    let frame = builder.build(&data).unwrap();
    let link = kind.link(case.link).unwrap();
    let mut options = FitOptions::default();
    if let Some(o) = optimizer {
        options = options.optimizer(o);
    }
    let result = fit_frame(kind, &frame, link, &options, &mut ()).unwrap();
    assert!(result.convergence.converged, "{}: {result}", case.key);
    let mut want = names.clone();
    if let Some(aux) = kind.family.aux().filter(|a| !names.iter().any(|n| n == a)) {
        want.push(aux.to_string());
    }
    let got: Vec<&str> = result.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(got, want, "{}", case.key);
    result
}

/// Estimates, standard errors and log-likelihood against statsmodels; coefficients and
/// log-likelihood against R, and R's standard errors where the link is canonical.
fn check(case: &Case<'_>, canonical: bool) {
    let result = fit(case, None);
    let sm = &statsmodels()[case.key];
    let what = |w: &str| format!("{} {w}", case.key);
    assert_rel(
        &what("estimates"),
        &result.estimates(),
        &numbers(&sm["params"]),
        REL,
    );
    assert_rel(
        &what("std errors"),
        &some(result.bse()),
        &numbers(&sm["bse"]),
        REL,
    );
    let llf = number(&sm["llf"]);
    assert_abs(
        &what("llf"),
        &[result.log_likelihood],
        &[llf],
        1e-8 * llf.abs().max(1.0),
    );
    let r = &r()[case.key];
    let p = numbers(&r["params"]).len();
    assert_rel(
        &what("R coefficients"),
        &result.estimates()[..p],
        &numbers(&r["params"]),
        REL,
    );
    let llf = number(&r["llf"]);
    assert_abs(
        &what("R llf"),
        &[result.log_likelihood],
        &[llf],
        1e-8 * llf.abs().max(1.0),
    );
    if canonical {
        let bse = some(result.bse());
        assert_rel(&what("R std errors"), &bse[..p], &numbers(&r["bse"]), REL);
    }
}

fn case<'a>(file: &'a str, model: &'a str, y: &'a str, key: &'a str) -> Case<'a> {
    Case {
        file,
        model,
        link: None,
        y,
        trials: None,
        offset: None,
        key,
    }
}

#[test]
fn binary_response_with_every_link() {
    check(
        &case("spector.csv", "logistic", "GRADE", "spector_logit"),
        true,
    );
    check(
        &case("spector.csv", "probit", "GRADE", "spector_probit"),
        false,
    );
    check(
        &case("spector.csv", "cloglog", "GRADE", "spector_cloglog"),
        false,
    );
}

#[test]
fn binomial_counts_with_every_link() {
    for (link, key, canonical) in [
        (Link::Logit, "star98_logit", true),
        (Link::Probit, "star98_probit", false),
        (Link::Cloglog, "star98_cloglog", false),
    ] {
        let c = Case {
            link: Some(link),
            trials: Some("trials"),
            ..case("star98.csv", "binomial", "successes", key)
        };
        check(&c, canonical);
    }
}

/// star98's covariates run from about 1 to 10⁶: every optimizer the command line offers
/// reaches statsmodels' answer.
#[test]
fn star98_with_every_optimizer() {
    let c = Case {
        trials: Some("trials"),
        ..case("star98.csv", "binomial", "successes", "star98_logit")
    };
    let sm = &statsmodels()["star98_logit"];
    for optimizer in [Optimizer::Newton, Optimizer::Lbfgs, Optimizer::Gradient] {
        let result = fit(&c, Some(optimizer));
        let what = format!("star98 by {}", optimizer.name());
        assert_rel(&what, &result.estimates(), &numbers(&sm["params"]), REL);
    }
}

#[test]
fn poisson_counts_and_exposure() {
    check(
        &case("cpunish.csv", "poisson", "EXECUTIONS", "cpunish_poisson"),
        true,
    );
    let exposure = Case {
        offset: Some(OffsetSpec::Exposure("t".into())),
        ..case("exposure.csv", "poisson", "y_pois", "exposure_poisson")
    };
    check(&exposure, true);
    // the offset given as its column ln t is the same model
    let offset = Case {
        offset: Some(OffsetSpec::Column("off".into())),
        ..case("exposure.csv", "poisson", "y_pois", "exposure_poisson")
    };
    check(&offset, true);
}

#[test]
fn negative_binomial_with_its_dispersion() {
    let quine = case("quine.csv", "negbin", "Days", "quine_negbin");
    let exposure = Case {
        offset: Some(OffsetSpec::Exposure("t".into())),
        ..case("exposure.csv", "negbin", "y_nb", "exposure_negbin")
    };
    for c in [quine, exposure] {
        check(&c, false);
        // R's glm.nb: alpha = 1/theta (its standard error holds the coefficients fixed, so
        // the joint one is compared with statsmodels' above)
        let result = fit(&c, None);
        let alpha = result.param("alpha").unwrap();
        assert_value_rel("alpha", alpha.estimate, &r()[c.key]["alpha"], REL);
    }
}

#[test]
fn gamma_with_its_shape() {
    for (link, key) in [
        (Link::Log, "scotland_gamma_log"),
        (Link::Inverse, "scotland_gamma_inverse"),
    ] {
        let c = Case {
            link: Some(link),
            ..case("scotland.csv", "gamma", "YES", key)
        };
        let result = fit(&c, None);
        let sm = &statsmodels()[key];
        let r = &r()[key];
        let p = numbers(&sm["params"]).len();
        assert_rel(key, &result.estimates()[..p], &numbers(&sm["params"]), REL);
        assert_rel(key, &result.estimates()[..p], &numbers(&r["params"]), REL);
        assert_rel(key, &some(result.bse())[..p], &numbers(&sm["bse"]), REL);
        let shape = result.param("shape").unwrap();
        assert_value_rel("shape", shape.estimate, &r["shape"], REL);
        assert_value_rel("shape se", shape.std_error.unwrap(), &r["shape_se"], REL);
        let llf = number(&r["llf"]);
        assert_abs(key, &[result.log_likelihood], &[llf], 1e-8 * llf.abs());
    }
}
