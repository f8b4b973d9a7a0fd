//! One binary response, three links: logit, probit and complementary log-log, on the bundled
//! iris data (versicolor or not, on sepal length and width).
//!
//! The coefficients live on different scales (probit's are about logit's / 1.6, the ratio of
//! the two distributions' spreads), so compare the fitted probabilities and the
//! log-likelihoods rather than the coefficients. cloglog is asymmetric: it approaches 1 faster
//! than it leaves 0.
//!
//! ```text
//! cargo run --release --example binary_links
//! ```
//! Writes `examples/plots/binary_links.svg`: the fitted probability along sepal width at the
//! mean sepal length.

use mle::data::{Column, Dataset, Design, DesignBuilder, ResponseSpec, read_csv};
use mle::model::{Binomial, Glm, Link, Response};
use mle::plot::{Chart, Series};
use mle::{FitOptions, fit};

fn main() -> mle::Result<()> {
    let iris = read_csv(concat!(env!("CARGO_MANIFEST_DIR"), "/data/iris.csv"))?;
    let frame = DesignBuilder::new(ResponseSpec::parse("species=versicolor"))
        .columns(["sepal_length", "sepal_width"])
        .build(&iris)?;
    let length = frame.design.column(1);
    let mean_length = length.iter().sum::<f64>() / length.len() as f64;
    let widths: Vec<f64> = (0..=60).map(|i| 1.8 + f64::from(i) * 0.045).collect();
    let grid = Dataset::new(
        "grid",
        vec![
            (
                "sepal_length".into(),
                Column::Numeric(vec![mean_length; widths.len()]),
            ),
            ("sepal_width".into(), Column::Numeric(widths.clone())),
        ],
    )?;
    let grid = Design::for_prediction(&grid, &["sepal_length", "sepal_width"], true)?;
    let mut chart = Chart::new(
        "P(versicolor) along sepal width, three links",
        "sepal width (cm)",
        "fitted probability",
    );
    println!(
        "{:<10}{:>12}{:>14}{:>14}{:>16}{:>10}",
        "link", "intercept", "sepal_length", "sepal_width", "log-likelihood", "AIC"
    );
    for link in [Link::Logit, Link::Probit, Link::Cloglog] {
        let model = Glm::new(
            Binomial,
            link,
            &frame.design,
            Response::new(&frame.response),
        )?;
        let r = fit(&model, &FitOptions::default())?;
        assert!(r.convergence.converged);
        let b = r.estimates();
        println!(
            "{:<10}{:>12.4}{:>14.4}{:>14.4}{:>16.4}{:>10.2}",
            link.name(),
            b[0],
            b[1],
            b[2],
            r.log_likelihood,
            r.aic
        );
        let p = model.predict(&b, &grid, None);
        chart = chart.series(Series::line(
            link.name(),
            widths.iter().copied().zip(p).collect(),
        ));
    }
    chart.save_svg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/plots/binary_links.svg"
    ))?;
    Ok(())
}
