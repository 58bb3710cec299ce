//! Generated columns (`GENERATED ALWAYS AS (expr) STORED`): the generation
//! expression bound over the table's row, with PostgreSQL's restrictions,
//! and the plans that compute it.
//!
//! The expression is computed, never given: INSERT computes it from the
//! row it builds (a projection over the input of `Insert`), UPDATE and ON
//! CONFLICT DO UPDATE add an assignment whose value is the expression with
//! each column the SET list assigns replaced by its new value (a column
//! not assigned keeps the old row's value); an UPDATE value that could
//! differ if evaluated twice (volatile, a subquery) is computed once into
//! the input row first. A generated column may only be set to DEFAULT; it
//! may not read another generated column, so one pass suffices.

use assay_storage::{err, Result, SqlState};

use super::catalog::TableInfo;
use super::expr::ExprCtx;
use super::from::table_scope;
use super::rewrite::transform;
use super::{parse_expr, Binder, Typed};
use crate::functions::{FunctionKind, Volatility};
use crate::plan::{Assignment, Field, Plan, PlanNode, ScalarExpr, Schema};

/// SQLSTATE 428C9: a value given for a column that is generated.
pub(super) const GENERATED_ALWAYS: SqlState = SqlState::new(b"428C9");

/// SQLSTATE 42P17: invalid object definition.
const INVALID_OBJECT_DEFINITION: SqlState = SqlState::new(b"42P17");

impl Binder<'_> {
    /// The generation expression of column `col`, bound over the table's
    /// row and checked as PostgreSQL checks it (immutable, no subquery, no
    /// aggregate, window or set-returning function, no generated column).
    /// Its type is the expression's own: callers coerce it.
    pub(crate) fn bind_generation_expr(&mut self, table: &TableInfo, col: usize) -> Result<Typed> {
        let c = &table.columns[col];
        let sql = c.generated.as_deref().unwrap_or("NULL");
        let expr = parse_expr(sql)?;
        let scope = table_scope(table, &table.name);
        let mut cx = ExprCtx::new(&scope, "column generation expressions");
        let outer = std::mem::take(&mut self.outer);
        let t = self.bind_expr(&expr, &mut cx);
        self.outer = outer;
        let t = self.resolve_unknown(t?)?;
        let mut problem: Option<assay_storage::Error> = None;
        t.expr.visit(&mut |e| {
            if problem.is_some() {
                return;
            }
            problem = match e {
                ScalarExpr::Subquery { .. } => Some(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "cannot use subquery in column generation expression"
                )),
                ScalarExpr::Column(i)
                    if table.columns.get(*i).is_some_and(|c| c.generated.is_some()) =>
                {
                    let name = &table.columns[*i].name;
                    Some(
                        err!(
                            INVALID_OBJECT_DEFINITION,
                            "cannot use generated column \"{}\" in column generation expression",
                            name
                        )
                        .with_detail(
                            "A generated column cannot reference another generated column.",
                        ),
                    )
                }
                ScalarExpr::Function { func, .. }
                    if func.def.kind() != FunctionKind::Scalar
                        || func.def.volatility != Volatility::Immutable =>
                {
                    Some(err!(
                        INVALID_OBJECT_DEFINITION,
                        "generation expression is not immutable"
                    ))
                }
                _ => None,
            };
        });
        match problem {
            Some(e) => Err(e),
            None => Ok(t),
        }
    }

    /// The generation expression of column `col` as the column's type.
    fn generated_value(&mut self, table: &TableInfo, col: usize) -> Result<ScalarExpr> {
        let t = self.bind_generation_expr(table, col)?;
        let c = &table.columns[col];
        Ok(self.coerce_assign(t, &c.data_type, &c.name)?.expr)
    }

    /// INSERT's input with each generated column computed from the row's
    /// other columns (the input holds every column of the table).
    pub(super) fn compute_generated(&mut self, table: &TableInfo, input: Plan) -> Result<Plan> {
        if !table
            .columns
            .iter()
            .any(|c| c.generated.is_some() && !c.dropped)
        {
            return Ok(input);
        }
        let mut exprs = Vec::with_capacity(table.columns.len());
        for (i, c) in table.columns.iter().enumerate() {
            exprs.push(if c.generated.is_some() && !c.dropped {
                self.generated_value(table, i)?
            } else {
                ScalarExpr::Column(i)
            });
        }
        let schema = input.schema.clone();
        Ok(Plan::new(
            PlanNode::Project {
                input: Box::new(input),
                exprs,
            },
            schema,
        ))
    }

    /// Adds to an UPDATE's SET list the new value of every generated
    /// column: its expression over the new row, where an assigned column
    /// reads its assigned value. The table's columns are the first of the
    /// SET list's input row.
    pub(super) fn assign_generated(
        &mut self,
        table: &TableInfo,
        assignments: &mut Vec<Assignment>,
    ) -> Result<()> {
        for (i, c) in table.columns.iter().enumerate() {
            if c.generated.is_none() || c.dropped {
                continue;
            }
            let value = self.generated_value(table, i)?;
            let value = transform(value, &mut |e| {
                Ok(match e {
                    ScalarExpr::Column(k) => assignments
                        .iter()
                        .find(|a| a.column == *k)
                        .map(|a| a.value.clone()),
                    _ => None,
                })
            })?;
            assignments.push(Assignment { column: i, value });
        }
        Ok(())
    }
}

