//! Counts two ways: Poisson regression, whose variance equals its mean, and the negative
//! binomial NB2, whose variance `μ + αμ²` grows faster, on counts simulated with `α = 0.5`.
//!
//! Both find nearly the same coefficients (both means are `exp(xβ)`), but the Poisson fit
//! claims a precision the data do not have: its standard errors are too small by about the
//! square root of the overdispersion. The log-likelihoods (and AIC) tell the models apart, and
//! the plot shows why: the variance of the counts within bins of the fitted mean follows
//! `μ + αμ²`, not `μ`.
//!
//! ```text
//! cargo run --release --example count_regression
//! ```
//! Writes `examples/plots/count_regression.svg`.

use mle::data::{Design, NamedColumn};
use mle::model::{Glm, Link, NegativeBinomial, Poisson, Response};
use mle::plot::{Chart, Series};
use mle::simulate::simulate;
use mle::{FitOptions, fit};

fn main() -> mle::Result<()> {
    let (columns, truth) = simulate("negbin".parse()?, 5000, 2, 7)?;
    let column = |name: &str| -> Vec<f64> {
        columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|c: &NamedColumn| c.1.clone())
            .unwrap_or_default()
    };
    let x = Design::from_columns(&["x1", "x2"], &[column("x1"), column("x2")], true)?;
    let y = column("y");
    let poisson = fit(
        &Glm::new(Poisson, Link::Log, &x, Response::new(&y))?,
        &FitOptions::default(),
    )?;
    let negbin = fit(
        &Glm::new(NegativeBinomial, Link::Log, &x, Response::new(&y))?,
        &FitOptions::default(),
    )?;
    println!(
        "{:<12}{:>10}{:>18}{:>18}",
        "", "truth", "Poisson β (se)", "NB2 β (se)"
    );
    for ((p, q), (name, t)) in poisson.params.iter().zip(&negbin.params).zip(&truth.params) {
        println!(
            "{name:<12}{t:>10.3}{:>10.4} ({:.4}){:>10.4} ({:.4})",
            p.estimate,
            p.std_error.unwrap_or(f64::NAN),
            q.estimate,
            q.std_error.unwrap_or(f64::NAN)
        );
    }
    let alpha = negbin.param("alpha").expect("NB2 has alpha");
    println!(
        "{:<12}{:>10.3}{:>18}{:>10.4} ({:.4})",
        "alpha",
        0.5,
        "—",
        alpha.estimate,
        alpha.std_error.unwrap_or(f64::NAN)
    );
    println!(
        "\nlog-likelihood: Poisson {:.2}, NB2 {:.2}; AIC: Poisson {:.1}, NB2 {:.1}",
        poisson.log_likelihood, negbin.log_likelihood, poisson.aic, negbin.aic
    );
    let ratio =
        negbin.params[1].std_error.unwrap_or(1.0) / poisson.params[1].std_error.unwrap_or(1.0);
    println!("the Poisson standard error of x1 is {ratio:.2} times too small");

    // the variance of the counts within 20 bins of the fitted mean, against μ and μ + αμ²
    let beta = negbin.estimates();
    let mu: Vec<f64> = x
        .linear_predictor(&beta[..3])
        .iter()
        .map(|e| e.exp())
        .collect();
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| mu[a].total_cmp(&mu[b]));
    let bins: Vec<(f64, f64)> = order
        .chunks(y.len() / 20)
        .map(|rows| {
            let m = rows.iter().map(|&i| mu[i]).sum::<f64>() / rows.len() as f64;
            let mean_y = rows.iter().map(|&i| y[i]).sum::<f64>() / rows.len() as f64;
            let var = rows.iter().map(|&i| (y[i] - mean_y).powi(2)).sum::<f64>()
                / (rows.len() - 1) as f64;
            (m, var)
        })
        .collect();
    let top = bins.iter().map(|b| b.0).fold(0.0, f64::max);
    let grid: Vec<f64> = (0..=100).map(|i| top * f64::from(i) / 100.0).collect();
    let a = alpha.estimate;
    Chart::new(
        "Variance of the counts against their mean",
        "fitted mean μ",
        "variance",
    )
    .series(Series::points("counts in bins of μ", bins))
    .series(Series::line(
        "Poisson: μ",
        grid.iter().map(|&m| (m, m)).collect(),
    ))
    .series(Series::line(
        format!("NB2: μ + {a:.2}μ²"),
        grid.iter().map(|&m| (m, m + a * m * m)).collect(),
    ))
    .save_svg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/plots/count_regression.svg"
    ))?;
    assert!(negbin.log_likelihood > poisson.log_likelihood && ratio > 1.0);
    Ok(())
}
