//! Hash aggregation with grouping sets, DISTINCT, FILTER and ORDER BY
//! inside aggregate calls, spilling to a sort when groups outgrow memory.
//!
//! Each input row is added to one group per grouping set; a group's key is
//! the set's number plus the key values, with the keys absent from the set
//! NULL (so `ROLLUP`'s subtotal rows never merge with real NULL keys). An
//! aggregate with DISTINCT remembers the argument tuples it has fed; one
//! with ORDER BY buffers its arguments and feeds them sorted at the end.
//! A set without keys (plain aggregation, or `()` in GROUPING SETS) yields
//! its row even over no input. With GROUPING SETS each output row ends with
//! the number of its set (int4): `grouping(…)` is computed from it.
//!
//! The input comes a batch at a time ([`RowBatch`]), its rows read in
//! place. When every call is plain (no FILTER, DISTINCT or ORDER BY; one
//! input column as argument, or none: `count(*)`), each is fed its
//! column's value in place, with nothing evaluated or copied; without
//! GROUP BY, the one group exists from the start and each call is fed the
//! whole batch at once (`Accumulator::update_rows`).
//!
//! Memory: once the groups' estimated size passes `ctx.work_mem`, no new
//! group is created. A row whose group is not in memory goes, tagged with
//! its set and key, to an [`ExternalSorter`] (which spills sorted runs);
//! after the input ends, the in-memory groups are emitted, then the sorted
//! rows are aggregated one group at a time. A group is either wholly in
//! memory or wholly spilled, since it is in memory only if it was created
//! before spilling began.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use assay_storage::Result;

use super::hashkey::HashKey;
use super::sort::{compare_ascending, compare_keys, row_size, ExternalSorter, SortedRows};
use crate::exec::batch::RowBatch;
use crate::exec::context::ExecContext;
use crate::exec::eval::{eval, eval_predicate};
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::functions::Accumulator;
use crate::plan::{AggCall, ScalarExpr, SortKey};
use crate::types::Value;

/// Estimated bytes of a group besides its key.
const GROUP_OVERHEAD: usize = 64;

pub(super) struct AggState {
    acc: Box<dyn Accumulator>,
    seen: Option<HashSet<HashKey>>,
    /// (ORDER BY keys, arguments) waiting to be fed in order.
    ordered: Option<Vec<(Vec<Value>, Vec<Value>)>>,
}

pub(super) struct Group {
    set: usize,
    pub(super) key: Vec<Value>,
    aggs: Vec<AggState>,
}

/// One call's arguments and ORDER BY keys over one row; `pass` is false
/// when its FILTER rejects the row. The buffers are reused from row to row.
#[derive(Default)]
pub(super) struct CallArgs {
    pass: bool,
    values: Vec<Value>,
    order: Vec<Value>,
}

/// Every call's [`CallArgs`] for one row.
pub(super) type RowArgs = Vec<CallArgs>;

/// Evaluates `exprs` over `row` into `out` (cleared first).
pub(super) fn eval_into(
    exprs: impl IntoIterator<Item = impl std::borrow::Borrow<ScalarExpr>>,
    row: &[Value],
    ctx: &mut ExecContext<'_>,
    out: &mut Vec<Value>,
) -> Result<()> {
    out.clear();
    for e in exprs {
        out.push(eval(e.borrow(), row, ctx)?);
    }
    Ok(())
}

pub(crate) struct AggregateOp {
    input: Option<BoxOp>,
    group_by: Vec<ScalarExpr>,
    sets: Vec<Vec<usize>>,
    calls: Vec<AggCall>,
    /// With GROUPING SETS, each row ends with its set's number (int4), from
    /// which the binder computes `grouping()`.
    tag_sets: bool,
    output: std::vec::IntoIter<Row>,
    spilled: Option<Spilled>,
}

/// Aggregating the rows that did not fit, sorted by (set, key).
struct Spilled {
    rows: SortedRows,
    current: Option<Group>,
}

