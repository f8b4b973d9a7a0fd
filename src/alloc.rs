//! Fallible reservation of the buffers that grow with the data (columns, designs): memory that
//! cannot be had is an error saying how much was needed, not an abort of the process.

use crate::error::{MleError, Result};

/// Reserves room for exactly `additional` more elements in `v`.
///
/// # Errors
/// [`MleError::OutOfMemory`] naming `what` and the bytes `v` would have held.
pub(crate) fn reserve<T>(v: &mut Vec<T>, additional: usize, what: &str) -> Result<()> {
    v.try_reserve_exact(additional)
        .map_err(|_| MleError::OutOfMemory {
            what: what.to_string(),
            bytes: v
                .len()
                .saturating_add(additional)
                .saturating_mul(size_of::<T>()),
        })
}

/// Reserves room for `total` elements in all in `v`.
///
/// # Errors
/// [`MleError::OutOfMemory`] naming `what` and the bytes asked for.
pub(crate) fn reserve_total<T>(v: &mut Vec<T>, total: usize, what: &str) -> Result<()> {
    let additional = total.saturating_sub(v.len());
    reserve(v, additional, what)
}

/// `f(0), f(1), …, f(n − 1)`, in memory reserved fallibly.
///
/// # Errors
/// [`MleError::OutOfMemory`] naming `what`.
pub(crate) fn collect_n<T>(n: usize, what: &str, f: impl FnMut(usize) -> T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    reserve(&mut v, n, what)?;
    v.extend((0..n).map(f));
    Ok(v)
}

/// A byte count for people: `1.5 GiB`, `12.0 MiB`, `640 bytes`.
pub(crate) fn human_bytes(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_reservation_is_an_error_naming_its_size() {
        let mut v: Vec<f64> = Vec::new();
        let err = reserve(&mut v, usize::MAX / 16, "the design").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("the design") && text.contains("TiB"),
            "{text}"
        );
        assert!(matches!(err, MleError::OutOfMemory { .. }));
        let mut v = vec![1.0];
        reserve_total(&mut v, 10, "x").unwrap();
        assert!(v.capacity() >= 10 && v.len() == 1);
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(human_bytes(640), "640 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(177_756_216), "169.5 MiB");
    }
}
