//! Removing duplicate rows within `work_mem`, for DISTINCT and UNION.
//!
//! Rows are remembered in a hash set and a new one is passed on at once.
//! When the set's estimated size passes `work_mem`, rows not in it are no
//! longer passed on but sent to an [`ExternalSorter`]; at the end they come
//! back sorted, and each run of equal rows yields one row. (A row is either
//! in the set, hence already passed on, or reaches the sorter only.)

use std::cmp::Ordering;

use assay_storage::Result;
use rustc_hash::FxHashSet as HashSet;

use super::hashkey::HashKey;
use super::sort::{compare_keys, row_size, ExternalSorter, SortedRows};
use crate::exec::context::ExecContext;
use crate::exec::storage::Row;
use crate::plan::{ScalarExpr, SortKey};

#[derive(Default)]
pub(crate) struct Dedup {
    seen: HashSet<HashKey>,
    bytes: usize,
    sorter: Option<ExternalSorter>,
    keys: Vec<SortKey>,
    sorted: Option<SortedRows>,
    last: Option<Row>,
}

impl Dedup {
    /// `Some(row)` if the row is new and may be passed on now.
    pub(crate) fn offer(&mut self, row: Row, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        let key = HashKey(row);
        if self.seen.contains(&key) {
            return Ok(None);
        }
        if self.bytes <= ctx.work_mem {
            self.bytes += row_size(&key.0) + 32;
            let row = key.0.clone();
            self.seen.insert(key);
            return Ok(Some(row));
        }
        if self.sorter.is_none() {
            self.keys = (0..key.0.len())
                .map(|i| SortKey {
                    expr: ScalarExpr::Column(i),
                    descending: false,
                    nulls_first: false,
                })
                .collect();
            self.sorter = Some(ExternalSorter::new(self.keys.clone(), None));
        }
        if let Some(sorter) = self.sorter.as_mut() {
            sorter.push(key.0.clone(), key.0, ctx)?;
        }
        Ok(None)
    }

    /// After the input: the spilled rows, each distinct one once.
    pub(crate) fn drain(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if let Some(sorter) = self.sorter.take() {
            self.seen.clear();
            self.sorted = Some(sorter.finish());
        }
        let Some(sorted) = self.sorted.as_mut() else {
            return Ok(None);
        };
        while let Some(row) = sorted.next(ctx)? {
            let dup = self.last.as_ref().is_some_and(|l| {
                l.len() == row.len() && compare_keys(l, &row, &self.keys) == Ordering::Equal
            });
            if !dup {
                self.last = Some(row.clone());
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}