impl AggregateOp {
    pub(crate) fn new(
        input: BoxOp,
        group_by: Vec<ScalarExpr>,
        grouping_sets: Option<Vec<Vec<usize>>>,
        calls: Vec<AggCall>,
    ) -> AggregateOp {
        let tag_sets = grouping_sets.is_some();
        let sets = grouping_sets.unwrap_or_else(|| vec![(0..group_by.len()).collect()]);
        AggregateOp {
            input: Some(input),
            group_by,
            sets,
            calls,
            tag_sets,
            output: Vec::new().into_iter(),
            spilled: None,
        }
    }

    fn new_group(&self, set: usize, key: Vec<Value>, ctx: &ExecContext<'_>) -> Result<Group> {
        new_group(&self.calls, set, key, ctx)
    }

    fn row_args(&self, row: &[Value], ctx: &mut ExecContext<'_>, args: &mut RowArgs) -> Result<()> {
        row_args(&self.calls, row, ctx, args)
    }

    /// The key of `set`: the group keys it holds, NULL for the others.
    fn set_key(&self, set: usize, keys: &[Value]) -> Vec<Value> {
        (0..keys.len())
            .map(|i| {
                if self.sets[set].contains(&i) {
                    keys[i].clone()
                } else {
                    Value::Null
                }
            })
            .collect()
    }

    fn run(&mut self, mut input: BoxOp, ctx: &mut ExecContext<'_>) -> Result<()> {
        // One table per grouping set, so a lookup borrows the key.
        let mut index: Vec<HashMap<HashKey, usize>> = vec![HashMap::default(); self.sets.len()];
        let full_set = self.sets.len() == 1 && self.sets[0].len() == self.group_by.len();
        let mut groups: Vec<Group> = Vec::new();
        let mut bytes = 0usize;
        let mut sorter: Option<ExternalSorter> = None;
        // Per-row buffers, reused: a row of an existing group allocates
        // nothing here.
        let mut keys = HashKey(Vec::with_capacity(self.group_by.len()));
        let mut args = RowArgs::new();
        let direct = direct_args(&self.calls);
        // Without GROUP BY there is one group: once it exists, a row goes
        // straight to it (no key to evaluate, hash or look up).
        let ungrouped = self.sets.len() == 1 && self.group_by.is_empty();
        if ungrouped {
            // The one group exists from the start (over no input too).
            groups.push(self.new_group(0, Vec::new(), ctx)?);
            index[0].insert(HashKey(Vec::new()), 0);
        }
        let mut batch = RowBatch::new();
        loop {
            input.next_batch(ctx, &mut batch)?;
            let rows = batch.rows();
            for _ in rows {
                ctx.tick()?;
            }
            if ungrouped {
                match &direct {
                    Some(cols) => feed_direct_rows(&mut groups[0], cols, rows)?,
                    None => {
                        for row in rows {
                            self.row_args(row, ctx, &mut args)?;
                            bytes += feed(&mut groups[0], &args)?;
                        }
                    }
                }
            } else {
                for row in rows {
                    eval_into(&self.group_by, row, ctx, &mut keys.0)?;
                    if direct.is_none() {
                        self.row_args(row, ctx, &mut args)?;
                    }
                    for (s, index) in index.iter_mut().enumerate() {
                        let key = if full_set {
                            None
                        } else {
                            Some(HashKey(self.set_key(s, &keys.0)))
                        };
                        let key = key.as_ref().unwrap_or(&keys);
                        let gi = match index.get(key) {
                            Some(&g) => g,
                            None if bytes > ctx.work_mem => {
                                let sorter = sorter.get_or_insert_with(|| {
                                    ExternalSorter::new(self.spill_keys(), None)
                                });
                                let mut tagged = Vec::with_capacity(1 + key.0.len() + row.len());
                                tagged.push(Value::Int8(s as i64));
                                tagged.extend(key.0.iter().cloned());
                                let sort_keys = tagged.clone();
                                tagged.extend(row.iter().cloned());
                                sorter.push(sort_keys, tagged, ctx)?;
                                continue;
                            }
                            None => {
                                bytes += row_size(&key.0) + GROUP_OVERHEAD * (1 + self.calls.len());
                                groups.push(self.new_group(s, key.0.clone(), ctx)?);
                                index.insert(key.clone(), groups.len() - 1);
                                groups.len() - 1
                            }
                        };
                        match &direct {
                            Some(cols) => feed_direct(&mut groups[gi], cols, row)?,
                            None => bytes += feed(&mut groups[gi], &args)?,
                        }
                    }
                }
            }
            if !batch.is_full() {
                break;
            }
        }
        for (s, set) in self.sets.iter().enumerate() {
            if set.is_empty() && index[s].is_empty() && sorter.is_none() {
                groups.push(self.new_group(s, vec![Value::Null; self.group_by.len()], ctx)?);
            }
        }
        let mut out = Vec::with_capacity(groups.len());
        for g in groups {
            out.push(self.finish_group(g)?);
        }
        self.output = out.into_iter();
        if let Some(sorter) = sorter {
            self.spilled = Some(Spilled {
                rows: sorter.finish(),
                current: None,
            });
        }
        Ok(())
    }

