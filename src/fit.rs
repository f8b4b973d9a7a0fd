//! `fit`: model → objective → maximizer → Hessian → checks → inference → [`FitResult`].

use std::time::Instant;

use crate::data::ModelFrame;
use crate::error::{MleError, Result};
use crate::inference::{
    FitResult, HessianMethod, LastIterate, ParamEstimate, Wald, boundary, chi2_sf, covariance,
    robust_covariance, wald,
};
use crate::model::{Fixed, Link, Model, ModelKind};
use crate::optim::{
    Convergence, CovType, FitOptions, Objective, Observer, StopReason, maximize, newton_step_in_se,
    norm, settle,
};

/// Fits `model` by maximum likelihood and computes inference at the estimate.
///
/// Every result says whether it converged and why it stopped; a fit whose maximum does not exist
/// (separation) or was not reached is returned with `converged = false` and the reason, not as an
/// error: use [`FitResult::ensure_converged`] to turn that into one.
///
/// # Errors
/// Invalid options or starting values, two parameters with one name, a log-likelihood that is
/// not finite at the start, or an internal optimizer failure.
pub fn fit<M: Model + ?Sized>(model: &M, options: &FitOptions) -> Result<FitResult> {
    fit_observed(model, options, &mut ())
}

/// Builds a model with `build` and fits it as [`fit_observed`] does; the reported wall time
/// covers the building too (the Gaussian model forms `XᵀX` there), as the time of a fit from
/// data in memory should.
///
/// # Errors
/// Those of `build`, and as [`fit`].
pub fn build_and_fit<M: Model + ?Sized>(
    build: impl FnOnce() -> Result<Box<M>>,
    options: &FitOptions,
    observer: &mut dyn Observer,
) -> Result<FitResult> {
    build_fit_keep(build, options, observer).map(|(_, result)| result)
}

/// As [`build_and_fit`], keeping the model for what follows the fit (profiles, refits).
fn build_fit_keep<M: Model + ?Sized>(
    build: impl FnOnce() -> Result<Box<M>>,
    options: &FitOptions,
    observer: &mut dyn Observer,
) -> Result<(Box<M>, FitResult)> {
    let clock = Instant::now();
    let model = build()?;
    let mut result = fit_observed(&*model, options, observer)?;
    result.convergence.wall_time_s = clock.elapsed().as_secs_f64();
    Ok((model, result))
}

/// Fits the built-in model `kind` with `link` to `frame` (what `mle fit` does): the model is
/// built on the default device and fitted as [`build_and_fit`] fits it.
///
/// # Errors
/// Those of [`ModelKind::build`] (data the model cannot use, named by row), and as [`fit`].
pub fn fit_frame(
    kind: ModelKind,
    frame: &ModelFrame,
    link: Link,
    options: &FitOptions,
    observer: &mut dyn Observer,
) -> Result<FitResult> {
    fit_frame_keeping_model(kind, frame, link, options, observer).map(|(_, result)| result)
}

/// As [`fit_frame`], returning the model too, so that profile intervals or restricted refits
/// ([`fit`] with fixed parameters) use it instead of building it again from the frame.
///
/// # Errors
/// As [`fit_frame`].
pub fn fit_frame_keeping_model(
    kind: ModelKind,
    frame: &ModelFrame,
    link: Link,
    options: &FitOptions,
    observer: &mut dyn Observer,
) -> Result<(Box<dyn Model>, FitResult)> {
    let device = crate::backend::default_device()?;
    if options.get_firth() {
        return build_fit_keep(|| kind.build_firth(frame, link, &device), options, observer);
    }
    build_fit_keep(|| kind.build(frame, link, &device), options, observer)
}

