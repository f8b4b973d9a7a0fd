//! Formulas, categorical factors and missing values against statsmodels' formula API (patsy):
//! Fair's affairs data (religious and occupation as text) and Grunfeld's investment data, as
//! statsmodels ships them, written with the reference values by
//! `tests/data/formula/make_references.py`, and against R's `glm` and `lm`
//! (`tests/data/formula/references.R`). Coefficient names are patsy's, but `intercept`.

mod common;
use common::*;

use mle::closed_form::ols;
use mle::data::{DesignBuilder, Formula, Missing, ModelFrame, read_csv};
use mle::model::ModelKind;
use mle::{FitOptions, fit_frame};
use serde_json::Value;

/// The agreement: coefficients and standard errors to 1e-6 relative.
const REL: f64 = 1e-6;

fn case(name: &str) -> Value {
    reference("formula/references.json")[name].clone()
}

fn frame_of(case: &Value) -> ModelFrame {
    let path = data_path(&format!("formula/{}", case["data"].as_str().unwrap()));
    let formula = Formula::parse(case["formula"].as_str().unwrap()).unwrap();
    DesignBuilder::from_formula(formula).read_csv(path).unwrap()
}

/// The reference's coefficient names (patsy's `Intercept` as `intercept`), estimates and
/// standard errors, in its order.
fn expected(case: &Value) -> (Vec<String>, Vec<f64>, Vec<f64>) {
    let params = case["params"].as_object().unwrap();
    let names = params
        .keys()
        .map(|k| {
            if k == "Intercept" {
                "intercept".to_string()
            } else {
                k.clone()
            }
        })
        .collect();
    let est = params.values().map(|v| number(&v[0])).collect();
    let se = params.values().map(|v| number(&v[1])).collect();
    (names, est, se)
}

fn fits_as_statsmodels(name: &str, model: &str) {
    let case = case(name);
    let frame = frame_of(&case);
    let (names, est, se) = expected(&case);
    assert_eq!(frame.design.names(), names.as_slice(), "{name}: columns");
    assert_eq!(frame.design.n_rows() as u64, case["nobs"].as_u64().unwrap());
    let kind: ModelKind = model.parse().unwrap();
    let link = kind.link(None).unwrap();
    let r = fit_frame(kind, &frame, link, &FitOptions::default(), &mut ()).unwrap();
    assert!(r.convergence.converged, "{r}");
    let k = names.len();
    let got: Vec<f64> = r.params[..k].iter().map(|p| p.estimate).collect();
    let got_se: Vec<f64> = r.params[..k].iter().map(|p| p.std_error.unwrap()).collect();
    assert_rel(&format!("{name} estimates"), &got, &est, REL);
    assert_rel(&format!("{name} std errors"), &got_se, &se, REL);
    assert_rel(
        &format!("{name} llf"),
        &[r.log_likelihood],
        &[number(&case["llf"])],
        1e-10,
    );
}

#[test]
fn logistic_with_two_categorical_terms_an_interaction_and_a_log() {
    fits_as_statsmodels("logit", "logistic");
}

/// A chosen reference, a categorical-by-numeric interaction (`*`), `I(age**2)`, and a text
/// column by itself interacted with a number, which patsy then codes by all its levels.
#[test]
fn interactions_code_as_patsy_codes_them() {
    fits_as_statsmodels("logit_interactions", "logistic");
}

/// `offset(log(yrs_married))` in the formula is statsmodels' `offset=np.log(yrs_married)`.
#[test]
fn an_offset_in_the_formula() {
    fits_as_statsmodels("poisson_offset", "poisson");
}