    /// Spilled rows sort on their tag: the set number, then the key.
    fn spill_keys(&self) -> Vec<SortKey> {
        (0..=self.group_by.len())
            .map(|i| SortKey {
                expr: ScalarExpr::Column(i),
                descending: false,
                nulls_first: false,
            })
            .collect()
    }

    fn finish_group(&self, g: Group) -> Result<Row> {
        let set = g.set;
        let mut row = finish_group(&self.calls, g)?;
        if self.tag_sets {
            row.push(Value::Int4(set as i32));
        }
        Ok(row)
    }

    /// The next group aggregated from the spilled rows.
    fn next_spilled(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        let nkeys = self.group_by.len();
        loop {
            let Some(sp) = self.spilled.as_mut() else {
                return Ok(None);
            };
            let Some(tagged) = sp.rows.next(ctx)? else {
                let last = sp.current.take();
                self.spilled = None;
                return last.map(|g| self.finish_group(g)).transpose();
            };
            let set = match tagged.first() {
                Some(Value::Int8(s)) => *s as usize,
                _ => 0,
            };
            let key = &tagged[1..=nkeys];
            let same = sp.current.as_ref().is_some_and(|g| {
                g.set == set
                    && g.key
                        .iter()
                        .zip(key)
                        .all(|(a, b)| crate::types::compare(a, b).is_eq())
            });
            let mut finished = None;
            if !same {
                let g = self.new_group(set, key.to_vec(), ctx)?;
                if let Some(sp) = self.spilled.as_mut() {
                    finished = sp.current.replace(g);
                }
            }
            let mut args = RowArgs::new();
            self.row_args(&tagged[1 + nkeys..], ctx, &mut args)?;
            if let Some(g) = self.spilled.as_mut().and_then(|sp| sp.current.as_mut()) {
                feed(g, &args)?;
            }
            if let Some(g) = finished {
                return Ok(Some(self.finish_group(g)?));
            }
        }
    }
}

/// A new group's state: one accumulator per call.
pub(super) fn new_group(
    calls: &[AggCall],
    set: usize,
    key: Vec<Value>,
    ctx: &ExecContext<'_>,
) -> Result<Group> {
    let mut aggs = Vec::with_capacity(calls.len());
    for c in calls {
        let mut acc = c.func.accumulator(ctx.settings)?;
        if !c.order_by.is_empty() {
            let keys: Vec<(bool, bool)> = c
                .order_by
                .iter()
                .map(|k| (k.descending, k.nulls_first))
                .collect();
            acc.set_order(&keys);
        }
        aggs.push(AggState {
            acc,
            seen: c.distinct.then(HashSet::default),
            // DISTINCT alone also sorts, as PostgreSQL's does: the values
            // reach the aggregate in ascending order.
            ordered: (!c.order_by.is_empty() || c.distinct).then(Vec::new),
        });
    }
    Ok(Group { set, key, aggs })
}

/// Arguments of every call over one input row, computed once per row
/// (not once per grouping set) into `args`.
pub(super) fn row_args(
    calls: &[AggCall],
    row: &[Value],
    ctx: &mut ExecContext<'_>,
    args: &mut RowArgs,
) -> Result<()> {
    args.resize_with(calls.len(), CallArgs::default);
    for (c, a) in calls.iter().zip(args.iter_mut()) {
        a.pass = match &c.filter {
            Some(f) => eval_predicate(f, row, ctx)?,
            None => true,
        };
        if a.pass {
            eval_into(c.order_by.iter().map(|k| &k.expr), row, ctx, &mut a.order)?;
            eval_into(&c.args, row, ctx, &mut a.values)?;
        }
    }
    Ok(())
}

