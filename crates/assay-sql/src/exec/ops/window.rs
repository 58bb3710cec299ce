//! Window functions and aggregates over window frames.
//!
//! When every call has the same window (the usual case), the input is
//! sorted once by (PARTITION BY, ORDER BY) through an external sort that
//! spills past `work_mem`, and read back one partition at a time: only a
//! partition is held in memory. Otherwise the operator reads its whole
//! input and sorts it for each call. The sorts are stable, so ties keep
//! input order. Each partition is walked so: peer groups are runs of rows equal on ORDER BY, a row's
//! frame follows from the frame clause (ROWS counts rows, GROUPS counts peer
//! groups, RANGE compares ORDER BY values with offsets), and EXCLUDE cuts
//! the current row, its group, or its ties out of the frame, which may split
//! it into several ranges. Window functions receive all of this as a
//! [`WindowRow`]; aggregates are fed the frame's rows — incrementally while
//! the frame starts at the partition's first row and excludes nothing.
//! Output rows come in the order of the last call's sort.

use std::cmp::Ordering;
use std::ops::Range;

use assay_storage::{bail, Result, SqlState};

use super::sort::{compare_keys, eval_keys, ExternalSorter, SortedRows};
use crate::exec::context::ExecContext;
use crate::exec::eval::{eval_predicate, eval_row};
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::functions::{FunctionKind, WindowRow};
use crate::plan::{FrameBound, FrameExclude, FrameUnits, SortKey, WindowCall};
use crate::types::{binary_op, compare, BinaryOp, Value};

pub(crate) struct WindowOp {
    input: Option<BoxOp>,
    calls: Vec<WindowCall>,
    output: std::vec::IntoIter<Row>,
    /// When every call has the same window: the input sorted by it (with
    /// spilling), read one partition at a time.
    stream: Option<Stream>,
}

struct Stream {
    part_keys: Vec<SortKey>,
    sorted: Option<SortedRows>,
    /// The first row of the next partition, already read.
    pending: Option<Row>,
}

fn partition_keys(call: &WindowCall) -> Vec<SortKey> {
    call.partition_by
        .iter()
        .map(|e| SortKey {
            expr: e.clone(),
            descending: false,
            nulls_first: false,
        })
        .collect()
}

impl WindowOp {
    pub(crate) fn new(input: BoxOp, calls: Vec<WindowCall>) -> WindowOp {
        let window = |c: &WindowCall| format!("{:?}{:?}", c.partition_by, c.order_by);
        let shared = calls
            .first()
            .is_some_and(|c0| calls.iter().all(|c| window(c) == window(c0)));
        let stream = shared.then(|| Stream {
            part_keys: partition_keys(&calls[0]),
            sorted: None,
            pending: None,
        });
        WindowOp {
            input: Some(input),
            calls,
            output: Vec::new().into_iter(),
            stream,
        }
    }

    /// Every call over `rows`; the rows come back in window order with the
    /// calls' values appended.
    fn compute(&self, rows: Vec<Row>, ctx: &mut ExecContext<'_>) -> Result<Vec<Row>> {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut results: Vec<Vec<Value>> = Vec::with_capacity(self.calls.len());
        for call in &self.calls {
            let (vals, ord) = eval_call(call, &rows, ctx)?;
            results.push(vals);
            order = ord;
        }
        let mut out = Vec::with_capacity(rows.len());
        let mut rows: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
        for i in order {
            let mut row = rows[i].take().unwrap_or_default();
            for r in &results {
                row.push(r[i].clone());
            }
            out.push(row);
        }
        Ok(out)
    }

    /// The next partition of the sorted input, or `None` at the end.
    fn next_partition(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        let Some(stream) = self.stream.as_mut() else {
            return Ok(None);
        };
        let Some(sorted) = stream.sorted.as_mut() else {
            return Ok(None);
        };
        let first = match stream.pending.take() {
            Some(r) => r,
            None => match sorted.next(ctx)? {
                Some(r) => r,
                None => return Ok(None),
            },
        };
        let exprs: Vec<_> = stream.part_keys.iter().map(|k| k.expr.clone()).collect();
        let key = eval_row(&exprs, &first, ctx)?;
        let mut rows = vec![first];
        while let Some(r) = sorted.next(ctx)? {
            ctx.tick()?;
            let k = eval_row(&exprs, &r, ctx)?;
            if compare_keys(&k, &key, &stream.part_keys) != Ordering::Equal {
                stream.pending = Some(r);
                break;
            }
            rows.push(r);
        }
        Ok(Some(rows))
    }
}

