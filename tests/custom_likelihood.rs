//! A user-defined likelihood written only against the public API, outside the crate (the model
//! of the `custom_likelihood` example, `examples/custom_likelihood/poisson.rs`): Poisson
//! regression with a log link, `ℓ(β) = Σ [yᵢ ηᵢ − e^{ηᵢ} − ln yᵢ!]`, as a model of independent
//! rows: no derivative is written, and the standard errors come from the exact Hessian of
//! forward-mode jets.
//!
//! Checked against the closed form for one binary covariate: with group totals `S₀`, `S₁` over
//! `n₀`, `n₁` rows, `β̂₀ = ln(S₀/n₀)`, `β̂₁ = ln(S₁/n₁) − ln(S₀/n₀)`, `se(β̂₀) = 1/√S₀`,
//! `se(β̂₁) = √(1/S₀ + 1/S₁)` (the inverse Fisher information of a saturated Poisson model).

mod common;
#[path = "../examples/custom_likelihood/poisson.rs"]
mod poisson;

use common::*;
use mle::StopReason;
use mle::data::{Design, DesignBuilder, ResponseSpec};
use mle::inference::HessianMethod;
use mle::{FitOptions, Optimizer, fit};
use poisson::PoissonRegression as Poisson;

#[test]
fn poisson_regression_matches_its_closed_form() {
    let group = vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let counts = [2.0, 3.0, 0.0, 5.0, 7.0, 4.0, 9.0, 6.0, 8.0];
    let design = Design::from_columns(&["treated"], &[group], true).unwrap();
    let model = Poisson::new(&design, &counts);
    let (s0, n0, s1, n1) = (10.0f64, 4.0f64, 34.0f64, 5.0f64);
    for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
        let r = fit(&model, &FitOptions::default().optimizer(optimizer)).unwrap();
        assert!(r.convergence.converged, "{r}");
        assert_eq!(r.hessian_method, HessianMethod::ForwardMode);
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

/// Poisson regression, n = 2000, three covariates, against statsmodels 0.15.0's built-in
/// `Poisson(...).fit(method="newton", tol=1e-12)` with analytic derivatives
/// (tests/data/poisson_n2000_p3.json; data simulated by numpy, seed 11, β = (0.5, 0.3, −0.2, 0.1)).
///
/// Both optimizers must end on the gradient tolerance, not on the rounding floor of ℓ: Newton
/// judges its last steps by the exact gradient where values can no longer tell, and L-BFGS hands
/// over to Newton steps (with a forward-differenced Hessian) at a relative gradient of 1e-6. Before
/// that, the same fits stopped at the floor (`PrecisionLimit`) after 3–4× the gradients.
#[test]
fn poisson_regression_matches_statsmodels_and_ends_on_the_gradient() {
    let data = dataset("poisson_n2000_p3.csv");
    let frame = DesignBuilder::new(ResponseSpec::parse("y"))
        .build(&data)
        .unwrap();
    let model = Poisson::new(&frame.design, &frame.response);
    let e = reference("poisson_n2000_p3.json");
    for optimizer in [Optimizer::Lbfgs, Optimizer::Newton] {
        let r = fit(&model, &FitOptions::default().optimizer(optimizer)).unwrap();
        assert_eq!(r.convergence.reason, StopReason::GradientTolerance, "{r}");
        assert_abs("params", &r.estimates(), &numbers(&e["params"]), 1e-9);
        assert_rel("bse", &some(r.bse()), &numbers(&e["bse"]), 1e-7);
        assert_value_abs("llf", r.log_likelihood, &e["llf"], 1e-9);
        let c = &r.convergence;
        match optimizer {
            // one evaluation per iteration, the exact Hessian coming with the gradient
            Optimizer::Newton => {
                assert!(c.gradient_evals <= c.iterations + 2, "{c:?}");
                assert_eq!(r.hessian_method, HessianMethod::ForwardMode);
            }
            _ => assert!(c.newton_polish_steps >= 1, "{c:?}"),
        }
    }
}
