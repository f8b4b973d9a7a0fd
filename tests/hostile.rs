//! Hostile input, end to end: every command of the `mle` binary over the committed corpus of
//! broken CSV and model files (`tests/data/hostile/`, written by its `make_corpus.py`) exits
//! with 0–4 and never panics or hangs; and one regression test per failure of the hostile
//! testing report (rows dropped or invented, panics, trusted model files, writes that replace
//! what they should write through, temporaries left behind).

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

fn mle() -> Command {
    let mut c = Command::cargo_bin("mle").unwrap();
    c.timeout(Duration::from_secs(120));
    c
}

fn hostile(name: &str) -> PathBuf {
    data_path("hostile").join(name)
}

/// Runs `mle args…` and returns (exit code, stderr); fails on a signal, a timeout or a panic.
fn run(args: &[&str]) -> (i32, String) {
    let out = mle().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let Some(code) = out.status.code() else {
        panic!("mle {args:?} died by a signal or timed out: {stderr}");
    };
    assert!(
        (0..=4).contains(&code) && !stderr.contains("panicked"),
        "mle {args:?} exited {code}: {stderr}"
    );
    (code, stderr)
}

fn corpus(extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_path("hostile"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    assert!(files.len() > 15, "the corpus is there");
    files
}

#[test]
fn every_command_on_every_hostile_csv_file_exits_0_to_4() {
    let model = hostile("base_model.json");
    let model = model.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let plot = dir.path().join("trace.svg");
    let plot = plot.to_str().unwrap();
    for file in corpus("csv") {
        let f = file.to_str().unwrap();
        for args in [
            &["fit", "logistic", "--data", f, "--y", "y", "--plot", plot][..],
            &[
                "fit",
                "logistic",
                "--data",
                f,
                "--y",
                "y",
                "--json",
                "--optimizer",
                "gradient",
            ],
            &[
                "fit",
                "gaussian",
                "--data",
                f,
                "--y",
                "y",
                "--optimizer",
                "newton",
            ],
            &["fit", "binomial", "--data", f, "--y", "y", "--trials", "5"],
            &["ols", "--data", f, "--y", "y"],
            &["compare", "--data", f, "--y", "y"],
            &["predict", "--model", model, "--data", f],
        ] {
            let (code, stderr) = run(args);
            // an error is a sentence naming the file, never a 10 MB cell
            if code == 3 {
                assert!(
                    stderr.len() < 2000,
                    "{args:?}: {} bytes of stderr",
                    stderr.len()
                );
            }
        }
    }
}

#[test]
fn every_hostile_model_file_is_refused_or_predicts() {
    let iris = data_path("iris.csv");
    for file in corpus("json") {
        let (code, stderr) = run(&[
            "predict",
            "--model",
            file.to_str().unwrap(),
            "--data",
            iris.to_str().unwrap(),
        ]);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        match name.as_str() {
            "base_model.json" => assert_eq!(code, 0),
            "model_not_converged.json" => {
                assert_eq!(code, 0);
                assert!(stderr.contains("did not converge"), "{stderr}");
            }
            _ => assert_eq!(code, 3, "{name}: {stderr}"),
        }
    }
}

/// `n_obs` of `mle fit gaussian --y y --x x --json` on a hostile file.
fn n_obs(name: &str) -> u64 {
    let out = mle()
        .args(["fit", "gaussian", "--data", hostile(name).to_str().unwrap()])
        .args(["--y", "y", "--x", "x", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["n_obs"].as_u64().unwrap()
}

#[test]
fn no_row_is_dropped_or_invented() {
    // a quote inside an unquoted header name and cell: 8 rows (was 4)
    assert_eq!(n_obs("header_quote_inside.csv"), 8);
    // a header ending in a bare CR: 8 rows (the first was lost)
    assert_eq!(n_obs("header_bare_cr.csv"), 8);
    // a bare CR in the middle of a line ends a record, as the csv crate reads it
    assert_eq!(n_obs("bare_cr_mid_line.csv"), 6);
    assert_eq!(n_obs("crlf_mixed.csv"), 6);
}

#[test]
fn overflowing_least_squares_is_a_numerical_failure_not_a_panic() {
    for name in ["huge_response.csv", "huge_covariate.csv"] {
        for command in ["ols", "compare"] {
            let f = hostile(name);
            let (code, stderr) = run(&[command, "--data", f.to_str().unwrap(), "--y", "y"]);
            assert_eq!(code, 4, "{command} {name}: {stderr}");
            assert!(stderr.contains("overflow"), "{stderr}");
        }
    }
}

/// A logistic model saved from iris into `dir`, and its path.
fn saved_model(dir: &Path) -> PathBuf {
    let model = dir.join("model.json");
    std::fs::copy(hostile("base_model.json"), &model).unwrap();
    model
}

#[test]
fn edited_model_files_are_refused() {
    let iris = data_path("iris.csv");
    for (name, words) in [
        ("model_reversed_columns.json", "its parameters are"),
        ("model_estimate_huge.json", "z of 'sepal_length'"),
        ("model_estimate_null.json", "corrupt model file"),
    ] {
        let (code, stderr) = run(&[
            "predict",
            "--model",
            hostile(name).to_str().unwrap(),
            "--data",
            iris.to_str().unwrap(),
        ]);
        assert_eq!(code, 3);
        assert!(stderr.contains(words) && stderr.contains(name), "{stderr}");
    }
}

#[test]
fn a_fit_that_did_not_converge_is_not_saved_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("separated.json");
    let fit = |extra: &[&str]| {
        let f = hostile("separated.csv");
        let mut args = vec!["fit", "logistic", "--data", f.to_str().unwrap(), "--y", "y"];
        args.extend(["--save", model.to_str().unwrap()]);
        args.extend(extra);
        run(&args)
    };
    let (code, stderr) = fit(&[]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("--save-unconverged") && !model.exists(),
        "{stderr}"
    );
    let (code, _) = fit(&["--save-unconverged"]);
    assert_eq!(code, 1);
    assert!(model.exists());
    let data = hostile("separated.csv");
    let (code, stderr) = run(&[
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("warning") && stderr.contains("did not converge"),
        "{stderr}"
    );
}

/// `mle predict --model model --data data --out out`.
fn predict_command(model: &Path, data: &Path, out: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("mle"));
    c.arg("predict").arg("--model").arg(model);
    c.arg("--data").arg(data).arg("--out").arg(out);
    c
}

#[test]
fn writes_follow_links_and_write_through_fifos_and_devices() {
    let dir = tempfile::tempdir().unwrap();
    let model = saved_model(dir.path());
    let iris = data_path("iris.csv");
    let predict_to = |out: &Path| predict_command(&model, &iris, out).output().unwrap();
    // a symbolic link: the file it names is replaced, the link stays
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "stale\n").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert!(predict_to(&link).status.success());
    assert_eq!(std::fs::read_to_string(&real).unwrap().lines().count(), 151);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // a FIFO is written through, not replaced by a regular file
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    assert!(predict_to(&fifo).status.success());
    assert_eq!(reader.join().unwrap().lines().count(), 151);
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
    // a full device: the error names the file, the operation and the reason
    if Path::new("/dev/full").exists() {
        let out = predict_to(Path::new("/dev/full"));
        assert_eq!(out.status.code(), Some(3));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("/dev/full: cannot write") && stderr.contains("No space left"),
            "{stderr}"
        );
    }
    // a directory that does not exist: "cannot create", not "cannot read"
    let out = predict_to(&dir.path().join("no/such/dir/out.csv"));
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot create") && !stderr.contains("read"),
        "{stderr}"
    );
}

