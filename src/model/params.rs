//! Parameters by name and by block, for models of independent rows ([`super::Likelihood`]).
//!
//! A model declares its parameters as blocks: a **linear predictor** `ηᵢ = xᵢᵀβ` over a
//! [`Design`] (its coefficients named after the design's columns, or prefixed by the block's
//! name as statsmodels prefixes them: `inflate_x1`), or one **scalar** parameter (a dispersion `alpha`,
//! a shape, a probability), with its constraint. Its log-likelihood then reads each block by
//! name from a [`Theta`]: the linear predictor of a linear block, the value of a scalar one, for
//! the rows at hand ([`Rows`]). The framework computes `Xβ`, so a model never splits `θ` itself,
//! and the blocks are the directions along which it differentiates each row.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::{Constraint, Param, Role};
use crate::ad::Real;
use crate::backend::{self, Tensor};
use crate::data::{Design, INTERCEPT};

/// Rows per block of a blocked evaluation unless [`Params::block_rows`] says otherwise.
pub const DEFAULT_BLOCK_ROWS: usize = 4096;

/// A block of parameters.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// `η = Xβ`: the coefficients of a linear predictor.
    Linear {
        name: String,
        /// The coefficients' parameters, named.
        params: Vec<Param>,
        /// The design, row-major, shared with the caller's [`Design`].
        x: Arc<crate::data::Store>,
        /// Columns.
        p: usize,
        /// The design as a tensor, made on first use by the whole-data autodiff path.
        tensor: Arc<OnceLock<Tensor<2>>>,
    },
    /// One scalar parameter.
    Scalar(Param),
}

impl Block {
    pub(crate) fn name(&self) -> &str {
        match self {
            Block::Linear { name, .. } => name,
            Block::Scalar(p) => &p.name,
        }
    }

    /// Entries of `θ`.
    pub(crate) fn len(&self) -> usize {
        match self {
            Block::Linear { p, .. } => *p,
            Block::Scalar(_) => 1,
        }
    }
}

/// The parameters of a model of independent rows, in blocks.
///
/// # Examples
/// ```
/// use mle::data::Design;
/// use mle::model::{Param, Params};
/// let x = Design::from_columns(&["x1"], &[vec![0.5, 1.5, -1.0]], true)?;
/// let params = Params::new()
///     .linear("count", &x)
///     .linear_prefixed("inflate", &x)
///     .scalar(Param::positive("alpha", 1.0));
/// let names: Vec<String> = params.to_params().into_iter().map(|p| p.name).collect();
/// assert_eq!(names, ["intercept", "x1", "inflate_intercept", "inflate_x1", "alpha"]);
/// assert_eq!(params.block_names(), ["count", "inflate", "alpha"]);
/// assert_eq!(params.n_rows(), Some(3));
/// # Ok::<(), mle::MleError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Params {
    blocks: Vec<Block>,
    block_rows: usize,
}

impl Default for Params {
    fn default() -> Self {
        Self::new()
    }
}

impl Params {
    /// No parameters yet.
    pub fn new() -> Self {
        Self {
            blocks: Vec::new(),
            block_rows: DEFAULT_BLOCK_ROWS,
        }
    }

    /// A linear predictor `η = Xβ` named `name`, its coefficients starting at 0 and named after
    /// the design's columns (as statsmodels names a count model's). The design's intercept
    /// column gets the intercept role (never penalized).
    ///
    /// # Panics
    /// When a block of that name exists, or the design's rows differ from an earlier block's
    /// (programming errors).
    #[must_use]
    pub fn linear(self, name: &str, design: &Design) -> Self {
        self.add_linear(name, design, "")
    }

    /// As [`Params::linear`], the coefficients named `name_column` (as statsmodels prefixes a
    /// zero-inflated model's `inflate_` coefficients).
    ///
    /// # Panics
    /// As [`Params::linear`].
    #[must_use]
    pub fn linear_prefixed(self, name: &str, design: &Design) -> Self {
        self.add_linear(name, design, &format!("{name}_"))
    }

    fn add_linear(mut self, name: &str, design: &Design, prefix: &str) -> Self {
        self.check_new(name);
        if let Some(n) = self.n_rows() {
            assert_eq!(
                n,
                design.n_rows(),
                "block '{name}': {} rows where the others have {n}",
                design.n_rows()
            );
        }
        let params = design
            .names()
            .iter()
            .map(|col| {
                let role = if col == INTERCEPT {
                    Role::Intercept
                } else {
                    Role::Coefficient
                };
                Param::new(format!("{prefix}{col}"), 0.0, Constraint::Free, role)
            })
            .collect();
        self.blocks.push(Block::Linear {
            name: name.to_string(),
            params,
            x: design.shared_values(),
            p: design.n_cols(),
            tensor: Arc::default(),
        });
        self
    }

