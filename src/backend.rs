//! The one place that talks to burn: device choice, f64 configuration, moving data between
//! host vectors and tensors, and the value / value-and-gradient evaluations that the optimizer
//! needs.
//!
//! burn is pinned (`=0.22.1`) because its API moves between releases; everything that would have
//! to change with it lives in this file.
//!
//! Two CPU backends are supported: [`Backend::Flex`] (the default, chosen by measurement:
//! see `benches/logistic.rs` and the README) and [`Backend::NdArray`] (burn-ndarray, deprecated
//! upstream but kept supported).

use std::str::FromStr;

pub use burn::tensor::{Device, Int, Tensor, TensorData, activation};
use burn::tensor::{DeviceError, FloatDType};

use crate::error::{MleError, Result};

/// A CPU backend of burn on which models hold their data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// burn-flex: multiplies strided views without copies; the faster of the two.
    #[default]
    Flex,
    /// burn-ndarray.
    NdArray,
}

impl Backend {
    /// A plain (value-only) device of this backend, configured for `f64`.
    ///
    /// Configuration happens once per device and process; later calls check that the device
    /// still computes in `f64` and fail otherwise (someone else configured it differently).
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] when the device is already locked to another float type.
    pub fn device(self) -> Result<Device> {
        #[allow(deprecated)]
        // burn-ndarray is deprecated upstream in favour of flex; still supported.
        let mut device = match self {
            Backend::Flex => Device::flex(),
            Backend::NdArray => Device::ndarray(),
        };
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

    /// The backend's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::NdArray => "ndarray",
        }
    }
}

impl FromStr for Backend {
    type Err = MleError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "flex" => Ok(Backend::Flex),
            "ndarray" => Ok(Backend::NdArray),
            other => Err(MleError::InvalidOption(format!(
                "unknown backend '{other}' (expected flex or ndarray)"
            ))),
        }
    }
}

/// The default device: [`Backend::default`], in `f64`.
///
/// # Errors
/// As [`Backend::device`].
pub fn default_device() -> Result<Device> {
    Backend::default().device()
}

/// The default device, made once for the process: where models without a device of their own
/// ([`crate::model::Likelihood`]) keep their tensors. Should the default backend have been
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
