//! Sort, with top-N and external merge sort.
//!
//! Rows are buffered with their evaluated key values. With a `limit` only
//! the best `limit` rows are kept (the buffer is cut back to them whenever
//! it doubles). Without one, when the buffer's estimated size passes
//! `ctx.work_mem` it is sorted and written out as a *run* through
//! [`TableAccess::spill_write`](crate::exec::TableAccess::spill_write)
//! (storage keeps runs in a temporary tree or file behind the VFS); at the
//! end the runs and the last in-memory buffer are merged, reading each run
//! a chunk at a time, so memory stays near `work_mem` whatever the input
//! size. Every row carries its input sequence number, and ties between
//! runs go to the earlier run, so the sort is stable.

use std::cmp::Ordering;

use assay_storage::Result;

use crate::exec::context::ExecContext;
use crate::exec::eval::eval;
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::plan::SortKey;
use crate::types::{compare, Value};

/// Rows read from a spilled run at a time.
const RUN_CHUNK: usize = 256;

/// Evaluates the sort keys over a row.
pub(crate) fn eval_keys(
    keys: &[SortKey],
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        out.push(eval(&k.expr, row, ctx)?);
    }
    Ok(out)
}

/// Orders two rows' key values by the keys' directions and NULL placement.
pub(crate) fn compare_keys(a: &[Value], b: &[Value], keys: &[SortKey]) -> Ordering {
    for ((x, y), k) in a.iter().zip(b).zip(keys) {
        let ord = compare_one(x, y, k);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Orders two rows column by column, each ascending with NULLs last (the
/// default sort order).
pub(crate) fn compare_ascending(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => fast_compare(x, y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

/// Orders two values of one sort key.
#[inline]
fn compare_one(x: &Value, y: &Value, k: &SortKey) -> Ordering {
    match (x.is_null(), y.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) if k.nulls_first => Ordering::Less,
        (true, false) => Ordering::Greater,
        (false, true) if k.nulls_first => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let o = fast_compare(x, y);
            if k.descending {
                o.reverse()
            } else {
                o
            }
        }
    }
}

/// `types::compare`, with the common same-type cases first.
#[inline]
fn fast_compare(x: &Value, y: &Value) -> Ordering {
    match (x, y) {
        (Value::Int8(a), Value::Int8(b)) => a.cmp(b),
        (Value::Int4(a), Value::Int4(b)) => a.cmp(b),
        (Value::Int2(a), Value::Int2(b)) => a.cmp(b),
        (Value::Text(a), Value::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
        (Value::Date(a), Value::Date(b)) => a.cmp(b),
        (Value::Timestamp(a), Value::Timestamp(b))
        | (Value::TimestampTz(a), Value::TimestampTz(b)) => a.cmp(b),
        _ => compare(x, y),
    }
}

/// Estimated bytes a value holds.
pub(crate) fn value_size(v: &Value) -> usize {
    std::mem::size_of::<Value>()
        + match v {
            Value::Text(s) | Value::Json(s) => s.len(),
            Value::Bytea(b) => b.len(),
            Value::Numeric(_) => 32,
            Value::Array(a) => a.items.iter().map(value_size).sum(),
            Value::Jsonb(_) => 64,
            _ => 0,
        }
}

pub(crate) fn row_size(row: &[Value]) -> usize {
    row.iter().map(value_size).sum::<usize>() + std::mem::size_of::<Row>()
}

/// A buffered row: its keys, then the row itself.
/// The first key is kept inline: comparing entries on it touches no other
/// memory, which is most of a sort's time.
struct Entry {
    first: Value,
    rest: Vec<Value>,
    row: Row,
}

impl Entry {
    fn new(mut keys: Vec<Value>, row: Row) -> Entry {
        if keys.len() <= 1 {
            let first = keys.pop().unwrap_or(Value::Null);
            return Entry {
                first,
                rest: Vec::new(),
                row,
            };
        }
        let first = keys.remove(0);
        Entry {
            first,
            rest: keys,
            row,
        }
    }

    fn compare(&self, other: &Entry, keys: &[SortKey]) -> Ordering {
        match keys.split_first() {
            None => Ordering::Equal,
            Some((k, rest)) => compare_one(&self.first, &other.first, k)
                .then_with(|| compare_keys(&self.rest, &other.rest, rest)),
        }
    }
}

/// Sorts rows by precomputed key values within `work_mem`, spilling sorted
/// runs to storage past it; then yields the rows in order, merging runs.
/// Used by Sort and by aggregation that outgrows memory.
pub(crate) struct ExternalSorter {
    keys: Vec<SortKey>,
    /// Keep only the first rows (top-N): no spilling then.
    keep: Option<usize>,
    buf: Vec<Entry>,
    bytes: usize,
    runs: Vec<u64>,
}

impl ExternalSorter {
    pub(crate) fn new(keys: Vec<SortKey>, keep: Option<usize>) -> ExternalSorter {
        ExternalSorter {
            keys,
            keep,
            buf: Vec::new(),
            bytes: 0,
            runs: Vec::new(),
        }
    }

    fn sort(&mut self) {
        let keys = &self.keys;
        self.buf.sort_by(|a, b| a.compare(b, keys));
    }

    /// Adds a row with its key values.
    pub(crate) fn push(
        &mut self,
        keys: Vec<Value>,
        row: Row,
        ctx: &mut ExecContext<'_>,
    ) -> Result<()> {
        self.push_entry(Entry::new(keys, row), ctx)
    }

    /// Adds a row evaluating the sort keys over it.
    pub(crate) fn push_row(&mut self, row: Row, ctx: &mut ExecContext<'_>) -> Result<()> {
        let (first, rest) = match self.keys.split_first() {
            None => (Value::Null, Vec::new()),
            Some((k, rest)) => (eval(&k.expr, &row, ctx)?, eval_keys(rest, &row, ctx)?),
        };
        self.push_entry(Entry { first, rest, row }, ctx)
    }

    fn push_entry(&mut self, entry: Entry, ctx: &mut ExecContext<'_>) -> Result<()> {
        let width = self.keys.len();
        match self.keep {
            Some(n) => {
                self.buf.push(entry);
                if self.buf.len() >= 2 * n.max(16) {
                    self.sort();
                    self.buf.truncate(n);
                }
            }
            None => {
                self.bytes += row_size(&entry.row)
                    + value_size(&entry.first)
                    + entry.rest.iter().map(value_size).sum::<usize>();
                self.buf.push(entry);
                if self.bytes > ctx.work_mem && self.buf.len() > 1 {
                    self.sort();
                    let rows = self.buf.drain(..).map(|e| join_entry(e, width)).collect();
                    self.runs.push(ctx.tables.spill_write(rows)?);
                    self.bytes = 0;
                }
            }
        }
        Ok(())
    }

    /// The rows in order.
    pub(crate) fn finish(mut self) -> SortedRows {
        self.sort();
        if let Some(n) = self.keep {
            self.buf.truncate(n);
        }
        let width = self.keys.len();
        if self.runs.is_empty() {
            return SortedRows {
                keys: self.keys,
                output: Output::Memory(self.buf.into_iter()),
            };
        }
        let mut sources = Vec::with_capacity(self.runs.len() + 1);
        for run in self.runs {
            sources.push(Source {
                run: Some(run),
                next: 0,
                chunk: std::collections::VecDeque::new(),
                done: false,
            });
        }
        sources.push(Source {
            run: None,
            next: 0,
            chunk: self.buf.into_iter().map(|e| join_entry(e, width)).collect(),
            done: true,
        });
        SortedRows {
            keys: self.keys,
            output: Output::Merge(Merger { sources, width }),
        }
    }
}

/// The output of an [`ExternalSorter`].
pub(crate) struct SortedRows {
    keys: Vec<SortKey>,
    output: Output,
}

impl SortedRows {
    pub(crate) fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        match &mut self.output {
            Output::Memory(it) => Ok(it.next().map(|e| e.row)),
            Output::Merge(m) => m.next(&self.keys, ctx),
        }
    }
}

pub(crate) struct SortOp {
    input: BoxOp,
    keys: Vec<SortKey>,
    limit: Option<u64>,
    output: Option<SortedRows>,
}

enum Output {
    Memory(std::vec::IntoIter<Entry>),
    Merge(Merger),
}

impl SortOp {
    pub(crate) fn new(input: BoxOp, keys: Vec<SortKey>, limit: Option<u64>) -> SortOp {
        SortOp {
            input,
            keys,
            limit,
            output: None,
        }
    }

    fn fill(&mut self, ctx: &mut ExecContext<'_>) -> Result<SortedRows> {
        let mut sorter = ExternalSorter::new(self.keys.clone(), self.limit.map(|l| l as usize));
        while let Some(row) = self.input.next(ctx)? {
            ctx.tick()?;
            sorter.push_row(row, ctx)?;
        }
        Ok(sorter.finish())
    }
}

/// A spilled row: the keys, then the row.
fn join_entry(e: Entry, width: usize) -> Row {
    let mut r = Vec::with_capacity(width + e.row.len());
    if width > 0 {
        r.push(e.first);
        r.extend(e.rest);
    }
    r.extend(e.row);
    r
}

impl Operator for SortOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if self.output.is_none() {
            self.output = Some(self.fill(ctx)?);
        }
        match self.output.as_mut() {
            Some(out) => out.next(ctx),
            None => Ok(None),
        }
    }
}

/// One sorted run being merged: spilled (read a chunk at a time) or the
/// final in-memory buffer. Rows are keys followed by the row.
struct Source {
    run: Option<u64>,
    next: usize,
    chunk: std::collections::VecDeque<Row>,
    done: bool,
}

impl Source {
    fn head(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<&Row>> {
        if self.chunk.is_empty() && !self.done {
            if let Some(run) = self.run {
                let rows = ctx.tables.spill_read(run, self.next, RUN_CHUNK)?;
                self.next += rows.len();
                if rows.len() < RUN_CHUNK {
                    self.done = true;
                    ctx.tables.spill_drop(run)?;
                }
                self.chunk.extend(rows);
            }
        }
        Ok(self.chunk.front())
    }
}

struct Merger {
    sources: Vec<Source>,
    width: usize,
}

impl Merger {
    /// The smallest head among the sources (the first source on ties, which
    /// keeps the merge stable). A linear pick: runs are few.
    fn next(&mut self, keys: &[SortKey], ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        let mut best: Option<usize> = None;
        for i in 0..self.sources.len() {
            if self.sources[i].head(ctx)?.is_none() {
                continue;
            }
            best = match best {
                None => Some(i),
                Some(b) => {
                    let (x, y) = (&self.sources[i].chunk[0], &self.sources[b].chunk[0]);
                    if compare_keys(&x[..self.width], &y[..self.width], keys) == Ordering::Less {
                        Some(i)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        Ok(best
            .and_then(|b| self.sources[b].chunk.pop_front())
            .map(|mut r| r.split_off(self.width)))
    }
}