/// A finished group's row: its key, then each call's value.
pub(super) fn finish_group(calls: &[AggCall], g: Group) -> Result<Row> {
    let mut row = g.key;
    for (state, call) in g.aggs.into_iter().zip(calls) {
        row.push(finish(state, call)?);
    }
    Ok(row)
}

/// Feeds one row's arguments to a group; returns the bytes it buffered.
pub(super) fn feed(group: &mut Group, args: &RowArgs) -> Result<usize> {
    let mut bytes = 0;
    for (state, a) in group.aggs.iter_mut().zip(args) {
        if !a.pass {
            continue;
        }
        let (values, order) = (&a.values, &a.order);
        if let Some(buf) = &mut state.ordered {
            // Without ORDER BY the values are the sort key: drop repeats
            // now rather than buffer them.
            if let (true, Some(seen)) = (order.is_empty(), &mut state.seen) {
                if !seen.insert(HashKey(values.clone())) {
                    continue;
                }
            }
            bytes += row_size(values) + row_size(order);
            buf.push((order.clone(), values.clone()));
            continue;
        }
        if let Some(seen) = &mut state.seen {
            if !seen.insert(HashKey(values.clone())) {
                continue;
            }
            bytes += row_size(values);
        }
        state.acc.update(values)?;
    }
    Ok(bytes)
}

/// Where each call finds its argument in the input row, when every call
/// is a plain one (no FILTER, DISTINCT or ORDER BY) over one column or
/// none (`count(*)`): such calls are fed the row's own value, without
/// evaluating or copying it ([`feed_direct`]).
pub(super) fn direct_args(calls: &[AggCall]) -> Option<Vec<Option<usize>>> {
    calls
        .iter()
        .map(|c| {
            if c.filter.is_some() || c.distinct || !c.order_by.is_empty() {
                return None;
            }
            match c.args.as_slice() {
                [] => Some(None),
                [ScalarExpr::Column(i)] => Some(Some(*i)),
                _ => None,
            }
        })
        .collect()
}

/// Feeds one row to a group whose calls all take their argument straight
/// from the row (see [`direct_args`]); such calls buffer nothing.
pub(super) fn feed_direct(group: &mut Group, cols: &[Option<usize>], row: &[Value]) -> Result<()> {
    for (state, col) in group.aggs.iter_mut().zip(cols) {
        let args = match col {
            None => &[][..],
            Some(i) => match row.get(*i) {
                Some(v) => std::slice::from_ref(v),
                None => {
                    return Err(assay_storage::err!(
                        assay_storage::SqlState::INTERNAL_ERROR,
                        "column {} out of range of a row of {}",
                        i,
                        row.len()
                    ))
                }
            },
        };
        state.acc.update(args)?;
    }
    Ok(())
}

/// Feeds a batch of rows to a group whose calls all take their argument
/// straight from the row: each call is fed the whole batch at once.
pub(super) fn feed_direct_rows(
    group: &mut Group,
    cols: &[Option<usize>],
    rows: &[Row],
) -> Result<()> {
    for (state, col) in group.aggs.iter_mut().zip(cols) {
        state.acc.update_rows(rows, *col)?;
    }
    Ok(())
}

fn finish(mut state: AggState, call: &AggCall) -> Result<Value> {
    if let Some(mut buf) = state.ordered.take() {
        let by_values = call.order_by.is_empty();
        if by_values {
            // DISTINCT alone: already unique, sorted by the values.
            buf.sort_by(|a, b| compare_ascending(&a.1, &b.1));
        } else {
            buf.sort_by(|a, b| compare_keys(&a.0, &b.0, &call.order_by));
        }
        for (_, values) in buf {
            if let (false, Some(seen)) = (by_values, &mut state.seen) {
                if !seen.insert(HashKey(values.clone())) {
                    continue;
                }
            }
            state.acc.update(&values)?;
        }
    }
    state.acc.finish()
}

impl Operator for AggregateOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if let Some(input) = self.input.take() {
            self.run(input, ctx)?;
        }
        if let Some(row) = self.output.next() {
            return Ok(Some(row));
        }
        self.next_spilled(ctx)
    }
}
