//! `mle`: fit, compare, predict and simulate from CSV files. The binary parses and validates
//! arguments, calls the library, formats the result and maps errors to exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[path = "cli/data.rs"]
mod data;
#[path = "cli/parse.rs"]
mod parse;
#[path = "cli/signals.rs"]
mod signals;
#[path = "cli/spinner.rs"]
mod spinner;
use data::{DataArgs, Parts, frame};
use mle::backend::Backend;
use mle::closed_form::{compare_ols_mle, ols_robust};
use mle::data::{OffsetSpec, write_csv, write_csv_to};
use mle::inference::{LinearRestriction, RestrictionTest, WaldTest};
use mle::model::{Link, ModelKind};
use mle::optim::CovType;
use mle::output::write_file;
use mle::persist::SavedModel;
use mle::simulate::simulate;
use mle::{FitOptions, MleError, Optimizer};
use parse::{CiMethod, parse_fixed, parse_link, parse_model};
use signals::remove_temporaries_when_interrupted;
use spinner::Spinner;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (for fit: converged), or the reader of the output went away (mle ... | head)
  1  the fit did not converge, or the maximum likelihood estimate does not exist
     (separation); what was found is still printed
  2  usage error (unknown option, missing argument)
  3  bad input: missing or unreadable file, malformed CSV, unknown column, bad value,
     data the model cannot use, corrupt or edited model file, output that cannot be
     written, data that do not fit in memory
  4  numerical failure: non-finite log-likelihood at the start, optimizer failure,
     arithmetic that overflows (data near the limits of double precision)";

/// [`mle::optim::DEFAULT_GTOL`] as the help shows it.
const GTOL_TEXT: &str = "1e-10";

/// Maximum likelihood estimation with automatic differentiation.
#[derive(Parser)]
#[command(name = "mle", version, about, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fit a model by maximum likelihood and report estimates with inference.
    Fit(Box<FitArgs>),
    /// Closed-form ordinary least squares (QR), with t-based inference.
    Ols(LinearArgs),
    /// Closed-form OLS beside the iterative Gaussian MLE on the same data.
    Compare(LinearArgs),
    /// Predict from a model saved with `mle fit --save`.
    Predict(PredictArgs),
    /// Simulate data from known parameters (saved beside the CSV as JSON).
    Simulate(SimulateArgs),
}

