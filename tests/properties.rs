//! Properties over random inputs (proptest): inverse functions invert, constrained parameters
//! round-trip, least-squares residuals are orthogonal to the design, blocked sums equal exact sums.

use mle::backend;
use mle::closed_form::ols;
use mle::data::Design;
use mle::model::Constraint;
use mle::odds::{log_sigmoid, logit, odds, probability_from_odds, sigmoid};
use proptest::prelude::*;

proptest! {
    #[test]
    fn sigmoid_inverts_logit(p in 1e-12f64..(1.0 - 1e-12)) {
        prop_assert!((sigmoid(logit(p)) - p).abs() <= 1e-12 * p.max(1e-3));
        prop_assert!((probability_from_odds(odds(p)) - p).abs() <= 1e-12);
    }

    #[test]
    fn log_sigmoid_is_the_log_of_sigmoid(x in -30.0f64..30.0) {
        prop_assert!((log_sigmoid(x) - sigmoid(x).ln()).abs() <= 1e-12);
    }

    #[test]
    fn constrained_parameters_round_trip(u in -20.0f64..20.0) {
        for c in [Constraint::Free, Constraint::Positive, Constraint::UnitInterval] {
            let theta = c.to_natural(u);
            // p = σ(u) keeps 1 − p only to ε/p: the logit of it is off by ε·e^{|u|}
            // (its condition number), whatever the implementation
            let conditioning = if c == Constraint::UnitInterval { 4e-16 * u.abs().exp() } else { 0.0 };
            if let Some(back) = c.to_unconstrained(theta) {
                let tol = 1e-14 * u.abs().max(1.0) + conditioning;
                prop_assert!((back - u).abs() <= tol, "{c:?}: {u} -> {back}");
            }
        }
    }

    #[test]
    fn ols_residuals_are_orthogonal_to_the_design(
        rows in proptest::collection::vec((-10.0f64..10.0, -10.0f64..10.0, -100.0f64..100.0), 8..40)
    ) {
        let x1: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let x2: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let y: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let Ok(design) = Design::from_columns(&["x1", "x2"], &[x1, x2], true) else {
            return Ok(()); // constant or duplicated columns are refused, which is right
        };
        let Ok(fit) = ols(&design, &y, 0.95) else { return Ok(()) }; // collinear draws
        let beta = fit.estimates();
        let scale: f64 = y.iter().map(|v| v.abs()).sum::<f64>() * 10.0;
        for j in 0..3 {
            let xtr: f64 = (0..y.len())
                .map(|i| {
                    let row = design.row(i);
                    let fitted: f64 = row.iter().zip(&beta).map(|(a, b)| a * b).sum();
                    row[j] * (y[i] - fitted)
                })
                .sum();
            prop_assert!(xtr.abs() <= 1e-9 * scale, "column {j}: Xᵀr = {xtr}");
        }
    }

    #[test]
    fn blocked_sum_equals_the_exact_sum(values in proptest::collection::vec(-1e3f64..1e3, 1..20_000)) {
        let device = backend::default_device().unwrap();
        let got = backend::scalar(backend::sum(backend::vector(&values, &device)));
        // compensated (Kahan–Babuška) sum as the reference
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for v in &values {
            let t = s + v;
            c += if s.abs() >= v.abs() { (s - t) + v } else { (v - t) + s };
            s = t;
        }
        let exact = s + c;
        let bound = 1e-12 * values.iter().map(|v| v.abs()).sum::<f64>();
        prop_assert!((got - exact).abs() <= bound, "{got} vs {exact}");
    }
}
