//! Separation in binary and binomial data: when a linear predictor can sort every all-success row
//! from every all-failure row, the log-likelihood keeps rising as the coefficients grow, and the
//! maximum likelihood estimate does not exist.
//!
//! The check works on the linear predictor `η = Xβ` at the optimizer's last iterate. Write
//! `sᵢ = +1` for a row whose trials all succeeded, `sᵢ = -1` for one whose trials all failed and
//! `sᵢ = 0` for a mixed row.
//! - **Complete separation (a proof).** If there is no mixed row and `sᵢ ηᵢ > 0` for every row,
//!   then `β` itself separates the data: along the ray `tβ`, `t → ∞`, every term of
//!   `ℓ = Σ [kᵢ ηᵢ − mᵢ ln(1 + e^{ηᵢ})]` rises towards 0, so `ℓ` has no maximum.
//! - **Quasi-complete separation (numerically certified).** Some rows are fitted at probability 0
//!   or 1 (`sᵢ ηᵢ > 30`, within `e^{-30} ≈ 1e-13` of their observed value), no row is confidently
//!   wrong, and the direction `d` of least curvature of the log-likelihood (the eigenvector of the
//!   smallest eigenvalue of `XᵀWX`) separates: `sᵢ xᵢd ≥ 0` on every all-success or all-failure
//!   row, `xᵢd = 0` on every mixed row (both to `1e-6 · maxᵢ |xᵢd|`), and `sᵢ xᵢd > 0` somewhere.
//!   Along such a `d` the log-likelihood never decreases and keeps rising: no maximum.

/// How the data are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeparationKind {
    /// The estimate's linear predictor classifies every row perfectly: proven.
    Complete,
    /// Some rows are fitted with probability 0 or 1 along a separating direction.
    QuasiComplete,
}

/// A separation found at an estimate.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Separation {
    /// Complete (proven) or quasi-complete (diagnosed).
    pub kind: SeparationKind,
    /// Number of rows the separating direction puts strictly on their side (all rows for
    /// complete separation); their fitted probabilities tend to 0 or 1.
    pub n_separated: usize,
    /// Up to ten of those rows, 1-based.
    pub example_rows: Vec<usize>,
    /// The direction along which the log-likelihood keeps rising, by parameter name: `β / ‖β‖`
    /// for complete separation, the certified direction `d` for quasi-complete separation.
    pub direction: Vec<(String, f64)>,
}

impl Separation {
    /// Threshold on `sᵢ ηᵢ` beyond which a row counts as fitted at probability 0 or 1.
    pub const BOUNDARY_ETA: f64 = 30.0;

    /// Relative tolerance of the quasi-complete certificate.
    pub const CERTIFICATE_TOL: f64 = 1e-6;

    /// Checks `η = Xβ` for separation. `successes` and `trials` are per row (trials 1 for binary
    /// data); `direction` gives a candidate direction `d` with its products `Xd`, for the
    /// quasi-complete certificate: it is called only when that certificate is needed (a pass
    /// over the data saved in the common case of no separation).
    pub fn check(
        eta: &[f64],
        successes: &[f64],
        trials: &[f64],
        names: &[String],
        beta: &[f64],
        direction: Option<&dyn Fn() -> (Vec<f64>, Vec<f64>)>,
    ) -> Option<Self> {
        let sign = |i: usize| {
            if successes[i] == trials[i] {
                1.0
            } else if successes[i] == 0.0 {
                -1.0
            } else {
                0.0
            }
        };
        let n = eta.len();
        // one pass: is every row on its side (no mixed row, sᵢηᵢ > 0), is some row at the
        // boundary, is some row confidently wrong
        let (mut complete, mut boundary, mut wrong) = (true, false, false);
        for (i, e) in eta.iter().enumerate() {
            let s = sign(i);
            let se = s * e;
            complete &= se > 0.0;
            boundary |= se > Self::BOUNDARY_ETA;
            wrong |= se < -Self::BOUNDARY_ETA;
        }
        let certified = |(d, xd): (Vec<f64>, Vec<f64>)| -> Option<(Vec<f64>, Vec<usize>)> {
            // orient d so that it points the way the log-likelihood rises
            let orient: f64 = (0..n).map(|i| sign(i) * xd[i]).sum::<f64>().signum();
            let scale = xd.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let tol = Self::CERTIFICATE_TOL * scale;
            let ok = scale > 0.0
                && (0..n).all(|i| match sign(i) {
                    0.0 => xd[i].abs() <= tol,
                    s => s * orient * xd[i] >= -tol,
                })
                && (0..n).any(|i| sign(i) * orient * xd[i] > tol);
            let separated = (0..n).filter(|&i| sign(i) * orient * xd[i] > tol).collect();
            ok.then(|| (d.iter().map(|v| v * orient).collect(), separated))
        };
        let (kind, dir, rows): (_, _, Vec<usize>) = if complete {
            (SeparationKind::Complete, beta.to_vec(), (0..n).collect())
        } else if boundary && !wrong {
            match direction.map(|f| f()).and_then(certified) {
                Some((d, rows)) => (SeparationKind::QuasiComplete, d, rows),
                None => return None,
            }
        } else {
            return None;
        };
        let norm = dir.iter().map(|b| b * b).sum::<f64>().sqrt();
        Some(Self {
            kind,
            n_separated: rows.len(),
            example_rows: rows.iter().take(10).map(|i| i + 1).collect(),
            direction: names
                .iter()
                .cloned()
                .zip(dir.iter().map(|b| b / norm))
                .collect(),
        })
    }

    /// A sentence for users.
    pub fn explain(&self) -> String {
        let direction = self
            .direction
            .iter()
            .map(|(n, d)| format!("{d:+.4}·{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        match self.kind {
            SeparationKind::Complete => format!(
                "perfect separation: the linear predictor classifies all {} rows without error, \
                 so the log-likelihood rises towards 0 as the coefficients grow along \
                 ({direction}); the maximum likelihood estimate does not exist. Remove the \
                 separating covariates, add an L2 penalty, or use a bias-reduced (Firth) fit",
                self.n_separated
            ),
            SeparationKind::QuasiComplete => format!(
                "quasi-complete separation: along ({direction}) the log-likelihood keeps rising, \
                 and {} rows (e.g. rows {:?}) are driven to fitted probability 0 or 1; the maximum \
                 likelihood estimate does not exist. Remove the separating covariates or add an L2 \
                 penalty",
                self.n_separated, self.example_rows
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_separation_is_proven() {
        // y = 1 exactly where x > 0; η = 5x separates them.
        let x = [-2.0, -1.0, 1.0, 2.0];
        let y = [0.0, 0.0, 1.0, 1.0];
        let eta: Vec<f64> = x.iter().map(|v| 5.0 * v).collect();
        let s = Separation::check(&eta, &y, &[1.0; 4], &["x".into()], &[5.0], None).unwrap();
        assert_eq!(s.kind, SeparationKind::Complete);
        assert_eq!(s.n_separated, 4);
    }

    #[test]
    fn overlapping_data_are_not_separated() {
        let eta = [-1.0, 0.5, -0.2, 2.0];
        let y = [0.0, 0.0, 1.0, 1.0];
        assert!(Separation::check(&eta, &y, &[1.0; 4], &["x".into()], &[1.0], None).is_none());
    }
}
