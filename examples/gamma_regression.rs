//! Positive, skewed responses: Gamma regression with the log link, its shape `ν` (variance
//! `μ²/ν`) estimated jointly by maximum likelihood, on data simulated with shape 2.
//!
//! The coefficients do not depend on the shape (the score for β is the same for every ν), so
//! they equal R's `glm(..., family = Gamma(link = "log"))`; the shape here is the maximum
//! likelihood one (R's `MASS::gamma.shape`), where `glm` and statsmodels take the dispersion
//! `1/ν` from Pearson's χ² instead.
//!
//! ```text
//! cargo run --release --example gamma_regression
//! ```

use mle::data::Design;
use mle::model::{Gamma, Glm, Link, Response};
use mle::simulate::simulate;
use mle::{FitOptions, fit};

fn main() -> mle::Result<()> {
    let (columns, truth) = simulate("gamma".parse()?, 2000, 2, 1)?;
    let x = Design::from_columns(
        &["x1", "x2"],
        &[columns[0].1.clone(), columns[1].1.clone()],
        true,
    )?;
    let y = &columns[2].1;
    let model = Glm::new(Gamma, Link::Log, &x, Response::new(y))?;
    let result = fit(&model, &FitOptions::default())?;
    print!("{result}");
    println!(
        "\n{:<12}{:>10}{:>12}{:>12}",
        "", "truth", "estimate", "z vs truth"
    );
    for (p, (name, t)) in result.params.iter().zip(&truth.params) {
        let se = p.std_error.unwrap_or(f64::NAN);
        println!(
            "{name:<12}{t:>10.3}{:>12.4}{:>12.2}",
            p.estimate,
            (p.estimate - t) / se
        );
        assert!(((p.estimate - t) / se).abs() < 4.0);
    }
    Ok(())
}