    /// One scalar parameter (its name is the block's).
    ///
    /// # Panics
    /// When a block of that name exists (a programming error).
    #[must_use]
    pub fn scalar(mut self, param: Param) -> Self {
        self.check_new(&param.name);
        self.blocks.push(Block::Scalar(param));
        self
    }

    /// Rows per block of the blocked evaluation (default [`DEFAULT_BLOCK_ROWS`]; at least 1).
    /// The blocks are evaluated in parallel and their sums added in block order, so the result
    /// does not depend on the number of threads; other block sizes change it by rounding only.
    #[must_use]
    pub fn block_rows(mut self, rows: usize) -> Self {
        self.block_rows = rows.max(1);
        self
    }

    fn check_new(&self, name: &str) {
        assert!(
            self.blocks.iter().all(|b| b.name() != name),
            "two parameter blocks are named '{name}'"
        );
    }

    /// The rows of the designs, when there is a linear block.
    pub fn n_rows(&self) -> Option<usize> {
        self.blocks.iter().find_map(|b| match b {
            Block::Linear { x, p, .. } => Some(x.len() / p.max(&1)),
            Block::Scalar(_) => None,
        })
    }

    /// Every parameter, block after block, in the order of `θ`.
    pub fn to_params(&self) -> Vec<Param> {
        self.blocks
            .iter()
            .flat_map(|b| match b {
                Block::Linear { params, .. } => params.clone(),
                Block::Scalar(p) => vec![p.clone()],
            })
            .collect()
    }

    /// The block names, in order.
    pub fn block_names(&self) -> Vec<&str> {
        self.blocks.iter().map(Block::name).collect()
    }

    pub(crate) fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    pub(crate) fn rows_per_block(&self) -> usize {
        self.block_rows
    }

    /// Where each block starts in `θ`.
    pub(crate) fn offsets(&self) -> Vec<usize> {
        let mut at = 0;
        self.blocks
            .iter()
            .map(|b| {
                let o = at;
                at += b.len();
                o
            })
            .collect()
    }

    /// The blocks of a whole-data tensor `θ` as a [`Theta`]: linear predictors `Xβ` (with the
    /// designs as tensors, made once) and scalars as one-element tensors.
    pub(crate) fn theta_tensor(&self, theta: Tensor<1>) -> Theta<'_, Tensor<1>> {
        let device = theta.device();
        let values = self
            .blocks
            .iter()
            .zip(self.offsets())
            .map(|(b, at)| match b {
                Block::Linear { x, p, tensor, .. } => {
                    let xt = tensor
                        .get_or_init(|| backend::matrix(x.to_vec(), x.len() / p, *p, &device));
                    backend::linear_predictor(xt, theta.clone().narrow(0, at, *p))
                }
                Block::Scalar(_) => theta.clone().narrow(0, at, 1),
            })
            .collect();
        Theta::new(self, values)
    }
}

/// The blocks of `θ` as numbers of the rows at hand: a linear block's `η` (one per row), a
/// scalar block's value.
pub struct Theta<'a, R> {
    params: &'a Params,
    values: Vec<R>,
}

impl<'a, R: Clone> Theta<'a, R> {
    pub(crate) fn new(params: &'a Params, values: Vec<R>) -> Self {
        Self { params, values }
    }

    /// The block called `name`: `η = Xβ` of a linear block, the value of a scalar one.
    ///
    /// # Panics
    /// When there is no such block (a programming error; the message lists the blocks).
    pub fn get(&self, name: &str) -> R {
        let i = self
            .params
            .blocks
            .iter()
            .position(|b| b.name() == name)
            .unwrap_or_else(|| {
                panic!(
                    "no parameter block named '{name}' (blocks: {})",
                    self.params.block_names().join(", ")
                )
            });
        self.values[i].clone()
    }
}

/// The rows a log-likelihood is evaluated on, and what makes their data numbers.
pub struct Rows<R: Real> {
    range: Range<usize>,
    shape: R::Shape,
}

impl<R: Real> Rows<R> {
    pub(crate) fn new(range: Range<usize>, shape: R::Shape) -> Self {
        Self { range, shape }
    }

    /// A column of the model's data (one value per row of the whole data set), for these rows.
    ///
    /// # Panics
    /// When the column is shorter than the data (a programming error).
    pub fn get(&self, column: &[f64]) -> R {
        assert!(
            column.len() >= self.range.end,
            "a data column of {} values for rows up to {}",
            column.len(),
            self.range.end
        );
        R::data(&column[self.range.clone()], &self.shape)
    }

    /// Which rows these are.
    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.range.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }
}