#[derive(Args)]
struct FitArgs {
    /// The model (the registry's list).
    #[arg(value_parser = parse_model, help = ModelKind::describe_all())]
    model: ModelKind,
    #[command(flatten)]
    data: DataArgs,
    /// Binomial trials: a column of trial counts, or one number for every row.
    #[arg(long, value_name = "COLUMN|N", allow_negative_numbers = true)]
    trials: Option<String>,
    /// The link (the registry's list).
    #[arg(
        long,
        value_name = "LINK",
        value_parser = parse_link,
        help = format!("The link: {} (default: the model's own)", ModelKind::describe_links())
    )]
    link: Option<Link>,
    /// A column added to the linear predictor as it is.
    #[arg(long, value_name = "COLUMN", conflicts_with = "exposure")]
    offset: Option<String>,
    /// A column whose logarithm is the offset (counts per unit of exposure; log link only).
    #[arg(long, value_name = "COLUMN")]
    exposure: Option<String>,
    /// A column of frequency weights: row i stands for w_i identical observations (whole
    /// numbers; rows of weight 0 are left out and counted as dropped)
    #[arg(long, value_name = "COLUMN")]
    weights: Option<String>,
    /// lbfgs, newton or gradient (default: newton, as every built-in model has an exact
    /// Hessian).
    #[arg(long)]
    optimizer: Option<Optimizer>,
    /// Iteration limit (default: 1000 lbfgs, 100 newton, 20000 gradient).
    #[arg(long, value_name = "N")]
    max_iter: Option<u64>,
    /// Relative gradient tolerance.
    #[arg(long, value_name = "T", default_value = GTOL_TEXT, allow_negative_numbers = true)]
    tol: f64,
    /// L2 penalty λ on the slopes (λ = 1/C of scikit-learn).
    #[arg(long, value_name = "LAMBDA", allow_negative_numbers = true)]
    l2: Option<f64>,
    /// Firth's bias-reduced fit (binary and binomial models): finite estimates under
    /// separation; --test and --ci profile then use the penalized likelihood.
    #[arg(long)]
    firth: bool,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = mle::optim::DEFAULT_LEVEL, allow_negative_numbers = true)]
    level: f64,
    /// Covariance of the estimates: model (the inverse observed information), hc0 or hc1
    /// (sandwich from the per-observation scores; hc1 times n/(n − k)), hc2 or hc3 (each score
    /// scaled by its leverage; GLMs) (default: model, or hc1 with --cluster)
    #[arg(long, value_name = "TYPE")]
    cov: Option<CovType>,
    /// A column of cluster labels (numbers or text): cluster-robust standard errors (CR1 with
    /// hc1, CR0 with hc0); two columns for two-way clustering
    #[arg(long, value_name = "COL[,COL]", value_delimiter = ',')]
    cluster: Vec<String>,
    /// Hold parameters at values instead of estimating them (AIC, BIC and tests count the
    /// others)
    #[arg(long, value_name = "NAME=VALUE,...", value_delimiter = ',', value_parser = parse_fixed)]
    fix: Vec<(String, f64)>,
    /// Intervals: wald (from the covariance) or profile (profile likelihood, by constrained
    /// refits)
    #[arg(long, value_name = "METHOD", default_value = "wald")]
    ci: CiMethod,
    /// Likelihood-ratio test of a restriction: refits with these parameters held at these
    /// values ("x1 = 0, x2 = 0")
    #[arg(long, value_name = "NAME=VALUE,...", value_delimiter = ',', value_parser = parse_fixed)]
    test: Vec<(String, f64)>,
    /// Wald test of linear restrictions at the fit, under the chosen covariance, no refit
    /// ("x1 = 0, x2 = x3", "x1 + 2*x2 = 1")
    #[arg(long, value_name = "RESTRICTION,...")]
    wald: Option<String>,
    /// Draw the profile-t picture (each parameter's signed root of the likelihood ratio
    /// against its distance from the estimate in standard errors, beside Wald's line) as SVG
    #[arg(long, value_name = "FILE.svg")]
    plot_profile: Option<PathBuf>,
    /// Print one JSON object on stdout instead of the summary.
    #[arg(long)]
    json: bool,
    /// Save the fitted model as JSON (atomically) for `mle predict`; only a fit that converged.
    #[arg(long, value_name = "MODEL.json")]
    save: Option<PathBuf>,
    /// With --save: save the model even if the fit did not converge (predict then warns).
    #[arg(long, requires = "save")]
    save_unconverged: bool,
    /// Draw the convergence trace (log₁₀ of the gradient norm per iteration) as an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Where burn's tensors live: flex (default) or ndarray on the CPU, cuda on an NVIDIA GPU (an
    /// mle built with --features cuda); wgpu (--features wgpu) is checked and refused where it
    /// cannot compute exp and ln in f64. The built-in models' own pass runs on the CPU, so a GPU
    /// device implies --autodiff.
    #[arg(long, value_name = "DEVICE")]
    device: Option<Backend>,
    /// Evaluate the model by burn's reverse-mode autodiff of its tensor expression on the device
    /// (the definition of every model) instead of its closed-form pass.
    #[arg(long)]
    autodiff: bool,
}

#[derive(Args)]
struct LinearArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = mle::optim::DEFAULT_LEVEL, allow_negative_numbers = true)]
    level: f64,
    /// ols: covariance of the coefficients, model (s²(XᵀX)⁻¹), hc0, hc1, hc2 or hc3 (default:
    /// model, or hc1 with --cluster)
    #[arg(long, value_name = "TYPE")]
    cov: Option<CovType>,
    /// ols: a column of cluster labels for cluster-robust standard errors (with hc0 or hc1);
    /// two columns for two-way clustering
    #[arg(long, value_name = "COL[,COL]", value_delimiter = ',')]
    cluster: Vec<String>,
    /// Print one JSON object on stdout instead of the summary.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct PredictArgs {
    /// A model saved with `mle fit --save`.
    #[arg(long, value_name = "MODEL.json")]
    model: PathBuf,
    /// CSV file with the model's columns.
    #[arg(long, value_name = "FILE.csv")]
    data: PathBuf,
    /// Write the predictions here (atomically) instead of stdout.
    #[arg(long, value_name = "FILE.csv")]
    out: Option<PathBuf>,
    /// Standard errors and intervals (at the fit's level and covariance) for the mean and the
    /// linear predictor: columns MEAN, MEAN_se, MEAN_lower, MEAN_upper, eta, eta_se, eta_lower,
    /// eta_upper.
    #[arg(long)]
    interval: bool,
}