impl Operator for WindowOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if let Some(mut input) = self.input.take() {
            match self.stream.as_mut() {
                Some(stream) => {
                    let mut keys = stream.part_keys.clone();
                    keys.extend(self.calls[0].order_by.iter().cloned());
                    let mut sorter = ExternalSorter::new(keys, None);
                    while let Some(r) = input.next(ctx)? {
                        ctx.tick()?;
                        sorter.push_row(r, ctx)?;
                    }
                    stream.sorted = Some(sorter.finish());
                }
                None => {
                    let mut rows = Vec::new();
                    while let Some(r) = input.next(ctx)? {
                        ctx.tick()?;
                        rows.push(r);
                    }
                    self.output = self.compute(rows, ctx)?.into_iter();
                }
            }
        }
        loop {
            if let Some(row) = self.output.next() {
                return Ok(Some(row));
            }
            match self.next_partition(ctx)? {
                Some(rows) => self.output = self.compute(rows, ctx)?.into_iter(),
                None => return Ok(None),
            }
        }
    }
}

/// One call's value for every input row (by input position), and the
/// order it sorted the rows in.
fn eval_call(
    call: &WindowCall,
    rows: &[Row],
    ctx: &mut ExecContext<'_>,
) -> Result<(Vec<Value>, Vec<usize>)> {
    let n = rows.len();
    let mut part = Vec::with_capacity(n);
    let mut okeys = Vec::with_capacity(n);
    let mut args = Vec::with_capacity(n);
    let mut pass = Vec::with_capacity(n);
    for r in rows {
        part.push(eval_row(&call.partition_by, r, ctx)?);
        okeys.push(eval_keys(&call.order_by, r, ctx)?);
        args.push(eval_row(&call.args, r, ctx)?);
        pass.push(match &call.filter {
            Some(f) => eval_predicate(f, r, ctx)?,
            None => true,
        });
    }
    let part_keys = partition_keys(call);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        compare_keys(&part[a], &part[b], &part_keys)
            .then_with(|| compare_keys(&okeys[a], &okeys[b], &call.order_by))
    });
    let mut out = vec![Value::Null; n];
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n
            && compare_keys(&part[order[start]], &part[order[end]], &part_keys) == Ordering::Equal
        {
            end += 1;
        }
        let idx = &order[start..end];
        let p = Partition {
            call,
            idx,
            okeys: &okeys,
            args: &args,
            pass: &pass,
        };
        let vals = p.evaluate(ctx)?;
        for (k, v) in vals.into_iter().enumerate() {
            out[idx[k]] = v;
        }
        start = end;
    }
    Ok((out, order))
}

struct Partition<'a> {
    call: &'a WindowCall,
    /// Input positions of the partition's rows, in window order.
    idx: &'a [usize],
    okeys: &'a [Vec<Value>],
    args: &'a [Vec<Value>],
    pass: &'a [bool],
}

