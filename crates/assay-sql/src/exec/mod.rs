//! The executor: runs a [`Plan`](crate::plan::Plan) as a tree of pull-based
//! operators.
//!
//! [`execute`] turns a plan into a [`BoxOp`]; the caller pulls rows with
//! [`Operator::next`], passing the [`ExecContext`] (storage through the
//! [`TableAccess`] trait, parameters, settings, clocks, the cancellation
//! flag) to every call. [`StoreAccess`] implements `TableAccess` over a
//! transaction, the catalog and the table store; [`MemoryTables`] in memory.
//! Expressions are evaluated by [`eval()`] with SQL's three-valued logic;
//! subqueries inside them run through the same operators, once per
//! statement when uncorrelated.
//!
//! Memory: streaming operators (scan, filter, project, limit, the probe side
//! of joins, UNION ALL) hold one row at a time. Blocking ones bound what
//! they hold by `ExecContext::work_mem`: Sort writes sorted runs to storage
//! and merges them; hash aggregation sends rows of groups it has no room
//! for to such a sort and aggregates them afterwards; a hash join whose
//! build side is too big partitions both sides to storage; DISTINCT and
//! UNION send rows they cannot remember to a sort; a window shared by all
//! calls is read one partition at a time out of a sort. Still held in
//! memory: windows of different shapes, INTERSECT/EXCEPT's right side, a
//! recursive union's seen rows, a non-lateral nested loop's inner side, and
//! the input of UPDATE, DELETE and of an INSERT that reads its own target
//! (read whole before writing).
//!
//! Per-row costs: a scan decodes only the columns the plan reads (the
//! optimizer's `prune_columns` lists them in the plan; the others come out
//! NULL) and builds a row key only for a `ctid` output; its filter's
//! row-free parts are computed once per scan. Row buffers that a
//! projection, an aggregate or a filter is done with go back to the
//! context ([`ExecContext`]'s spare rows) for the scan to fill again, and
//! aggregation and hash-join probes evaluate keys and arguments into
//! buffers kept from row to row. An UPDATE hands storage the old row it
//! read when no referential action can have changed it since. A scan of
//! one point on the whole primary key is one B+tree lookup (no cursor);
//! a scan's filter no longer holds the conditions its key ranges
//! guarantee (the optimizer's `key_conditions`).
//!
//! A statement that fails leaves its earlier writes in place: the caller
//! runs each statement inside a savepoint and rolls back to it on error.

mod batch;
mod context;
mod eval;
mod interrupt;
mod memory;
mod operator;
mod ops;
mod storage;
mod store_access;
mod subquery;
pub(crate) mod walk;

#[cfg(test)]
mod tests;

pub use batch::{RowBatch, BATCH_ROWS};
pub use context::{ExecContext, NodeStats, SuspendedState, CANCEL_CHECK_INTERVAL};
pub use eval::{eval, eval_bool, eval_predicate};
pub use interrupt::Interrupt;
pub use memory::MemoryTables;
pub use operator::{collect, execute, BoxOp, Operator};
/// COPY FROM's batch path inserts rows as an INSERT does.
pub(crate) use ops::constraints::insert_row;
pub use storage::{
    CheckMeta, ColumnMeta, FkAction, ForeignKeyMeta, Row, RowKey, ScanAccess, ScanState,
    TableAccess, TableMeta, ValueRange,
};
pub use store_access::{
    ConstraintBinder, MetaCache, MetaKey, NoConstraintExprs, SpilledRuns, StoreAccess,
};
