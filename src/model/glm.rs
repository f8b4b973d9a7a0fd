//! Generalized linear models by maximum likelihood: a [`Family`] with a [`Link`] on a design,
//! a response (with trials for the binomial family), an optional offset and optional frequency
//! weights, as one [`Model`].
//!
//! `ηᵢ = oᵢ + xᵢβ`, `μᵢ = g⁻¹(ηᵢ)`, `ℓ(β, a) = Σᵢ ℓᵢ(yᵢ; μᵢ, a)` with `a` the family's auxiliary
//! parameter if it has one (`Σᵢ wᵢ ℓᵢ` with frequency weights `wᵢ`). The log-likelihood is the family's tensor expression (what autodiff
//! differentiates); [`Model::evaluate`] answers in one pass over the rows from the family's
//! per-row derivatives ([`pass`]), the tests holding the two to each other.

use std::sync::{Arc, OnceLock};

use nalgebra::DMatrix;

use super::evaluation::{Evaluation, Want};
use super::family::{Aux, Family, RowTensors, Start};
use super::glm_start::{StartData, coefficient_start};
use super::link::Link;
use super::pass::{Known, pass_leaving};
use super::{Model, NullModel, Param, Role, Separation};
use crate::backend::{self, Device, Tensor};
use crate::data::{Design, shortest};
use crate::error::{MleError, Result};
use crate::linalg::{dot, gram, linear_predictor, weighted_gram};

pub use response::Response;

#[path = "glm_response.rs"]
mod response;

/// The data as tensors, made on first use by the autodiff path only.
#[derive(Debug, Clone)]
struct Tensors {
    x: Tensor<2>,
    rows: RowTensors,
    offset: Option<Tensor<1>>,
    constant: Option<Tensor<1>>,
    weights: Option<Tensor<1>>,
}

/// A generalized linear model fitted by maximum likelihood.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::{Glm, Link, Poisson, Response};
/// use mle::{fit, FitOptions};
/// // counts 2, 4 at x = 0 and 8, 16 at x = 1: a saturated model of the two group means,
/// // so β₀ = ln 3 and β₁ = ln 12 − ln 3 = ln 4 (closed form)
/// let x = Design::from_columns(&["x"], &[vec![0.0, 0.0, 1.0, 1.0]], true)?;
/// let model = Glm::new(Poisson, Link::Log, &x, Response::new(&[2.0, 4.0, 8.0, 16.0]))?;
/// let r = fit(&model, &FitOptions::default())?;
/// assert!((r.params[0].estimate - 3f64.ln()).abs() < 1e-9);
/// assert!((r.params[1].estimate - 4f64.ln()).abs() < 1e-9);
/// # Ok::<(), mle::MleError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Glm<F: Family> {
    family: F,
    link: Link,
    name: String,
    names: Vec<String>,
    intercept: bool,
    /// The design, row-major, shared with the caller's [`Design`].
    x: Arc<crate::data::Store>,
    y: Vec<f64>,
    trials: Option<Vec<f64>>,
    offset: Option<Vec<f64>>,
    /// Frequency weights, and the observations they stand for (`Σwᵢ`, else the rows).
    weights: Option<Vec<f64>>,
    n_obs: usize,
    /// The rows' constant terms, when not all zero, and their (weighted) sum.
    constant: Option<Vec<f64>>,
    constant_total: f64,
    /// The rows' `cᵢ` of `a·cᵢ` ([`Family::aux_weight`]), when not all zero, and their
    /// (weighted) sum.
    aux_weight: Option<Vec<f64>>,
    aux_weight_total: f64,
    /// `XᵀX` (`XᵀWX` with weights), for families whose curvature in `η` is the same in every
    /// row.
    gram: Option<DMatrix<f64>>,
    start: Start,
    /// The coefficients' start by one reweighted least-squares step (`glm_start`), if any.
    coefficients_start: Option<Vec<f64>>,
    tensors: OnceLock<Tensors>,
    device: Device,
}

