//! [`DdlServices`]: what DDL needs from the binder and the executor.

use assay_storage::{Result, Transaction};

use crate::ast::Query;
use crate::catalog::{Catalog, Column, Oid, Table};
use crate::table::IndexEval;
use crate::types::{DataType, Value};

/// Where an expression bound for DDL appears; the binder applies the
/// clause's rules (no subqueries, aggregates or volatile functions where
/// PostgreSQL forbids them) and names the clause in its errors.
#[derive(Clone, Copy, Debug)]
pub enum ExprRole<'a> {
    /// A CHECK constraint (must be boolean; DDL checks the type).
    Check,
    /// A column's DEFAULT. The binder coerces constants to the column's
    /// type (`'x'` for an integer fails there, as in PostgreSQL); DDL
    /// checks that the result is assignable.
    Default { column: &'a Column },
    /// An index key expression.
    IndexKey,
    /// A partial index's WHERE predicate.
    IndexPredicate,
    /// ALTER COLUMN … TYPE … USING: computed from the old row.
    Using {
        column: &'a Column,
        new_type: &'a DataType,
    },
}

/// A query's result columns, and the tables and views it reads (a view
/// depends on them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryShape {
    pub columns: Vec<(String, DataType)>,
    pub depends_on: Vec<Oid>,
}

/// The binder's and executor's services that DDL calls. Expressions are
/// passed as SQL text, as the catalog keeps them; `table` is the table the
/// expression's column names refer to (for CREATE TABLE, the table being
/// created). [`IndexEval`] computes expression and partial index entries.
pub trait DdlServices: IndexEval {
    /// Binds `sql` over `table`'s columns and returns its type.
    fn bind_expression(
        &mut self,
        catalog: &Catalog,
        table: &Table,
        sql: &str,
        role: ExprRole<'_>,
    ) -> Result<DataType>;

    /// Evaluates `sql` for one row of `table` (every column, in slot
    /// order). `txn` is there for `nextval`.
    fn eval_expression(
        &mut self,
        catalog: &Catalog,
        txn: &mut Transaction,
        table: &Table,
        sql: &str,
        row: &[Value],
    ) -> Result<Value>;

    /// The result columns of `query` (names as PostgreSQL derives them:
    /// `?column?`, `max`, …) and what it reads.
    fn describe_query(&mut self, catalog: &Catalog, query: &Query) -> Result<QueryShape>;

    /// Runs `query`, handing each row to `sink`, which receives the
    /// transaction back to store it.
    fn run_query(
        &mut self,
        catalog: &Catalog,
        txn: &mut Transaction,
        query: &Query,
        sink: &mut dyn FnMut(&mut Transaction, &[Value]) -> Result<()>,
    ) -> Result<()>;
}
