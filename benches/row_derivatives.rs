//! Per-row derivatives by hand against forward-mode dual numbers (`num-dual`'s `Dual2_64`,
//! which carries a value with its first and second derivative in one variable through every
//! operation): for each family, `ℓᵢ`, `∂ℓᵢ/∂η` and `∂²ℓᵢ/∂η²` over 100,000 rows, as the
//! one-pass evaluation needs them at every Newton iteration.
//! `cargo bench --bench row_derivatives`.
//!
//! The hand-written terms are the families' own (`Family::row`). The dual-number versions are
//! the same per-row expression written once, generic in its number type. Both are checked to
//! agree before they are timed. The derivatives in the auxiliary parameter (NB2's α, the Gamma
//! shape) involve `ln Γ` and `ψ` of it, which `num-dual` does not provide; they are left out of
//! both sides here (the shape's functions are computed once per evaluation, not per row).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mle::model::{Aux, Binomial, Family, Gamma, Link, NegativeBinomial, Poisson};
use num_dual::{Dual2_64, DualNum};
use rand::{Rng, SeedableRng};

const N: usize = 100_000;

/// `(ℓᵢ, ℓᵢ', ℓᵢ'')` at `η` from a per-row expression in dual numbers.
fn dual(f: impl Fn(Dual2_64) -> Dual2_64, eta: f64) -> (f64, f64, f64) {
    let r = f(Dual2_64::from_re(eta).derivative());
    (r.re, r.v1, r.v2)
}

/// The four per-row expressions, written once for the dual numbers.
fn poisson(y: f64, eta: Dual2_64) -> Dual2_64 {
    eta * y - eta.exp()
}

/// `yη − ln(1 + e^η)`, stably on either side of 0.
fn logistic(y: f64, eta: Dual2_64) -> Dual2_64 {
    let softplus = if eta.re > 0.0 {
        eta + (-eta).exp().ln_1p()
    } else {
        eta.exp().ln_1p()
    };
    eta * y - softplus
}

/// `ν(−η − y e^{−η})`, the part of the Gamma `ℓᵢ` (log link) that depends on `η`.
fn gamma(y: f64, nu: f64, eta: Dual2_64) -> Dual2_64 {
    (-eta - (-eta).exp() * y) * nu
}

/// `yη − (y + 1/α) ln(1 + αe^η)`, the part of the NB2 `ℓᵢ` that depends on `η`.
fn negbin(y: f64, alpha: f64, eta: Dual2_64) -> Dual2_64 {
    eta * y - (eta.exp() * alpha).ln_1p() * (y + 1.0 / alpha)
}

/// The hand-written row's `(ℓᵢ, ℓᵢ', ℓᵢ'')` without the parts constant in `η`.
fn by_hand<F: Family>(family: &F, link: Link, y: f64, eta: f64, aux: &Aux) -> (f64, f64, f64) {
    let t = family.row(link, y, 1.0, eta, aux);
    (t.value + t.factor.ln(), t.d1, t.d2)
}

/// Checks that the two agree on every row, then times both. Values differ by terms constant in
/// `η` (the same in every row but for NB2, whose `ln Γ(yᵢ + 1/α)` is left out of the dual side).
#[allow(clippy::too_many_arguments)]
fn bench_family<F: Family>(
    c: &mut Criterion,
    name: &str,
    family: F,
    link: Link,
    aux: Aux,
    y: &[f64],
    eta: &[f64],
    by_dual: impl Fn(f64, Dual2_64) -> Dual2_64,
) {
    let shift = by_hand(&family, link, y[0], eta[0], &aux).0 - dual(|e| by_dual(y[0], e), eta[0]).0;
    for i in 0..N {
        let (v, d1, d2) = by_hand(&family, link, y[i], eta[i], &aux);
        let (dv, dd1, dd2) = dual(|e| by_dual(y[i], e), eta[i]);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-10 * a.abs().max(1.0);
        assert!(close(d1, dd1) && close(d2, dd2), "{name} row {i}");
        assert!(name == "negbin" || close(v, dv + shift), "{name} row {i}");
    }
    let mut group = c.benchmark_group(format!("row_derivatives_n{N}"));
    group.bench_function(BenchmarkId::new("by_hand", name), |b| {
        b.iter(|| {
            // as the pass does: the logarithm of the rows' factors once per 512 rows
            let (mut s, mut factor) = ((0.0, 0.0, 0.0), 1.0);
            for i in 0..N {
                let t = family.row(link, y[i], 1.0, eta[i], &aux);
                s = (s.0 + t.value, s.1 + t.d1, s.2 + t.d2);
                factor *= t.factor;
                if i % 512 == 511 {
                    s.0 += f64::ln(factor);
                    factor = 1.0;
                }
            }
            black_box((s.0 + f64::ln(factor), s.1, s.2))
        })
    });
    group.bench_function(BenchmarkId::new("dual_numbers", name), |b| {
        b.iter(|| {
            let mut s = (0.0, 0.0, 0.0);
            for i in 0..N {
                let (v, d1, d2) = dual(|e| by_dual(y[i], e), eta[i]);
                s = (s.0 + v, s.1 + d1, s.2 + d2);
            }
            black_box(s)
        })
    });
    group.finish();
}

fn rows(c: &mut Criterion) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let eta: Vec<f64> = (0..N).map(|_| rng.random::<f64>() * 4.0 - 2.0).collect();
    let counts: Vec<f64> = (0..N)
        .map(|_| f64::from(rng.random_range(0u8..12)))
        .collect();
    let binary: Vec<f64> = (0..N)
        .map(|_| f64::from(u8::from(rng.random::<bool>())))
        .collect();
    let positive: Vec<f64> = (0..N).map(|_| 0.05 + rng.random::<f64>() * 5.0).collect();
    let (nu, alpha) = (2.0, 0.5);
    bench_family(
        c,
        "poisson",
        Poisson,
        Link::Log,
        Aux::none(),
        &counts,
        &eta,
        poisson,
    );
    bench_family(
        c,
        "logistic",
        Binomial,
        Link::Logit,
        Aux::none(),
        &binary,
        &eta,
        logistic,
    );
    bench_family(
        c,
        "gamma",
        Gamma,
        Link::Log,
        Aux::new(nu),
        &positive,
        &eta,
        |y, e| gamma(y, nu, e),
    );
    bench_family(
        c,
        "negbin",
        NegativeBinomial,
        Link::Log,
        Aux::new(alpha),
        &counts,
        &eta,
        |y, e| negbin(y, alpha, e),
    );
}

criterion_group!(benches, rows);
criterion_main!(benches);