impl<F: Family> Glm<F> {
    /// The trials of each row: the binomial family's, or one per row.
    fn trials_or_ones(&self) -> std::borrow::Cow<'_, [f64]> {
        match &self.trials {
            Some(m) => std::borrow::Cow::Borrowed(m.as_slice()),
            None => std::borrow::Cow::Owned(vec![1.0; self.y.len()]),
        }
    }

    /// The model of `response` on `design` with `family` and `link`, on the default device.
    ///
    /// # Errors
    /// As [`Glm::on`].
    pub fn new(family: F, link: Link, design: &Design, response: Response<'_>) -> Result<Self> {
        Self::on(family, link, design, response, &backend::default_device()?)
    }

    /// As [`Glm::new`], on a chosen device.
    ///
    /// # Errors
    /// [`MleError::Model`] naming the row when a response (or trial count, or offset) is not
    /// one the family can have, when the lengths disagree with the design, when the family
    /// does not take `link`, or when the data cannot have a maximum (one class only, all zero
    /// counts, a constant Gaussian response); [`MleError::Collinear`] when columns of the design
    /// are linear combinations of earlier ones ([`Design::without_aliased`] drops them);
    /// [`MleError::Numerical`] when the data's scale overflows double precision.
    pub fn on(
        family: F,
        link: Link,
        design: &Design,
        response: Response<'_>,
        device: &Device,
    ) -> Result<Self> {
        let name = family.name();
        let error = |message: String| MleError::Model {
            model: name.into(),
            message,
        };
        if !family.links().contains(&link) {
            let links: Vec<&str> = family.links().iter().map(|l| l.name()).collect();
            return Err(error(format!(
                "the {name} family takes the link {}, not {link}",
                links.join(", ")
            )));
        }
        let n = design.n_rows();
        let lengths = [
            Some(response.y.len()),
            response.trials.map(<[f64]>::len),
            response.offset.map(<[f64]>::len),
            response.weights.map(<[f64]>::len),
        ];
        if let Some(len) = lengths.into_iter().flatten().find(|&l| l != n) {
            return Err(error(format!("{len} values for {n} design rows")));
        }
        if response.trials.is_some() && !family.has_trials() {
            return Err(error(format!("the {name} family takes no trials")));
        }
        let trial = |i: usize| response.trials.map_or(1.0, |m| m[i]);
        for (i, &y) in response.y.iter().enumerate() {
            family
                .check(y, trial(i))
                .map_err(|m| error(format!("row {}: {m}", i + 1)))?;
        }
        if let Some(i) = response
            .offset
            .and_then(|o| o.iter().position(|v| !v.is_finite()))
        {
            let value = response.offset.map_or(0.0, |o| o[i]);
            return Err(error(format!(
                "row {}: offset {} is not finite",
                i + 1,
                shortest(value)
            )));
        }
        if let Some(w) = response.weights {
            check_weights(w).map_err(error)?;
        }
        let weight = |i: usize| response.weights.map_or(1.0, |w| w[i]);
        let ones;
        let trials_or_ones = match response.trials {
            Some(m) => m,
            None => {
                ones = vec![1.0; n];
                &ones
            }
        };
        if let Some(m) = family.degenerate(response.y, trials_or_ones) {
            return Err(error(m));
        }
        let start = family.start(response.y, trials_or_ones);
        let (constant, constant_total) =
            row_values(n, |i| family.constant(response.y[i], trial(i)), weight);
        let (aux_weight, aux_weight_total) =
            row_values(n, |i| family.aux_weight(response.y[i], trial(i)), weight);
        let x = design.shared_values();
        let p = design.n_cols();
        let gram = family.constant_curvature(link).then(|| {
            x.windows(p, |start, xw| {
                let rows = start..start + xw.len() / p;
                match response.weights {
                    Some(w) => weighted_gram(xw, p, &w[rows]),
                    None => gram(xw, p),
                }
            })
            .into_iter()
            .fold(DMatrix::zeros(p, p), |a, b| a + b)
        });
        let finite = start.mean.is_finite()
            && start.aux.is_finite()
            && gram
                .as_ref()
                .is_none_or(|g| g.iter().all(|v| v.is_finite()));
        if !finite {
            let largest = x
                .iter()
                .chain(response.y)
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            return Err(MleError::Numerical(format!(
                "{name}: sums of squares overflow double precision (the largest |value| in the \
                 data is {largest:e}; they overflow beyond about 1e154): rescale the columns, \
                 for example to other units"
            )));
        }
        if let (Some(g), None) = (&gram, response.weights) {
            // XᵀX is formed already: the rank needs no pass of its own
            design.check_rank_given(g)?;
        }
        let started = coefficient_start(
            &family,
            link,
            &StartData {
                x: &x,
                p: design.n_cols(),
                y: response.y,
                trials: response.trials,
                offset: response.offset,
                aux: start.aux,
                intercept: design
                    .names()
                    .iter()
                    .position(|n| n == crate::data::INTERCEPT),
            },
            start,
        );
        if started.full_rank {
            design.proved_full_rank();
        }
        // the rank decided before any fit: by the start's XᵀWX, by XᵀX, or by a pass of its own
        design.check_rank()?;
        let (coefficients_start, start) = (started.beta, started.start);
        // the start's pass over a spilled design is done: its pages go back
        x.release_all();
        Ok(Self {
            family,
            link,
            name: name.to_string(),
            names: design.names().to_vec(),
            intercept: design.has_intercept(),
            x,
            y: response.y.to_vec(),
            trials: response.trials.map(<[f64]>::to_vec),
            offset: response.offset.map(<[f64]>::to_vec),
            weights: response.weights.map(<[f64]>::to_vec),
            n_obs: crate::data::observations(n, response.weights),
            constant,
            constant_total,
            aux_weight,
            aux_weight_total,
            gram,
            start,
            coefficients_start,
            tensors: OnceLock::new(),
            device: device.clone(),
        })
    }

    /// The same model under another name (`logistic` for a Bernoulli response with the logit
    /// link), as results and saved models show it.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The family.
    pub fn family(&self) -> &F {
        &self.family
    }

    /// The link.
    pub fn link(&self) -> Link {
        self.link
    }

    /// The number of coefficients (the design's columns).
    fn p(&self) -> usize {
        self.names.len()
    }

    /// The auxiliary parameter in `theta` (after the coefficients), as the family's rows take
    /// it and as a number (NaN for a family without one).
    fn aux_at(&self, theta: &[f64]) -> (Aux, f64) {
        if self.family.aux().is_some() {
            let a = theta[self.p()];
            (Aux::new(a), a)
        } else {
            (Aux::none(), f64::NAN)
        }
    }

    /// The link.
    pub(crate) fn link_fn(&self) -> Link {
        self.link
    }

    /// The design, row-major.
    pub(crate) fn design_values(&self) -> &[f64] {
        &self.x
    }

    /// The frequency weights, when given.
    pub(crate) fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// The trials of a binomial response, when given.
    pub(crate) fn trials(&self) -> Option<&[f64]> {
        self.trials.as_deref()
    }

    /// The linear predictor `η = o + Xβ` on the training rows.
    pub fn linear_predictor(&self, beta: &[f64]) -> Vec<f64> {
        let p = self.p();
        let mut eta = self
            .x
            .windows(p, |_, xw| linear_predictor(xw, p, beta))
            .concat();
        if let Some(o) = &self.offset {
            eta.iter_mut().zip(o).for_each(|(e, o)| *e += o);
        }
        eta
    }

    /// Predicted means `g⁻¹(o + xβ)` for the rows of `x` (same columns as the design) with an
    /// optional offset; `theta` may include the auxiliary parameter, which is not used.
    pub fn predict(&self, theta: &[f64], x: &Design, offset: Option<&[f64]>) -> Vec<f64> {
        predict(self.link, x, &theta[..self.p()], offset)
    }

    fn tensors(&self) -> &Tensors {
        self.tensors.get_or_init(|| {
            let d = &self.device;
            let n = self.y.len();
            Tensors {
                x: backend::matrix(self.x.to_vec(), n, self.p(), d),
                rows: RowTensors {
                    y: backend::vector(&self.y, d),
                    trials: self
                        .trials
                        .as_ref()
                        .filter(|m| m.iter().any(|&m| m != 1.0))
                        .map(|m| backend::vector(m, d)),
                },
                offset: self.offset.as_ref().map(|o| backend::vector(o, d)),
                constant: self.constant.as_ref().map(|c| backend::vector(c, d)),
                weights: self.weights.as_ref().map(|w| backend::vector(w, d)),
            }
        })
    }
}

