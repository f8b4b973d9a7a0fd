//! Robust covariances against R 4.2's `sandwich` 3.0 (`vcovHC`, `vcovCL`): HC0–HC3 (the
//! leverages of the weighted hat matrix), the one-way cluster-robust CR0 and CR1 and the two-way
//! CR1 (clusters crossed with regions), for the Gaussian linear model (its coefficients' block;
//! `σ` is a parameter of the MLE, not of `lm`), logistic and Poisson regression, on
//! `tests/data/robust/clustered.csv` (240 rows in 24 clusters, heteroskedastic and with a
//! shared effect per cluster), written with its values by `tests/data/robust/references.R`.

mod common;
use common::*;

use mle::closed_form::ols_robust;
use mle::data::{DesignBuilder, ModelFrame, ResponseSpec, read_csv};
use mle::model::ModelKind;
use mle::optim::CovType;
use mle::{FitOptions, FitResult, fit_frame};
use serde_json::Value;

/// Relative agreement of covariances with R (the 1e-6; both fits converge far below).
const REL: f64 = 1e-6;

fn r() -> Value {
    reference("robust/r.json")
}

/// The fit of `model` to `y` on `x1`, `x2` with `options`.
fn fit(model: &str, y: &str, options: &FitOptions) -> FitResult {
    let frame = frame(y);
    let kind: ModelKind = model.parse().unwrap();
    let link = kind.link(None).unwrap();
    let result = fit_frame(kind, &frame, link, options, &mut ()).unwrap();
    assert!(result.convergence.converged, "{result}");
    result
}

/// The frame of `y` on `x1`, `x2` from the clustered data.
fn frame(y: &str) -> ModelFrame {
    let data = read_csv(data_path("robust/clustered.csv")).unwrap();
    DesignBuilder::new(ResponseSpec::parse(y))
        .columns(["x1", "x2"])
        .build(&data)
        .unwrap()
}

/// The cluster label of each row.
fn clusters() -> Vec<u64> {
    labels("cluster")
}

/// The labels of a numeric column.
fn labels(column: &str) -> Vec<u64> {
    let data = read_csv(data_path("robust/clustered.csv")).unwrap();
    let column = data.numeric(column).unwrap();
    column.iter().map(|&g| g as u64).collect()
}

/// The leading `k × k` block of the fit's covariance, row-major.
fn block(result: &FitResult, k: usize) -> Vec<f64> {
    let c = result.covariance.as_ref().unwrap();
    (0..k).flat_map(|i| c[i][..k].to_vec()).collect()
}

/// Every covariance type of one model against R, and the standard errors, z and intervals
/// following the chosen covariance.
fn check(model: &str, y: &str, key: &str) {
    let reference = &r()[key];
    let k = 3;
    let cases = [
        ("hc0", FitOptions::default().cov_type(CovType::Hc0), "HC0"),
        ("hc1", FitOptions::default().cov_type(CovType::Hc1), "HC1"),
        ("hc2", FitOptions::default().cov_type(CovType::Hc2), "HC2"),
        ("hc3", FitOptions::default().cov_type(CovType::Hc3), "HC3"),
        (
            "twoway_cr1",
            FitOptions::default()
                .clusters(clusters())
                .clusters(labels("region")),
            "cluster",
        ),
        (
            "cluster_cr1",
            FitOptions::default().clusters(clusters()),
            "cluster",
        ),
        (
            "cluster_cr0",
            FitOptions::default()
                .cov_type(CovType::Hc0)
                .clusters(clusters()),
            "cluster-CR0",
        ),
    ];
    for (name, options, label) in cases {
        let result = fit(model, y, &options);
        let what = format!("{key} {name}");
        assert_rel(
            &format!("{what} coefficients"),
            &result.estimates()[..k],
            &numbers(&reference["coefficients"]),
            1e-8,
        );
        let expected = numbers(&reference[name]);
        assert_rel(&what, &block(&result, k), &expected, REL);
        assert_eq!(result.cov_type, label);
        let groups = match name {
            "twoway_cr1" => Some(8),
            n if n.starts_with("cluster") => Some(24),
            _ => None,
        };
        assert_eq!(result.n_clusters, groups, "{what}");
        // the standard errors and z are the chosen covariance's
        for (j, p) in result.params.iter().take(k).enumerate() {
            let se = expected[j * k + j].sqrt();
            assert!(
                (p.std_error.unwrap() / se - 1.0).abs() < REL,
                "{what} se {j}"
            );
            assert!((p.z.unwrap() - p.estimate / p.std_error.unwrap()).abs() < 1e-12);
        }
        let summary = result.to_string();
        assert!(summary.contains("Covariance:"), "{summary}");
        assert!(summary.contains(label), "{summary}");
        if name == "twoway_cr1" {
            assert_eq!(result.n_clusters_each, [24, 8]);
            assert!(summary.contains("24×8 clusters"), "{summary}");
        }
    }
}

