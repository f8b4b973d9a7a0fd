//! # mle — maximum likelihood estimation with automatic differentiation
//!
//! Statistical models are declared as log-likelihood expressions over [burn] tensors
//! ([`model::Model`]); one generic maximizer ([`fit`]) finds their maximum with exact autodiff
//! gradients, and every fit ends in inference: standard errors from the observed information,
//! z and p values, confidence intervals, log-likelihood, AIC/BIC, likelihood-ratio tests and an
//! honest convergence report ([`FitResult`]).
//!
//! The house, in the order data flows through it:
//! [`data`] → [`model`] (log-likelihood) → [`optim`] (maximizer) → [`inference`] (results and
//! report). [`closed_form`] holds OLS and the binomial proportion beside their iterative fits;
//! [`odds`] the probability/odds/log-odds algebra; [`backend`] all burn glue.
//!
//! ```
//! use mle::data::Design;
//! use mle::model::Logistic;
//! use mle::{fit, FitOptions};
//!
//! let x = Design::from_columns(&["dose"], &[vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]], true)?;
//! let y = [0.0, 0.0, 1.0, 0.0, 1.0, 1.0];
//! let result = fit(&Logistic::new(&x, &y)?, &FitOptions::default())?;
//! assert!(result.convergence.converged);
//! assert_eq!(result.params[1].name, "dose");
//! println!("{result}"); // a statsmodels-style summary table
//! # Ok::<(), mle::MleError>(())
//! ```

pub mod ad;
mod alloc;
pub mod backend;
pub mod closed_form;
pub mod data;
pub mod dist;
mod error;
mod fit;
pub mod inference;
mod linalg;
pub mod model;
pub mod odds;
pub mod optim;
pub mod output;
pub mod persist;
pub mod plot;
pub mod profile;
pub mod simulate;

pub use error::{MleError, Result};
pub use fit::{build_and_fit, fit, fit_frame, fit_frame_keeping_model, fit_observed};
pub use inference::{FitResult, ParamEstimate, lr_test};
/// The linear algebra of the public API (covariance matrices, Hessians), re-exported so that a
/// user needs no dependency of their own to read them.
pub use nalgebra;
pub use optim::{Convergence, FitOptions, Optimizer, StopReason};

/// The README's Rust examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
