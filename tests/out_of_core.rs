//! Out-of-core fits: with a memory budget smaller than the design, the CSV and Parquet readers
//! write the design to an unnamed spill file and every pass of the fit reads it a window at a time. The
//! estimates, standard errors (model-based and robust) and log-likelihood must be those of the
//! fit in memory to 1e-10 (the sums are the same sums, added window by window), and nothing may
//! be left in the spill directory. (Peak memory is measured by `benches/out_of_core.sh`, not
//! here.)

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use mle::data::{DesignBuilder, ModelFrame, ResponseSpec, write_csv};
use mle::model::ModelKind;
use mle::optim::CovType;
use mle::{FitOptions, FitResult, fit_frame};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

/// The agreement the issue asks of an out-of-core fit with the fit in memory.
const REL: f64 = 1e-10;

/// A budget far below the designs here (40,000 rows of 6 columns: 1.9 MB), so that the spill's
/// passes go over many windows (a quarter of the budget each).
const BUDGET: usize = 200_000;

/// The simulated data of `model`, as CSV and as Parquet (row groups of 5,000 rows, the whole
/// numbers of the response as int64).
fn data(model: &str, dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let kind: ModelKind = model.parse().unwrap();
    let (columns, _) = mle::simulate::simulate(kind, 40_000, 5, 11).unwrap();
    let csv = dir.join(format!("{model}.csv"));
    write_csv(&csv, &columns).unwrap();
    let arrays: Vec<(String, ArrayRef)> = columns
        .iter()
        .map(|(name, v)| {
            let array: ArrayRef = if name == "y" && model != "gaussian" {
                Arc::new(Int64Array::from_iter_values(v.iter().map(|&y| y as i64)))
            } else {
                Arc::new(Float64Array::from(v.clone()))
            };
            (name.clone(), array)
        })
        .collect();
    let batch = RecordBatch::try_from_iter(arrays).unwrap();
    let parquet = dir.join(format!("{model}.parquet"));
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(5_000))
        .build();
    let file = std::fs::File::create(&parquet).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    (csv, parquet)
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
        let (csv, parquet) = data(model, dir.path());
        let memory = frame(&csv, None, spill.path());
        assert_eq!(memory.design.spill_bytes(), None);
        for path in [&csv, &parquet] {
            let disk = frame(path, Some(BUDGET), spill.path());
            assert_eq!(disk.design.spill_bytes(), Some(40_000 * 6 * 8), "{model}");
            assert_eq!(disk.design, memory.design);
            assert_eq!(disk.response, memory.response);
            for cov in [CovType::Model, CovType::Hc1, CovType::Hc3] {
                let (a, b) = (run(model, &disk, cov), run(model, &memory, cov));
                close(&format!("{model} ℓ"), a.log_likelihood, b.log_likelihood);
                for (p, q) in a.params.iter().zip(&b.params) {
                    let what = format!("{model} {} {cov:?} {}", path.display(), p.name);
                    close(&what, p.estimate, q.estimate);
                    close(&what, p.std_error.unwrap(), q.std_error.unwrap());
                }
            }
        }
        // a Parquet design within the budget stays in memory
        let fits = frame(&parquet, Some(usize::MAX), spill.path());
        assert_eq!(fits.design.spill_bytes(), None);
        // nothing named in the spill directory, during the fit or after it
        assert_eq!(std::fs::read_dir(spill.path()).unwrap().count(), 0);
    }
}

/// `--memory` from the command line: the JSON says the design went to disk and how large it
/// was; without it a design this small stays in memory.
#[test]
fn the_command_line_says_when_the_design_is_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = data("logistic", dir.path());
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