/// As [`fit`], reporting every iteration to `observer`.
///
/// # Errors
/// As [`fit`].
pub fn fit_observed<M: Model + ?Sized>(
    model: &M,
    options: &FitOptions,
    observer: &mut dyn Observer,
) -> Result<FitResult> {
    let clock = Instant::now();
    options.check()?;
    crate::backend::ensure_f64(model.device())?;
    check_penalty(model, options)?;
    if !options.fixed().is_empty() {
        return fit_restricted(model, options, observer);
    }
    let params = model.params();
    let names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    if let Some(i) = (1..names.len()).find(|&i| names[..i].contains(&names[i])) {
        return Err(MleError::Model {
            model: model.name().to_string(),
            message: format!(
                "two parameters are named '{}' (a column named like one of the model's own \
                 parameters?): rename the column",
                names[i]
            ),
        });
    }
    let u0 = unconstrained_start(&params, options)?;
    let options = &options.settled(model.closed_form().hessian);
    // the line-search methods ask for the gradient wherever they ask for a value: evaluate the
    // two together; Newton's method asks for exactly what it needs
    let eager = options.chosen() != crate::optim::Optimizer::Newton;
    let objective = Objective::new(model, options.l2, eager).closed_form(options.closed_form);
    let f0 = objective.start_value(&u0, !eager);
    if !f0.is_finite() {
        return Err(MleError::NonFiniteStart { value: f0 });
    }
    let optimum = maximize(&objective, u0.clone(), options, observer)?;
    // the Hessian at the estimate, on the unconstrained scale, where one more Newton step is
    // negligible
    let (optimum, h) = settle(&objective, optimum, options, observer)?;
    let polish_steps = optimum.polish_steps;
    let optimum_relative_gradient = optimum.relative_gradient();
    let u = optimum.u;
    let theta = objective.natural(&u);
    let constraints = objective.constraints().to_vec();
    let mut reason = optimum.reason;
    let mut warnings = Vec::new();

    // the covariance
    let hessian_method = objective
        .hessian_method()
        .unwrap_or(HessianMethod::GradientDifferences);
    let info = -h;
    let cov_u = covariance(&info, &names);

    // separation: only for unpenalized fits (a penalty makes the maximum exist)
    let g_final = optimum.gradient;
    let mut separation = None;
    // (not after the iteration limit: the fit is reported as not converged, and a linear
    // program over every row is not spent on an iterate that was cut short)
    if !options.existence_known
        && options.l2.is_none_or(|l| l == 0.0)
        && reason != StopReason::MaxIterations
    {
        let all: Vec<usize> = (0..theta.len()).collect();
        match model.separation(&theta, &all, &g_final, &info) {
            Ok(Some(s)) => {
                reason = StopReason::Separation;
                warnings.push(s.explain());
                separation = Some(s);
            }
            Ok(None) => {}
            Err(e) => warnings.push(format!("whether the maximum exists is not known: {e}")),
        }
    }
    // a constrained parameter whose maximum is on the boundary of its range
    let on_boundary = if separation.is_none() {
        let diagonal: Vec<f64> = (0..u.len()).map(|j| info[(j, j)]).collect();
        let last = LastIterate {
            start: &u0,
            u: &u,
            g_u: &g_final,
            info_u: &diagonal,
            converged: reason.is_converged(),
        };
        boundary(&names, &constraints, last)
    } else {
        None
    };
    if let Some(b) = &on_boundary {
        reason = StopReason::Boundary;
        warnings.push(b.explain());
    }
    let converged = reason.is_converged();
    if !converged && separation.is_none() && on_boundary.is_none() {
        warnings.push(format!("not converged: {}", reason.describe()));
    }

    let level = options.level;
    let not_estimated = separation.is_some() || on_boundary.is_some();
    let identified = match (&cov_u, not_estimated) {
        (Ok(c), false) => Some(c),
        (Err(e), false) => {
            warnings.push(e.explain());
            None
        }
        (_, true) => None,
    };
    let not_identified = cov_u.as_ref().err().filter(|_| !not_estimated).cloned();
    // the covariance asked for (model-based, or a sandwich from the per-observation scores)
    let (chosen, n_clusters) = match identified {
        Some(c) => {
            let (v, g) = robust_covariance(model, &theta, &u, &constraints, c, options)?;
            (Some(v), g)
        }
        None => (None, Vec::new()),
    };
    let Wald {
        params: estimates,
        covariance: cov_natural,
    } = wald(&names, &constraints, &u, chosen.as_ref(), level);

    let penalized = options.l2.is_some_and(|l| l > 0.0);
    // the maximizer's objective is the log-likelihood itself unless a penalty was subtracted
    let ll = if penalized {
        crate::backend::value(&|t| model.loglike(t), &theta, model.device())
    } else {
        optimum.value
    };
    let k = params.len() as f64;
    let n = model.n_obs() as f64;
    // no likelihood-ratio test for penalized fits, nor where the maximum does not exist
    let null = model.null_model().filter(|_| !penalized && !not_estimated);
    let llr = null.map(|m| 2.0 * (ll - m.log_likelihood));
    let llr_df = null.map(|m| k - m.n_params as f64);
    let counts = objective.counts();
    // how far one more Newton step would move each parameter, in standard errors
    let step_in_se = cov_u
        .as_ref()
        .ok()
        .filter(|_| !not_estimated)
        .map(|c| newton_step_in_se(c, &g_final));
    Ok(FitResult {
        model: model.name().to_string(),
        link: model.link().map(|l| l.to_string()),
        n_obs: model.n_obs(),
        n_dropped: 0,
        spill_bytes: None,
        convergence: Convergence {
            converged,
            reason,
            optimizer: options.chosen().name().to_string(),
            iterations: optimum.iterations,
            function_evals: counts.values,
            gradient_evals: counts.gradients,
            hessian_evals: counts.hessians,
            gradient_norm: norm(&g_final),
            relative_gradient: optimum_relative_gradient,
            newton_step_in_se: step_in_se,
            newton_polish_steps: polish_steps,
            wall_time_s: clock.elapsed().as_secs_f64(),
        },
        params: estimates,
        log_likelihood: ll,
        aic: -2.0 * ll + 2.0 * k,
        bic: -2.0 * ll + k * n.ln(),
        log_likelihood_null: null.map(|m| m.log_likelihood),
        llr,
        llr_df,
        llr_p_value: llr
            .zip(llr_df)
            .filter(|(_, df)| *df > 0.0)
            .map(|(s, df)| chi2_sf(s.max(0.0), df)),
        pseudo_r2: null.map(|m| 1.0 - ll / m.log_likelihood),
        level,
        gradient_method: objective.gradient_method(),
        hessian_method,
        l2_penalty: options.l2.filter(|l| *l > 0.0),
        penalty: model.penalized().map(str::to_string),
        covariance: cov_natural
            .map(|m| m.row_iter().map(|r| r.iter().copied().collect()).collect()),
        cov_type: options
            .get_cov_type()
            .name(!options.get_clusters().is_empty())
            .to_string(),
        n_clusters: n_clusters.iter().min().copied(),
        n_clusters_each: if n_clusters.len() > 1 {
            n_clusters
        } else {
            Vec::new()
        },
        ci_method: "wald".into(),
        profile_refits: None,
        not_identified,
        aliased: Vec::new(),
        separation,
        boundary: on_boundary,
        warnings,
    })
}

