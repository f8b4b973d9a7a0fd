//! Every family and link: the one-pass value, gradient, Hessian and scores against burn's
//! autodiff of the family's tensor expression (the definition of the model), with and without
//! trials and offsets.

use rand::SeedableRng;

use super::*;
use crate::backend::value_and_gradient;
use crate::model::ModelKind;
use crate::model::family::{Binomial, Gamma, Gaussian, NegativeBinomial, Poisson};

/// A design of `n` rows: an intercept and two covariates in [−1, 1].
fn design(n: usize) -> Design {
    let a: Vec<f64> = (0..n)
        .map(|i| ((i * 37) % 101) as f64 / 50.0 - 1.0)
        .collect();
    let b: Vec<f64> = (0..n)
        .map(|i| ((i * 59) % 97) as f64 / 48.0 - 1.0)
        .collect();
    Design::from_columns(&["a", "b"], &[a, b], true).unwrap()
}

/// Responses drawn from `family` at `θ` on `x` (with `trials` and `offset`).
fn responses<F: Family>(
    family: &F,
    link: Link,
    x: &Design,
    theta: &[f64],
    trials: Option<&[f64]>,
    offset: Option<&[f64]>,
) -> Vec<f64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let p = x.n_cols();
    let aux = theta.get(p).copied().unwrap_or(1.0);
    (0..x.n_rows())
        .map(|i| {
            let eta = dot(x.row(i), &theta[..p]) + offset.map_or(0.0, |o| o[i]);
            let m = trials.map_or(1.0, |m| m[i]);
            family.sample(link, eta, aux, m, &mut rng)
        })
        .collect()
}

/// Checks the pass against autodiff at `theta` (natural scale): value and gradient to 1e-10
/// relative, the Hessian against central differences of the autodiff gradient to 1e-6, and the
/// scores' sum against the gradient.
fn agrees<F: Family>(model: &Glm<F>, theta: &[f64]) {
    let what = format!("{} / {}", model.family().name(), model.link());
    agrees_as(model, theta, &what);
}

fn agrees_as(model: &dyn Model, theta: &[f64], what: &str) {
    let want = Want {
        gradient: true,
        hessian: true,
        scores: true,
    };
    let e = model.evaluate(theta, want).unwrap();
    let f = |t: Tensor<1>| model.loglike(t);
    let (v, g) = value_and_gradient(&f, theta, model.device());
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol * b.abs().max(1.0);
    assert!(close(e.value, v, 1e-10), "{what}: value {} vs {v}", e.value);
    for (j, (a, b)) in e.gradient().iter().zip(&g).enumerate() {
        assert!(close(*a, *b, 1e-9), "{what}: gradient {j}: {a} vs {b}");
    }
    let h = e.hessian.as_ref().unwrap();
    let k = theta.len();
    for j in 0..k {
        let step = 1e-5 * theta[j].abs().max(1.0);
        let mut up = theta.to_vec();
        let mut down = theta.to_vec();
        up[j] += step;
        down[j] -= step;
        let (_, gu) = value_and_gradient(&f, &up, model.device());
        let (_, gd) = value_and_gradient(&f, &down, model.device());
        for i in 0..k {
            let d = (gu[i] - gd[i]) / (2.0 * step);
            assert!(
                close(h[(i, j)], d, 1e-6),
                "{what}: hessian ({i}, {j}): {} vs {d}",
                h[(i, j)]
            );
        }
    }
    let scores = e.scores.as_ref().unwrap();
    for (j, g) in g.iter().enumerate() {
        let total: f64 = (0..scores.n_rows()).map(|i| scores.row(i)[j]).sum();
        assert!(close(total, *g, 1e-9), "{what}: scores {j}");
    }
    // the value alone, and the gradient alone, agree with the full evaluation
    let alone = model.evaluate(theta, Want::VALUE).unwrap();
    assert!(close(alone.value, e.value, 1e-13), "{what}");
}

