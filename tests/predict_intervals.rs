//! `mle predict --interval`: the linear predictor's delta-method standard errors and Wald
//! intervals and the mean's (`mle::inference::predict_linear`), for a saved logistic and Poisson
//! regression, against R's `predict.glm(se.fit = TRUE)` (`tests/data/predict/references.R`,
//! values in `r.json` there) on every row of `tests/data/robust/clustered.csv`.

mod common;
use common::*;

use assert_cmd::Command;

fn mle() -> Command {
    Command::cargo_bin("mle").unwrap()
}

#[test]
fn intervals_match_predict_glm() {
    let r = reference("predict/r.json");
    let data = data_path("robust/clustered.csv").display().to_string();
    let dir = tempfile::tempdir().unwrap();
    for (model, y, mean) in [
        ("logistic", "y_binary", "probability"),
        ("poisson", "y_count", "mean"),
    ] {
        let saved = dir.path().join(format!("{model}.json"));
        let saved = saved.display().to_string();
        mle()
            .args([
                "fit", model, "--data", &data, "--y", y, "--x", "x1,x2", "--save", &saved,
            ])
            .assert()
            .success();
        let out = mle()
            .args(["predict", "--model", &saved, "--data", &data, "--interval"])
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let expected_header = [
            mean.to_string(),
            format!("{mean}_se"),
            format!("{mean}_lower"),
            format!("{mean}_upper"),
            "eta".into(),
            "eta_se".into(),
            "eta_lower".into(),
            "eta_upper".into(),
        ];
        assert_eq!(
            header,
            expected_header
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        );
        let rows: Vec<Vec<f64>> = lines
            .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
            .collect();
        let column = |j: usize| rows.iter().map(|r| r[j]).collect::<Vec<f64>>();
        let e = &r[model];
        for (j, key) in [
            (0, "mean"),
            (1, "mean_se"),
            (2, "mean_lower"),
            (3, "mean_upper"),
            (4, "eta"),
            (5, "eta_se"),
        ] {
            assert_rel(
                &format!("{model} {key}"),
                &column(j),
                &numbers(&e[key]),
                1e-7,
            );
        }
    }
}