/// The values `f(i)` of the rows `0..n` and their sum weighted by `w(i)`; no values (nothing
/// allocated) if all 0.
fn row_values(
    n: usize,
    f: impl Fn(usize) -> f64,
    w: impl Fn(usize) -> f64,
) -> (Option<Vec<f64>>, f64) {
    if (0..n).all(|i| f(i) == 0.0) {
        return (None, 0.0);
    }
    let values: Vec<f64> = (0..n).map(f).collect();
    let total = values.iter().enumerate().map(|(i, v)| w(i) * v).sum();
    (Some(values), total)
}

/// What is wrong with frequency weights, if anything: each must be a whole number ≥ 1.
pub(crate) fn check_weights(w: &[f64]) -> std::result::Result<(), String> {
    match w.iter().position(|&w| !crate::data::is_frequency_weight(w)) {
        None => Ok(()),
        Some(i) if w[i] == 0.0 => Err(format!(
            "row {}: frequency weight 0 (leave the row out; the command line does)",
            i + 1
        )),
        Some(i) => Err(format!(
            "row {}: frequency weight {} is not a whole number of observations (≥ 1)",
            i + 1,
            shortest(w[i])
        )),
    }
}

/// Means `g⁻¹(o + xβ)` for the rows of `x` with link `link`.
pub(crate) fn predict(link: Link, x: &Design, beta: &[f64], offset: Option<&[f64]>) -> Vec<f64> {
    let mut eta = x.linear_predictor(beta);
    if let Some(o) = offset {
        eta.iter_mut().zip(o).for_each(|(e, o)| *e += o);
    }
    eta.into_iter().map(|e| link.mean(e).mu).collect()
}

