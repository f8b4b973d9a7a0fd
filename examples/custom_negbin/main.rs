//! A negative binomial (NB2) regression written by hand as a model of independent rows
//! (`nb2.rs`, beside this file: ten lines of formula, `lgamma` included, no derivative), fitted
//! beside the built-in `negbin` family on the same simulated counts.
//!
//! The two are the same model reached by different roads: the built-in family evaluates hand-
//! derived row derivatives in one pass, the user model differentiates its own expression by
//! forward-mode jets. They agree on the estimates, the standard errors (both exact: no finite
//! differences) and the log-likelihood to rounding.
//!
//! ```text
//! cargo run --release --example custom_negbin
//! ```

mod nb2;

use mle::data::{Design, NamedColumn};
use mle::model::{Glm, Link, NegativeBinomial as BuiltIn, Response};
use mle::simulate::simulate;
use mle::{FitOptions, fit};
use nb2::NegativeBinomial;

fn main() -> mle::Result<()> {
    let (columns, truth) = simulate("negbin".parse()?, 5000, 2, 11)?;
    let column = |name: &str| -> Vec<f64> {
        columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|c: &NamedColumn| c.1.clone())
            .unwrap_or_default()
    };
    let x = Design::from_columns(&["x1", "x2"], &[column("x1"), column("x2")], true)?;
    let y = column("y");
    let options = FitOptions::default();
    let user = fit(&NegativeBinomial::new(&x, &y), &options)?;
    let builtin = fit(
        &Glm::new(BuiltIn, Link::Log, &x, Response::new(&y))?,
        &options,
    )?;
    println!(
        "{:<12}{:>8}{:>24}{:>24}",
        "", "truth", "user model β (se)", "built-in β (se)"
    );
    let mut worst: f64 = 0.0;
    for ((u, b), (_, t)) in user.params.iter().zip(&builtin.params).zip(&truth.params) {
        let (su, sb) = (
            u.std_error.unwrap_or(f64::NAN),
            b.std_error.unwrap_or(f64::NAN),
        );
        println!(
            "{:<12}{t:>8.3}{:>12.6} ({:.6}){:>12.6} ({:.6})",
            u.name, u.estimate, su, b.estimate, sb
        );
        worst = worst
            .max((u.estimate - b.estimate).abs() / b.estimate.abs().max(1.0))
            .max((su - sb).abs() / sb);
    }
    println!(
        "log-likelihood: user {:.6}, built-in {:.6}",
        user.log_likelihood, builtin.log_likelihood
    );
    println!(
        "largest relative difference in β and se: {worst:.1e}; gradient by {}, Hessian by {}",
        user.gradient_method.describe(),
        user.hessian_method.describe()
    );
    assert!(user.convergence.converged && builtin.convergence.converged);
    assert!(worst < 1e-8, "{worst}");
    assert!((user.log_likelihood - builtin.log_likelihood).abs() < 1e-8);
    Ok(())
}
