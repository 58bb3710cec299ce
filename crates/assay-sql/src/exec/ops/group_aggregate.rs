//! Sorted (streaming) aggregation: PostgreSQL's GroupAggregate.
//!
//! The input arrives sorted on the group keys, so the rows of one group
//! are consecutive: the operator keeps one group's state, feeds it rows
//! while their key equals the group's (NULL keys form one group, as in
//! GROUP BY; equality is `types::compare`'s, as the sort's), and emits the
//! group when a row with another key — or the end — arrives. Memory holds
//! one group, whatever the number of groups; output comes in key order.
//!
//! Aggregate calls work as in hash aggregation (the state, FILTER,
//! DISTINCT and ORDER BY inside calls are shared with
//! [`AggregateOp`](super::aggregate::AggregateOp)); grouping sets stay
//! with hash aggregation. With no input rows there are no groups, so no
//! output row.

use assay_storage::Result;

use super::aggregate::{
    direct_args, eval_into, feed, feed_direct, finish_group, new_group, row_args, Group, RowArgs,
};
use crate::exec::context::ExecContext;
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::plan::{AggCall, ScalarExpr};
use crate::types::{compare, Value};

pub(crate) struct GroupAggregateOp {
    input: BoxOp,
    group_by: Vec<ScalarExpr>,
    calls: Vec<AggCall>,
    /// Each call's input column when all are plain (see `direct_args`).
    direct: Option<Vec<Option<usize>>>,
    current: Option<Group>,
    done: bool,
    /// Per-row buffers, reused.
    key: Vec<Value>,
    args: RowArgs,
}

impl GroupAggregateOp {
    pub(crate) fn new(
        input: BoxOp,
        group_by: Vec<ScalarExpr>,
        calls: Vec<AggCall>,
    ) -> GroupAggregateOp {
        GroupAggregateOp {
            input,
            group_by,
            direct: direct_args(&calls),
            calls,
            current: None,
            done: false,
            key: Vec::new(),
            args: RowArgs::new(),
        }
    }
}

fn same_key(a: &[Value], b: &[Value]) -> bool {
    a.iter().zip(b).all(|(x, y)| compare(x, y).is_eq())
}

impl Operator for GroupAggregateOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        while !self.done {
            let Some(row) = self.input.next(ctx)? else {
                self.done = true;
                break;
            };
            ctx.tick()?;
            eval_into(&self.group_by, &row, ctx, &mut self.key)?;
            if self.direct.is_none() {
                row_args(&self.calls, &row, ctx, &mut self.args)?;
            }
            let finished = match &self.current {
                Some(g) if same_key(&g.key, &self.key) => None,
                _ => {
                    let g = new_group(&self.calls, 0, self.key.clone(), ctx)?;
                    self.current.replace(g)
                }
            };
            if let Some(g) = self.current.as_mut() {
                match &self.direct {
                    Some(cols) => feed_direct(g, cols, &row)?,
                    None => {
                        feed(g, &self.args)?;
                    }
                }
            }
            ctx.recycle(row);
            if let Some(g) = finished {
                return finish_group(&self.calls, g).map(Some);
            }
        }
        match self.current.take() {
            Some(g) => finish_group(&self.calls, g).map(Some),
            None => Ok(None),
        }
    }
}