/// `mle predict --out` killed at random moments (SIGTERM and SIGKILL) leaves either no output
/// or the whole output, and never a temporary file.
#[test]
fn a_killed_write_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = saved_model(dir.path());
    let data = dir.path().join("data.csv");
    let mut text = String::from("sepal_length,sepal_width\n");
    for i in 0..200_000 {
        text.push_str(&format!(
            "{}.{},{}.{}\n",
            4 + i % 4,
            i % 10,
            2 + i % 3,
            i % 7
        ));
    }
    std::fs::write(&data, text).unwrap();
    let out = dir.path().join("out.csv");
    for (k, signal) in ["TERM", "KILL", "TERM", "KILL", "TERM", "KILL"]
        .iter()
        .enumerate()
    {
        let _ = std::fs::remove_file(&out);
        let mut child = predict_command(&model, &data, &out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(50 + 120 * k as u64));
        let _ = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status();
        let _ = child.wait();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names.retain(|n| n != "data.csv" && n != "model.json");
        match names.as_slice() {
            [] => {}
            [only] if only == "out.csv" => {
                let lines = std::fs::read_to_string(&out).unwrap().lines().count();
                assert_eq!(lines, 200_001, "a whole output or none");
            }
            other => panic!("after SIG{signal}: {other:?} left behind"),
        }
    }
}

