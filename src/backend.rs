//! The one place that talks to burn: device choice, f64 configuration, moving data between
//! host vectors and tensors, and the value / value-and-gradient evaluations that the optimizer
//! needs.
//!
//! burn is pinned (`=0.22.1`) because its API moves between releases; everything that would have
//! to change with it lives in this file.
//!
//! Two CPU backends are always there: [`Backend::Flex`] (the default, chosen by measurement:
//! see `benches/logistic.rs` and the README) and [`Backend::NdArray`] (burn-ndarray, deprecated
//! upstream but kept supported). Two GPU backends come with cargo features: [`Backend::Cuda`]
//! (feature `cuda`) and [`Backend::Wgpu`] (feature `wgpu`: burn's wgpu backend, its shaders in
//! WGSL; Vulkan and WGSL define `exp` and `ln` for 32-bit floats only, so no adapter we know of
//! passes the check below). A GPU device is started and checked when it is chosen (`check_f64`),
//! or the choice fails with what went wrong.
//!
//! The device is where a model's tensor expression ([`crate::model::Model::loglike`]) runs and is
//! differentiated. The built-in models' own passes and a [`crate::model::Likelihood`]'s exact
//! per-row derivatives run on the CPU whatever the device; a fit reaches the device through
//! burn's autodiff ([`crate::FitOptions::closed_form`]`(false)`, `mle fit --autodiff`).

use std::str::FromStr;
use std::sync::OnceLock;

pub use burn::tensor::{Device, Int, Tensor, TensorData, activation};
use burn::tensor::{DeviceError, FloatDType};

use crate::error::{MleError, Result};

/// A backend of burn on which models hold their data.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// burn-flex (CPU): multiplies strided views without copies; the faster of the two CPU
    /// backends.
    #[default]
    Flex,
    /// burn-ndarray (CPU).
    NdArray,
    /// burn's wgpu backend (GPU through Vulkan or DX12; cargo feature `wgpu`). No adapter we
    /// know of computes `exp` and `ln` in `f64` there (module documentation): it is refused.
    Wgpu,
    /// burn's CUDA backend (NVIDIA GPU; cargo feature `cuda`).
    Cuda,
}

impl Backend {
    /// Every backend, built in or not.
    pub const ALL: [Backend; 4] = [
        Backend::Flex,
        Backend::NdArray,
        Backend::Wgpu,
        Backend::Cuda,
    ];

