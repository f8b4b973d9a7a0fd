//! Data simulated from known parameters, so that anyone can check that a fit recovers them.

use rand::{Rng, SeedableRng};
use rand_distr::Distribution;

use crate::alloc::collect_n;
use crate::data::NamedColumn;
use crate::error::{MleError, Result};
use crate::model::ModelKind;

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
    /// The true parameters by name: `intercept`, `x1`…`xp`, and the family's auxiliary
    /// parameter (`sigma`, `alpha`, `shape`).
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

/// Simulates `n` rows with `p` standard normal covariates `x1…xp` from `model` with its own
/// link, `η = xβ`: the response drawn by the model's family at `μ = g⁻¹(η)` (a 0/1 response for
/// logistic, probit and cloglog; successes out of trials drawn from 1…20 for binomial; counts
/// for poisson and negbin with `α = 0.5`; Gamma with shape 2; Gaussian with `σ = 1`). Returns
/// the columns and the truth.
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
    let beta = true_beta(p);
    let what = format!("the simulated columns ({n} rows)");
    let mut columns: Vec<NamedColumn> = Vec::with_capacity(p + 2);
    for j in 1..=p {
        let x = collect_n(n, &what, |_| rand_distr::StandardNormal.sample(&mut rng))?;
        columns.push((format!("x{j}"), x));
    }
    let eta = collect_n(n, &what, |i| {
        beta[0] + (0..p).map(|j| beta[j + 1] * columns[j].1[i]).sum::<f64>()
    })?;
    let mut params: Vec<(String, f64)> = std::iter::once("intercept".to_string())
        .chain((1..=p).map(|j| format!("x{j}")))
        .zip(beta)
        .collect();
    let family = model.family;
    let aux = family.simulation_aux();
    if let Some(name) = family.aux() {
        params.push((name.into(), aux));
    }
    let trials = if model.trials {
        Some(collect_n(n, &what, |_| {
            f64::from(rng.random_range(1..=20u32))
        })?)
    } else {
        None
    };
    let y = collect_n(n, &what, |i| {
        let m = trials.as_ref().map_or(1.0, |m| m[i]);
        family.sample(model.link, eta[i], aux, m, &mut rng)
    })?;
    let (response, trials_name) = match trials {
        Some(m) => {
            columns.push(("successes".into(), y));
            columns.push(("trials".into(), m));
            ("successes".to_string(), Some("trials".to_string()))
        }
        None => {
            columns.push(("y".into(), y));
            ("y".to_string(), None)
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
            trials: trials_name,
        },
    ))
}