#[test]
fn wide_intervals_never_run_into_the_next_column() {
    let f = hostile("tiny_and_huge_scales.csv");
    let out = mle()
        .args(["fit", "logistic", "--data", f.to_str().unwrap(), "--y", "y"])
        .args(["--optimizer", "newton"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("estimate"))
        .skip(2)
        .take_while(|l| !l.starts_with('='))
        .collect();
    assert!(!table.is_empty(), "{text}");
    for line in table {
        // name and six cells, each set off by blanks
        assert_eq!(line.split_whitespace().count(), 7, "{line}");
    }
}

#[test]
fn predictions_print_in_short_exact_forms() {
    let dir = tempfile::tempdir().unwrap();
    let model = saved_model(dir.path());
    let data = dir.path().join("far.csv");
    // far from the data: η ≈ −690, a probability of about 1e-300
    std::fs::write(&data, "sepal_length,sepal_width\n5,217.5\n5,3\n").unwrap();
    let out = mle()
        .args(["predict", "--model", model.to_str().unwrap()])
        .args(["--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().all(|l| l.len() < 30), "{text}");
    assert!(text.lines().nth(1).unwrap().contains('e'), "{text}");
}

/// Under a limit on the address space (`ulimit -v`), a design (or the buffer the file is read
/// through) that does not fit is an error,
/// exit 3, saying how much it needed; never an abort (exit 134). Limits from too small for the
/// design (300,000 rows of 50 columns, 114 MiB) to enough.
#[test]
fn memory_that_cannot_be_had_is_an_error_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("wide.csv");
    let mut text = (0..50).map(|j| format!("x{j},")).collect::<String>() + "y\n";
    // 0/1 cells from a linear congruential generator (Knuth's MMIX constants)
    let mut state = 1u64;
    let mut bit = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if state >> 63 == 1 { "1" } else { "0" }
    };
    for _ in 0..300_000 {
        for _ in 0..50 {
            text.push_str(bit());
            text.push(',');
        }
        text.push_str(bit());
        text.push('\n');
    }
    std::fs::write(&data, text).unwrap();
    let mle = assert_cmd::cargo::cargo_bin("mle");
    let mut refused = 0;
    for limit_mib in [100, 150, 200, 250, 350, 500] {
        let script = format!(
            "ulimit -v {} && exec \"$0\" fit logistic --data \"$1\" --y y --max-iter 2",
            limit_mib * 1024
        );
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .arg(&mle)
            .arg(&data)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1 | 3)),
            "ulimit -v {limit_mib} MiB: {code:?} {stderr}"
        );
        if code == Some(3) {
            // the design, or the buffer the file is read through where that is what ran out,
            // or, under the smallest limits, the worker threads' stacks and allocator arenas
            assert!(
                stderr.contains("not enough memory for the design")
                    || stderr.contains("not enough memory for the reading buffer")
                    || stderr.contains("not enough memory or threads to start the worker threads"),
                "{stderr}"
            );
            refused += 1;
        }
    }
    assert!(refused > 0, "no limit was too small");
}