    /// A plain (value-only) device of this backend, configured for `f64`; a GPU device started
    /// and checked (module documentation), once per process.
    ///
    /// Configuration happens once per device and process; later calls check that the device
    /// still computes in `f64` and fail otherwise (someone else configured it differently).
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] when the backend was not built in (its cargo feature), when a
    /// GPU device does not start or does not compute in `f64`, or when the device is already
    /// locked to another float type.
    pub fn device(self) -> Result<Device> {
        if !self.is_gpu() {
            return self.configured();
        }
        if !self.is_built() {
            return Err(self.not_built());
        }
        static STARTED: [OnceLock<std::result::Result<Device, String>>; 2] =
            [OnceLock::new(), OnceLock::new()];
        let slot = &STARTED[usize::from(self == Backend::Cuda)];
        slot.get_or_init(|| {
            let device = caught(|| self.configured())?.map_err(|e| e.to_string())?;
            check_f64(&device)?;
            Ok(device)
        })
        .clone()
        .map_err(|e| MleError::InvalidOption(format!("the {} device: {e}", self.name())))
    }

    /// The device, configured for `f64`.
    fn configured(self) -> Result<Device> {
        let mut device = self.new_device()?;
        match device.configure(FloatDType::F64) {
            Ok(()) | Err(DeviceError::AlreadyInitialized { .. }) => {}
            Err(e) => return Err(MleError::InvalidOption(format!("backend {self:?}: {e}"))),
        }
        let dtype = device.settings().float_dtype;
        if dtype != FloatDType::F64 {
            return Err(MleError::InvalidOption(format!(
                "backend {self:?} is already configured for {dtype:?}; mle needs f64"
            )));
        }
        Ok(device)
    }

    /// The device itself, before configuration.
    fn new_device(self) -> Result<Device> {
        #[allow(deprecated)]
        // burn-ndarray is deprecated upstream in favour of flex; still supported.
        let device = match self {
            Backend::Flex => Device::flex(),
            Backend::NdArray => Device::ndarray(),
            #[cfg(feature = "wgpu")]
            Backend::Wgpu => Device::wgpu(burn::tensor::DeviceKind::DefaultDevice),
            #[cfg(feature = "cuda")]
            Backend::Cuda => Device::cuda(0),
            #[allow(unreachable_patterns)]
            other => return Err(other.not_built()),
        };
        Ok(device)
    }

    /// The refusal of a backend this build lacks, saying how to build it.
    fn not_built(self) -> MleError {
        MleError::InvalidOption(format!(
            "this mle was built without the {0} backend: build it with `--features {0}`",
            self.name()
        ))
    }

    /// Whether the device is a GPU.
    pub fn is_gpu(self) -> bool {
        matches!(self, Backend::Wgpu | Backend::Cuda)
    }

    /// Whether this build has the backend (its cargo feature, for the GPUs).
    pub fn is_built(self) -> bool {
        match self {
            Backend::Flex | Backend::NdArray => true,
            Backend::Wgpu => cfg!(feature = "wgpu"),
            Backend::Cuda => cfg!(feature = "cuda"),
        }
    }

    /// The backend's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::NdArray => "ndarray",
            Backend::Wgpu => "wgpu",
            Backend::Cuda => "cuda",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = MleError;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.to_ascii_lowercase();
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| {
                MleError::InvalidOption(format!(
                    "unknown device '{s}' (expected flex, ndarray, wgpu or cuda)"
                ))
            })
    }
}

/// Checks that a GPU device computes in `f64`: `0.1` there and back unchanged, and `0.1 · 3`,
/// `exp(0.1)` and `ln 3` as `f64` gives them, to 4 units in the last place. Some drivers take
/// `f64` data but compute `exp` and `ln` in `f32` or not at all (Vulkan's `GLSL.std.450` defines
/// them for 16- and 32-bit floats only): such a device would fit garbage, and is refused.
fn check_f64(device: &Device) -> std::result::Result<(), String> {
    let device = device.clone();
    let (back, tripled, exp, ln) = caught(move || {
        let t = vector(&[0.1], &device);
        let back = to_vec(t.clone());
        let tripled = to_vec(t.clone() * 3.0);
        let exp = to_vec(t.exp());
        let ln = to_vec(vector(&[3.0], &device).log());
        (back, tripled, exp, ln)
    })?;
    let close = |got: &[f64], want: f64| {
        got.len() == 1 && (got[0] - want).abs() <= 4.0 * f64::EPSILON * want.abs()
    };
    if back == [0.1] && tripled == [0.1 * 3.0] && close(&exp, 0.1f64.exp()) && close(&ln, 3f64.ln())
    {
        Ok(())
    } else {
        Err(format!(
            "it does not compute in f64 (0.1 came back as {back:?}, 0.1 · 3 as {tripled:?}, \
             exp(0.1) as {exp:?} for {:?}, ln 3 as {ln:?} for {:?})",
            0.1f64.exp(),
            3f64.ln()
        ))
    }
}

/// `f()`, or the message of its panic as "it did not start: …": a backend that cannot start
/// panics inside burn. The default report of the panic is silenced meanwhile.
fn caught<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> std::result::Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(f);
    std::panic::set_hook(hook);
    outcome.map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        format!("it did not start: {message}")
    })
}

/// The backend of the default device, chosen once for the process: by [`select`], else
/// [`Backend::default`].
static SELECTED: OnceLock<Backend> = OnceLock::new();

