//! One model, three maximizers: gradient ascent, Newton and L-BFGS on a two-parameter logistic
//! regression (iris: versicolor against the rest, on sepal width), side by side, and the path of
//! each over the log-likelihood surface.
//!
//! Gradient ascent follows `∇ℓ` with a line search: cheap steps, but it zig-zags across the
//! narrow ridge that correlated parameters make. Newton solves `∇²ℓ d = −∇ℓ` with the exact
//! Hessian `−XᵀWX`: few, costly steps, quadratic convergence near the top. L-BFGS builds a
//! Hessian estimate from past gradients: in between.
//!
//! ```text
//! cargo run --release --example optimizers
//! ```
//! Writes `examples/plots/optimizers.svg`.

use mle::data::{DesignBuilder, ResponseSpec, read_csv};
use mle::model::Logistic;
use mle::optim::{Objective, Progress};
use mle::plot::{Chart, Series, Surface};
use mle::{FitOptions, Optimizer, fit_observed};

fn main() -> mle::Result<()> {
    let iris = read_csv(concat!(env!("CARGO_MANIFEST_DIR"), "/data/iris.csv"))?;
    let frame = DesignBuilder::new(ResponseSpec::parse("species=versicolor"))
        .columns(["sepal_width"])
        .build(&iris)?;
    let model = Logistic::new(&frame.design, &frame.response)?;
    let start = vec![0.0, 0.0];

    println!(
        "{:<10}{:>11}{:>11}{:>11}{:>10}{:>12}{:>16}{:>16}",
        "optimizer",
        "iterations",
        "gradients",
        "Hessians",
        "time ms",
        "converged",
        "intercept",
        "sepal_width"
    );
    let mut paths = Vec::new();
    for optimizer in [Optimizer::Gradient, Optimizer::Newton, Optimizer::Lbfgs] {
        let options = FitOptions::default()
            .optimizer(optimizer)
            .start(start.clone());
        let mut path: Vec<Progress> = Vec::new();
        let r = fit_observed(&model, &options, &mut path)?;
        let c = &r.convergence;
        println!(
            "{:<10}{:>11}{:>11}{:>11}{:>10.2}{:>12}{:>16.10}{:>16.10}",
            optimizer.name(),
            c.iterations,
            c.gradient_evals,
            c.hessian_evals,
            c.wall_time_s * 1e3,
            c.converged,
            r.params[0].estimate,
            r.params[1].estimate
        );
        let points: Vec<(f64, f64)> = path.iter().map(|p| (p.params[0], p.params[1])).collect();
        paths.push((optimizer, points));
    }

    // ℓ on a grid around the paths
    let objective = Objective::new(&model, None, false);
    let (x0, x1, y0, y1) = (-1.0, 10.5, -3.8, 0.6);
    let steps = 80;
    let axis = |lo: f64, hi: f64| -> Vec<f64> {
        (0..=steps)
            .map(|k| lo + (hi - lo) * f64::from(k) / f64::from(steps))
            .collect()
    };
    let (gx, gy) = (axis(x0, x1), axis(y0, y1));
    let z: Vec<f64> = gy
        .iter()
        .flat_map(|&b1| gx.iter().map(move |&b0| (b0, b1)))
        .map(|(b0, b1)| objective.value(&[b0, b1]))
        .collect();
    let mut chart = Chart::new(
        "three optimizers on one log-likelihood (darker is higher)",
        "intercept",
        "sepal_width coefficient",
    )
    .surface(Surface { x: gx, y: gy, z });
    for (optimizer, points) in paths {
        let clipped: Vec<(f64, f64)> = points
            .into_iter()
            .filter(|(a, b)| (x0..=x1).contains(a) && (y0..=y1).contains(b))
            .collect();
        chart = chart.series(Series::path(optimizer.name(), clipped));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/plots/optimizers.svg");
    chart.save_svg(path)?;
    println!("plot: {path}");
    Ok(())
}
