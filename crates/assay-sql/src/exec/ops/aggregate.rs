//! Hash aggregation with grouping sets, DISTINCT, FILTER and ORDER BY
//! inside aggregate calls.
//!
//! Each input row is added to one group per grouping set; a group's key is
//! the set's number plus the key values, with the keys absent from the set
//! NULL (so `ROLLUP`'s subtotal rows never merge with real NULL keys). An
//! aggregate with DISTINCT remembers the argument tuples it has fed; one
//! with ORDER BY buffers its arguments and feeds them sorted at the end.
//! A set without keys (plain aggregation, or `()` in GROUPING SETS) yields
//! its row even over no input. With GROUPING SETS each output row ends with
//! the number of its set (int4): `grouping(…)` is computed from it.

use std::collections::{HashMap, HashSet};

use assay_storage::Result;

use super::hashkey::HashKey;
use super::sort::{compare_keys, eval_keys};
use crate::exec::context::ExecContext;
use crate::exec::eval::{eval_predicate, eval_row};
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::functions::Accumulator;
use crate::plan::{AggCall, ScalarExpr};
use crate::types::Value;

struct AggState {
    acc: Box<dyn Accumulator>,
    seen: Option<HashSet<HashKey>>,
    /// (ORDER BY keys, arguments) waiting to be fed in order.
    ordered: Option<Vec<(Vec<Value>, Vec<Value>)>>,
}

struct Group {
    set: usize,
    key: Vec<Value>,
    aggs: Vec<AggState>,
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
        }
    }

    fn new_group(
        &self,
        set: usize,
        key: Vec<Value>,
        settings: &crate::types::Settings,
    ) -> Result<Group> {
        let mut aggs = Vec::with_capacity(self.calls.len());
        for c in &self.calls {
            aggs.push(AggState {
                acc: c.func.accumulator(settings)?,
                seen: c.distinct.then(HashSet::new),
                ordered: (!c.order_by.is_empty()).then(Vec::new),
            });
        }
        Ok(Group { set, key, aggs })
    }

    fn run(&mut self, mut input: BoxOp, ctx: &mut ExecContext<'_>) -> Result<Vec<Row>> {
        let mut index: HashMap<(usize, HashKey), usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        while let Some(row) = input.next(ctx)? {
            ctx.tick()?;
            let keys = eval_row(&self.group_by, &row, ctx)?;
            // Arguments are computed once per row, not once per set.
            let mut args = Vec::with_capacity(self.calls.len());
            for c in &self.calls {
                let pass = match &c.filter {
                    Some(f) => eval_predicate(f, &row, ctx)?,
                    None => true,
                };
                if pass {
                    let order = eval_keys(&c.order_by, &row, ctx)?;
                    args.push(Some((eval_row(&c.args, &row, ctx)?, order)));
                } else {
                    args.push(None);
                }
            }
            for (s, set) in self.sets.iter().enumerate() {
                let key: Vec<Value> = (0..keys.len())
                    .map(|i| {
                        if set.contains(&i) {
                            keys[i].clone()
                        } else {
                            Value::Null
                        }
                    })
                    .collect();
                let gi = match index.get(&(s, HashKey(key.clone()))) {
                    Some(&g) => g,
                    None => {
                        groups.push(self.new_group(s, key.clone(), ctx.settings)?);
                        index.insert((s, HashKey(key)), groups.len() - 1);
                        groups.len() - 1
                    }
                };
                for (state, a) in groups[gi].aggs.iter_mut().zip(&args) {
                    let Some((values, order)) = a else { continue };
                    if let Some(buf) = &mut state.ordered {
                        buf.push((order.clone(), values.clone()));
                        continue;
                    }
                    if let Some(seen) = &mut state.seen {
                        if !seen.insert(HashKey(values.clone())) {
                            continue;
                        }
                    }
                    state.acc.update(values)?;
                }
            }
        }
        for (s, set) in self.sets.iter().enumerate() {
            if set.is_empty() && !index.keys().any(|(gs, _)| *gs == s) {
                groups.push(self.new_group(
                    s,
                    vec![Value::Null; self.group_by.len()],
                    ctx.settings,
                )?);
            }
        }
        let mut out = Vec::with_capacity(groups.len());
        for g in groups {
            let mut row = g.key;
            for (state, call) in g.aggs.into_iter().zip(&self.calls) {
                row.push(finish(state, call)?);
            }
            if self.tag_sets {
                row.push(Value::Int4(g.set as i32));
            }
            out.push(row);
        }
        Ok(out)
    }
}

fn finish(mut state: AggState, call: &AggCall) -> Result<Value> {
    if let Some(mut buf) = state.ordered.take() {
        buf.sort_by(|a, b| compare_keys(&a.0, &b.0, &call.order_by));
        for (_, values) in buf {
            if let Some(seen) = &mut state.seen {
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
            let rows = self.run(input, ctx)?;
            self.output = rows.into_iter();
        }
        Ok(self.output.next())
    }
}