/// Chooses the backend of the default device ([`default_device`], [`shared_device`]) for this
/// process, after starting and checking it. Call it before the first model is built.
///
/// # Errors
/// As [`Backend::device`]; [`MleError::InvalidOption`] when another backend is already in use.
///
/// # Examples
/// ```
/// use mle::backend::{Backend, default_device, select};
/// select(Backend::Flex)?;
/// select(Backend::Flex)?; // the same choice again is fine
/// assert!(select(Backend::NdArray).is_err()); // another one is not
/// assert_eq!(mle::backend::selected(), Backend::Flex);
/// # Ok::<(), mle::MleError>(())
/// ```
pub fn select(backend: Backend) -> Result<()> {
    backend.device()?;
    let chosen = *SELECTED.get_or_init(|| backend);
    if chosen == backend {
        Ok(())
    } else {
        Err(MleError::InvalidOption(format!(
            "the default device is already {chosen}: choose the device once, before the first model"
        )))
    }
}

/// The backend of the default device: the one [`select`] chose, else [`Backend::default`].
pub fn selected() -> Backend {
    *SELECTED.get_or_init(Backend::default)
}

/// The default device: the [`selected`] backend's, in `f64`.
///
/// # Errors
/// As [`Backend::device`].
pub fn default_device() -> Result<Device> {
    selected().device()
}

/// The default device ([`selected`]), made once for the process: where models without a device
/// of their own ([`crate::model::Likelihood`]) keep their tensors. Should the default backend have been
/// configured for another float type by someone else, this is that device as it is, and
/// [`ensure_f64`] (which every fit calls) refuses it.
pub fn shared_device() -> &'static Device {
    static DEVICE: std::sync::OnceLock<Device> = std::sync::OnceLock::new();
    DEVICE.get_or_init(|| default_device().unwrap_or_else(|_| Device::flex()))
}

/// Makes sure `device` computes in `f64`: configures it so where nothing has fixed its float
/// type yet (a device made without [`Backend::device`], or one whose settings live in another
/// copy of burn's registry, as in a notebook kernel that links every cell on its own), and
/// checks it where something has.
///
/// # Errors
/// [`MleError::InvalidOption`] when the device is locked to another float type.
pub fn ensure_f64(device: &Device) -> Result<()> {
    let mut device = device.clone();
    match device.configure(FloatDType::F64) {
        Ok(()) | Err(DeviceError::AlreadyInitialized { .. }) => {}
        Err(e) => return Err(MleError::InvalidOption(format!("the model's device: {e}"))),
    }
    let dtype = device.settings().float_dtype;
    if dtype == FloatDType::F64 {
        Ok(())
    } else {
        Err(MleError::InvalidOption(format!(
            "the model's device computes in {dtype:?}; mle needs f64"
        )))
    }
}