#[derive(Args)]
struct SimulateArgs {
    /// Any model `mle fit` takes.
    #[arg(value_parser = parse_model)]
    model: ModelKind,
    /// Number of rows.
    #[arg(long)]
    n: usize,
    /// Number of covariates (besides the intercept).
    #[arg(long)]
    p: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The CSV file to write; the true parameters go beside it as JSON (FILE.json).
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
}

/// Writes to standard output (see [`stdout_written`]).
fn write_stdout(args: std::fmt::Arguments) {
    use std::io::Write;
    stdout_written(std::io::stdout().lock().write_fmt(args));
}

/// The outcome of a write to standard output. A reader that went away (`mle fit ... | head`)
/// ends the program quietly with success, as Unix tools do; any other write failure is
/// reported, exit 3.
fn stdout_written(written: std::io::Result<()>) {
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(3);
    }
}

/// `print!` without the panic on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => { write_stdout(format_args!($($arg)*)) };
}

/// `println!` without the panic on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => { write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

fn main() -> ExitCode {
    remove_temporaries_when_interrupted();
    let cli = Cli::parse();
    // the worker threads, started here so that a machine without the memory for them is told
    // so (rayon would panic where it first needed them)
    if let Err(e) = rayon::ThreadPoolBuilder::new().build_global() {
        eprintln!("error: not enough memory or threads to start the worker threads: {e}");
        return ExitCode::from(3);
    }
    let outcome = match cli.command {
        Command::Fit(a) => fit(*a),
        Command::Ols(a) => linear(a, false),
        Command::Compare(a) => linear(a, true),
        Command::Predict(a) => predict(a),
        Command::Simulate(a) => simulate_data(a),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit_code(&e))
        }
    }
}

fn exit_code(e: &MleError) -> u8 {
    match e {
        MleError::NotConverged { .. } => 1,
        MleError::NonFiniteStart { .. } | MleError::Optimizer(_) | MleError::Numerical(_) => 4,
        _ => 3,
    }
}

