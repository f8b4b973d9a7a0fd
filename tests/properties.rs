//! Properties over random inputs (proptest): inverse functions invert, constrained parameters
//! round-trip, least-squares residuals are orthogonal to the design, blocked sums equal exact sums,
//! a model frame read from a CSV file in one pass equals the one built from the file's dataset.

use mle::backend;
use mle::closed_form::ols;
use mle::data::{Design, DesignBuilder, ResponseSpec, read_csv};
use mle::model::Constraint;
use mle::odds::{log_sigmoid, logit, odds, probability_from_odds, sigmoid};
use proptest::prelude::*;
use std::io::Write;

proptest! {
    #[test]
    fn sigmoid_inverts_logit(p in 1e-12f64..(1.0 - 1e-12)) {
        prop_assert!((sigmoid(logit(p)) - p).abs() <= 1e-12 * p.max(1e-3));
        prop_assert!((probability_from_odds(odds(p)) - p).abs() <= 1e-12);
    }

    #[test]
    fn log_sigmoid_is_the_log_of_sigmoid(x in -30.0f64..30.0) {
        prop_assert!((log_sigmoid(x) - sigmoid(x).ln()).abs() <= 1e-12);
    }

    #[test]
    fn constrained_parameters_round_trip(u in -20.0f64..20.0) {
        for c in [Constraint::Free, Constraint::Positive, Constraint::UnitInterval] {
            let theta = c.to_natural(u);
            // p = σ(u) keeps 1 − p only to ε/p: the logit of it is off by ε·e^{|u|}
            // (its condition number), whatever the implementation
            let conditioning = if c == Constraint::UnitInterval { 4e-16 * u.abs().exp() } else { 0.0 };
            if let Some(back) = c.to_unconstrained(theta) {
                let tol = 1e-14 * u.abs().max(1.0) + conditioning;
                prop_assert!((back - u).abs() <= tol, "{c:?}: {u} -> {back}");
            }
        }
    }

    #[test]
    fn ols_residuals_are_orthogonal_to_the_design(
        rows in proptest::collection::vec((-10.0f64..10.0, -10.0f64..10.0, -100.0f64..100.0), 8..40)
    ) {
        let x1: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let x2: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let y: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let Ok(design) = Design::from_columns(&["x1", "x2"], &[x1, x2], true) else {
            return Ok(()); // constant or duplicated columns are refused, which is right
        };
        let Ok(fit) = ols(&design, &y, 0.95) else { return Ok(()) }; // collinear draws
        let beta = fit.estimates();
        let scale: f64 = y.iter().map(|v| v.abs()).sum::<f64>() * 10.0;
        for j in 0..3 {
            let xtr: f64 = (0..y.len())
                .map(|i| {
                    let row = design.row(i);
                    let fitted: f64 = row.iter().zip(&beta).map(|(a, b)| a * b).sum();
                    row[j] * (y[i] - fitted)
                })
                .sum();
            prop_assert!(xtr.abs() <= 1e-9 * scale, "column {j}: Xᵀr = {xtr}");
        }
    }

    #[test]
    fn blocked_sum_equals_the_exact_sum(values in proptest::collection::vec(-1e3f64..1e3, 1..20_000)) {
        let device = backend::default_device().unwrap();
        let got = backend::scalar(backend::sum(backend::vector(&values, &device)));
        // compensated (Kahan–Babuška) sum as the reference
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for v in &values {
            let t = s + v;
            c += if s.abs() >= v.abs() { (s - t) + v } else { (v - t) + s };
            s = t;
        }
        let exact = s + c;
        let bound = 1e-12 * values.iter().map(|v| v.abs()).sum::<f64>();
        prop_assert!((got - exact).abs() <= bound, "{got} vs {exact}");
    }

    #[test]
    fn a_frame_read_in_one_pass_equals_the_frame_of_the_dataset(
        text in csv_text(),
        explicit in any::<bool>(),
    ) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let mut builder = DesignBuilder::new(ResponseSpec::parse("y"));
        if explicit {
            builder = builder.columns(["x1"]);
        }
        // the reference: every column read by the csv crate's rules, then the design built
        let general = read_csv(f.path()).and_then(|data| builder.build(&data));
        match (builder.read_csv(f.path()), general) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.design, b.design);
                prop_assert_eq!(a.response, b.response);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "one pass {:?}, through a dataset {:?}", a, b),
        }
    }
}

/// A CSV file with a response `y` and two to four covariates: plain numbers in several
/// spellings, or (half of the files) cells of any kind, ragged rows, blank lines, quotes inside
/// and around fields, quoted line breaks, bare CRs and byte-order marks included; lines ending
/// in LF, CRLF or CR, a byte-order mark at the start of some.
fn csv_text() -> impl Strategy<Value = String> {
    let plain = prop_oneof![
        (-1e3f64..1e3).prop_map(|v| v.to_string()),
        (-50i32..50).prop_map(|v| v.to_string()),
        (-1e3f64..1e3).prop_map(|v| format!("{v:e}")),
        (-1e3f64..1e3).prop_map(|v| format!(" {v}\t")),
    ];
    let odd = prop_oneof![
        6 => plain.clone(),
        1 => Just(String::new()),
        1 => Just("NaN".to_string()),
        1 => Just("inf".to_string()),
        1 => Just("abc".to_string()),
        1 => Just("\"7\"".to_string()),
        1 => Just("1,2".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("\r".to_string()),
        1 => Just("5\"".to_string()),
        1 => Just("\"a\nb\"".to_string()),
        1 => Just("\"c\r\nd\"\"\"".to_string()),
        1 => Just("\u{feff}2".to_string()),
    ];
    (
        3usize..6,
        1usize..25,
        any::<bool>(),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_flat_map(move |(width, rows, clean, eol, last_break, bom)| {
            let cell = if clean {
                plain.clone().boxed()
            } else {
                odd.clone().boxed()
            };
            let table = proptest::collection::vec(proptest::collection::vec(cell, width), rows);
            table.prop_map(move |table| {
                let mut text = (1..width).map(|j| format!("x{j},")).collect::<String>() + "y";
                if bom {
                    text.insert(0, '\u{feff}');
                }
                for row in table {
                    text += eol;
                    text += &row.join(",");
                }
                if last_break {
                    text += eol;
                }
                text
            })
        })
}
