//! NIST StRD "Longley" (higher difficulty, a badly conditioned design): the closed-form OLS
//! against NIST's certified values, which are exact to 15 digits. Data: tests/data/longley.csv
//! (the statsmodels copy of Longley 1967). Certified values:
//! <https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml>.

mod common;
use common::*;

use mle::closed_form::ols;
use mle::data::{DesignBuilder, ResponseSpec};
use mle::model::Gaussian;
use mle::{FitOptions, Optimizer, fit};

/// NIST's certified β.
const BETA: [f64; 7] = [
    -3_482_258.634_595_82,
    15.061_872_271_373_3,
    -0.358_191_792_925_910e-1,
    -2.020_229_803_816_83,
    -1.033_226_867_173_59,
    -0.511_041_056_535_807e-1,
    1_829.151_464_613_55,
];

/// NIST's certified standard errors (with `s² = RSS/(n − p)`).
const SE: [f64; 7] = [
    890_420.383_607_373,
    84.914_925_774_766_9,
    0.334_910_077_722_432e-1,
    0.488_399_681_651_699,
    0.214_274_163_161_675,
    0.226_073_200_069_370,
    455.478_499_142_212,
];

fn longley() -> mle::data::ModelFrame {
    DesignBuilder::new(ResponseSpec::parse("TOTEMP"))
        .build(&dataset("longley.csv"))
        .unwrap()
}

#[test]
fn ols_reproduces_nist_certified_values() {
    let f = longley();
    let r = ols(&f.design, &f.response, 0.95).unwrap();
    let (beta, se) = (BETA, SE);
    // Householder QR keeps about 7 of the certified digits here (cond(X) ≈ 5e9 in raw units);
    // the normal equations (XᵀX)⁻¹Xᵀy would lose all of them.
    assert_rel("beta", &r.estimates(), &beta, 1e-7);
    let got_se: Vec<f64> = r.params.iter().map(|p| p.std_error).collect();
    assert_rel("se", &got_se, &se, 1e-7);
    assert_rel(
        "residual sd",
        &[r.sigma2.sqrt()],
        &[304.854_073_561_965],
        1e-9,
    );
    assert_rel("R²", &[r.r_squared], &[0.995_479_004_577_296], 1e-12);
}

/// The QR by blocks of rows on many blocks: Longley's 16 rows stacked 1000 times (16,000 rows,
/// four blocks of 4681 rows with 7 columns, cut across the copies). Stacking copies leaves the
/// least-squares β unchanged, and with `XᵀX` and the RSS both ×1000 the covariance becomes
/// `RSS/(kn − p)·(XᵀX)⁻¹`: NIST's standard errors times `√((n − p)/(kn − p))`.
#[test]
fn blocked_qr_on_stacked_copies_keeps_the_certified_values() {
    let f = longley();
    let (n, p, k) = (16usize, 7usize, 1000usize);
    let covariates: Vec<String> = f.design.covariates().to_vec();
    let columns: Vec<Vec<f64>> = (1..p)
        .map(|j| {
            let c = f.design.column(j);
            (0..k).flat_map(|_| c.iter().copied()).collect()
        })
        .collect();
    let design = mle::data::Design::from_columns(&covariates, &columns, true).unwrap();
    let y: Vec<f64> = (0..k).flat_map(|_| f.response.iter().copied()).collect();
    let r = ols(&design, &y, 0.95).unwrap();
    assert_rel("beta", &r.estimates(), &BETA, 1e-7);
    let factor = (((n - p) as f64) / ((k * n - p) as f64)).sqrt();
    let se: Vec<f64> = SE.iter().map(|s| s * factor).collect();
    let got: Vec<f64> = r.params.iter().map(|q| q.std_error).collect();
    assert_rel("se", &got, &se, 1e-7);
}

/// The iterative Gaussian MLE in raw units: Newton's steps solve with `XᵀX/σ²`, 10¹⁹-conditioned
/// here; after Jacobi scaling (10⁹) and with the exact gradient correcting each step it lands on
/// the certified β. Its standard errors use `σ̂² = RSS/n`: NIST's times `√((n − p)/n)`.
#[test]
fn newton_mle_reproduces_nist_certified_values() {
    let f = longley();
    let model = Gaussian::new(&f.design, &f.response).unwrap();
    let r = fit(&model, &FitOptions::default().optimizer(Optimizer::Newton)).unwrap();
    assert!(r.convergence.converged, "{r}");
    assert_rel("beta", &r.estimates()[..7], &BETA, 1e-8);
    let shrink = (9.0f64 / 16.0).sqrt();
    let se: Vec<f64> = SE.iter().map(|s| s * shrink).collect();
    assert_rel("se", &some(r.bse())[..7], &se, 1e-6);
}

#[test]
fn collinear_columns_are_named() {
    use mle::data::Design;
    // z = x + w exactly
    let x = vec![1.0, 2.0, 3.0, 4.0, 5.0];
    let w = vec![2.0, 1.0, 0.0, 1.0, 3.0];
    let z: Vec<f64> = x.iter().zip(&w).map(|(a, b)| a + b).collect();
    let d = Design::from_columns(&["x", "w", "z"], &[x, w, z], true).unwrap();
    let err = ols(&d, &[1.0, 2.0, 2.5, 4.0, 6.0], 0.95).unwrap_err();
    assert!(err.to_string().contains("'z'"), "{err}");
}
