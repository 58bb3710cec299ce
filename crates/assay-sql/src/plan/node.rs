//! Plan operators.

use std::sync::Arc;

use super::{AggCall, ScalarExpr, Schema, WindowCall};
use crate::functions::Resolved;

/// A plan: an operator, its output columns and the optimizer's estimates.
#[derive(Clone, Debug)]
pub struct Plan {
    pub node: PlanNode,
    pub schema: Schema,
    /// Estimated output rows (set by the optimizer; 1000 until then).
    pub rows: f64,
    /// Estimated total cost in PostgreSQL-like units.
    pub cost: f64,
    /// Estimated cost before the first row (set by `optimizer::estimate`).
    pub startup_cost: f64,
    /// Estimated average output row width in bytes.
    pub width: f64,
}

impl Plan {
    pub fn new(node: PlanNode, schema: Schema) -> Plan {
        Plan {
            node,
            schema,
            rows: 1000.0,
            cost: 0.0,
            startup_cost: 0.0,
            width: 0.0,
        }
    }

    /// The plan's inputs, in order.
    pub fn inputs(&self) -> Vec<&Plan> {
        self.input_iter().collect()
    }

    /// The plan's inputs, in order, without allocating (for paths that run
    /// with every execution).
    pub fn input_iter(&self) -> impl Iterator<Item = &Plan> {
        use PlanNode::*;
        let pair: [Option<&Plan>; 2] = match &self.node {
            Values { .. } | Scan { .. } | WorkTable { .. } | FunctionScan { .. } | Empty => {
                [None, None]
            }
            Filter { input, .. }
            | Project { input, .. }
            | Aggregate { input, .. }
            | Window { input, .. }
            | Sort { input, .. }
            | Limit { input, .. }
            | Distinct { input, .. }
            | Insert { input, .. }
            | Update { input, .. }
            | Delete { input, .. } => [Some(input), None],
            Join { left, right, .. } | SetOp { left, right, .. } => [Some(left), Some(right)],
            WithModifying { cte, input, .. } => [Some(cte), Some(input)],
            RecursiveUnion {
                anchor, recursive, ..
            } => [Some(anchor), Some(recursive)],
        };
        pair.into_iter().flatten()
    }

    /// The plan's inputs, in order, for rewriting in place.
    pub fn inputs_mut(&mut self) -> Vec<&mut Box<Plan>> {
        use PlanNode::*;
        match &mut self.node {
            Values { .. } | Scan { .. } | WorkTable { .. } | FunctionScan { .. } | Empty => {
                vec![]
            }
            Filter { input, .. }
            | Project { input, .. }
            | Aggregate { input, .. }
            | Window { input, .. }
            | Sort { input, .. }
            | Limit { input, .. }
            | Distinct { input, .. }
            | Insert { input, .. }
            | Update { input, .. }
            | Delete { input, .. } => vec![input],
            Join { left, right, .. } | SetOp { left, right, .. } => vec![left, right],
            WithModifying { cte, input, .. } => vec![cte, input],
            RecursiveUnion {
                anchor, recursive, ..
            } => vec![anchor, recursive],
        }
    }
}

/// Identifies a table for scans and writes (its catalog entry is resolved
/// again at execution, so a plan outlives no DDL without being re-bound).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRef {
    pub oid: u32,
    pub name: String,
}

/// A range of index (or primary) keys, as values of a prefix of the key
/// columns; `None` bounds are open.
#[derive(Clone, Debug)]
pub struct KeyRange {
    pub low: Option<(Vec<ScalarExpr>, bool)>,
    pub high: Option<(Vec<ScalarExpr>, bool)>,
}