/// What a penalized model ([`Model::penalized`]) cannot be fitted with, and a Firth fit asked of
/// a model without the penalty.
fn check_penalty<M: Model + ?Sized>(model: &M, options: &FitOptions) -> Result<()> {
    let refuse = |m: String| Err(MleError::InvalidOption(m));
    match model.penalized() {
        None if options.get_firth() => refuse(format!(
            "Firth's fit of '{}' needs the penalized model: wrap it in mle::model::Firth \
             (fit_frame does)",
            model.name()
        )),
        Some(p) if !options.closed_form => refuse(format!(
            "the {p} penalty is evaluated in closed form only; closed_form(false) cannot be used"
        )),
        Some(p) if options.get_cov_type() != CovType::Model => refuse(format!(
            "robust covariances are for likelihoods, not for the {p} penalized fit"
        )),
        _ => Ok(()),
    }
}

/// The fit of `model` with the parameters of `options.fixed()` held fixed: the others
/// estimated as [`Fixed`] presents them, the fixed ones reported in their places (no standard
/// error; zero rows and columns in the covariance).
fn fit_restricted<M: Model + ?Sized>(
    model: &M,
    options: &FitOptions,
    observer: &mut dyn Observer,
) -> Result<FitResult> {
    let restricted = Fixed::new(model, options.fixed())?;
    let values = restricted.fixed_values().to_vec();
    let mut inner = options.clone().unfixed();
    if let Some(start) = &options.start {
        if start.len() != values.len() {
            return Err(MleError::InvalidOption(format!(
                "{} starting values for {} parameters (give one for every parameter, the fixed \
                 ones included)",
                start.len(),
                values.len()
            )));
        }
        let free = start.iter().zip(&values).filter(|(_, v)| v.is_none());
        inner = inner.start(free.map(|(s, _)| *s).collect());
    }
    // as a trait object: fit_observed instantiated once for every restricted model
    let restricted_model: &dyn Model = &restricted;
    let mut r = fit_observed(restricted_model, &inner, observer)?;
    let all = model.params();
    let mut estimated = std::mem::take(&mut r.params).into_iter();
    r.params = all
        .iter()
        .zip(&values)
        .map(|(p, v)| match v {
            None => estimated.next().expect("one estimate per free parameter"),
            Some(v) => ParamEstimate {
                name: p.name.clone(),
                estimate: *v,
                std_error: None,
                z: None,
                p_value: None,
                ci_lower: None,
                ci_upper: None,
                constraint: p.constraint,
                fixed: true,
            },
        })
        .collect();
    let free: Vec<usize> = (0..values.len()).filter(|&j| values[j].is_none()).collect();
    r.covariance = r.covariance.map(|c| {
        let mut full = vec![vec![0.0; values.len()]; values.len()];
        for (a, &i) in free.iter().enumerate() {
            for (b, &j) in free.iter().enumerate() {
                full[i][j] = c[a][b];
            }
        }
        full
    });
    Ok(r)
}

/// The starting values on the unconstrained scale: the options' or the model's own.
fn unconstrained_start(params: &[crate::model::Param], options: &FitOptions) -> Result<Vec<f64>> {
    let start: Vec<f64> = match &options.start {
        Some(s) if s.len() != params.len() => {
            let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            return Err(MleError::InvalidOption(format!(
                "{} starting values for {} parameters ({})",
                s.len(),
                params.len(),
                names.join(", ")
            )));
        }
        Some(s) => s.clone(),
        None => params.iter().map(|p| p.start).collect(),
    };
    params
        .iter()
        .zip(&start)
        .map(|(p, v)| {
            p.constraint.to_unconstrained(*v).ok_or_else(|| {
                MleError::InvalidOption(format!(
                    "starting value {v} of '{}' is outside its range ({:?})",
                    p.name, p.constraint
                ))
            })
        })
        .collect()
}
