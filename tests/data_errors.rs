//! Bad input gets a clear error naming the file, row and column, never a panic.

use std::io::Write;

use mle::MleError;
use mle::data::{Design, DesignBuilder, Missing, ResponseSpec, TrialsSpec, read_csv};
use mle::model::{Binomial, Gaussian, Logistic};
use mle::{FitOptions, fit};

fn csv(content: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(content.as_bytes()).unwrap();
    f
}

/// The frame of `content` with missing values refused (`--missing error`).
fn build(content: &str, y: &str) -> Result<mle::data::ModelFrame, MleError> {
    let f = csv(content);
    DesignBuilder::new(ResponseSpec::parse(y))
        .missing(Missing::Error)
        .build(&read_csv(f.path())?)
}

#[test]
fn non_numeric_and_missing_values_name_row_and_column() {
    let err = build("x,y\n1,0\nabc,1\n2,1\n", "y")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(".csv")
            && err.contains("row 2")
            && err.contains("'x'")
            && err.contains("'abc'"),
        "{err}"
    );
    let err = build("x,y\n1,0\n,1\n2,1\n", "y").unwrap_err().to_string();
    assert!(err.contains("row 2") && err.contains("missing"), "{err}");
    // by default the row is dropped and counted
    let f = csv("x,y\n1,0\n,1\n2,1\nNA,0\n");
    let frame = DesignBuilder::new(ResponseSpec::parse("y"))
        .build(&read_csv(f.path()).unwrap())
        .unwrap();
    assert_eq!((frame.response.len(), frame.n_dropped), (2, 2));
    // a cell that is not a number, in a row dropped for a missing value, is dropped with it
    let f = csv("x,z,y\n1,,abc\n2,1,0\n3,5,1\n4,3,0\n");
    let frame = DesignBuilder::new(ResponseSpec::parse("y"))
        .read_csv(f.path())
        .unwrap();
    assert_eq!((frame.response, frame.n_dropped), (vec![0.0, 1.0, 0.0], 1));
    // and when every row is dropped, the error says so (found by tests/properties.rs)
    let f = csv("x1,x2,y\n0,,5\"");
    let err = DesignBuilder::new(ResponseSpec::parse("y"))
        .read_csv(f.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("each of the 1 rows has a missing value"),
        "{err}"
    );
}

#[test]
fn nan_and_infinity_are_rejected() {
    // NaN is a missing value, refused here
    let err = build("x,y\n1,0\nNaN,1\n2,1\n", "y")
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 2") && err.contains("missing"), "{err}");
    let err = build("x,y\n1,0\n3,inf\n2,1\n", "y")
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 2") && err.contains("'y'"), "{err}");
}

#[test]
fn unknown_constant_and_duplicated_columns() {
    let f = csv("x,y\n1,0\n2,1\n3,1\n");
    let data = read_csv(f.path()).unwrap();
    let err = DesignBuilder::new(ResponseSpec::parse("y"))
        .columns(["z"])
        .build(&data)
        .unwrap_err();
    assert!(
        matches!(err, MleError::UnknownColumn { .. }) && err.to_string().contains("x, y"),
        "{err}"
    );
    // a constant column (with the intercept) and a copy of another are aliased: the frame is
    // built, the rank check refuses them by name, and dropping aliased columns drops them
    for (content, said, kept) in [
        (
            "x,c,y\n1,5,0\n2,5,1\n3,5,1\n",
            "'c' is constant (every row is 5)",
            ["intercept", "x"],
        ),
        (
            "x,w,y\n1,1,0\n2,2,1\n3,3,1\n",
            "'w' is identical to column 'x'",
            ["intercept", "x"],
        ),
    ] {
        let frame = build(content, "y").unwrap();
        let err = frame.design.check_rank().unwrap_err();
        assert!(matches!(err, MleError::Collinear { .. }), "{err}");
        assert!(err.to_string().contains(said), "{err}");
        let (dropped, aliased) = frame.without_aliased();
        assert_eq!(dropped.design.names(), kept);
        assert_eq!(aliased.len(), 1);
    }
}