fn print_json(value: &impl serde::Serialize) -> mle::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn fit(a: FitArgs) -> mle::Result<ExitCode> {
    let kind = a.model;
    if let Some(device) = a.device {
        mle::backend::select(device)?;
    }
    let offset = match (&a.offset, &a.exposure) {
        (Some(c), _) => Some(OffsetSpec::Column(c.clone())),
        (None, Some(c)) => Some(OffsetSpec::Exposure(c.clone())),
        (None, None) => None,
    };
    let link = kind.check_request(a.link, a.trials.is_some(), offset.as_ref())?;
    let parts = Parts {
        trials: a.trials.as_deref(),
        offset,
        clusters: &a.cluster,
        weights: a.weights.as_deref(),
    };
    let (frame, aliased) = frame(&a.data, parts)?;
    let mut options = FitOptions::default()
        .gtol(a.tol)
        .level(a.level)
        .firth(a.firth);
    for labels in &frame.clusters {
        options = options.clusters(labels.clone());
    }
    if let Some(c) = a.cov {
        options = options.cov_type(c);
    }
    for (name, value) in &a.fix {
        options = options.fix(name.clone(), *value);
    }
    if let Some(o) = a.optimizer {
        options = options.optimizer(o);
    }
    if let Some(n) = a.max_iter {
        options = options.max_iter(n);
    }
    if let Some(l) = a.l2 {
        options = options.l2(l);
    }
    if a.autodiff || a.device.is_some_and(Backend::is_gpu) {
        options = options.closed_form(false);
    }
    let mut progress = Spinner::new();
    let (model, mut result) =
        mle::fit_frame_keeping_model(kind, &frame, link, &options, &mut progress)?;
    progress.finish();
    result.aliased = aliased;
    result.n_dropped = frame.n_dropped;
    result.spill_bytes = frame.design.spill_bytes();
    if a.ci == CiMethod::Profile && result.convergence.converged {
        result = mle::profile::with_profile_intervals(&*model, result, &options)?;
    }
    let test = if a.test.is_empty() {
        None
    } else {
        let mut restricted = options.clone();
        for (name, value) in &a.test {
            restricted = restricted.fix(name.clone(), *value);
        }
        let r = mle::fit(&*model, &restricted)?;
        Some(RestrictionTest::new(&a.test, &r, &result)?)
    };
    let wald = match &a.wald {
        Some(text) => {
            let restrictions = LinearRestriction::parse_list(text)?;
            Some(WaldTest::new(&result, &restrictions)?)
        }
        None => None,
    };
    if a.json {
        let mut value = result.to_json_value()?;
        if let Some(map) = value.as_object_mut() {
            if let Some(t) = &test {
                map.insert("lr_test".into(), serde_json::to_value(t)?);
            }
            if let Some(w) = &wald {
                map.insert("wald_test".into(), serde_json::to_value(w)?);
            }
        }
        print_json(&value)?;
    } else {
        out!("{result}");
        if let Some(t) = &test {
            outln!("{t}");
        }
        if let Some(w) = &wald {
            outln!("{w}");
        }
    }
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(path) = &a.save {
        let saved = SavedModel::new(kind, link, &frame, result.clone());
        if a.save_unconverged {
            saved.save_unconverged(path)?;
        } else {
            saved.save(path)?;
        }
    }
    if let Some(path) = &a.plot_profile {
        mle::profile::profile_chart_of(&*model, &result, &options)?.save_svg(path)?;
    }
    if let Some(path) = &a.plot {
        let title = format!(
            "{} fit by {}: convergence",
            result.model, result.convergence.optimizer
        );
        mle::plot::convergence_chart(title, &progress.trace).save_svg(path)?;
    }
    Ok(if result.convergence.converged {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn linear(a: LinearArgs, compare: bool) -> mle::Result<ExitCode> {
    let parts = Parts {
        clusters: &a.cluster,
        ..Parts::default()
    };
    let (frame, aliased) = frame(&a.data, parts)?;
    if compare {
        if a.cov.is_some() || !a.cluster.is_empty() {
            let m = "compare shows model-based standard errors; --cov and --cluster are for ols";
            return Err(MleError::InvalidOption(m.into()));
        }
        let options = FitOptions::default().level(a.level);
        let mut c = compare_ols_mle(&frame.design, &frame.response, &options)?;
        c.ols.n_dropped = frame.n_dropped;
        c.mle.n_dropped = frame.n_dropped;
        if a.json {
            print_json(&c)?;
        } else {
            out!("{c}");
        }
        return Ok(if c.mle.convergence.converged {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let cov = a.cov.unwrap_or(CovType::Model);
    let clusters: Vec<&[u64]> = frame.clusters.iter().map(Vec::as_slice).collect();
    let mut r = ols_robust(&frame.design, &frame.response, a.level, cov, &clusters)?;
    r.aliased = aliased;
    r.n_dropped = frame.n_dropped;
    if a.json {
        print_json(&r)?;
    } else {
        out!("{r}");
    }
    Ok(ExitCode::SUCCESS)
}

fn predict(a: PredictArgs) -> mle::Result<ExitCode> {
    let saved = SavedModel::load(&a.model)?;
    let c = &saved.fit.convergence;
    if !c.converged {
        eprintln!(
            "warning: {} holds a fit that did not converge ({}); these are not predictions \
             from a maximum likelihood estimate",
            a.model.display(),
            c.reason.describe()
        );
    }
    let data = mle::data::read_table(&a.data)?;
    let name = saved.mean_name();
    let columns = if a.interval {
        let p = saved.predict_with_intervals(&data)?;
        vec![
            (name.to_string(), p.mean),
            (format!("{name}_se"), p.mean_se),
            (format!("{name}_lower"), p.mean_lower),
            (format!("{name}_upper"), p.mean_upper),
            ("eta".to_string(), p.eta),
            ("eta_se".to_string(), p.eta_se),
            ("eta_lower".to_string(), p.eta_lower),
            ("eta_upper".to_string(), p.eta_upper),
        ]
    } else {
        vec![(name.to_string(), saved.predict(&data)?)]
    };
    match &a.out {
        Some(path) => write_csv(path, &columns)?,
        None => stdout_written(write_csv_to(&mut std::io::stdout().lock(), &columns)),
    }
    Ok(ExitCode::SUCCESS)
}

fn simulate_data(a: SimulateArgs) -> mle::Result<ExitCode> {
    let (columns, truth) = simulate(a.model, a.n, a.p, a.seed)?;
    write_csv(&a.out, &columns)?;
    let json_path = a.out.with_extension("json");
    let mut json = serde_json::to_string_pretty(&truth)?;
    json.push('\n');
    write_file(&json_path, json.as_bytes())?;
    outln!(
        "{} rows of {} data written to {} (seed {}); true parameters (also in {}):",
        truth.n,
        truth.model.name(),
        a.out.display(),
        truth.seed,
        json_path.display()
    );
    for (name, value) in &truth.params {
        outln!("  {name:<12} {value}");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn help_shows_the_library_default_tolerance() {
        assert_eq!(
            super::GTOL_TEXT.parse::<f64>().unwrap(),
            mle::optim::DEFAULT_GTOL
        );
    }

    #[test]
    fn arguments_are_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
