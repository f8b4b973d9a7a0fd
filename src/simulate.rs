//! Data simulated from known parameters, so that anyone can check that a fit recovers them.

use rand::{Rng, SeedableRng};
use rand_distr::{Binomial as BinomialDist, Distribution, Normal};

use crate::alloc::{collect_n, reserve};
use crate::data::NamedColumn;
use crate::error::{MleError, Result};
use crate::model::ModelKind;
use crate::odds::sigmoid;

/// The truth behind a simulated data set.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Simulation {
    /// The model simulated.
    pub model: ModelKind,
    /// Rows.
    pub n: usize,
    /// Covariates (besides the intercept).
    pub p: usize,
    /// The random seed.
    pub seed: u64,
    /// The true parameters by name: `intercept`, `x1`…`xp`, and `sigma` for gaussian.
    pub params: Vec<(String, f64)>,
    /// The response column (`y`, or `successes` with a `trials` column for binomial).
    pub response: String,
    /// The trials column for binomial data.
    pub trials: Option<String>,
}

/// The true coefficients: intercept 0.5, then slopes 1, −0.5, 0.25, … (halving, alternating).
fn true_beta(p: usize) -> Vec<f64> {
    std::iter::once(0.5)
        .chain((0..p).map(|j| (if j % 2 == 0 { 1.0 } else { -1.0 }) * 0.5f64.powi(j as i32)))
        .collect()
}

/// Simulates `n` rows with `p` standard normal covariates `x1…xp` from `model`: logistic
/// `y ~ Bernoulli(σ(xβ))`; binomial `successes ~ Binomial(trials, σ(xβ))` with trials drawn from
/// 1…20; gaussian `y = xβ + ε`, `ε ~ N(0, 1)`. Returns the columns and the truth.
///
/// # Errors
/// [`MleError::InvalidOption`] when `n` is 0 or `n ≤ p + 1`; [`MleError::OutOfMemory`] when the
/// columns do not fit in memory.
pub fn simulate(
    model: ModelKind,
    n: usize,
    p: usize,
    seed: u64,
) -> Result<(Vec<NamedColumn>, Simulation)> {
    if n <= p + 1 {
        return Err(MleError::InvalidOption(format!(
            "simulate: {n} rows cannot identify {} parameters; use more rows",
            p + 1
        )));
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0, 1.0).expect("valid normal");
    let beta = true_beta(p);
    let what = format!("the simulated columns ({n} rows)");
    let mut columns: Vec<NamedColumn> = Vec::with_capacity(p + 2);
    for j in 1..=p {
        let x = collect_n(n, &what, |_| normal.sample(&mut rng))?;
        columns.push((format!("x{j}"), x));
    }
    let eta = collect_n(n, &what, |i| {
        beta[0] + (0..p).map(|j| beta[j + 1] * columns[j].1[i]).sum::<f64>()
    })?;
    let mut params: Vec<(String, f64)> = std::iter::once("intercept".to_string())
        .chain((1..=p).map(|j| format!("x{j}")))
        .zip(beta)
        .collect();
    let (response, trials) = match model {
        ModelKind::Logistic => {
            let y = collect_n(n, &what, |i| {
                f64::from(u8::from(rng.random::<f64>() < sigmoid(eta[i])))
            })?;
            columns.push(("y".into(), y));
            ("y".to_string(), None)
        }
        ModelKind::Gaussian => {
            let y = collect_n(n, &what, |i| eta[i] + normal.sample(&mut rng))?;
            columns.push(("y".into(), y));
            params.push(("sigma".into(), 1.0));
            ("y".to_string(), None)
        }
        ModelKind::Binomial => {
            let m = collect_n(n, &what, |_| f64::from(rng.random_range(1..=20u32)))?;
            let mut k = Vec::new();
            reserve(&mut k, n, &what)?;
            for (e, m) in eta.iter().zip(&m) {
                let d = BinomialDist::new(*m as u64, sigmoid(*e)).map_err(|e| {
                    MleError::InvalidOption(format!("simulate: binomial draw: {e}"))
                })?;
                k.push(d.sample(&mut rng) as f64);
            }
            columns.push(("successes".into(), k));
            columns.push(("trials".into(), m));
            ("successes".to_string(), Some("trials".to_string()))
        }
    };
    Ok((
        columns,
        Simulation {
            model,
            n,
            p,
            seed,
            params,
            response,
            trials,
        },
    ))
}
