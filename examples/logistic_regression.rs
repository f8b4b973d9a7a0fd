//! Logistic regression as maximum likelihood on iris: setosa against the rest, on sepal length
//! and width, with the 80/20 split of `data/iris_setosa_{train,test}.csv`.
//!
//! The Bernoulli log-likelihood `ℓ(β) = Σ [yᵢ ln σ(xᵢβ) + (1 − yᵢ) ln(1 − σ(xᵢβ))]` has no
//! closed-form maximum (its score `Xᵀ(y − σ(Xβ)) = 0` is non-linear in β), so it is maximized
//! iteratively. On these data the two classes are perfectly separable: ℓ keeps rising towards 0
//! as β grows along the separating direction, and the MLE does not exist. `mle` detects that and
//! says so. With an L2 penalty `λ/2 ‖slopes‖²`, λ = 1, the maximum exists and equals
//! scikit-learn's default `LogisticRegression()` (C = 1), whose numbers are in
//! `data/iris_setosa_l2.json`.
//!
//! ```text
//! cargo run --release --example logistic_regression
//! ```
//! Writes `examples/plots/logistic_regression.svg`: the data and the fitted 0.5 boundary.

use mle::data::{Design, DesignBuilder, ResponseSpec, read_csv};
use mle::model::Logistic;
use mle::plot::{Chart, Series};
use mle::{FitOptions, Optimizer, fit};

fn main() -> mle::Result<()> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let train = read_csv(format!("{dir}/iris_setosa_train.csv"))?;
    let test = read_csv(format!("{dir}/iris_setosa_test.csv"))?;
    let columns = ["sepal_length", "sepal_width"];
    let frame = DesignBuilder::new(ResponseSpec::parse("setosa"))
        .columns(columns)
        .build(&train)?;
    let model = Logistic::new(&frame.design, &frame.response)?;

    println!(
        "1. The unpenalized MLE, {} training rows\n",
        frame.design.n_rows()
    );
    let plain = fit(&model, &FitOptions::default().optimizer(Optimizer::Newton))?;
    println!("{plain}");
    assert!(plain.separation.is_some(), "separation is detected");

    println!("\n2. With an L2 penalty λ = 1 on the slopes (scikit-learn's default)\n");
    let l2 = fit(
        &model,
        &FitOptions::default().optimizer(Optimizer::Newton).l2(1.0),
    )?;
    let beta = l2.estimates();
    let reference_path = format!("{dir}/iris_setosa_l2.json");
    let text = std::fs::read_to_string(&reference_path).map_err(|source| mle::MleError::Io {
        path: reference_path.into(),
        source,
    })?;
    let reference: serde_json::Value = serde_json::from_str(&text)?;
    let sk: Vec<f64> = reference["estimate"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    println!("{:<14}{:>16}{:>16}", "", "mle", "scikit-learn");
    for ((name, b), s) in l2.params.iter().map(|p| &p.name).zip(&beta).zip(&sk) {
        println!("{name:<14}{b:>16.10}{s:>16.10}");
    }

    let test_design = Design::for_prediction(&test, &columns, true)?;
    let y_test = test.numeric("setosa")?;
    let proba = model.predict(&beta, &test_design, None);
    let correct = proba
        .iter()
        .zip(y_test)
        .filter(|(p, y)| (**p >= 0.5) == (**y == 1.0))
        .count();
    println!("\npredicted P(setosa) on the {} test rows:", proba.len());
    for (p, y) in proba.iter().zip(y_test) {
        println!("  {p:.6}  (truth {y})");
    }
    println!(
        "accuracy {correct}/{} = {:.3}",
        proba.len(),
        correct as f64 / proba.len() as f64
    );

    // the data and the boundary b0 + b1·length + b2·width = 0
    let points = |class: f64| -> Vec<(f64, f64)> {
        (0..frame.design.n_rows())
            .filter(|&i| frame.response[i] == class)
            .map(|i| (frame.design.row(i)[1], frame.design.row(i)[2]))
            .collect()
    };
    let boundary: Vec<(f64, f64)> = [4.2, 7.2]
        .iter()
        .map(|&x| (x, -(beta[0] + beta[1] * x) / beta[2]))
        .collect();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/plots/logistic_regression.svg"
    );
    Chart::new(
        "iris, setosa against the rest: L2 logistic fit, P = 0.5 boundary",
        "sepal length (cm)",
        "sepal width (cm)",
    )
    .series(Series::points("setosa (training)", points(1.0)))
    .series(Series::points("other (training)", points(0.0)))
    .series(Series::line("P(setosa) = 0.5", boundary))
    .save_svg(path)?;
    println!("plot: {path}");
    Ok(())
}
