//! User-written likelihoods, timed: the Poisson regression of the `custom_likelihood` example
//! or the NB2 regression of the `custom_negbin` example (models of independent rows: no
//! derivative written by hand), fitted to a CSV with a count column `y` and covariates
//! `x1…xp`. Prints one JSON object with the estimates, standard errors and the fastest of five
//! fits (standard errors included) for Newton's method and L-BFGS;
//! `benches/peers/user_models.sh` compares it with statsmodels and TMB on the same file.
//!
//! `--autodiff` evaluates the model by burn's reverse-mode autodiff of its tensor expression
//! instead of its per-row jets; `--device wgpu|cuda` runs that expression on a GPU (an mle built
//! with the feature of that name; a GPU implies `--autodiff`), the same likelihood unchanged.
//!
//! ```text
//! cargo run --release --example bench_custom -- poisson|nb2 DATA.csv [--device DEVICE] [--autodiff]
//! cargo run --release --features cuda --example bench_custom -- poisson DATA.csv --device cuda
//! ```

#[path = "custom_negbin/nb2.rs"]
mod nb2;
#[path = "custom_likelihood/poisson.rs"]
mod poisson;

use std::time::Instant;

use mle::backend::{Backend, select};
use mle::data::{DesignBuilder, ResponseSpec, read_csv};
use mle::model::Model;
use mle::{FitOptions, FitResult, Optimizer, fit};

fn main() -> mle::Result<()> {
    let usage = "usage: bench_custom poisson|nb2 DATA.csv [--device DEVICE] [--autodiff]";
    let mut args = std::env::args().skip(1);
    let (mut positional, mut device, mut autodiff) = (Vec::new(), Backend::default(), false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--device" => device = args.next().unwrap_or_default().parse()?,
            "--autodiff" => autodiff = true,
            _ => positional.push(arg),
        }
    }
    let [model, path] = positional.as_slice() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    select(device)?;
    let autodiff = autodiff || device.is_gpu();
    let data = read_csv(path)?;
    let frame = DesignBuilder::new(ResponseSpec::parse("y")).build(&data)?;
    let (design, y) = (&frame.design, &frame.response);
    let report = match model.as_str() {
        "poisson" => time(&poisson::PoissonRegression::new(design, y), autodiff)?,
        "nb2" => time(&nb2::NegativeBinomial::new(design, y), autodiff)?,
        other => {
            eprintln!("unknown model '{other}' (expected poisson or nb2)");
            std::process::exit(2);
        }
    };
    let mut report = report;
    report.insert("n".into(), design.n_rows().into());
    report.insert("p".into(), design.n_cols().into());
    report.insert("threads".into(), rayon::current_num_threads().into());
    report.insert("device".into(), device.name().into());
    report.insert("autodiff".into(), autodiff.into());
    println!("{}", serde_json::Value::Object(report));
    Ok(())
}

/// The fastest of five fits by each optimizer.
fn time<M: Model>(
    model: &M,
    autodiff: bool,
) -> mle::Result<serde_json::Map<String, serde_json::Value>> {
    let mut report = serde_json::Map::new();
    for optimizer in [Optimizer::Newton, Optimizer::Lbfgs] {
        let options = FitOptions::default()
            .optimizer(optimizer)
            .closed_form(!autodiff);
        let mut best: Option<(f64, FitResult)> = None;
        for _ in 0..5 {
            let start = Instant::now();
            let r = fit(model, &options)?;
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
    Ok(report)
}
