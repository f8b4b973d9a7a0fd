//! Probability, odds and log-odds, the Bernoulli likelihood, and why the negative
//! log-likelihood of a logistic model is binary cross-entropy.
//!
//! ```text
//! cargo run --release --example odds
//! ```

use mle::odds::{
    bernoulli_likelihood, bernoulli_nll, binary_cross_entropy, log_odds, odds,
    probability_from_odds, sigmoid,
};

fn main() {
    let p = 0.8;
    let o = odds(p);
    let l = log_odds(p);
    println!("probability {p} → odds p/(1−p) = {o:.4} → log-odds ln(odds) = {l:.4}");
    println!(
        "and back: sigmoid({l:.4}) = {:.4}, odds {o:.4} → probability o/(1+o) = {:.4}",
        sigmoid(l),
        probability_from_odds(o)
    );
    assert!((o - 4.0).abs() < 1e-12 && (l - 4f64.ln()).abs() < 1e-12);

    println!(
        "\nthe likelihood of one 0/1 outcome y under a predicted probability ŷ is ŷ^y (1−ŷ)^(1−y),"
    );
    println!("which for y ∈ {{0, 1}} is ŷ·y + (1−ŷ)(1−y):");
    for (y_hat, y, how) in [
        (0.9, 1.0, "close"),
        (0.1, 1.0, "far"),
        (0.2, 0.0, "close"),
        (0.8, 0.0, "far"),
    ] {
        println!(
            "  y = {y}, ŷ = {y_hat}: likelihood {:.2}  ({how})",
            bernoulli_likelihood(y_hat, y)
        );
    }

    let y = [1.0, 0.0, 1.0, 1.0, 0.0];
    let y_hat = [0.9, 0.2, 0.7, 0.6, 0.1];
    let nll = bernoulli_nll(&y_hat, &y);
    let bce = binary_cross_entropy(&y_hat, &y);
    println!("\nfive predictions: negative log-likelihood −Σ ln L = {nll:.6}");
    println!(
        "binary cross-entropy −(1/n) Σ [y ln ŷ + (1−y) ln(1−ŷ)] = {bce:.6} = NLL / n = {:.6}",
        nll / y.len() as f64
    );
    assert!((bce - nll / y.len() as f64).abs() < 1e-12);
    println!(
        "so maximizing the likelihood of a logistic model is minimizing its cross-entropy loss"
    );
}
