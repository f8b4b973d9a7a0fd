//! Profile-likelihood intervals (`mle::profile`) against endpoints known independently: the
//! closed forms of the Gaussian linear model (a slope, and `σ` solved on its closed-form
//! profile), and, for the logistic regression on statsmodels' spector data, R's exact
//! endpoints by root finding on `glm` refits with an offset (`tests/data/profile/references.R`),
//! not MASS's spline.

mod common;
use common::*;

use mle::data::{Design, DesignBuilder, ResponseSpec, read_csv};
use mle::inference::normal_quantile;
use mle::model::{Gaussian, Glm, Link, ModelKind, Response};
use mle::profile::profile_interval;
use mle::{FitOptions, fit};

/// Endpoints agree to this, relative (the 1e-7; they are solved to 1e-10).
const REL: f64 = 1e-7;

fn close(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= REL * want.abs().max(1.0),
        "{what}: {got} against {want}"
    );
}

/// `y = a + bx + ε` on 40 rows: the slope's profile is `RSS(b) = RSS + (b − b̂)²·Sxx`, so its
/// ends are `b̂ ± √((e^{z²/n} − 1)·RSS/Sxx)`; σ's profile is `−n ln σ − RSS/(2σ²)`, whose ends
/// the test finds by bisection on that formula alone.
#[test]
fn gaussian_slope_and_scale_have_their_closed_forms() {
    let n = 40;
    let x: Vec<f64> = (0..n).map(|i| f64::from(i) / 4.0).collect();
    let y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, x)| 1.0 + 0.5 * x + ((i * 7919 % 31) as f64 / 31.0 - 0.5))
        .collect();
    let design = Design::from_columns(&["x"], std::slice::from_ref(&x), true).unwrap();
    let model = Glm::new(Gaussian, Link::Identity, &design, Response::new(&y)).unwrap();
    let options = FitOptions::default();
    let result = fit(&model, &options).unwrap();
    let (a, b) = (result.params[0].estimate, result.params[1].estimate);
    let nf = n as f64;
    let mx = x.iter().sum::<f64>() / nf;
    let sxx: f64 = x.iter().map(|v| (v - mx) * (v - mx)).sum();
    let rss: f64 = x.iter().zip(&y).map(|(x, y)| (y - a - b * x).powi(2)).sum();
    let z = normal_quantile(0.975);
    let half = ((z * z / nf).exp_m1() * rss / sxx).sqrt();
    let slope = profile_interval(&model, &result, &options, "x").unwrap();
    close("slope lower", slope.lower.unwrap(), b - half);
    close("slope upper", slope.upper.unwrap(), b + half);

    // σ: 2(ℓ(σ̂) − ℓ(σ)) = z² on the closed-form profile, by bisection
    let ll = |s: f64| -nf * s.ln() - rss / (2.0 * s * s);
    let s_hat = (rss / nf).sqrt();
    let gap = |s: f64| 2.0 * (ll(s_hat) - ll(s)) - z * z;
    let bisect = |mut inside: f64, mut outside: f64| {
        for _ in 0..200 {
            let mid = 0.5 * (inside + outside);
            if gap(mid) < 0.0 {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        0.5 * (inside + outside)
    };
    let sigma = profile_interval(&model, &result, &options, "sigma").unwrap();
    close(
        "sigma lower",
        sigma.lower.unwrap(),
        bisect(s_hat, s_hat / 4.0),
    );
    close(
        "sigma upper",
        sigma.upper.unwrap(),
        bisect(s_hat, s_hat * 4.0),
    );
    // asymmetric about σ̂, as the likelihood is
    let (lo, hi) = (s_hat - sigma.lower.unwrap(), sigma.upper.unwrap() - s_hat);
    assert!(hi > lo * 1.05, "{lo} {hi}");

    // the profile-t curve of the slope: r(b) = sign(b − b̂)·√(n ln(RSS(b)/RSS)), with
    // δ = (b − b̂)/se(b̂)
    let se = result.params[1].std_error.unwrap();
    let curve = mle::profile::profile_curve(&model, &result, &options, "x", 6).unwrap();
    assert_eq!(curve.len(), 13);
    for (delta, r) in curve {
        let d = delta * se;
        let exact = d.signum() * (nf * (1.0 + d * d * sxx / rss).ln()).sqrt();
        close(&format!("r at δ = {delta}"), r, exact);
    }
    // and the picture of every parameter's
    let chart = mle::profile::profile_chart_of(&model, &result, &options).unwrap();
    let svg = chart.to_svg().unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("sigma") && svg.contains("Wald"));
}

#[test]
fn logistic_endpoints_equal_r_exact_root_finding() {
    let data = read_csv(data_path("families/spector.csv")).unwrap();
    let frame = DesignBuilder::new(ResponseSpec::parse("GRADE"))
        .columns(["GPA", "TUCE", "PSI"])
        .build(&data)
        .unwrap();
    let kind: ModelKind = "logistic".parse().unwrap();
    let model = kind
        .build(
            &frame,
            Link::Logit,
            &mle::backend::default_device().unwrap(),
        )
        .unwrap();
    let options = FitOptions::default();
    let result = fit(&*model, &options).unwrap();
    let r = reference("profile/r.json");
    assert_value_rel("ℓ", result.log_likelihood, &r["loglike"], 1e-10);
    for name in ["intercept", "GPA", "TUCE", "PSI"] {
        let want = numbers(&r["spector_logit"][name]);
        let got = profile_interval(&*model, &result, &options, name).unwrap();
        close(&format!("{name} lower"), got.lower.unwrap(), want[0]);
        close(&format!("{name} upper"), got.upper.unwrap(), want[1]);
        assert!(got.refits < 40, "{name}: {} refits", got.refits);
    }
}

/// An unknown or fixed parameter is refused by name.
#[test]
fn refusals_name_the_parameter() {
    let x: Vec<f64> = (0..20).map(f64::from).collect();
    let y: Vec<f64> = x.iter().map(|v| 2.0 + v * 0.3 + (v * 1.7).sin()).collect();
    let design = Design::from_columns(&["x"], &[x], true).unwrap();
    let model = Glm::new(Gaussian, Link::Identity, &design, Response::new(&y)).unwrap();
    let options = FitOptions::default();
    let result = fit(&model, &options).unwrap();
    let e = profile_interval(&model, &result, &options, "slope").unwrap_err();
    assert!(e.to_string().contains("no parameter 'slope'"), "{e}");
    let fixed = FitOptions::default().fix("sigma", 1.0);
    let held = fit(&model, &fixed).unwrap();
    let e = profile_interval(&model, &held, &fixed, "sigma").unwrap_err();
    assert!(e.to_string().contains("held fixed"), "{e}");
}