/// How a scan reaches its rows.
///
/// The key ranges are shared (`Arc`): every execution's scan operator
/// holds the plan's ranges, not a copy of their expressions. A rule that
/// rewrites them gets its own copy (`Arc::make_mut`).
#[derive(Clone, Debug)]
pub enum Access {
    /// Every row in primary-key (or row-id) order.
    Full,
    /// Rows whose primary key lies in one of the ranges (`=` and `IN` are
    /// single-point ranges).
    PrimaryKey { ranges: Arc<[KeyRange]> },
    /// Rows found through a secondary index; `only` when every needed column
    /// is in the index (an index-only scan).
    Index {
        index: u32,
        name: String,
        ranges: Arc<[KeyRange]>,
        only: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
    /// Rows of the left side with at least one match (EXISTS, IN).
    Semi,
    /// Rows of the left side with no match (NOT EXISTS).
    Anti,
}

#[derive(Clone, Debug)]
pub enum JoinAlgorithm {
    NestedLoop,
    /// Build a hash table on the right side's keys, probe with the left's.
    Hash {
        left_keys: Vec<ScalarExpr>,
        right_keys: Vec<ScalarExpr>,
    },
    /// Both inputs sorted on the keys.
    Merge {
        left_keys: Vec<ScalarExpr>,
        right_keys: Vec<ScalarExpr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOpKind {
    Union,
    Intersect,
    Except,
}

/// One key of a sort.
#[derive(Clone, Debug)]
pub struct SortKey {
    pub expr: ScalarExpr,
    pub descending: bool,
    pub nulls_first: bool,
}

impl SortKey {
    /// What follows the expression when the key is printed: ` DESC`, and
    /// the NULLS placement when it is not the direction's default.
    pub fn direction_text(&self) -> &'static str {
        match (self.descending, self.nulls_first) {
            (false, false) => "",
            (false, true) => " NULLS FIRST",
            (true, true) => " DESC",
            (true, false) => " DESC NULLS LAST",
        }
    }
}

/// `SET col = expr` of an UPDATE or `ON CONFLICT DO UPDATE`: the table
/// column's position and the new value, over the update's input row.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub column: usize,
    pub value: ScalarExpr,
}

/// `ON CONFLICT` of an INSERT.
#[derive(Clone, Debug)]
pub enum OnConflict {
    /// DO NOTHING, on any unique index or the one given.
    Nothing { index: Option<u32> },
    /// DO UPDATE SET … WHERE …: expressions see the existing row followed by
    /// the proposed one (`EXCLUDED`).
    Update {
        index: u32,
        assignments: Vec<Assignment>,
        predicate: Option<ScalarExpr>,
    },
}

#[derive(Clone, Debug)]
pub enum PlanNode {
    /// Rows given in the statement (`VALUES`, or one empty row for a SELECT
    /// without FROM).
    Values {
        rows: Vec<Vec<ScalarExpr>>,
    },
    /// No rows (a filter the optimizer proved false).
    Empty,
    /// Rows of a table. The output is every table column in order
    /// (`projection` narrows it when set); `filter` is applied to each row.
    /// A projection entry equal to the table's column count stands for the
    /// row's key (PostgreSQL's ctid; name its field `ctid`), a `bytea` value
    /// that UPDATE and DELETE use to find the row again. `columns` lists
    /// the table columns the plan reads (the filter's and those above the
    /// scan, set by the optimizer's `prune_columns`); the executor decodes
    /// only those and yields NULL in the others. `None`: every column.
    Scan {
        table: TableRef,
        access: Access,
        filter: Option<ScalarExpr>,
        projection: Option<Vec<usize>>,
        columns: Option<Vec<usize>>,
    },
    /// A set-returning function in FROM (`generate_series`, `unnest`):
    /// `func` is the resolved function (its arguments already cast to
    /// `func.arg_types`), `name` its name for display. With `ordinality`
    /// an int8 row number follows the function's columns.
    FunctionScan {
        func: Arc<Resolved>,
        name: String,
        args: Vec<ScalarExpr>,
        ordinality: bool,
    },
    Filter {
        input: Box<Plan>,
        predicate: ScalarExpr,
    },
    Project {
        input: Box<Plan>,
        exprs: Vec<ScalarExpr>,
    },
    /// Output: left columns then right columns (left only for Semi/Anti).
    Join {
        left: Box<Plan>,
        right: Box<Plan>,
        kind: JoinKind,
        condition: Option<ScalarExpr>,
        algorithm: JoinAlgorithm,
        /// The right side refers to the left's columns (LATERAL).
        lateral: bool,
    },
    /// Output: the group keys then the aggregates. With grouping sets, keys
    /// absent from the current set are NULL and `grouping_sets` lists, per
    /// set, the key positions present; each row then ends with one more
    /// column, `grouping_set` (int4): the number of the row's set in that
    /// list, from which `grouping(…)` is computed.
    Aggregate {
        input: Box<Plan>,
        group_by: Vec<ScalarExpr>,
        grouping_sets: Option<Vec<Vec<usize>>>,
        aggregates: Vec<AggCall>,
        /// The input arrives sorted on the group keys (plain columns, no
        /// grouping sets): groups stream out one at a time, in key order
        /// (PostgreSQL's GroupAggregate) instead of being hashed.
        sorted: bool,
    },
    /// Output: the input columns then one column per call.
    Window {
        input: Box<Plan>,
        calls: Vec<WindowCall>,
    },
    /// Sorts; `limit` keeps only the first rows (top-N).
    Sort {
        input: Box<Plan>,
        keys: Vec<SortKey>,
        limit: Option<u64>,
    },
    Limit {
        input: Box<Plan>,
        limit: Option<ScalarExpr>,
        offset: Option<ScalarExpr>,
        with_ties: Vec<SortKey>,
    },
    /// DISTINCT, or DISTINCT ON the given expressions (input sorted by them).
    Distinct {
        input: Box<Plan>,
        on: Option<Vec<ScalarExpr>>,
    },
    SetOp {
        kind: SetOpKind,
        all: bool,
        left: Box<Plan>,
        right: Box<Plan>,
    },
    /// WITH RECURSIVE: the anchor's rows, then the recursive part run over the
    /// previous iteration's rows (read by `WorkTable` nodes with this id)
    /// until it yields none.
    RecursiveUnion {
        id: usize,
        anchor: Box<Plan>,
        recursive: Box<Plan>,
        all: bool,
    },
    WorkTable {
        id: usize,
    },
    /// A data-modifying statement in WITH (`WITH moved AS (DELETE … RETURNING
    /// *) INSERT INTO archive SELECT * FROM moved`): `cte` runs to its end
    /// once, before `input` starts, whether or not `input` reads it; its
    /// RETURNING rows are the rows of the `WorkTable` nodes with this id.
    /// The rows it changes count for its own statement only, not for the
    /// command tag.
    WithModifying {
        id: usize,
        /// The WITH item's name (for EXPLAIN).
        name: String,
        cte: Box<Plan>,
        input: Box<Plan>,
    },
    /// Inserts the input rows (one value per table column, defaults already
    /// filled in); outputs the RETURNING expressions over the new rows.
    Insert {
        table: TableRef,
        input: Box<Plan>,
        on_conflict: Option<OnConflict>,
        returning: Vec<ScalarExpr>,
    },
    /// The input yields rows of the table (every column, in order) followed
    /// by any columns the assignments need (UPDATE … FROM); the assignments
    /// compute new values over that row. The assignments are shared with
    /// every execution's operator (as a scan's key ranges are).
    Update {
        table: TableRef,
        input: Box<Plan>,
        assignments: Arc<[Assignment]>,
        returning: Vec<ScalarExpr>,
    },
    /// The input yields rows of the table (every column, in order) first.
    Delete {
        table: TableRef,
        input: Box<Plan>,
        returning: Vec<ScalarExpr>,
    },
}