/// Rows with an empty cell, `NA` or `NaN` in any column the model uses are dropped, as
/// statsmodels' formulas drop them: the same n and estimates.
#[test]
fn rows_with_missing_cells_are_dropped_and_counted() {
    let case = case("logit_missing");
    let frame = frame_of(&case);
    assert_eq!(frame.n_dropped as u64, case["n_dropped"].as_u64().unwrap());
    fits_as_statsmodels("logit_missing", "logistic");
    // refused with --missing error, naming the first such cell
    let formula = Formula::parse(case["formula"].as_str().unwrap()).unwrap();
    let e = DesignBuilder::from_formula(formula)
        .missing(Missing::Error)
        .read_csv(data_path("formula/fair_missing.csv"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fair_missing.csv: row ") && e.contains("missing value"),
        "{e}"
    );
}

/// OLS with the firm factor (11 firms: 10 indicator columns), and a factor-by-number
/// interaction without an intercept (one slope per firm).
#[test]
fn least_squares_with_a_factor() {
    for name in ["ols_firm", "ols_no_intercept"] {
        let case = case(name);
        let frame = frame_of(&case);
        let (names, est, se) = expected(&case);
        assert_eq!(frame.design.names(), names.as_slice());
        let r = ols(&frame.design, &frame.response, 0.95).unwrap();
        let got: Vec<f64> = r.params.iter().map(|p| p.estimate).collect();
        let got_se: Vec<f64> = r.params.iter().map(|p| p.std_error).collect();
        assert_rel(&format!("{name} estimates"), &got, &est, REL);
        assert_rel(&format!("{name} std errors"), &got_se, &se, REL);
    }
}

/// R's `glm` and `lm` code the text columns as factors the same way (the first sorted level
/// as reference): their coefficients and standard errors, by name, from
/// `tests/data/formula/references.R` (R orders the columns by degree alone, patsy groups them).
#[test]
fn r_codes_factors_as_the_formula_does() {
    let r = reference("formula/r.json");
    for (name, model) in [
        ("logit", Some("logistic")),
        ("logit_missing", Some("logistic")),
        ("ols_firm", None),
    ] {
        let frame = frame_of(&case(name));
        let (got, got_se): (Vec<f64>, Vec<f64>) = match model {
            Some(model) => {
                let kind: ModelKind = model.parse().unwrap();
                let link = kind.link(None).unwrap();
                let fit = fit_frame(kind, &frame, link, &FitOptions::default(), &mut ()).unwrap();
                fit.params
                    .iter()
                    .map(|p| (p.estimate, p.std_error.unwrap()))
                    .unzip()
            }
            None => {
                let fit = ols(&frame.design, &frame.response, 0.95).unwrap();
                fit.params.iter().map(|p| (p.estimate, p.std_error)).unzip()
            }
        };
        let params = &r[name]["params"];
        let names = frame.design.names();
        assert_eq!(params.as_object().unwrap().len(), names.len(), "{name}");
        let key = |n: &str| {
            if n == "intercept" {
                "Intercept".to_string()
            } else {
                n.to_string()
            }
        };
        let est: Vec<f64> = names.iter().map(|n| number(&params[key(n)][0])).collect();
        let se: Vec<f64> = names.iter().map(|n| number(&params[key(n)][1])).collect();
        assert_rel(&format!("{name}: R estimates"), &got, &est, REL);
        assert_rel(&format!("{name}: R std errors"), &got_se, &se, REL);
        assert_eq!(
            frame.design.n_rows() as u64,
            r[name]["nobs"].as_u64().unwrap()
        );
    }
}

/// `--x` with a text column makes it a categorical factor, the same columns as `C(...)` but
/// for the name.
#[test]
fn a_text_column_among_the_covariates_is_categorical() {
    let data = read_csv(data_path("formula/fair.csv")).unwrap();
    let frame = DesignBuilder::new(mle::data::ResponseSpec::parse("affair"))
        .columns(["rate_marriage", "religious"])
        .build(&data)
        .unwrap();
    assert_eq!(
        frame.design.names(),
        [
            "intercept",
            "religious[T.mildly]",
            "religious[T.none]",
            "religious[T.strongly]",
            "rate_marriage"
        ]
    );
}

fn mle() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("mle").unwrap()
}

