//! The built-in models' closed-form derivatives (one pass over the data) against reverse-mode
//! autodiff of their tensor expressions, on both backends: the value and gradient to rounding,
//! the Hessian against central differences of the autodiff gradient, and whole fits with and
//! without the closed forms. Autodiff is the independent reference here: it differentiates the
//! log-likelihood expression itself, not the hand-derived formulas.

use mle::backend::Backend;
use mle::data::Design;
use mle::inference::GradientMethod;
use mle::model::{Binomial, Gaussian, Logistic, Model};
use mle::optim::Objective;
use mle::{FitOptions, Optimizer, fit};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

/// Rounding of sums over a few thousand rows in different orders.
const TOL: f64 = 1e-11;

fn design(n: usize, p: usize, seed: u64) -> Design {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let cols: Vec<Vec<f64>> = (0..p)
        .map(|_| (0..n).map(|_| normal.sample(&mut rng)).collect())
        .collect();
    let names: Vec<String> = (1..=p).map(|j| format!("x{j}")).collect();
    Design::from_columns(&names, &cols, true).unwrap()
}

/// Compares the objective with and without closed forms at `u`, penalized or not.
fn check<M: Model>(model: &M, u: &[f64], l2: Option<f64>) {
    let closed = Objective::new(model, l2, false);
    let autodiff = Objective::new(model, l2, false).closed_form(false);
    let (vc, gc) = closed.value_and_gradient(u);
    let (va, ga) = autodiff.value_and_gradient(u);
    assert_eq!(closed.gradient_method(), GradientMethod::ClosedForm);
    assert_eq!(autodiff.gradient_method(), GradientMethod::Autodiff);
    assert!((vc - va).abs() <= TOL * va.abs(), "value {vc} vs {va}");
    let scale = ga.iter().fold(1.0f64, |m, g| m.max(g.abs()));
    for (j, (a, b)) in gc.iter().zip(&ga).enumerate() {
        assert!(
            (a - b).abs() <= TOL * scale.max(va.abs()),
            "∂{j}: {a} vs {b}"
        );
    }
    // the analytic Hessian against central differences of the autodiff gradient
    // (HESSIAN_STEP ≈ ε^⅓: ~1e-9 relative)
    let h = closed.hessian(u);
    let p = u.len();
    let mut x = u.to_vec();
    for j in 0..p {
        let step = mle::optim::HESSIAN_STEP * u[j].abs().max(1.0);
        x[j] = u[j] + step;
        let (_, gp) = autodiff.value_and_gradient(&x);
        x[j] = u[j] - step;
        let (_, gm) = autodiff.value_and_gradient(&x);
        x[j] = u[j];
        for i in 0..p {
            let fd = (gp[i] - gm[i]) / (2.0 * step);
            assert!(
                (h[(i, j)] - fd).abs() <= 1e-7 * h.amax(),
                "H[{i},{j}] {} vs {fd}",
                h[(i, j)]
            );
        }
    }
}

#[test]
fn logistic_closed_form_equals_autodiff_on_both_backends() {
    let x = design(3000, 3, 1);
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let y: Vec<f64> = (0..3000)
        .map(|_| f64::from(u8::from(rng.random::<f64>() < 0.4)))
        .collect();
    for backend in [Backend::Flex, Backend::NdArray] {
        let model = Logistic::on(&x, &y, &backend.device().unwrap()).unwrap();
        // including large |η|, where the tails need ln σ(−η) written stably
        for u in [[0.1, -0.4, 0.9, 0.2], [-3.0, 8.0, -12.0, 20.0]] {
            check(&model, &u, None);
            check(&model, &u, Some(2.5));
        }
    }
}

#[test]
fn binomial_closed_form_equals_autodiff() {
    let x = design(500, 2, 3);
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let m: Vec<f64> = (0..500)
        .map(|_| f64::from(rng.random_range(1..20u8)))
        .collect();
    let k: Vec<f64> = m
        .iter()
        .map(|&m| (m * rng.random::<f64>()).floor())
        .collect();
    let model = Binomial::new(&x, &k, &m).unwrap();
    check(&model, &[0.3, -0.2, 0.7], None);
}

#[test]
fn gaussian_closed_form_equals_autodiff() {
    let x = design(2000, 3, 5);
    let normal = Normal::new(0.0, 1.5).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(6);
    let y: Vec<f64> = (0..2000)
        .map(|i| 1.0 + 2.0 * x.row(i)[1] + normal.sample(&mut rng))
        .collect();
    for backend in [Backend::Flex, Backend::NdArray] {
        let model = Gaussian::on(&x, &y, &backend.device().unwrap()).unwrap();
        // u for σ is ln σ
        check(&model, &[0.5, 1.0, -0.3, 0.2, 0.4], None);
    }
}

#[test]
fn fits_agree_with_and_without_closed_forms() {
    let x = design(2000, 3, 7);
    let mut rng = rand::rngs::StdRng::seed_from_u64(8);
    let y: Vec<f64> = (0..2000)
        .map(|i| {
            let eta = 0.2 + x.row(i)[1] - 0.5 * x.row(i)[2];
            f64::from(u8::from(rng.random::<f64>() < mle::odds::sigmoid(eta)))
        })
        .collect();
    let model = Logistic::new(&x, &y).unwrap();
    for optimizer in [Optimizer::Newton, Optimizer::Lbfgs] {
        let options = FitOptions::default().optimizer(optimizer);
        let a = fit(&model, &options).unwrap();
        let b = fit(&model, &options.clone().closed_form(false)).unwrap();
        assert_eq!(a.gradient_method, GradientMethod::ClosedForm);
        assert_eq!(b.gradient_method, GradientMethod::Autodiff);
        assert!(a.convergence.converged && b.convergence.converged);
        for (pa, pb) in a.params.iter().zip(&b.params) {
            let se = pa.std_error.unwrap();
            assert!(
                (pa.estimate - pb.estimate).abs() <= 1e-6 * se,
                "{}",
                pa.name
            );
            assert!(
                (se - pb.std_error.unwrap()).abs() <= 1e-8 * se,
                "{}",
                pa.name
            );
        }
    }
}