impl<F: Family> Model for Glm<F> {
    fn name(&self) -> &str {
        &self.name
    }

    /// The coefficients, from one reweighted least-squares step where the family proposes
    /// per-row means (R's `mustart`), else 0 but the intercept at the link of the mean response
    /// less the mean offset (the null maximum without offset); then the auxiliary parameter.
    fn params(&self) -> Vec<Param> {
        let mut params = Param::linear(&self.names);
        match &self.coefficients_start {
            Some(beta) => {
                for (param, &b) in params.iter_mut().zip(beta) {
                    param.start = b;
                }
            }
            None => {
                let mean_offset = self
                    .offset
                    .as_ref()
                    .map_or(0.0, |o| o.iter().sum::<f64>() / o.len() as f64);
                let intercept = self.link.link(self.start.mean) - mean_offset;
                for param in &mut params {
                    if param.role == Role::Intercept && intercept.is_finite() {
                        param.start = intercept;
                    }
                }
            }
        }
        if let Some(aux) = self.family.aux() {
            params.push(Param::positive(aux, self.start.aux));
        }
        params
    }

    fn n_obs(&self) -> usize {
        self.n_obs
    }

    fn frequency_weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    fn device(&self) -> &Device {
        &self.device
    }

    fn loglike_obs(&self, theta: Tensor<1>) -> Tensor<1> {
        let t = self.tensors();
        let p = self.p();
        let beta = theta.clone().narrow(0, 0, p);
        let aux = self.family.aux().map(|_| theta.narrow(0, p, 1));
        let eta = backend::linear_predictor(&t.x, beta);
        let eta = match &t.offset {
            Some(o) => eta + o.clone(),
            None => eta,
        };
        let ll = self.family.loglike(self.link, &t.rows, eta, aux);
        let ll = match &t.constant {
            Some(c) => ll + c.clone(),
            None => ll,
        };
        match &t.weights {
            Some(w) => ll * w.clone(),
            None => ll,
        }
    }

