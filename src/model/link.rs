//! Link functions: the mean `μ = g⁻¹(η)` of a response as a function of its linear predictor.
//!
//! | link | `η = g(μ)` | `μ = g⁻¹(η)` | `dμ/dη` |
//! |---|---|---|---|
//! | logit | `ln(μ/(1 − μ))` | `1/(1 + e^{−η})` | `μ(1 − μ)` |
//! | probit | `Φ⁻¹(μ)` | `Φ(η)` | `φ(η)` |
//! | cloglog | `ln(−ln(1 − μ))` | `1 − exp(−e^η)` | `e^{η − e^η}` |
//! | log | `ln μ` | `e^η` | `e^η` |
//! | identity | `μ` | `η` | `1` |
//! | inverse | `1/μ` | `1/η` | `−1/η²` |

use std::f64::consts::FRAC_1_SQRT_2;

use crate::ad::special::log_ndtr;
use crate::backend::Tensor;
use crate::dist::normal_quantile;

/// `1/√(2π)`.
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// A link function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Link {
    /// `ln(μ/(1 − μ))`, the binomial family's canonical link.
    Logit,
    /// `Φ⁻¹(μ)`, the standard normal quantile.
    Probit,
    /// `ln(−ln(1 − μ))`, complementary log-log.
    Cloglog,
    /// `ln μ`, the Poisson family's canonical link.
    Log,
    /// `μ`, the Gaussian family's canonical link.
    Identity,
    /// `1/μ`, the Gamma family's canonical link.
    Inverse,
}

/// The mean at `η` with its first two derivatives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mean {
    /// `μ`.
    pub mu: f64,
    /// `ln μ`, exactly `η` for the log link.
    pub log_mu: f64,
    /// `dμ/dη`.
    pub d1: f64,
    /// `d²μ/dη²`.
    pub d2: f64,
}

impl Link {
    /// Every link, in the order of the table above.
    pub const ALL: [Link; 6] = [
        Link::Logit,
        Link::Probit,
        Link::Cloglog,
        Link::Log,
        Link::Identity,
        Link::Inverse,
    ];

    /// The link's name.
    pub fn name(self) -> &'static str {
        match self {
            Link::Logit => "logit",
            Link::Probit => "probit",
            Link::Cloglog => "cloglog",
            Link::Log => "log",
            Link::Identity => "identity",
            Link::Inverse => "inverse",
        }
    }

    /// The link called `name`.
    pub fn parse(name: &str) -> Option<Link> {
        let name = name.trim().to_ascii_lowercase();
        Link::ALL.into_iter().find(|l| l.name() == name)
    }

    /// `μ = g⁻¹(η)` with its derivatives.
    #[inline]
    pub fn mean(self, eta: f64) -> Mean {
        match self {
            Link::Logit => {
                let e = (-eta.abs()).exp();
                let r = 1.0 / (1.0 + e);
                let mu = if eta >= 0.0 { r } else { e * r };
                let d1 = e * r * r;
                Mean {
                    mu,
                    log_mu: mu.ln(),
                    d1,
                    d2: d1 * (1.0 - 2.0 * mu),
                }
            }
            Link::Probit => {
                let phi = FRAC_1_SQRT_2PI * (-0.5 * eta * eta).exp();
                let mu = 0.5 * libm::erfc(-eta * FRAC_1_SQRT_2);
                Mean {
                    mu,
                    log_mu: mu.ln(),
                    d1: phi,
                    d2: -eta * phi,
                }
            }
            Link::Cloglog => {
                let t = eta.exp();
                let mu = -(-t).exp_m1();
                let d1 = (eta - t).exp();
                Mean {
                    mu,
                    log_mu: mu.ln(),
                    d1,
                    d2: d1 * (1.0 - t),
                }
            }
            Link::Log => {
                let mu = eta.exp();
                Mean {
                    mu,
                    log_mu: eta,
                    d1: mu,
                    d2: mu,
                }
            }
            Link::Identity => Mean {
                mu: eta,
                log_mu: eta.ln(),
                d1: 1.0,
                d2: 0.0,
            },
            Link::Inverse => {
                let mu = 1.0 / eta;
                Mean {
                    mu,
                    log_mu: mu.ln(),
                    d1: -mu * mu,
                    d2: 2.0 * mu * mu * mu,
                }
            }
        }
    }

    /// The log-odds `ln(μ/(1 − μ))` of the mean at `η`, without rounding `μ` to 0 or 1 for
    /// the binary links (`η` itself for the logit link).
    pub fn log_odds(self, eta: f64) -> f64 {
        match self {
            Link::Logit => eta,
            Link::Probit => log_ndtr(eta) - log_ndtr(-eta),
            Link::Cloglog => {
                // ln(1 − μ) = −e^η
                let t = eta.exp();
                let q = -(-t).exp_m1();
                q.ln() + t
            }
            other => {
                let mu = other.mean(eta).mu;
                (mu / (1.0 - mu)).ln()
            }
        }
    }

    /// `η = g(μ)`.
    pub fn link(self, mu: f64) -> f64 {
        match self {
            Link::Logit => (mu / (1.0 - mu)).ln(),
            Link::Probit => normal_quantile(mu),
            Link::Cloglog => (-(-mu).ln_1p()).ln(),
            Link::Log => mu.ln(),
            Link::Identity => mu,
            Link::Inverse => 1.0 / mu,
        }
    }

    /// `μ = g⁻¹(η)` as a tensor expression.
    pub fn mean_tensor(self, eta: Tensor<1>) -> Tensor<1> {
        match self {
            Link::Logit => burn::tensor::activation::sigmoid(eta),
            Link::Probit => ((eta * FRAC_1_SQRT_2).erf() + 1.0) * 0.5,
            Link::Cloglog => (eta.exp().neg().exp()).neg() + 1.0,
            Link::Log => eta.exp(),
            Link::Identity => eta,
            Link::Inverse => eta.recip(),
        }
    }

    /// `ln μ` as a tensor expression (`η` itself for the log link).
    pub fn log_mean_tensor(self, eta: Tensor<1>) -> Tensor<1> {
        match self {
            Link::Log => eta,
            Link::Logit => burn::tensor::activation::log_sigmoid(eta),
            other => other.mean_tensor(eta).log(),
        }
    }
}

impl std::fmt::Display for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each link's derivatives against central differences of its mean, and `g(g⁻¹(η)) = η`.
    #[test]
    fn derivatives_and_inverses() {
        for link in Link::ALL {
            for eta in [-2.5f64, -0.7, 0.3, 1.9] {
                let eta = if link == Link::Inverse || link == Link::Identity {
                    eta.abs() + 0.5
                } else {
                    eta
                };
                let m = link.mean(eta);
                let h = 1e-5;
                let (lo, hi) = (link.mean(eta - h), link.mean(eta + h));
                let d1 = (hi.mu - lo.mu) / (2.0 * h);
                let d2 = (hi.d1 - lo.d1) / (2.0 * h);
                assert!((m.d1 - d1).abs() < 1e-8 * d1.abs().max(1.0), "{link} {eta}");
                assert!((m.d2 - d2).abs() < 1e-7 * d2.abs().max(1.0), "{link} {eta}");
                assert!((link.link(m.mu) - eta).abs() < 1e-12 * eta.abs().max(1.0));
                assert!((m.log_mu - m.mu.ln()).abs() < 1e-15 * m.mu.ln().abs().max(1.0));
                assert_eq!(Link::parse(link.name()), Some(link));
            }
        }
    }
}