/// Every model of the registry with every link it takes, on data it simulates: a family added
/// to the registry is checked here without a line of its own.
#[test]
fn every_registered_model_agrees_with_autodiff() {
    let device = crate::backend::default_device().unwrap();
    for kind in ModelKind::all() {
        let (columns, truth) = crate::simulate::simulate(kind, 400, 2, 9).unwrap();
        let column = |name: &str| columns.iter().find(|c| c.0 == name).map(|c| c.1.clone());
        let x = Design::from_columns(
            &["x1", "x2"],
            &[column("x1").unwrap(), column("x2").unwrap()],
            true,
        )
        .unwrap();
        let frame = crate::data::ModelFrame {
            design: x,
            response_name: truth.response.clone(),
            response: column(&truth.response).unwrap(),
            trials: truth.trials.as_deref().and_then(column),
            offset: None,
            offset_spec: None,
            clusters: Vec::new(),
            terms: None,
            weights: None,
            n_dropped: 0,
        };
        for &link in kind.links() {
            let model = kind.build(&frame, link, &device).unwrap();
            if !model.closed_form().gradient {
                continue; // the coin-flip proportion: autodiff gradients by design
            }
            // near the maximum (where every link's mean is in its range), not at it
            let fitted = crate::fit(&*model, &crate::FitOptions::default()).unwrap();
            let theta: Vec<f64> = fitted.estimates().iter().map(|v| v * 1.05 + 0.01).collect();
            agrees_as(&*model, &theta, &format!("{} / {link}", kind.name()));
        }
    }
}

#[test]
fn binomial_links_agree_with_autodiff() {
    let x = design(300);
    let trials: Vec<f64> = (0..300).map(|i| (1 + i % 7) as f64).collect();
    let offset: Vec<f64> = (0..300).map(|i| (i % 5) as f64 / 10.0 - 0.2).collect();
    for link in [Link::Logit, Link::Probit, Link::Cloglog] {
        let theta = [0.2, 0.8, -0.6];
        // Bernoulli rows, and counts out of trials with an offset
        let y = responses(&Binomial, link, &x, &theta, None, None);
        agrees(
            &Glm::new(Binomial, link, &x, Response::new(&y)).unwrap(),
            &theta,
        );
        let k = responses(&Binomial, link, &x, &theta, Some(&trials), Some(&offset));
        let response = Response {
            y: &k,
            trials: Some(&trials),
            offset: Some(&offset),
            weights: None,
        };
        let model = Glm::new(Binomial, link, &x, response).unwrap();
        agrees(&model, &theta);
        // far from the data, where probabilities round to 0 or 1 in a naive formula
        agrees(&model, &[3.0, 4.0, -4.0]);
    }
}

#[test]
fn count_and_continuous_families_agree_with_autodiff() {
    let x = design(250);
    let offset: Vec<f64> = (0..250).map(|i| (i % 3) as f64 / 4.0).collect();
    let theta = [0.3, 0.7, -0.4];
    let y = responses(&Poisson, Link::Log, &x, &theta, None, Some(&offset));
    let response = Response {
        offset: Some(&offset),
        ..Response::new(&y)
    };
    agrees(&Glm::new(Poisson, Link::Log, &x, response).unwrap(), &theta);

    let theta = [0.3, 0.7, -0.4, 0.6];
    let y = responses(&NegativeBinomial, Link::Log, &x, &theta, None, None);
    let model = Glm::new(NegativeBinomial, Link::Log, &x, Response::new(&y)).unwrap();
    agrees(&model, &theta);
    // a small dispersion, and counts beyond the finite sums (digamma and trigamma instead)
    agrees(&model, &[0.3, 0.7, -0.4, 0.02]);
    let big: Vec<f64> = y.iter().map(|v| v + 80.0).collect();
    let model = Glm::new(NegativeBinomial, Link::Log, &x, Response::new(&big)).unwrap();
    agrees(&model, &[4.4, 0.1, -0.1, 0.3]);

    for (link, theta) in [
        (Link::Log, [0.3, 0.7, -0.4, 2.5]),
        (Link::Inverse, [1.0, 0.3, -0.2, 2.5]),
    ] {
        let y = responses(&Gamma, link, &x, &theta, None, None);
        agrees(
            &Glm::new(Gamma, link, &x, Response::new(&y)).unwrap(),
            &theta,
        );
    }

    let theta = [0.3, 0.7, -0.4, 1.3];
    let y = responses(&Gaussian, Link::Identity, &x, &theta, None, None);
    agrees(
        &Glm::new(Gaussian, Link::Identity, &x, Response::new(&y)).unwrap(),
        &theta,
    );
}

