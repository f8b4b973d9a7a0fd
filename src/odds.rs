//! Probability, odds and log-odds; the sigmoid and logit; the Bernoulli likelihood and binary
//! cross-entropy.
//!
//! For a probability `p`: odds `o = p / (1 - p)`, log-odds `logit p = ln o`, and back
//! `p = σ(logit p)` with `σ(x) = 1 / (1 + e^{-x})`. So 0.8 ↔ 4 ↔ ln 4 ≈ 1.386.
//!
//! # Examples
//! ```
//! use mle::odds::*;
//! assert!((odds(0.8) - 4.0).abs() < 1e-12);
//! assert!((log_odds(0.8) - 4f64.ln()).abs() < 1e-12);
//! assert!((probability_from_odds(4.0) - 0.8).abs() < 1e-12);
//! assert!((sigmoid(logit(0.8)) - 0.8).abs() < 1e-12);
//! ```

/// `σ(x) = 1 / (1 + e^{-x})`, evaluated without overflow for any `x`.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// `logit p = ln(p / (1 - p))`, the inverse of [`sigmoid`].
pub fn logit(p: f64) -> f64 {
    p.ln() - (-p).ln_1p()
}

/// The odds `p / (1 - p)` of a probability.
pub fn odds(p: f64) -> f64 {
    p / (1.0 - p)
}

/// The log-odds of a probability; the same as [`logit`].
pub fn log_odds(p: f64) -> f64 {
    logit(p)
}

/// The probability `o / (1 + o)` of odds `o`.
pub fn probability_from_odds(o: f64) -> f64 {
    o / (1.0 + o)
}

/// `ln σ(x) = -ln(1 + e^{-x})`, accurate for large `|x|` (never `ln` of an underflowed 0).
pub fn log_sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        -(-x).exp().ln_1p()
    } else {
        x - x.exp().ln_1p()
    }
}

/// The likelihood of one Bernoulli observation `y ∈ {0, 1}` under prediction `ŷ`:
/// `ŷ^y (1 - ŷ)^{1-y}`, which for a 0/1 label equals `ŷ·y + (1 - ŷ)(1 - y)`.
///
/// ```
/// use mle::odds::bernoulli_likelihood;
/// assert!((bernoulli_likelihood(0.9, 1.0) - 0.9).abs() < 1e-15); // close: high likelihood
/// assert!((bernoulli_likelihood(0.9, 0.0) - 0.1).abs() < 1e-15); // far: low likelihood
/// ```
pub fn bernoulli_likelihood(y_hat: f64, y: f64) -> f64 {
    y_hat * y + (1.0 - y_hat) * (1.0 - y)
}

/// The Bernoulli negative log-likelihood of labels `y` under predictions `ŷ`:
/// `-Σ [y ln ŷ + (1 - y) ln(1 - ŷ)]`.
pub fn bernoulli_nll(y_hat: &[f64], y: &[f64]) -> f64 {
    -y_hat
        .iter()
        .zip(y)
        .map(|(p, y)| bernoulli_likelihood(*p, *y).ln())
        .sum::<f64>()
}

/// Mean binary cross-entropy `-(1/n) Σ [y ln ŷ + (1 - y) ln(1 - ŷ)]`, as machine-learning
/// libraries define it: the Bernoulli negative log-likelihood divided by `n`.
///
/// ```
/// use mle::odds::{bernoulli_nll, binary_cross_entropy};
/// let (y_hat, y) = ([0.9, 0.2, 0.7], [1.0, 0.0, 0.0]);
/// assert!((binary_cross_entropy(&y_hat, &y) * 3.0 - bernoulli_nll(&y_hat, &y)).abs() < 1e-12);
/// ```
pub fn binary_cross_entropy(y_hat: &[f64], y: &[f64]) -> f64 {
    let n = y.len() as f64;
    -y_hat
        .iter()
        .zip(y)
        .map(|(p, y)| y * p.ln() + (1.0 - y) * (1.0 - p).ln())
        .sum::<f64>()
        / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_numbers() {
        // closed forms: odds(0.8) = 0.8/0.2 = 4, ln 4 = 1.3862943611198906
        assert!((odds(0.8) - 4.0).abs() < 1e-14);
        assert!((log_odds(0.8) - 1.386_294_361_119_890_6).abs() < 1e-14);
        assert!((sigmoid(1.386_294_361_119_890_6) - 0.8).abs() < 1e-15);
    }

    #[test]
    fn stable_tails() {
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(800.0), 1.0);
        assert_eq!(log_sigmoid(-800.0), -800.0);
        assert_eq!(log_sigmoid(800.0), 0.0);
        assert!((logit(1e-300) - 1e-300f64.ln()).abs() < 1e-12);
    }
}
