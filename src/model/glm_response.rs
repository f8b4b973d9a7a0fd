//! The response of a [`super::Glm`]: responses, trials, an offset and frequency weights.

/// A response for a [`super::Glm`]: the responses, the trials of a binomial response (one per row when
/// absent) and an offset added to the linear predictor (`ln` exposure for a rate).
#[derive(Debug, Clone, Copy, Default)]
pub struct Response<'a> {
    /// `yᵢ` (successes for the binomial family).
    pub y: &'a [f64],
    /// Trials `mᵢ`, binomial family only.
    pub trials: Option<&'a [f64]>,
    /// The offset `oᵢ`.
    pub offset: Option<&'a [f64]>,
    /// Frequency weights `wᵢ`: row `i` stands for `wᵢ` identical observations (a positive
    /// whole number), so that `ℓ = Σᵢ wᵢ ℓᵢ`, `n = Σᵢ wᵢ`, and every estimate, standard error
    /// (robust ones included) and test equals that of the data with each row repeated `wᵢ`
    /// times.
    pub weights: Option<&'a [f64]>,
}

impl<'a> Response<'a> {
    /// Responses alone.
    pub fn new(y: &'a [f64]) -> Self {
        Self {
            y,
            trials: None,
            offset: None,
            weights: None,
        }
    }

    /// The same response with frequency weights.
    #[must_use]
    pub fn weighted(self, weights: &'a [f64]) -> Self {
        Self {
            weights: Some(weights),
            ..self
        }
    }
}
