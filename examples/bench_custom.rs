//! A custom likelihood through the generic autodiff path, timed: the Poisson regression of the
//! `custom_likelihood` example (declared as a burn expression, no derivative written by hand)
//! fitted to a CSV with a count column `y` and covariates `x1…xp`. Prints one JSON object with
//! the estimates and the fastest of five fits for Newton (Hessian by differences of the exact
//! gradient) and L-BFGS; `benches/peers/run.sh` compares it with statsmodels'
//! `GenericLikelihoodModel` on the same file.
//!
//! ```text
//! cargo run --release --example bench_custom -- DATA.csv
//! ```

#[path = "custom_likelihood/poisson.rs"]
mod poisson;

use std::time::Instant;

use mle::data::{DesignBuilder, ResponseSpec, read_csv};
use mle::{FitOptions, FitResult, Optimizer, fit};
use poisson::PoissonRegression;

fn main() -> mle::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bench_custom DATA.csv");
        std::process::exit(2);
    };
    let data = read_csv(&path)?;
    let frame = DesignBuilder::new(ResponseSpec::parse("y")).build(&data)?;
    let model = PoissonRegression::new(&frame.design, &frame.response);
    let mut report = serde_json::Map::new();
    report.insert("n".into(), frame.design.n_rows().into());
    report.insert("p".into(), frame.design.n_cols().into());
    for optimizer in [Optimizer::Newton, Optimizer::Lbfgs] {
        let options = FitOptions::default().optimizer(optimizer);
        let mut best: Option<(f64, FitResult)> = None;
        for _ in 0..5 {
            let start = Instant::now();
            let r = fit(&model, &options)?;
            let seconds = start.elapsed().as_secs_f64();
            if best.as_ref().is_none_or(|(b, _)| seconds < *b) {
                best = Some((seconds, r));
            }
        }
        let Some((seconds, r)) = best else {
            unreachable!("five fits ran")
        };
        report.insert(
            optimizer.name().into(),
            serde_json::json!({
                "seconds": seconds,
                "converged": r.convergence.converged,
                "iterations": r.convergence.iterations,
                "gradients": r.convergence.gradient_evals,
                "gradient_method": r.gradient_method,
                "hessian_method": r.hessian_method,
                "estimates": r.estimates(),
                "std_errors": r.bse(),
            }),
        );
    }
    println!("{}", serde_json::Value::Object(report));
    Ok(())
}
