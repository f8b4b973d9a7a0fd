//! A user-defined likelihood written only against the public API, outside the crate (the model
//! of the `custom_likelihood` example, `examples/custom_likelihood/poisson.rs`): Poisson
//! regression with a log link, `ℓ(β) = Σ [yᵢ ηᵢ − e^{ηᵢ} − ln yᵢ!]`. No Hessian is supplied, so
//! standard errors come from differences of the exact autodiff gradient.
//!
//! Checked against the closed form for one binary covariate: with group totals `S₀`, `S₁` over
//! `n₀`, `n₁` rows, `β̂₀ = ln(S₀/n₀)`, `β̂₁ = ln(S₁/n₁) − ln(S₀/n₀)`, `se(β̂₀) = 1/√S₀`,
//! `se(β̂₁) = √(1/S₀ + 1/S₁)` (the inverse Fisher information of a saturated Poisson model).

#[path = "../examples/custom_likelihood/poisson.rs"]
mod poisson;

use mle::data::Design;
use mle::inference::HessianMethod;
use mle::{FitOptions, Optimizer, fit};
use poisson::PoissonRegression as Poisson;

#[test]
fn poisson_regression_matches_its_closed_form() {
    let group = vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let counts = [2.0, 3.0, 0.0, 5.0, 7.0, 4.0, 9.0, 6.0, 8.0];
    let design = Design::from_columns(&["treated"], &[group], true).unwrap();
    let model = Poisson::new(&design, &counts).unwrap();
    let (s0, n0, s1, n1) = (10.0f64, 4.0f64, 34.0f64, 5.0f64);
    for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
        let r = fit(&model, &FitOptions::default().optimizer(optimizer)).unwrap();
        assert!(r.convergence.converged, "{r}");
        assert_eq!(r.hessian_method, HessianMethod::GradientDifferences);
        let b = r.estimates();
        assert!((b[0] - (s0 / n0).ln()).abs() < 1e-8);
        assert!((b[1] - ((s1 / n1).ln() - (s0 / n0).ln())).abs() < 1e-8);
        let se = r.bse().unwrap();
        assert!((se[0] - 1.0 / s0.sqrt()).abs() < 1e-7 * se[0]);
        assert!((se[1] - (1.0 / s0 + 1.0 / s1).sqrt()).abs() < 1e-7 * se[1]);
        // ℓ at the MLE, by hand: Σ y ln μ̂ − Σ μ̂ − Σ ln y!
        let by_hand = s0 * (s0 / n0).ln() + s1 * (s1 / n1).ln()
            - (s0 + s1)
            - counts
                .iter()
                .map(|&k| (1..=k as u64).map(|i| (i as f64).ln()).sum::<f64>())
                .sum::<f64>();
        assert!((r.log_likelihood - by_hand).abs() < 1e-9);
    }
}
