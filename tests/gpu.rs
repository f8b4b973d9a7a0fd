//! A user-written likelihood on a GPU, unchanged: the Poisson regression of the
//! `custom_likelihood` example fitted by burn's reverse-mode autodiff of its tensor expression on
//! the wgpu (Vulkan) device, against the closed form of a saturated Poisson model (one binary
//! covariate: `β̂₀ = ln(S₀/n₀)`, `β̂₁ = ln(S₁/n₁) − ln(S₀/n₀)`, `se(β̂₁) = √(1/S₀ + 1/S₁)`) and
//! against the same fit on the CPU.
//!
//! Built with the `wgpu` feature only; it needs a Vulkan adapter. Mesa's software driver
//! (lavapipe) is one: `apt-get install mesa-vulkan-drivers`, then
//!
//! ```text
//! cargo test --features wgpu --test gpu
//! ```
//!
//! A device that does not start, or does not compute `exp` and `ln` in `f64`, must be refused in
//! words when it is chosen, never fit: lavapipe (Mesa 22.3) takes `f64` data but returns
//! `exp(0.1)` as 5.8e-315 and `ln 3` as −88.03 (Vulkan defines `exp` and `ln` for 16- and 32-bit
//! floats only), and a fit there ran to its iteration limit at ℓ = +12852 before the check
//! existed. Where the device passes the check, the fit must equal the closed form and the CPU's.
#![cfg(feature = "wgpu")]

#[path = "../examples/custom_likelihood/poisson.rs"]
mod poisson;

use mle::backend::{Backend, select};
use mle::data::Design;
use mle::{FitOptions, Optimizer, fit};
use poisson::PoissonRegression as Poisson;

#[test]
fn a_user_likelihood_fits_on_the_gpu_as_on_the_cpu_or_the_device_is_refused() {
    if let Err(e) = select(Backend::Wgpu) {
        let e = e.to_string();
        assert!(
            e.contains("the wgpu device: it did not start")
                || e.contains("the wgpu device: it does not compute in f64"),
            "{e}"
        );
        eprintln!("the wgpu device was refused, as it should be: {e}");
        return;
    }
    // 4 untreated rows (S₀ = 10) and 5 treated (S₁ = 34), repeated 50 times: n₀ = 200, n₁ = 250
    let group: Vec<f64> = (0..450).map(|i| f64::from(i % 9 >= 4)).collect();
    let counts: Vec<f64> = (0..450)
        .map(|i| [2.0, 3.0, 0.0, 5.0, 7.0, 4.0, 9.0, 6.0, 8.0][i % 9])
        .collect();
    let design = Design::from_columns(&["treated"], &[group], true).unwrap();
    let model = Poisson::new(&design, &counts);
    let (s0, n0, s1, n1) = (500.0f64, 200.0f64, 1700.0f64, 250.0f64);
    let on_gpu = FitOptions::default()
        .optimizer(Optimizer::Newton)
        .closed_form(false);
    let r = fit(&model, &on_gpu).unwrap();
    assert!(r.convergence.converged, "{r}");
    let b = r.estimates();
    assert!((b[0] - (s0 / n0).ln()).abs() < 1e-8, "{b:?}");
    assert!(
        (b[1] - ((s1 / n1).ln() - (s0 / n0).ln())).abs() < 1e-8,
        "{b:?}"
    );
    let se = r.bse().unwrap();
    assert!(
        (se[1] - (1.0 / s0 + 1.0 / s1).sqrt()).abs() < 1e-6 * se[1],
        "{se:?}"
    );
    // the same model by its per-row jets on the CPU
    let cpu = fit(&model, &FitOptions::default().optimizer(Optimizer::Newton)).unwrap();
    assert!((r.log_likelihood - cpu.log_likelihood).abs() < 1e-9 * cpu.log_likelihood.abs());
}
