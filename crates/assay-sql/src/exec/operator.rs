//! The operator interface and the translation of a [`Plan`] into a tree of
//! operators.
//!
//! Operators are pull-based: the consumer calls [`Operator::next`] with the
//! [`ExecContext`] until it returns `Ok(None)`. An operator owns what it
//! needs from the plan (expressions are cloned at build time, except the
//! parts the plan keeps behind an `Arc` — a scan's key ranges, UPDATE's
//! assignments — which are shared, as they never change once planned), so
//! an operator tree lives independently of the plan that made it, and it holds
//! no borrow of the transaction between calls: storage is reached only
//! through the context passed to each call. Operators are `Send`, so that a
//! cursor's tree can stay in a session between statements while the
//! session moves between threads.

use std::time::Instant;

use assay_storage::Result;

use super::batch::RowBatch;
use super::context::{ExecContext, NodeStats};
use super::ops;
use super::storage::Row;
use crate::plan::{JoinAlgorithm, Plan, PlanNode};

/// A pull-based operator.
pub trait Operator: Send {
    /// The next row, or `None` when the operator is exhausted.
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>>;

    /// The next rows, into `batch` (cleared first): a batch that is not
    /// full is the last (see [`RowBatch`]). Operators that can fill a
    /// batch in place (scans) override it; by default it calls `next`.
    fn next_batch(&mut self, ctx: &mut ExecContext<'_>, batch: &mut RowBatch) -> Result<()> {
        super::batch::fill_by_rows(ctx, batch, |ctx| self.next(ctx))
    }
}

pub type BoxOp = Box<dyn Operator>;

/// Builds the operator tree for `plan`. When `ctx.analyze` is set, every
/// node counts its rows, loops and time into `ctx.stats[i]`, where `i` is
/// the node's number in a pre-order walk over [`Plan::inputs`] (the order
/// EXPLAIN prints nodes in); expressions' subqueries are not counted.
pub fn execute(plan: &Plan, ctx: &mut ExecContext<'_>) -> Result<BoxOp> {
    if ctx.analyze {
        ctx.stats = vec![NodeStats::default(); count_nodes(plan)];
    }
    Builder {
        analyze: ctx.analyze,
        next_id: 0,
    }
    .build(plan)
}

/// Runs `plan` to the end and collects its rows.
pub fn collect(plan: &Plan, ctx: &mut ExecContext<'_>) -> Result<Vec<Row>> {
    let mut op = execute(plan, ctx)?;
    let mut rows = Vec::new();
    while let Some(r) = op.next(ctx)? {
        rows.push(r);
    }
    Ok(rows)
}

/// Builds without statistics (subqueries).
pub(crate) fn build(plan: &Plan) -> Result<BoxOp> {
    Builder {
        analyze: false,
        next_id: 0,
    }
    .build(plan)
}

fn count_nodes(plan: &Plan) -> usize {
    1 + plan.input_iter().map(count_nodes).sum::<usize>()
}

/// Numbers nodes while building; operators that rebuild a child (a lateral
/// join's inner side, a recursive union's recursive part) keep a copy
/// positioned at that child so its statistics land on the same node.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Builder {
    pub analyze: bool,
    pub next_id: usize,
}

impl Builder {
    pub(crate) fn build(&mut self, plan: &Plan) -> Result<BoxOp> {
        let id = self.next_id;
        self.next_id += 1;
        let op = self.build_node(plan)?;
        Ok(if self.analyze {
            Box::new(Instrumented {
                inner: op,
                id,
                started: false,
                produced: false,
            })
        } else {
            op
        })
    }

    /// A builder positioned at the next node to be built, for rebuilding.
    pub(crate) fn here(&self) -> Builder {
        *self
    }

    /// Skips the numbers of `plan`'s nodes without building them.
    pub(crate) fn skip(&mut self, plan: &Plan) {
        self.next_id += count_nodes(plan);
    }

