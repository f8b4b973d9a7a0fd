//! Logistic regression on simulated data held in memory: n = 1,000,000 rows, p = 10 columns
//! (plus intercept). Prints the time of one log-likelihood + gradient evaluation (autodiff), of
//! one analytic Hessian, and of whole fits by Newton and L-BFGS, on both CPU backends.
//!
//! ```text
//! cargo run --release --example bench_logistic [-- ROWS COLS]
//! ```

use std::time::Instant;

use mle::backend::Backend;
use mle::data::Design;
use mle::model::Logistic;
use mle::optim::Objective;
use mle::{FitOptions, Optimizer, fit};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

fn main() -> mle::Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1_000_000);
    let p = args.get(1).copied().unwrap_or(10);
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let beta: Vec<f64> = (0..=p)
        .map(|j| if j == 0 { -0.3 } else { 0.5 / j as f64 })
        .collect();
    let cols: Vec<Vec<f64>> = (0..p)
        .map(|_| (0..n).map(|_| normal.sample(&mut rng)).collect())
        .collect();
    let names: Vec<String> = (1..=p).map(|j| format!("x{j}")).collect();
    let design = Design::from_columns(&names, &cols, true)?;
    drop(cols);
    let y: Vec<f64> = (0..n)
        .map(|i| {
            let eta: f64 = design.row(i).iter().zip(&beta).map(|(x, b)| x * b).sum();
            f64::from(u8::from(rng.random::<f64>() < mle::odds::sigmoid(eta)))
        })
        .collect();
    println!("logistic regression, n = {n}, p = {p} + intercept, f64, simulated in memory");
    println!(
        "threads: RAYON_NUM_THREADS={:?}",
        std::env::var("RAYON_NUM_THREADS").ok()
    );
    for backend in [Backend::Flex, Backend::NdArray] {
        let model = Logistic::on(&design, &y, &backend.device()?)?;
        let objective = Objective::new(&model, None, false);
        let u = vec![0.1; p + 1];
        let reps = 5;
        let t = Instant::now();
        for _ in 0..reps {
            // distinct points, so the cache never answers
            let mut v = u.clone();
            v[0] += t.elapsed().as_secs_f64();
            objective.value_and_gradient(&v);
        }
        let per_grad = t.elapsed().as_secs_f64() / reps as f64;
        let t = Instant::now();
        objective.hessian(&u);
        let per_hess = t.elapsed().as_secs_f64();
        println!(
            "{:>8}: value+gradient {:8.1} ms   analytic Hessian {:8.1} ms",
            backend.name(),
            per_grad * 1e3,
            per_hess * 1e3
        );
        for optimizer in [Optimizer::Newton, Optimizer::Lbfgs] {
            let t = Instant::now();
            let r = fit(&model, &FitOptions::default().optimizer(optimizer))?;
            let wall = t.elapsed().as_secs_f64();
            let c = &r.convergence;
            let max_err = r
                .params
                .iter()
                .zip(&beta)
                .map(|(e, b)| (e.estimate - b).abs() / e.std_error.unwrap_or(f64::NAN))
                .fold(0.0, f64::max);
            println!(
                "{:>8}  fit {:<6} {:7.3} s  converged={} iterations={} grads={} hessians={} \
                 values={} rel.grad={:.1e} (max |β̂−β|/se ≈ {max_err:.1})",
                "",
                optimizer.name(),
                wall,
                c.converged,
                c.iterations,
                c.gradient_evals,
                c.hessian_evals,
                c.function_evals,
                c.relative_gradient
            );
        }
    }
    Ok(())
}