impl Partition<'_> {
    fn evaluate(&self, ctx: &mut ExecContext<'_>) -> Result<Vec<Value>> {
        let n = self.idx.len();
        // Peer groups: group[r] is row r's group; bounds[g] its rows.
        let mut group = vec![0usize; n];
        let mut bounds: Vec<Range<usize>> = Vec::new();
        let mut s = 0;
        while s < n {
            let mut e = s + 1;
            while e < n
                && self.okey(s).len() == self.okey(e).len()
                && compare_keys(self.okey(s), self.okey(e), &self.call.order_by) == Ordering::Equal
            {
                e += 1;
            }
            for g in &mut group[s..e] {
                *g = bounds.len();
            }
            bounds.push(s..e);
            s = e;
        }
        let func = &self.call.func;
        let is_window = func.def.kind() == FunctionKind::Window;
        // Window functions read other rows' arguments (lag, nth_value).
        let part_args: Vec<Vec<Value>> = if is_window {
            self.idx.iter().map(|&i| self.args[i].clone()).collect()
        } else {
            Vec::new()
        };
        let frame = &self.call.frame;
        let incremental = !is_window
            && frame.start == FrameBound::UnboundedPreceding
            && frame.exclude == FrameExclude::NoOthers;
        let mut running = if incremental {
            Some((func.accumulator(ctx.settings)?, 0usize))
        } else {
            None
        };
        let mut out = Vec::with_capacity(n);
        for r in 0..n {
            ctx.tick()?;
            let (fs, fe) = self.frame_bounds(r, &group, &bounds)?;
            let peers = bounds[group[r]].clone();
            let ranges = exclude(fs..fe, r, &peers, frame.exclude);
            if is_window {
                // Window functions see one contiguous frame: with EXCLUDE,
                // the span from the first to the last remaining row.
                let (frame_start, frame_end) = match (ranges.first(), ranges.last()) {
                    (Some(a), Some(b)) => (a.start, b.end),
                    _ => (0, 0),
                };
                let wr = WindowRow {
                    args: &part_args,
                    row: r,
                    peer_start: peers.start,
                    peer_end: peers.end,
                    peer_group: group[r],
                    frame_start,
                    frame_end,
                };
                out.push(func.eval_window(&wr)?);
            } else if let Some((acc, fed)) = running.as_mut() {
                while *fed < fe.max(*fed) {
                    let i = self.idx[*fed];
                    if self.pass[i] {
                        acc.update(&self.args[i])?;
                    }
                    *fed += 1;
                }
                out.push(acc.finish()?);
            } else {
                let mut acc = func.accumulator(ctx.settings)?;
                for range in &ranges {
                    for k in range.clone() {
                        let i = self.idx[k];
                        if self.pass[i] {
                            acc.update(&self.args[i])?;
                        }
                    }
                }
                out.push(acc.finish()?);
            }
        }
        Ok(out)
    }

    fn okey(&self, r: usize) -> &[Value] {
        &self.okeys[self.idx[r]]
    }

    /// The frame of row `r` as `start..end` before exclusion.
    fn frame_bounds(
        &self,
        r: usize,
        group: &[usize],
        bounds: &[Range<usize>],
    ) -> Result<(usize, usize)> {
        let n = self.idx.len();
        let f = &self.call.frame;
        let g = group[r];
        let start = match &f.start {
            FrameBound::UnboundedPreceding => 0,
            FrameBound::UnboundedFollowing => n,
            FrameBound::CurrentRow => match f.units {
                FrameUnits::Rows => r,
                _ => bounds[g].start,
            },
            FrameBound::Preceding(k) | FrameBound::Following(k) => {
                let back = matches!(f.start, FrameBound::Preceding(_));
                match f.units {
                    FrameUnits::Rows => offset_row(r, offset(k)?, back).min(n),
                    FrameUnits::Groups => {
                        let t = offset_row(g, offset(k)?, back);
                        if t >= bounds.len() {
                            n
                        } else {
                            bounds[t].start
                        }
                    }
                    FrameUnits::Range => self.range_edge(r, k, back, true, &bounds[g])?,
                }
            }
        };
        let end = match &f.end {
            FrameBound::UnboundedPreceding => 0,
            FrameBound::UnboundedFollowing => n,
            FrameBound::CurrentRow => match f.units {
                FrameUnits::Rows => r + 1,
                _ => bounds[g].end,
            },
            FrameBound::Preceding(k) | FrameBound::Following(k) => {
                let back = matches!(f.end, FrameBound::Preceding(_));
                match f.units {
                    FrameUnits::Rows => {
                        let o = offset(k)?;
                        if back && o > r {
                            0
                        } else {
                            offset_row(r, o, back).saturating_add(1).min(n)
                        }
                    }
                    FrameUnits::Groups => {
                        let o = offset(k)?;
                        if back && o > g {
                            0
                        } else {
                            let t = offset_row(g, o, back);
                            if t >= bounds.len() {
                                n
                            } else {
                                bounds[t].end
                            }
                        }
                    }
                    FrameUnits::Range => self.range_edge(r, k, back, false, &bounds[g])?,
                }
            }
        };
        Ok((start, end.max(start)))
    }

    /// RANGE with an offset: the first row whose key reaches `key ∓ k`
    /// (`start`), or one past the last row within it (`!start`). A NULL
    /// key's frame edge is its peer group (the other NULLs).
    fn range_edge(
        &self,
        r: usize,
        k: &Value,
        back: bool,
        start: bool,
        peers: &Range<usize>,
    ) -> Result<usize> {
        let Some(key) = self.call.order_by.first() else {
            bail!(
                SqlState::new(b"42P20"),
                "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column"
            );
        };
        let cur = &self.okey(r)[0];
        if cur.is_null() {
            return Ok(if start { peers.start } else { peers.end });
        }
        // Moving "back" means toward the partition's start, whatever the
        // direction of the sort.
        let toward_smaller = back != key.descending;
        let op = if toward_smaller {
            BinaryOp::Sub
        } else {
            BinaryOp::Add
        };
        let limit = binary_op(op, cur, k, &crate::types::Settings::default())?;
        let n = self.idx.len();
        let within = |v: &Value| -> bool {
            if v.is_null() {
                return false;
            }
            let o = compare(v, &limit);
            if key.descending {
                o != Ordering::Less
            } else {
                o != Ordering::Greater
            }
        };
        let after = |v: &Value| -> bool {
            if v.is_null() {
                return false;
            }
            let o = compare(v, &limit);
            if key.descending {
                o != Ordering::Greater
            } else {
                o != Ordering::Less
            }
        };
        // Binary search over the rows with a non-NULL key (NULLs sort at
        // one end), on which `after` and `within` are monotone.
        let is_null = |i: usize| self.okey(i)[0].is_null();
        let (lo, hi) = if key.nulls_first {
            (first_true(0, n, |i| !is_null(i)), n)
        } else {
            (0, first_true(0, n, is_null))
        };
        Ok(if start {
            first_true(lo, hi, |i| after(&self.okey(i)[0]))
        } else {
            first_true(lo, hi, |i| !within(&self.okey(i)[0]))
        })
    }
}

