//! Query plans: what the binder produces, the optimizer rewrites and the
//! executor runs.
//!
//! A [`Plan`] is a tree of operators, each with its output [`Schema`] (the
//! columns it yields, by position) and the optimizer's estimates. Expressions
//! inside a plan are [`ScalarExpr`]s: fully bound, typed, and referring to
//! the columns of their operator's input *by position*, so the executor never
//! looks a name up. Physical choices (which index a scan uses, whether a join
//! hashes or nests, whether an aggregate hashes or sorts) are fields of the
//! same nodes: the binder leaves them at their simplest, the optimizer's
//! rules (one per file in `optimizer/`) improve them.

mod display;
mod explain;
mod expr;
mod node;
mod schema;

pub use display::expr as render_expr;
pub use explain::{explain_lines, ExplainOptions};
pub use expr::{
    AggCall, CmpOp, FrameBound, FrameExclude, FrameUnits, LikeKind, ScalarExpr, SubqueryKind,
    WindowCall, WindowFrame,
};
pub use node::{
    Access, Assignment, JoinAlgorithm, JoinKind, KeyRange, OnConflict, Plan, PlanNode, SetOpKind,
    SortKey, TableRef,
};
pub use schema::{Field, Schema};
