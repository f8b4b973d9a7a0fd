//! A tour of `mle` on the bundled iris data (`data/iris.csv`):
//! logistic regression as maximum likelihood (and what happens when the MLE does not exist),
//! linear regression as the same framework (closed-form OLS beside the iterative Gaussian MLE),
//! and the coin-flip binomial.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use mle::closed_form::{compare_ols_mle, proportion};
use mle::data::{DesignBuilder, ResponseSpec, read_csv};
use mle::model::{Logistic, Proportion};
use mle::{FitOptions, Optimizer, fit};

fn main() -> mle::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/iris.csv");
    let iris = read_csv(path)?;

    println!("1. Setosa against the rest on sepal length and width, no penalty\n");
    let frame = DesignBuilder::new(ResponseSpec::parse("species=setosa"))
        .columns(["sepal_length", "sepal_width"])
        .build(&iris)?;
    let logistic = Logistic::new(&frame.design, &frame.response)?;
    let unpenalized = fit(&logistic, &FitOptions::default())?;
    println!("{unpenalized}");

    println!("2. The same with an L2 penalty λ = 1 (scikit-learn's default LogisticRegression)\n");
    let penalized = fit(&logistic, &FitOptions::default().l2(1.0))?;
    println!("{penalized}");

    println!("3. Versicolor against the rest on sepal length and width (an MLE that exists)\n");
    let frame = DesignBuilder::new(ResponseSpec::parse("species=versicolor"))
        .columns(["sepal_length", "sepal_width"])
        .build(&iris)?;
    let logistic = Logistic::new(&frame.design, &frame.response)?;
    let r = fit(
        &logistic,
        &FitOptions::default().optimizer(Optimizer::Newton),
    )?;
    println!("{r}");

    println!("4. Petal width on petal length: closed-form OLS beside the Gaussian MLE\n");
    let frame = DesignBuilder::new(ResponseSpec::parse("petal_width"))
        .columns(["petal_length"])
        .build(&iris)?;
    let c = compare_ols_mle(&frame.design, &frame.response, &FitOptions::default())?;
    println!(
        "{:<14}{:>16}{:>16}{:>14}{:>14}",
        "", "β OLS", "β MLE", "se OLS", "se MLE"
    );
    for (o, m) in c.ols.params.iter().zip(&c.mle.params) {
        println!(
            "{:<14}{:>16.10}{:>16.10}{:>14.6}{:>14.6}",
            o.name,
            o.estimate,
            m.estimate,
            o.std_error,
            m.std_error.unwrap_or(f64::NAN)
        );
    }
    println!(
        "largest relative difference in β: {:.1e}\nσ̂ (MLE, RSS/n) = {:.6}   s (OLS, RSS/(n−p)) = {:.6}\n\
         se ratio OLS/MLE = {:.8} = √(n/(n−p)) = {:.8}\nMLE: {} iterations, {:.1} ms\n",
        c.max_rel_beta_diff,
        c.sigma_mle,
        c.sigma_ols,
        c.se_ratios[0],
        c.expected_se_ratio,
        c.mle.convergence.iterations,
        c.mle.convergence.wall_time_s * 1e3
    );

    println!("5. Coin flips: 55 heads in 100\n");
    let closed = proportion(55.0, 100.0, 0.95)?;
    let iterative = fit(&Proportion::new(&[55.0], &[100.0])?, &FitOptions::default())?;
    let p = &iterative.params[0];
    println!(
        "closed form  p̂ = {:.10}  se = {:.10}\niterative    p̂ = {:.10}  se = {:.10}  95% CI [{:.4}, {:.4}]",
        closed.p_hat,
        closed.std_error,
        p.estimate,
        p.std_error.unwrap_or(f64::NAN),
        p.ci_lower.unwrap_or(f64::NAN),
        p.ci_upper.unwrap_or(f64::NAN)
    );
    Ok(())
}
