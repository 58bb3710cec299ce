//! A data-modifying statement in WITH (`WITH moved AS (DELETE … RETURNING
//! *) INSERT INTO archive SELECT * FROM moved`).
//!
//! As in PostgreSQL, the WITH item's INSERT, UPDATE or DELETE runs exactly
//! once and to its end, whether the statement reads its RETURNING rows
//! once, several times or not at all. [`WithModifyingOp`] runs it before
//! the first row of the statement's own plan and keeps its RETURNING rows
//! as a work table, which the references read. The rows it changes are its
//! own: the command tag counts only the main statement's.
//!
//! PostgreSQL runs every part of such a statement on one snapshot, so the
//! main statement does not see the WITH item's changes; here the item runs
//! first, and a main statement that reads the same table sees them.

use std::sync::Arc;

use assay_storage::Result;

use crate::exec::context::ExecContext;
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;

pub(crate) struct WithModifyingOp {
    id: usize,
    /// The WITH item's statement, until it has run.
    cte: Option<BoxOp>,
    input: BoxOp,
}

impl WithModifyingOp {
    pub(crate) fn new(id: usize, cte: BoxOp, input: BoxOp) -> WithModifyingOp {
        WithModifyingOp {
            id,
            cte: Some(cte),
            input,
        }
    }
}

impl Operator for WithModifyingOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if let Some(mut cte) = self.cte.take() {
            let affected = ctx.rows_affected;
            let mut rows = Vec::new();
            while let Some(row) = cte.next(ctx)? {
                ctx.tick()?;
                rows.push(row);
            }
            ctx.rows_affected = affected;
            ctx.work_tables.insert(self.id, Arc::new(rows));
        }
        self.input.next(ctx)
    }
}