    /// One pass over the rows with the family's row terms; for families of constant curvature
    /// (Gaussian) `Xᵀ diag(ℓ'') X` is `ℓ''·XᵀX` from the `XᵀX` formed once.
    fn evaluate(&self, theta: &[f64], want: Want) -> Option<Evaluation> {
        let p = self.p();
        let has_aux = self.family.aux().is_some();
        let (aux, a) = self.aux_at(theta);
        let (y, family, link) = (&self.y, &self.family, self.link);
        let offset = self.offset.as_deref();
        let trials = self.trials.as_deref();
        let unweighted = |i: usize, eta: f64| {
            let eta = offset.map_or(eta, |o| eta + o[i]);
            family.row(link, y[i], trials.map_or(1.0, |m| m[i]), eta, &aux)
        };
        let weights = self.weights.as_deref();
        let row = |i: usize, eta: f64| match weights {
            Some(w) => unweighted(i, eta).weighted(w[i]),
            None => unweighted(i, eta),
        };
        let beta = &theta[..p];
        // blocks of the Hessian known without summing them: a curvature the same in every row
        // times XᵀX, cross derivatives a multiple of the gradient
        let cross = has_aux
            .then(|| family.cross_from_gradient(link, a))
            .flatten();
        let known = Known {
            xwx: self.gram.is_some(),
            cross: cross.is_some(),
        };
        // one window of rows in memory, window after window from a spilled design
        let mut e = self
            .x
            .windows(p, |start, xw| {
                let row = |i: usize, eta: f64| row(start + i, eta);
                pass_leaving(xw, p, beta, has_aux, known, want, row)
            })
            .into_iter()
            .reduce(Evaluation::merge)
            .expect("a design has rows");
        if let Some(h) = &mut e.hessian {
            if let Some(g) = &self.gram {
                // the curvature of one observation; the weights are in XᵀWX
                let d2 = unweighted(0, dot(&self.x[..p], beta)).d2;
                h.view_mut((0, 0), (p, p)).copy_from(&(g * d2));
            }
            if let (Some(c), Some(gradient)) = (cross, &e.gradient) {
                for j in 0..p {
                    h[(j, p)] = c * gradient[j];
                    h[(p, j)] = c * gradient[j];
                }
            }
        }
        e.value += self.constant_total;
        if let Some(c) = &self.aux_weight {
            // a·Σcᵢ, left out of the rows
            e.value += a * self.aux_weight_total;
            if let Some(g) = &mut e.gradient {
                g[p] += self.aux_weight_total;
            }
            if let Some(s) = &mut e.scores {
                for (i, c) in c.iter().enumerate() {
                    s.values[i * (p + 1) + p] += weights.map_or(1.0, |w| w[i]) * c;
                }
            }
        }
        Some(e)
    }

    fn closed_form(&self) -> Want {
        Want {
            gradient: true,
            hessian: true,
            scores: true,
        }
    }

    fn link(&self) -> Option<Link> {
        Some(self.link)
    }

    fn null_model(&self) -> Option<NullModel> {
        if !self.intercept || self.offset.is_some() {
            return None;
        }
        let trials = self.trials_or_ones();
        let trials = trials.as_ref();
        let ll = self.family.null_log_likelihood(
            &self.y,
            trials,
            self.weights.as_deref(),
            self.constant_total,
        )?;
        Some(NullModel {
            log_likelihood: ll,
            n_params: 1 + usize::from(self.family.aux().is_some()),
        })
    }

    fn meat(
        &self,
        theta: &[f64],
        rows: super::MeatRows,
        covariance: &DMatrix<f64>,
    ) -> Option<DMatrix<f64>> {
        self.score_meat(theta, rows, covariance)
    }

    fn leverages(&self, theta: &[f64]) -> Option<Vec<f64>> {
        let p = self.p();
        let (_, aux) = self.aux_at(theta);
        // the information sums over every observation; each of a row's copies has the leverage
        // of one observation, the row's own
        let inverse = self.fisher_information(theta)?.cholesky()?.inverse();
        let trials = self.trials.as_deref();
        let eta = self.linear_predictor(&theta[..p]);
        let w = (0..eta.len())
            .map(|i| {
                let m = trials.map_or(1.0, |m| m[i]);
                self.family.fisher_weight(self.link, eta[i], m, aux)
            })
            .collect::<Option<Vec<f64>>>()?;
        let h = self.x.windows(p, |start, xw| {
            crate::linalg::leverages(xw, p, &w[start..start + xw.len() / p], &inverse)
        });
        Some(h.concat())
    }

    fn separation(
        &self,
        theta: &[f64],
        free: &[usize],
        gradient: &[f64],
        information: &DMatrix<f64>,
    ) -> std::result::Result<Option<Separation>, String> {
        self.find_separation(theta, free, gradient, information)
    }
}

#[path = "glm_meat.rs"]
mod meat;
#[path = "glm_separation.rs"]
mod separation;

#[cfg(test)]
#[path = "glm_tests.rs"]
mod tests;