/// With frequency weights the pass (each row's terms times its weight, the Gaussian family's
/// `XᵀWX`, the Gamma shape's weighted `a·Σwᵢcᵢ`) agrees with autodiff of `Σ wᵢℓᵢ`.
#[test]
fn weighted_families_agree_with_autodiff() {
    let x = design(250);
    let w: Vec<f64> = (0..250).map(|i| (1 + i % 4) as f64).collect();
    let theta = [0.3, 0.7, -0.4, 1.3];
    let y = responses(&Gaussian, Link::Identity, &x, &theta, None, None);
    let model = Glm::new(Gaussian, Link::Identity, &x, Response::new(&y).weighted(&w));
    agrees(&model.unwrap(), &theta);
    let theta = [0.3, 0.7, -0.4, 2.5];
    let y = responses(&Gamma, Link::Log, &x, &theta, None, None);
    let model = Glm::new(Gamma, Link::Log, &x, Response::new(&y).weighted(&w)).unwrap();
    agrees(&model, &theta);
    assert_eq!(model.n_obs(), w.iter().sum::<f64>() as usize);
    let theta = [0.3, 0.7, -0.4];
    let y = responses(&Binomial, Link::Logit, &x, &theta, None, None);
    let model = Glm::new(Binomial, Link::Logit, &x, Response::new(&y).weighted(&w));
    agrees(&model.unwrap(), &theta);
    for (bad, what) in [(0.0, "weight 0"), (1.5, "1.5"), (f64::NAN, "NaN")] {
        let mut v = w.clone();
        v[6] = bad;
        let err = Glm::new(Binomial, Link::Logit, &x, Response::new(&y).weighted(&v));
        let err = err.unwrap_err().to_string();
        assert!(err.contains("row 7") && err.contains(what), "{err}");
    }
}

#[test]
fn responses_a_family_cannot_have_are_named_by_row() {
    let x = design(4);
    let cases: [(&dyn Fn() -> Result<()>, &str); 5] = [
        (
            &|| Glm::new(Poisson, Link::Log, &x, Response::new(&[1.0, 2.5, 0.0, 1.0])).map(drop),
            "row 2",
        ),
        (
            &|| Glm::new(Gamma, Link::Log, &x, Response::new(&[1.0, 2.0, 0.0, 1.0])).map(drop),
            "row 3",
        ),
        (
            &|| {
                Glm::new(
                    Binomial,
                    Link::Logit,
                    &x,
                    Response::new(&[1.0, 0.0, 2.0, 1.0]),
                )
                .map(drop)
            },
            "must be 0 or 1",
        ),
        (
            &|| Glm::new(Poisson, Link::Log, &x, Response::new(&[0.0; 4])).map(drop),
            "every count is 0",
        ),
        (
            &|| Glm::new(Poisson, Link::Logit, &x, Response::new(&[1.0; 4])).map(drop),
            "takes the link log",
        ),
    ];
    for (make, words) in cases {
        let err = make().unwrap_err().to_string();
        assert!(err.contains(words), "{err}");
    }
    let offset = [0.0, f64::NAN, 0.0, 0.0];
    let response = Response {
        offset: Some(&offset),
        ..Response::new(&[1.0, 2.0, 3.0, 1.0])
    };
    let err = Glm::new(Poisson, Link::Log, &x, response)
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 2") && err.contains("offset"), "{err}");
}
