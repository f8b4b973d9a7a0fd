//! The binomial MLE: 55 heads in 100 flips.
//!
//! The log-likelihood of a coin with heads probability `p` after `k` heads in `n` flips is
//! `ℓ(p) = ln C(n, k) + k ln p + (n − k) ln(1 − p)`. Setting `ℓ'(p) = k/p − (n − k)/(1 − p)` to
//! zero gives the closed form `p̂ = k/n`; the observed information `−ℓ''(p̂) = n / (p̂(1 − p̂))`
//! gives the standard error `√(p̂(1 − p̂)/n)`. The iterative autodiff fit must land on both.
//!
//! ```text
//! cargo run --release --example coin_flips
//! ```
//! Writes `examples/plots/coin_flips.svg`: `ℓ(p)` with its maximum marked.

use mle::closed_form::proportion;
use mle::model::Proportion;
use mle::plot::{Chart, Series};
use mle::{FitOptions, Optimizer, fit};

fn main() -> mle::Result<()> {
    let (heads, flips) = (55.0, 100.0);
    let closed = proportion(heads, flips, 0.95)?;
    println!("{heads} heads in {flips} flips");
    println!(
        "closed form     p̂ = k/n = {:.10}   se = √(p̂(1−p̂)/n) = {:.10}   95% CI [{:.4}, {:.4}]",
        closed.p_hat, closed.std_error, closed.ci_lower, closed.ci_upper
    );

    let coin = Proportion::new(&[heads], &[flips])?;
    for optimizer in [Optimizer::Newton, Optimizer::Lbfgs] {
        let r = fit(&coin, &FitOptions::default().optimizer(optimizer))?;
        let p = &r.params[0];
        println!(
            "autodiff {:<6} p̂ = {:.10}   se = {:.10}   95% CI [{:.4}, {:.4}]   {} iterations",
            optimizer.name(),
            p.estimate,
            p.std_error.unwrap_or(f64::NAN),
            p.ci_lower.unwrap_or(f64::NAN),
            p.ci_upper.unwrap_or(f64::NAN),
            r.convergence.iterations,
        );
        assert!(
            (p.estimate - closed.p_hat).abs() < 1e-9,
            "the fit found k/n"
        );
    }
    println!(
        "(the autodiff interval is computed on the logit scale and mapped back, so it stays inside \
         (0, 1) and is slightly asymmetric; the closed-form Wald interval is p̂ ± 1.96 se)"
    );

    // the log-likelihood curve, without the constant ln C(n, k)
    let ell = |p: f64| heads * p.ln() + (flips - heads) * (1.0 - p).ln();
    let curve: Vec<(f64, f64)> = (0..=200)
        .map(|i| 0.30 + 0.45 * f64::from(i) / 200.0)
        .map(|p| (p, ell(p)))
        .collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/plots/coin_flips.svg");
    Chart::new(
        "55 heads in 100 flips: the log-likelihood",
        "p",
        "k ln p + (n − k) ln(1 − p)",
    )
    .series(Series::line("ℓ(p)", curve))
    .series(Series::points(
        format!("maximum at p̂ = k/n = {}", closed.p_hat),
        vec![(closed.p_hat, ell(closed.p_hat))],
    ))
    .save_svg(path)?;
    println!("plot: {path}");
    Ok(())
}
