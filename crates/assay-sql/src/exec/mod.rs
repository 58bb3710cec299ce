//! The executor: runs a [`Plan`](crate::plan::Plan) as a tree of pull-based
//! operators.
//!
//! [`execute`] turns a plan into a [`BoxOp`]; the caller pulls rows with
//! [`Operator::next`], passing the [`ExecContext`] (storage through the
//! [`TableAccess`] trait, parameters, settings, clocks, the cancellation
//! flag) to every call. Expressions are evaluated by [`eval()`] with SQL's
//! three-valued logic; subqueries inside them run through the same
//! operators, once per statement when uncorrelated. Streaming operators
//! (scan, filter, project, limit, joins' probe sides, UNION ALL) hold one
//! row at a time; blocking ones (sort, aggregate, window, hash build, set
//! operations' right sides) buffer, and sort spills sorted runs to storage
//! past `ExecContext::work_mem`.

mod context;
mod eval;
mod memory;
mod operator;
mod ops;
mod storage;
mod store_access;
mod subquery;
mod walk;

#[cfg(test)]
mod tests;

pub use context::{ExecContext, NodeStats, CANCEL_CHECK_INTERVAL};
pub use eval::{eval, eval_bool, eval_predicate};
pub use memory::MemoryTables;
pub use operator::{collect, execute, BoxOp, Operator};
pub use storage::{
    CheckMeta, ColumnMeta, FkAction, ForeignKeyMeta, Row, RowKey, ScanAccess, ScanState,
    TableAccess, TableMeta, ValueRange,
};
pub use store_access::{ConstraintBinder, NoConstraintExprs, StoreAccess};