/// A rank-1 tensor holding `values` on `device`.
pub fn vector(values: &[f64], device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

/// A rank-2 tensor of shape `[rows, cols]` from row-major `values`.
///
/// # Panics
/// When `values.len() != rows * cols` (a programming error, not a data error).
pub fn matrix(values: Vec<f64>, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    assert_eq!(
        values.len(),
        rows * cols,
        "matrix shape does not match its data"
    );
    Tensor::from_data(TensorData::new(values, [rows, cols]), device)
}

/// The design matrix `X` of `design` as a rank-2 tensor on `device`.
pub fn design_matrix(design: &crate::data::Design, device: &Device) -> Tensor<2> {
    matrix(
        design.values().to_vec(),
        design.n_rows(),
        design.n_cols(),
        device,
    )
}

/// The elements of a tensor, in row-major order, as `f64`.
pub fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f64> {
    tensor
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .expect("an f64 tensor converts to Vec<f64>")
}

/// The value of a one-element tensor.
pub fn scalar(tensor: Tensor<1>) -> f64 {
    tensor.into_scalar::<f64>()
}

/// `Σ tᵢ`, summed in about `√n` blocks of about `√n` terms each.
///
/// A plain running sum of `n` terms carries a rounding error that grows like `n·ε·Σ|tᵢ|`; at
/// `n = 10⁶` that is ~1e-5 on a log-likelihood of ~7e5, enough to stall a line search near the
/// maximum. Two levels of `√n` terms bring it to ~`2√n·ε` relative. Works on autodiff tensors.
pub fn sum(t: Tensor<1>) -> Tensor<1> {
    let [n] = t.dims();
    if n <= 4096 {
        return t.sum();
    }
    let block = (n as f64).sqrt().ceil() as usize;
    let blocks = n.div_ceil(block);
    let padded = blocks * block;
    let t = if padded > n {
        let zeros = Tensor::<1>::zeros([padded - n], &t.device());
        Tensor::cat(vec![t, zeros], 0)
    } else {
        t
    };
    t.reshape([blocks, block])
        .sum_dim(1)
        .reshape([blocks])
        .sum()
}

/// `y = X β` for a design `X` of shape `[n, p]` and a parameter vector `β` of length `p`.
pub fn linear_predictor(x: &Tensor<2>, beta: Tensor<1>) -> Tensor<1> {
    let [n, p] = x.dims();
    x.clone().matmul(beta.reshape([p, 1])).reshape([n])
}

/// Evaluates `f` at `u` on the plain device: value only, no graph is recorded.
pub fn value(f: &dyn Fn(Tensor<1>) -> Tensor<1>, u: &[f64], device: &Device) -> f64 {
    scalar(f(vector(u, device)))
}

/// Evaluates `f` and its exact gradient at `u` by reverse-mode autodiff.
pub fn value_and_gradient(
    f: &dyn Fn(Tensor<1>) -> Tensor<1>,
    u: &[f64],
    device: &Device,
) -> (f64, Vec<f64>) {
    let theta = vector(u, device).autodiff().require_grad();
    let out = f(theta.clone());
    let grads = out.backward();
    let gradient = theta
        .grad(&grads)
        .map(to_vec)
        .unwrap_or_else(|| vec![0.0; u.len()]);
    (scalar(out.without_autodiff()), gradient)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_compute_in_f64() {
        for backend in [Backend::Flex, Backend::NdArray] {
            let device = backend.device().unwrap();
            // 0.1 is not representable in f32: an f32 round trip would give 0.10000000149.
            let v = to_vec(vector(&[0.1], &device));
            assert_eq!(v, vec![0.1]);
            // configuring twice is fine
            backend.device().unwrap();
        }
    }

    #[test]
    fn every_backend_is_named_and_parsed_back() {
        for backend in Backend::ALL {
            assert_eq!(backend.name().parse::<Backend>().unwrap(), backend);
            assert_eq!(
                backend
                    .to_string()
                    .to_uppercase()
                    .parse::<Backend>()
                    .unwrap(),
                backend
            );
        }
        let e = "tpu".parse::<Backend>().unwrap_err().to_string();
        assert!(e.contains("unknown device 'tpu'"), "{e}");
    }

    /// A GPU backend this build lacks is refused in words that say how to build it.
    #[test]
    fn a_backend_not_built_in_says_which_feature_it_needs() {
        for backend in [Backend::Wgpu, Backend::Cuda] {
            if backend.is_built() {
                continue;
            }
            let e = backend.device().unwrap_err().to_string();
            assert!(
                e.contains(&format!("built without the {backend} backend"))
                    && e.contains(&format!("--features {backend}")),
                "{e}"
            );
        }
    }

    #[test]
    fn blocked_sum_is_accurate() {
        let device = default_device().unwrap();
        // 10⁶ copies of 0.1 (+ 7 to leave a ragged last block): the exact sum is 100000.7
        // within 1e-11 (0.1 is 0.1000000000000000055511151231257827 in binary)
        let v = vec![0.1; 1_000_007];
        let s = scalar(sum(vector(&v, &device)));
        assert!((s - 100_000.7).abs() < 1e-8, "{s}");
    }

    #[test]
    fn gradient_of_a_quadratic() {
        let device = default_device().unwrap();
        // f(u) = -sum (u - 1)^2 has gradient -2(u - 1): closed form.
        let f = |u: Tensor<1>| (u - 1.0).square().sum().neg();
        let (v, g) = value_and_gradient(&f, &[0.0, 3.0], &device);
        assert_eq!(v, -5.0);
        assert_eq!(g, vec![2.0, -4.0]);
        assert_eq!(value(&f, &[0.0, 3.0], &device), -5.0);
    }
}
