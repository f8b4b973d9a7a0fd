//! Convergence that can be trusted: every optimizer reaches the same maximum on covariates of
//! extreme scales (1e-150; 1e-6 beside 1e6), and no fit reports "converged" while one more
//! Newton step would move a parameter by more than `STEP_SE_LIMIT` standard errors, however
//! loose the tolerance it was given.

use mle::data::Design;
use mle::model::Logistic;
use mle::optim::STEP_SE_LIMIT;
use mle::{FitOptions, Optimizer, fit};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

/// Logistic data with two covariates scaled by `scales`, `y = 1` where `a + b/2 + noise > 0`
/// for the unscaled `a`, `b` (seeded).
fn data(n: usize, scales: [f64; 2], seed: u64) -> (Design, Vec<f64>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let (mut a, mut b, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let (u, v, e): (f64, f64, f64) = (
            normal.sample(&mut rng),
            normal.sample(&mut rng),
            normal.sample(&mut rng),
        );
        a.push(u * scales[0]);
        b.push(v * scales[1]);
        y.push(f64::from(u8::from(u + 0.5 * v + e > 0.0)));
    }
    (Design::from_columns(&["a", "b"], &[a, b], true).unwrap(), y)
}

#[test]
fn every_optimizer_reaches_the_maximum_whatever_the_scales() {
    for (n, scales) in [(30, [1e-150, 1.0]), (40, [1e-6, 1e6]), (200, [1.0, 1e5])] {
        let (x, y) = data(n, scales, 3);
        let model = Logistic::new(&x, &y).unwrap();
        let newton = fit(&model, &FitOptions::default().optimizer(Optimizer::Newton)).unwrap();
        assert!(newton.convergence.converged, "{newton}");
        for optimizer in [Optimizer::Lbfgs, Optimizer::Gradient] {
            let r = fit(&model, &FitOptions::default().optimizer(optimizer)).unwrap();
            assert!(
                r.convergence.converged,
                "{scales:?} {}: {r}",
                optimizer.name()
            );
            let gap = (r.log_likelihood - newton.log_likelihood).abs();
            assert!(
                gap <= 1e-9 * newton.log_likelihood.abs(),
                "{scales:?}: {gap}"
            );
            for (p, q) in r.params.iter().zip(&newton.params) {
                let se = q.std_error.unwrap();
                assert!((p.estimate - q.estimate).abs() <= 1e-6 * se, "{}", p.name);
            }
        }
    }
}

#[test]
fn no_fit_is_converged_with_a_noticeable_newton_step_left() {
    let (x, y) = data(300, [1.0, 1.0], 5);
    let model = Logistic::new(&x, &y).unwrap();
    for optimizer in [Optimizer::Lbfgs, Optimizer::Gradient] {
        for gtol in [1e-1, 1e-2, 1e-4] {
            let options = FitOptions::default().optimizer(optimizer).gtol(gtol);
            let r = fit(&model, &options).unwrap();
            let c = &r.convergence;
            let step = c.newton_step_in_se.unwrap();
            assert!(
                !c.converged || step <= STEP_SE_LIMIT,
                "{} at gtol {gtol}: converged with a Newton step of {step} standard errors",
                optimizer.name()
            );
            assert!(c.converged, "{r}");
        }
    }
}
