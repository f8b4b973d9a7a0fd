//! Iris, setosa against the rest on sepal length and width: scikit-learn 1.9.1's default
//! `LogisticRegression()` (L2 on the slopes, C = 1) on the 80/20 split
//! (tests/data/iris_setosa_l2.json), and the perfect separation that makes the unpenalized MLE
//! fail to exist.

mod common;
use common::*;

use mle::data::{DesignBuilder, ResponseSpec};
use mle::model::{Logistic, SeparationKind};
use mle::{FitOptions, Optimizer, StopReason, fit};

fn builder() -> DesignBuilder {
    DesignBuilder::new(ResponseSpec::parse("setosa")).columns(["sepal_length", "sepal_width"])
}

#[test]
fn l2_fit_reproduces_scikit_learn() {
    let e = reference("iris_setosa_l2.json");
    let train = builder().build(&dataset("iris_setosa_train.csv")).unwrap();
    let test = builder().build(&dataset("iris_setosa_test.csv")).unwrap();
    let model = Logistic::new(&train.design, &train.response).unwrap();
    for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
        // λ = 1/C with C = 1
        let r = fit(&model, &FitOptions::default().optimizer(optimizer).l2(1.0)).unwrap();
        assert!(r.convergence.converged, "{r}");
        assert!(r.separation.is_none());
        assert_rel(
            "coefficients",
            &r.estimates(),
            &numbers(&e["estimate"]),
            1e-5,
        );
        let proba = model.predict(&r.estimates(), &test.design, None);
        assert_rel(
            "test probabilities",
            &proba,
            &numbers(&e["test_predict_proba_class1"]),
            1e-5,
        );
        let correct = proba
            .iter()
            .zip(&test.response)
            .filter(|(p, y)| f64::from(u8::from(**p > 0.5)) == **y)
            .count();
        assert_eq!(
            correct as f64 / test.response.len() as f64,
            number(&e["test_accuracy"])
        );
        assert_eq!(r.l2_penalty, Some(1.0));
        assert!(
            r.llr.is_none(),
            "no likelihood-ratio test for a penalized fit"
        );
    }
}

#[test]
fn unpenalized_fit_detects_perfect_separation() {
    // statsmodels returns coefficients near 384 with only a convergence warning here.
    for file in ["iris_setosa_train.csv", "iris.csv"] {
        let data = dataset(file);
        let spec = if file == "iris.csv" {
            "species=setosa"
        } else {
            "setosa"
        };
        let f = DesignBuilder::new(ResponseSpec::parse(spec))
            .columns(["sepal_length", "sepal_width"])
            .build(&data)
            .unwrap();
        let model = Logistic::new(&f.design, &f.response).unwrap();
        for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
            let r = fit(&model, &FitOptions::default().optimizer(optimizer)).unwrap();
            assert!(!r.convergence.converged, "{file} {optimizer:?}");
            assert_eq!(r.convergence.reason, StopReason::Separation);
            let s = r.separation.as_ref().unwrap();
            assert_eq!(s.kind, SeparationKind::Complete);
            assert_eq!(s.n_separated, f.response.len());
            // no standard errors are presented for estimates that do not exist
            assert!(r.bse().is_none());
            assert!(r.warnings.iter().any(|w| w.contains("complete separation")));
            let err = r.clone().ensure_converged().unwrap_err().to_string();
            assert!(err.contains("does not exist"), "{err}");
            assert!(format!("{r}").contains("complete separation"));
        }
    }
}

#[test]
fn quasi_complete_separation_is_diagnosed() {
    use mle::data::Design;
    // y = 1 for every x > 0, y = 0 for every x < 0, and both outcomes at x = 0: the slope runs off
    // to infinity while the rows at x = 0 keep the intercept finite (Albert & Anderson, 1984).
    let x = vec![-3.0, -2.0, -1.0, -0.5, 0.0, 0.0, 0.5, 1.0, 2.0, 3.0];
    let y = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let d = Design::from_columns(&["x"], &[x], true).unwrap();
    let model = Logistic::new(&d, &y).unwrap();
    for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
        let r = fit(&model, &FitOptions::default().optimizer(optimizer)).unwrap();
        assert!(!r.convergence.converged, "{r}");
        assert_eq!(r.convergence.reason, StopReason::Separation, "{r}");
        let s = r.separation.as_ref().unwrap();
        assert_eq!(s.kind, SeparationKind::QuasiComplete);
        assert_eq!(s.n_separated, 8, "all rows but the two at x = 0: {s:?}");
    }
}
