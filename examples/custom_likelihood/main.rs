//! A model of your own: Poisson regression, written only against the public API.
//!
//! Counts `yᵢ ~ Poisson(μᵢ)` with `ln μᵢ = xᵢβ` have `ℓ(β) = Σ [yᵢ ηᵢ − e^{ηᵢ} − ln yᵢ!]`. The
//! model (`poisson.rs`, beside this file) declares that expression once, for the rows of a
//! linear predictor `η`, and nothing else: it runs as a burn tensor expression (reverse-mode
//! autodiff) and on forward-mode jets, which give each row's exact derivatives in `η`, so the
//! gradient and the Hessian are exact (the result says how they were obtained). With one binary covariate the maximum has a closed form, which checks the fit:
//! `β₀ = ln ȳ₀`, `β₁ = ln(ȳ₁/ȳ₀)`, `se(β₀) = 1/√(Σy₀)`, `se(β₁) = √(1/Σy₀ + 1/Σy₁)`.
//!
//! ```text
//! cargo run --release --example custom_likelihood
//! ```

mod poisson;

use mle::data::Design;
use mle::{FitOptions, Optimizer, fit};
use poisson::PoissonRegression;
use rand::SeedableRng;
use rand_distr::{Distribution, Poisson};

fn main() -> mle::Result<()> {
    // 200 counts: 100 with x = 0 (mean 3), 100 with x = 1 (mean 3·e^0.5 ≈ 4.95), seeded
    let mut rng = rand::rngs::StdRng::seed_from_u64(2024);
    let x: Vec<f64> = (0..200).map(|i| f64::from(u8::from(i >= 100))).collect();
    let y: Vec<f64> = x
        .iter()
        .map(|&xi| {
            let mean = (3f64.ln() + 0.5 * xi).exp();
            Poisson::new(mean).map_or(0.0, |d| d.sample(&mut rng))
        })
        .collect();
    let design = Design::from_columns(&["treated"], std::slice::from_ref(&x), true)?;
    let model = PoissonRegression::new(&design, &y);
    let r = fit(&model, &FitOptions::default().optimizer(Optimizer::Newton))?;
    println!("{r}");

    let sum = |group: f64| -> f64 {
        x.iter()
            .zip(&y)
            .filter(|(xi, _)| **xi == group)
            .map(|(_, yi)| yi)
            .sum()
    };
    let (s0, s1) = (sum(0.0), sum(1.0));
    let closed = [
        ((s0 / 100.0).ln(), 1.0 / s0.sqrt()),
        ((s1 / s0).ln(), (1.0 / s0 + 1.0 / s1).sqrt()),
    ];
    println!(
        "{:<12}{:>16}{:>16}{:>12}{:>12}",
        "", "β (fit)", "β (closed form)", "se (fit)", "se (closed)"
    );
    for (p, (b, se)) in r.params.iter().zip(closed) {
        let fit_se = p.std_error.unwrap_or(f64::NAN);
        println!(
            "{:<12}{:>16.10}{:>16.10}{:>12.8}{:>12.8}",
            p.name, p.estimate, b, fit_se, se
        );
        assert!((p.estimate - b).abs() < 1e-8 && (fit_se - se).abs() < 1e-7 * se);
    }
    println!(
        "gradient by {}, Hessian by {}: no derivative was written by hand",
        r.gradient_method.describe(),
        r.hessian_method.describe()
    );
    Ok(())
}