#[test]
fn more_parameters_than_rows() {
    let err = build("a,b,c,y\n1,2,3,0\n2,1,5,1\n", "y")
        .unwrap_err()
        .to_string();
    assert!(err.contains("4 parameters but only 2 rows"), "{err}");
}

#[test]
fn responses_out_of_range_for_the_model() {
    let x = Design::from_columns(&["x"], &[vec![1.0, 2.0, 3.0]], true).unwrap();
    let err = Logistic::new(&x, &[0.0, 2.0, 1.0]).unwrap_err().to_string();
    assert!(err.contains("row 2") && err.contains("0 or 1"), "{err}");
    let err = Logistic::new(&x, &[1.0, 1.0, 1.0]).unwrap_err().to_string();
    assert!(err.contains("one class"), "{err}");
    let err = Binomial::new(&x, &[1.0, 5.0, 1.0], &[3.0, 4.0, 3.0])
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 2") && err.contains("exceed"), "{err}");
    let err = Binomial::new(&x, &[1.0, -1.0, 1.0], &[3.0, 4.0, 3.0])
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 2"), "{err}");
    let err = Gaussian::new(&x, &[2.0, 2.0, 2.0]).unwrap_err().to_string();
    assert!(err.contains("unbounded"), "{err}");
}

#[test]
fn level_response_and_trials_columns() {
    let f = build("x,kind\n1,a\n2,b\n3,a\n", "kind=a").unwrap();
    assert_eq!(f.response, vec![1.0, 0.0, 1.0]);
    let err = build("x,kind\n1,a\n2,b\n", "kind=c")
        .unwrap_err()
        .to_string();
    assert!(err.contains("equals 'c'"), "{err}");
    let file = csv("x,m,k\n1,3,1\n2,4,2\n3,5,5\n");
    let data = read_csv(file.path()).unwrap();
    let f = DesignBuilder::new(ResponseSpec::parse("k"))
        .trials(TrialsSpec::Column("m".into()))
        .build(&data)
        .unwrap();
    // trials and response are not covariates
    assert_eq!(f.design.names(), &["intercept", "x"]);
}

#[test]
fn collinear_design_is_refused_before_the_fit_naming_the_relation() {
    // z = x + w exactly: the coefficients are not identified; the error says which column is
    // the combination of which, and the design without it fits
    let x = vec![0.1, 1.2, 2.3, 2.9, 4.2, 5.1, 5.8, 7.3];
    let w = vec![1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0];
    let z: Vec<f64> = x.iter().zip(&w).map(|(a, b)| a + b).collect();
    let d = Design::from_columns(&["x", "w", "z"], &[x, w, z], true).unwrap();
    let y = [0.3, 1.1, 2.9, 3.2, 3.8, 5.5, 5.9, 7.2];
    let err = Gaussian::new(&d, &y).unwrap_err();
    assert!(matches!(err, mle::MleError::Collinear { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("z = 1·x + 1·w"), "{message}");
    assert!(
        message.contains("the coefficient of 'z' is not identified"),
        "{message}"
    );
    let (kept, aliased) = d.without_aliased();
    assert_eq!(kept.names(), &["intercept", "x", "w"]);
    assert_eq!(aliased.len(), 1);
    let r = fit(&Gaussian::new(&kept, &y).unwrap(), &FitOptions::default()).unwrap();
    assert!(r.convergence.converged && r.bse().is_some());
}

#[test]
fn invalid_options_are_refused() {
    let x = Design::from_columns(&["x"], &[vec![1.0, 2.0, 3.0]], true).unwrap();
    let m = Logistic::new(&x, &[0.0, 1.0, 0.0]).unwrap();
    assert!(fit(&m, &FitOptions::default().level(0.0)).is_err());
    assert!(fit(&m, &FitOptions::default().l2(-1.0)).is_err());
    let err = fit(&m, &FitOptions::default().start(vec![0.0]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("1 starting values for 2 parameters"), "{err}");
}
