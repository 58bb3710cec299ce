//! COPY FROM's batch insert: rows go straight to the table, without a
//! plan run per row.
//!
//! The session plans `INSERT INTO t (cols) VALUES ($1, …)` once per COPY,
//! as before; its one VALUES row is the recipe for a table row: `$i` for
//! each COPY column (possibly under a cast), the column's default for
//! every other one (`nextval(…)`, `now()`, constants, NULL). A
//! [`CopyInsert`] keeps that recipe with each `$i` turned into a reference
//! to the COPY row's column `i`, so one executor context — opened once
//! per chunk of input, not once per row — computes every row: a bare
//! column is moved out of the COPY row, anything else is evaluated over
//! it. The row then goes through the same `insert_row` an INSERT uses
//! (length and precision limits, NOT NULL, CHECK, the table's B+tree,
//! every index with its unique check, foreign keys), so errors are the
//! INSERT's, and the statement's savepoint or failed block undoes a
//! failed COPY as it undoes a failed INSERT.
//!
//! Error context follows PostgreSQL's, whose COPY buffers rows and writes
//! them to the table and indexes in batches unless a default is volatile
//! (`nextval` aside): a NOT NULL or CHECK failure names the line and its
//! text (`COPY t, line 3: "…"`), a duplicate key only the line (the row
//! was buffered: `COPY t, line 3`), and a foreign key violation no line at
//! all (PostgreSQL checks it when the statement ends; here it is checked
//! at once, so the error may come before that of a later bad line).
//!
//! A plan of any other shape (a subquery in a default, ON CONFLICT or
//! RETURNING, which COPY's INSERT never has) yields no `CopyInsert`, and
//! the session runs the plan per row as it did before.

use std::sync::Arc;

use assay_storage::{Error, Result, SqlState};

use crate::exec::{eval, insert_row, ExecContext, TableMeta};
use crate::functions::Volatility;
use crate::plan::{Plan, PlanNode, ScalarExpr};
use crate::types::Value;

/// How one table column of a new row is computed.
#[derive(Debug)]
enum Slot {
    /// Moved out of the COPY row's column.
    Input(usize),
    /// Evaluated over the COPY row (a cast of its column, a default).
    Expr(ScalarExpr),
}

/// Which CONTEXT line an error in inserting a row gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RowContext {
    /// None: the error belongs to the statement as a whole.
    Statement,
    /// `COPY t, line n`.
    Line,
    /// `COPY t, line n: "text"`.
    LineText,
}

/// The per-row recipe of a COPY FROM's table rows.
#[derive(Debug)]
pub(crate) struct CopyInsert {
    table: u32,
    slots: Vec<Slot>,
    /// PostgreSQL would buffer the rows (no volatile default but
    /// `nextval`): a duplicate key's context is the line alone.
    buffered: bool,
    /// The table row under construction, its buffer kept between rows.
    row: Vec<Value>,
}

impl CopyInsert {
    /// The recipe in `plan` (COPY's `INSERT … VALUES ($1, …)`), or `None`
    /// when the plan has another shape and must be run per row.
    pub fn from_plan(plan: &Plan) -> Option<CopyInsert> {
        let PlanNode::Insert {
            table,
            input,
            on_conflict: None,
            returning,
        } = &plan.node
        else {
            return None;
        };
        let PlanNode::Values { rows } = &input.node else {
            return None;
        };
        let [row] = rows.as_slice() else {
            return None;
        };
        if !returning.is_empty() {
            return None;
        }
        let mut uses = Vec::new();
        let mut plain = true;
        let mut buffered = true;
        for e in row {
            e.visit(&mut |e| match e {
                ScalarExpr::Function { func, .. } => {
                    buffered &=
                        func.def.volatility != Volatility::Volatile || func.def.name == "nextval";
                }
                ScalarExpr::Param { index, .. } => {
                    if uses.len() <= *index {
                        uses.resize(index + 1, 0usize);
                    }
                    uses[*index] += 1;
                }
                ScalarExpr::Column(_) | ScalarExpr::Outer { .. } | ScalarExpr::Subquery { .. } => {
                    plain = false
                }
                _ => {}
            });
        }
        if !plain {
            return None;
        }
        let slots = row
            .iter()
            .map(|e| match e {
                // Moving a value out is safe only if nothing else reads it.
                ScalarExpr::Param { index, .. } if uses[*index] == 1 => Slot::Input(*index),
                _ => {
                    let mut e = e.clone();
                    e.visit_mut(&mut |e| {
                        if let ScalarExpr::Param { index, .. } = e {
                            *e = ScalarExpr::Column(*index);
                        }
                    });
                    Slot::Expr(e)
                }
            })
            .collect();
        Some(CopyInsert {
            table: table.oid,
            slots,
            buffered,
            row: Vec::new(),
        })
    }

    /// The CONTEXT line PostgreSQL gives `e`, raised by [`CopyInsert::insert`].
    pub fn context_for(&self, e: &Error) -> RowContext {
        match e.code() {
            SqlState::FOREIGN_KEY_VIOLATION => RowContext::Statement,
            SqlState::UNIQUE_VIOLATION if self.buffered => RowContext::Line,
            _ => RowContext::LineText,
        }
    }

    /// The table's executor metadata, looked up once per context.
    pub fn meta(&self, ctx: &mut ExecContext<'_>) -> Result<Arc<TableMeta>> {
        ctx.tables.table(self.table)
    }

    /// Inserts the table row for the COPY row `input` (whose values are
    /// taken).
    pub fn insert(
        &mut self,
        meta: &TableMeta,
        input: &mut [Value],
        ctx: &mut ExecContext<'_>,
    ) -> Result<()> {
        let mut row = std::mem::take(&mut self.row);
        row.clear();
        // Evaluated slots first: they read `input` before moves empty it.
        for slot in &self.slots {
            row.push(match slot {
                Slot::Expr(e) => eval(e, input, ctx)?,
                Slot::Input(_) => Value::Null,
            });
        }
        for (out, slot) in row.iter_mut().zip(&self.slots) {
            if let Slot::Input(i) = slot {
                *out = std::mem::replace(&mut input[*i], Value::Null);
            }
        }
        self.row = insert_row(meta, row, ctx)?;
        Ok(())
    }
}