impl Binder<'_> {
    /// UPDATE: a value that could differ between two evaluations (a
    /// volatile function, a subquery) is computed once, as a column added
    /// to the input row after those the statement sees, so that the
    /// generated columns read the value stored. Other values are simply
    /// repeated in the generated columns' expressions.
    pub(super) fn evaluate_once(
        &mut self,
        table: &TableInfo,
        input: Plan,
        assignments: &mut [Assignment],
    ) -> Plan {
        let has_generated = table.columns.iter().any(|c| c.generated.is_some());
        if !has_generated || !assignments.iter().any(|a| unstable(&a.value)) {
            return input;
        }
        let width = input.schema.len();
        let mut fields = input.schema.fields.clone();
        let mut exprs: Vec<ScalarExpr> = (0..width).map(ScalarExpr::Column).collect();
        for a in assignments.iter_mut().filter(|a| unstable(&a.value)) {
            let ty = table.columns[a.column].data_type.clone();
            fields.push(Field::new(format!("?assigned{}?", a.column), ty));
            let value = std::mem::replace(&mut a.value, ScalarExpr::Column(exprs.len()));
            exprs.push(value);
        }
        Plan::new(
            PlanNode::Project {
                input: Box::new(input),
                exprs,
            },
            Schema::new(fields),
        )
    }
}

/// Whether two evaluations of `e` over one row may differ.
fn unstable(e: &ScalarExpr) -> bool {
    let mut found = false;
    e.visit(&mut |e| {
        found |= match e {
            ScalarExpr::Subquery { .. } => true,
            ScalarExpr::Function { func, .. } => func.def.volatility == Volatility::Volatile,
            _ => false,
        }
    });
    found
}

/// The error for a value given to generated column `name` by INSERT.
pub(super) fn insert_into_generated(name: &str) -> assay_storage::Error {
    err!(
        GENERATED_ALWAYS,
        "cannot insert a non-DEFAULT value into column \"{}\"",
        name
    )
    .with_detail(format!("Column \"{name}\" is a generated column."))
}

/// The error for SET `name` = a value other than DEFAULT.
pub(super) fn update_generated(name: &str) -> assay_storage::Error {
    err!(
        GENERATED_ALWAYS,
        "column \"{}\" can only be updated to DEFAULT",
        name
    )
    .with_detail(format!("Column \"{name}\" is a generated column."))
}