/// `mle predict` codes new data with the saved formula and levels: statsmodels' predictions
/// on the same rows, and an empty cell where a row lacks a value the model reads.
#[test]
fn predict_applies_the_saved_formula() {
    let case = case("logit");
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("fair.json");
    let fair = data_path("formula/fair.csv");
    mle()
        .args([
            "fit",
            "logistic",
            "--formula",
            case["formula"].as_str().unwrap(),
        ])
        .arg("--data")
        .arg(&fair)
        .arg("--save")
        .arg(&model)
        .assert()
        .success();
    let out = mle()
        .args(["predict", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(data_path("formula/new_fair.csv"))
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let expected = reference("formula/references.json")["predict"]["predicted"].clone();
    let expected = expected.as_array().unwrap();
    assert_eq!(lines.len(), expected.len() + 1, "{text}");
    for (line, e) in lines[1..].iter().zip(expected) {
        match e.as_f64() {
            Some(e) => assert_rel("prediction", &[line.parse().unwrap()], &[e], 1e-9),
            // a lone empty field is written quoted, so that the line is not blank (which
            // readers skip); pandas and R read it as missing
            None => assert_eq!(*line, "\"\"", "a row with a missing age"),
        }
    }
    // a level not seen in fitting names the level, the row and the column
    let dir2 = tempfile::tempdir().unwrap();
    let new = dir2.path().join("new.csv");
    std::fs::write(
        &new,
        "rate_marriage,age,yrs_married,religious,occupation\n3,30,5,fairly,teacher\n\
         3,30,5,devout,teacher\n",
    )
    .unwrap();
    let out = mle()
        .args(["predict", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&new)
        .assert()
        .code(3);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("row 2, column 'religious'") && err.contains("level 'devout'"),
        "{err}"
    );
}

/// Each formula error is a clear message pointing at its place, exit 3.
#[test]
fn formula_errors_point_at_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small.csv");
    // x is 0 wherever g is b: the column C(g)[T.b]:x is all zeros; h has one level
    std::fs::write(
        &small,
        "y,x,g,h\n0,1,a,k\n1,2,a,k\n0,0,b,k\n1,0,b,k\n1,3,a,k\n0,2,a,k\n",
    )
    .unwrap();
    let fair = data_path("formula/fair.csv");
    for (data, formula, said) in [
        (
            &fair,
            "affair ~ age + nosuch",
            vec!["no column named 'nosuch'", "1:16"],
        ),
        (&fair, "affair ~ (age + educ", vec!["1:21", "expected"]),
        (
            &fair,
            "affair ~ age + foo(educ)",
            vec!["unknown function 'foo'", "1:16"],
        ),
        (&fair, "affair ~ age + 3", vec!["only 0 and 1"]),
        (
            &small,
            "y ~ x + C(g):x",
            vec!["'C(g)[T.b]:x' is constant", "every row is 0"],
        ),
        (
            &small,
            "y ~ x + C(h)",
            vec!["C(h) has 1 level", "two or more"],
        ),
        (
            &small,
            "y ~ C(g, Treatment(reference=\"z\"))",
            vec!["reference 'z' is not a level", "a, b"],
        ),
    ] {
        let out = mle()
            .args(["fit", "logistic", "--formula", formula, "--data"])
            .arg(data)
            .assert()
            .code(3);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(!err.contains("panicked"), "{err}");
        for s in said {
            assert!(err.contains(s), "{formula}: expected '{s}' in\n{err}");
        }
    }
}

/// Rows dropped for missing values are counted in the summary and the JSON.
#[test]
fn dropped_rows_are_reported() {
    let case = case("logit_missing");
    counts_as_statsmodels(&case, "fair_missing.csv");
    let out = mle()
        .args([
            "fit",
            "logistic",
            "--formula",
            case["formula"].as_str().unwrap(),
        ])
        .arg("--data")
        .arg(data_path("formula/fair_missing.csv"))
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("6249 (117 dropped: missing)"), "{text}");
}

/// The same data as Parquet (text as dictionary-encoded categories, nulls for missing cells,
/// whole numbers as int64; written by pandas/pyarrow in `make_references.py`) gives the fit of
/// the CSV: the same rows dropped, the same estimates and standard errors to the last bits.
#[test]
fn a_formula_fit_from_parquet_equals_the_fit_from_csv() {
    let case = case("logit_missing");
    let formula = Formula::parse(case["formula"].as_str().unwrap()).unwrap();
    let builder = DesignBuilder::from_formula(formula);
    let fit = |file: &str| {
        let frame = builder.read(data_path(&format!("formula/{file}"))).unwrap();
        let kind: ModelKind = "logistic".parse().unwrap();
        let r = fit_frame(
            kind,
            &frame,
            kind.link(None).unwrap(),
            &FitOptions::default(),
            &mut (),
        )
        .unwrap();
        (frame.design.names().to_vec(), frame.n_dropped, r)
    };
    let (names_csv, dropped_csv, csv) = fit("fair_missing.csv");
    let (names_pq, dropped_pq, pq) = fit("fair_missing.parquet");
    assert_eq!(names_pq, names_csv);
    assert_eq!(dropped_pq, dropped_csv);
    assert_eq!(pq.n_obs, csv.n_obs);
    let est = |r: &mle::FitResult| r.params.iter().map(|p| p.estimate).collect::<Vec<_>>();
    let se = |r: &mle::FitResult| {
        r.params
            .iter()
            .map(|p| p.std_error.unwrap())
            .collect::<Vec<_>>()
    };
    assert_rel("parquet estimates", &est(&pq), &est(&csv), 1e-12);
    assert_rel("parquet std errors", &se(&pq), &se(&csv), 1e-12);
    // and from the command line, chosen by the extension
    counts_as_statsmodels(&case, "fair_missing.parquet");
}

/// `mle fit logistic --json --formula` of `case` on `file`: the rows used and dropped are
/// statsmodels'.
fn counts_as_statsmodels(case: &Value, file: &str) {
    let out = mle()
        .args([
            "fit",
            "logistic",
            "--json",
            "--formula",
            case["formula"].as_str().unwrap(),
        ])
        .arg("--data")
        .arg(data_path(&format!("formula/{file}")))
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["n_obs"], case["nobs"]);
    assert_eq!(v["n_dropped"], case["n_dropped"]);
}