#[test]
fn linear_model_matches_sandwich() {
    check("linear", "y_linear", "linear");
    // σ̂ of the MLE is √(RSS/n)
    let result = fit(
        "linear",
        "y_linear",
        &FitOptions::default().cov_type(CovType::Hc0),
    );
    let sigma = result.params.iter().find(|p| p.name == "sigma").unwrap();
    assert_value_rel("sigma", sigma.estimate, &r()["linear"]["sigma_mle"], 1e-10);
}

#[test]
fn logistic_regression_matches_sandwich() {
    check("logistic", "y_binary", "logistic");
}

#[test]
fn poisson_regression_matches_sandwich() {
    check("poisson", "y_count", "poisson");
}

/// The default is the model-based covariance, R's `vcov` for canonical-link GLMs (observed and
/// expected information agree there), and no summary line names it.
#[test]
fn the_default_is_model_based() {
    for (model, y, key) in [
        ("logistic", "y_binary", "logistic"),
        ("poisson", "y_count", "poisson"),
    ] {
        let result = fit(model, y, &FitOptions::default());
        assert_eq!(result.cov_type, "nonrobust");
        assert_rel(key, &block(&result, 3), &numbers(&r()[key]["model"]), REL);
        assert!(!result.to_string().contains("Covariance:"));
    }
}

/// Robust covariances of a penalized fit are refused; wrong cluster labels are an error naming
/// the counts.
#[test]
fn refusals() {
    let penalized = FitOptions::default().l2(1.0).cov_type(CovType::Hc1);
    assert!(
        penalized
            .check()
            .unwrap_err()
            .to_string()
            .contains("unpenalized")
    );
    let frame = frame("y_count");
    let kind: ModelKind = "poisson".parse().unwrap();
    let options = FitOptions::default().clusters(vec![1, 2, 3]);
    let e = fit_frame(kind, &frame, kind.link(None).unwrap(), &options, &mut ()).unwrap_err();
    assert!(
        e.to_string()
            .contains("3 cluster labels for 240 observations"),
        "{e}"
    );
}

/// The least-squares closed form (`mle ols --cov`): HC0–HC3 and CR0/CR1 against R's `lm`
/// with `vcovHC`/`vcovCL`; HC2 and HC3 use the leverages.
#[test]
fn ols_closed_form_matches_sandwich() {
    let frame = frame("y_linear");
    let reference = &r()["linear"];
    let (one, two) = (clusters(), labels("region"));
    let (oneway, twoway): (&[&[u64]], &[&[u64]]) = (&[&one], &[&one, &two]);
    let cases: [(&str, CovType, &[&[u64]], &str); 8] = [
        ("model", CovType::Model, &[], "nonrobust"),
        ("hc0", CovType::Hc0, &[], "HC0"),
        ("hc1", CovType::Hc1, &[], "HC1"),
        ("hc2", CovType::Hc2, &[], "HC2"),
        ("hc3", CovType::Hc3, &[], "HC3"),
        ("cluster_cr1", CovType::Hc1, oneway, "cluster"),
        ("cluster_cr0", CovType::Hc0, oneway, "cluster-CR0"),
        ("twoway_cr1", CovType::Hc1, twoway, "cluster"),
    ];
    for (name, cov, groups, label) in cases {
        let fit = ols_robust(&frame.design, &frame.response, 0.95, cov, groups).unwrap();
        let got: Vec<f64> = fit.covariance.iter().flatten().copied().collect();
        assert_rel(
            &format!("ols {name}"),
            &got,
            &numbers(&reference[name]),
            REL,
        );
        assert_eq!(fit.cov_type, label);
        let se = fit.params[1].std_error;
        assert!((fit.params[1].t - fit.params[1].estimate / se).abs() < 1e-12);
    }
    let refused = ols_robust(&frame.design, &frame.response, 0.95, CovType::Hc3, oneway);
    assert!(refused.unwrap_err().to_string().contains("not hc2 or hc3"));
}

/// HC2 and HC3 do not combine with clusters, for a maximum likelihood fit as for least squares.
#[test]
fn leverage_types_refuse_clusters() {
    let frame = frame("y_count");
    let kind: ModelKind = "poisson".parse().unwrap();
    let options = FitOptions::default()
        .cov_type(CovType::Hc3)
        .clusters(clusters());
    let e = fit_frame(kind, &frame, kind.link(None).unwrap(), &options, &mut ()).unwrap_err();
    assert!(e.to_string().contains("not hc2 or hc3"), "{e}");
}
