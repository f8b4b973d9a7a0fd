//! Criterion benchmarks of the library's hot parts on simulated logistic data (n = 100,000,
//! p = 10 + intercept): one log-likelihood + gradient, one value-only evaluation, and one
//! Hessian; by the closed-form pass (`closed_form`) and by autodiff on each CPU backend.
//! `cargo bench --bench logistic`.
//! The whole-fit benchmark at n = 1,000,000 is `examples/bench_logistic.rs`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mle::backend::Backend;
use mle::data::Design;
use mle::model::Logistic;
use mle::optim::Objective;
use rand::{Rng, SeedableRng};

fn data(n: usize, p: usize) -> (Design, Vec<f64>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let cols: Vec<Vec<f64>> = (0..p)
        .map(|_| (0..n).map(|_| rng.random::<f64>() * 2.0 - 1.0).collect())
        .collect();
    let names: Vec<String> = (1..=p).map(|j| format!("x{j}")).collect();
    let y = (0..n)
        .map(|_| f64::from(u8::from(rng.random::<bool>())))
        .collect();
    (Design::from_columns(&names, &cols, true).unwrap(), y)
}

fn evaluations(c: &mut Criterion) {
    let (n, p) = (100_000, 10);
    let (design, y) = data(n, p);
    let mut group = c.benchmark_group(format!("logistic_n{n}_p{p}"));
    group.sample_size(20);
    let configurations = [
        ("closed_form", Backend::Flex, true),
        ("autodiff_flex", Backend::Flex, false),
        ("autodiff_ndarray", Backend::NdArray, false),
    ];
    for (label, backend, closed_form) in configurations {
        let model = Logistic::on(&design, &y, &backend.device().unwrap()).unwrap();
        let objective = Objective::new(&model, None, false).closed_form(closed_form);
        let mut u = vec![0.01; p + 1];
        group.bench_function(BenchmarkId::new("value_and_gradient", label), |b| {
            b.iter(|| {
                u[0] += 1e-9; // defeat the cache
                objective.value_and_gradient(&u)
            })
        });
        group.bench_function(BenchmarkId::new("value", label), |b| {
            b.iter(|| {
                u[0] += 1e-9;
                objective.value(&u)
            })
        });
        if closed_form {
            // the model's Hessian is the same closed-form pass whatever the gradient's source
            group.bench_function(BenchmarkId::new("hessian", label), |b| {
                b.iter(|| objective.hessian(&u))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, evaluations);
criterion_main!(benches);
