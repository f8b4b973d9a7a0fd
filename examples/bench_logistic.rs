//! Logistic regression on simulated data held in memory: n = 1,000,000 rows, p = 10 columns
//! (plus intercept). Prints the time of one log-likelihood + gradient evaluation, of one
//! Hessian, and of whole fits by Newton and L-BFGS: with the model's closed-form derivatives
//! (the default), and with autodiff gradients on both CPU backends. `RAYON_NUM_THREADS=1` runs
//! the closed-form pass on one thread. Times are the fastest of a few runs.
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
    let configurations = [
        ("closed form", Backend::Flex, true),
        ("autodiff, flex", Backend::Flex, false),
        ("autodiff, ndarray", Backend::NdArray, false),
    ];
    for (label, backend, closed_form) in configurations {
        let model = Logistic::on(&design, &y, &backend.device()?)?;
        let objective = Objective::new(&model, None, false).closed_form(closed_form);
        let u = vec![0.1; p + 1];
        // the fastest of a few runs: the least disturbed by other work on the machine
        let per_grad = fastest(5, |k| {
            // distinct points, so the cache never answers
            let mut v = u.clone();
            v[0] += k as f64 * 1e-3;
            objective.value_and_gradient(&v);
        });
        let per_hess = fastest(5, |k| {
            let mut v = u.clone();
            v[1] += k as f64 * 1e-3;
            objective.hessian(&v);
        });
        println!(
            "{label:>18}: value+gradient {:8.1} ms   Hessian (one pass) {:8.1} ms",
            per_grad * 1e3,
            per_hess * 1e3
        );
        for optimizer in [Optimizer::Newton, Optimizer::Lbfgs] {
            let options = FitOptions::default()
                .optimizer(optimizer)
                .closed_form(closed_form);
            let mut r = fit(&model, &options)?;
            let wall = fastest(2, |_| {
                r = fit(&model, &options).expect("fitted once already")
            });
            let c = &r.convergence;
            let max_err = r
                .params
                .iter()
                .zip(&beta)
                .map(|(e, b)| (e.estimate - b).abs() / e.std_error.unwrap_or(f64::NAN))
                .fold(0.0, f64::max);
            println!(
                "{:>18}  fit {:<6} {:7.3} s  converged={} iterations={} grads={} hessians={} \
                 polish={} rel.grad={:.1e} (max |β̂−β|/se ≈ {max_err:.1})",
                "",
                optimizer.name(),
                wall,
                c.converged,
                c.iterations,
                c.gradient_evals,
                c.hessian_evals,
                c.newton_polish_steps,
                c.relative_gradient
            );
        }
    }
    Ok(())
}

/// The shortest wall time of `reps` runs of `f(k)`, in seconds.
fn fastest(reps: usize, mut f: impl FnMut(usize)) -> f64 {
    (0..reps)
        .map(|k| {
            let t = Instant::now();
            f(k);
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}
