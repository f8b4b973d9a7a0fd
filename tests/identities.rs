//! Identities any correct likelihood machinery satisfies, on simulated data with known
//! parameters (seeded): autodiff gradient = finite differences, Σ per-observation log-likelihood
//! = log-likelihood, the Hessian symmetric and negative definite at the optimum, the analytic and
//! gradient-differenced Hessians equal, and known parameters recovered within their standard
//! errors.

use mle::backend::{self, Tensor};
use mle::data::Design;
use mle::model::{Gaussian, Logistic, Model};
use mle::optim::Objective;
use mle::{FitOptions, Optimizer, fit};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

fn simulate_logistic(n: usize, beta: &[f64], seed: u64) -> (Design, Vec<f64>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let p = beta.len() - 1;
    let cols: Vec<Vec<f64>> = (0..p)
        .map(|_| (0..n).map(|_| normal.sample(&mut rng)).collect())
        .collect();
    let names: Vec<String> = (1..=p).map(|j| format!("x{j}")).collect();
    let design = Design::from_columns(&names, &cols, true).unwrap();
    let y = (0..n)
        .map(|i| {
            let eta: f64 = design.row(i).iter().zip(beta).map(|(x, b)| x * b).sum();
            f64::from(u8::from(rng.random::<f64>() < mle::odds::sigmoid(eta)))
        })
        .collect();
    (design, y)
}

#[test]
fn autodiff_gradient_equals_finite_differences() {
    let (x, y) = simulate_logistic(300, &[0.3, -1.0, 0.5], 1);
    let model = Logistic::new(&x, &y).unwrap();
    let objective = Objective::new(&model, None, false).closed_form(false);
    let u = [0.1, -0.4, 0.9];
    let (_, g) = objective.value_and_gradient(&u);
    for j in 0..3 {
        // central differences, step 1e-5: truncation O(h²·ℓ''') ≈ 1e-8 relative
        let h = 1e-5;
        let (mut a, mut b) = (u, u);
        a[j] += h;
        b[j] -= h;
        let fd = (objective.value(&a) - objective.value(&b)) / (2.0 * h);
        assert!(
            (fd - g[j]).abs() <= 1e-6 * g[j].abs().max(1.0),
            "{j}: {fd} vs {}",
            g[j]
        );
    }
}

#[test]
fn per_observation_terms_sum_to_the_log_likelihood() {
    let (x, y) = simulate_logistic(200, &[0.3, -1.0, 0.5], 2);
    let model = Logistic::new(&x, &y).unwrap();
    let theta = backend::vector(&[0.2, -0.7, 0.4], model.device());
    let obs = backend::to_vec(model.loglike_obs(theta.clone()));
    let total = backend::scalar(model.loglike(theta));
    assert_eq!(obs.len(), 200);
    assert!((obs.iter().sum::<f64>() - total).abs() < 1e-10);
    // and each term is the Bernoulli log-probability, computed by hand
    let eta: Vec<f64> = (0..200)
        .map(|i| {
            x.row(i)
                .iter()
                .zip([0.2, -0.7, 0.4])
                .map(|(a, b)| a * b)
                .sum()
        })
        .collect();
    for i in 0..200 {
        let p = mle::odds::sigmoid(eta[i]);
        let by_hand = if y[i] == 1.0 { p.ln() } else { (1.0 - p).ln() };
        assert!((obs[i] - by_hand).abs() < 1e-12);
    }
}

#[test]
fn hessian_is_symmetric_negative_definite_and_analytic_equals_differences() {
    let (x, y) = simulate_logistic(500, &[0.3, -1.0, 0.5], 3);
    let logistic = Logistic::new(&x, &y).unwrap();
    let r = fit(&logistic, &FitOptions::default()).unwrap();
    let u = r.estimates();
    let analytic = Objective::new(&logistic, None, false).hessian(&u);

    /// The same model without its analytic Hessian: the Hessian comes from gradient differences.
    struct NoHessian<'a>(&'a mle::model::Glm<mle::model::Binomial>);
    impl Model for NoHessian<'_> {
        fn name(&self) -> &str {
            "logistic"
        }
        fn params(&self) -> Vec<mle::model::Param> {
            self.0.params()
        }
        fn n_obs(&self) -> usize {
            self.0.n_obs()
        }
        fn device(&self) -> &backend::Device {
            self.0.device()
        }
        fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
            self.0.loglike_obs(theta)
        }
    }
    let plain = NoHessian(&logistic);
    let differenced = Objective::new(&plain, None, false).hessian(&u);
    assert_eq!(differenced, differenced.transpose());
    let scale = analytic.amax();
    assert!((&analytic - &differenced).amax() <= 1e-8 * scale);
    assert!(
        (-&analytic).cholesky().is_some(),
        "negative definite at the optimum"
    );
    let r2 = fit(&plain, &FitOptions::default()).unwrap();
    assert_eq!(
        r2.hessian_method,
        mle::inference::HessianMethod::GradientDifferences
    );
    for (a, b) in r.params.iter().zip(&r2.params) {
        let (sa, sb) = (a.std_error.unwrap(), b.std_error.unwrap());
        assert!((sa - sb).abs() <= 1e-8 * sa, "{sa} vs {sb}");
    }
}

/// Every estimate lies within 4 standard errors of the truth (a false alarm has probability
/// below 1e-4 per parameter, and the seeds are fixed).
fn assert_recovered(r: &mle::FitResult, truth: &[f64]) {
    for (p, b) in r.params.iter().zip(truth) {
        let z = (p.estimate - b) / p.std_error.unwrap();
        assert!(
            z.abs() < 4.0,
            "{}: {} vs {b} ({z:.1} SE)",
            p.name,
            p.estimate
        );
    }
}

#[test]
fn known_parameters_are_recovered_within_their_standard_errors() {
    let beta = [-0.5, 1.0, -2.0, 0.25];
    let (x, y) = simulate_logistic(5000, &beta, 4);
    let r = fit(&Logistic::new(&x, &y).unwrap(), &FitOptions::default()).unwrap();
    assert_recovered(&r, &beta);
    // Gaussian: β and σ
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let noise = Normal::new(0.0, 1.5).unwrap();
    let yg: Vec<f64> = (0..5000)
        .map(|i| {
            x.row(i).iter().zip(beta).map(|(a, b)| a * b).sum::<f64>() + noise.sample(&mut rng)
        })
        .collect();
    let g = fit(
        &Gaussian::new(&x, &yg).unwrap(),
        &FitOptions::default().optimizer(Optimizer::Newton),
    )
    .unwrap();
    assert_recovered(&g, &[beta.as_slice(), &[1.5]].concat());
}
