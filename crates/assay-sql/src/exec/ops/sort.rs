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
        let ord = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => {
                if k.nulls_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (false, true) => {
                if k.nulls_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (false, false) => {
                let o = compare(x, y);
                if k.descending {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
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
struct Entry {
    keys: Vec<Value>,
    row: Row,
}

pub(crate) struct SortOp {
    input: BoxOp,
    keys: Vec<SortKey>,
    limit: Option<u64>,
    output: Option<Output>,
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

    fn sort(&self, buf: &mut [Entry]) {
        buf.sort_by(|a, b| compare_keys(&a.keys, &b.keys, &self.keys));
    }

    fn fill(&mut self, ctx: &mut ExecContext<'_>) -> Result<Output> {
        let mut buf: Vec<Entry> = Vec::new();
        let mut bytes = 0usize;
        let mut runs: Vec<u64> = Vec::new();
        let keep = self.limit.map(|l| l as usize);
        while let Some(row) = self.input.next(ctx)? {
            ctx.tick()?;
            let keys = eval_keys(&self.keys, &row, ctx)?;
            match keep {
                Some(n) => {
                    buf.push(Entry { keys, row });
                    if buf.len() >= 2 * n.max(16) {
                        self.sort(&mut buf);
                        buf.truncate(n);
                    }
                }
                None => {
                    bytes += row_size(&row) + row_size(&keys);
                    buf.push(Entry { keys, row });
                    if bytes > ctx.work_mem && buf.len() > 1 {
                        self.sort(&mut buf);
                        let width = self.keys.len();
                        let rows = buf.drain(..).map(|e| join_entry(e, width)).collect();
                        runs.push(ctx.tables.spill_write(rows)?);
                        bytes = 0;
                    }
                }
            }
        }
        self.sort(&mut buf);
        if let Some(n) = keep {
            buf.truncate(n);
        }
        if runs.is_empty() {
            return Ok(Output::Memory(buf.into_iter()));
        }
        let mut sources = Vec::with_capacity(runs.len() + 1);
        for run in runs {
            sources.push(Source {
                run: Some(run),
                next: 0,
                chunk: std::collections::VecDeque::new(),
                done: false,
            });
        }
        let width = self.keys.len();
        sources.push(Source {
            run: None,
            next: 0,
            chunk: buf.into_iter().map(|e| join_entry(e, width)).collect(),
            done: true,
        });
        Ok(Output::Merge(Merger { sources, width }))
    }
}

fn join_entry(e: Entry, _width: usize) -> Row {
    let mut r = e.keys;
    r.extend(e.row);
    r
}

impl Operator for SortOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if self.output.is_none() {
            self.output = Some(self.fill(ctx)?);
        }
        match self.output.as_mut() {
            Some(Output::Memory(it)) => Ok(it.next().map(|e| e.row)),
            Some(Output::Merge(m)) => m.next(&self.keys, ctx),
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
