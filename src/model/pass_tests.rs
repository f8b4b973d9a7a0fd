//! Tests of the one pass: blocks add up to the row-by-row sums, with an auxiliary parameter and
//! per-observation scores.

use super::*;
use crate::linalg::{dot, gram};

/// The pass over many blocks equals the textbook sums row by row (closed form for a
/// quadratic row function), including a ragged last block.
#[test]
fn blocks_add_up() {
    let p = 3;
    let n = 3 * block_rows(p) + 17;
    let x: Vec<f64> = (0..n * p)
        .map(|k| ((k * 7919) % 101) as f64 / 50.0 - 1.0)
        .collect();
    let beta = [0.3, -0.2, 0.5];
    let row = |i: usize, eta: f64| (eta * eta + i as f64, 2.0 * eta, 2.0);
    let d = linear_pass(&x, p, &beta, true, row);
    let (mut v, mut g, mut h) = (0.0, [0.0; 3], [[0.0; 3]; 3]);
    for (i, r) in x.chunks(p).enumerate() {
        let eta = dot(r, &beta);
        v += eta * eta + i as f64;
        for a in 0..p {
            g[a] += 2.0 * eta * r[a];
            for b in 0..p {
                h[a][b] += 2.0 * r[a] * r[b];
            }
        }
    }
    // sums of ~3·10⁴ terms in different orders: agreement to ~1e-12 relative
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    assert!(close(d.value, v));
    let hd = d.hessian.clone().unwrap();
    for a in 0..p {
        assert!(close(d.gradient()[a], g[a]), "{a}");
        for b in 0..p {
            assert!(close(hd[(a, b)], h[a][b]), "{a} {b}");
        }
    }
    // XᵀX: half the Hessian of Σ ηᵢ² + i
    let g = gram(&x, p);
    for a in 0..p {
        for b in 0..p {
            assert!(close(2.0 * g[(a, b)], h[a][b]), "{a} {b}");
        }
    }
    // ln σ(−η) per row against one logarithm per 512 rows: equal to the rounding of the sum
    let tail = |_: usize, eta: f64| {
        let r = 1.0 / (1.0 + (-eta.abs()).exp());
        (-eta.max(0.0), r, 0.0, 0.0)
    };
    let by_products = linear_pass_log(&x, p, &beta, false, tail).value;
    let by_rows: f64 = x
        .chunks(p)
        .map(|r| {
            let (a, b, _, _) = tail(0, dot(r, &beta));
            a + b.ln()
        })
        .sum();
    assert!(close(by_products, by_rows), "{by_products} vs {by_rows}");
    let without = linear_pass(&x, p, &beta, false, row);
    assert!(without.hessian.is_none());
    assert_eq!(without.gradient().len(), p);
}

/// An auxiliary parameter and per-observation scores: the pass equals the row-by-row sums
/// of `fᵢ = −a ηᵢ² + a² i` (`∂f/∂a = −η² + 2ai`, `∂²f/∂a² = 2i`, `∂²f/∂η∂a = −2η`), and the
/// scores add up to the gradient.
#[test]
fn auxiliary_parameter_and_scores() {
    let p = 2;
    let n = 2 * block_rows(p) + 5;
    let x: Vec<f64> = (0..n * p)
        .map(|k| ((k * 31) % 17) as f64 / 8.0 - 1.0)
        .collect();
    let (beta, a) = ([0.4, -0.3], 0.7);
    let row = |i: usize, eta: f64| {
        let i = i as f64 / n as f64;
        RowTerms::new(-a * eta * eta + a * a * i, -2.0 * a * eta, -2.0 * a).with_aux(
            -eta * eta + 2.0 * a * i,
            2.0 * i,
            -2.0 * eta,
        )
    };
    let want = Want {
        gradient: true,
        hessian: true,
        scores: true,
    };
    let e = pass(&x, p, &beta, true, want, row);
    let (mut g, mut h) = ([0.0; 3], [[0.0; 3]; 3]);
    for (i, r) in x.chunks(p).enumerate() {
        let eta = dot(r, &beta);
        let t = row(i, eta);
        let z = [r[0], r[1]];
        for u in 0..2 {
            g[u] += t.d1 * z[u];
            for v in 0..2 {
                h[u][v] += t.d2 * z[u] * z[v];
            }
            h[u][2] += t.dea * z[u];
            h[2][u] += t.dea * z[u];
        }
        g[2] += t.da;
        h[2][2] += t.daa;
    }
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    let he = e.hessian.as_ref().unwrap();
    for u in 0..3 {
        assert!(close(e.gradient()[u], g[u]), "{u}");
        for v in 0..3 {
            assert!(close(he[(u, v)], h[u][v]), "{u} {v}");
        }
    }
    let scores = e.scores.as_ref().unwrap();
    assert_eq!((scores.n_rows(), scores.k), (n, 3));
    for (j, g) in g.iter().enumerate() {
        let total: f64 = (0..n).map(|i| scores.row(i)[j]).sum();
        assert!(close(total, *g), "{j}");
    }
}