    fn build_node(&mut self, plan: &Plan) -> Result<BoxOp> {
        use PlanNode as P;
        let op: BoxOp = match &plan.node {
            P::Values { rows } => Box::new(ops::basic::ValuesOp::new(rows.clone())),
            P::Empty => Box::new(ops::basic::EmptyOp),
            P::Scan {
                table,
                access,
                filter,
                projection,
                columns,
            } => Box::new(ops::scan::ScanOp::new(
                table.oid,
                access.clone(),
                filter.clone(),
                projection.clone(),
                columns.clone(),
            )),
            P::FunctionScan {
                func,
                args,
                ordinality,
                ..
            } => Box::new(ops::basic::FunctionScanOp::new(
                func.clone(),
                args.clone(),
                *ordinality,
            )),
            P::Filter { input, predicate } => Box::new(ops::basic::FilterOp {
                input: self.build(input)?,
                predicate: predicate.clone(),
            }),
            P::Project { input, exprs } => Box::new(ops::basic::ProjectOp::new(
                self.build(input)?,
                exprs.clone(),
            )),
            P::Limit {
                input,
                limit,
                offset,
                with_ties,
            } => Box::new(ops::basic::LimitOp::new(
                self.build(input)?,
                limit.clone(),
                offset.clone(),
                with_ties.clone(),
            )),
            P::Join {
                left,
                right,
                kind,
                condition,
                algorithm,
                lateral,
            } => {
                let left_width = left.schema.len();
                let right_width = right.schema.len();
                let l = self.build(left)?;
                let op: BoxOp = match algorithm {
                    JoinAlgorithm::NestedLoop => {
                        let builder = self.here();
                        self.skip(right);
                        Box::new(ops::join::NestedLoopJoin::new(
                            l,
                            (**right).clone(),
                            builder,
                            *kind,
                            condition.clone(),
                            *lateral,
                            left_width,
                            right_width,
                        ))
                    }
                    JoinAlgorithm::Hash {
                        left_keys,
                        right_keys,
                    } => {
                        let r = self.build(right)?;
                        Box::new(ops::hashjoin::HashJoin::new(
                            l,
                            r,
                            *kind,
                            condition.clone(),
                            left_keys.clone(),
                            right_keys.clone(),
                            left_width,
                            right_width,
                        ))
                    }
                    JoinAlgorithm::Merge {
                        left_keys,
                        right_keys,
                    } => {
                        let r = self.build(right)?;
                        Box::new(ops::merge::MergeJoin::new(
                            l,
                            r,
                            *kind,
                            condition.clone(),
                            left_keys.clone(),
                            right_keys.clone(),
                            left_width,
                            right_width,
                        ))
                    }
                };
                op
            }
            P::Aggregate {
                input,
                group_by,
                aggregates,
                sorted: true,
                ..
            } => Box::new(ops::group_aggregate::GroupAggregateOp::new(
                self.build(input)?,
                group_by.clone(),
                aggregates.clone(),
            )),
            P::Aggregate {
                input,
                group_by,
                grouping_sets,
                aggregates,
                sorted: false,
            } => Box::new(ops::aggregate::AggregateOp::new(
                self.build(input)?,
                group_by.clone(),
                grouping_sets.clone(),
                aggregates.clone(),
            )),
            P::Window { input, calls } => Box::new(ops::window::WindowOp::new(
                self.build(input)?,
                calls.clone(),
            )),
            P::Sort { input, keys, limit } => Box::new(ops::sort::SortOp::new(
                self.build(input)?,
                keys.clone(),
                *limit,
            )),
            P::Distinct { input, on } => {
                Box::new(ops::setop::DistinctOp::new(self.build(input)?, on.clone()))
            }
            P::SetOp {
                kind,
                all,
                left,
                right,
            } => {
                let l = self.build(left)?;
                let r = self.build(right)?;
                Box::new(ops::setop::SetOpOp::new(*kind, *all, l, r))
            }
            P::RecursiveUnion {
                id,
                anchor,
                recursive,
                all,
            } => {
                let a = self.build(anchor)?;
                let builder = self.here();
                self.skip(recursive);
                Box::new(ops::setop::RecursiveUnionOp::new(
                    *id,
                    a,
                    (**recursive).clone(),
                    builder,
                    *all,
                ))
            }
            P::WorkTable { id } => Box::new(ops::setop::WorkTableOp::new(*id)),
            P::WithModifying { id, cte, input, .. } => {
                let cte = self.build(cte)?;
                Box::new(ops::modifying_cte::WithModifyingOp::new(
                    *id,
                    cte,
                    self.build(input)?,
                ))
            }
            P::Insert {
                table,
                input,
                on_conflict,
                returning,
            } => Box::new(ops::modify::InsertOp::new(
                table.oid,
                !super::walk::reads_table(input, table.oid),
                self.build(input)?,
                on_conflict.clone(),
                returning.clone(),
            )),
            P::Update {
                table,
                input,
                assignments,
                returning,
            } => Box::new(ops::modify::UpdateOp::new(
                table.oid,
                key_position(input),
                self.build(input)?,
                assignments.clone(),
                returning.clone(),
            )),
            P::Delete {
                table,
                input,
                returning,
            } => Box::new(ops::modify::DeleteOp::new(
                table.oid,
                key_position(input),
                self.build(input)?,
                returning.clone(),
            )),
        };
        Ok(op)
    }
}

/// Where an UPDATE or DELETE input carries the target row's key: its field
/// named `ctid` of type bytea (a Scan projection entry equal to the table's
/// column count produces it).
fn key_position(input: &Plan) -> Option<usize> {
    input
        .schema
        .fields
        .iter()
        .position(|f| f.name == "ctid" && f.data_type == crate::types::DataType::Bytea)
}

/// Counts rows, loops and time of one node for EXPLAIN ANALYZE (one
/// instance per loop: a rescanned node is rebuilt).
struct Instrumented {
    inner: BoxOp,
    id: usize,
    started: bool,
    /// Whether this loop has returned a row (time until then is startup).
    produced: bool,
}

impl Operator for Instrumented {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        let parent = std::mem::replace(&mut ctx.current_node, self.id);
        let start = Instant::now();
        let r = self.inner.next(ctx);
        let elapsed = start.elapsed();
        ctx.current_node = parent;
        if let Some(s) = ctx.stats.get_mut(self.id) {
            if !self.started {
                s.loops += 1;
                self.started = true;
            }
            s.time += elapsed;
            if !self.produced {
                s.startup += elapsed;
            }
            if let Ok(Some(_)) = &r {
                s.rows += 1;
                self.produced = true;
            }
        }
        r
    }
}
