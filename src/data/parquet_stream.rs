//! A Parquet file whose design would not fit the memory budget, read out of core: record batch
//! by record batch (row group by row group), only the columns the model uses, each batch's
//! design rows written to the spill file as they are made.
//!
//! The same plain models as the CSV reader's one pass (a response column, numeric covariates,
//! trials; no formula terms beyond columns, no offset, clusters or weights). A null, a value
//! that is not finite, or a column that is not numeric makes it return `None`, and the general
//! path reads the file into memory and names what is wrong.

use std::path::Path;

use arrow_array::Array;
use parquet::arrow::ProjectionMask;

use super::builder::DesignBuilder;
use super::frame::ModelFrame;
use super::parquet::{error, numbers, open};
use super::store::{SpillWriter, over_budget};
use super::stream::{Plan, Slot, Trials};
use crate::error::Result;

impl DesignBuilder {
    /// The frame of the Parquet file at `path` (whose columns are `names`) with its design in
    /// a spill file, when a memory budget is set and the design would exceed it; `None` where
    /// the design fits, or the model or the file needs the general path.
    ///
    /// # Errors
    /// Reading the file; writing the spill.
    pub(super) fn spill_parquet(
        &self,
        path: &Path,
        names: &[String],
    ) -> Result<Option<ModelFrame>> {
        let Some(budget) = self.memory else {
            return Ok(None);
        };
        let Some(plan) = Plan::new(self, names) else {
            return Ok(None);
        };
        let builder = open(path)?;
        let n = usize::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
        let p = plan.names.len();
        let trials = plan.trials == Some(Trials::Column);
        if n == 0 || !over_budget(n, p, trials, budget) {
            return Ok(None);
        }
        // the columns read, in the file's order: the batches' columns
        let wanted: Vec<usize> = (0..names.len())
            .filter(|&i| plan.slots[i] != Slot::Skip)
            .collect();
        let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().copied());
        let reader = builder
            .with_projection(mask)
            .build()
            .map_err(|e| error(path, e))?;
        let mut writer = SpillWriter::create(&self.spill_directory(), budget / 4)?;
        let (mut y, mut m) = (Vec::with_capacity(n), Vec::new());
        let mut x = Vec::new();
        let mut read = 0;
        for batch in reader {
            let batch = batch.map_err(|e| error(path, e))?;
            let rows = batch.num_rows();
            x.clear();
            x.resize(rows * p, 0.0);
            if plan.intercept {
                x.iter_mut().step_by(p).for_each(|v| *v = 1.0);
            }
            for (k, &field) in wanted.iter().enumerate() {
                let array = batch.column(k);
                let Some(get) = numbers(array).filter(|_| array.null_count() == 0) else {
                    return Ok(None);
                };
                let values = (0..rows).map(&get);
                if (0..rows).any(|i| !get(i).is_finite()) {
                    return Ok(None);
                }
                match plan.slots[field] {
                    Slot::Response => y.extend(values),
                    Slot::Trials => m.extend(values),
                    Slot::Covariate(j) => {
                        for (i, v) in values.enumerate() {
                            x[i * p + j] = v;
                        }
                    }
                    Slot::Skip => {}
                }
            }
            writer.append(&x)?;
            read += rows;
        }
        if read == 0 {
            return Ok(None);
        }
        let x = writer.finish()?;
        self.plain_frame(path, plan, read, x, y, m).map(Some)
    }
}
