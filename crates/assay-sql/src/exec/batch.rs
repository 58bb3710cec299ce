//! [`RowBatch`]: rows handed from an operator to its consumer a batch at a
//! time, in row buffers the consumer keeps from one batch to the next.
//!
//! Row by row, a scan feeding an aggregate passes each row as an owned
//! `Vec<Value>` up a chain of calls (operator, table access, range scan,
//! cursor), and the consumer gives the buffer back to be cleared and
//! refilled. With a batch, the consumer asks once
//! ([`Operator::next_batch`](super::Operator::next_batch)) and the scan
//! fills up to [`BATCH_ROWS`] rows in one call, decoding each stored row
//! straight into the batch's buffer for it: only the columns the plan reads
//! are written, the others stay NULL from the batch before, and nothing is
//! allocated, pushed or dropped per row once the buffers exist. The
//! consumer reads the rows in place. A batch that is not full is the
//! input's last: the consumer does not ask again. A batch holds at most [`BATCH_ROWS`]
//! rows whatever the table's size.
//!
//! An operator without a batch path of its own fills the batch from its
//! `next` ([`fill_by_rows`]), so every operator can feed a batch consumer.

use assay_storage::Result;

use super::context::ExecContext;
use super::storage::Row;
use crate::types::Value;

/// Rows in a full batch.
pub const BATCH_ROWS: usize = 64;

/// Up to [`BATCH_ROWS`] rows (its capacity); the buffers of rows past its length are kept
/// for the next batch.
pub struct RowBatch {
    rows: Vec<Row>,
    len: usize,
    /// Rows in a full batch: [`BATCH_ROWS`], or fewer for a scan that reads
    /// ahead of a row-at-a-time consumer (see [`RowBatch::set_capacity`]).
    capacity: usize,
}

impl Default for RowBatch {
    fn default() -> RowBatch {
        RowBatch {
            rows: Vec::new(),
            len: 0,
            capacity: BATCH_ROWS,
        }
    }
}

impl RowBatch {
    pub fn new() -> RowBatch {
        RowBatch::default()
    }

    /// Makes a full batch `n` rows (1 to [`BATCH_ROWS`]).
    pub fn set_capacity(&mut self, n: usize) {
        self.capacity = n.clamp(1, BATCH_ROWS);
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The batch's rows.
    pub fn rows(&self) -> &[Row] {
        &self.rows[..self.len]
    }

    /// The batch's rows, for a consumer that moves values out of them.
    pub fn rows_mut(&mut self) -> &mut [Row] {
        &mut self.rows[..self.len]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_full(&self) -> bool {
        self.len >= self.capacity
    }

    /// Empties the batch, keeping its row buffers (and their values, which
    /// the next fill overwrites).
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Adds an owned row; the buffer it replaces, if it has room, becomes
    /// `spare` (emptied) for the producer's next row.
    pub fn push_keeping_spare(&mut self, row: Row, spare: &mut Row) {
        let mut old = self.push(row);
        if old.capacity() > 0 {
            old.clear();
            *spare = old;
        }
    }

    /// Adds an owned row; returns the buffer it replaces (empty when none).
    pub fn push(&mut self, row: Row) -> Row {
        let old = match self.rows.get_mut(self.len) {
            Some(slot) => std::mem::replace(slot, row),
            None => {
                self.rows.push(row);
                Vec::new()
            }
        };
        self.len += 1;
        old
    }

    /// The buffer of the next row, `width` values long: a producer
    /// overwrites it in place (values of an earlier batch may be in it),
    /// then adds it with [`RowBatch::commit`].
    #[inline]
    pub fn slot(&mut self, width: usize) -> &mut Row {
        if self.len == self.rows.len() {
            self.rows.push(vec![Value::Null; width]);
        }
        let row = &mut self.rows[self.len];
        if row.len() != width {
            row.resize_with(width, || Value::Null);
        }
        row
    }

    /// Adds the row written into [`RowBatch::slot`].
    pub fn commit(&mut self) {
        self.len += 1;
    }

    /// Keeps only the rows from `from` on that `keep` accepts, in order;
    /// the others' buffers stay for the next batch.
    pub fn retain_from(
        &mut self,
        from: usize,
        mut keep: impl FnMut(&Row) -> Result<bool>,
    ) -> Result<()> {
        let mut kept = from;
        for i in from..self.len {
            if keep(&self.rows[i])? {
                self.rows.swap(kept, i);
                kept += 1;
            }
        }
        self.len = kept;
        Ok(())
    }
}

/// Fills `batch` (cleared first) from a row-at-a-time source, up to a
/// full batch or the source's end. Buffers the new rows replace go back to
/// the context's spare rows.
pub fn fill_by_rows(
    ctx: &mut ExecContext<'_>,
    batch: &mut RowBatch,
    mut next: impl FnMut(&mut ExecContext<'_>) -> Result<Option<Row>>,
) -> Result<()> {
    batch.clear();
    while !batch.is_full() {
        match next(ctx)? {
            Some(row) => {
                let old = batch.push(row);
                ctx.recycle(old);
            }
            None => break,
        }
    }
    Ok(())
}

/// Copies `src` over `dst` value by value (equal lengths): the scalar
/// kinds inline, others through `Clone`; a NULL over a NULL writes
/// nothing. A producer that fills a batch slot from rows of its own (a
/// join's left and right rows) so avoids a call per value.
#[inline]
pub fn assign_values(dst: &mut [Value], src: &[Value]) {
    for (d, s) in dst.iter_mut().zip(src) {
        match s {
            Value::Null if d.is_null() => {}
            Value::Null => *d = Value::Null,
            Value::Bool(b) => *d = Value::Bool(*b),
            Value::Int2(i) => *d = Value::Int2(*i),
            Value::Int4(i) => *d = Value::Int4(*i),
            Value::Int8(i) => *d = Value::Int8(*i),
            Value::Float4(f) => *d = Value::Float4(*f),
            Value::Float8(f) => *d = Value::Float8(*f),
            other => d.clone_from(other),
        }
    }
}
