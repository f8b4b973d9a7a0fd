//! The response of a [`super::Glm`]: responses, trials and an offset.

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
}

impl<'a> Response<'a> {
    /// Responses alone.
    pub fn new(y: &'a [f64]) -> Self {
        Self {
            y,
            trials: None,
            offset: None,
        }
    }
}
