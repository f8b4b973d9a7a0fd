//! Linear regression two ways: the closed-form least-squares solution and the iterative
//! maximum of the Gaussian likelihood, on the bundled iris data (sepal length on the other three
//! measurements).
//!
//! With normal errors, `ℓ(β, σ) = −(n/2) ln(2πσ²) − RSS(β)/(2σ²)`: for any σ the β that maximizes
//! ℓ is the one that minimizes RSS, so the MLE of β *is* the least-squares β̂ (computed here by
//! Householder QR, never by inverting XᵀX). The two differ in σ: the MLE is `σ̂² = RSS/n`, biased
//! low; OLS reports the unbiased `s² = RSS/(n − p)`. Standard errors scale with them, so their
//! ratio is `√(n/(n − p))` for every coefficient.
//!
//! ```text
//! cargo run --release --example linear_regression
//! ```

use mle::closed_form::compare_ols_mle;
use mle::data::{DesignBuilder, ResponseSpec, read_csv};
use mle::{FitOptions, Optimizer};

fn main() -> mle::Result<()> {
    let iris = read_csv(concat!(env!("CARGO_MANIFEST_DIR"), "/data/iris.csv"))?;
    let frame = DesignBuilder::new(ResponseSpec::parse("sepal_length"))
        .columns(["sepal_width", "petal_length", "petal_width"])
        .build(&iris)?;
    let (n, p) = (frame.design.n_rows(), frame.design.n_cols());
    for optimizer in [Optimizer::Newton, Optimizer::Lbfgs] {
        let options = FitOptions::default().optimizer(optimizer);
        let c = compare_ols_mle(&frame.design, &frame.response, &options)?;
        if optimizer == Optimizer::Newton {
            print!("{c}");
            println!();
        }
        let rss = c.ols.rss;
        println!(
            "{:<7} β agree to {:.1e} (relative); MLE: {} iterations, {} gradients, {:.2} ms; \
             OLS (QR): {:.2} ms",
            optimizer.name(),
            c.max_rel_beta_diff,
            c.mle.convergence.iterations,
            c.mle.convergence.gradient_evals,
            c.mle.convergence.wall_time_s * 1e3,
            c.ols_time_s * 1e3
        );
        if optimizer == Optimizer::Newton {
            println!(
                "        σ̂² (MLE) = {:.8} = RSS/n = {:.8};  s² (OLS) = {:.8} = RSS/(n−p) = {:.8}",
                c.sigma_mle * c.sigma_mle,
                rss / n as f64,
                c.ols.sigma2,
                rss / (n - p) as f64
            );
            let ratios: Vec<String> = c.se_ratios.iter().map(|r| format!("{r:.8}")).collect();
            println!(
                "        se(OLS)/se(MLE) = [{}], √(n/(n−p)) = {:.8}",
                ratios.join(", "),
                c.expected_se_ratio
            );
        }
        assert!(c.max_rel_beta_diff < 1e-8);
    }
    println!(
        "\nThe coefficients are the same estimate reached two ways. The MLE's σ̂ divides the RSS by \
         n, the OLS s by the n − p residual degrees of freedom, and every standard error inherits \
         that factor; OLS also uses t rather than normal quantiles for its intervals."
    );
    Ok(())
}
