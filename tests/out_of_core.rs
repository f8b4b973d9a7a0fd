//! Out-of-core fits: with a memory budget smaller than the design, the CSV reader writes the
//! design to an unnamed spill file and every pass of the fit reads it a window at a time. The
//! estimates, standard errors (model-based and robust) and log-likelihood must be those of the
//! fit in memory to 1e-10 (the sums are the same sums, added window by window), and nothing may
//! be left in the spill directory. (Peak memory is measured by `benches/out_of_core.sh`, not
//! here.)

use mle::data::{DesignBuilder, ModelFrame, ResponseSpec, write_csv};
use mle::model::ModelKind;
use mle::optim::CovType;
use mle::{FitOptions, FitResult, fit_frame};

/// The agreement the issue asks of an out-of-core fit with the fit in memory.
const REL: f64 = 1e-10;

/// A budget far below the designs here (40,000 rows of 6 columns: 1.9 MB), so that the spill's
/// passes go over many windows (a quarter of the budget each).
const BUDGET: usize = 200_000;

fn data(model: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let kind: ModelKind = model.parse().unwrap();
    let (columns, _) = mle::simulate::simulate(kind, 40_000, 5, 11).unwrap();
    let path = dir.join(format!("{model}.csv"));
    write_csv(&path, &columns).unwrap();
    path
}

fn frame(path: &std::path::Path, budget: Option<usize>, spill: &std::path::Path) -> ModelFrame {
    let mut builder = DesignBuilder::new(ResponseSpec::parse("y")).spill_dir(spill);
    if let Some(b) = budget {
        builder = builder.memory(b);
    }
    builder.read(path).unwrap()
}

fn run(model: &str, frame: &ModelFrame, cov: CovType) -> FitResult {
    let kind: ModelKind = model.parse().unwrap();
    let options = FitOptions::default().cov_type(cov);
    let r = fit_frame(kind, frame, kind.link(None).unwrap(), &options, &mut ()).unwrap();
    assert!(r.convergence.converged, "{r}");
    r
}

fn close(what: &str, a: f64, b: f64) {
    assert!(
        (a - b).abs() <= REL * b.abs().max(1e-300),
        "{what}: out of core {a}, in memory {b}"
    );
}

#[test]
fn an_out_of_core_fit_is_the_fit_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let spill = tempfile::tempdir().unwrap();
    for model in ["logistic", "poisson", "gaussian"] {
        let path = data(model, dir.path());
        let (memory, disk) = (
            frame(&path, None, spill.path()),
            frame(&path, Some(BUDGET), spill.path()),
        );
        assert_eq!(memory.design.spill_bytes(), None);
        assert_eq!(disk.design.spill_bytes(), Some(40_000 * 6 * 8), "{model}");
        assert_eq!(disk.design, memory.design);
        for cov in [CovType::Model, CovType::Hc1, CovType::Hc3] {
            let (a, b) = (run(model, &disk, cov), run(model, &memory, cov));
            close(&format!("{model} ℓ"), a.log_likelihood, b.log_likelihood);
            for (p, q) in a.params.iter().zip(&b.params) {
                let what = format!("{model} {cov:?} {}", p.name);
                close(&what, p.estimate, q.estimate);
                close(&what, p.std_error.unwrap(), q.std_error.unwrap());
            }
        }
        // nothing named in the spill directory, during the fit or after it
        assert_eq!(std::fs::read_dir(spill.path()).unwrap().count(), 0);
    }
}

/// `--memory` from the command line: the JSON says the design went to disk and how large it
/// was; without it a design this small stays in memory.
#[test]
fn the_command_line_says_when_the_design_is_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = data("logistic", dir.path());
    let json = |args: &[&str]| -> serde_json::Value {
        let out = assert_cmd::Command::cargo_bin("mle")
            .unwrap()
            .args(["fit", "logistic", "--y", "y", "--json"])
            .args(args)
            .arg("--data")
            .arg(&path)
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let disk = json(&["--memory", "200KB"]);
    assert_eq!(disk["spill_bytes"], 40_000 * 6 * 8);
    let memory = json(&[]);
    assert!(memory.get("spill_bytes").is_none());
    close(
        "ℓ",
        number(&disk["log_likelihood"]),
        number(&memory["log_likelihood"]),
    );
    let bad = assert_cmd::Command::cargo_bin("mle")
        .unwrap()
        .args(["fit", "logistic", "--y", "y", "--memory", "lots", "--data"])
        .arg(&path)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&bad.get_output().stderr).to_string();
    assert!(err.contains("not a size"), "{err}");
}

fn number(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap()
}