/// The first `i` in `lo..hi` where `pred` holds, for a `pred` that is false
/// then true over the range (`hi` if it never holds).
fn first_true(mut lo: usize, mut hi: usize, pred: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

fn offset(k: &Value) -> Result<usize> {
    match crate::exec::eval::int_value(k) {
        Some(n) if n >= 0 => Ok(n as usize),
        Some(_) => bail!(
            SqlState::new(b"22013"),
            "frame starting offset must not be negative"
        ),
        None if k.is_null() => bail!(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            "frame starting offset must not be null"
        ),
        None => bail!(
            SqlState::DATATYPE_MISMATCH,
            "frame offset must be an integer"
        ),
    }
}

fn offset_row(r: usize, k: usize, back: bool) -> usize {
    if back {
        r.saturating_sub(k)
    } else {
        r.saturating_add(k)
    }
}

/// Cuts the excluded rows out of `frame`.
fn exclude(
    frame: Range<usize>,
    r: usize,
    peers: &Range<usize>,
    how: FrameExclude,
) -> Vec<Range<usize>> {
    let cut: Vec<Range<usize>> = match how {
        FrameExclude::NoOthers => {
            return if frame.is_empty() {
                vec![]
            } else {
                vec![frame]
            };
        }
        FrameExclude::CurrentRow => std::iter::once(r..r + 1).collect(),
        FrameExclude::Group => vec![peers.clone()],
        FrameExclude::Ties => vec![peers.start..r, r + 1..peers.end],
    };
    let mut out = vec![frame];
    for c in cut {
        let mut next = Vec::new();
        for f in out {
            let left = f.start..f.end.min(c.start);
            let right = f.start.max(c.end)..f.end;
            if c.is_empty() {
                next.push(f);
                continue;
            }
            if !left.is_empty() {
                next.push(left);
            }
            if !right.is_empty() {
                next.push(right);
            }
        }
        out = next;
    }
    out
}
