//! Queries: SELECT, VALUES, set operations, WITH.

use super::{Expr, FunctionCall, ObjectName, WindowSpec};

/// A full query: `[WITH …] body [ORDER BY …] [LIMIT …] [OFFSET …] [FOR …]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Query {
    pub with: Option<With>,
    pub body: SetExpr,
    pub order_by: Vec<SortBy>,
    /// `LIMIT n` or `FETCH FIRST n ROWS`; `LIMIT ALL` is `None`.
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
    /// `FETCH FIRST n ROWS WITH TIES`.
    pub with_ties: bool,
    pub locking: Vec<LockingClause>,
}

impl Query {
    /// A query that is only a body.
    pub fn of(body: SetExpr) -> Query {
        Query {
            with: None,
            body,
            order_by: Vec::new(),
            limit: None,
            offset: None,
            with_ties: false,
            locking: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct With {
    pub recursive: bool,
    pub ctes: Vec<Cte>,
}

/// `name [(columns)] AS [[NOT] MATERIALIZED] (query)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cte {
    pub name: String,
    pub columns: Vec<String>,
    pub materialized: Option<bool>,
    pub query: Box<Query>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SetExpr {
    Select(Box<Select>),
    Values(Vec<Vec<Expr>>),
    SetOp {
        op: SetOp,
        all: bool,
        left: Box<SetExpr>,
        right: Box<SetExpr>,
    },
    /// A parenthesised query with its own ORDER BY/LIMIT/WITH.
    Query(Box<Query>),
    /// INSERT, UPDATE or DELETE as the query of a WITH item.
    Modify(Box<super::Statement>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetOp {
    Union,
    Intersect,
    Except,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Select {
    pub distinct: Option<Distinct>,
    pub targets: Vec<SelectItem>,
    /// `SELECT … INTO [TEMP] t`.
    pub into: Option<SelectInto>,
    pub from: Vec<TableRef>,
    pub where_clause: Option<Expr>,
    pub group_by: Vec<GroupByItem>,
    pub having: Option<Expr>,
    pub windows: Vec<NamedWindow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Distinct {
    Distinct,
    On(Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SelectInto {
    pub temporary: bool,
    pub unlogged: bool,
    pub name: ObjectName,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SelectItem {
    Expr {
        expr: Expr,
        alias: Option<String>,
    },
    /// `*`
    Wildcard,
    /// `t.*`
    QualifiedWildcard(ObjectName),
}

/// An item of `GROUP BY`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupByItem {
    Expr(Expr),
    /// `()`
    Empty,
    Rollup(Vec<Vec<Expr>>),
    Cube(Vec<Vec<Expr>>),
    GroupingSets(Vec<Vec<Expr>>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NamedWindow {
    pub name: String,
    pub spec: WindowSpec,
}

/// `expr [ASC|DESC|USING op] [NULLS FIRST|LAST]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortBy {
    pub expr: Expr,
    pub order: SortOrder,
    /// `Some(true)` for `NULLS FIRST`.
    pub nulls_first: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SortOrder {
    Default,
    Asc,
    Desc,
    Using(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LockingClause {
    pub strength: LockStrength,
    pub of: Vec<ObjectName>,
    pub wait: LockWait,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockStrength {
    Update,
    Share,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockWait {
    Block,
    NoWait,
    SkipLocked,
}

/// An item of `FROM`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TableRef {
    Table {
        name: ObjectName,
        alias: Option<Alias>,
    },
    Subquery {
        lateral: bool,
        query: Box<Query>,
        alias: Option<Alias>,
    },
    /// A set-returning function: `generate_series(1, 3) WITH ORDINALITY AS g(n, i)`.
    Function {
        lateral: bool,
        call: Box<FunctionCall>,
        ordinality: bool,
        alias: Option<Alias>,
    },
    Join {
        join: Box<Join>,
        alias: Option<Alias>,
    },
}

/// `AS name (col, …)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Alias {
    pub name: String,
    pub columns: Vec<String>,
    /// A column definition list's types (`AS x(a int, b text)`), one per
    /// column; empty without one.
    pub column_types: Vec<super::TypeName>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Join {
    pub kind: JoinKind,
    pub left: TableRef,
    pub right: TableRef,
    pub condition: JoinCondition,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
    Cross,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum JoinCondition {
    On(Expr),
    Using(Vec<String>),
    Natural,
    /// `CROSS JOIN`.
    None,
}
